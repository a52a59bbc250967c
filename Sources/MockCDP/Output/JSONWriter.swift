/// Writes compact JSON straight into a byte buffer, keys in the order given.
///
/// The NDJSON output is a contract (golden files are compared byte for byte),
/// so the encoding is ours: no whitespace, `/` not escaped, non-ASCII written
/// as UTF-8, control characters as `\u00XX`, money with the currency's decimals.
public struct JSONWriter {
    private var buffer: ByteBuffer
    /// Whether the next member or element needs a comma before it.
    private var needsComma = false
    /// The day, counted from the Unix epoch, whose date `timestampDate` holds.
    private var timestampDay = Int64.min
    /// `2026-11-27T`: the date part of timestamps on `timestampDay`.
    private var timestampDate: [UInt8] = []

    public init(capacity: Int = 2048) {
        buffer = ByteBuffer(capacity: capacity)
    }

    /// Everything written so far.
    public var bytes: [UInt8] { buffer.array }

    /// How many bytes have been written.
    public var count: Int { buffer.count }

    public mutating func reset() {
        buffer.removeAll()
        needsComma = false
    }

    // MARK: Structure

    public mutating func beginObject() {
        separate()
        buffer.append(UInt8(ascii: "{"))
        needsComma = false
    }

    public mutating func endObject() {
        buffer.append(UInt8(ascii: "}"))
        needsComma = true
    }

    public mutating func beginArray() {
        separate()
        buffer.append(UInt8(ascii: "["))
        needsComma = false
    }

    public mutating func endArray() {
        buffer.append(UInt8(ascii: "]"))
        needsComma = true
    }

    /// Writes `"key":` for a key spelled out in the source; the value written next belongs
    /// to it. Such keys are plain ASCII (no quote, backslash or control character), so they
    /// are copied without the escaping pass.
    public mutating func key(_ key: StaticString) {
        let length = key.utf8CodeUnitCount
        let text = UnsafeBufferPointer(start: key.utf8Start, count: length)
        assert(key.isASCII && Self.isPlain(text), "a literal key must need no escaping")
        buffer.reserve(length + 4)
        if needsComma { buffer.appendUnchecked(UInt8(ascii: ",")) }
        buffer.appendUnchecked(UInt8(ascii: "\""))
        buffer.appendUnchecked(text)
        buffer.appendUnchecked(UInt8(ascii: "\""))
        buffer.appendUnchecked(UInt8(ascii: ":"))
        needsComma = false
    }

    /// Writes `"key":` for a key known only at run time, escaped as needed; the value
    /// written next belongs to it.
    public mutating func key(named key: String) {
        appendQuoted(key, suffix: UInt8(ascii: ":"))
        needsComma = false
    }

    // MARK: Values

    public mutating func string(_ value: String) {
        appendQuoted(value, suffix: nil)
        needsComma = true
    }

    public mutating func int(_ value: Int64) {
        separate(reserving: Self.decimalLength)
        appendDecimal(value)
        needsComma = true
    }

    public mutating func bool(_ value: Bool) {
        separate()
        buffer.append(value ? Self.trueBytes : Self.falseBytes)
        needsComma = true
    }

    public mutating func null() {
        separate()
        buffer.append(Self.nullBytes)
        needsComma = true
    }

    /// Writes an amount given in minor units with `decimals` digits after the point:
    /// `money(2499, decimals: 2)` writes `24.99`, `money(500, decimals: 0)` writes `500`.
    public mutating func money(_ minor: Int64, decimals: Int) {
        separate(reserving: Self.decimalLength + 1 + decimals)
        if decimals == 0 {
            appendDecimal(minor)
        } else {
            if minor < 0 { buffer.appendUnchecked(UInt8(ascii: "-")) }
            let magnitude = minor.magnitude
            var scale: UInt64 = 1
            for _ in 0..<decimals { scale *= 10 }
            appendDecimal(Int64(magnitude / scale))
            buffer.appendUnchecked(UInt8(ascii: "."))
            let fraction = magnitude % scale
            var place = scale / 10
            while place > 0 {
                buffer.appendUnchecked(UInt8(ascii: "0") + UInt8(fraction / place % 10))
                place /= 10
            }
        }
        needsComma = true
    }

    /// Writes a finite double in Swift's shortest round-tripping form.
    public mutating func double(_ value: Double) {
        if value == value.rounded(), abs(value) < 1e15 {
            int(Int64(value))
            return
        }
        separate()
        buffer.append(Array(value.description.utf8))
        needsComma = true
    }

    public mutating func value(_ value: JSONValue) {
        switch value {
        case .null: null()
        case .bool(let flag): bool(flag)
        case .int(let number): int(number)
        case .double(let number): double(number)
        case .string(let text): string(text)
        case .array(let elements):
            beginArray()
            for element in elements { self.value(element) }
            endArray()
        case .object(let object):
            beginObject()
            members(of: object)
            endObject()
        }
    }

