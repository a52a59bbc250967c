import Foundation

/// How a batch's failed attempts are retried.
///
/// 5xx answers, 408, 429 and network errors are retried with capped exponential backoff and
/// full jitter (a random wait between zero and the cap), so that many clients hit by the same
/// outage do not retry in step. A `Retry-After` header replaces the computed wait.
public struct RetryPolicy: Sendable, Equatable {
    /// Attempts per batch, the first one included.
    public var maximumAttempts: Int
    public var baseDelay: Double
    public var maximumDelay: Double
    /// A `Retry-After` longer than this is cut to it, so a misconfigured proxy cannot park
    /// the run for hours.
    public var maximumRetryAfter: Double

    /// 12 attempts: with full jitter the waits add up to one to three minutes, enough to
    /// ride out a deploy or a short outage of the data plane.
    public init(
        maximumAttempts: Int = 12, baseDelay: Double = 0.5, maximumDelay: Double = 30,
        maximumRetryAfter: Double = 300
    ) {
        self.maximumAttempts = maximumAttempts
        self.baseDelay = baseDelay
        self.maximumDelay = maximumDelay
        self.maximumRetryAfter = maximumRetryAfter
    }

    /// The wait before attempt `attempt + 1`, after attempt `attempt` (from 1) failed.
    public func backoff(afterAttempt attempt: Int) -> Double {
        let ceiling = min(maximumDelay, baseDelay * pow(2, Double(min(attempt - 1, 30))))
        return Double.random(in: 0...ceiling)
    }

    /// What an answer means for the batch.
    public enum Verdict: Sendable, Equatable {
        case delivered
        /// Try again, after `retryAfter` seconds if the server said so.
        case retry(retryAfter: Double?)
        /// The batch itself is unacceptable (400, 413, 422): sending it again cannot help.
        case rejected
        /// The endpoint refuses every request (401, 403, 404, …): stop the run.
        case refused
    }

    public func verdict(status: Int, retryAfter: String?, now: Date = Date()) -> Verdict {
        let retryable =
            [408, 429, 460].contains(status)
            || (500..<600).contains(status) && status != 501 && status != 505
        switch status {
        case 200..<300:
            return .delivered
        case _ where retryable:
            let wait = retryAfter.flatMap { Self.retryAfterSeconds($0, now: now) }
            return .retry(retryAfter: wait.map { min($0, maximumRetryAfter) })
        case 400, 413, 422:
            return .rejected
        default:
            return .refused
        }
    }

    /// Reads `Retry-After`: delay seconds, or an HTTP date (`Wed, 21 Oct 2026 07:28:00 GMT`).
    public static func retryAfterSeconds(_ value: String, now: Date = Date()) -> Double? {
        let text = value.trimmingCharacters(in: .whitespaces)
        if let seconds = Double(text), seconds >= 0, seconds.isFinite {
            return seconds
        }
        let parts = text.split(separator: " ")
        let months = [
            "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
        ]
        guard parts.count == 6, parts[5].uppercased() == "GMT",
            let day = Int(parts[1]), let monthIndex = months.firstIndex(of: parts[2].lowercased()),
            let year = Int(parts[3])
        else { return nil }
        let clock = parts[4].split(separator: ":")
        guard clock.count == 3 else { return nil }
        let stamp = String(
            format: "%04d-%02d-%02dT%@Z", year, monthIndex + 1, day, String(parts[4]))
        guard let time = EventTime(iso8601: stamp) else { return nil }
        let seconds = Double(time.millisecondsSinceEpoch) / 1000 - now.timeIntervalSince1970
        return max(0, seconds)
    }
}
