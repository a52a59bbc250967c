import Foundation

/// Lints whole NDJSON files, streaming them line by line.
///
/// A file is "not NDJSON" when it has lines but none of them is JSON (a YAML
/// scenario given by mistake, a binary file); its per-line findings are then
/// summed up as one. Until the first line that parses, findings are held back
/// (at most `heldBackLimit` of them) to tell the two cases apart.
public struct NDJSONLint {
    /// What linting one file found.
    public struct FileResult: Sendable, Equatable {
        public var lines = 0
        public var messages = 0
        public var errors = 0
        public var warnings = 0
        /// Set when no line of the file is JSON: the reason, for the report.
        public var notNDJSON: String?

        public init() {}
    }

    static let heldBackLimit = 100

    private var linter = MessageLinter()
    private var messagesSoFar = 0

    public init() {}

    /// Lints the file at `handle`, calling `report` for each finding in line order.
    public mutating func lint(
        _ handle: FileHandle, report: (LintFinding) -> Void
    ) -> FileResult {
        var result = FileResult()
        var reader = LineReader(handle: handle)
        var heldBack: [LintFinding] = []
        var dropped = 0
        var sawJSON = false
        let unparsableBefore = linter.unparsable
        while let line = reader.next() {
            result.lines += 1
            let messagesBefore = linter.messages
            let findings = linter.check(line: line, number: result.lines)
            if linter.messages > messagesBefore, !sawJSON {
                sawJSON = true
                heldBack.forEach(report)
                if dropped > 0 {
                    report(
                        LintFinding(
                            severity: .error, line: result.lines,
                            message: "\(dropped) more invalid lines before this one"))
                }
                heldBack = []
            }
            for finding in findings {
                if finding.severity == .error { result.errors += 1 } else { result.warnings += 1 }
                if sawJSON {
                    report(finding)
                } else if heldBack.count < Self.heldBackLimit {
                    heldBack.append(finding)
                } else {
                    dropped += 1
                }
            }
        }
        result.messages = linter.messages - messagesSoFar
        messagesSoFar = linter.messages
        if !sawJSON, linter.unparsable > unparsableBefore {
            let first = heldBack.first { $0.column != nil }
            result.notNDJSON =
                (result.lines == 1
                    ? "its one line is not JSON" : "none of its \(result.lines) lines is JSON")
                + (first.map { " (line \($0.line): \($0.message))" } ?? "")
        } else {
            heldBack.forEach(report)
        }
        return result
    }
}
