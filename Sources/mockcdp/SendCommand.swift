import Foundation
import MockCDP

/// `mockcdp send FILE`: replays the messages of an NDJSON file to a Segment source.
enum SendCommand {
    static let help = """
        usage: mockcdp send FILE.ndjson [options]

        Replays Segment messages (one JSON object per line) to a source's HTTP Tracking API
        (POST /v1/batch). The whole file is checked first; nothing is sent if a line is bad.

        The write key comes from $SEGMENT_WRITE_KEY or --write-key-file; it is never printed.
        Each run gets a run id (printed at the start); messageIds are salted with it so that a
        new run is not deduplicated by Segment, while --resume keeps the ids of its run.

        options:
          --write-key-file PATH   read the write key from PATH (trailing newline ignored)
          --data-plane-url URL    default https://api.segment.io; https, or http to loopback
          --region us|eu          eu is https://events.eu1.segmentapis.com
          --pace MODE             asap (default), realtime, or a speed-up such as 60x
          --rebase-now            shift event times so that the first event is now
          --batch-size N          messages per request, 1 to 2500 (default 500)
          --concurrency N         requests in flight, 1 to 64 (default 4)
          --rate N                requests started per second, 1 to 1000 (default 100)
          --max-attempts N        attempts per batch before giving up (default 12)
          --checkpoint PATH       default FILE.send-checkpoint.json beside FILE
          --resume                continue the run recorded in the checkpoint
          --dry-run               send nothing; print each request body as one line of stdout

        exit status: 0 all sent, 64 usage, 65 bad input or rejected batches, 66 missing input,
        69 data plane unreachable, 73 checkpoint not writable, 75 retries exhausted (resume
        later), 77 write key refused (401/403), 130 interrupted (resume with --resume)
        """

    static func run(_ arguments: [String]) async -> Int32 {
        do {
            return try await send(arguments)
        } catch let error as UsageError {
            printError("mockcdp send: error: \(error.message)")
            printError("see mockcdp send --help")
            return 64
        } catch {
            printError("mockcdp send: error: \(error)")
            return 1
        }
    }

