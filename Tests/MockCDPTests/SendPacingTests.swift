import Foundation
import Testing

@testable import MockCDP

/// Keeps every body it is given, with the time it arrived, and answers 200.
final class RecordingTransport: BatchTransport, @unchecked Sendable {
    private let lock = NSLock()
    private var received: [(at: ContinuousClock.Instant, body: [String: Any])] = []

    func post(_ body: [UInt8], retryCount: Int) async -> TransportResult {
        let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any]
        lock.withLock { received.append((.now, object ?? [:])) }
        return .response(status: 200, retryAfter: nil, body: "{}")
    }

    var requests: [(at: ContinuousClock.Instant, body: [String: Any])] {
        lock.withLock { received }
    }

    var messages: [[String: Any]] {
        requests.flatMap { $0.body["batch"] as? [[String: Any]] ?? [] }
    }
}

@Suite("send: pacing and rebasing")
struct SendPacingTests {
    private func lines(_ count: Int, secondsApart: Int64) -> [MessageLine] {
        (0..<count).map { index in
            let time = EventTime(
                millisecondsSinceEpoch: 1_714_564_800_000 + Int64(index) * 1000 * secondsApart)
            let text =
                #"{"type":"page","userId":"u","messageId":"p\#(index)","#
                + #""timestamp":"\#(time.iso8601)"}"#
            return MessageLine(number: index + 1, bytes: Array(text.utf8))
        }
    }

    private func configuration(pace: Pace, rebase: Bool) throws -> SendConfiguration {
        SendConfiguration(
            dataPlane: try DataPlane("http://127.0.0.1:9"),
            input: InputIdentity(kind: "test", path: "memory", size: nil, fingerprint: "x"),
            requestsPerSecond: 1000, pace: pace, rebaseToNow: rebase)
    }

    @Test("--pace 600x sends events a minute apart a tenth of a second apart")
    func compressed() async throws {
        let transport = RecordingTransport()
        let sender = SegmentSender(
            configuration: try configuration(pace: .scaled(factor: 600), rebase: false),
            transport: transport, reporter: CollectingReporter())
        let started = ContinuousClock.now
        let summary = try await sender.run(lines(6, secondsApart: 60))
        let elapsed = ContinuousClock.now - started

        #expect(summary.outcome == .complete)
        #expect(elapsed >= .milliseconds(500))
        #expect(transport.messages.count == 6)
        // No message leaves before its time. (Under load, messages already due by the time
        // the sender wakes share a request, so only this lower bound is certain.)
        for request in transport.requests {
            let ids = (request.body["batch"] as? [[String: Any]] ?? []).compactMap {
                $0["messageId"] as? String
            }
            for id in ids {
                let index = Int(id.dropFirst().prefix { $0 != "-" }) ?? 0
                #expect(request.at - started >= .milliseconds(100 * index - 5))
            }
        }
        // Timestamps are kept as written; only sentAt is the real time.
        #expect(transport.messages.first?["timestamp"] as? String == "2024-05-01T12:00:00.000Z")
    }

    @Test("--rebase-now moves the first event to now and keeps the offsets")
    func rebased() async throws {
        let transport = RecordingTransport()
        let sender = SegmentSender(
            configuration: try configuration(pace: .asap, rebase: true),
            transport: transport, reporter: CollectingReporter())
        let before = EventTime.now
        _ = try await sender.run(lines(3, secondsApart: 3600))
        let after = EventTime.now

        let times = transport.messages.compactMap {
            EventTime(iso8601: $0["timestamp"] as? String ?? "")
        }
        #expect(times.count == 3)
        #expect(times[0] >= before && times[0] <= after)
        #expect(times[1].millisecondsSinceEpoch - times[0].millisecondsSinceEpoch == 3_600_000)
        #expect(times[2].millisecondsSinceEpoch - times[0].millisecondsSinceEpoch == 7_200_000)
    }

    @Test("a checkpoint of other input is refused, and so is a second run without --resume")
    func checkpointGuards() async throws {
        let directory = try temporaryFolder()
        var configuration = try configuration(pace: .asap, rebase: false)
        configuration.checkpointPath = directory.appendingPathComponent("c.json").path
        let store = CheckpointStore(path: configuration.checkpointPath!)
        try store.save(
            SendCheckpoint(
                runID: RunID("abcd1234")!,
                input: InputIdentity(kind: "test", path: "memory", size: nil, fingerprint: "y"),
                dataPlane: "http://127.0.0.1:9", resumeLine: 2))
        let transport = RecordingTransport()

        let fresh = SegmentSender(
            configuration: configuration, transport: transport, reporter: CollectingReporter())
        await #expect(throws: SendSetupError.checkpointExists(store.path)) {
            try await fresh.run(lines(3, secondsApart: 1))
        }
        configuration.resume = true
        let resumed = SegmentSender(
            configuration: configuration, transport: transport, reporter: CollectingReporter())
        await #expect(throws: SendSetupError.self) {
            try await resumed.run(lines(3, secondsApart: 1))
        }
        #expect(transport.requests.isEmpty)
    }

    @Test("a resumed run keeps its run id and starts at the recorded line")
    func resumeFromLine() async throws {
        let directory = try temporaryFolder()
        var configuration = try configuration(pace: .asap, rebase: false)
        configuration.checkpointPath = directory.appendingPathComponent("c.json").path
        configuration.resume = true
        try CheckpointStore(path: configuration.checkpointPath!).save(
            SendCheckpoint(
                runID: RunID("abcd1234")!, input: configuration.input,
                dataPlane: "http://127.0.0.1:9", resumeLine: 3))
        let transport = RecordingTransport()
        let sender = SegmentSender(
            configuration: configuration, transport: transport, reporter: CollectingReporter())

        let summary = try await sender.run(lines(5, secondsApart: 1))
        #expect(summary.runID == RunID("abcd1234"))
        #expect(
            transport.messages.compactMap { $0["messageId"] as? String }
                == ["p2-abcd1234", "p3-abcd1234", "p4-abcd1234"])
        #expect(!FileManager.default.fileExists(atPath: configuration.checkpointPath!))
    }
}
