import Foundation

/// Reads a scenario file and checks it into a ``Plan``: the front door of the compiler.
public struct ScenarioLoader {
    /// Source text of every file read, included files too, for rendering diagnostics.
    public private(set) var sources: [String: String] = [:]
    /// Warnings found while checking; errors are thrown.
    public private(set) var warnings: [Diagnostic] = []

    public init() {}

    /// Parses `path` with the files it includes and checks it. Throws every error found,
    /// as one ``DiagnosticError``.
    public mutating func load(
        _ path: String, options: CompileOptions = CompileOptions()
    ) throws(DiagnosticError) -> Plan {
        var includes = IncludeResolver()
        defer { sources = includes.sources }
        let root = try includes.load(path)
        var checker = ScenarioChecker(options: options)
        let plan = checker.check(root)
        let diagnostics = checker.diagnostics.map { diagnostic in
            var located = diagnostic
            if let file = diagnostic.location?.file, let chain = includes.chains[file] {
                located.includedFrom = chain
            }
            return located
        }
        warnings = diagnostics.filter { $0.severity == .warning }
        guard let plan, !checker.hasErrors else {
            throw DiagnosticError(diagnostics.filter { $0.severity == .error } + warnings)
        }
        return plan
    }
}
