import Foundation
import MockCDP
import Testing

@testable import MockCDPCLI

@Suite("Shards and merge")
struct ShardMergeTests {
    @Test(
        "the merge of four shards is byte for byte the whole run",
        arguments: [
            "storefront", "sale-day", "returning-customers", "spring-launch", "app-and-web",
        ])
    func shardsMergeToWholeRun(name: String) throws {
        let scenario = repositoryRoot.appendingPathComponent("Scenarios/\(name).yaml").path
        let golden = try Data(
            contentsOf: repositoryRoot.appendingPathComponent("Scenarios/\(name).ndjson"))
        let folder = try temporaryFolder()
        var parts: [String] = []
        var lineCounts: [Int] = []
        for index in 0..<4 {
            let part = folder.appendingPathComponent("part-\(index).ndjson").path
            let run = try runTool(["generate", scenario, "--shard", "\(index)/4", "-o", part])
            #expect(run.status == 0, "\(run.errors)")
            parts.append(part)
            lineCounts.append(
                try String(contentsOfFile: part, encoding: .utf8).split(separator: "\n").count)
        }
        // Every shard has some of the users, and no line is lost or repeated.
        #expect(lineCounts.allSatisfy { $0 > 0 })
        let goldenLines = String(decoding: golden, as: UTF8.self).split(separator: "\n").count
        #expect(lineCounts.reduce(0, +) == goldenLines)

        let merged = folder.appendingPathComponent("merged.ndjson").path
        let run = try runTool(["merge"] + parts + ["-o", merged])
        #expect(run.status == 0, "\(run.errors)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: merged)) == golden)

        let printed = try runTool(["merge"] + parts.reversed())
        #expect(Data(printed.output.utf8) == golden)
    }

