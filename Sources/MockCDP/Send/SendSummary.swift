import Foundation

/// How a run ended, and so the process's exit status.
public enum SendOutcome: Sendable, Equatable {
    /// Every message was delivered.
    case complete
    /// Every message was settled, but some could not be sent (over Segment's size limit) and
    /// were skipped; none was rejected. `count` covers every attempt of the run, resumes too.
    case skipped(count: Int)
    /// Some batches were rejected as malformed or too large (400, 413, 422) and saved.
    case rejected
    /// A streamed input produced a message that breaks Segment's rules; the run stopped there.
    case badInput(Diagnostic)
    /// A batch ran out of retries. `neverConnected` is set when no request of the run got an
    /// HTTP answer at all: the data plane could not be reached.
    case retriesExhausted(neverConnected: Bool)
    /// The data plane's host name did not resolve before anything reached it, so the run
    /// stopped at once; nothing is lost, and the checkpoint resumes the run.
    case hostNotFound(host: String)
    /// The data plane refused requests with this status (401, 403, 404, …).
    case refused(status: Int)
    /// A signal or the caller stopped the run; the checkpoint tells where to resume.
    case interrupted
    /// The checkpoint could not be written, so the run stopped rather than go on unrecoverable.
    case checkpointFailed(CheckpointError)

    /// sysexits-style status: 0 (all delivered), 65 (bad input: messages skipped or batches
    /// rejected), 69 (unavailable: unknown host, refusal), 75 (temporary failure),
    /// 73 (checkpoint not writable), 77 (permission denied: 401/403), 130 (interrupted, as a
    /// shell reports SIGINT).
    public var exitStatus: Int32 {
        switch self {
        case .complete: 0
        case .skipped, .rejected, .badInput: 65
        case .retriesExhausted(let neverConnected): neverConnected ? 69 : 75
        case .hostNotFound: 69
        case .refused(let status): status == 401 || status == 403 ? 77 : 69
        case .interrupted: 130
        case .checkpointFailed: 73
        }
    }
}

/// Counters of a run, for the progress line and the final summary.
public struct SendProgress: Sendable, Equatable {
    /// Messages acknowledged by the data plane in this process.
    public var sentMessages = 0
    public var sentBatches = 0
    /// Messages still to send when the run started, if known (a pre-read NDJSON file).
    public var expectedMessages: Int?
    public var skippedMessages = 0
    /// Requests made, retries included.
    public var requests = 0
    /// Requests that were retries of an earlier attempt.
    public var retries = 0
    /// Batches rejected or out of retries, and the messages in them.
    public var failedBatches = 0
    public var failedMessages = 0
    /// Body sizes of acknowledged requests.
    public var largestBodyBytes = 0
    public var smallestBodyBytes = 0
    public var totalBodyBytes = 0
    public var elapsedSeconds = 0.0

    public init() {}

    /// Acknowledged messages per second so far.
    public var rate: Double {
        elapsedSeconds > 0 ? Double(sentMessages) / elapsedSeconds : 0
    }

    /// Seconds to go at the current rate, when the total is known and messages are flowing.
    public var estimatedSecondsLeft: Double? {
        guard let expectedMessages, rate > 0 else { return nil }
        let left = expectedMessages - sentMessages - skippedMessages - failedMessages
        return Double(max(0, left)) / rate
    }

    /// `sent 41500/100000 · 12,345 events/s · retries 3 · ETA 4s`
    public var line: String {
        var parts: [String] = []
        if let expectedMessages {
            parts.append("sent \(sentMessages)/\(expectedMessages)")
        } else {
            parts.append("sent \(sentMessages)")
        }
        parts.append("\(Int(rate.rounded())) events/s")
        parts.append("retries \(retries)")
        if failedBatches > 0 { parts.append("failed \(failedMessages)") }
        if let left = estimatedSecondsLeft {
            parts.append("ETA \(DurationText.describe(seconds: left))")
        }
        return parts.joined(separator: " · ")
    }
}

/// The end of a run.
public struct SendSummary: Sendable, Equatable {
    public var runID: RunID
    public var outcome: SendOutcome
    public var progress: SendProgress
    /// The checkpoint left on disk, if the run left one.
    public var checkpointPath: String?
    /// The first line a `--resume` would send.
    public var resumeLine: Int

    public init(
        runID: RunID, outcome: SendOutcome, progress: SendProgress, checkpointPath: String?,
        resumeLine: Int
    ) {
        self.runID = runID
        self.outcome = outcome
        self.progress = progress
        self.checkpointPath = checkpointPath
        self.resumeLine = resumeLine
    }

    /// The summary line printed at the end of every run; a dry run says what it would have sent.
    public func line(dryRun: Bool = false) -> String {
        let counts = progress
        let rate = Int(counts.rate.rounded())
        return
            "\(dryRun ? "would send" : "sent") \(counts.sentMessages) events in \(counts.sentBatches) batches · "
            + "skipped \(counts.skippedMessages) · retried \(counts.retries) requests · "
            + "failed \(counts.failedMessages) events in \(counts.failedBatches) batches · "
            + "\(DurationText.describe(seconds: counts.elapsedSeconds)) (\(rate) events/s) · run id \(runID)"
    }
}
