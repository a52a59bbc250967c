/// One problem `mockcdp lint` found on one line of an NDJSON file.
public struct LintFinding: Sendable, Equatable {
    public var severity: Diagnostic.Severity
    /// 1-based line number in the file.
    public var line: Int
    /// 1-based byte column, for JSON syntax errors.
    public var column: Int?
    public var message: String
    /// What to know or do about it, when the message alone does not say.
    public var hint: String? = nil
}

/// Checks Segment messages, one NDJSON line at a time, against Segment's specs.
///
/// What it checks, per line: the line is a JSON object of at most 32 KB (UTF-8
/// bytes, Segment's limit per message); the fields every call needs (`type`, a
/// `userId` or `anonymousId`, `event` for track, `groupId` for group, `previousId`
/// and `userId` for alias) and their types; `timestamp`, `sentAt` and
/// `originalTimestamp` in ISO-8601 form; `messageId` at most 100 characters and
/// unique within the run; the types of the standard e-commerce properties (money
/// as numbers, quantities as whole numbers, `products` as a list of objects);
/// and that order amounts add up within a cent. Memory grows with the number of
/// messages only by one 64-bit hash per `messageId`.
public struct MessageLinter {
    public static let maximumMessageIdLength = 100

    static let callTypes: Set = ["identify", "track", "page", "screen", "group", "alias"]

    private var seenIds: [UInt64: Int] = [:]
    private var findings: [LintFinding] = []
    private var line = 0

    /// Lines checked so far that held a JSON value.
    public private(set) var messages = 0
    /// Lines that held no JSON at all.
    public private(set) var unparsable = 0

    public init() {}

