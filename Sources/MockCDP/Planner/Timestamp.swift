/// Formats instants as Segment timestamps: ISO-8601, UTC, milliseconds, `Z`.
///
/// Done by hand rather than with a date formatter because it runs once per event
/// and its output is part of the byte-for-byte contract of golden files.
public enum Timestamp {
    /// `2026-11-27T05:00:00.000Z` for the given milliseconds since the Unix epoch.
    public static func iso8601(millis: Int64) -> String {
        var buffer: [UInt8] = []
        buffer.reserveCapacity(24)
        append(millis: millis, to: &buffer)
        return String(decoding: buffer, as: UTF8.self)
    }

    public static func append(millis: Int64, to buffer: inout some ByteAppending) {
        let (days, msOfDay) = floorDivide(millis, 86_400_000)
        let (year, month, day) = civil(fromDays: days)
        let hour = msOfDay / 3_600_000
        let minute = msOfDay / 60_000 % 60
        let second = msOfDay / 1000 % 60
        let milli = msOfDay % 1000
        // Formatted on the stack and appended in one piece.
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 24) { text in
            writeDigits(year, count: 4, into: text, at: 0)
            text[4] = UInt8(ascii: "-")
            writeDigits(month, count: 2, into: text, at: 5)
            text[7] = UInt8(ascii: "-")
            writeDigits(day, count: 2, into: text, at: 8)
            text[10] = UInt8(ascii: "T")
            writeDigits(hour, count: 2, into: text, at: 11)
            text[13] = UInt8(ascii: ":")
            writeDigits(minute, count: 2, into: text, at: 14)
            text[16] = UInt8(ascii: ":")
            writeDigits(second, count: 2, into: text, at: 17)
            text[19] = UInt8(ascii: ".")
            writeDigits(milli, count: 3, into: text, at: 20)
            text[23] = UInt8(ascii: "Z")
            buffer.append(UnsafeBufferPointer(text))
        }
    }

    /// Year, month and day of the proleptic Gregorian calendar for days since 1970-01-01
    /// (the well-known "days from civil" inversion, valid for any year).
    static func civil(fromDays days: Int64) -> (Int64, Int64, Int64) {
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return (year, month, day)
    }

    private static func floorDivide(_ value: Int64, _ divisor: Int64) -> (Int64, Int64) {
        let quotient = value >= 0 ? value / divisor : (value - divisor + 1) / divisor
        return (quotient, value - quotient * divisor)
    }

    /// Writes the last `count` decimal digits of a non-negative value, zero-padded.
    @inline(__always)
    private static func writeDigits(
        _ value: Int64, count: Int, into text: UnsafeMutableBufferPointer<UInt8>, at start: Int
    ) {
        var rest = value
        for index in stride(from: start + count - 1, through: start, by: -1) {
            text[index] = UInt8(ascii: "0") + UInt8(rest % 10)
            rest /= 10
        }
    }
}