    @Test("a shard holds exactly the users whose index mod N is its index")
    func shardHoldsItsUsers() throws {
        let whole = try plan(storefront(users: 60))
        var expected: [String] = []
        var timeline = Timeline(plan: whole, includesUser: { $0 % 3 == 1 })
        while let event = timeline.next() { expected.append(event.messageId) }
        let scenario = try writeScenario(storefront(users: 60))
        let run = try runTool(["generate", scenario, "--shard", "1/3"])
        let ids = try run.output.split(separator: "\n").map { line in
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8))
            return try #require((object as? [String: Any])?["messageId"] as? String)
        }
        #expect(!ids.isEmpty)
        #expect(ids == expected)
    }

    @Test("--shards takes the index from JOB_COMPLETION_INDEX")
    func indexFromEnvironment() throws {
        let shard = try Shard.parse(
            shard: nil, shards: "8", environment: ["JOB_COMPLETION_INDEX": "5"])
        #expect(shard == Shard(index: 5, count: 8))
        #expect(
            try Shard.parse(shard: "0/1", shards: nil, environment: [:])
                == Shard(index: 0, count: 1))
        #expect(try Shard.parse(shard: nil, shards: nil, environment: [:]) == nil)
        #expect(throws: UsageError.self) {
            try Shard.parse(shard: nil, shards: "8", environment: [:])
        }
        #expect(throws: UsageError.self) {
            try Shard.parse(shard: nil, shards: "8", environment: ["JOB_COMPLETION_INDEX": "8"])
        }
    }

    @Test(
        "bad shard options are usage errors",
        arguments: [
            ["--shard", "4/4"], ["--shard", "1"], ["--shard", "a/b"], ["--shard", "0/0"],
            ["--shard", "-1/4"], ["--shard", "0/2", "--shards", "2"],
        ])
    func badShardOptions(options: [String]) throws {
        let scenario = try writeScenario(storefront(users: 5))
        let run = try runTool(["generate", scenario] + options)
        #expect(run.status == 64)
        #expect(run.errors.contains("shard"))
        #expect(run.output.isEmpty)
    }

    @Test("merge names a missing file")
    func missingFile() throws {
        let missing = try temporaryFolder().appendingPathComponent("nope.ndjson").path
        let run = try runTool(["merge", missing])
        #expect(run.status == 66)
        #expect(run.errors.contains("\(missing): no such file"))
    }

    @Test(
        "merge names the file and line of a bad line",
        arguments: [
            ("not json", ":2: not JSON"),
            ("{\"timestamp\":\"2026-03-10T04:00:00.000Z\",\"messageId\":\"b\"", ":2: not JSON"),
            ("[1,2]", ":2: not JSON"),
            (
                "{\"timestamp\":\"2026-03-10T04:00:00.000Z\",\"messageId\":\"b\",}",
                ":2: not JSON: expected a quoted key (column 57)"
            ),
            ("{\"messageId\":\"b\"}", ":2: the message has no \"timestamp\""),
            (
                "{\"timestamp\":\"2026-03-10T05:00:00.000Z\"}",
                ":2: the message has no \"messageId\""
            ),
            (
                "{\"timestamp\":\"yesterday\",\"messageId\":\"b\"}",
                ":2: \"timestamp\" is \"yesterday\""
            ),
            (
                "{\"timestamp\":\"2026-03-10T03:00:00.000Z\",\"messageId\":\"b\"}",
                ":2: out of order"
            ),
            (
                "{\"timestamp\":\"2026-03-10T04:00:00.000Z\",\"messageId\":\"a\"}",
                ":2: out of order"
            ),
            ("", ":2: not JSON: the line is empty"),
        ])
    func badLine(line: String, message: String) throws {
        let folder = try temporaryFolder()
        let good = folder.appendingPathComponent("good.ndjson").path
        let bad = folder.appendingPathComponent("bad.ndjson").path
        let first = "{\"timestamp\":\"2026-03-10T04:00:00.000Z\",\"messageId\":\"b\"}"
        try "\(first)\n".write(toFile: good, atomically: true, encoding: .utf8)
        try "\(first)\n\(line)\n\(first)\n".write(toFile: bad, atomically: true, encoding: .utf8)
        let output = folder.appendingPathComponent("merged.ndjson").path
        let run = try runTool(["merge", good, bad, "-o", output])
        #expect(run.status == 65)
        #expect(run.errors.contains(bad + message), "\(run.errors)")
        // A failed merge leaves no partial output behind.
        #expect(!FileManager.default.fileExists(atPath: output))
    }

    @Test("merge orders equal timestamps by messageId and accepts any JSON values")
    func tiesAndValues() throws {
        let folder = try temporaryFolder()
        let first = folder.appendingPathComponent("a.ndjson").path
        let second = folder.appendingPathComponent("b.ndjson").path
        let lines = [
            #"{"timestamp":"2026-03-10T04:00:00.000Z","messageId":"a","p":[1,-2.5e3,true,null]}"#,
            #"{"messageId":"b","x":{"s":"q\"\\\u00e9"},"timestamp":"2026-03-10T04:00:00.000Z"}"#,
            #"{ "timestamp" : "2026-03-10T04:00:00.001Z" , "messageId" : "a" }"#,
        ]
        try "\(lines[1])\n".write(toFile: first, atomically: true, encoding: .utf8)
        try "\(lines[0])\n\(lines[2])".write(toFile: second, atomically: true, encoding: .utf8)
        let run = try runTool(["merge", first, second])
        #expect(run.status == 0, "\(run.errors)")
        #expect(run.output == lines.joined(separator: "\n") + "\n")
    }

    @Test("merge needs at least one file")
    func noFiles() throws {
        let run = try runTool(["merge"])
        #expect(run.status == 64)
        #expect(run.errors.contains("no files to merge"))
    }

    @Test("a file given twice is refused, since its messages would be written twice")
    func sameFileTwice() throws {
        let path = try writeScenario(
            #"{"timestamp":"2026-03-10T04:00:00.000Z","messageId":"a"}"# + "\n", name: "part.ndjson"
        )
        let run = try runTool(["merge", path, path])
        #expect(run.status == 64)
        #expect(run.errors.contains("'\(path)' is given twice"))
    }
}

@Suite("JSON writing")
struct JSONWritingTests {
    @Test("strings are escaped wherever the characters fall")
    func escaping() throws {
        let samples = [
            "", "a", "plain text longer than eight bytes", "say \"hi\"", "back\\slash",
            "0123456789abcdef\"", "tab\there\nnewline\r\u{1}\u{1F}", "Crème brûlée 20°F ✓",
            String(repeating: "x", count: 23) + "\\" + String(repeating: "y", count: 9),
        ]
        for sample in samples {
            var writer = JSONWriter()
            writer.string(sample)
            let decoded = try JSONSerialization.jsonObject(
                with: Data(writer.bytes), options: .fragmentsAllowed)
            #expect(decoded as? String == sample)
        }
        var writer = JSONWriter()
        writer.string("a\"b\\c\n\u{1}/")
        #expect(String(decoding: writer.bytes, as: UTF8.self) == #""a\"b\\c\n\u0001/""#)
    }
}
