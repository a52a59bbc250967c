import Foundation
import Testing

@testable import MockCDP

@Suite("send: limits, retries, data planes and the write key")
struct SendPolicyTests {
    @Test("batches stay under the byte and count limits, with every message in order")
    func batching() {
        var builder = BatchBuilder(maximumMessages: 3, maximumBodyBytes: 300)
        var batches: [Batch] = []
        for line in 1...10 {
            let accents = String(repeating: "é", count: line * 4)
            let text = #"{"type":"page","userId":"u","messageId":"m\#(line)","p":"\#(accents)"}"#
            let message = PreparedMessage(
                line: line, bytes: Array(text.utf8), messageID: "m\(line)", eventTime: nil)
            if let closed = builder.add(message) { batches.append(closed) }
        }
        if let last = builder.flush() { batches.append(last) }

        var lines: [Int] = []
        for batch in batches {
            let body = batch.body(sentAt: EventTime(millisecondsSinceEpoch: 0))
            #expect(body.count == batch.bodyCount)
            #expect(body.count <= 300)
            #expect(batch.messageCount <= 3)
            let json = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any]
            let messages = json?["batch"] as? [[String: Any]] ?? []
            #expect(json?["sentAt"] as? String == "1970-01-01T00:00:00.000Z")
            #expect(json?["writeKey"] == nil)
            lines += messages.compactMap { ($0["messageId"] as? String)?.dropFirst() }
                .compactMap { Int($0) }
        }
        #expect(lines == Array(1...10))
        #expect(batches.map(\.serial) == Array(0..<batches.count))
    }

    @Test("which answers are retried, rejected or stop the run")
    func verdicts() {
        let policy = RetryPolicy()
        #expect(policy.verdict(status: 200, retryAfter: nil) == .delivered)
        #expect(policy.verdict(status: 500, retryAfter: nil) == .retry(retryAfter: nil))
        #expect(policy.verdict(status: 503, retryAfter: "2") == .retry(retryAfter: 2))
        #expect(policy.verdict(status: 429, retryAfter: "1") == .retry(retryAfter: 1))
        #expect(policy.verdict(status: 429, retryAfter: "86400") == .retry(retryAfter: 300))
        #expect(policy.verdict(status: 408, retryAfter: nil) == .retry(retryAfter: nil))
        #expect(policy.verdict(status: 400, retryAfter: nil) == .rejected)
        #expect(policy.verdict(status: 413, retryAfter: nil) == .rejected)
        #expect(policy.verdict(status: 401, retryAfter: nil) == .refused)
        #expect(policy.verdict(status: 403, retryAfter: nil) == .refused)
        #expect(policy.verdict(status: 404, retryAfter: nil) == .refused)
        #expect(policy.verdict(status: 501, retryAfter: nil) == .refused)
    }

    @Test("Retry-After is read as seconds or as an HTTP date")
    func retryAfter() {
        let now = Date(timeIntervalSince1970: 1_700_000_000)
        #expect(RetryPolicy.retryAfterSeconds("3", now: now) == 3)
        #expect(RetryPolicy.retryAfterSeconds("Tue, 14 Nov 2023 22:13:40 GMT", now: now) == 20)
        #expect(RetryPolicy.retryAfterSeconds("Tue, 14 Nov 2023 22:00:00 GMT", now: now) == 0)
        #expect(RetryPolicy.retryAfterSeconds("soon", now: now) == nil)
    }

    @Test("backoff grows exponentially up to the cap, with full jitter")
    func backoff() {
        let policy = RetryPolicy(baseDelay: 0.5, maximumDelay: 30)
        for attempt in 1...20 {
            let ceiling = min(30, 0.5 * pow(2, Double(attempt - 1)))
            for _ in 0..<20 {
                let wait = policy.backoff(afterAttempt: attempt)
                #expect(wait >= 0 && wait <= ceiling)
            }
        }
    }

    @Test("data planes: https anywhere, plain http only to loopback")
    func dataPlanes() throws {
        #expect(
            try DataPlane("https://api.segment.io/").batchURL.absoluteString
                == "https://api.segment.io/v1/batch")
        #expect(try DataPlane.region("eu").description == "https://events.eu1.segmentapis.com")
        #expect(
            try DataPlane("https://proxy.example.com/segment").batchURL.path
                == "/segment/v1/batch")
        for loopback in [
            "http://127.0.0.1:8080", "http://localhost:1", "http://[::1]:9", "http://127.9.9.9",
        ] {
            #expect(throws: Never.self) { try DataPlane(loopback) }
        }
        #expect(throws: DataPlaneError.plainHTTP("http://api.segment.io")) {
            try DataPlane("http://api.segment.io")
        }
        #expect(throws: DataPlaneError.plainHTTP("http://127.0.0.1.example.com")) {
            try DataPlane("http://127.0.0.1.example.com")
        }
        #expect(throws: DataPlaneError.self) { try DataPlane("ftp://api.segment.io") }
        #expect(throws: DataPlaneError.self) { try DataPlane("https:///v1/batch") }
    }

    @Test("a data-plane URL pasted with its /v1/batch endpoint names the base before it")
    func dataPlaneEndpoint() throws {
        for pasted in [
            "https://api.segment.io/v1/batch", "https://api.segment.io/v1/batch/",
            "https://api.segment.io//v1/batch//",
        ] {
            let plane = try DataPlane(pasted)
            #expect(plane.description == "https://api.segment.io")
            #expect(plane.batchURL.absoluteString == "https://api.segment.io/v1/batch")
        }
        #expect(
            try DataPlane("https://proxy.example.com/segment/v1/batch").batchURL.absoluteString
                == "https://proxy.example.com/segment/v1/batch")
        #expect(try DataPlane("http://[::1]:9/v1/batch").description == "http://[::1]:9")
        // Only the whole endpoint at the end is taken off.
        #expect(
            try DataPlane("https://proxy.example.com/v1/batches").description
                == "https://proxy.example.com/v1/batches")
        #expect(try DataPlane("https://v1/batch").description == "https://v1/batch")
        #expect(throws: DataPlaneError.self) { try DataPlane.region("mars") }
    }

    @Test("the write key is read from a file or the environment and never described")
    func writeKey() throws {
        let directory = try temporaryFolder()
        let file = directory.appendingPathComponent("key")
        try "s3cr3t-key\n".write(to: file, atomically: true, encoding: .utf8)
        let key = try WriteKey.load(file: file.path, environment: [:])
        #expect(
            key.authorizationHeader == "Basic " + Data("s3cr3t-key:".utf8).base64EncodedString())
        #expect("\(key)" == "[redacted]")
        #expect(String(reflecting: key).contains("s3cr3t") == false)
        #expect(
            key.redact("echo s3cr3t-key and czNjcjN0LWtleTo=") == "echo [redacted] and [redacted]")

        let fromEnvironment = try WriteKey.load(file: nil, environment: ["SEGMENT_WRITE_KEY": "k2"])
        #expect(fromEnvironment.authorizationHeader == "Basic azI6")
        #expect(throws: WriteKeyError.missing) { try WriteKey.load(file: nil, environment: [:]) }
        #expect(throws: WriteKeyError.unreadableFile("/nonexistent/key")) {
            try WriteKey.load(file: "/nonexistent/key", environment: [:])
        }
    }

    @Test("pacing divides event offsets by the factor")
    func paceClock() {
        #expect(Pace("60x") == .scaled(factor: 60))
        #expect(Pace("realtime") == .scaled(factor: 1))
        #expect(Pace("asap") == .asap)
        #expect(Pace("0x") == nil)
        #expect(Pace("fast") == nil)

        var clock = PaceClock(pace: .scaled(factor: 60))
        let start = EventTime(millisecondsSinceEpoch: 1_000_000)
        let before = ContinuousClock.now
        #expect(clock.due(eventTime: start) == nil)
        let due = clock.due(eventTime: EventTime(millisecondsSinceEpoch: 1_000_000 + 60_000))
        let wait = due.map { $0 - before } ?? .zero
        #expect(wait >= .milliseconds(990) && wait <= .milliseconds(1100))
        #expect(clock.due(eventTime: EventTime(millisecondsSinceEpoch: 0)) == nil)

        var asap = PaceClock(pace: .asap)
        #expect(asap.due(eventTime: start) == nil)
    }
}
