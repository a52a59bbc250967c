import Foundation

/// The small grammars of scenario values: durations, rates, ranges, money and delays.
///
/// Each parser takes the text of one scalar and returns the value, or a message and a
/// hint that the checker turns into a diagnostic at the scalar's location.
enum ValueGrammar {
    struct Failure: Error, Equatable {
        var message: String
        var hint: String?

        init(_ message: String, hint: String? = nil) {
            self.message = message
            self.hint = hint
        }
    }

    private static let unitMillis: [(String, Double)] = [
        ("ms", 1), ("s", 1000), ("m", 60_000), ("h", 3_600_000), ("d", 86_400_000),
        ("w", 604_800_000),
    ]

    /// `250ms`, `30s`, `1.5m`, `1h30m`, `2d`, `1w` in whole milliseconds.
    static func duration(_ text: String) -> Result<Int64, Failure> {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.hasPrefix("-") {
            return .failure(
                Failure(
                    "duration must not be negative; got \(trimmed)",
                    hint: "write a length of time such as 30s or 2h"))
        }
        if Double(trimmed) != nil {
            return .failure(
                Failure(
                    "duration '\(trimmed)' has no unit",
                    hint: "add a unit: ms, s, m, h, d or w, as in \(trimmed)s"))
        }
        var total = 0.0
        var rest = Substring(trimmed)
        guard !rest.isEmpty else {
            return .failure(Failure("expected a duration such as 30s", hint: nil))
        }
        while !rest.isEmpty {
            let number = rest.prefix { $0.isNumber || $0 == "." }
            let afterNumber = rest.dropFirst(number.count)
            let unit = afterNumber.prefix { $0.isLetter }
            guard let value = Double(number),
                let scale = unitMillis.first(where: { $0.0 == String(unit) })?.1
            else {
                return .failure(
                    Failure(
                        "'\(trimmed)' is not a duration",
                        hint: "write a number and a unit (ms, s, m, h, d, w), such as 30s or 1h30m")
                )
            }
            total += value * scale
            rest = afterNumber.dropFirst(unit.count)
        }
        guard total < 1e15 else {
            return .failure(Failure("duration '\(trimmed)' is too long", hint: nil))
        }
        // Timestamps have millisecond precision, so a finer duration could only be rounded away.
        guard abs(total - total.rounded()) < 1e-6 else {
            return .failure(
                Failure(
                    "duration '\(trimmed)' is not a whole number of milliseconds",
                    hint: "timestamps have millisecond precision"))
        }
        return .success(Int64(total.rounded()))
    }

    /// `9%`, `12.5%` or a fraction such as `0.09`; between 0% and 100%.
    static func rate(_ text: String) -> Result<Rate, Failure> {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let fraction: Double
        if trimmed.hasSuffix("%") {
            guard let percent = Double(trimmed.dropLast().trimmingCharacters(in: .whitespaces))
            else {
                return .failure(
                    Failure(
                        "'\(trimmed)' is not a rate", hint: "write a share such as 9% or 0.09"))
            }
            fraction = percent / 100
        } else if let value = Double(trimmed) {
            guard value <= 1 else {
                return .failure(
                    Failure(
                        "rate must be between 0% and 100%; got \(trimmed)",
                        hint: "a number without % is a fraction between 0 and 1"
                            + (value <= 100
                                ? "; did you mean \(trimmed)%?" : ": write 9% or 0.09")))
            }
            fraction = value
        } else {
            return .failure(
                Failure(
                    "'\(trimmed)' is not a rate", hint: "write a share such as 9% or 0.09"))
        }
        guard fraction.isFinite, fraction >= 0, fraction <= 1 else {
            return .failure(
                Failure(
                    "rate must be between 0% and 100%; got \(trimmed)",
                    hint: "a conversion rate is a share of the users at the previous step"))
        }
        return .success(Rate(fraction))
    }

    /// `3` or `1..4`: an inclusive range of whole numbers, not negative.
    static func intRange(_ text: String) -> Result<IntRange, Failure> {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let parts = trimmed.components(separatedBy: "..")
        let bounds = parts.map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !trimmed.contains("...") else {
            return .failure(
                Failure("'\(trimmed)' has three dots", hint: "write a range with two: 1..4"))
        }
        let hint = "write a whole number such as 2 or a range such as 1..4"
        guard (1...2).contains(parts.count), let lower = bounds.first ?? nil,
            let upper = bounds.last ?? nil
        else {
            return .failure(Failure("'\(trimmed)' is not a whole number or range", hint: hint))
        }
        guard lower >= 0 else {
            return .failure(Failure("count must not be negative; got \(trimmed)", hint: hint))
        }
        guard lower <= upper else {
            return .failure(
                Failure(
                    "range \(trimmed) is empty: \(lower) is above \(upper)",
                    hint: "put the smaller number first: \(upper)..\(lower)"))
        }
        return .success(IntRange(lower, upper))
    }

