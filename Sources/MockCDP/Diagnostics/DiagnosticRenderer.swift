/// Renders diagnostics the way compilers do: a location line, the source line and a caret.
///
/// ```
/// shop.yaml:7:11: error: rate must be between 0% and 100%; got 120%
///     rate: 120%
///           ^
///   hint: write a share such as 9% or 0.09
/// ```
///
/// A problem in an included file ends with one `note: included from FILE:LINE:COL` line per
/// include that led to it, innermost first.
public struct DiagnosticRenderer: Sendable {
    /// Source text of each file by path, used to show the offending line.
    public var sources: [String: String]

    public init(sources: [String: String] = [:]) {
        self.sources = sources
    }

    public func render(_ diagnostic: Diagnostic) -> String {
        var text = ""
        if let location = diagnostic.location {
            text += "\(location): "
        }
        text += "\(diagnostic.severity.rawValue): \(diagnostic.message)\n"
        if let location = diagnostic.location, let line = sourceLine(location) {
            let indent = String(repeating: " ", count: 4)
            text += indent + line + "\n"
            text += indent + caretPadding(line, column: location.column) + "^\n"
        }
        if let hint = diagnostic.hint {
            text += "  hint: \(hint)\n"
        }
        for include in diagnostic.includedFrom {
            text += "  note: included from \(include)\n"
        }
        return text
    }

    public func render(_ diagnostics: [Diagnostic]) -> String {
        diagnostics.map(render).joined()
    }

    private func sourceLine(_ location: SourceLocation) -> String? {
        guard let source = sources[location.file], location.line >= 1 else { return nil }
        // Split on the scalar, not the Character: in Swift "\r\n" is one Character.
        let lines = source.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false)
        guard location.line <= lines.count else { return nil }
        var line = String(String.UnicodeScalarView(lines[location.line - 1]))
        if line.unicodeScalars.last == "\r" { line.unicodeScalars.removeLast() }
        return line
    }

    /// Spaces up to the caret, keeping tabs so that the caret lines up in a terminal.
    private func caretPadding(_ line: String, column: Int) -> String {
        String(line.prefix(max(0, column - 1)).map { $0 == "\t" ? "\t" : " " })
    }
}
