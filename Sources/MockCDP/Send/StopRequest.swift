import Dispatch
import Foundation

/// A request to stop a run early, from SIGINT/SIGTERM or from code.
///
/// A stop lets the run finish what is in flight for a short grace period, write its
/// checkpoint and explain how to resume. A second signal ends the process at once; the
/// checkpoint on disk is still valid then, since it only ever records acknowledged batches.
public final class StopRequest: @unchecked Sendable {
    private let lock = NSLock()
    private var requested = false
    private var signalNumber: Int32?
    private var sources: [any DispatchSourceSignal] = []
    private let parent: StopRequest?

    public init() {
        parent = nil
    }

    /// A request that also counts as made whenever `parent` is.
    init(linkedTo parent: StopRequest) {
        self.parent = parent
    }

    public var isRequested: Bool {
        lock.withLock { requested } || parent?.isRequested == true
    }

    /// The signal that asked for the stop, if one did.
    public var signal: Int32? {
        lock.withLock { signalNumber }
    }

    public func request(signal: Int32? = nil) {
        lock.withLock {
            requested = true
            if signalNumber == nil { signalNumber = signal }
        }
    }

    /// Routes SIGINT and SIGTERM to this request for the rest of the process's life.
    ///
    /// `onFirstSignal` runs once, on a background queue, to tell the user what is happening.
    public func installSignalHandlers(onFirstSignal: @escaping @Sendable (Int32) -> Void) {
        for number in [SIGINT, SIGTERM] {
            Foundation.signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { [weak self] in
                guard let self else { return }
                if self.isRequested { exit(130) }
                self.request(signal: number)
                onFirstSignal(number)
            }
            source.resume()
            lock.withLock { sources.append(source) }
        }
    }

    /// Sleeps until `deadline` or until a stop is requested; returns false if stopped.
    ///
    /// Polling every 50 ms is cheaper to get right than racing a continuation against a
    /// signal, and a pacing pause or backoff is never that precise anyway.
    func sleep(until deadline: ContinuousClock.Instant) async -> Bool {
        while true {
            if isRequested || Task.isCancelled { return false }
            let now = ContinuousClock.now
            if now >= deadline { return true }
            let slice = min(deadline - now, .milliseconds(50))
            try? await Task.sleep(for: slice)
        }
    }
}
