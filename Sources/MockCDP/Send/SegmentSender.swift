/// Replays Segment messages to a data plane: batching, pacing, bounded concurrency, a request
/// rate cap, retries, and a checkpoint that makes an interrupted run resumable.
///
/// Messages come as a sequence of `MessageLine`s, so an NDJSON file and a compiled scenario go
/// through the same path. The sequence is read once, in order, on the caller's task; requests
/// run in child tasks, at most `maximumInFlight` at a time.
public struct SegmentSender: Sendable {
    public var configuration: SendConfiguration
    public var transport: any BatchTransport
    public var reporter: any SendReporter
    public var stop: StopRequest

    public init(
        configuration: SendConfiguration, transport: any BatchTransport,
        reporter: any SendReporter, stop: StopRequest = StopRequest()
    ) {
        self.configuration = configuration
        self.transport = transport
        self.reporter = reporter
        self.stop = stop
    }

    /// Sends the messages and returns how the run ended.
    ///
    /// Lines are checked as they are read: a line that breaks Segment's rules stops the run
    /// before its batch is sent (NDJSON files are checked whole beforehand by the command, so
    /// this only fires for streamed input).
    ///
    /// - Parameters:
    ///   - lines: the messages, numbered in increasing order.
    ///   - expectedMessages: how many messages are left to send, when known, for the ETA.
    /// - Throws: `SendSetupError` when the checkpoint forbids starting; nothing was sent then.
    public func run<Lines: Sequence<MessageLine>>(
        _ lines: Lines, expectedMessages: Int? = nil
    ) async throws(SendSetupError) -> SendSummary {
        let start = try openCheckpoint()
        let runID = start.checkpoint.runID
        let store =
            configuration.writesCheckpoint
            ? configuration.checkpointPath.map(CheckpointStore.init)
            : nil
        let ledger = DeliveryLedger(
            checkpoint: start.checkpoint, store: store, expectedMessages: expectedMessages)
        reporter.report(
            .started(runID: runID, resumed: start.resumed, resumeLine: start.checkpoint.resumeLine))

        if start.checkpoint.complete {
            reporter.report(.notice("the checkpoint says this run is complete; nothing to send"))
            await ledger.removeCheckpoint()
            return await summary(.complete, runID: runID, ledger: ledger, keepsCheckpoint: false)
        }
        await ledger.write()
        if let error = await ledger.writeError {
            return await summary(
                .checkpointFailed(error), runID: runID, ledger: ledger, keepsCheckpoint: false)
        }

        let ticker = startTicker(ledger)
        let run = Run(
            sender: self, runID: runID, ledger: ledger, timeShift: start.checkpoint.timeShift,
            firstLine: start.checkpoint.resumeLine)
        let outcome = await run.sendAll(lines)
        ticker.cancel()
        // The ticker may be writing the checkpoint; it must be done before the final write.
        await ticker.value
        return await finish(outcome, runID: runID, ledger: ledger, resumed: start.resumed)
    }

    private struct Start {
        var checkpoint: SendCheckpoint
        var resumed: Bool
    }

    private func openCheckpoint() throws(SendSetupError) -> Start {
        let fresh = SendCheckpoint(
            runID: .random(), input: configuration.input,
            dataPlane: configuration.dataPlane.description, resumeLine: 1)
        guard let path = configuration.checkpointPath else {
            return Start(checkpoint: fresh, resumed: false)
        }
        let store = CheckpointStore(path: path)
        guard store.exists else {
            if configuration.resume { throw .nothingToResume(path) }
            return Start(checkpoint: fresh, resumed: false)
        }
        guard configuration.resume else {
            // A dry run never writes, so an existing checkpoint is no reason to refuse one.
            if !configuration.writesCheckpoint { return Start(checkpoint: fresh, resumed: false) }
            throw .checkpointExists(path)
        }
        let checkpoint: SendCheckpoint
        do {
            checkpoint = try store.load()
        } catch {
            throw .checkpoint(error)
        }
        let recorded = checkpoint.input
        let current = configuration.input
        guard recorded.sendsTheSameMessages(as: current) else {
            throw .otherInput(path, recorded: recorded, current: current)
        }
        // Read back through `DataPlane`, so that a checkpoint written before a spelling of the
        // URL was understood (such as one ending in /v1/batch) compares by what it names.
        let recordedPlane = (try? DataPlane(checkpoint.dataPlane))?.description
        guard recordedPlane == configuration.dataPlane.description else {
            throw .otherDataPlane(path, recorded: checkpoint.dataPlane)
        }
        return Start(checkpoint: checkpoint, resumed: true)
    }

