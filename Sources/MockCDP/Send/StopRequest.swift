import Foundation

/// A request to stop a run early, from SIGINT/SIGTERM or from code.
///
/// A stop lets the run finish what is in flight for a short grace period, write its
/// checkpoint and explain how to resume. A second signal ends the process at once; the
/// checkpoint on disk is still valid then, since it only ever records acknowledged batches.
public final class StopRequest: @unchecked Sendable {
    private let lock = NSLock()
    private var requested = false
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

    public func request() {
        lock.withLock { requested = true }
    }

    /// Routes SIGINT and SIGTERM to this request for the rest of the process's life.
    ///
    /// The handler only records the signal; a watcher thread turns it into a stop within
    /// 50 ms and runs `onFirstSignal` there, to tell the user what is happening. A second
    /// signal ends the process at once from the handler. (Dispatch signal sources were tried
    /// first and sometimes missed a signal on Linux while the process was busy.)
    public func installSignalHandlers(onFirstSignal: @escaping @Sendable (Int32) -> Void) {
        var unblock = sigset_t()
        sigemptyset(&unblock)
        for number in [SIGINT, SIGTERM] {
            sigaddset(&unblock, number)
            Foundation.signal(number, recordStopSignal)
        }
        // A parent may have started us with these signals blocked; they must get through.
        sigprocmask(SIG_UNBLOCK, &unblock, nil)
        Thread.detachNewThread { [weak self] in
            while true {
                usleep(50_000)
                let number = receivedStopSignal
                guard number != 0, let self else { continue }
                self.request()
                onFirstSignal(number)
                return
            }
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

/// The last SIGINT or SIGTERM received, 0 before any; written only by the signal handler.
nonisolated(unsafe) private var receivedStopSignal: Int32 = 0

/// Only async-signal-safe work here: store the number, or leave at once on a second signal.
private func recordStopSignal(_ number: Int32) {
    if receivedStopSignal != 0 { _exit(130) }
    receivedStopSignal = number
}
