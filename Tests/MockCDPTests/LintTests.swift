import Foundation
import MockCDP
import Testing

@Suite("mockcdp lint")
struct LintTests {
    static let good = """
        {"type":"track","event":"Order Completed","messageId":"m-1",\
        "timestamp":"2026-03-10T14:05:00.000Z","anonymousId":"a-1","properties":{"order_id":"o-1",\
        "revenue":20,"discount":2.5,"subtotal":17.5,"tax":1.4,"shipping":4.95,"total":23.85,\
        "products":[{"product_id":"p-1","price":10,"quantity":2}]}}
        """

    /// Writes NDJSON lines to a temporary file and returns its path.
    func write(_ lines: [String]) throws -> String {
        let url = try temporaryFolder().appendingPathComponent("events.ndjson")
        try (lines.joined(separator: "\n") + "\n").write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    /// The good message with `old` replaced by `new` and its own messageId.
    func broken(_ number: Int, _ old: String, _ new: String) -> String {
        Self.good.replacingOccurrences(of: "\"m-1\"", with: "\"m-\(number)\"")
            .replacingOccurrences(of: old, with: new)
    }

    @Test("each hand-broken message is reported at its line")
    func brokenMessages() throws {
        let lines = [
            Self.good,
            broken(2, "\"anonymousId\":\"a-1\",", ""),
            broken(3, "\"price\":10", "\"price\":\"10.00\""),
            broken(4, "\"total\":23.85", "\"total\":25.85"),
            broken(
                5, "\"order_id\":\"o-1\"", "\"note\":\"\(String(repeating: "x", count: 40_000))\""),
            broken(6, "2026-03-10T14:05:00.000Z", "2026-13-10 14:05"),
            "{\"type\":\"track\",\"event\":\"Order Completed\",",
            Self.good,
            broken(9, "\"quantity\":2", "\"quantity\":1.5"),
            broken(
                10, "\"subtotal\":17.5,\"tax\":1.4,\"shipping\":4.95,\"total\":23.85",
                "\"subtotal\":18.5,\"tax\":1.4,\"shipping\":4.95,\"total\":24.85"),
            #"{"type":"group","messageId":"g-1","userId":"u-1","traits":{"name":"Acme"}}"#,
            #"{"type":"alias","messageId":"l-1","userId":"u-1"}"#,
            #"{"type":"identify","messageId":"i-1","userId":"u-1","traits":"vip"}"#,
            broken(14, "\"event\":\"Order Completed\",", ""),
            broken(15, "\"m-15\"", "\"\(String(repeating: "9", count: 101))\""),
            #"["not","an","object"]"#,
        ]
        let path = try write(lines)
        let run = try runTool(["lint", path])
        #expect(run.status == 1)
        let expected = [
            "\(path):2: error: a message needs 'userId' or 'anonymousId'",
            "\(path):3: error: products[0].price must be a number; got the string \"10.00\"",
            "\(path):4: error: total 25.85 is not subtotal 17.5 + tax 1.4 + shipping 4.95",
            "\(path):5: error: message is 40",
            "\(path):6: error: 'timestamp' is not an ISO-8601 instant: '2026-13-10 14:05'",
            "\(path):7:43: error: invalid JSON: unexpected end of line in an object",
            "\(path):8: error: duplicate messageId 'm-1' (first on line 1)",
            "\(path):9: error: products[0].quantity must be a whole number; got 1.5",
            "\(path):10: error: subtotal 18.5 is not revenue 20.0 − discount 2.5",
            "\(path):11: error: a group call needs 'groupId'",
            "\(path):12: error: an alias call needs 'previousId'",
            "\(path):13: error: 'traits' must be an object; got a string",
            "\(path):14: error: a track call needs 'event'",
            "\(path):15: error: 'messageId' has 101 characters; Segment accepts at most 100",
            "\(path):16: error: a message must be a JSON object; got a list",
        ]
        for line in expected {
            #expect(run.output.contains(line), "missing: \(line)\n\(run.output.prefix(3000))")
        }
        let errorLines = run.output.split(separator: "\n").filter { $0.contains(": error: ") }
        #expect(errorLines.count == expected.count, "\(errorLines)")
        #expect(!run.output.contains("\(path):1:"))
        #expect(run.output.hasSuffix("lint: 15 messages in 1 file: 15 errors, 0 warnings\n"))
    }

    @Test("escapes and UTF-8 are read strictly")
    func stringsAndEscapes() throws {
        let escaped = Self.good.replacingOccurrences(
            of: "\"o-1\"", with: #""o-\u00e9\"\n\ud83d\ude00 Café""#)
        #expect(try runTool(["lint", try write([escaped])]).status == 0)

        let url = try temporaryFolder().appendingPathComponent("latin1.ndjson")
        var bytes = Array(Self.good.replacingOccurrences(of: "o-1", with: "o-X").utf8)
        bytes[bytes.firstIndex(of: UInt8(ascii: "X"))!] = 0xE9
        try Data(bytes + [0x0A]).write(to: url)
        let run = try runTool(["lint", url.path])
        #expect(run.status == 65)
        #expect(run.output.contains("string is not valid UTF-8"))
    }

    @Test("a message over 32 KB is an error with its size and what becomes of it")
    func oversizedMessage() throws {
        /// The good message padded with a note to exactly `size` bytes.
        func message(_ number: Int, bytes size: Int) -> String {
            let bare = broken(number, "\"order_id\"", "\"note\":\"\",\"order_id\"")
            let padding = String(repeating: "é", count: (size - bare.utf8.count) / 2)
            let padded = bare.replacingOccurrences(
                of: "\"note\":\"\"", with: "\"note\":\"\(padding)\"")
            return padded + String(repeating: " ", count: size - padded.utf8.count)
        }
        let limit = SendConfiguration.Limits.messageBytes
        let lines = [message(1, bytes: limit), message(2, bytes: limit + 1)]
        #expect(lines.map(\.utf8.count) == [limit, limit + 1])
        let path = try write(lines)

        let run = try runTool(["lint", path])
        #expect(run.status == 1)
        #expect(
            run.output == "\(path):2: error: message is 32769 bytes; Segment accepts at most "
                + "32768 (32 KB)\n  hint: Segment drops a message over 32 KB, and mockcdp send "
                + "skips it\nlint: 2 messages in 1 file: 1 error, 0 warnings\n")
    }

    @Test("a clean file passes with exit 0")
    func cleanFile() throws {
        let run = try runTool(["lint", try write([Self.good])])
        #expect(run.status == 0)
        #expect(run.output == "lint: 1 message in 1 file: 0 errors, 0 warnings\n")
    }

    @Test("a file with no JSON line at all is not NDJSON (65); a missing file is 66")
    func notNDJSONAndMissing() throws {
        let yaml = try writeScenario("scenario: x\nversion: 1\n")
        let notNDJSON = try runTool(["lint", yaml])
        #expect(notNDJSON.status == 65)
        #expect(
            notNDJSON.output.contains("\(yaml): error: not NDJSON: none of its 2 lines is JSON"))
        let empty = try runTool(["lint", try writeScenario("", name: "empty.ndjson")])
        #expect(empty.status == 65)
        #expect(empty.output.contains("error: not NDJSON: the file holds no message"))
        let missing = try runTool(["lint", "/nonexistent/events.ndjson"])
        #expect(missing.status == 66)
        #expect(missing.errors.contains("/nonexistent/events.ndjson: error: cannot read the file"))
    }

