import Foundation
import MockCDP
import Testing

@Suite("send: delivery to a loopback stub")
struct SendDeliveryTests {
    @Test("100,000 events arrive once each through 500s and 429s; the counts agree")
    func faultyDataPlane() async throws {
        let directory = try temporaryDirectory()
        let count = 100_000
        let path = try EventFixture.write(count: count, to: directory)
        let stub = try SegmentStub(["--fail-rate", "0.1", "--rate-limit-every", "50"])
        defer { stub.stop() }

        let started = ContinuousClock.now
        let summary = try await sendFile(
            path, to: stub,
            configuration: testConfiguration(stub.dataPlane, input: path, directory: directory))
        let elapsed = ContinuousClock.now - started
        let stats = try await stub.stats()

        #expect(summary.outcome == .complete)
        #expect(summary.progress.sentMessages == count)
        #expect(stats.unique_message_ids == count)
        #expect(stats.messages == count)
        #expect(stats.duplicates == 0)
        #expect(stats.injected_500 > 0)
        #expect(stats.injected_429 > 0)
        #expect(summary.progress.requests == stats.requests)
        #expect(summary.progress.retries == stats.retried_requests)
        #expect(summary.progress.retries == stats.injected_500 + stats.injected_429)
        #expect(summary.progress.sentBatches == stats.accepted_requests)
        #expect(stats.max_body_bytes <= 475_000)
        print(
            "100k through faults: \(elapsed), \(stats.requests) requests, "
                + "\(stats.injected_500) x 500, \(stats.injected_429) x 429")
    }
}
