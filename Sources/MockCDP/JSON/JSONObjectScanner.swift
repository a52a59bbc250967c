/// A top-level member of a JSON object line: where its key and its value lie in the line.
///
/// Readers of NDJSON use the members in place: the sender edits messages by splicing bytes
/// rather than by decoding and re-encoding them, so numbers, key order and escapes reach Segment
/// exactly as the input wrote them, and merge compares the bytes of two string values. Keys stay
/// bytes too: a reader looks for a few keys among many, and comparing a few bytes costs far less
/// than decoding every key into text.
struct JSONMember: Sendable {
    enum Kind: Sendable, Equatable {
        case string
        case number
        case object
        case array
        case bool
        case null
    }

    /// Byte range of the key in the compact line, quotes included.
    var keyRange: Range<Int>
    /// Whether the key is ASCII without escapes, so that the bytes between its quotes are its text.
    var keyIsPlain: Bool
    var kind: Kind
    /// Byte range of the value in the compact line, quotes included for strings.
    var valueRange: Range<Int>

    /// Whether the key reads as `name`, by the rules of Swift's `==` for text.
    @inline(__always)
    func hasKey(_ name: StaticString, in compact: UnsafeBufferPointer<UInt8>) -> Bool {
        stringToken(
            UnsafeBufferPointer(rebasing: compact[keyRange]), reads: name, isPlain: keyIsPlain)
    }

    /// The key as text.
    func key(in compact: UnsafeBufferPointer<UInt8>) -> String {
        decodedString(ArraySlice(compact[keyRange]))
    }
}

/// Whether a string token that the scanner accepted (quotes included) reads as `text`, by the
/// rules of Swift's `==` for text.
///
/// Two ASCII texts are equal exactly when their bytes are, which settles almost every token
/// without decoding it; a token with escapes or other characters is decoded and compared as
/// text, so `"\u0074ype"` reads as `type`.
///
/// - Parameter isPlain: Whether the token is ASCII without escapes, when that is known already.
@inline(__always)
func stringToken(
    _ token: UnsafeBufferPointer<UInt8>, reads text: StaticString, isPlain: Bool? = nil
) -> Bool {
    // The text between the quotes lies at 1..<token.count - 1.
    let plain =
        isPlain ?? !(1..<token.count - 1).contains { token[$0] == .backslash || token[$0] >= 0x80 }
    guard plain, text.hasPointerRepresentation, text.isASCII else {
        return decodedString(ArraySlice(token)) == text.description
    }
    let length = text.utf8CodeUnitCount
    guard token.count - 2 == length else { return false }
    for index in 0..<length where token[index + 1] != text.utf8Start[index] {
        return false
    }
    return true
}

/// Why a line is not a JSON object, with the byte offset (0-based) where reading stopped.
struct JSONScanError: Error, Sendable, Equatable {
    var offset: Int
    var reason: String
}

/// A validating, single-pass reader of one JSON object per line, shared by the commands that
/// read NDJSON without needing its whole value (send, merge, stats).
///
/// It checks the whole line (strings, escapes, UTF-8, numbers, nesting) and collects the
/// top-level members. Their ranges refer to the line's compact form, without insignificant
/// whitespace, whose byte count is the size of the JSON that will be sent. Most lines are
/// compact already and are then their own compact form, so nothing is copied; only a line with
/// whitespace between tokens is copied without it and read again. It never builds a tree: a
/// message is a few hundred bytes to 32 KB and decoding it into Foundation objects would cost
/// several times more.
struct JSONObjectScanner {
    /// Deeper nesting than this is refused, which keeps the recursive reader's stack bounded.
    static let maximumDepth = 128

    /// The scanned line: compact bytes and the top-level members found in them.
    struct Result: Sendable {
        var compact: [UInt8]
        var members: [JSONMember]

        /// The first member with this key, if any.
        func member(_ key: StaticString) -> JSONMember? {
            compact.withUnsafeBufferPointer { compact in
                members.first { $0.hasKey(key, in: compact) }
            }
        }
    }

