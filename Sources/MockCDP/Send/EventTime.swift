import Foundation

/// An instant as milliseconds since the Unix epoch, read from and written as ISO-8601 text.
///
/// Segment's `timestamp` and `sentAt` are ISO-8601 strings. Reading and writing them by hand
/// keeps the sender's hot path free of date formatters, and milliseconds are what Segment keeps.
public struct EventTime: Hashable, Comparable, Sendable, Codable {
    public var millisecondsSinceEpoch: Int64

    public init(millisecondsSinceEpoch: Int64) {
        self.millisecondsSinceEpoch = millisecondsSinceEpoch
    }

    /// Reads RFC 3339 text: `2024-05-01T12:00:04.756Z`, `2024-05-01T14:00:04+02:00`,
    /// `2024-05-01 12:00:04.756789+0000`. Digits past milliseconds are dropped.
    ///
    /// Returns `nil` for anything else, including a time without a zone, which would be
    /// ambiguous.
    public init?(iso8601 text: some StringProtocol) {
        let bytes = Array(text.utf8)
        guard let value = bytes.withUnsafeBufferPointer(Self.parse) else { return nil }
        millisecondsSinceEpoch = value
    }

    init?(iso8601Bytes bytes: UnsafeBufferPointer<UInt8>) {
        guard let value = Self.parse(bytes) else { return nil }
        millisecondsSinceEpoch = value
    }

    /// The wall clock, truncated to milliseconds.
    public static var now: EventTime {
        EventTime(
            millisecondsSinceEpoch: Int64((Date().timeIntervalSince1970 * 1000).rounded(.down)))
    }

    public static func < (lhs: EventTime, rhs: EventTime) -> Bool {
        lhs.millisecondsSinceEpoch < rhs.millisecondsSinceEpoch
    }

    /// `2024-05-01T12:00:04.756Z`: always UTC, always three fraction digits.
    public var iso8601: String {
        String(decoding: iso8601Bytes, as: UTF8.self)
    }

    var iso8601Bytes: [UInt8] {
        let days = Int64(floorDivide(millisecondsSinceEpoch, 86_400_000))
        let dayMilliseconds = millisecondsSinceEpoch - days * 86_400_000
        let (year, month, day) = civilDate(daysSinceEpoch: days)
        let seconds = dayMilliseconds / 1000
        var bytes: [UInt8] = []
        bytes.reserveCapacity(24)
        func digits(_ value: Int64, _ count: Int) {
            var divisor: Int64 = 1
            for _ in 1..<count { divisor *= 10 }
            var rest = value
            while divisor > 0 {
                bytes.append(UInt8(ascii: "0") + UInt8(rest / divisor % 10))
                rest %= divisor
                divisor /= 10
            }
        }
        digits(year, 4)
        bytes.append(UInt8(ascii: "-"))
        digits(month, 2)
        bytes.append(UInt8(ascii: "-"))
        digits(day, 2)
        bytes.append(UInt8(ascii: "T"))
        digits(seconds / 3600, 2)
        bytes.append(UInt8(ascii: ":"))
        digits(seconds / 60 % 60, 2)
        bytes.append(UInt8(ascii: ":"))
        digits(seconds % 60, 2)
        bytes.append(UInt8(ascii: "."))
        digits(dayMilliseconds % 1000, 3)
        bytes.append(UInt8(ascii: "Z"))
        return bytes
    }

    private static func parse(_ text: UnsafeBufferPointer<UInt8>) -> Int64? {
        var index = 0
        @inline(__always)
        func number(_ count: Int) -> Int64? {
            guard index + count <= text.count else { return nil }
            var value: Int64 = 0
            for offset in 0..<count {
                let byte = text[index + offset]
                guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
                value = value * 10 + Int64(byte - UInt8(ascii: "0"))
            }
            index += count
            return value
        }
        @inline(__always)
        func skip(_ allowed: UInt8, or other: UInt8? = nil, or third: UInt8? = nil) -> Bool {
            guard index < text.count else { return false }
            let byte = text[index]
            guard byte == allowed || byte == other || byte == third else { return false }
            index += 1
            return true
        }

        guard let year = number(4), skip(UInt8(ascii: "-")), let month = number(2),
            skip(UInt8(ascii: "-")), let day = number(2),
            skip(UInt8(ascii: "T"), or: UInt8(ascii: "t"), or: UInt8(ascii: " ")),
            let hour = number(2), skip(UInt8(ascii: ":")), let minute = number(2),
            skip(UInt8(ascii: ":")), let second = number(2)
        else { return nil }
        guard (1...12).contains(month), day >= 1, day <= daysInMonth(year, month),
            hour < 24, minute < 60, second < 61
        else { return nil }

        var milliseconds: Int64 = 0
        if skip(UInt8(ascii: ".")) {
            var scale: Int64 = 100
            var sawDigit = false
            while index < text.count, text[index] >= UInt8(ascii: "0"),
                text[index] <= UInt8(ascii: "9")
            {
                milliseconds += Int64(text[index] - UInt8(ascii: "0")) * scale
                scale /= 10
                sawDigit = true
                index += 1
            }
            guard sawDigit else { return nil }
        }

        var offsetMinutes: Int64 = 0
        if skip(UInt8(ascii: "Z"), or: UInt8(ascii: "z")) {
            offsetMinutes = 0
        } else if index < text.count,
            text[index] == UInt8(ascii: "+") || text[index] == UInt8(ascii: "-")
        {
            let sign: Int64 = text[index] == UInt8(ascii: "-") ? -1 : 1
            index += 1
            guard let hours = number(2) else { return nil }
            _ = skip(UInt8(ascii: ":"))
            guard let minutes = number(2), hours < 24, minutes < 60 else { return nil }
            offsetMinutes = sign * (hours * 60 + minutes)
        } else {
            return nil
        }
        guard index == text.count else { return nil }

        let days = daysSinceEpoch(year: year, month: month, day: day)
        let seconds = days * 86_400 + hour * 3600 + minute * 60 + min(second, 59)
        return (seconds - offsetMinutes * 60) * 1000 + milliseconds
    }
}

private func floorDivide(_ value: Int64, _ divisor: Int64) -> Int64 {
    value >= 0 ? value / divisor : (value - divisor + 1) / divisor
}

private func isLeapYear(_ year: Int64) -> Bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

private func daysInMonth(_ year: Int64, _ month: Int64) -> Int64 {
    switch month {
    case 2: isLeapYear(year) ? 29 : 28
    case 4, 6, 9, 11: 30
    default: 31
    }
}

/// Days from 1970-01-01 in the proleptic Gregorian calendar (Howard Hinnant's algorithm).
private func daysSinceEpoch(year: Int64, month: Int64, day: Int64) -> Int64 {
    let shiftedYear = month <= 2 ? year - 1 : year
    let era = floorDivide(shiftedYear, 400)
    let yearOfEra = shiftedYear - era * 400
    let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
    let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
    return era * 146_097 + dayOfEra - 719_468
}

private func civilDate(daysSinceEpoch days: Int64) -> (Int64, Int64, Int64) {
    let shifted = days + 719_468
    let era = floorDivide(shifted, 146_097)
    let dayOfEra = shifted - era * 146_097
    let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
    let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
    let monthIndex = (5 * dayOfYear + 2) / 153
    let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
    let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
    return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
}