    /// Reports progress and keeps the checkpoint current during long pauses.
    private func startTicker(_ ledger: DeliveryLedger) -> Task<Void, Never> {
        let reporter = reporter
        return Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(250))
                await ledger.writeIfBehind()
                if reporter.wantsProgress {
                    reporter.report(.progress(await ledger.snapshot()))
                }
            }
        }
    }

    private func finish(
        _ ending: SendOutcome?, runID: RunID, ledger: DeliveryLedger, resumed: Bool
    ) async -> SendSummary {
        let progress = await ledger.snapshot()
        var outcome: SendOutcome
        if let ending {
            outcome = ending
        } else if progress.failedBatches > 0 {
            outcome = .rejected
        } else if await ledger.skippedLineCount > 0 {
            outcome = .skipped(count: await ledger.skippedLineCount)
        } else {
            outcome = .complete
        }
        if let error = await ledger.writeError { outcome = .checkpointFailed(error) }

        switch outcome {
        case .complete:
            await ledger.removeCheckpoint()
            return await summary(outcome, runID: runID, ledger: ledger, keepsCheckpoint: false)
        case .hostNotFound where !resumed && progress.sentMessages == 0:
            // Nothing left the machine, so there is nothing to resume; a checkpoint would only
            // refuse the corrected URL as another data plane.
            await ledger.removeCheckpoint()
            return await summary(outcome, runID: runID, ledger: ledger, keepsCheckpoint: false)
        case .rejected, .skipped:
            // Kept and marked complete, so that running the same input again without --resume
            // is refused instead of sending every event once more under new ids.
            await ledger.write(complete: true)
        default:
            await ledger.write()
        }
        return await summary(outcome, runID: runID, ledger: ledger, keepsCheckpoint: true)
    }

    private func summary(
        _ outcome: SendOutcome, runID: RunID, ledger: DeliveryLedger, keepsCheckpoint: Bool
    ) async -> SendSummary {
        let kept = keepsCheckpoint && configuration.writesCheckpoint
        let result = SendSummary(
            runID: runID, outcome: outcome, progress: await ledger.snapshot(),
            checkpointPath: kept ? configuration.checkpointPath : nil,
            resumeLine: await ledger.resumeLine)
        reporter.report(.finished(result))
        return result
    }
}

/// Why a run could not start. Nothing was sent.
public enum SendSetupError: Error, Sendable, Equatable, CustomStringConvertible {
    case checkpointExists(String)
    case nothingToResume(String)
    case otherInput(String, recorded: InputIdentity, current: InputIdentity)
    case otherDataPlane(String, recorded: String)
    case checkpoint(CheckpointError)

    public var description: String {
        switch self {
        case .checkpointExists(let path):
            "a checkpoint of an earlier run exists at \(path); pass --resume to continue that "
                + "run (same run id, nothing sent twice under new ids), or delete the file to "
                + "start a new run"
        case .nothingToResume(let path):
            "--resume: no checkpoint at \(path); run without --resume to start a new run"
        case .otherInput(let path, let recorded, let current):
            "the checkpoint \(path) was written for other input than \(current): "
                + "\(recorded.difference(from: current)); to resume, give the input and "
                + "settings of that run (\(recorded)); to start a new run that sends every "
                + "event again under new ids, delete the checkpoint or pass --checkpoint with "
                + "another path"
        case .otherDataPlane(let path, let recorded):
            "the checkpoint \(path) was sending to \(recorded); give --data-plane-url "
                + "\(recorded) to resume, or delete the checkpoint"
        case .checkpoint(let error):
            "\(error)"
        }
    }

    /// 64 (usage) for an existing checkpoint, 66 for a missing one, 65 for the rest.
    public var exitStatus: Int32 {
        switch self {
        case .checkpointExists: 64
        case .nothingToResume: 66
        default: 65
        }
    }
}