    /// Writes the members of `object` into the object being written.
    public mutating func members(of object: JSONObject) {
        for member in object.members {
            key(named: member.key)
            value(member.value)
        }
    }

    /// Appends raw bytes, such as a newline between NDJSON records.
    public mutating func raw(_ byte: UInt8) {
        buffer.append(byte)
    }

    /// Writes JSON encoded earlier by a writer, as it is: one or more complete members
    /// (with the commas between them) or one complete value. Lets text that repeats, such
    /// as a user's context, be escaped once and copied after that.
    public mutating func fragment(_ encoded: [UInt8]) {
        separate(reserving: encoded.count)
        encoded.withUnsafeBufferPointer { buffer.appendUnchecked($0) }
        needsComma = true
    }

    /// Writes encoded JSON kept outside any array, such as a catalog's `EncodedBytes`.
    mutating func fragment(_ encoded: UnsafeBufferPointer<UInt8>) {
        separate(reserving: encoded.count)
        buffer.appendUnchecked(encoded)
        needsComma = true
    }

    /// Writes members with `body` and returns where they are in the buffer, so that later
    /// values in the same buffer can repeat them with `repeatMembers(_:)` rather than
    /// encode them again.
    public mutating func recordMembers(_ body: (inout JSONWriter) -> Void) -> Range<Int> {
        separate()
        needsComma = false
        let start = buffer.count
        body(&self)
        needsComma = true
        return start..<buffer.count
    }

    /// Writes again members that `recordMembers(_:)` wrote earlier in this buffer.
    public mutating func repeatMembers(_ range: Range<Int>) {
        separate(reserving: range.count)
        buffer.appendCopy(of: range)
        needsComma = true
    }

    /// Starts another top-level value after those already written, with no comma before it,
    /// so that several messages can share one buffer.
    public mutating func beginTopLevelValue() {
        needsComma = false
    }

    /// Writes a string whose characters `body` appends as bytes that need no escaping
    /// (digits, ASCII letters, punctuation other than `"` and `\\`).
    mutating func plainString(_ body: (inout ByteBuffer) -> Void) {
        separate()
        buffer.append(UInt8(ascii: "\""))
        body(&buffer)
        buffer.append(UInt8(ascii: "\""))
        needsComma = true
    }

    /// Writes an instant as a Segment timestamp, such as `"2026-11-27T05:00:00.000Z"`.
    /// The date part of the last day written is kept, since one user's messages mostly fall
    /// on the same day; only the time of day is formatted each time.
    public mutating func timestamp(millis: Int64) {
        let msOfDay = Int(truncatingIfNeeded: ((millis % 86_400_000) + 86_400_000) % 86_400_000)
        let day = (millis - Int64(msOfDay)) / 86_400_000
        if day != timestampDay {
            var date: [UInt8] = []
            date.reserveCapacity(24)
            Timestamp.append(millis: day * 86_400_000, to: &date)
            timestampDate = Array(date.prefix(11))
            timestampDay = day
        }
        separate(reserving: 26)
        buffer.appendUnchecked(UInt8(ascii: "\""))
        timestampDate.withUnsafeBufferPointer { buffer.appendUnchecked($0) }
        let seconds = msOfDay / 1000
        appendTwoDigits(seconds / 3600)
        buffer.appendUnchecked(UInt8(ascii: ":"))
        appendTwoDigits(seconds / 60 % 60)
        buffer.appendUnchecked(UInt8(ascii: ":"))
        appendTwoDigits(seconds % 60)
        buffer.appendUnchecked(UInt8(ascii: "."))
        let milli = msOfDay % 1000
        buffer.appendUnchecked(UInt8(ascii: "0") + UInt8(milli / 100))
        appendTwoDigits(milli % 100)
        buffer.appendUnchecked(UInt8(ascii: "Z"))
        buffer.appendUnchecked(UInt8(ascii: "\""))
        needsComma = true
    }

    /// Appends a number below 100 as two digits, after `reserve` made room for them.
    @inline(__always)
    private mutating func appendTwoDigits(_ value: Int) {
        buffer.appendUnchecked(UInt8(ascii: "0") + UInt8(truncatingIfNeeded: value / 10))
        buffer.appendUnchecked(UInt8(ascii: "0") + UInt8(truncatingIfNeeded: value % 10))
    }

    // MARK: Encoding

    private mutating func separate() {
        if needsComma { buffer.append(UInt8(ascii: ",")) }
    }

    /// Makes room for a comma and `extra` more bytes, and writes the comma if one is due:
    /// one check for room where a value is written in several pieces.
    @inline(__always)
    private mutating func separate(reserving extra: Int) {
        buffer.reserve(extra + 1)
        if needsComma { buffer.appendUnchecked(UInt8(ascii: ",")) }
    }

    /// The most bytes a whole number takes: a sign and 19 digits.
    private static let decimalLength = 20

