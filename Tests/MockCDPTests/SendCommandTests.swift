import Foundation
import MockCDP
import Testing

/// These run the built `mockcdp` executable, as a user would.
@Suite("send: the mockcdp command")
struct SendCommandTests {
    private static let key = "wk-secret-7f3a9c"
    private static var keyForms: [String] {
        [key, Data("\(key):".utf8).base64EncodedString()]
    }

    /// The run id from the first line of a run's standard error: `run id <id> (…`.
    private func runID(in stderr: String) -> String? {
        let words = stderr.split(separator: "\n").first?.split(separator: " ") ?? []
        guard words.count >= 3, words[0] == "run", words[1] == "id" else { return nil }
        return String(words[2])
    }

    /// `count` events in a fresh folder, and a stub with this test's key that holds every
    /// request once `pauseAfter` messages have arrived, until it is released.
    private func eventsAndPausingStub(
        count: Int, pauseAfter: Int, _ stubArguments: [String] = []
    ) throws -> (directory: URL, path: String, stub: SegmentStub) {
        let directory = try temporaryFolder()
        let path = try EventFixture.write(count: count, to: directory)
        let stub = try SegmentStub(
            writeKey: Self.key, ["--pause-after", "\(pauseAfter)"] + stubArguments)
        return (directory, path, stub)
    }

