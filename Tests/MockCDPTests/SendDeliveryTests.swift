import Foundation
import MockCDP
import Testing

@Suite("send: delivery to a loopback stub")
struct SendDeliveryTests {
    @Test("100,000 events arrive once each through 500s and 429s; the counts agree")
    func faultyDataPlane() async throws {
        let directory = try temporaryFolder()
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
        #expect(stats.uniqueMessageIds == count)
        #expect(stats.messages == count)
        #expect(stats.duplicates == 0)
        #expect(stats.injected500 > 0)
        #expect(stats.injected429 > 0)
        #expect(summary.progress.requests == stats.requests)
        #expect(summary.progress.retries == stats.retriedRequests)
        #expect(summary.progress.retries == stats.injected500 + stats.injected429)
        #expect(summary.progress.sentBatches == stats.acceptedRequests)
        #expect(stats.maxBodyBytes <= 475_000)
        print(
            "100k through faults: \(elapsed), \(stats.requests) requests, "
                + "\(stats.injected500) x 500, \(stats.injected429) x 429")
    }

    @Test("a stop ends requests the data plane never answers once the grace period is over")
    func stopWhileRequestsHang() async throws {
        let directory = try temporaryFolder()
        let count = 2_000
        let path = try EventFixture.write(count: count, to: directory)
        // The stub takes the first 200 messages, then holds every request without answering.
        let stub = try SegmentStub(["--pause-after", "200", "--record"])
        defer { stub.stop() }
        var configuration = testConfiguration(stub.dataPlane, input: path, directory: directory)
        configuration.maximumMessagesPerBatch = 100
        configuration.maximumInFlight = 2
        configuration.stopGracePeriod = .milliseconds(300)
        let transport = HTTPBatchTransport(
            dataPlane: configuration.dataPlane, writeKey: WriteKey(stub.writeKey)!,
            userAgent: "mockcdp/test", maximumConnections: 2,
            // Far longer than the test waits: only the stop can end the held requests.
            timeout: 3_600)
        let sender = SegmentSender(
            configuration: configuration, transport: transport, reporter: CollectingReporter())
        let file = try NDJSONFile(path: path)
        let run = Task { try await sender.run(file.lines) }

        try await stub.waitUntilHolding()
        sender.stop.request()
        // A watchdog, not a measure of speed: without the stop taking effect the run would
        // wait for the hour-long request timeout.
        let watchdog = Task {
            try? await Task.sleep(for: .seconds(60))
            run.cancel()
        }
        let summary = try await run.value
        watchdog.cancel()

        #expect(summary.outcome == .interrupted)
        #expect(!run.isCancelled, "the run ended only when the watchdog cancelled it")
        let stats = try await stub.stats()
        #expect(summary.progress.sentMessages == stats.uniqueMessageIds)
        let checkpoint = try CheckpointStore(
            path: directory.appendingPathComponent("checkpoint.json").path
        ).load()
        #expect(checkpoint.acknowledgedMessages == summary.progress.sentMessages)
        // Two requests race to the stub, so the batch held may be the second or the third; the
        // resume line stops at the first line not delivered, and every line before it was.
        let received = Set(
            try await stub.messages().compactMap { message in
                (message["messageId"] as? String)?.split(separator: "-").dropFirst().first
                    .flatMap { Int($0) }
            })
        #expect(received.count == summary.progress.sentMessages)
        #expect(checkpoint.resumeLine > 100)
        #expect((0..<checkpoint.resumeLine - 1).allSatisfy(received.contains))
        #expect(!received.contains(checkpoint.resumeLine - 1))
    }
}

