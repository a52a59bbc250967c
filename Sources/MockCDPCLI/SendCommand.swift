import Foundation
import MockCDP

/// `mockcdp send FILE`: replays a scenario's timeline, or an NDJSON file, to a Segment source.
enum SendCommand: Command {
    static let name = "send"
    static let summary = "replay a scenario or an NDJSON file to a Segment source"
    static let help = """
        Usage: mockcdp send FILE [options]

        Replays Segment messages to a source's HTTP Tracking API (POST /v1/batch). FILE is a
        scenario (.yaml, compiled on the fly) or NDJSON (one message per line). An NDJSON file
        is checked whole first, and nothing is sent if any line is bad; a scenario's messages
        are checked as they are produced.

        The write key comes from $SEGMENT_WRITE_KEY or --write-key-file and is never printed.
        Each run gets a run id, printed at the start; messageIds are salted with it so that
        Segment does not drop a new run as duplicates, while --resume keeps its run's ids.

        Options:
          --write-key-file PATH   read the write key from PATH (a trailing newline is ignored)
          --data-plane-url URL    default https://api.segment.io; https, or http to loopback;
                                  a URL ending in /v1/batch stands for the base before it
          --region us|eu          eu is https://events.eu1.segmentapis.com
          --pace MODE             asap (default), realtime, or a speed-up such as 60x
          --rebase-now            shift event times so that the first event happens now
          --batch-size N          messages per request, 1 to 2500 (default 500)
          --concurrency N         requests in flight, 1 to 64 (default 4)
          --rate N                requests started per second, 1 to 1000 (default 100)
          --max-attempts N        attempts per batch before it counts as failed (default 12)
          --gzip                  compress request bodies (Content-Encoding: gzip); batches
                                  still keep under 500 KB before compression
          --checkpoint PATH       default: FILE.send-checkpoint.json beside FILE
          --resume                continue the run recorded in the checkpoint
          --dry-run               send nothing: print each request body as one line of stdout
        \(ScenarioInput.optionsHelp)

        Batches that are rejected (400) or run out of retries are saved as JSON files beside
        the checkpoint, without the write key.

        Exit status: 0 every message delivered, 64 usage, 65 bad input (messages skipped
        as over 32 KB, rejected batches, or a checkpoint of other input), 66 missing
        input, 69 data plane unreachable (its host name does not resolve, its certificate is
        not trusted, or it refuses requests), 73 checkpoint not writable, 75 retries exhausted
        (resume later), 77 write key refused (401/403), 130 interrupted (resume later).

        Examples:
          SEGMENT_WRITE_KEY=... mockcdp send Scenarios/storefront.yaml --pace 60x --rebase-now
          mockcdp send events.ndjson --write-key-file ~/.segment-key --region eu
          mockcdp send events.ndjson --dry-run | jq '.batch | length'

        """

    static let options: [Arguments.Option] =
        ScenarioInput.options
        + [
            "write-key-file", "data-plane-url", "region", "pace", "batch-size", "concurrency",
            "rate", "max-attempts", "checkpoint",
        ].map { Arguments.Option(name: $0, short: nil, takesValue: true) }
        + ["rebase-now", "resume", "dry-run", "gzip", "write-key"].map {
            Arguments.Option(name: $0, short: nil, takesValue: false)
        }

