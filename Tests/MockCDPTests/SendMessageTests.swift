import Foundation
import Testing

@testable import MockCDP

@Suite("send: reading, checking and salting messages")
struct SendMessageTests {
    private func check(_ text: String) throws(MessageProblem) -> CheckedMessage {
        try SegmentMessageRules.check(Array(text.utf8))
    }

    private func problem(_ text: String) -> MessageProblem? {
        do {
            _ = try check(text)
            return nil
        } catch {
            return error
        }
    }

    @Test("whitespace is dropped, everything else is kept byte for byte")
    func compacts() throws {
        let line =
            #"{ "type" : "track", "event":"Añadido \"x\"", "userId": "u1","n":1.50e3 ,"#
            + #" "a": [ 1, {"b": null} ], "s":"a b\u00e9" }"#
        let checked = try check(line)
        #expect(
            String(decoding: checked.compact, as: UTF8.self)
                == #"{"type":"track","event":"Añadido \"x\"","userId":"u1","n":1.50e3,"#
                + #""a":[1,{"b":null}],"s":"a b\u00e9"}"#)
    }

    @Test("malformed JSON is reported with the column where reading stopped")
    func malformed() {
        #expect(problem(#"{"type":"track","userId":"u","event":"E",}"#)?.column == 42)
        #expect(problem(#"["type"]"#)?.message == "invalid JSON: a message must be a JSON object")
        #expect(problem(#"{"type":"track" "userId":"u"}"#) != nil)
        #expect(problem(#"{"type":"track","userId":"u","event":"E"} x"#) != nil)
        #expect(problem(#"{"n":01,"type":"page","userId":"u"}"#) != nil)
        #expect(problem("{\"type\":\"page\",\"userId\":\"u\u{1}\"}") != nil)
        #expect(problem(String(repeating: "[", count: 300)) != nil)
    }