@Suite("send: what goes on the wire")
struct SendRequestShapeTests {
    @Test("path, headers and body are what Segment expects; fields pass through unchanged")
    func requestShape() async throws {
        let directory = try temporaryFolder()
        let path = try EventFixture.write(count: 30, to: directory)
        let stub = try SegmentStub(["--capture", "10", "--record"])
        defer { stub.stop() }
        var configuration = testConfiguration(stub.dataPlane, input: path, directory: directory)
        configuration.maximumMessagesPerBatch = 10
        configuration.maximumInFlight = 1

        let before = EventTime.now
        let summary = try await sendFile(path, to: stub, configuration: configuration)
        let after = EventTime.now
        #expect(summary.outcome == .complete)

        let requests = try await stub.requests()
        #expect(requests.count == 3)
        for request in requests {
            #expect(request.path == "/v1/batch")
            #expect(request.headers["Content-Type"] == "application/json")
            #expect(
                request.headers["Authorization"]
                    == "Basic " + Data("test-write-key:".utf8).base64EncodedString())
            #expect(request.headers["User-Agent"] == "mockcdp/test")
            #expect(request.headers["X-Retry-Count"] == nil)
            let body = try JSONSerialization.jsonObject(with: Data(request.body.utf8))
            let object = try #require(body as? [String: Any])
            #expect(Set(object.keys) == ["batch", "sentAt"])
            let sentAt = try #require(EventTime(iso8601: object["sentAt"] as? String ?? ""))
            #expect(sentAt >= before && sentAt <= after)
            #expect((object["sentAt"] as? String)?.count == 24)
        }

        // Every byte of a message but its messageId arrives as written in the input.
        let runID = summary.runID.value
        let received = try await stub.messageTexts()
        let expected = (0..<30).map { index in
            EventFixture.line(index).replacingOccurrences(
                of: "\"messageId\":\"evt-\(index)\"",
                with: "\"messageId\":\"evt-\(index)-\(runID)\"")
        }
        #expect(received == expected)
    }

    @Test("retries carry X-Retry-Count and the same messageIds")
    func retryHeader() async throws {
        let directory = try temporaryFolder()
        let path = try EventFixture.write(count: 200, to: directory)
        let stub = try SegmentStub(["--capture", "100", "--fail-rate", "0.4", "--fault-after"])
        defer { stub.stop() }
        var configuration = testConfiguration(stub.dataPlane, input: path, directory: directory)
        configuration.maximumMessagesPerBatch = 10

        let summary = try await sendFile(path, to: stub, configuration: configuration)
        let stats = try await stub.stats()
        #expect(summary.outcome == .complete)
        #expect(stats.uniqueMessageIds == 200)
        #expect(stats.duplicates > 0)
        #expect(stats.conflictingDuplicates == 0)
        let counts = try await stub.requests().compactMap { $0.headers["X-Retry-Count"] }
        #expect(counts.count == stats.retriedRequests)
        #expect(counts.allSatisfy { (Int($0) ?? 0) >= 1 })
    }

    @Test("dropped connections and slow replies lose nothing")
    func droppedConnections() async throws {
        let directory = try temporaryFolder()
        let path = try EventFixture.write(count: 5_000, to: directory)
        let stub = try SegmentStub(["--drop-every", "7", "--slow-ms", "20"])
        defer { stub.stop() }
        var configuration = testConfiguration(stub.dataPlane, input: path, directory: directory)
        configuration.maximumMessagesPerBatch = 100

        let summary = try await sendFile(path, to: stub, configuration: configuration)
        let stats = try await stub.stats()
        #expect(summary.outcome == .complete)
        #expect(stats.dropped > 0)
        #expect(stats.uniqueMessageIds == 5_000)
        #expect(stats.conflictingDuplicates == 0)
    }
}

@Suite("send: Segment's size limits")
struct SendSizeLimitTests {
    @Test("multi-byte text is counted in bytes; a 40 KB message is skipped and reported")
    func sizeLimits() async throws {
        let directory = try temporaryFolder()
        var lines: [String] = []
        // 10,000 "€" are 30,000 bytes: under the limit, and 16 of them overflow one request.
        for index in 0..<40 {
            lines.append(EventFixture.line(index, note: String(repeating: "€", count: 10_000)))
        }
        // 11,000 "€" are 11,000 characters but 33,000 bytes: over the limit.
        lines.insert(EventFixture.line(900, note: String(repeating: "€", count: 11_000)), at: 5)
        lines.insert(EventFixture.line(901, note: String(repeating: "a", count: 40_000)), at: 20)
        let url = directory.appendingPathComponent("large.ndjson")
        try (lines.joined(separator: "\n") + "\n").write(to: url, atomically: true, encoding: .utf8)
        let stub = try SegmentStub(["--record"])
        defer { stub.stop() }
        let reporter = CollectingReporter()

        let summary = try await sendFile(
            url.path, to: stub,
            configuration: testConfiguration(stub.dataPlane, input: url.path, directory: directory),
            reporter: reporter)
        let stats = try await stub.stats()

        #expect(summary.outcome == .skipped(count: 2))
        #expect(summary.outcome.exitStatus == 65)
        #expect(summary.progress.sentMessages == 40)
        #expect(summary.progress.skippedMessages == 2)
        #expect(reporter.skipped.map(\.line) == [6, 21])
        #expect(reporter.skipped.map(\.messageID).allSatisfy { $0.hasPrefix("evt-90") })
        #expect(reporter.skipped.allSatisfy { $0.bytes > 32_768 })
        #expect(stats.rejectedRequests == 0)
        #expect(stats.maxBodyBytes <= 475_000)
        #expect(stats.maxMessageBytes <= 32_768)
        #expect(stats.maxMessageBytes > 30_000)
        #expect(stats.acceptedRequests >= 3)
        let ids = try await stub.messages().compactMap { $0["messageId"] as? String }
        #expect(!ids.contains { $0.hasPrefix("evt-900-") || $0.hasPrefix("evt-901-") })
        #expect(ids.count == 40)
    }
}

