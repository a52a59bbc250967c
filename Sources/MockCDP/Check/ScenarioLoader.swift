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
        let diagnostics = Self.inReadingOrder(checked + includes.duplicateKeys)
        warnings = diagnostics.filter { $0.severity == .warning }
        guard let plan, !checker.hasErrors, includes.duplicateKeys.isEmpty else {
            throw DiagnosticError(diagnostics.filter { $0.severity == .error } + warnings)
        }
        return plan
    }

    /// `diagnostics` so that each file's problems read from top to bottom: files in the order
    /// their first problem was found, then by line and column. The checker finds problems
    /// section by section, and some sections are checked after others that follow them.
    /// Problems with no place keep their order, after the others.
    static func inReadingOrder(_ diagnostics: [Diagnostic]) -> [Diagnostic] {
        var fileRanks: [String: Int] = [:]
        for file in diagnostics.compactMap(\.location?.file) where fileRanks[file] == nil {
            fileRanks[file] = fileRanks.count
        }
        return diagnostics.enumerated().sorted { left, right in
            func key(_ item: (offset: Int, element: Diagnostic)) -> (Int, Int, Int, Int) {
                guard let place = item.element.location, let rank = fileRanks[place.file] else {
                    return (Int.max, 0, 0, item.offset)
                }
                return (rank, place.line, place.column, item.offset)
            }
            return key(left) < key(right)
        }.map(\.element)
    }
}