    /// An amount with at most `decimals` digits after the point, in minor units.
    static func money(_ text: String, decimals: Int, currency: String) -> Result<Int64, Failure> {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let parts = trimmed.split(separator: ".", omittingEmptySubsequences: false)
        let hint = "write an amount such as \(decimals == 0 ? "500" : "24.99")"
        guard (1...2).contains(parts.count), let whole = Int64(parts[0]), whole >= 0,
            parts[0].allSatisfy(\.isNumber)
        else {
            return .failure(Failure("'\(trimmed)' is not an amount of money", hint: hint))
        }
        let fraction = parts.count == 2 ? String(parts[1]) : ""
        guard fraction.allSatisfy(\.isNumber) else {
            return .failure(Failure("'\(trimmed)' is not an amount of money", hint: hint))
        }
        guard fraction.count <= decimals else {
            return .failure(
                Failure(
                    "\(currency) amounts have \(decimals) decimals; got \(trimmed)", hint: hint))
        }
        var scale: Int64 = 1
        for _ in 0..<decimals { scale *= 10 }
        let padded = fraction.padding(toLength: decimals, withPad: "0", startingAt: 0)
        let (product, overflow) = whole.multipliedReportingOverflow(by: scale)
        guard !overflow else {
            return .failure(Failure("amount \(trimmed) is too large", hint: hint))
        }
        return .success(product + (Int64(padded) ?? 0))
    }

    /// A delay: `30s`, `10s..2m`, `exponential(20s)`, `normal(5m, 1m)`, `lognormal(2m, 0.8)`,
    /// each distribution optionally followed by bounds: `exponential(20s) in 1s..10m`.
    static func delay(_ text: String) -> Result<Delay, Failure> {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let hint =
            "write 30s, 10s..2m, exponential(20s), normal(5m, 1m) or lognormal(2m, 0.8),"
            + " optionally followed by bounds such as 'in 1s..10m'"
        guard let open = trimmed.firstIndex(of: "(") else {
            if trimmed.contains("..") {
                return durationRange(trimmed).map {
                    Delay(.uniform(lower: $0.lowerBound, upper: $0.upperBound))
                }
            }
            return duration(trimmed).map { Delay(.fixed(millis: $0)) }
        }
        let name = trimmed[..<open].trimmingCharacters(in: .whitespaces).lowercased()
        guard let close = trimmed.firstIndex(of: ")"), close > open else {
            return .failure(Failure("'\(trimmed)' is missing a closing parenthesis", hint: hint))
        }
        let arguments = trimmed[trimmed.index(after: open)..<close]
            .split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        let tail = trimmed[trimmed.index(after: close)...].trimmingCharacters(in: .whitespaces)

        var bounds: ClosedRange<Int64>?
        if !tail.isEmpty {
            guard tail.hasPrefix("in ") else {
                return .failure(Failure("unexpected '\(tail)' after \(name)(…)", hint: hint))
            }
            switch durationRange(String(tail.dropFirst(3))) {
            case .success(let range): bounds = range
            case .failure(let failure): return .failure(failure)
            }
        }

        func arity(_ count: Int) -> Failure? {
            arguments.count == count
                ? nil
                : Failure(
                    "\(name) takes \(count) argument\(count == 1 ? "" : "s"); got \(arguments.count)",
                    hint: hint)
        }
        let distribution: Delay.Distribution
        switch name {
        case "exponential":
            if let failure = arity(1) { return .failure(failure) }
            switch duration(arguments[0]) {
            case .success(let mean): distribution = .exponential(mean: mean)
            case .failure(let failure): return .failure(failure)
            }
        case "normal":
            if let failure = arity(2) { return .failure(failure) }
            switch (duration(arguments[0]), duration(arguments[1])) {
            case (.success(let mean), .success(let deviation)):
                distribution = .normal(mean: mean, deviation: deviation)
            case (.failure(let failure), _), (_, .failure(let failure)):
                return .failure(failure)
            }
        case "lognormal", "log-normal":
            if let failure = arity(2) { return .failure(failure) }
            guard let sigma = Double(arguments[1]), sigma >= 0, sigma.isFinite else {
                return .failure(
                    Failure(
                        "lognormal's second argument is sigma, a number such as 0.8; got \(arguments[1])",
                        hint: hint))
            }
            switch duration(arguments[0]) {
            case .success(let median): distribution = .logNormal(median: median, sigma: sigma)
            case .failure(let failure): return .failure(failure)
            }
        default:
            let known = ["exponential", "normal", "lognormal"]
            let suggestion = Suggestions.closest(to: name, in: known).map {
                "did you mean '\($0)'? "
            }
            return .failure(
                Failure(
                    "unknown distribution '\(name)'", hint: (suggestion ?? "") + hint))
        }
        return .success(Delay(distribution, bounds: bounds))
    }