    private static func send(_ arguments: [String]) async throws -> Int32 {
        if arguments.contains("--help") || arguments.contains("-h") {
            print(help)
            return 0
        }
        if arguments.contains(where: { $0 == "--write-key" || $0.hasPrefix("--write-key=") }) {
            throw UsageError(WriteKeyError.givenOnCommandLine.description)
        }
        let reader = try ArgumentReader(
            arguments,
            valued: [
                "write-key-file", "data-plane-url", "region", "pace", "batch-size",
                "concurrency", "rate", "max-attempts", "checkpoint",
            ],
            switches: ["rebase-now", "resume", "dry-run"])
        guard reader.positional.count == 1, let inputPath = reader.positional.first else {
            throw UsageError("give exactly one input file")
        }
        let options = reader.options
        let dryRun = reader.flags.contains("dry-run")
        let resume = reader.flags.contains("resume")

        let dataPlane = try dataPlane(reader)
        guard let pace = Pace(options["pace"] ?? "asap") else {
            throw UsageError("--pace must be asap, realtime or a speed-up such as 60x")
        }
        let batchSize = try reader.integer(
            "batch-size", default: 500, in: 1...SendConfiguration.Limits.messagesPerBatch)
        let concurrency = try reader.integer("concurrency", default: 4, in: 1...64)
        let rate = try reader.integer(
            "rate", default: 100, in: 1...Int(SendConfiguration.Limits.requestsPerSecond))
        let attempts = try reader.integer("max-attempts", default: 12, in: 1...100)

        if [".yaml", ".yml"].contains(where: inputPath.lowercased().hasSuffix) {
            printError(
                "mockcdp send: error: \(inputPath) is a scenario; sending scenarios directly "
                    + "is not available yet: run mockcdp generate to write NDJSON, then send that")
            return 64
        }
        let file: NDJSONFile
        do {
            file = try NDJSONFile(path: inputPath)
        } catch {
            printError("mockcdp send: error: cannot read \(inputPath)")
            return 66
        }
        let checkpointPath =
            options["checkpoint"] ?? CheckpointStore.defaultPath(forInput: inputPath)

        // Counting only what is left keeps the ETA honest on a resumed run.
        var firstLine = 1
        if resume, let checkpoint = try? CheckpointStore(path: checkpointPath).load() {
            firstLine = checkpoint.resumeLine
        }
        let validation = file.validate(countingFrom: firstLine)
        if validation.problemCount > 0 {
            let renderer = DiagnosticRenderer()
            for problem in validation.problems {
                printError(renderer.render(problem), newline: false)
            }
            let hidden = validation.problemCount - validation.problems.count
            if hidden > 0 { printError("... and \(hidden) more bad lines") }
            printError(
                "mockcdp send: \(validation.problemCount) bad lines in \(inputPath); "
                    + "nothing was sent")
            return 65
        }

        let transport: any BatchTransport
        if dryRun {
            transport = DryRunTransport()
        } else {
            let key: WriteKey
            do {
                key = try WriteKey.load(file: options["write-key-file"])
            } catch {
                printError("mockcdp send: error: \(error)")
                return error == .missing ? 64 : 66
            }
            transport = HTTPBatchTransport(
                dataPlane: dataPlane, writeKey: key, userAgent: "mockcdp/\(mockcdpVersion)",
                maximumConnections: concurrency)
        }

        let configuration = SendConfiguration(
            dataPlane: dataPlane, input: file.identity,
            maximumMessagesPerBatch: batchSize,
            // A dry run prints bodies in input order, so one at a time and unthrottled.
            maximumInFlight: dryRun ? 1 : concurrency,
            requestsPerSecond: dryRun ? 1e9 : Double(rate),
            retry: RetryPolicy(maximumAttempts: attempts),
            pace: dryRun ? .asap : pace,
            rebaseToNow: reader.flags.contains("rebase-now"),
            checkpointPath: checkpointPath,
            writesCheckpoint: !dryRun,
            resume: resume,
            savedBatchDirectory: URL(fileURLWithPath: checkpointPath)
                .deletingLastPathComponent().path)

        let reporter = TerminalSendReporter()
        let stop = StopRequest()
        stop.installSignalHandlers { _ in
            reporter.report(
                .notice("stopping: finishing requests in flight (press Ctrl-C again to quit now)"))
        }
        let sender = SegmentSender(
            configuration: configuration, transport: transport, reporter: reporter, stop: stop)
        let summary: SendSummary
        do {
            summary = try await sender.run(file.lines, expectedMessages: validation.messageCount)
        } catch {
            printError("mockcdp send: error: \(error)")
            return error.exitStatus
        }
        explain(
            summary, inputPath: inputPath, checkpointFlag: options["checkpoint"], dryRun: dryRun)
        return summary.outcome.exitStatus
    }

    private static func dataPlane(_ reader: ArgumentReader) throws -> DataPlane {
        let url = reader.options["data-plane-url"]
        let region = reader.options["region"]
        if url != nil && region != nil {
            throw UsageError("give --data-plane-url or --region, not both")
        }
        do {
            if let region { return try DataPlane.region(region) }
            return try DataPlane(url ?? DataPlane.unitedStates)
        } catch {
            throw UsageError(error.description)
        }
    }

    /// What the user should know or do after the summary line.
    private static func explain(
        _ summary: SendSummary, inputPath: String, checkpointFlag: String?, dryRun: Bool
    ) {
        if dryRun {
            let counts = summary.progress
            let average = counts.sentBatches > 0 ? counts.totalBodyBytes / counts.sentBatches : 0
            printError(
                "dry run: \(counts.sentBatches) requests of \(counts.sentMessages) events would be "
                    + "sent; body sizes \(counts.smallestBodyBytes) to \(counts.largestBodyBytes) "
                    + "bytes (average \(average)); nothing was sent")
            return
        }
        let resumeCommand =
            "mockcdp send \(inputPath) --resume"
            + (checkpointFlag.map { " --checkpoint \($0)" } ?? "")
        switch summary.outcome {
        case .complete:
            break
        case .rejected:
            printError("some batches were rejected; they are saved in the files named above")
        case .badInput(let diagnostic):
            printError(DiagnosticRenderer().render(diagnostic), newline: false)
        case .retriesExhausted(let neverConnected):
            if neverConnected {
                printError("the data plane could not be reached; check --data-plane-url")
            }
            printError("to send the rest later: \(resumeCommand)")
        case .refused(let status):
            printError("the data plane answered \(status); fix that, then: \(resumeCommand)")
        case .interrupted:
            printError("stopped; to continue: \(resumeCommand)")
        case .checkpointFailed(let error):
            printError("stopped: \(error)")
        }
    }
}

func printError(_ text: String, newline: Bool = true) {
    FileHandle.standardError.write(Data((text + (newline ? "\n" : "")).utf8))
}
