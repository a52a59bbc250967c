/// Keeps the account of a run: which batches are settled, the low-water mark that the
/// checkpoint records, and the counters for progress and the summary.
actor DeliveryLedger {
    private var checkpoint: SendCheckpoint
    private let store: CheckpointStore?
    private let started = ContinuousClock.now
    private var lastWrite: ContinuousClock.Instant?
    private var progress = SendProgress()
    private var sawResponse = false
    private var sawHostResolve = false
    /// Set when the mark moved since the last write.
    private var unwritten = false

    /// Line ranges of registered batches not yet settled, by serial.
    private var open: [Int: ClosedRange<Int>] = [:]
    private var settledAhead: Set<Int> = []
    private var nextSerialToSettle: Int

    /// Checkpoints are written at most this often while batches are acknowledged; a stale
    /// one is still correct, it only makes a resume send a little more again.
    private static let writeInterval = Duration.milliseconds(200)

    init(checkpoint: SendCheckpoint, store: CheckpointStore?, expectedMessages: Int?) {
        self.checkpoint = checkpoint
        self.store = store
        nextSerialToSettle = 0
        progress.expectedMessages = expectedMessages
    }

    var resumeLine: Int { checkpoint.resumeLine }

    /// Whether any request of the run got an HTTP answer.
    var hasReachedServer: Bool { sawResponse }

    func register(_ batch: Batch) {
        open[batch.serial] = batch.firstLine...batch.lastLine
    }

    /// Whether the data plane's host name resolved for any request of the run. Only a
    /// response or a failure past name resolution proves it; a cancelled attempt does not.
    var hasResolvedHost: Bool { sawHostResolve }

    func recordAttempt(_ result: TransportResult, isRetry: Bool) {
        progress.requests += 1
        if isRetry { progress.retries += 1 }
        switch result {
        case .response:
            sawResponse = true
            sawHostResolve = true
        case .failure(let failure):
            if failure.kind != .hostNotFound && failure.kind != .cancelled {
                sawHostResolve = true
            }
        }
    }

    /// A message that cannot be sent. Its line is kept in the checkpoint, so that a run
    /// resumed after the skip still ends saying that not everything was sent.
    func recordSkipped(line: Int) {
        progress.skippedMessages += 1
        var lines = checkpoint.skippedLines ?? []
        // A resume may read a skipped line again, from batches after the mark.
        if !lines.contains(line) { lines.append(line) }
        checkpoint.skippedLines = lines
    }

    /// Messages skipped by any attempt of the run.
    var skippedLineCount: Int { checkpoint.skippedLines?.count ?? 0 }

    func setTimeShift(_ shift: Int64) {
        checkpoint.timeShift = shift
        write()
    }

    /// The batch was acknowledged.
    func delivered(_ batch: Batch) {
        progress.sentMessages += batch.messageCount
        progress.sentBatches += 1
        checkpoint.acknowledgedMessages += batch.messageCount
        let size = batch.bodyCount
        progress.largestBodyBytes = max(progress.largestBodyBytes, size)
        progress.smallestBodyBytes =
            progress.smallestBodyBytes == 0 ? size : min(progress.smallestBodyBytes, size)
        progress.totalBodyBytes += size
        settle(batch.serial)
    }

    /// The batch was rejected for good: it counts as failed but no longer holds the mark back,
    /// since sending it again would be rejected again.
    func rejected(_ batch: Batch) {
        progress.failedBatches += 1
        progress.failedMessages += batch.messageCount
        settle(batch.serial)
    }

    /// The batch ran out of retries or was refused: failed, and the mark stays before it so
    /// that a resume sends it again.
    func failed(_ batch: Batch) {
        progress.failedBatches += 1
        progress.failedMessages += batch.messageCount
    }

    func snapshot() -> SendProgress {
        var current = progress
        current.elapsedSeconds = Self.seconds(ContinuousClock.now - started)
        return current
    }

    /// The first checkpoint write that failed; the run stops when it sees one, since a crash
    /// after it could no longer be resumed correctly.
    private(set) var writeError: CheckpointError?

    /// Writes the checkpoint now, whatever the interval.
    func write(complete: Bool = false) {
        guard let store, writeError == nil else { return }
        checkpoint.complete = complete
        checkpoint.updatedAt = EventTime.now.iso8601
        do {
            try store.save(checkpoint)
        } catch {
            writeError = error
        }
        lastWrite = .now
        unwritten = false
    }

    func removeCheckpoint() {
        store?.remove()
    }

    private func settle(_ serial: Int) {
        settledAhead.insert(serial)
        var advanced = false
        while settledAhead.remove(nextSerialToSettle) != nil {
            if let lines = open.removeValue(forKey: nextSerialToSettle) {
                checkpoint.resumeLine = max(checkpoint.resumeLine, lines.upperBound + 1)
            }
            nextSerialToSettle += 1
            advanced = true
        }
        guard advanced else { return }
        unwritten = true
        if let lastWrite, ContinuousClock.now - lastWrite < Self.writeInterval { return }
        write()
    }

    /// Writes the checkpoint if the mark moved since the last write; called on a timer so that
    /// a long pacing pause does not leave acknowledged batches out of the file.
    func writeIfBehind() {
        if unwritten { write() }
    }

    private static func seconds(_ duration: Duration) -> Double {
        let parts = duration.components
        return Double(parts.seconds) + Double(parts.attoseconds) / 1e18
    }
}
