import Foundation
import MockCDP
import Testing

/// Resuming a scenario run and ending a run with skipped messages, through the built
/// `mockcdp` executable as a user would run it.
@Suite("send: resuming scenarios and reporting skipped messages")
struct SendScenarioResumeTests {
    private static let key = "wk-resume-51d2"
    private let environment = ["SEGMENT_WRITE_KEY": Self.key]

    private func interrupt(
        _ arguments: [String], directory: URL, stub: SegmentStub
    ) async throws -> (status: Int32, stderr: String) {
        try await interruptExecutable(
            arguments, environment: environment, directory: directory, stub: stub)
    }

    @Test("an interrupted scenario resumes when named another way or edited in comments")
    func scenarioResumes() async throws {
        let directory = try temporaryFolder()
        let yaml = storefront(users: 600)
        let count = events(try plan(yaml)).count
        let path = directory.appendingPathComponent("sc.yaml").path
        try yaml.write(toFile: path, atomically: true, encoding: .utf8)
        let stub = try SegmentStub(
            writeKey: Self.key, ["--pause-after", "\(count / 3)", "--record"])
        defer { stub.stop() }
        let url = "http://127.0.0.1:\(stub.port)"

        let first = try await interrupt(
            ["send", "sc.yaml", "--data-plane-url", url, "--batch-size", "100"],
            directory: directory, stub: stub)
        #expect(first.status == 130)
        let checkpoint = try CheckpointStore(path: path + ".send-checkpoint.json").load()
        #expect(checkpoint.resumeLine > 1)
        #expect(checkpoint.resumeLine < count)
        #expect(first.stderr.contains("run id \(checkpoint.runID.value)"))

        // The absolute path from another directory: a dry run shows the resume is accepted.
        let elsewhere = try await runExecutable(
            ["send", path, "--data-plane-url", url, "--resume", "--dry-run"],
            environment: environment, directory: try temporaryFolder())
        #expect(elsewhere.status == 0, "\(elsewhere.stderr)")
        #expect(elsewhere.stderr.contains("resuming run \(checkpoint.runID.value)"))

        // A comment moves every step's source line but changes no event.
        try ("# tried on the staging workspace\n" + yaml).write(
            toFile: path, atomically: true, encoding: .utf8)
        let resumed = try await runExecutable(
            ["send", "./sc.yaml", "--data-plane-url", url, "--batch-size", "100", "--resume"],
            environment: environment, directory: directory)
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(resumed.stderr.contains("resuming run \(checkpoint.runID.value)"))

        let stats = try await stub.stats()
        let ids = try await stub.messages().compactMap { $0["messageId"] as? String }
        #expect(Set(ids).count == count)
        #expect(stats.uniqueMessageIds == count)
        #expect(stats.conflictingDuplicates == 0)
    }

    @Test("a resume whose scenario sends other events is refused, saying what differs")
    func otherEventsRefused() async throws {
        let directory = try temporaryFolder()
        let yaml = storefront(users: 600)
        let count = events(try plan(yaml)).count
        let path = directory.appendingPathComponent("sc.yaml").path
        try yaml.write(toFile: path, atomically: true, encoding: .utf8)
        let stub = try SegmentStub(writeKey: Self.key, ["--pause-after", "\(count / 3)"])
        defer { stub.stop() }
        let url = "http://127.0.0.1:\(stub.port)"
        let arguments = ["send", path, "--data-plane-url", url, "--batch-size", "100"]
        #expect(try await interrupt(arguments, directory: directory, stub: stub).status == 130)
        let received = try await stub.stats().uniqueMessageIds
        let checkpointPath = path + ".send-checkpoint.json"
        let head = "mockcdp send: the checkpoint \(checkpointPath) was written for other input "

        let otherSeed = try await runExecutable(
            arguments + ["--seed", "8", "--resume"], environment: environment,
            directory: directory)
        #expect(otherSeed.status == 65)
        #expect(
            otherSeed.stderr
                == head + "than scenario \(path) (seed 8): the seed differs (7 then, 8 now); "
                + "to resume, give the input and settings of that run (scenario \(path) "
                + "(seed 7)); to start a new run that sends every event again under new ids, "
                + "delete the checkpoint or pass --checkpoint with another path\n")