    @Test("messageIds must be unique across all the files of a run")
    func duplicatesAcrossFiles() throws {
        let first = try write([Self.good])
        let second = try write([Self.good])
        let run = try runTool(["lint", first, second])
        #expect(run.status == 1)
        #expect(
            run.output.contains("\(second):1: error: duplicate messageId 'm-1' (first on line 1)"))
    }

    @Test("every shipped golden file passes")
    func shippedGoldens() throws {
        let folder = repositoryRoot.appendingPathComponent("Scenarios")
        let goldens = try FileManager.default.contentsOfDirectory(atPath: folder.path)
            .filter { $0.hasSuffix(".ndjson") }.sorted()
        #expect(!goldens.isEmpty)
        for golden in goldens {
            let run = try runTool(["lint", folder.appendingPathComponent(golden).path])
            #expect(run.status == 0, "\(golden):\n\(run.output.prefix(2000))")
            #expect(run.output.contains(": 0 errors, 0 warnings"), "\(golden)")
        }
    }

    @Test("a generated scenario that sends every event type passes")
    func everyEventPasses() throws {
        let url = try temporaryFolder().appendingPathComponent("every.ndjson")
        try Data(ndjson(plan(everyEventScenario))).write(to: url)
        let run = try runTool(["lint", url.path])
        #expect(run.status == 0, "\(run.output.prefix(2000))")
        #expect(run.output.contains(": 0 errors, 0 warnings"))
    }

    @Test("timestamps: ISO-8601 forms Segment accepts, and ones it does not")
    func timestamps() throws {
        func lint(_ timestamp: String) throws -> Int32 {
            let line = Self.good.replacingOccurrences(
                of: "2026-03-10T14:05:00.000Z", with: timestamp)
            return try runTool(["lint", try write([line])]).status
        }
        for valid in [
            "2026-03-10T14:05:00Z", "2026-03-10T14:05:00.123456+01:00", "2024-02-29T00:00:00-0500",
        ] {
            #expect(try lint(valid) == 0, "\(valid)")
        }
        for invalid in [
            "2026-02-29T00:00:00Z", "2026-03-10T24:00:00Z", "1741615500", "2026-03-10T14:05:00",
            "March 10, 2026",
        ] {
            #expect(try lint(invalid) == 1, "\(invalid)")
        }
    }
}
