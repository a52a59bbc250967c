import Foundation
import Testing

@testable import MockCDP

@Suite("send: gzip request bodies")
struct SendGzipTests {
    @Test("--gzip bodies go compressed and inflate to exactly the messages sent")
    func gzipDelivery() async throws {
        let directory = try temporaryFolder()
        let count = 3_000
        let path = try EventFixture.write(count: count, to: directory)
        let stub = try SegmentStub(["--capture", "2", "--record"])
        defer { stub.stop() }
        let configuration = testConfiguration(stub.dataPlane, input: path, directory: directory)

        let summary = try await sendFile(path, to: stub, configuration: configuration, gzip: true)
        let stats = try await stub.stats()
        #expect(summary.outcome == .complete)
        #expect(stats.uniqueMessageIds == count)
        #expect(stats.duplicates == 0)
        #expect(stats.gzipRequests == stats.requests)
        #expect(stats.wireBytes * 3 < stats.bodyBytes)
        // The 500 KB limit is Segment's on the inflated body, so batches keep to it inflated.
        #expect(stats.maxBodyBytes <= 475_000)
        for request in try await stub.requests() {
            #expect(request.headers["Content-Encoding"] == "gzip")
            #expect(request.headers["Content-Type"] == "application/json")
        }

        let runID = summary.runID.value
        let expected = (0..<count).map { index in
            EventFixture.line(index).replacingOccurrences(
                of: "\"messageId\":\"evt-\(index)\"",
                with: "\"messageId\":\"evt-\(index)-\(runID)\"")
        }
        #expect(try await stub.messageTexts().sorted() == expected.sorted())
    }

    @Test("the mockcdp command sends gzip bodies with --gzip")
    func gzipFlag() async throws {
        let directory = try temporaryFolder()
        let path = try EventFixture.write(count: 1_200, to: directory)
        let stub = try SegmentStub(writeKey: "wk-gzip")
        defer { stub.stop() }

        let run = try await runExecutable(
            ["send", path, "--data-plane-url", "http://127.0.0.1:\(stub.port)", "--gzip"],
            environment: ["SEGMENT_WRITE_KEY": "wk-gzip"], directory: directory)
        let stats = try await stub.stats()
        #expect(run.status == 0)
        #expect(stats.uniqueMessageIds == 1_200)
        #expect(stats.requests == 3)
        #expect(stats.gzipRequests == 3)
    }

    @Test("compressed bodies are gzip streams that the stub inflates")
    func compressedBodies() async throws {
        let stub = try SegmentStub()
        defer { stub.stop() }
        let batch = Array(
            #"{"batch":[{"type":"track","event":"Café Opened","userId":"u1","messageId":"g1"}]}"#
                .utf8)
        let compressed = try #require(Gzip.compress(batch))
        #expect(Array(compressed.prefix(3)) == [0x1F, 0x8B, 0x08])

        let (status, _) = try await stub.postBatch(Data(compressed), contentEncoding: "gzip")
        #expect(status == 200)
        #expect(try await stub.stats().uniqueMessageIds == 1)
        #expect(try #require(Gzip.compress([])).count > 0)
    }

    @Test("the stub answers 400 to gzip that is broken, cut short, or over 500 KB inflated")
    func badGzip() async throws {
        let stub = try SegmentStub()
        defer { stub.stop() }
        let batch = Array(#"{"batch":[{"type":"identify","userId":"u1"}]}"#.utf8)
        let compressed = try #require(Gzip.compress(batch))
        let padded =
            Array(#"{"batch":["#.utf8) + Array(repeating: 0x20, count: 600_000)
            + Array("]}".utf8)
        let oversized = try #require(Gzip.compress(padded))
        #expect(oversized.count < 500_000)

        let cases: [(Data, String)] = [
            (Data(batch), "malformed gzip body"),
            (Data(compressed.dropLast(4)), "ends before the gzip stream does"),
            (Data(compressed + [0x00]), "bytes after the gzip stream"),
            (Data(oversized), "over 512000 bytes once inflated"),
        ]
        for (body, reason) in cases {
            let (status, reply) = try await stub.postBatch(body, contentEncoding: "gzip")
            #expect(status == 400)
            #expect(reply.contains(reason))
        }
        let stats = try await stub.stats()
        #expect(stats.rejectedRequests == cases.count)
        #expect(stats.messages == 0)
    }
}
