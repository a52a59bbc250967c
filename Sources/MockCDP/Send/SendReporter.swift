import Foundation

/// Something a run tells its user while it goes.
public enum SendEvent: Sendable {
    case started(runID: RunID, resumed: Bool, resumeLine: Int)
    /// A message over Segment's size limit: never sent, counted as skipped.
    case skipped(line: Int, messageID: String, bytes: Int)
    /// A batch that was not delivered, saved for inspection.
    case batchSaved(firstLine: Int, lastLine: Int, reason: String, path: String?)
    case progress(SendProgress)
    /// Anything else worth a line: a refusal, a stop, a note on the checkpoint.
    case notice(String)
    case finished(SendSummary)
}

/// Receives a run's events. The command line prints them to standard error; tests collect
/// them.
public protocol SendReporter: Sendable {
    /// Whether `.progress` events are wanted; they come about four times a second.
    var wantsProgress: Bool { get }
    func report(_ event: SendEvent)
}

/// Writes a run's events to standard error: a progress line redrawn in place when it is a
/// terminal, and plain lines otherwise.
public final class TerminalSendReporter: SendReporter, @unchecked Sendable {
    private let lock = NSLock()
    private let handle: FileHandle
    private let isTerminal: Bool
    private let dryRun: Bool
    private var progressShown = false

    /// - Parameters:
    ///   - handle: where to write, standard error by default.
    ///   - isTerminal: whether `handle` is a terminal, so the progress line may be redrawn.
    ///   - dryRun: whether nothing is really sent, so the summary says "would send".
    public init(
        handle: FileHandle = .standardError, isTerminal: Bool = isatty(STDERR_FILENO) == 1,
        dryRun: Bool = false
    ) {
        self.handle = handle
        self.isTerminal = isTerminal
        self.dryRun = dryRun
    }

    public var wantsProgress: Bool { isTerminal }

    public func report(_ event: SendEvent) {
        switch event {
        case .started(let runID, let resumed, let resumeLine):
            if resumed {
                write("resuming run \(runID) from line \(resumeLine)")
            } else {
                write("run id \(runID) (message ids end in -\(runID))")
            }
        case .skipped(let line, let messageID, let bytes):
            write(
                "line \(line): skipped message \(messageID): \(bytes) bytes is over Segment's "
                    + "limit of \(SendConfiguration.Limits.messageBytes) bytes per message")
        case .batchSaved(let firstLine, let lastLine, let reason, let path):
            let saved = path.map { "saved to \($0)" } ?? "could not be saved"
            write("lines \(firstLine)-\(lastLine): batch not delivered (\(reason)); \(saved)")
        case .progress(let progress):
            guard isTerminal else { return }
            lock.withLock {
                try? handle.write(contentsOf: Data(("\r\u{1B}[K" + progress.line).utf8))
                progressShown = true
            }
        case .notice(let text):
            write(text)
        case .finished(let summary):
            write(summary.line(dryRun: dryRun))
        }
    }

    private func write(_ line: String) {
        lock.withLock {
            let clear = progressShown ? "\r\u{1B}[K" : ""
            progressShown = false
            // Messages are lost, not fatal, when standard error cannot be written.
            try? handle.write(contentsOf: Data((clear + line + "\n").utf8))
        }
    }
}