    static func run(_ arguments: [String], terminal: Terminal) throws -> ExitCode {
        // Refused before parsing, so that the key is never echoed in a parse error.
        if arguments.contains(where: { $0 == "--write-key" || $0.hasPrefix("--write-key=") }) {
            throw UsageError(message: WriteKeyError.givenOnCommandLine.description)
        }
        let parsed = try Arguments(arguments, options: options)
        guard parsed.positional.count == 1, let inputPath = parsed.positional.first else {
            throw UsageError(
                message: parsed.positional.isEmpty
                    ? "no input given" : "give exactly one scenario or NDJSON file",
                hint: "mockcdp send Scenarios/storefront.yaml --dry-run")
        }
        let dryRun = parsed.flag("dry-run")
        let resume = parsed.flag("resume")
        let dataPlane = try SendOptions.dataPlane(parsed)
        guard let pace = Pace(parsed.value("pace") ?? "asap") else {
            throw UsageError(message: "--pace must be asap, realtime or a speed-up such as 60x")
        }
        let batchSize = try SendOptions.integer(
            parsed, "batch-size", default: 500, in: 1...SendConfiguration.Limits.messagesPerBatch)
        let concurrency = try SendOptions.integer(parsed, "concurrency", default: 4, in: 1...64)
        let rate = try SendOptions.integer(
            parsed, "rate", default: 100, in: 1...Int(SendConfiguration.Limits.requestsPerSecond))
        let attempts = try SendOptions.integer(parsed, "max-attempts", default: 12, in: 1...100)
        let checkpointPath =
            parsed.value("checkpoint") ?? CheckpointStore.defaultPath(forInput: inputPath)

        let input = try SendInput.open(
            inputPath, parsed: parsed, resume: resume, checkpointPath: checkpointPath,
            terminal: terminal)

        let stop = StopRequest()
        let transport: any BatchTransport
        var preview: DryRunTransport?
        if dryRun {
            preview = DryRunTransport(output: terminal.output, stop: stop)
            transport = preview!
        } else {
            let key: WriteKey
            do {
                key = try WriteKey.load(file: parsed.value("write-key-file"))
            } catch .missing {
                throw UsageError(message: WriteKeyError.missing.description)
            } catch {
                throw ReportedDiagnostics(text: "mockcdp send: \(error)\n", exitCode: .noInput)
            }
            transport = HTTPBatchTransport(
                dataPlane: dataPlane, writeKey: key,
                userAgent: "\(Release.name)/\(Release.version)",
                maximumConnections: concurrency, compressesBodies: parsed.flag("gzip"))
        }

        let configuration = SendConfiguration(
            dataPlane: dataPlane, input: input.identity,
            maximumMessagesPerBatch: batchSize,
            // A dry run prints bodies in input order: one at a time, and unthrottled.
            maximumInFlight: dryRun ? 1 : concurrency,
            requestsPerSecond: dryRun ? 1e9 : Double(rate),
            retry: RetryPolicy(maximumAttempts: attempts),
            pace: dryRun ? .asap : pace,
            rebaseToNow: parsed.flag("rebase-now"),
            checkpointPath: checkpointPath,
            writesCheckpoint: !dryRun,
            resume: resume,
            savedBatchDirectory: URL(fileURLWithPath: checkpointPath)
                .deletingLastPathComponent().path)

        let reporter = TerminalSendReporter(
            handle: terminal.errors, isTerminal: terminal.errorsIsTerminal, dryRun: dryRun)
        stop.installSignalHandlers { _ in
            reporter.report(
                .notice("stopping: finishing requests in flight (press Ctrl-C again to quit now)"))
        }
        let sender = SegmentSender(
            configuration: configuration, transport: transport, reporter: reporter, stop: stop)
        let result = waitFor { () async -> Result<SendSummary, SendSetupError> in
            do throws(SendSetupError) {
                return .success(try await input.send(with: sender))
            } catch {
                return .failure(error)
            }
        }
        switch result {
        case .failure(let error):
            terminal.say("mockcdp send: \(error)\n")
            return ExitCode(rawValue: error.exitStatus) ?? .failure
        case .success(let summary):
            if let failure = preview?.writeFailure {
                throw OutputError(
                    message: "cannot write the dry run's requests to standard output: "
                        + describe(failure))
            }
            explain(summary, arguments: arguments, dryRun: dryRun, terminal: terminal)
            return ExitCode(rawValue: summary.outcome.exitStatus) ?? .failure
        }
    }

    /// What the user should know or do after the summary line.
    private static func explain(
        _ summary: SendSummary, arguments: [String], dryRun: Bool, terminal: Terminal
    ) {
        if dryRun {
            let counts = summary.progress
            let average = counts.sentBatches > 0 ? counts.totalBodyBytes / counts.sentBatches : 0
            terminal.say(
                "dry run: \(counts.sentBatches) requests of \(counts.sentMessages) events would "
                    + "be sent; body sizes \(counts.smallestBodyBytes) to "
                    + "\(counts.largestBodyBytes) bytes (average \(average)); nothing was sent\n")
            return
        }
        // The same command line with --resume: a resumed run must go to the same data plane,
        // with the same scenario settings and checkpoint.
        let resumeCommand =
            (["mockcdp", "send"] + arguments.filter { $0 != "--resume" } + ["--resume"])
            .map(shellQuoted).joined(separator: " ")
        switch summary.outcome {
        case .complete:
            break
        case .skipped(let count):
            let events = count == 1 ? "1 event was" : "\(count) events were"
            terminal.say(
                "\(events) not sent: each is over Segment's limit of "
                    + "\(SendConfiguration.Limits.messageBytes) bytes per message (lines named "
                    + "above); the run is not complete\n")
        case .rejected:
            terminal.say("some batches were rejected; they are saved in the files named above\n")
        case .badInput(let diagnostic):
            terminal.say(DiagnosticRenderer().render(diagnostic))
        case .retriesExhausted(let neverConnected):
            if neverConnected {
                terminal.say("the data plane could not be reached; check --data-plane-url\n")
            }
            terminal.say("to send the rest later: \(resumeCommand)\n")
        case .hostNotFound(let host):
            terminal.say(DataPlane.unresolvedHostAdvice(host) + "; nothing was lost\n")
            if summary.checkpointPath == nil {
                terminal.say("nothing was sent: correct the data plane and run the command again\n")
            } else {
                terminal.say("to send the rest later: \(resumeCommand)\n")
            }
        case .refused(let status):
            terminal.say("the data plane answered \(status); fix that, then: \(resumeCommand)\n")
        case .interrupted:
            terminal.say("stopped; to continue: \(resumeCommand)\n")
        case .checkpointFailed(let error):
            terminal.say("stopped: \(error)\n")
        }
    }
}