    /// Scans one line (without its newline). A compact line is returned as its own compact
    /// form, sharing the array's storage.
    static func scan(_ line: [UInt8]) throws(JSONScanError) -> Result {
        let scanned = try line.withUnsafeBufferPointer { buffer throws(JSONScanError) in
            try scanInPlace(buffer)
        }
        return Result(compact: scanned.compacted ?? line, members: scanned.members)
    }

    /// Scans one line (without its newline) where it lies.
    ///
    /// - Returns: The top-level members, and the compact form of the line if it differs from
    ///   the line. When `compacted` is `nil` the line is compact and the ranges refer to it.
    static func scanInPlace(
        _ line: UnsafeBufferPointer<UInt8>
    ) throws(JSONScanError) -> (members: [JSONMember], compacted: [UInt8]?) {
        guard let start = line.baseAddress, !line.isEmpty else {
            throw JSONScanError(offset: 0, reason: "the line is empty")
        }
        var reader = Reader(bytes: start, count: line.count)
        try reader.readTopLevelObject()
        guard reader.skippedWhitespace else { return (reader.members, nil) }

        // In a valid line whitespace only ever separates tokens, so the line without it is
        // valid too and reading it again gives the members' ranges in the compact form.
        let compact = withoutWhitespace(line)
        let members = try compact.withUnsafeBufferPointer { compact throws(JSONScanError) in
            var again = Reader(bytes: compact.baseAddress!, count: compact.count)
            try again.readTopLevelObject()
            return again.members
        }
        return (members, compact)
    }

    /// The bytes of a valid line without the whitespace between its tokens.
    private static func withoutWhitespace(_ line: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        var compact: [UInt8] = []
        compact.reserveCapacity(line.count)
        var insideString = false
        var index = 0
        while index < line.count {
            let byte = line[index]
            index += 1
            if insideString {
                compact.append(byte)
                if byte == .backslash {
                    // The escaped byte, which may be a quote that does not end the string.
                    compact.append(line[index])
                    index += 1
                } else if byte == .quote {
                    insideString = false
                }
            } else if !isWhitespace(byte) {
                compact.append(byte)
                insideString = byte == .quote
            }
        }
        return compact
    }
}

extension UInt8 {
    fileprivate static let quote = UInt8(ascii: "\"")
    fileprivate static let backslash = UInt8(ascii: "\\")
}

/// JSON's whitespace: space, tab, line feed and carriage return.
private func isWhitespace(_ byte: UInt8) -> Bool {
    byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
}

/// Reads one line from a pointer, collecting the top-level members with ranges in the line as
/// read.
private struct Reader {
    let bytes: UnsafePointer<UInt8>
    let count: Int
    var position = 0
    var members: [JSONMember] = []
    /// Whether whitespace between tokens was passed over.
    var skippedWhitespace = false

    init(bytes: UnsafePointer<UInt8>, count: Int) {
        self.bytes = bytes
        self.count = count
    }

    mutating func readTopLevelObject() throws(JSONScanError) {
        skipWhitespace()
        guard position < count, bytes[position] == UInt8(ascii: "{") else {
            throw fail(position == count ? "the line is empty" : "a message must be a JSON object")
        }
        // Room for a typical message's members in one allocation.
        members.reserveCapacity(16)
        try readObject(depth: 1)
        skipWhitespace()
        if position < count {
            throw fail("unexpected text after the JSON object")
        }
    }

    /// Whether the byte at `position` is `byte`; false at the end of the line.
    private func next(is byte: UInt8) -> Bool {
        position < count && bytes[position] == byte
    }

    /// Whether the next token starts with `byte`, passing over any whitespace before it. The
    /// byte is looked at first, since a compact line has no whitespace to pass.
    @inline(__always)
    private mutating func nextToken(is byte: UInt8) -> Bool {
        if next(is: byte) { return true }
        skipWhitespace()
        return next(is: byte)
    }

    private func fail(_ reason: String) -> JSONScanError {
        JSONScanError(offset: position, reason: reason)
    }