    /// `2m..5m`: two durations, the first not above the second.
    static func durationRange(_ text: String) -> Result<ClosedRange<Int64>, Failure> {
        let parts = text.components(separatedBy: "..")
        guard parts.count == 2, !text.contains("...") else {
            return .failure(
                Failure(
                    "'\(text)' is not a range of durations", hint: "write two durations: 10s..2m"))
        }
        switch (duration(parts[0]), duration(parts[1])) {
        case (.success(let lower), .success(let upper)):
            guard lower <= upper else {
                return .failure(
                    Failure(
                        "range \(text) is empty: its start is after its end",
                        hint: "put the shorter duration first"))
            }
            return .success(lower...upper)
        case (.failure(let failure), _), (_, .failure(let failure)):
            return .failure(failure)
        }
    }

    /// Whether `YYYY-MM-DDTHH:MM:SS` at the start of `text` names a real day and time; the
    /// system's parser would roll `2026-02-30` over into March and `24:00` into the next day.
    private static func hasValidCalendarFields(_ text: String) -> Bool {
        let digits = Array(text.utf8.prefix(19))
        guard digits.count == 19 else { return true }
        func number(_ range: Range<Int>) -> Int? {
            Int(String(decoding: digits[range], as: UTF8.self))
        }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
            let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19)
        else { return true }
        let components = DateComponents(year: year, month: month, day: day)
        let calendar = Calendar(identifier: .gregorian)
        return (1...12).contains(month) && components.isValidDate(in: calendar) && hour < 24
            && minute < 60 && second < 60
    }

    /// An RFC 3339 instant with an offset, such as `2026-11-27T00:00:00-05:00`, in epoch millis.
    static func instant(_ text: String) -> Result<Int64, Failure> {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let dot = trimmed.firstIndex(of: "."),
            trimmed[trimmed.index(after: dot)...].prefix(while: \.isNumber).count > 3
        {
            return .failure(
                Failure(
                    "'\(trimmed)' is more precise than a millisecond",
                    hint:
                        "timestamps have millisecond precision; write at most 3 digits after the second"
                ))
        }
        guard Self.hasValidCalendarFields(trimmed) else {
            return .failure(
                Failure(
                    "'\(trimmed)' is not a real date and time",
                    hint: "check the month, day, hour, minute and second"))
        }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let date =
            formatter.date(from: trimmed)
            ?? {
                formatter.formatOptions = [.withInternetDateTime]
                return formatter.date(from: trimmed)
            }()
        guard let date else {
            return .failure(
                Failure(
                    "'\(trimmed)' is not an RFC 3339 instant",
                    hint: "write a date, a time and an offset, such as 2026-11-27T00:00:00-05:00"))
        }
        return .success(Int64((date.timeIntervalSince1970 * 1000).rounded()))
    }
}

/// "Did you mean" suggestions for misspelled names.
public enum Suggestions {
    /// The candidate closest to `word` by edit distance, if it is close enough to be a typo.
    public static func closest(to word: String, in candidates: [String]) -> String? {
        let lowered = word.lowercased()
        let scored = candidates.map { ($0, distance(lowered, $0.lowercased())) }
        guard let best = scored.min(by: { $0.1 < $1.1 }) else { return nil }
        let allowed = max(1, min(3, word.count / 3))
        return best.1 <= allowed ? best.0 : nil
    }

    /// Levenshtein distance, counting an adjacent swap as one edit.
    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a)
        let b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous2 = [Int](repeating: 0, count: b.count + 1)
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    current[j] = min(current[j], previous2[j - 2] + 1)
                }
            }
            (previous2, previous, current) = (previous, current, previous2)
        }
        return previous[b.count]
    }
}