    /// Checks one line (without its newline) and returns what is wrong with it.
    ///
    /// `lineNumber` is the line's number in its file; duplicate `messageId`s are
    /// found across every line given to this linter, whatever its file.
    public mutating func check(line bytes: [UInt8], number lineNumber: Int) -> [LintFinding] {
        findings = []
        line = lineNumber
        if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) {
            warning("blank line")
            return findings
        }
        if bytes.count > SendConfiguration.Limits.messageBytes {
            error(
                "message is \(bytes.count) bytes; Segment accepts at most "
                    + "\(SendConfiguration.Limits.messageBytes) (32 KB)",
                hint: SendConfiguration.Limits.oversizedMessageHint)
        }
        let value: JSONValue
        do {
            value = try JSONLineParser.parse(bytes)
        } catch {
            unparsable += 1
            findings.append(
                LintFinding(
                    severity: .error, line: line, column: error.column,
                    message: "invalid JSON: \(error.message)"))
            return findings
        }
        messages += 1
        guard case .object(let message) = value else {
            self.error("a message must be a JSON object; got \(Self.kind(value))")
            return findings
        }
        checkMessage(message)
        return findings
    }

    // MARK: Calls

    private mutating func checkMessage(_ message: JSONObject) {
        let type: String?
        switch message["type"] {
        case .string(let text)?:
            type = text
            if !Self.callTypes.contains(text) {
                error(
                    "unknown type '\(text)'; expected identify, track, page, screen, group or alias"
                )
            }
        case nil:
            type = nil
            error("missing 'type'")
        case let other?:
            type = nil
            error("'type' must be a string; got \(Self.kind(other))")
        }

        checkIdentity(message, type: type)
        checkMessageId(message["messageId"])
        for key in ["timestamp", "sentAt", "originalTimestamp", "receivedAt"] {
            if let value = message[key] { checkTimestamp(value, key: key) }
        }
        for key in ["context", "integrations", "properties", "traits"] {
            if let value = message[key], !value.isObject {
                error("'\(key)' must be an object; got \(Self.kind(value))")
            }
        }

        switch type {
        case "track":
            switch message["event"] {
            case .string(let name)?:
                if name.isEmpty { error("'event' is empty") }
                if case .object(let properties)? = message["properties"] {
                    checkProperties(properties, event: name)
                }
            case nil: error("a track call needs 'event'")
            case let other?: error("'event' must be a string; got \(Self.kind(other))")
            }
        case "identify":
            if message["traits"] == nil { warning("an identify call without 'traits'") }
        case "group":
            checkId(message["groupId"], key: "groupId", call: "a group call")
        case "alias":
            checkId(message["previousId"], key: "previousId", call: "an alias call")
        case "page", "screen":
            if let name = message["name"], !name.isString {
                error("'name' must be a string; got \(Self.kind(name))")
            }
        default:
            break
        }
    }

    private mutating func checkIdentity(_ message: JSONObject, type: String?) {
        var present = false
        for key in ["userId", "anonymousId"] {
            switch message[key] {
            case nil, .null?: break
            case .string(let text)?:
                if text.isEmpty { error("'\(key)' is empty") } else { present = true }
            case .int?, .double?:
                present = true
                warning("'\(key)' is a number; Segment stores ids as strings")
            case let other?: error("'\(key)' must be a string; got \(Self.kind(other))")
            }
        }
        if type == "alias" {
            if message["userId"] == nil { error("an alias call needs 'userId'") }
        } else if !present {
            error("a message needs 'userId' or 'anonymousId'")
        }
    }

    private mutating func checkId(_ value: JSONValue?, key: String, call: String) {
        switch value {
        case nil, .null?: error("\(call) needs '\(key)'")
        case .string(let text)?: if text.isEmpty { error("'\(key)' is empty") }
        case .int?, .double?: warning("'\(key)' is a number; Segment stores ids as strings")
        case let other?: error("'\(key)' must be a string; got \(Self.kind(other))")
        }
    }

    private mutating func checkMessageId(_ value: JSONValue?) {
        guard let value else {
            warning("no 'messageId'; Segment makes one, so a re-sent message is not deduplicated")
            return
        }
        guard case .string(let id) = value else {
            error("'messageId' must be a string; got \(Self.kind(value))")
            return
        }
        if id.count > Self.maximumMessageIdLength {
            error(
                "'messageId' has \(id.count) characters; Segment accepts at most "
                    + "\(Self.maximumMessageIdLength)")
        }
        let hash = Self.fingerprint(id)
        if let first = seenIds[hash] {
            error("duplicate messageId '\(id)' (first on line \(first)); Segment drops repeats")
        } else {
            seenIds[hash] = line
        }
    }

    /// FNV-1a: a 64-bit fingerprint, so that ten million ids take a few hundred
    /// megabytes less than the ids themselves would.
    private static func fingerprint(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        return hash
    }

    private mutating func checkTimestamp(_ value: JSONValue, key: String) {
        guard case .string(let text) = value else {
            error("'\(key)' must be an ISO-8601 string; got \(Self.kind(value))")
            return
        }
        if !ISO8601Text.isValid(text) {
            error(
                "'\(key)' is not an ISO-8601 instant: '\(text)'; "
                    + "write e.g. 2026-03-10T14:05:00.000Z")
        }
    }

    // MARK: Properties

    private mutating func checkProperties(_ properties: JSONObject, event: String) {
        let spec = EcommerceSpec.event(named: event)
        let types = EcommerceSpec.propertyTypes(of: event)
        for member in properties.members {
            guard let type = types[member.key] else { continue }
            let what = spec == nil ? "'\(member.key)'" : "'\(member.key)' of \(event)"
            if member.key == "products" {
                checkProducts(member.value)
            } else {
                checkType(member.value, type, what)
            }
        }
        checkTotals(properties)
    }

    private mutating func checkType(_ value: JSONValue, _ type: SpecType, _ what: String) {
        switch type {
        case .string:
            if !value.isString, value != .null {
                error("\(what) must be a string; got \(Self.kind(value))")
            }
        case .number: expectNumber(value, what)
        case .integer: expectInteger(value, what)
        case .products: break
        case .objects:
            guard case .array(let items) = value, items.allSatisfy(\.isObject) else {
                error("\(what) must be a list of objects; got \(Self.kind(value))")
                return
            }
        }
    }

    private mutating func checkProducts(_ value: JSONValue) {
        guard case .array(let items) = value else {
            error("'products' must be a list of objects; got \(Self.kind(value))")
            return
        }
        for (offset, item) in items.enumerated() {
            let what = "products[\(offset)]"
            guard case .object(let product) = item else {
                error("\(what) must be an object; got \(Self.kind(item))")
                continue
            }
            if product["product_id"] == nil, product["sku"] == nil {
                warning("\(what) has neither 'product_id' nor 'sku'")
            }
            for field in EcommerceSpec.productFields {
                guard let value = product[field.name] else { continue }
                checkType(value, field.type, "\(what).\(field.name)")
            }
        }
    }

    private mutating func expectNumber(_ value: JSONValue, _ what: String) {
        switch value {
        case .int, .double, .null: break
        case .string(let text):
            error("\(what) must be a number; got the string \"\(text.prefix(40))\"")
        default: error("\(what) must be a number; got \(Self.kind(value))")
        }
    }

    private mutating func expectInteger(_ value: JSONValue, _ what: String) {
        switch value {
        case .int, .null: break
        case .double(let number): error("\(what) must be a whole number; got \(number)")
        case .string(let text):
            error("\(what) must be a whole number; got the string \"\(text.prefix(40))\"")
        default: error("\(what) must be a whole number; got \(Self.kind(value))")
        }
    }

    /// The spec's arithmetic: subtotal = revenue − discount and
    /// total = subtotal + tax + shipping, each within a cent.
    private mutating func checkTotals(_ properties: JSONObject) {
        func amount(_ key: String) -> Double? {
            switch properties[key] {
            case .int(let whole)?: Double(whole)
            case .double(let number)?: number
            default: nil
            }
        }
        let tolerance = 0.01 + 1e-9
        if let revenue = amount("revenue"), let subtotal = amount("subtotal") {
            let discount = amount("discount") ?? 0
            if abs(subtotal - (revenue - discount)) > tolerance {
                error(
                    "subtotal \(Self.show(subtotal)) is not revenue \(Self.show(revenue)) − "
                        + "discount \(Self.show(discount))")
            }
        }
        if let subtotal = amount("subtotal"), let total = amount("total") {
            let tax = amount("tax") ?? 0
            let shipping = amount("shipping") ?? 0
            if abs(total - (subtotal + tax + shipping)) > tolerance {
                error(
                    "total \(Self.show(total)) is not subtotal \(Self.show(subtotal)) + tax "
                        + "\(Self.show(tax)) + shipping \(Self.show(shipping))")
            }
        }
    }

    private static func show(_ amount: Double) -> String { "\(amount)" }

    // MARK: Findings

    private mutating func error(_ message: String, hint: String? = nil) {
        findings.append(LintFinding(severity: .error, line: line, message: message, hint: hint))
    }

    private mutating func warning(_ message: String) {
        findings.append(LintFinding(severity: .warning, line: line, message: message))
    }

    static func kind(_ value: JSONValue) -> String {
        switch value {
        case .null: "null"
        case .bool: "a boolean"
        case .int, .double: "a number"
        case .string: "a string"
        case .array: "a list"
        case .object: "an object"
        }
    }
}