        try storefront(users: 600, cartRate: "35%").write(
            toFile: path, atomically: true, encoding: .utf8)
        let otherRate = try await runExecutable(
            arguments + ["--resume"], environment: environment, directory: directory)
        #expect(otherRate.status == 65)
        #expect(otherRate.stderr.hasPrefix(head))
        #expect(otherRate.stderr.contains("the scenario now compiles to other events"))

        #expect(try await stub.stats().uniqueMessageIds == received)
        let kept = try CheckpointStore(path: checkpointPath).load()
        #expect(kept.input.seed == 7)
    }

    @Test("a run that skipped oversized messages exits 65 and keeps its checkpoint")
    func skippedMessagesFailTheRun() async throws {
        let directory = try temporaryFolder()
        var lines = (0..<300).map { EventFixture.line($0) }
        lines[40] = EventFixture.line(40, note: String(repeating: "a", count: 40_000))
        lines[250] = EventFixture.line(250, note: String(repeating: "€", count: 11_000))
        let path = directory.appendingPathComponent("events.ndjson").path
        try (lines.joined(separator: "\n") + "\n").write(
            toFile: path, atomically: true, encoding: .utf8)
        let stub = try SegmentStub(writeKey: Self.key, ["--record"])
        defer { stub.stop() }
        let arguments = [
            "send", path, "--data-plane-url", "http://127.0.0.1:\(stub.port)", "--batch-size",
            "50",
        ]

        let run = try await runExecutable(arguments, environment: environment, directory: directory)
        #expect(run.status == 65)
        #expect(run.stderr.contains("line 41: skipped message evt-40-"))
        #expect(run.stderr.contains("line 251: skipped message evt-250-"))
        #expect(run.stderr.contains("sent 298 events in "))
        #expect(run.stderr.contains(" · skipped 2 · "))
        #expect(
            run.stderr.contains(
                "2 events were not sent: each is over Segment's limit of 32768 bytes per "
                    + "message (lines named above); the run is not complete\n"))
        #expect(try await stub.stats().uniqueMessageIds == 298)

        // Running it again, as a retrying CI job would, sends nothing under new ids.
        let again = try await runExecutable(
            arguments, environment: environment, directory: directory)
        #expect(again.status == 64)
        #expect(try await stub.stats().uniqueMessageIds == 298)
    }

    @Test("a run resumed after a skip still ends with 65, and nothing is sent twice")
    func skipBeforeInterruption() async throws {
        let directory = try temporaryFolder()
        let count = 3_000
        var lines = (0..<count).map { EventFixture.line($0) }
        lines[10] = EventFixture.line(10, note: String(repeating: "a", count: 40_000))
        let path = directory.appendingPathComponent("events.ndjson").path
        try (lines.joined(separator: "\n") + "\n").write(
            toFile: path, atomically: true, encoding: .utf8)
        let stub = try SegmentStub(writeKey: Self.key, ["--pause-after", "1000", "--record"])
        defer { stub.stop() }
        let arguments = [
            "send", path, "--data-plane-url", "http://127.0.0.1:\(stub.port)", "--batch-size",
            "100",
        ]

        let first = try await interrupt(arguments, directory: directory, stub: stub)
        #expect(first.status == 130)
        #expect(first.stderr.contains("line 11: skipped message evt-10-"))

        let resumed = try await runExecutable(
            arguments + ["--resume"], environment: environment, directory: directory)
        #expect(resumed.status == 65)
        #expect(resumed.stderr.contains("1 event was not sent: each is over Segment's limit"))
        #expect(try await stub.stats().uniqueMessageIds == count - 1)
        #expect(FileManager.default.fileExists(atPath: path + ".send-checkpoint.json"))
    }
}