    /// Appends a whole number, after `reserve` made room for `decimalLength` bytes.
    private mutating func appendDecimal(_ value: Int64) {
        if value < 0 { buffer.appendUnchecked(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        if magnitude < 10 {
            buffer.appendUnchecked(UInt8(ascii: "0") + UInt8(magnitude))
            return
        }
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)
        var count = 0
        withUnsafeMutableBytes(of: &digits) { scratch in
            let end = scratch.count
            while magnitude > 0 {
                count += 1
                scratch[end - count] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
            }
            let written = scratch.bindMemory(to: UInt8.self)[(end - count)...]
            buffer.appendUnchecked(UnsafeBufferPointer(rebasing: written))
        }
    }

    /// Writes the comma if one is due, then `text` quoted and escaped, then `suffix`.
    private mutating func appendQuoted(_ text: String, suffix: UInt8?) {
        let written: Void? = text.utf8.withContiguousStorageIfAvailable {
            appendQuoted(utf8: $0, suffix: suffix)
        }
        if written == nil {
            var text = text
            text.withUTF8 { appendQuoted(utf8: $0, suffix: suffix) }
        }
    }

    /// Quotes and escapes UTF-8 text, testing eight bytes at a time for characters that
    /// need an escape: most text written (ids, URLs, names) has none, and is copied whole
    /// after one check for room that covers the comma, quotes and suffix too.
    private mutating func appendQuoted(utf8: UnsafeBufferPointer<UInt8>, suffix: UInt8?) {
        let count = utf8.count
        buffer.reserve(count + 4)
        if needsComma { buffer.appendUnchecked(UInt8(ascii: ",")) }
        buffer.appendUnchecked(UInt8(ascii: "\""))
        if Self.isPlain(utf8) {
            buffer.appendUnchecked(utf8)
            buffer.appendUnchecked(UInt8(ascii: "\""))
            if let suffix { buffer.appendUnchecked(suffix) }
            return
        }
        guard let base = utf8.baseAddress else { return }
        var index = 0
        var start = 0
        while index < count {
            let byte = base[index]
            if Self.needsEscape(byte) {
                buffer.append(UnsafeBufferPointer(start: base + start, count: index - start))
                appendEscape(byte)
                start = index + 1
            }
            index += 1
        }
        buffer.append(UnsafeBufferPointer(start: base + start, count: count - start))
        buffer.append(UInt8(ascii: "\""))
        if let suffix { buffer.append(suffix) }
    }

    /// Whether no byte of the text needs an escape, tested eight bytes at a time; the
    /// last word overlaps the one before it, and text shorter than a word is padded.
    @inline(__always)
    private static func isPlain(_ utf8: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = utf8.baseAddress else { return true }
        let count = utf8.count
        let raw = UnsafeRawPointer(base)
        if count < 8 {
            var word: UInt64 = 0x4141_4141_4141_4141
            withUnsafeMutableBytes(of: &word) {
                $0.baseAddress?.copyMemory(from: raw, byteCount: count)
            }
            return !mayNeedEscape(word)
        }
        var offset = 0
        while offset + 8 < count {
            if mayNeedEscape(raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self)) {
                return false
            }
            offset += 8
        }
        return !mayNeedEscape(raw.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self))
    }

    @inline(__always)
    private static func needsEscape(_ byte: UInt8) -> Bool {
        byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\")
    }

    /// Whether any of eight bytes may be a control character, `"` or `\\` (the usual
    /// zero-byte test; it may answer yes for a clean word, never no for one that needs work).
    @inline(__always)
    private static func mayNeedEscape(_ word: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highBits: UInt64 = 0x8080_8080_8080_8080
        let control = (word &- ones &* 0x20) & ~word
        let quote = word ^ (ones &* UInt64(UInt8(ascii: "\"")))
        let backslash = word ^ (ones &* UInt64(UInt8(ascii: "\\")))
        let quoteZero = (quote &- ones) & ~quote
        let backslashZero = (backslash &- ones) & ~backslash
        return (control | quoteZero | backslashZero) & highBits != 0
    }

    private mutating func appendEscape(_ byte: UInt8) {
        buffer.append(UInt8(ascii: "\\"))
        switch byte {
        case UInt8(ascii: "\""): buffer.append(UInt8(ascii: "\""))
        case UInt8(ascii: "\\"): buffer.append(UInt8(ascii: "\\"))
        case 0x0A: buffer.append(UInt8(ascii: "n"))
        case 0x0D: buffer.append(UInt8(ascii: "r"))
        case 0x09: buffer.append(UInt8(ascii: "t"))
        default:
            let hex = Array("0123456789abcdef".utf8)
            buffer.append(Array("u00".utf8))
            buffer.append(hex[Int(byte >> 4)])
            buffer.append(hex[Int(byte & 0xF)])
        }
    }

    private static let trueBytes = Array("true".utf8)
    private static let falseBytes = Array("false".utf8)
    private static let nullBytes = Array("null".utf8)
}