    private mutating func skipWhitespace() {
        // Whitespace bytes are all at most a space, so one comparison settles the usual case,
        // a token right here.
        while position < count, bytes[position] <= 0x20, isWhitespace(bytes[position]) {
            position += 1
            skippedWhitespace = true
        }
    }

    /// Reads the object whose `{` is at `position`; its members are kept at depth 1.
    private mutating func readObject(depth: Int) throws(JSONScanError) {
        position += 1
        if nextToken(is: UInt8(ascii: "}")) {
            position += 1
            return
        }
        while true {
            guard nextToken(is: .quote) else { throw fail("expected a quoted key") }
            let keyStart = position
            let keyIsPlain = try readString()
            let keyEnd = position
            guard nextToken(is: UInt8(ascii: ":")) else { throw fail("expected ':' after a key") }
            position += 1
            let kind: JSONMember.Kind
            // Most values are strings: reading them here saves a call.
            let isString = nextToken(is: .quote)
            let valueStart = position
            if isString {
                _ = try readString()
                kind = .string
            } else {
                kind = try readValue(depth: depth)
            }
            if depth == 1 {
                members.append(
                    JSONMember(
                        keyRange: keyStart..<keyEnd, keyIsPlain: keyIsPlain, kind: kind,
                        valueRange: valueStart..<position))
            }
            if nextToken(is: UInt8(ascii: ",")) {
                position += 1
            } else if next(is: UInt8(ascii: "}")) {
                position += 1
                return
            } else {
                throw fail("expected ',' or '}' in an object")
            }
        }
    }

    /// Reads the array whose `[` is at `position`.
    private mutating func readArray(depth: Int) throws(JSONScanError) {
        position += 1
        if nextToken(is: UInt8(ascii: "]")) {
            position += 1
            return
        }
        while true {
            skipWhitespace()
            _ = try readValue(depth: depth)
            if nextToken(is: UInt8(ascii: ",")) {
                position += 1
            } else if next(is: UInt8(ascii: "]")) {
                position += 1
                return
            } else {
                throw fail("expected ',' or ']' in an array")
            }
        }
    }

    private mutating func readValue(depth: Int) throws(JSONScanError) -> JSONMember.Kind {
        guard position < count else { throw fail("expected a value") }
        switch bytes[position] {
        case .quote:
            _ = try readString()
            return .string
        case UInt8(ascii: "{"):
            guard depth < JSONObjectScanner.maximumDepth else { throw fail("nesting too deep") }
            try readObject(depth: depth + 1)
            return .object
        case UInt8(ascii: "["):
            guard depth < JSONObjectScanner.maximumDepth else { throw fail("nesting too deep") }
            try readArray(depth: depth + 1)
            return .array
        case UInt8(ascii: "t"):
            try readLiteral("true")
            return .bool
        case UInt8(ascii: "f"):
            try readLiteral("false")
            return .bool
        case UInt8(ascii: "n"):
            try readLiteral("null")
            return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            try readNumber()
            return .number
        default:
            throw fail("expected a value")
        }
    }

    private mutating func readLiteral(_ word: StaticString) throws(JSONScanError) {
        let length = word.utf8CodeUnitCount
        guard position + length <= count else { throw fail("expected a value") }
        for index in 0..<length where bytes[position + index] != word.utf8Start[index] {
            throw fail("expected a value")
        }
        position += length
    }

    private mutating func readNumber() throws(JSONScanError) {
        if bytes[position] == UInt8(ascii: "-") { position += 1 }
        guard nextIsDigit() else { throw fail("malformed number") }
        let first = bytes[position]
        position += 1
        if first != UInt8(ascii: "0") { skipDigits() }
        if next(is: UInt8(ascii: ".")) {
            position += 1
            guard nextIsDigit() else { throw fail("malformed number") }
            skipDigits()
        }
        if next(is: UInt8(ascii: "e")) || next(is: UInt8(ascii: "E")) {
            position += 1
            if next(is: UInt8(ascii: "+")) || next(is: UInt8(ascii: "-")) { position += 1 }
            guard nextIsDigit() else { throw fail("malformed number") }
            skipDigits()
        }
    }

