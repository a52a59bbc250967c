import Foundation
import MockCDP

/// `mockcdp merge FILE...`: joins timelines (such as the shards of one run) into one.
enum MergeCommand: Command {
    static let name = "merge"
    static let summary = "merge NDJSON timelines (such as shards) into one, in timestamp order"
    static let help = """
        Usage: mockcdp merge FILE... [-o OUT]

        Merges NDJSON files, each in timeline order (by timestamp, then by messageId),
        into one stream in that order, as 'mockcdp generate' writes it. The merge of the
        outputs of 'generate --shard 0/N' ... 'generate --shard N-1/N' is byte for byte
        the output of the run without shards. Reads each file once, keeping one line of
        each in memory.

        Each line must be one JSON object with "timestamp" (2026-03-10T04:00:00.000Z)
        and "messageId" strings, and each file must be in order; otherwise merge stops
        with an error naming the file and line (exit 65).

        Options:
          -o, --output OUT     write to OUT instead of stdout (written to a temporary
                               file first and moved into place when complete)

        Examples:
          mockcdp merge part-0.ndjson part-1.ndjson part-2.ndjson part-3.ndjson -o all.ndjson
          mockcdp merge part-*.ndjson | gzip > all.ndjson.gz

        """

    static func run(_ arguments: [String], terminal: Terminal) throws -> ExitCode {
        let parsed = try Arguments(
            arguments, options: [.init(name: "output", short: "o", takesValue: true)])
        guard !parsed.positional.isEmpty else {
            throw UsageError(
                message: "no files to merge", hint: "mockcdp merge part-*.ndjson -o all.ndjson")
        }
        // A shard given twice would write each of its messages twice, under the same messageId.
        var seen = Set<String>()
        for path in parsed.positional {
            let resolved = URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath()
                .path
            guard seen.insert(resolved).inserted else {
                throw UsageError(
                    message: "'\(path)' is given twice",
                    hint: "name each shard's output once")
            }
        }
        var merge: TimelineMerge
        do {
            merge = try TimelineMerge(paths: parsed.positional)
        } catch {
            throw reported(error)
        }
        if let outputPath = parsed.value("output"), outputPath != "-" {
            let file = try AtomicOutputFile(path: outputPath)
            do {
                let count = try write(&merge, to: file.handle)
                try file.commit()
                terminal.say("wrote \(count) events to \(outputPath)\n")
            } catch {
                file.discard()
                throw error
            }
        } else {
            _ = try write(&merge, to: terminal.output)
        }
        return .success
    }

    /// Writes the merged lines in large buffered writes and returns how many there were.
    private static func write(_ merge: inout TimelineMerge, to handle: FileHandle) throws -> Int {
        var buffer: [UInt8] = []
        let flushThreshold = 1 << 20
        buffer.reserveCapacity(flushThreshold + 64 * 1024)
        var count = 0
        func flush() throws {
            do {
                try handle.write(contentsOf: buffer)
            } catch {
                throw OutputError(message: "cannot write the merged output: \(describe(error))")
            }
            buffer.removeAll(keepingCapacity: true)
        }
        do {
            try merge.forEachLine { line in
                buffer.append(contentsOf: line)
                buffer.append(UInt8(ascii: "\n"))
                count += 1
                if buffer.count >= flushThreshold { try flush() }
            }
        } catch let error as MergeInputError {
            throw reported(error)
        }
        try flush()
        return count
    }

    private static func reported(_ error: MergeInputError) -> ReportedDiagnostics {
        ReportedDiagnostics(
            text: "error: \(error)\n" + (error.hint.map { "  hint: \($0)\n" } ?? ""),
            exitCode: error.line == 0 ? .noInput : .dataError)
    }
}
