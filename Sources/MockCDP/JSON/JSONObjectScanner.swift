/// A top-level member of a JSON object line: its key and where its value lies in the line.
///
/// Readers of NDJSON use the members in place: the sender edits messages by splicing bytes
/// rather than by decoding and re-encoding them, so numbers, key order and escapes reach Segment
/// exactly as the input wrote them, and merge compares the bytes of two string values.
struct JSONMember: Sendable {
    enum Kind: Sendable, Equatable {
        case string
        case number
        case object
        case array
        case bool
        case null
    }

    var key: String
    var kind: Kind
    /// Byte range of the value in the compact line, quotes included for strings.
    var valueRange: Range<Int>
}

/// Why a line is not a JSON object, with the byte offset (0-based) where reading stopped.
struct JSONScanError: Error, Sendable, Equatable {
    var offset: Int
    var reason: String
}

/// A validating, single-pass reader of one JSON object per line, shared by the commands that
/// read NDJSON without needing its whole value (send, merge, stats).
///
/// It checks the whole line (strings, escapes, UTF-8, numbers, nesting), collects the
/// top-level members, and drops insignificant whitespace so that the byte count it reports is
/// the size of the compact JSON that will be sent. It never builds a tree: a message is a few
/// hundred bytes to 32 KB and decoding it into Foundation objects would cost several times more.
struct JSONObjectScanner {
    /// Deeper nesting than this is refused, which keeps the recursive reader's stack bounded.
    static let maximumDepth = 128

    /// The scanned line: compact bytes and the top-level members found in them.
    struct Result: Sendable {
        var compact: [UInt8]
        var members: [JSONMember]

        /// The first member with this key, if any.
        func member(_ key: String) -> JSONMember? {
            members.first { $0.key == key }
        }
    }

    /// Scans one line (without its newline).
    ///
    /// Most lines are compact already, and then the line is its own compact form: the first
    /// reading copies nothing, and only a line with whitespace between tokens is read a second
    /// time, copying the tokens without it.
    static func scan(_ line: UnsafeBufferPointer<UInt8>) throws(JSONScanError) -> Result {
        var reader = Reader(input: line, copies: false)
        let result = try reader.readTopLevelObject()
        guard reader.skippedWhitespace else { return result }
        var copier = Reader(input: line, copies: true)
        return try copier.readTopLevelObject()
    }
}

private struct Reader {
    let input: UnsafeBufferPointer<UInt8>
    var position = 0
    /// Whether tokens are copied to `output`, which only a line with whitespace needs.
    let copies: Bool
    var output: [UInt8] = []
    /// Whether whitespace between tokens was passed over.
    var skippedWhitespace = false

    init(input: UnsafeBufferPointer<UInt8>, copies: Bool) {
        self.input = input
        self.copies = copies
        if copies { output.reserveCapacity(input.count) }
    }

    /// Where the compact form has got to: the end of the output, or while nothing is copied,
    /// the position in a line that has had no whitespace so far.
    private var mark: Int { copies ? output.count : position }

    private mutating func emit(_ byte: UInt8) {
        if copies { output.append(byte) }
    }

    private mutating func emit(_ bytes: UnsafeBufferPointer<UInt8>) {
        if copies { output.append(contentsOf: bytes) }
    }

    mutating func readTopLevelObject() throws(JSONScanError) -> JSONObjectScanner.Result {
        skipWhitespace()
        guard peek() == UInt8(ascii: "{") else {
            throw fail(
                position == input.count ? "the line is empty" : "a message must be a JSON object")
        }
        let members = try readObject(depth: 1, collect: true)
        skipWhitespace()
        if position < input.count {
            throw fail("unexpected text after the JSON object")
        }
        return .init(compact: copies ? output : Array(input), members: members)
    }

    private func peek() -> UInt8? {
        position < input.count ? input[position] : nil
    }

    private func fail(_ reason: String) -> JSONScanError {
        JSONScanError(offset: position, reason: reason)
    }