    private func nextIsDigit() -> Bool {
        // A byte below "0" wraps around to a large value, so one comparison checks both ends.
        position < count && bytes[position] &- UInt8(ascii: "0") < 10
    }

    private mutating func skipDigits() {
        while nextIsDigit() { position += 1 }
    }

    /// Reads the string whose opening quote is at `position`, checking escapes and UTF-8.
    ///
    /// - Returns: Whether the string is plain: ASCII without escapes, so its bytes are its text.
    @inline(__always)
    private mutating func readString() throws(JSONScanError) -> Bool {
        var isPlain = true
        position += 1
        while true {
            position = nextByteNeedingALook(from: position)
            guard position < count else { throw fail("unterminated string") }
            let byte = bytes[position]
            if byte == .quote {
                position += 1
                return isPlain
            }
            isPlain = false
            if byte == .backslash {
                try readEscape()
            } else if byte < 0x20 {
                throw fail("control character in a string; escape it")
            } else {
                try readUTF8Sequence(lead: byte)
            }
        }
    }

    /// Where the first byte from `start` on lies that a string cannot simply pass over: a quote,
    /// a backslash, a control character or a byte of a multi-byte UTF-8 sequence; `count` if
    /// there is none. Most of a message is plain text, which this passes eight bytes at a time.
    @inline(__always)
    private func nextByteNeedingALook(from start: Int) -> Int {
        var index = start
        while index + 8 <= count {
            let flags = Self.flagsOfBytesNeedingALook(word(at: index))
            if flags != 0 { return index + flags.trailingZeroBitCount / 8 }
            index += 8
        }
        guard index < count else { return count }
        guard count >= 8 else {
            while index < count, !Self.needsALook(bytes[index]) { index += 1 }
            return index
        }
        // Fewer than eight bytes are left: take the line's last eight and shift out those already
        // passed. The zero bytes shifted in lie past the end and are flagged as control
        // characters, hence the minimum.
        let passed = index - (count - 8)
        let flags = Self.flagsOfBytesNeedingALook(word(at: count - 8) &>> (8 * passed))
        return min(count, index + flags.trailingZeroBitCount / 8)
    }

    /// The eight bytes from `index` on, the first in the lowest bits.
    private func word(at index: Int) -> UInt64 {
        UInt64(littleEndian: UnsafeRawPointer(bytes + index).loadUnaligned(as: UInt64.self))
    }

    private static func needsALook(_ byte: UInt8) -> Bool {
        byte == .quote || byte == .backslash || byte < 0x20 || byte >= 0x80
    }

    /// Sets the high bit of each byte of `word` that needs a look, correctly from the lowest
    /// byte up to the first such byte; above it bytes may be flagged wrongly.
    ///
    /// Subtracting 1 from each byte sets the high bit of a zero byte (a byte that equalled the
    /// quote or backslash it was XORed with), and subtracting 0x20 that of a control character.
    /// A byte whose high bit is already set is a byte of a multi-byte sequence, flagged by
    /// itself, so no term needs masking. The borrows of a subtraction run only upward from a
    /// byte that was below what it lost, which is a flagged byte.
    private static func flagsOfBytesNeedingALook(_ word: UInt64) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let quotes = word ^ (ones &* UInt64(UInt8.quote))
        let backslashes = word ^ (ones &* UInt64(UInt8.backslash))
        let controls = word &- ones &* 0x20
        return ((quotes &- ones) | (backslashes &- ones) | controls | word) & (ones &* 0x80)
    }

    private mutating func readEscape() throws(JSONScanError) {
        guard position + 1 < count else { throw fail("unterminated escape") }
        switch bytes[position + 1] {
        case .quote, .backslash, UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
            UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
            position += 2
        case UInt8(ascii: "u"):
            guard position + 6 <= count else { throw fail("malformed \\u escape") }
            for index in 2..<6 where hexValue(bytes[position + index]) == nil {
                throw fail("malformed \\u escape")
            }
            position += 6
        default:
            throw fail("unknown escape")
        }
    }

    private mutating func readUTF8Sequence(lead: UInt8) throws(JSONScanError) {
        let length: Int
        switch lead {
        case 0xC2...0xDF: length = 2
        case 0xE0...0xEF: length = 3
        case 0xF0...0xF4: length = 4
        default: throw fail("invalid UTF-8")
        }
        guard position + length <= count else { throw fail("invalid UTF-8") }
        for index in 1..<length where bytes[position + index] & 0xC0 != 0x80 {
            throw fail("invalid UTF-8")
        }
        position += length
    }
}

