import Testing

@testable import MockCDP

@Suite("Reading NDJSON lines: members, compact form and positions")
struct JSONObjectScannerTests {
    private func scan(_ bytes: [UInt8]) -> Result<JSONObjectScanner.Result, JSONScanError> {
        Result { () throws(JSONScanError) in try JSONObjectScanner.scan(bytes) }
    }

    private func scan(_ text: String) -> Result<JSONObjectScanner.Result, JSONScanError> {
        scan(Array(text.utf8))
    }

    /// The value of the member with `key`, as written in the compact line.
    private func value(_ key: StaticString, in text: String) -> String? {
        guard case .success(let scanned) = scan(text), let member = scanned.member(key) else {
            return nil
        }
        return String(decoding: scanned.compact[member.valueRange], as: UTF8.self)
    }

    private func problem(_ text: String) -> MessageProblem? {
        do {
            _ = try SegmentMessageRules.check(Array(text.utf8))
            return nil
        } catch {
            return error
        }
    }

    @Test("keys written with escapes are found like any other key")
    func escapedKeys() throws {
        #expect(value("type", in: #"{"t\u0079pe":"page","userId":"u"}"#) == #""page""#)
        #expect(value("userId", in: #"{"type":"page","\u0075serId":"u"}"#) == #""u""#)
        #expect(value("type", in: #"{"typ":"a","types":"b","type":"c"}"#) == #""c""#)
        #expect(value("type", in: #"{"Type":"page"}"#) == nil)

        let checked = try SegmentMessageRules.check(
            Array(#"{"\u0074ype":"tr\u0061ck","userId":"u","\u0065vent":"E"}"#.utf8))
        #expect(checked.type.description == "track")
        #expect(
            problem(#"{"type":"tr\u0061ck","userId":"u"}"#)?.message
                == #"a track message needs "event""#)
        #expect(
            problem(#"{"type":"page","userId":"u","\u0075serId":"v"}"#)?.message
                == #"duplicate key "userId""#)
        #expect(
            problem(#"{"type":"Page","userId":"u"}"#)?.message
                == #"unknown type "Page"; expected one of alias, group, identify, page, "#
                + "screen, track")
    }

    @Test("keys that are not ASCII are read, and only their own members match them")
    func nonASCIIKeys() {
        let line = #"{"naïve":1,"type":"page","ключ":"v","userId":"u"}"#
        #expect(value("ключ", in: line) == #""v""#)
        #expect(value("naïve", in: line) == "1")
        #expect(problem(line) == nil)
    }

    @Test("stats and merge find the fields they need under escaped keys")
    func escapedKeysInStatsAndMerge() throws {
        var stats = EventStats()
        try stats.add(
            line: Array(#"{"\u0074ype":"track","ev\u0065nt":"Añadido","anonymousId":"a"}"#.utf8),
            number: 1)
        #expect(stats.counts[EventStats.Name(type: "track", name: "Añadido")] == 1)
        #expect(stats.perUser["a"] == 1)

        let line = try KeyedLine(
            Array(#"{"messageId":"m-1","time\u0073tamp":"2026-03-10T04:00:00.000Z"}"#.utf8))
        #expect(line.timestampText == "2026-03-10T04:00:00.000Z")
    }

    @Test("invalid UTF-8 in a key is refused at its first byte")
    func invalidUTF8InKeys() {
        var bytes = Array(#"{"type":"page","kx":1}"#.utf8)
        bytes[17] = 0xFF
        guard case .failure(let error) = scan(bytes) else {
            Issue.record("accepted invalid UTF-8 in a key")
            return
        }
        #expect(error == JSONScanError(offset: 17, reason: "invalid UTF-8"))
    }

    @Test("whitespace between tokens is dropped and the members point into the compact line")
    func whitespace() throws {
        let line = " {\t\"type\" : \"page\" ,\"s\": \"a \\\" b\" , \"n\" :[ 1 , {} ] } \r"
        let scanned = try scan(line).get()
        #expect(
            String(decoding: scanned.compact, as: UTF8.self)
                == #"{"type":"page","s":"a \" b","n":[1,{}]}"#)
        #expect(value("s", in: line) == #""a \" b""#)
        #expect(value("n", in: line) == "[1,{}]")
        #expect(scanned.members.map(\.kind) == [.string, .string, .array])
    }

    @Test("a compact line is kept as it is")
    func compactLine() throws {
        let line = #"{"type":"page","userId":"u","properties":{"type":"nested"}}"#
        let scanned = try scan(line).get()
        #expect(scanned.compact == Array(line.utf8))
        #expect(scanned.members.count == 3)
        #expect(value("type", in: line) == #""page""#)
    }

    @Test("empty and blank lines are refused where they end")
    func emptyLines() {
        #expect(scan("").failure == JSONScanError(offset: 0, reason: "the line is empty"))
        #expect(scan("  \t").failure == JSONScanError(offset: 3, reason: "the line is empty"))
        #expect(
            scan(" [1]").failure
                == JSONScanError(offset: 1, reason: "a message must be a JSON object"))
    }

    @Test("lines of every length up to 40 bytes, around the eight-byte steps, read alike")
    func everyLength() {
        // `{"a":"` and `"}` around text of each length: lines of 8, 16, 24... bytes included.
        for length in 0...32 {
            let text = String(repeating: "x", count: length)
            let line = #"{"a":""# + text + #""}"#
            #expect(value("a", in: line) == "\"\(text)\"", "length \(line.utf8.count)")

            // The same string cut before its closing quote ends at the end of the line.
            let cut = #"{"a":""# + text
            #expect(
                scan(cut).failure
                    == JSONScanError(offset: cut.utf8.count, reason: "unterminated string"),
                "length \(cut.utf8.count)")
        }
    }

    @Test("the last bytes of a line are checked like any others")
    func endOfLine() {
        for padding in 0..<10 {
            let head = #"{"a":""# + String(repeating: "x", count: padding)
            let control = Array(head.utf8) + [0x01] + Array(#""}"#.utf8)
            #expect(
                scan(control).failure
                    == JSONScanError(
                        offset: head.utf8.count, reason: "control character in a string; escape it")
            )
            let cutSequence = Array(head.utf8) + [0xE2, 0x82]
            #expect(
                scan(cutSequence).failure
                    == JSONScanError(offset: head.utf8.count, reason: "invalid UTF-8"))
            let cutEscape = Array(head.utf8) + Array(#"\u00"#.utf8)
            #expect(
                scan(cutEscape).failure
                    == JSONScanError(offset: head.utf8.count, reason: "malformed \\u escape"))
            #expect(value("a", in: head + "é\"}") == head.dropFirst(5) + "é\"")
        }
    }

    @Test("a message with many members keeps them all, in order")
    func manyMembers() throws {
        let keys = (0..<40).map { "k\($0)" }
        let line = "{" + keys.map { "\"\($0)\":\($0.count)" }.joined(separator: ",") + "}"
        let scanned = try scan(line).get()
        let found = scanned.compact.withUnsafeBufferPointer { compact in
            scanned.members.map { $0.key(in: compact) }
        }
        #expect(found == keys)
    }

    @Test("text is written as a JSON string escaping only what JSON requires")
    func stringTokens() {
        #expect(jsonStringToken("evt-1-abc123xyz0") == Array(#""evt-1-abc123xyz0""#.utf8))
        #expect(jsonStringToken("") == Array(#""""#.utf8))
        #expect(jsonStringToken("Añadido/€") == Array(#""Añadido/€""#.utf8))
        #expect(
            jsonStringToken("a\"b\\c\n\r\t\u{1}é")
                == Array(#""a\"b\\c\n\r\t\u0001é""#.utf8))
    }

    @Test("the check of a file in place reports what the check of each message reports")
    func inPlaceCheck() {
        let lines = [
            #"{"type":"page","userId":"u"}"#,
            #" { "type" : "page", "userId" : "u" } "#,
            #"{"type":"page","userId":"u","timestamp":"2024-05-01T12:00:00Z"}"#,
            #"{"type":"page","userId":"u","timestamp":"yesterday"}"#,
            #"{"type":"page","userId":"u","originalTimestamp":5}"#,
            #"{"type":"page", "userId":"u",}"#,
            #"{"type":"track","userId":"u"}"#,
            #"{"type":"page","userId":""}"#,
            "",
            "   ",
        ]
        for line in lines {
            let bytes = Array(line.utf8)
            let inPlace = bytes.withUnsafeBufferPointer { buffer in
                Result { () throws(MessageProblem) in
                    try SegmentMessageRules.check(inPlace: buffer)
                }
            }.failure
            let copied = problem(line)
            #expect(inPlace?.message == copied?.message, "\(line)")
            #expect(inPlace?.column == copied?.column, "\(line)")
        }
        #expect(problem(#"{"type":"page", "userId":"u",}"#)?.column == 30)
    }
}

extension Result {
    fileprivate var failure: Failure? {
        if case .failure(let error) = self { return error }
        return nil
    }
}