/// What `send` reads: an NDJSON file checked whole beforehand, or a compiled scenario.
private enum SendInput {
    case ndjson(NDJSONFile, expected: Int)
    case scenario(Plan, path: String)

    var identity: InputIdentity {
        switch self {
        case .ndjson(let file, _): file.identity
        case .scenario(let plan, let path): .scenario(path: path, plan: plan)
        }
    }

    func send(with sender: SegmentSender) async throws(SendSetupError) -> SendSummary {
        switch self {
        case .ndjson(let file, let expected):
            try await sender.run(file.lines, expectedMessages: expected)
        case .scenario(let plan, _):
            try await sender.run(ScenarioMessages(plan: plan))
        }
    }

    static func open(
        _ path: String, parsed: Arguments, resume: Bool, checkpointPath: String,
        terminal: Terminal
    ) throws -> SendInput {
        if [".yaml", ".yml"].contains(where: path.lowercased().hasSuffix) {
            let plan = try ScenarioInput.load(
                path, options: try ScenarioInput.compileOptions(parsed), terminal: terminal)
            return .scenario(plan, path: path)
        }
        if parsed.value("seed") != nil || !parsed.all("set").isEmpty {
            throw UsageError(
                message: "--seed and --set apply to scenarios; \(path) is read as NDJSON")
        }
        let file = try NDJSONFile(path: path)
        // Counting only what is left keeps the ETA honest on a resumed run.
        var firstLine = 1
        if resume, let checkpoint = try? CheckpointStore(path: checkpointPath).load() {
            firstLine = checkpoint.resumeLine
        }
        let validation = file.validate(countingFrom: firstLine)
        guard validation.problemCount == 0 else {
            var text = DiagnosticRenderer().render(validation.problems)
            let hidden = validation.problemCount - validation.problems.count
            if hidden > 0 { text += "... and \(hidden) more bad lines\n" }
            text += "\(validation.problemCount) bad lines in \(path); nothing was sent\n"
            throw ReportedDiagnostics(text: text, exitCode: .dataError)
        }
        return .ndjson(file, expected: validation.messageCount)
    }
}

/// Option parsing shared by `send` and `check-credentials`.
enum SendOptions {
    static func dataPlane(_ parsed: Arguments) throws(UsageError) -> DataPlane {
        let url = parsed.value("data-plane-url")
        let region = parsed.value("region")
        if url != nil && region != nil {
            throw UsageError(message: "give --data-plane-url or --region, not both")
        }
        do {
            if let region { return try DataPlane.region(region) }
            return try DataPlane(url ?? DataPlane.unitedStates)
        } catch {
            throw UsageError(message: error.description)
        }
    }

    static func integer(
        _ parsed: Arguments, _ name: String, default fallback: Int, in range: ClosedRange<Int>
    ) throws(UsageError) -> Int {
        guard let text = parsed.value(name) else { return fallback }
        guard let value = Int(text), range.contains(value) else {
            throw UsageError(
                message: "--\(name) must be a whole number from \(range.lowerBound) to "
                    + "\(range.upperBound); got '\(text)'")
        }
        return value
    }
}

/// Runs async work to the end from a synchronous command. The dispatcher's thread waits on a
/// semaphore while the work runs on the concurrency pool, which never needs that thread.
func waitFor<T: Sendable>(_ work: @escaping @Sendable () async -> T) -> T {
    let box = AsyncResultBox<T>()
    let done = DispatchSemaphore(value: 0)
    Task {
        box.value = await work()
        done.signal()
    }
    done.wait()
    return box.value!
}

/// Carries a result from the task to the waiting thread; the semaphore orders the accesses.
private final class AsyncResultBox<T>: @unchecked Sendable {
    var value: T?
}

/// An argument as a POSIX shell reads it back: quoted only when it needs to be.
func shellQuoted(_ argument: String) -> String {
    let plain = argument.allSatisfy {
        $0.isASCII && ($0.isLetter || $0.isNumber || "-_./=:,@%+".contains($0))
    }
    if plain && !argument.isEmpty { return argument }
    return "'" + argument.replacingOccurrences(of: "'", with: "'\\''") + "'"
}
