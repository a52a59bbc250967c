/// One problem found in the user's input, with where it is and what to do about it.
///
/// Messages are lowercase without a final period, in the style of compilers:
/// `scenario.yaml:12:11: error: rate must be between 0% and 100%; got 120%`.
public struct Diagnostic: Error, Hashable, Sendable {
    public enum Severity: String, Sendable, Hashable {
        case error
        case warning
    }

    public var severity: Severity
    /// Where the problem is; `nil` for problems that belong to no file (a bad flag).
    public var location: SourceLocation?
    public var message: String
    /// What the user can do next, shown under the caret.
    public var hint: String?
    /// For a problem in an included file, the includes that led to it, innermost first.
    public var includedFrom: [SourceLocation] = []

    public init(
        _ severity: Severity = .error, at location: SourceLocation?, _ message: String,
        hint: String? = nil
    ) {
        self.severity = severity
        self.location = location
        self.message = message
        self.hint = hint
    }

    public static func error(
        at location: SourceLocation?, _ message: String, hint: String? = nil
    ) -> Diagnostic {
        Diagnostic(.error, at: location, message, hint: hint)
    }

    public static func warning(
        at location: SourceLocation?, _ message: String, hint: String? = nil
    ) -> Diagnostic {
        Diagnostic(.warning, at: location, message, hint: hint)
    }
}

/// The diagnostics of a stage that could not finish, thrown as one error so that
/// the user sees every problem of a file in one run.
public struct DiagnosticError: Error, Sendable {
    public var diagnostics: [Diagnostic]
    /// Set when the input could not be read at all (exit status 66 rather than 65).
    public var isMissingInput: Bool

    public init(_ diagnostics: [Diagnostic], isMissingInput: Bool = false) {
        self.diagnostics = diagnostics
        self.isMissingInput = isMissingInput
    }

    public init(_ diagnostic: Diagnostic, isMissingInput: Bool = false) {
        self.init([diagnostic], isMissingInput: isMissingInput)
    }
}