    @Test("kill -9 midway, then --resume: every event arrives, re-sent ones with the same ids")
    func killAndResume() async throws {
        let count = 20_000
        let (directory, path, stub) = try eventsAndPausingStub(
            count: count, pauseAfter: count / 3, ["--record"])
        defer { stub.stop() }
        let arguments = [
            "send", path, "--data-plane-url", "http://127.0.0.1:\(stub.port)", "--batch-size",
            "100",
        ]
        let environment = ["SEGMENT_WRITE_KEY": Self.key]

        let (process, _, errors) = try startExecutable(
            arguments, environment: environment, directory: directory)
        try await stub.waitUntilHolding()
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        let firstStderr = String(
            decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(process.terminationReason == .uncaughtSignal)

        let checkpointPath = path + ".send-checkpoint.json"
        let checkpoint = try CheckpointStore(path: checkpointPath).load()
        #expect(checkpoint.resumeLine > 1)
        #expect(checkpoint.resumeLine < count)
        let firstRunID = try #require(runID(in: firstStderr))
        #expect(checkpoint.runID.value == firstRunID)
        try await stub.release()

        // A plain re-run must not start over under new ids.
        let refused = try await runExecutable(
            arguments, environment: environment, directory: directory)
        #expect(refused.status == 64)
        #expect(refused.stderr.contains("--resume"))

        let resumed = try await runExecutable(
            arguments + ["--resume"], environment: environment, directory: directory)
        #expect(resumed.status == 0)
        #expect(resumed.stderr.contains("resuming run \(firstRunID)"))
        #expect(!FileManager.default.fileExists(atPath: checkpointPath))

        let stats = try await stub.stats()
        let ids = Set(try await stub.messages().compactMap { $0["messageId"] as? String })
        let expected = Set((0..<count).map { "evt-\($0)-\(firstRunID)" })
        #expect(ids == expected)
        #expect(stats.uniqueMessageIds == count)
        #expect(stats.conflictingDuplicates == 0)
        print("kill -9 and resume: \(stats.duplicates) messages sent twice, same ids")
    }

    @Test("Ctrl-C stops cleanly with 130, writes the checkpoint, and says how to resume")
    func interrupt() async throws {
        let count = 10_000
        let (directory, path, stub) = try eventsAndPausingStub(count: count, pauseAfter: count / 4)
        defer { stub.stop() }
        let checkpointPath = directory.appendingPathComponent("state.json").path
        let arguments = [
            "send", path, "--data-plane-url", "http://127.0.0.1:\(stub.port)", "--batch-size",
            "100",
            "--checkpoint", checkpointPath,
        ]
        let environment = ["SEGMENT_WRITE_KEY": Self.key]

        let (status, stderr) = try await interruptExecutable(
            arguments, environment: environment, directory: directory, stub: stub)
        #expect(status == 130)
        // The printed command repeats the data plane and checkpoint, so it works as given.
        let resumeCommand = "mockcdp " + arguments.joined(separator: " ") + " --resume"
        #expect(stderr.contains("to continue: \(resumeCommand)\n"), "\(stderr)")
        let checkpoint = try CheckpointStore(path: checkpointPath).load()
        #expect(checkpoint.resumeLine > 1)

        let resumed = try await runExecutable(
            arguments + ["--resume"], environment: environment, directory: directory)
        #expect(resumed.status == 0)
        #expect(try await stub.stats().uniqueMessageIds == count)
    }

    @Test("an untrusted certificate stops the run at once with 69 and says why")
    func untrustedCertificate() async throws {
        let directory = try temporaryFolder()
        let path = try EventFixture.write(count: 50, to: directory)
        let tls = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Support/tls")
        // A self-signed certificate, which no system trusts.
        let stub = try SegmentStub(
            writeKey: Self.key,
            [
                "--tls-cert", tls.appendingPathComponent("cert.pem").path,
                "--tls-key", tls.appendingPathComponent("key.pem").path,
            ])
        defer { stub.stop() }
        let run = try await runExecutable(
            ["send", path, "--data-plane-url", "https://127.0.0.1:\(stub.port)"],
            environment: ["SEGMENT_WRITE_KEY": Self.key], directory: directory)
        #expect(run.status == 69)
        #expect(run.stderr.contains("certificate is not trusted"), "\(run.stderr)")
        #expect(run.stderr.contains("retried 0 requests"), "\(run.stderr)")
        #expect(run.stderr.contains("sent 0 events"), "\(run.stderr)")
    }

    @Test("an unresolvable host name stops the run at once with 69, leaving nothing to resume")
    func unresolvableHost() async throws {
        let directory = try temporaryFolder()
        let path = try EventFixture.write(count: 50, to: directory)
        // RFC 6761: no .invalid name ever resolves, with or without a network.
        let url = "https://no-such-host.invalid"
        let arguments = ["send", path, "--data-plane-url", url]
        let environment = ["SEGMENT_WRITE_KEY": Self.key]

        let started = ContinuousClock.now
        let run = try await runExecutable(
            arguments, environment: environment, directory: directory)
        // Retrying would take a minute or more.
        #expect(ContinuousClock.now - started < .seconds(20))
        #expect(run.status == 69)
        #expect(
            run.stderr.contains(
                "the data plane's host name no-such-host.invalid does not resolve; check "
                    + "--data-plane-url or --region; nothing was lost\n"), "\(run.stderr)")
        #expect(run.stderr.contains("retried 0 requests"), "\(run.stderr)")
        #expect(
            run.stderr.contains(
                "nothing was sent: correct the data plane and run the command again\n"))
        #expect(!run.stderr.contains("--resume"))
        // Nothing was sent, so no checkpoint is left to refuse the next run.
        #expect(!FileManager.default.fileExists(atPath: path + ".send-checkpoint.json"))
        let again = try await runExecutable(
            arguments, environment: environment, directory: directory)
        #expect(again.status == 69)
        #expect(!again.stderr.contains("checkpoint"), "\(again.stderr)")

