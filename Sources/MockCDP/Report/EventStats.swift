/// Counts of an NDJSON file of Segment messages, from any source: messages per type and
/// name, and how messages spread over users.
public struct EventStats: Sendable {
    public struct Name: Hashable, Sendable, Comparable {
        /// The message type: track, page, screen, identify, group or alias.
        public var type: String
        /// The event of a track, the name of a page or screen; empty for other types.
        public var name: String

        public static func < (lhs: Name, rhs: Name) -> Bool {
            (lhs.type, lhs.name) < (rhs.type, rhs.name)
        }
    }

    public private(set) var messages = 0
    public private(set) var counts: [Name: Int] = [:]
    /// Messages per user, keyed by anonymousId, or userId when there is none.
    public private(set) var perUser: [String: Int] = [:]
    public private(set) var firstTimestamp: String?
    public private(set) var lastTimestamp: String?

    public init() {}

    /// Why a line is not a Segment message.
    public struct BadLine: Error, Sendable {
        public var line: Int
        /// 1-based byte column where reading stopped, or 1 for a problem with the whole message.
        public var column: Int
        public var message: String
    }

    /// Adds one NDJSON line; blank lines are skipped.
    public mutating func add(line: [UInt8], number: Int) throws(BadLine) {
        guard line.contains(where: { $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "\t") }) else {
            return
        }
        let scanned: JSONObjectScanner.Result
        do {
            scanned = try JSONObjectScanner.scan(line)
        } catch {
            throw BadLine(
                line: number, column: error.offset + 1, message: "invalid JSON: \(error.reason)")
        }
        guard let message = Message(scanned) else {
            throw BadLine(
                line: number, column: 1,
                message: "not a Segment message: 'type' must be text, and so must 'event', 'name', "
                    + "'anonymousId', 'userId' and 'timestamp' where present")
        }
        let name = message.event ?? message.name ?? ""
        counts[Name(type: message.type, name: name), default: 0] += 1
        perUser[message.anonymousId ?? message.userId ?? "", default: 0] += 1
        messages += 1
        if let timestamp = message.timestamp {
            // RFC 3339 instants in UTC compare as text; others are shown as found.
            if firstTimestamp.map({ timestamp < $0 }) ?? true { firstTimestamp = timestamp }
            if lastTimestamp.map({ timestamp > $0 }) ?? true { lastTimestamp = timestamp }
        }
    }

    /// The fields counted, read from the scanned line without building the rest of the message.
    private struct Message {
        var type: String
        var event: String?
        var name: String?
        var anonymousId: String?
        var userId: String?
        var timestamp: String?

        /// `nil` when `type` is not text or another field is present but neither text nor null.
        init?(_ scanned: JSONObjectScanner.Result) {
            var wrongKind = false
            func text(_ key: StaticString) -> String? {
                guard let member = scanned.member(key) else { return nil }
                switch member.kind {
                case .string: return decodedString(scanned.compact[member.valueRange])
                case .null: return nil
                default:
                    wrongKind = true
                    return nil
                }
            }
            guard let type = text("type") else { return nil }
            self.type = type
            event = text("event")
            name = text("name")
            anonymousId = text("anonymousId")
            userId = text("userId")
            timestamp = text("timestamp")
            if wrongKind { return nil }
        }
    }

    /// Messages per user, sorted, for percentiles.
    public var messagesPerUser: [Int] { perUser.values.sorted() }
}

/// The value that `fraction` of sorted `values` do not exceed, by nearest rank.
public func percentile<Value>(_ values: [Value], _ fraction: Double) -> Value? {
    guard !values.isEmpty else { return nil }
    let rank = Int((fraction * Double(values.count)).rounded(.up))
    return values[min(values.count, max(1, rank)) - 1]
}
