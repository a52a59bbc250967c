import Foundation
import MockCDP

/// `mockcdp lint NDJSON…`: checks Segment messages in any NDJSON file against the specs.
enum LintCommand: Command {
    static let name = "lint"
    static let summary = "check Segment NDJSON against the specs (ids, types, totals, sizes)"
    static let help = """
        Usage: mockcdp lint NDJSON... [--quiet]

        Checks every line of each file as a Segment message: valid JSON object;
        'type'; 'userId' or 'anonymousId'; 'event' for track, 'groupId' for group,
        'previousId' and 'userId' for alias; ISO-8601 timestamps; 'messageId' at
        most 100 characters and unique across the files; at most 32 KB per message;
        standard e-commerce properties with their spec types (prices and amounts
        numbers, quantities whole numbers, products a list of objects); and order
        amounts that add up within a cent (subtotal = revenue - discount,
        total = subtotal + tax + shipping). Files are streamed, so any size works.

        Each problem is printed as file:line: error: message (or warning), with a
        hint line where there is more to know, then a summary line. A message over
        32 KB (32,768 bytes of the line, without its newline) is an error: Segment
        drops it and 'mockcdp send' skips it. '-' reads standard input.

        Options:
          --quiet              print errors and the summary, not warnings

        Exit status: 0 when no line has an error (warnings allowed), 1 when some
        line has an error, 65 when a file is not NDJSON at all (no line is JSON),
        66 when a file cannot be read, 64 for a usage error.

        """

    static func run(_ arguments: [String], terminal: Terminal) throws -> ExitCode {
        let parsed = try Arguments(
            arguments, options: [.init(name: "quiet", short: "q", takesValue: false)])
        guard !parsed.positional.isEmpty else {
            throw UsageError(message: "no NDJSON file given", hint: "mockcdp lint events.ndjson")
        }
        let quiet = parsed.flag("quiet")
        var lint = NDJSONLint()
        var worst = ExitCode.success
        var totals = NDJSONLint.FileResult()
        for path in parsed.positional {
            guard let handle = open(path) else {
                terminal.say("\(path): error: cannot read the file\n")
                worst = .noInput
                continue
            }
            defer { if path != "-" { try? handle.close() } }
            var text = ""
            var printFailure: OutputError?
            let result = lint.lint(handle) { finding in
                guard !(quiet && finding.severity == .warning), printFailure == nil else { return }
                let column = finding.column.map { ":\($0)" } ?? ""
                text += "\(path):\(finding.line)\(column): \(finding.severity.rawValue): "
                text += finding.message + "\n"
                if let hint = finding.hint { text += "  hint: \(hint)\n" }
                if text.utf8.count > 1 << 16 {
                    do throws(OutputError) {
                        try terminal.print(text)
                    } catch {
                        printFailure = error
                    }
                    text = ""
                }
            }
            if let printFailure { throw printFailure }
            if let reason = result.notNDJSON {
                text = "\(path): error: not NDJSON: \(reason)\n"
                if worst != .noInput { worst = .dataError }
            } else if result.messages == 0, result.errors == 0 {
                // Linting nothing is more likely a wrong path or a failed export than success.
                text += "\(path): error: not NDJSON: the file holds no message\n"
                if worst != .noInput { worst = .dataError }
            } else if result.errors > 0, worst == .success {
                worst = .failure
            }
            try terminal.print(text)
            totals.lines += result.lines
            totals.messages += result.messages
            totals.errors += result.errors
            totals.warnings += result.warnings
        }
        let files = parsed.positional.count
        try terminal.print(
            "lint: \(totals.messages) message\(totals.messages == 1 ? "" : "s") in \(files) "
                + "file\(files == 1 ? "" : "s"): \(totals.errors) error"
                + "\(totals.errors == 1 ? "" : "s"), \(totals.warnings) warning"
                + "\(totals.warnings == 1 ? "" : "s")\n")
        return worst
    }

    private static func open(_ path: String) -> FileHandle? {
        if path == "-" { return FileHandle.standardInput }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory),
            !isDirectory.boolValue
        else { return nil }
        return FileHandle(forReadingAtPath: path)
    }
}