        let check = try await runExecutable(
            ["check-credentials", "--data-plane-url", url], environment: environment,
            directory: directory)
        #expect(check.status == 69)
        #expect(check.stdout.contains("FAIL DNS"))
        #expect(
            check.stdout.contains(
                "the data plane's host name no-such-host.invalid does not resolve; check "
                    + "--data-plane-url or --region\n"), "\(check.stdout)")
    }

    @Test("a data-plane URL given with /v1/batch delivers, and resumes under the base URL")
    func endpointURL() async throws {
        let count = 4_000
        let (directory, path, stub) = try eventsAndPausingStub(
            count: count, pauseAfter: count / 4, ["--capture", "1"])
        defer { stub.stop() }
        let base = "http://127.0.0.1:\(stub.port)"
        let arguments = [
            "send", path, "--data-plane-url", base + "/v1/batch/", "--batch-size", "100",
        ]
        let environment = ["SEGMENT_WRITE_KEY": Self.key]

        let (status, stderr) = try await interruptExecutable(
            arguments, environment: environment, directory: directory, stub: stub)
        #expect(status == 130)
        #expect(try await stub.requests().first?.path == "/v1/batch")
        let checkpoint = try CheckpointStore(path: path + ".send-checkpoint.json").load()
        #expect(checkpoint.dataPlane == base)
        let resumeCommand = "mockcdp " + arguments.joined(separator: " ") + " --resume"
        #expect(stderr.contains("to continue: \(resumeCommand)\n"), "\(stderr)")

        // The base URL and the endpoint name the same data plane.
        let resumed = try await runExecutable(
            ["send", path, "--data-plane-url", base, "--batch-size", "100", "--resume"],
            environment: environment, directory: directory)
        #expect(resumed.status == 0, "\(resumed.stderr)")
        let stats = try await stub.stats()
        #expect(stats.uniqueMessageIds == count)
        #expect(stats.rejectedRequests == 0)
    }

    @Test("the write key never shows in output, saved batches or dry runs")
    func keyStaysSecret() async throws {
        let directory = try temporaryFolder()
        var lines = (0..<50).map { EventFixture.line($0) }
        lines[30] = EventFixture.line(30, note: "REJECT-ME")
        let path = directory.appendingPathComponent("events.ndjson").path
        try (lines.joined(separator: "\n") + "\n").write(
            toFile: path, atomically: true, encoding: .utf8)
        let keyFile = directory.appendingPathComponent("key").path
        try (Self.key + "\n").write(toFile: keyFile, atomically: true, encoding: .utf8)
        let stub = try SegmentStub(writeKey: Self.key, ["--reject-marker", "REJECT-ME"])
        defer { stub.stop() }
        let url = "http://127.0.0.1:\(stub.port)"

        let fromFile = try await runExecutable(
            [
                "send", path, "--data-plane-url", url, "--batch-size", "10",
                "--write-key-file", keyFile,
            ],
            directory: directory)
        #expect(fromFile.status == 65)
        #expect(fromFile.stdout.isEmpty)
        #expect(fromFile.stderr.contains("saved to "))
        let dryRun = try await runExecutable(
            [
                "send", path, "--dry-run", "--checkpoint",
                directory.appendingPathComponent("dry").path,
            ],
            environment: ["SEGMENT_WRITE_KEY": Self.key], directory: directory)
        #expect(dryRun.status == 0)
        let check = try await runExecutable(
            ["check-credentials", "--data-plane-url", url],
            environment: ["SEGMENT_WRITE_KEY": Self.key], directory: directory)
        #expect(check.status == 0)
        #expect(check.stdout.contains("Segment answers 200 even for an invalid write key"))
        #expect(check.stdout.contains("Connections > Sources > your source > Debugger"))
        let wrong = try await runExecutable(
            ["check-credentials", "--data-plane-url", url],
            environment: ["SEGMENT_WRITE_KEY": "not-" + Self.key], directory: directory)
        #expect(wrong.status == 77)
        let onCommandLine = try await runExecutable(
            ["send", path, "--write-key", Self.key], directory: directory)
        #expect(onCommandLine.status == 64)
        #expect(onCommandLine.stderr.contains("process lists"))

        var texts = [fromFile, dryRun, check, wrong, onCommandLine].flatMap {
            [$0.stdout, $0.stderr]
        }
        for file in try FileManager.default.contentsOfDirectory(atPath: directory.path)
        where file != "key" {
            texts.append(
                (try? String(
                    contentsOfFile: directory.appendingPathComponent(file).path,
                    encoding: .utf8)) ?? "")
        }
        for text in texts {
            for form in Self.keyForms {
                #expect(!text.contains(form))
            }
        }
    }

    @Test("--dry-run prints the request bodies as NDJSON and sends nothing")
    func dryRun() async throws {
        let directory = try temporaryFolder()
        let path = try EventFixture.write(count: 1_250, to: directory)
        let run = try await runExecutable(
            ["send", path, "--dry-run", "--data-plane-url", "http://127.0.0.1:9"],
            directory: directory)
        #expect(run.status == 0)
        let bodies = run.stdout.split(separator: "\n")
        #expect(bodies.count == 3)
        var total = 0
        for body in bodies {
            let object = try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any]
            total += (object?["batch"] as? [Any])?.count ?? 0
            #expect(object?["sentAt"] is String)
        }
        #expect(total == 1_250)
        #expect(run.stderr.contains("dry run: 3 requests of 1250 events"))
        #expect(!FileManager.default.fileExists(atPath: path + ".send-checkpoint.json"))
    }

    @Test("bad lines are all reported with their numbers and nothing is sent")
    func badInput() async throws {
        let directory = try temporaryFolder()
        let lines = [
            EventFixture.line(0), #"{"type":"track","userId":"u"}"#, EventFixture.line(2),
            #"{"type":"page","userId":"u""#,
        ]
        let path = directory.appendingPathComponent("bad.ndjson").path
        try (lines.joined(separator: "\n") + "\n").write(
            toFile: path, atomically: true, encoding: .utf8)
        let stub = try SegmentStub(writeKey: Self.key)
        defer { stub.stop() }

        let run = try await runExecutable(
            ["send", path, "--data-plane-url", "http://127.0.0.1:\(stub.port)"],
            environment: ["SEGMENT_WRITE_KEY": Self.key], directory: directory)
        #expect(run.status == 65)
        #expect(run.stderr.contains("bad.ndjson:2:1: error: a track message needs \"event\""))
        #expect(run.stderr.contains("bad.ndjson:4:"))
        #expect(try await stub.stats().requests == 0)

        let missing = try await runExecutable(
            ["send", "nope.ndjson"], environment: ["SEGMENT_WRITE_KEY": Self.key],
            directory: directory)
        #expect(missing.status == 66)
        let plain = try await runExecutable(
            ["send", path, "--data-plane-url", "http://api.segment.io"],
            environment: ["SEGMENT_WRITE_KEY": Self.key], directory: directory)
        #expect(plain.status == 64)
    }

    @Test("a shipped scenario is compiled and sent; every event of its golden file arrives")
    func scenario() async throws {
        let directory = try temporaryFolder()
        let scenario = repositoryRoot.appendingPathComponent("Scenarios/storefront.yaml").path
        let golden = try String(
            contentsOf: repositoryRoot.appendingPathComponent("Scenarios/storefront.ndjson"),
            encoding: .utf8
        ).split(separator: "\n")
        let stub = try SegmentStub(writeKey: Self.key, ["--record"])
        defer { stub.stop() }

        let run = try await runExecutable(
            [
                "send", scenario, "--data-plane-url", "http://127.0.0.1:\(stub.port)",
                "--checkpoint", directory.appendingPathComponent("c.json").path,
            ],
            environment: ["SEGMENT_WRITE_KEY": Self.key], directory: directory)
        #expect(run.status == 0)
        let salt = try #require(runID(in: run.stderr))
        let received = try await stub.messageTexts()
        #expect(received.count == golden.count)
        // Each message arrives byte for byte as generated, apart from its salted messageId.
        let expected = try golden.map { line -> String in
            let object = try #require(
                try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            let id = try #require(object["messageId"] as? String)
            return line.replacingOccurrences(of: "\"\(id)\"", with: "\"\(id)-\(salt)\"")
        }
        // Batches in flight together may arrive in any order.
        let unmatched = Set(expected).subtracting(received)
        #expect(unmatched.isEmpty, "\(unmatched.count) messages did not arrive as generated")
    }
}