extension JSONValue {
    var isObject: Bool {
        if case .object = self { return true }
        return false
    }

    var isString: Bool {
        if case .string = self { return true }
        return false
    }
}

/// The ISO-8601 forms Segment's API accepts for instants.
enum ISO8601Text {
    /// `YYYY-MM-DDTHH:MM:SS`, optional fraction, then `Z` or `±HH:MM` (or `±HHMM`);
    /// a date alone is also accepted. Fields must be in range and the day must exist.
    static func isValid(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        var index = 0
        func digits(_ count: Int) -> Int? {
            guard bytes.count - index >= count else { return nil }
            var value = 0
            for byte in bytes[index..<index + count] {
                guard byte >= 0x30, byte <= 0x39 else { return nil }
                value = value * 10 + Int(byte - 0x30)
            }
            index += count
            return value
        }
        func expect(_ character: Character) -> Bool {
            guard index < bytes.count, bytes[index] == character.asciiValue else { return false }
            index += 1
            return true
        }
        guard let year = digits(4), expect("-"), let month = digits(2), expect("-"),
            let day = digits(2), (1...12).contains(month),
            day >= 1, day <= daysIn(month: month, year: year)
        else { return false }
        if index == bytes.count { return true }
        guard expect("T") || expect("t") || expect(" "), let hour = digits(2), hour < 24,
            expect(":"), let minute = digits(2), minute < 60, expect(":"),
            let second = digits(2), second < 61
        else { return false }
        if expect(".") {
            let start = index
            while index < bytes.count, bytes[index] >= 0x30, bytes[index] <= 0x39 { index += 1 }
            guard index > start else { return false }
        }
        if expect("Z") || expect("z") { return index == bytes.count }
        guard expect("+") || expect("-"), let offsetHours = digits(2), offsetHours < 24 else {
            return false
        }
        _ = expect(":")
        guard let offsetMinutes = digits(2), offsetMinutes < 60 else { return false }
        return index == bytes.count
    }

    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }
}
