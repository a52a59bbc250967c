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

    public static func append(millis: Int64, to buffer: inout [UInt8]) {
        let (days, msOfDay) = floorDivide(millis, 86_400_000)
        let (year, month, day) = civil(fromDays: days)
        let hour = msOfDay / 3_600_000
        let minute = msOfDay / 60_000 % 60
        let second = msOfDay / 1000 % 60
        let milli = msOfDay % 1000
        appendDigits(year, count: 4, to: &buffer)
        buffer.append(UInt8(ascii: "-"))
        appendDigits(month, count: 2, to: &buffer)
        buffer.append(UInt8(ascii: "-"))
        appendDigits(day, count: 2, to: &buffer)
        buffer.append(UInt8(ascii: "T"))
        appendDigits(hour, count: 2, to: &buffer)
        buffer.append(UInt8(ascii: ":"))
        appendDigits(minute, count: 2, to: &buffer)
        buffer.append(UInt8(ascii: ":"))
        appendDigits(second, count: 2, to: &buffer)
        buffer.append(UInt8(ascii: "."))
        appendDigits(milli, count: 3, to: &buffer)
        buffer.append(UInt8(ascii: "Z"))
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

    private static func appendDigits(_ value: Int64, count: Int, to buffer: inout [UInt8]) {
        var divisor: Int64 = 1
        for _ in 1..<count { divisor *= 10 }
        var rest = value
        while divisor > 0 {
            buffer.append(UInt8(ascii: "0") + UInt8(rest / divisor % 10))
            rest %= divisor
            divisor /= 10
        }
    }
}