@Suite("send: failures")
struct SendFailureTests {
    @Test("a 400 is not retried; the batch is saved without the write key")
    func rejectedBatch() async throws {
        let directory = try temporaryFolder()
        var lines = (0..<30).map { EventFixture.line($0) }
        lines[15] = EventFixture.line(15, note: "REJECT-ME")
        let url = directory.appendingPathComponent("events.ndjson")
        try (lines.joined(separator: "\n") + "\n").write(to: url, atomically: true, encoding: .utf8)
        let stub = try SegmentStub(["--reject-marker", "REJECT-ME"])
        defer { stub.stop() }
        var configuration = testConfiguration(stub.dataPlane, input: url.path, directory: directory)
        configuration.maximumMessagesPerBatch = 10
        let reporter = CollectingReporter()

        let summary = try await sendFile(
            url.path, to: stub, configuration: configuration, reporter: reporter)
        let stats = try await stub.stats()

        #expect(summary.outcome == .rejected)
        #expect(summary.outcome.exitStatus == 65)
        #expect(summary.progress.sentMessages == 20)
        #expect(summary.progress.failedMessages == 10)
        #expect(stats.requests == 3)
        #expect(stats.retriedRequests == 0)
        let saved = try #require(reporter.savedPaths.first)
        #expect(reporter.savedPaths.count == 1)
        let text = try String(contentsOfFile: saved, encoding: .utf8)
        let object = try #require(
            try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect((object["reason"] as? String)?.hasPrefix("HTTP 400") == true)
        #expect(object["firstLine"] as? Int == 11)
        #expect(((object["request"] as? [String: Any])?["batch"] as? [Any])?.count == 10)
        #expect(!text.contains("test-write-key"))
        #expect(!text.contains(Data("test-write-key:".utf8).base64EncodedString()))

        // The checkpoint stays, marked complete, so a plain re-run cannot double-send.
        let checkpoint = try CheckpointStore(path: configuration.checkpointPath!).load()
        #expect(checkpoint.complete)
        #expect(checkpoint.runID == summary.runID)
    }

    @Test("a batch out of retries fails the run with 75 and is saved")
    func retriesExhausted() async throws {
        let directory = try temporaryFolder()
        let path = try EventFixture.write(count: 20, to: directory)
        let stub = try SegmentStub(["--fail-rate", "1"])
        defer { stub.stop() }
        var configuration = testConfiguration(stub.dataPlane, input: path, directory: directory)
        configuration.retry = RetryPolicy(maximumAttempts: 3, baseDelay: 0.01, maximumDelay: 0.02)
        let reporter = CollectingReporter()

        let summary = try await sendFile(
            path, to: stub, configuration: configuration, reporter: reporter)
        #expect(summary.outcome == .retriesExhausted(neverConnected: false))
        #expect(summary.outcome.exitStatus == 75)
        #expect(try await stub.stats().requests == 3)
        #expect(reporter.savedPaths.count == 1)
        #expect(summary.checkpointPath == configuration.checkpointPath)
        #expect(try CheckpointStore(path: configuration.checkpointPath!).load().resumeLine == 1)
    }

