import Foundation

/// Everything that shapes a send run, as checked values.
public struct SendConfiguration: Sendable {
    /// Segment's limits and the margins kept under them.
    public enum Limits {
        /// Segment refuses a message over 32 KB; counted in UTF-8 bytes of the compact JSON.
        public static let messageBytes = 32_768
        /// What becomes of a message over `messageBytes`, for the tools that only report it.
        public static let oversizedMessageHint =
            "Segment drops a message over 32 KB, and mockcdp send skips it"
        /// Segment refuses a request over 500 KB; the official libraries stop at 475,000 bytes.
        public static let bodyBytes = 475_000
        /// Segment's cap on messages per batch.
        public static let messagesPerBatch = 2_500
        /// Segment asks clients to stay under 1,000 requests per second.
        public static let requestsPerSecond = 1_000.0
    }

    public var dataPlane: DataPlane
    /// Identifies what is sent, for the checkpoint.
    public var input: InputIdentity
    public var maximumMessagesPerBatch: Int
    public var maximumBodyBytes: Int
    public var maximumMessageBytes: Int
    /// Requests in flight at once.
    public var maximumInFlight: Int
    /// Request starts per second, retries included.
    public var requestsPerSecond: Double
    public var retry: RetryPolicy
    public var pace: Pace
    /// Shift event times so that the first event happens now, keeping the offsets between them.
    public var rebaseToNow: Bool
    /// The checkpoint file; `nil` for none.
    public var checkpointPath: String?
    /// Whether the checkpoint is written (a dry run only reads it).
    public var writesCheckpoint: Bool
    /// Continue from the checkpoint rather than start a new run.
    public var resume: Bool
    /// Where rejected and failed batches are saved for inspection.
    public var savedBatchDirectory: String
    /// How long in-flight requests may finish after a stop before they are abandoned.
    public var stopGracePeriod: Duration

    public init(
        dataPlane: DataPlane, input: InputIdentity,
        maximumMessagesPerBatch: Int = 500,
        maximumBodyBytes: Int = Limits.bodyBytes,
        maximumMessageBytes: Int = Limits.messageBytes,
        maximumInFlight: Int = 4,
        requestsPerSecond: Double = 100,
        retry: RetryPolicy = RetryPolicy(),
        pace: Pace = .asap,
        rebaseToNow: Bool = false,
        checkpointPath: String? = nil,
        writesCheckpoint: Bool = true,
        resume: Bool = false,
        savedBatchDirectory: String = ".",
        stopGracePeriod: Duration = .seconds(5)
    ) {
        self.dataPlane = dataPlane
        self.input = input
        self.maximumMessagesPerBatch = maximumMessagesPerBatch
        self.maximumBodyBytes = maximumBodyBytes
        self.maximumMessageBytes = maximumMessageBytes
        self.maximumInFlight = maximumInFlight
        self.requestsPerSecond = requestsPerSecond
        self.retry = retry
        self.pace = pace
        self.rebaseToNow = rebaseToNow
        self.checkpointPath = checkpointPath
        self.writesCheckpoint = writesCheckpoint
        self.resume = resume
        self.savedBatchDirectory = savedBatchDirectory
        self.stopGracePeriod = stopGracePeriod
    }
}

/// How fast events are replayed.
public enum Pace: Sendable, Equatable, CustomStringConvertible {
    /// As fast as the limits allow; event times are kept as they are.
    case asap
    /// Each event is sent when its offset from the first event has passed on the wall clock,
    /// divided by `factor` (1 is real time, 60 turns an hour into a minute).
    case scaled(factor: Double)

    /// Reads `asap`, `realtime` or `<factor>x` such as `60x` or `0.5x`.
    public init?(_ text: String) {
        switch text.lowercased() {
        case "asap": self = .asap
        case "realtime", "real-time": self = .scaled(factor: 1)
        default:
            guard text.lowercased().hasSuffix("x"), let factor = Double(text.dropLast()),
                factor > 0, factor.isFinite
            else { return nil }
            self = .scaled(factor: factor)
        }
    }

    public var description: String {
        switch self {
        case .asap: "asap"
        case .scaled(let factor) where factor == 1: "realtime"
        case .scaled(let factor): "\(factor.formatted(maximumFractionDigits: 3))x"
        }
    }
}

extension Double {
    /// Plain decimal text without a locale: `60`, `0.5`, `1.234`.
    func formatted(maximumFractionDigits digits: Int) -> String {
        var text = String(format: "%.\(digits)f", self)
        if text.contains(".") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        return text
    }
}