    private mutating func skipWhitespace() {
        while position < input.count {
            switch input[position] {
            case 0x20, 0x09, 0x0A, 0x0D:
                position += 1
                skippedWhitespace = true
            default: return
            }
        }
    }

    private mutating func expect(_ byte: UInt8, _ what: String) throws(JSONScanError) {
        skipWhitespace()
        guard peek() == byte else { throw fail("expected \(what)") }
        emit(byte)
        position += 1
    }

    /// Reads an object; the keys and value ranges are returned only when `collect` is set.
    private mutating func readObject(
        depth: Int, collect: Bool
    ) throws(JSONScanError) -> [JSONMember] {
        var members: [JSONMember] = []
        try expect(UInt8(ascii: "{"), "'{'")
        skipWhitespace()
        if peek() == UInt8(ascii: "}") {
            emit(UInt8(ascii: "}"))
            position += 1
            return members
        }
        while true {
            skipWhitespace()
            guard peek() == UInt8(ascii: "\"") else { throw fail("expected a quoted key") }
            let keyStart = mark
            try readString()
            try expect(UInt8(ascii: ":"), "':' after a key")
            skipWhitespace()
            let valueStart = mark
            let kind = try readValue(depth: depth)
            if collect {
                members.append(
                    JSONMember(
                        key: key(keyStart..<valueStart - 1), kind: kind,
                        valueRange: valueStart..<mark))
            }
            skipWhitespace()
            switch peek() {
            case UInt8(ascii: ","):
                emit(UInt8(ascii: ","))
                position += 1
            case UInt8(ascii: "}"):
                emit(UInt8(ascii: "}"))
                position += 1
                return members
            default:
                throw fail("expected ',' or '}' in an object")
            }
        }
    }

    /// The text of the key token at `range` of the compact form.
    private func key(_ range: Range<Int>) -> String {
        if copies { return decodedString(output[range]) }
        let token = UnsafeBufferPointer(rebasing: input[range])
        if token.contains(UInt8(ascii: "\\")) { return decodedString(ArraySlice(token)) }
        return String(decoding: token.dropFirst().dropLast(), as: UTF8.self)
    }

    private mutating func readArray(depth: Int) throws(JSONScanError) {
        try expect(UInt8(ascii: "["), "'['")
        skipWhitespace()
        if peek() == UInt8(ascii: "]") {
            emit(UInt8(ascii: "]"))
            position += 1
            return
        }
        while true {
            skipWhitespace()
            _ = try readValue(depth: depth)
            skipWhitespace()
            switch peek() {
            case UInt8(ascii: ","):
                emit(UInt8(ascii: ","))
                position += 1
            case UInt8(ascii: "]"):
                emit(UInt8(ascii: "]"))
                position += 1
                return
            default:
                throw fail("expected ',' or ']' in an array")
            }
        }
    }

