import Foundation

/// Reads a scenario file and checks it into a ``Plan``: the front door of the compiler.
public struct ScenarioLoader {
    /// Source text of every file read, for rendering diagnostics with their lines.
    public private(set) var sources: [String: String] = [:]
    /// Warnings found while checking; errors are thrown.
    public private(set) var warnings: [Diagnostic] = []

    public init() {}

    /// Parses and checks `path`. Throws every error found, as one ``DiagnosticError``.
    public mutating func load(
        _ path: String, options: CompileOptions = CompileOptions()
    ) throws(DiagnosticError) -> Plan {
        let text = try YAMLParser.readSource(atPath: path)
        sources[path] = text
        let root = try YAMLParser.parse(text, file: path)
        var checker = ScenarioChecker(options: options)
        let plan = checker.check(root)
        warnings = checker.diagnostics.filter { $0.severity == .warning }
        guard let plan, !checker.hasErrors else {
            throw DiagnosticError(checker.diagnostics.filter { $0.severity == .error } + warnings)
        }
        return plan
    }
}
