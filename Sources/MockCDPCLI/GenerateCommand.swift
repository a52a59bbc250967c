import Foundation
import MockCDP

/// `mockcdp generate FILE`: compiles a scenario into NDJSON, or checks it against a golden file.
enum GenerateCommand: Command {
    static let name = "generate"
    static let summary = "compile a scenario into NDJSON (or --check it against a golden file)"
    static let help = """
        Usage: mockcdp generate FILE [-o OUT] [--seed N] [--set NAME=VALUE]... [--check GOLDEN]
                                [--shard I/N | --shards N]

        Writes the scenario's timeline as NDJSON: one Segment message per line, in
        timestamp order. The output depends only on the scenario, its parameters,
        the seed and the mockcdp version: two runs give identical bytes. Messages
        over Segment's 32 KB limit are written as they are, followed by one warning
        on stderr with their number and the first one's line.

        Options:
          -o, --output OUT     write to OUT instead of stdout (written to a temporary
                               file first and moved into place when complete)
          --shard I/N          generate only shard I of N (0 <= I < N): the users whose
                               index mod N is I; 'mockcdp merge' joins the N outputs
                               into the output of the whole run, byte for byte
          --shards N           like --shard, with I from JOB_COMPLETION_INDEX (set by
                               a Kubernetes Indexed Job)
          --check GOLDEN       compare with a golden NDJSON file instead of writing;
                               exit 1 and show the first differing line if they differ
        \(ScenarioInput.optionsHelp)

        Examples:
          mockcdp generate Scenarios/storefront.yaml -o storefront.ndjson
          mockcdp generate Scenarios/storefront.yaml --set visitors=200 | head
          mockcdp generate Scenarios/storefront.yaml --check Scenarios/storefront.ndjson
          mockcdp generate Scenarios/storefront.yaml --shard 1/4 -o part-1.ndjson

        """

    static func run(_ arguments: [String], terminal: Terminal) throws -> ExitCode {
        let options =
            ScenarioInput.options + [
                .init(name: "output", short: "o", takesValue: true),
                .init(name: "check", short: nil, takesValue: true),
                .init(name: "shard", short: nil, takesValue: true),
                .init(name: "shards", short: nil, takesValue: true),
            ]
        let parsed = try Arguments(arguments, options: options)
        guard parsed.positional.count == 1, let path = parsed.positional.first else {
            throw UsageError(
                message: parsed.positional.isEmpty
                    ? "no scenario file given" : "give exactly one scenario file",
                hint: "mockcdp generate shop.yaml -o shop.ndjson")
        }
        let shard = try Shard.parse(
            shard: parsed.value("shard"), shards: parsed.value("shards"),
            environment: ProcessInfo.processInfo.environment)
        let plan = try ScenarioInput.load(
            path, options: try ScenarioInput.compileOptions(parsed), terminal: terminal)

        if let goldenPath = parsed.value("check") {
            guard parsed.value("output") == nil else {
                throw UsageError(
                    message: "--check compares and writes nothing, so -o has no effect with it",
                    hint: "run generate once with -o to write, and once with --check to compare")
            }
            return try check(plan, shard: shard, against: goldenPath, terminal: terminal)
        }
        if let outputPath = parsed.value("output"), outputPath != "-" {
            let file = try AtomicOutputFile(path: outputPath)
            var writer = NDJSONWriter(handle: file.handle)
            do {
                try stream(plan, shard: shard, into: &writer, terminal: terminal)
                try file.commit()
            } catch {
                file.discard()
                throw error
            }
            terminal.say("wrote \(writer.eventsWritten) events to \(outputPath)\n")
            warnAboutOversizedMessages(writer, terminal: terminal)
        } else {
            var writer = NDJSONWriter(handle: terminal.output)
            try stream(plan, shard: shard, into: &writer, terminal: terminal)
            warnAboutOversizedMessages(writer, terminal: terminal)
        }
        return .success
    }

    /// One warning for all the messages over Segment's size limit: they are written all the
    /// same, since the output is the scenario's, but they would never arrive.
    private static func warnAboutOversizedMessages(_ writer: NDJSONWriter, terminal: Terminal) {
        guard let first = writer.firstOversizedLine else { return }
        let count = writer.oversizedMessages
        terminal.say(
            "warning: \(count) message\(count == 1 ? " is" : "s are") over Segment's limit of "
                + "\(SendConfiguration.Limits.messageBytes) bytes (32 KB); the first is line "
                + "\(first)\n  hint: \(SendConfiguration.Limits.oversizedMessageHint)\n")
    }