    private mutating func readValue(depth: Int) throws(JSONScanError) -> JSONMember.Kind {
        guard let byte = peek() else { throw fail("expected a value") }
        switch byte {
        case UInt8(ascii: "\""):
            try readString()
            return .string
        case UInt8(ascii: "{"):
            guard depth < JSONObjectScanner.maximumDepth else { throw fail("nesting too deep") }
            _ = try readObject(depth: depth + 1, collect: false)
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
        let count = word.utf8CodeUnitCount
        guard position + count <= input.count else { throw fail("expected a value") }
        let pointer = word.utf8Start
        for index in 0..<count where input[position + index] != pointer[index] {
            throw fail("expected a value")
        }
        emit(UnsafeBufferPointer(start: pointer, count: count))
        position += count
    }

    private mutating func readNumber() throws(JSONScanError) {
        let start = position
        if peek() == UInt8(ascii: "-") { position += 1 }
        guard let first = peek(), isDigit(first) else { throw fail("malformed number") }
        position += 1
        if first != UInt8(ascii: "0") {
            while let byte = peek(), isDigit(byte) { position += 1 }
        }
        if peek() == UInt8(ascii: ".") {
            position += 1
            guard let byte = peek(), isDigit(byte) else { throw fail("malformed number") }
            while let byte = peek(), isDigit(byte) { position += 1 }
        }
        if peek() == UInt8(ascii: "e") || peek() == UInt8(ascii: "E") {
            position += 1
            if peek() == UInt8(ascii: "+") || peek() == UInt8(ascii: "-") { position += 1 }
            guard let byte = peek(), isDigit(byte) else { throw fail("malformed number") }
            while let byte = peek(), isDigit(byte) { position += 1 }
        }
        emit(UnsafeBufferPointer(rebasing: input[start..<position]))
    }

    private func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    /// Reads a string, checking escapes and UTF-8, and copies it as written.
    private mutating func readString() throws(JSONScanError) {
        let start = position
        position += 1
        while position < input.count {
            skipPlainASCII()
            guard position < input.count else { break }
            let byte = input[position]
            if byte == UInt8(ascii: "\"") {
                position += 1
                emit(UnsafeBufferPointer(rebasing: input[start..<position]))
                return
            }
            if byte == UInt8(ascii: "\\") {
                try readEscape()
            } else if byte < 0x20 {
                throw fail("control character in a string; escape it")
            } else if byte < 0x80 {
                position += 1
            } else {
                try readUTF8Sequence(lead: byte)
            }
        }
        throw fail("unterminated string")
    }

    /// Skips 8 bytes at a time while none of them needs a look: a quote, a backslash, a control
    /// character or a byte of a multi-byte UTF-8 sequence. Most of a message is such text.
    private mutating func skipPlainASCII() {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highBits: UInt64 = 0x8080_8080_8080_8080
        let raw = UnsafeRawPointer(input.baseAddress!)
        while position + 8 <= input.count {
            let word = raw.loadUnaligned(fromByteOffset: position, as: UInt64.self)
            let quotes = word ^ (ones &* UInt64(UInt8(ascii: "\"")))
            let backslashes = word ^ (ones &* UInt64(UInt8(ascii: "\\")))
            // A byte is zero, or below 0x20, exactly when subtracting sets its high bit from a
            // byte whose high bit was clear; borrows only reach bytes above such a byte.
            let special =
                ((quotes &- ones) & ~quotes) | ((backslashes &- ones) & ~backslashes)
                | ((word &- ones &* 0x20) & ~word) | word
            let found = special & highBits
            if found != 0 {
                // Loads are little-endian, so the lowest flag is the first byte to look at; the
                // borrows that can flag a byte wrongly only run upward from a flagged one.
                position += (found.littleEndian.trailingZeroBitCount) / 8
                return
            }
            position += 8
        }
    }

    private mutating func readEscape() throws(JSONScanError) {
        guard position + 1 < input.count else { throw fail("unterminated escape") }
        switch input[position + 1] {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"),
            UInt8(ascii: "f"), UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
            position += 2
        case UInt8(ascii: "u"):
            guard position + 6 <= input.count else { throw fail("malformed \\u escape") }
            for index in 2..<6 where hexValue(input[position + index]) == nil {
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
        guard position + length <= input.count else { throw fail("invalid UTF-8") }
        for index in 1..<length where input[position + index] & 0xC0 != 0x80 {
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
    var token: [UInt8] = [UInt8(ascii: "\"")]
    token.reserveCapacity(text.utf8.count + 2)
    for byte in text.utf8 {
        switch byte {
        case UInt8(ascii: "\""): token += [UInt8(ascii: "\\"), UInt8(ascii: "\"")]
        case UInt8(ascii: "\\"): token += [UInt8(ascii: "\\"), UInt8(ascii: "\\")]
        case 0x0A: token += [UInt8(ascii: "\\"), UInt8(ascii: "n")]
        case 0x0D: token += [UInt8(ascii: "\\"), UInt8(ascii: "r")]
        case 0x09: token += [UInt8(ascii: "\\"), UInt8(ascii: "t")]
        case ..<0x20:
            let hex = Array("0123456789abcdef".utf8)
            token += Array("\\u00".utf8) + [hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]]
        default: token.append(byte)
        }
    }
    token.append(UInt8(ascii: "\""))
    return token
}