private func hexValue(_ byte: UInt8) -> UInt32? {
    switch byte {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt32(byte - UInt8(ascii: "0"))
    case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt32(byte - UInt8(ascii: "a") + 10)
    case UInt8(ascii: "A")...UInt8(ascii: "F"): UInt32(byte - UInt8(ascii: "A") + 10)
    default: nil
    }
}

/// Decodes the text of a JSON string token (quotes included) that the scanner already checked.
func decodedString(_ token: ArraySlice<UInt8>) -> String {
    let body = token.dropFirst().dropLast()
    guard body.contains(UInt8(ascii: "\\")) else {
        return String(decoding: body, as: UTF8.self)
    }
    var scalars = String.UnicodeScalarView()
    var bytes: [UInt8] = []
    var index = body.startIndex
    func flush() {
        scalars.append(contentsOf: String(decoding: bytes, as: UTF8.self).unicodeScalars)
        bytes.removeAll(keepingCapacity: true)
    }
    while index < body.endIndex {
        let byte = body[index]
        guard byte == UInt8(ascii: "\\") else {
            bytes.append(byte)
            index += 1
            continue
        }
        flush()
        let code = body[index + 1]
        index += 2
        switch code {
        case UInt8(ascii: "b"): scalars.append("\u{08}")
        case UInt8(ascii: "f"): scalars.append("\u{0C}")
        case UInt8(ascii: "n"): scalars.append("\n")
        case UInt8(ascii: "r"): scalars.append("\r")
        case UInt8(ascii: "t"): scalars.append("\t")
        case UInt8(ascii: "u"):
            var unit = hexUnit(body, at: index)
            index += 4
            if (0xD800...0xDBFF).contains(unit), index + 6 <= body.endIndex,
                body[index] == UInt8(ascii: "\\"), body[index + 1] == UInt8(ascii: "u")
            {
                let low = hexUnit(body, at: index + 2)
                if (0xDC00...0xDFFF).contains(low) {
                    unit = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)
                    index += 6
                }
            }
            scalars.append(Unicode.Scalar(unit) ?? "\u{FFFD}")
        default: scalars.append(Unicode.Scalar(code))
        }
    }
    flush()
    return String(scalars)
}

private func hexUnit(_ bytes: ArraySlice<UInt8>, at index: Int) -> UInt32 {
    var value: UInt32 = 0
    for offset in 0..<4 {
        value = value << 4 | (hexValue(bytes[index + offset]) ?? 0)
    }
    return value
}

/// Encodes a string as a JSON string token, escaping only what JSON requires.
func jsonStringToken(_ text: String) -> [UInt8] {
    var text = text
    return text.withUTF8 { utf8 in
        var token: [UInt8] = []
        token.reserveCapacity(utf8.count + 2)
        token.append(.quote)
        // Most text needs no escape at all and is copied in one piece.
        if !utf8.contains(where: { $0 < 0x20 || $0 == .quote || $0 == .backslash }) {
            token.append(contentsOf: utf8)
            token.append(.quote)
            return token
        }
        for byte in utf8 {
            switch byte {
            case .quote: token += [.backslash, .quote]
            case .backslash: token += [.backslash, .backslash]
            case 0x0A: token += [.backslash, UInt8(ascii: "n")]
            case 0x0D: token += [.backslash, UInt8(ascii: "r")]
            case 0x09: token += [.backslash, UInt8(ascii: "t")]
            case ..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                token += Array("\\u00".utf8) + [hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]]
            default: token.append(byte)
            }
        }
        token.append(.quote)
        return token
    }
}