    @Test("an unreachable data plane ends with 69")
    func unreachable() async throws {
        let directory = try temporaryFolder()
        let path = try EventFixture.write(count: 5, to: directory)
        let closedPort = try SegmentStub()
        let dataPlane = closedPort.dataPlane
        closedPort.stop()
        var configuration = testConfiguration(dataPlane, input: path, directory: directory)
        configuration.retry = RetryPolicy(maximumAttempts: 2, baseDelay: 0.01, maximumDelay: 0.02)
        let transport = HTTPBatchTransport(
            dataPlane: dataPlane, writeKey: WriteKey("k")!, userAgent: "t", maximumConnections: 1)
        let sender = SegmentSender(
            configuration: configuration, transport: transport, reporter: CollectingReporter())

        let summary = try await sender.run(try NDJSONFile(path: path).lines)
        #expect(summary.outcome == .retriesExhausted(neverConnected: true))
        #expect(summary.outcome.exitStatus == 69)
    }

    @Test("a host name that never resolved stops at once; one that did is retried")
    func hostNotFound() async throws {
        let directory = try temporaryFolder()
        let path = try EventFixture.write(count: 30, to: directory)
        let dataPlane = try DataPlane("https://example.invalid")
        var configuration = testConfiguration(dataPlane, input: path, directory: directory)
        configuration.maximumMessagesPerBatch = 10
        configuration.maximumInFlight = 1

        func send(_ transport: ScriptedTransport) async throws -> SendSummary {
            let sender = SegmentSender(
                configuration: configuration, transport: transport,
                reporter: CollectingReporter())
            return try await sender.run(try NDJSONFile(path: path).lines)
        }

        let neverResolved = ScriptedTransport([ScriptedTransport.hostNotFound])
        let stopped = try await send(neverResolved)
        #expect(stopped.outcome == .hostNotFound(host: "example.invalid"))
        #expect(stopped.outcome.exitStatus == 69)
        #expect(neverResolved.requests == 1)
        #expect(stopped.progress.failedBatches == 0)
        #expect(stopped.resumeLine == 1)
        // Nothing left the machine: no checkpoint stands in the way of a corrected URL.
        #expect(stopped.checkpointPath == nil)
        #expect(!FileManager.default.fileExists(atPath: configuration.checkpointPath!))

        // The first batch got through, so the lookups that fail after it are a passing fault.
        let blip = ScriptedTransport([
            ScriptedTransport.accepted, ScriptedTransport.hostNotFound,
            ScriptedTransport.hostNotFound,
        ])
        let retried = try await send(blip)
        #expect(retried.outcome == .complete)
        #expect(retried.progress.sentMessages == 30)
        #expect(retried.progress.retries == 2)

        // A resumed run that cannot resolve the host keeps its checkpoint: what an earlier
        // run delivered is recorded there, and the rest is still to be sent.
        let refused = ScriptedTransport([
            ScriptedTransport.accepted,
            TransportResult.response(status: 404, retryAfter: nil, body: "{}"),
        ])
        #expect(try await send(refused).outcome == .refused(status: 404))
        configuration.resume = true
        let resumedStop = try await send(ScriptedTransport([ScriptedTransport.hostNotFound]))
        #expect(resumedStop.outcome == .hostNotFound(host: "example.invalid"))
        #expect(resumedStop.checkpointPath == configuration.checkpointPath)
        let kept = try CheckpointStore(path: configuration.checkpointPath!).load()
        #expect(kept.resumeLine == 11)
    }

    @Test("a wrong write key stops the run with 77")
    func wrongKey() async throws {
        let directory = try temporaryFolder()
        let path = try EventFixture.write(count: 2_000, to: directory)
        let stub = try SegmentStub(writeKey: "right")
        defer { stub.stop() }
        let configuration = testConfiguration(stub.dataPlane, input: path, directory: directory)
        let transport = HTTPBatchTransport(
            dataPlane: stub.dataPlane, writeKey: WriteKey("wrong")!, userAgent: "t",
            maximumConnections: 4)
        let sender = SegmentSender(
            configuration: configuration, transport: transport, reporter: CollectingReporter())

        let summary = try await sender.run(try NDJSONFile(path: path).lines)
        #expect(summary.outcome == .refused(status: 401))
        #expect(summary.outcome.exitStatus == 77)
        #expect(summary.progress.sentMessages == 0)
        #expect(try await stub.stats().requests <= 4)
    }
}
