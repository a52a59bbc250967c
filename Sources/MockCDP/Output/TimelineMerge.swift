import Foundation

/// A problem with one line of a merge input: it names the file and the line.
public struct MergeInputError: Error, CustomStringConvertible {
    public var file: String
    /// 1-based; 0 when the problem is with the file as a whole.
    public var line: Int
    public var message: String
    public var hint: String?

    public var description: String {
        (line > 0 ? "\(file):\(line): " : "\(file): ") + message
    }
}

/// Merges NDJSON timelines, each in timeline order, into one timeline in that order.
///
/// Timeline order is by `timestamp`, then by `messageId` compared as bytes: the order
/// `mockcdp generate` writes, so the merge of the shards of a run is byte for byte the
/// run without shards. Every line is checked to be one JSON object with string members
/// `timestamp` (in the form `2026-03-10T04:00:00.000Z`) and `messageId`, and every input
/// to be in order. Memory holds one line per input, whatever the inputs' sizes.
public struct TimelineMerge {
    private var inputs: [Input]
    /// The current line of each input that has one, smallest first.
    private var heads = MinHeap<Head>()

    /// Opens every input and reads its first line.
    ///
    /// - Throws: ``MergeInputError`` for a file that cannot be read or a bad first line.
    public init(paths: [String]) throws(MergeInputError) {
        inputs = []
        for path in paths {
            guard let handle = FileHandle(forReadingAtPath: path) else {
                let exists = FileManager.default.fileExists(atPath: path)
                throw MergeInputError(
                    file: path, line: 0,
                    message: exists ? "cannot read the file" : "no such file",
                    hint: exists ? "check its permissions" : "check the path")
            }
            inputs.append(Input(path: path, reader: LineReader(handle: handle)))
        }
        for index in inputs.indices {
            try inputs[index].advance()
            if let line = inputs[index].current { heads.insert(Head(line: line, input: index)) }
        }
    }

    /// Hands each line of the merged timeline, without its newline, to `body` in order.
    public mutating func forEachLine(
        _ body: (ArraySlice<UInt8>) throws -> Void
    ) throws {
        while let head = heads.first {
            try body(head.line.bytes[...])
            try inputs[head.input].advance()
            if let next = inputs[head.input].current {
                heads.updateFirst { $0.line = next }
            } else {
                heads.removeFirst()
            }
        }
    }
}

/// The current line of one input, in merge order.
private struct Head: Comparable {
    var line: KeyedLine
    var input: Int

    static func < (left: Head, right: Head) -> Bool {
        if left.line.precedes(right.line) { return true }
        if right.line.precedes(left.line) { return false }
        // Equal keys: keep the inputs' order, so the merge is deterministic.
        return left.input < right.input
    }

    static func == (left: Head, right: Head) -> Bool {
        !(left < right) && !(right < left)
    }
}

/// One input of a merge: its reader, its current line and that line's place in order.
private struct Input {
    let path: String
    var reader: LineReader
    var lineNumber = 0
    var current: KeyedLine?

    init(path: String, reader: LineReader) {
        self.path = path
        self.reader = reader
    }

    /// Reads the next line, checking it and that it does not come before the previous one.
    mutating func advance() throws(MergeInputError) {
        guard let bytes = reader.next() else {
            current = nil
            return
        }
        lineNumber += 1
        let line: KeyedLine
        do {
            line = try KeyedLine(bytes)
        } catch {
            throw MergeInputError(
                file: path, line: lineNumber, message: error.message, hint: error.hint)
        }
        if let previous = current, line.precedes(previous) {
            throw MergeInputError(
                file: path, line: lineNumber,
                message: "out of order: timestamp \(line.timestampText) comes before "
                    + "\(previous.timestampText) on the line before",
                hint: "merge takes files in timeline order, as 'mockcdp generate' writes them")
        }
        current = line
    }
}

/// A line with the members that place it in the timeline.
struct KeyedLine {
    /// The line as read, which the merge writes out unchanged.
    let bytes: [UInt8]
    /// The line as compact JSON, where `timestamp` and `messageId` lie.
    let compact: [UInt8]
    let timestamp: Range<Int>
    let messageId: Range<Int>

    struct Problem: Error {
        var message: String
        var hint: String?
    }

    init(_ bytes: [UInt8]) throws(Problem) {
        self.bytes = bytes
        let scanned: JSONObjectScanner.Result
        do {
            scanned = try JSONObjectScanner.scan(bytes)
        } catch {
            throw Problem(
                message: "not JSON: \(error.reason) (column \(error.offset + 1))",
                hint: "each line must be one JSON object, as 'mockcdp generate' writes")
        }
        // Lines from 'mockcdp generate' are compact already, and then share their storage.
        compact = scanned.compact
        guard let timestamp = Self.string("timestamp", in: scanned) else {
            throw Problem(
                message: "the message has no \"timestamp\" string",
                hint: "merge takes NDJSON written by 'mockcdp generate'")
        }
        guard Self.isTimestamp(compact[timestamp]) else {
            let text = String(decoding: compact[timestamp], as: UTF8.self)
            throw Problem(
                message: "\"timestamp\" is \"\(text)\", not in the form 2026-03-10T04:00:00.000Z",
                hint: "merge takes NDJSON written by 'mockcdp generate'")
        }
        guard let messageId = Self.string("messageId", in: scanned) else {
            throw Problem(
                message: "the message has no \"messageId\" string",
                hint: "merge takes NDJSON written by 'mockcdp generate'")
        }
        self.timestamp = timestamp
        self.messageId = messageId
    }

    /// The range of a top-level string member's contents in the compact line, quotes excluded.
    private static func string(
        _ key: StaticString, in scanned: JSONObjectScanner.Result
    ) -> Range<Int>? {
        guard let member = scanned.member(key), member.kind == .string else { return nil }
        return (member.valueRange.lowerBound + 1)..<(member.valueRange.upperBound - 1)
    }

    var timestampText: String { String(decoding: compact[timestamp], as: UTF8.self) }

    /// Timeline order. Timestamps of one fixed-width form order as their bytes do.
    func precedes(_ other: KeyedLine) -> Bool {
        let ours = compact[timestamp]
        let theirs = other.compact[other.timestamp]
        if !ours.elementsEqual(theirs) { return ours.lexicographicallyPrecedes(theirs) }
        return compact[messageId].lexicographicallyPrecedes(other.compact[other.messageId])
    }

    /// `YYYY-MM-DDTHH:MM:SS.mmmZ`, the form `mockcdp generate` writes.
    private static func isTimestamp(_ text: ArraySlice<UInt8>) -> Bool {
        let pattern = Array("0000-00-00T00:00:00.000Z".utf8)
        guard text.count == pattern.count else { return false }
        return zip(text, pattern).allSatisfy { byte, shape in
            shape == UInt8(ascii: "0")
                ? (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) : byte == shape
        }
    }
}
