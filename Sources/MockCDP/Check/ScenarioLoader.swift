import Foundation

/// Reads a scenario file and checks it into a ``Plan``: the front door of the compiler.
public struct ScenarioLoader {
    /// Source text of every file read, included files too, for rendering diagnostics.
    public private(set) var sources: [String: String] = [:]
    /// Warnings found while checking; errors are thrown.
    public private(set) var warnings: [Diagnostic] = []

    public init() {}

    /// Parses `path` with the files it includes and checks it. Throws every error found,
    /// as one ``DiagnosticError``. A key written twice is one of them: the file is checked as
    /// read with the key's first value, so its other mistakes are reported in the same run.
    public mutating func load(
        _ path: String, options: CompileOptions = CompileOptions()
    ) throws(DiagnosticError) -> Plan {
        var includes = IncludeResolver()
        defer { sources = includes.sources }
        let root = try includes.load(path)
        var checker = ScenarioChecker(options: options)
        let plan = checker.check(root)
        let checked = checker.diagnostics.map { diagnostic in
            var located = diagnostic
            if let file = diagnostic.location?.file, let chain = includes.chains[file] {
                located.includedFrom = chain
            }
            return located
        }
        let diagnostics = Self.merging(includes.duplicateKeys, into: checked)
        warnings = diagnostics.filter { $0.severity == .warning }
        guard let plan, !checker.hasErrors, includes.duplicateKeys.isEmpty else {
            throw DiagnosticError(diagnostics.filter { $0.severity == .error } + warnings)
        }
        return plan
    }

    /// `diagnostics` with each of `found` placed before the first one of the same file that
    /// comes after it, so that a file's problems read from top to bottom.
    private static func merging(
        _ found: [Diagnostic], into diagnostics: [Diagnostic]
    ) -> [Diagnostic] {
        var result = diagnostics
        for diagnostic in found {
            guard let location = diagnostic.location else {
                result.append(diagnostic)
                continue
            }
            let index = result.firstIndex { other in
                guard let place = other.location, place.file == location.file else {
                    return false
                }
                return (place.line, place.column) > (location.line, location.column)
            }
            result.insert(diagnostic, at: index ?? result.endIndex)
        }
        return result
    }
}