    @Test("a string's quotes, escapes, control bytes and UTF-8 are found wherever they fall")
    func stringBytesAtEveryOffset() {
        func result(_ bytes: [UInt8]) -> Result<CheckedMessage, MessageProblem> {
            Result { () throws(MessageProblem) in try SegmentMessageRules.check(bytes) }
        }
        let head = Array(#"{"type":"page","userId":"u","name":""#.utf8)
        let tail = Array(#"abcdefghijklmnop"}"#.utf8)
        // Long runs of plain text are read eight bytes at a time, so each case is tried at
        // every offset within and across such words.
        for offset in 0..<20 {
            let text = Array(repeating: UInt8(ascii: "x"), count: offset)
            let column = head.count + offset + 1
            let cases: [([UInt8], String?)] = [
                ([0x01], "control character"),
                ([0x7F], nil),
                ([0xC3, 0xA9], nil),
                ([0xE2, 0x82, 0xAC], nil),
                ([0xFF], "invalid UTF-8"),
                ([0xC3, 0x41], "invalid UTF-8"),
                (Array(#"\""#.utf8), nil),
                (Array(#"\\"#.utf8), nil),
                (Array(#"\u00e9"#.utf8), nil),
                (Array(#"\q"#.utf8), "unknown escape"),
            ]
            for (bytes, reason) in cases {
                switch result(head + text + bytes + tail) {
                case .success(let checked):
                    #expect(reason == nil, "offset \(offset), \(bytes)")
                    #expect(checked.compact == head + text + bytes + tail)
                case .failure(let problem):
                    #expect(problem.message.hasPrefix("invalid JSON: " + (reason ?? "none")))
                    #expect(problem.column == column, "offset \(offset), \(bytes)")
                }
            }
            // A quote in the text ends the string there; the rest is not JSON.
            guard case .failure(let problem) = result(head + text + [0x22] + tail) else {
                Issue.record("accepted a stray quote at offset \(offset)")
                continue
            }
            #expect(problem.column == column + 1)
        }
    }

    @Test("invalid UTF-8 is refused")
    func invalidUTF8() {
        var bytes = Array(#"{"type":"page","userId":"u","name":"x"}"#.utf8)
        bytes[36] = 0xC3
        let result = Result { () throws(MessageProblem) in try SegmentMessageRules.check(bytes) }
        guard case .failure(let error) = result else {
            Issue.record("accepted invalid UTF-8")
            return
        }
        #expect(error.message == "invalid JSON: invalid UTF-8")
    }

    @Test("Segment's required fields are checked")
    func rules() {
        #expect(
            problem(#"{"type":"track","event":"E"}"#)?.message
                == "a message needs a userId or an anonymousId")
        #expect(problem(#"{"type":"track","userId":""}"#) != nil)
        #expect(
            problem(#"{"type":"track","userId":"u"}"#)?.message
                == #"a track message needs "event""#)
        #expect(problem(#"{"type":"group","userId":"u"}"#) != nil)
        #expect(problem(#"{"type":"alias","userId":"u"}"#) != nil)
        #expect(
            problem(#"{"type":"purchase","userId":"u"}"#)?.message.hasPrefix("unknown type")
                == true)
        #expect(problem(#"{"type":"page","userId":"u","timestamp":"yesterday"}"#) != nil)
        #expect(problem(#"{"type":"page","userId":"u","messageId":7}"#) != nil)
        #expect(
            problem(#"{"type":"page","userId":"u","userId":"v"}"#)?.message
                == #"duplicate key "userId""#)
        #expect(problem(#"{"type":"page","anonymousId":"a","userId":null}"#) == nil)
        #expect(problem(#"{"type":"identify","userId":42}"#) == nil)
    }

    @Test("messageIds are salted deterministically and stay within 100 characters")
    func salting() throws {
        let salt = MessageIDSalt(runID: RunID("abc123xyz0")!)
        let preparer = MessagePreparer(salt: salt, timeShift: nil)
        let line = MessageLine(
            number: 7, bytes: Array(#"{"messageId":"m-1","type":"page","userId":"u"}"#.utf8))
        let first = try preparer.prepare(line)
        let again = try preparer.prepare(line)
        #expect(first.messageID == "m-1-abc123xyz0")
        #expect(first.bytes == again.bytes)
        #expect(
            String(decoding: first.bytes, as: UTF8.self)
                == #"{"messageId":"m-1-abc123xyz0","type":"page","userId":"u"}"#)

        let long = String(repeating: "x", count: 95)
        #expect(salt.salted(long).count <= 100)
        #expect(salt.salted(long) == salt.salted(long))
        #expect(salt.salted(long) != salt.salted(long + "y"))
        #expect(salt.salted(long).hasSuffix("-abc123xyz0"))

        let anonymous = MessageLine(number: 12, bytes: Array(#"{"type":"page","userId":"u"}"#.utf8))
        let derived = try preparer.prepare(anonymous)
        #expect(derived.messageID == "mockcdp-line-12-abc123xyz0")
        #expect(
            String(decoding: derived.bytes, as: UTF8.self)
                == #"{"messageId":"mockcdp-line-12-abc123xyz0","type":"page","userId":"u"}"#)
    }

    @Test("a different run salts differently")
    func runsDiffer() {
        let first = MessageIDSalt(runID: .random())
        let second = MessageIDSalt(runID: .random())
        #expect(first.salted("evt-1") != second.salted("evt-1"))
        #expect(RunID("UPPER") == nil)
        #expect(RunID("ab") == nil)
    }

    @Test("rebasing moves timestamp and originalTimestamp by the same amount")
    func rebasing() throws {
        let preparer = MessagePreparer(
            salt: MessageIDSalt(runID: RunID("run0")!), timeShift: 86_400_000 + 500)
        let line = MessageLine(
            number: 1,
            bytes: Array(
                (#"{"type":"page","userId":"u","timestamp":"2024-05-01T14:00:04.756+02:00","#
                    + #""originalTimestamp":"2024-05-01T12:00:04Z","messageId":"a"}"#).utf8))
        let prepared = try preparer.prepare(line)
        #expect(
            String(decoding: prepared.bytes, as: UTF8.self)
                == #"{"type":"page","userId":"u","timestamp":"2024-05-02T12:00:05.256Z","#
                + #""originalTimestamp":"2024-05-02T12:00:04.500Z","messageId":"a-run0"}"#)
        #expect(prepared.eventTime?.iso8601 == "2024-05-01T12:00:04.756Z")
    }

    @Test("ISO-8601 times are read with any offset and written in UTC with milliseconds")
    func eventTimes() {
        #expect(EventTime(iso8601: "1970-01-01T00:00:00Z")?.millisecondsSinceEpoch == 0)
        #expect(
            EventTime(iso8601: "2024-02-29T23:59:59.9999-01:30")?.iso8601
                == "2024-03-01T01:29:59.999Z")
        #expect(EventTime(iso8601: "1969-12-31T23:59:59.001Z")?.millisecondsSinceEpoch == -999)
        #expect(
            EventTime(iso8601: "1969-12-31T23:59:59.001Z")?.iso8601
                == "1969-12-31T23:59:59.001Z")
        #expect(EventTime(iso8601: "2024-05-01 12:00:00+0000") != nil)
        #expect(EventTime(iso8601: "2023-02-29T00:00:00Z") == nil)
        #expect(EventTime(iso8601: "2024-05-01T12:00:00") == nil)
        #expect(EventTime(iso8601: "2024-05-01T12:00:00Zjunk") == nil)
        for milliseconds in stride(
            from: Int64(-10_000_000_000_000), to: 10_000_000_000_000,
            by: 977_777_777_777)
        {
            let time = EventTime(millisecondsSinceEpoch: milliseconds)
            #expect(EventTime(iso8601: time.iso8601) == time)
        }
    }

    @Test("a digest matches SHA-256")
    func digest() {
        #expect(
            SHA256.hex(Array("abc".utf8))
                == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hex([UInt8](repeating: 0x61, count: 1000)).hasPrefix("41edece42d63e8d9"))
    }

    @Test("NDJSON files are checked whole; every bad line is reported with its number")
    func fileValidation() throws {
        let directory = try temporaryFolder()
        let url = directory.appendingPathComponent("mixed.ndjson")
        let text =
            [
                #"{"type":"page","userId":"u","messageId":"1"}"#,
                "",
                #"{"type":"track","userId":"u"}"#,
                #"{"type":"page","userId":"u"}"# + "\r",
                #"{"type":"page""#,
            ].joined(separator: "\n") + "\n"
        try text.write(to: url, atomically: true, encoding: .utf8)
        let file = try NDJSONFile(path: url.path)
        let validation = file.validate()
        #expect(validation.messageCount == 2)
        #expect(validation.problems.map(\.location?.line) == [3, 5])
        #expect(file.lines.map(\.number) == [1, 3, 4, 5])
        #expect(
            file.lines.map(\.bytes.last) == Array(repeating: UInt8(ascii: "}"), count: 3) + [
                UInt8(ascii: "\"")
            ])
    }

    @Test("a file of several megabytes, checked in parts, reports the lines of the whole file")
    func largeFileValidation() throws {
        let directory = try temporaryFolder()
        let url = directory.appendingPathComponent("large.ndjson")
        let count = 30_000
        let bad: Set<Int> = [3, 14_999, 15_000, 15_001, 29_999]
        let blank: Set<Int> = [2, 20_000]
        var text = ""
        for number in 1...count {
            if blank.contains(number) {
                text += "\r\n"
            } else if bad.contains(number) {
                text += #"{"type":"track","userId":"u","note":"line \#(number)"}"# + "\n"
            } else {
                text += EventFixture.line(number) + "\n"
            }
        }
        try text.write(to: url, atomically: true, encoding: .utf8)
        #expect(text.utf8.count > 4_000_000)

        let file = try NDJSONFile(path: url.path)
        let validation = file.validate(countingFrom: 15_000, maximumProblems: 4)
        #expect(validation.problemCount == bad.count)
        #expect(validation.problems.map(\.location?.line) == [3, 14_999, 15_000, 15_001])
        #expect(validation.problems.allSatisfy { $0.message.contains("\"event\"") })
        #expect(validation.messageCount == count - 15_000 + 1 - 3 - 1)
    }
}
