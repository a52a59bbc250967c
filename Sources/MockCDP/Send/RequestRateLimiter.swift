/// Spaces request starts so that at most `requestsPerSecond` begin in any second, and holds
/// every request back while the server has asked for a pause (429 with `Retry-After`).
///
/// A 429 concerns the whole source, not one batch, so one answer pauses all requests.
actor RequestRateLimiter {
    private let interval: Duration
    private var nextStart: ContinuousClock.Instant
    private var pausedUntil: ContinuousClock.Instant

    init(requestsPerSecond: Double) {
        interval = .nanoseconds(Int64(1_000_000_000 / max(requestsPerSecond, 0.001)))
        nextStart = .now
        pausedUntil = .now
    }

    /// Reserves the next start time; the caller waits until it.
    func reserve() -> ContinuousClock.Instant {
        let start = max(nextStart, pausedUntil, .now)
        nextStart = start + interval
        return start
    }

    /// No request starts before `instant`.
    func pause(until instant: ContinuousClock.Instant) {
        pausedUntil = max(pausedUntil, instant)
    }
}