    private static func check(
        _ plan: Plan, shard: Shard?, against goldenPath: String, terminal: Terminal
    ) throws -> ExitCode {
        guard let golden = FileHandle(forReadingAtPath: goldenPath) else {
            throw ReportedDiagnostics(
                text: "error: cannot read golden file '\(goldenPath)'\n"
                    + "  hint: create it with: mockcdp generate SCENARIO -o \(goldenPath)\n",
                exitCode: .noInput)
        }
        defer { try? golden.close() }
        var comparison = GoldenComparison(golden: golden)
        try stream(plan, shard: shard, into: &comparison, terminal: terminal)
        guard let difference = comparison.difference else {
            terminal.say("\(goldenPath): identical\n")
            return .success
        }
        let column = firstDifference(difference.expected ?? "", difference.actual ?? "")
        var report =
            "\(goldenPath):\(difference.line):\(column + 1): "
            + "the generated timeline differs from the golden file\n"
        let excerpt = { (line: String?) in line.map { window($0, around: column) } }
        report += "  expected: \(excerpt(difference.expected) ?? "(end of golden file)")\n"
        report += "  actual:   \(excerpt(difference.actual) ?? "(end of generated timeline)")\n"
        report +=
            "  hint: if the change is intended, regenerate the golden file with -o \(goldenPath)\n"
        terminal.say(report)
        return .failure
    }

    /// The character offset where two lines first differ.
    static func firstDifference(_ expected: String, _ actual: String) -> Int {
        zip(expected, actual).prefix { $0 == $1 }.count
    }

    /// About 160 characters of `line` around `offset`, with … where it was cut.
    static func window(_ line: String, around offset: Int) -> String {
        let characters = Array(line)
        let start = max(0, offset - 60)
        let end = min(characters.count, offset + 100)
        return (start > 0 ? "…" : "") + String(characters[start..<end])
            + (end < characters.count ? "…" : "")
    }

    /// Feeds the whole timeline into a sink, with a progress line on a terminal.
    static func stream(
        _ plan: Plan, shard: Shard? = nil, into sink: inout some EventSink, terminal: Terminal
    ) throws {
        var progress = Progress(total: plan.population.users, terminal: terminal)
        var timeline =
            shard.map { shard in Timeline(plan: plan, includesUser: { shard.includes(user: $0) }) }
            ?? Timeline(plan: plan)
        var count = 0
        while let event = timeline.next() {
            try sink.write(event)
            count += 1
            if count & 0x3FFF == 0 { progress.update(events: count, lastUser: event.user) }
        }
        try sink.finish()
        progress.finish()
    }
}

/// A redrawn progress line on stderr, shown only when stderr is a terminal.
struct Progress {
    let total: Int
    let terminal: Terminal
    private let started = Date()
    private var lastDraw = Date.distantPast
    private var drawn = false

    init(total: Int, terminal: Terminal) {
        self.total = total
        self.terminal = terminal
    }

    mutating func update(events: Int, lastUser: Int) {
        guard terminal.errorsIsTerminal, Date().timeIntervalSince(lastDraw) >= 0.25 else { return }
        lastDraw = Date()
        let elapsed = max(Date().timeIntervalSince(started), 0.001)
        let share = total > 0 ? Double(lastUser + 1) / Double(total) : 1
        terminal.say(
            String(
                format: "\r\u{1B}[K%d events, %.0f events/s, users %.0f%%", events,
                Double(events) / elapsed,
                share * 100))
        drawn = true
    }

    mutating func finish() {
        if drawn { terminal.say("\r\u{1B}[K") }
    }
}

/// An output file written beside its final path and moved into place only when complete,
/// so that an interrupted run never leaves a truncated file where a good one was.
///
/// A path that names something other than a regular file (`/dev/null`, a named pipe)
/// is written directly: moving a file over it would replace the device for everyone.
struct AtomicOutputFile {
    let path: String
    /// `nil` when writing straight into a device or pipe.
    let temporaryPath: String?
    let handle: FileHandle

    init(path: String) throws {
        self.path = path
        var info = stat()
        if stat(path, &info) == 0, info.st_mode & S_IFMT != S_IFREG {
            guard let handle = FileHandle(forWritingAtPath: path) else {
                throw OutputError(message: "cannot write '\(path)'")
            }
            temporaryPath = nil
            self.handle = handle
            return
        }
        let url = URL(fileURLWithPath: path)
        let temporaryPath =
            url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).\(getpid()).partial").path
        guard FileManager.default.createFile(atPath: temporaryPath, contents: nil),
            let handle = FileHandle(forWritingAtPath: temporaryPath)
        else {
            throw OutputError(
                message: "cannot write '\(path)': check that its folder exists and is writable")
        }
        self.temporaryPath = temporaryPath
        self.handle = handle
    }

    func commit() throws {
        try handle.close()
        guard let temporaryPath else { return }
        guard rename(temporaryPath, path) == 0 else {
            discard()
            throw OutputError(message: "cannot move the output into place at '\(path)'")
        }
    }

    func discard() {
        try? handle.close()
        if let temporaryPath { try? FileManager.default.removeItem(atPath: temporaryPath) }
    }
}
