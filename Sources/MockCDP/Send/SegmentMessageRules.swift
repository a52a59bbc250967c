/// A message that passed Segment's rules, with the parts the sender edits located in its bytes.
struct CheckedMessage: Sendable {
    /// The message as compact JSON, exactly as it will be sent apart from the edits below.
    var compact: [UInt8]
    var type: String
    /// The `messageId` as the input wrote it (decoded), if any.
    var messageID: String?
    var messageIDRange: Range<Int>?
    var timestamp: EventTime?
    /// Where the `timestamp` and `originalTimestamp` values lie, for rebasing.
    var timeRanges: [(range: Range<Int>, time: EventTime)]
}

/// The problem with a message line; the column is a 1-based byte column.
struct MessageProblem: Error, Sendable {
    var column: Int
    var message: String
}

/// What Segment requires of every message in a batch, checked before anything is sent.
///
/// Segment answers 200 for a batch and then silently drops a message that breaks these rules,
/// so the sender refuses such input up front rather than losing events without a word.
enum SegmentMessageRules {
    /// Sorted, for the error message; a short array is searched faster than a set is hashed.
    static let types = ["alias", "group", "identify", "page", "screen", "track"]

    static func check(_ line: UnsafeBufferPointer<UInt8>) throws(MessageProblem) -> CheckedMessage {
        let scanned: JSONObjectScanner.Result
        do {
            scanned = try JSONObjectScanner.scan(line)
        } catch {
            throw MessageProblem(column: error.offset + 1, message: "invalid JSON: \(error.reason)")
        }
        return try check(scanned)
    }

    static func check(_ scanned: JSONObjectScanner.Result) throws(MessageProblem) -> CheckedMessage
    {
        // One pass puts the members that matter in their slots: a switch over a few short keys
        // costs far less per message than hashing every key into sets.
        var watched = WatchedMembers()
        for member in scanned.members {
            guard let slot = WatchedMembers.Slot(member.key) else { continue }
            guard watched[slot] == nil else {
                throw MessageProblem(column: 1, message: "duplicate key \"\(member.key)\"")
            }
            watched[slot] = member
        }
        let text = { (member: JSONMember) -> String in
            decodedString(scanned.compact[member.valueRange])
        }

        guard let typeMember = watched[.type], typeMember.kind == .string else {
            throw MessageProblem(column: 1, message: "missing \"type\" (track, identify, ...)")
        }
        let type = text(typeMember)
        guard types.contains(type) else {
            throw MessageProblem(
                column: 1,
                message: "unknown type \"\(type)\"; expected one of "
                    + types.joined(separator: ", "))
        }

        func identifies(_ member: JSONMember?) -> Bool {
            switch member?.kind {
            case .string: !isEmptyString(member!)
            case .number: true
            default: false
            }
        }
        guard identifies(watched[.userId]) || identifies(watched[.anonymousId]) else {
            throw MessageProblem(column: 1, message: "a message needs a userId or an anonymousId")
        }
        try requireText(watched[.event], "event", when: type == "track", type: type)
        try requireText(watched[.groupId], "groupId", when: type == "group", type: type)
        try requireText(watched[.previousId], "previousId", when: type == "alias", type: type)

        var messageID: String?
        var messageIDRange: Range<Int>?
        if let member = watched[.messageId], member.kind != .null {
            guard member.kind == .string, !isEmptyString(member) else {
                throw MessageProblem(column: 1, message: "\"messageId\" must be a non-empty string")
            }
            messageID = text(member)
            messageIDRange = member.valueRange
        }

        var timestamp: EventTime?
        var timeRanges: [(range: Range<Int>, time: EventTime)] = []
        for slot in [WatchedMembers.Slot.timestamp, .originalTimestamp] {
            guard let member = watched[slot], member.kind != .null else { continue }
            let bytes = scanned.compact[member.valueRange]
            guard member.kind == .string, !bytes.contains(UInt8(ascii: "\\")),
                let time = EventTime(iso8601Bytes: bytes.dropFirst().dropLast())
            else {
                throw MessageProblem(
                    column: 1,
                    message: "\"\(slot.key)\" must be an ISO-8601 time with a zone, "
                        + "such as 2024-05-01T12:00:04.756Z")
            }
            if slot == .timestamp { timestamp = time }
            timeRanges.append((member.valueRange, time))
        }

        return CheckedMessage(
            compact: scanned.compact, type: type, messageID: messageID,
            messageIDRange: messageIDRange, timestamp: timestamp, timeRanges: timeRanges)
    }

    /// Whether a string member is `""`; any longer token, escapes included, decodes to text.
    private static func isEmptyString(_ member: JSONMember) -> Bool {
        member.valueRange.count <= 2
    }

    private static func requireText(
        _ member: JSONMember?, _ key: String, when required: Bool, type: String
    ) throws(MessageProblem) {
        guard required else { return }
        let present: Bool
        switch member?.kind {
        case .string: present = !isEmptyString(member!)
        case .number: present = key != "event"
        default: present = false
        }
        guard present else {
            throw MessageProblem(column: 1, message: "a \(type) message needs \"\(key)\"")
        }
    }
}

/// The members the rules look at, one slot per key. A second member with one of these keys
/// would make the message mean different things to different readers, so it is an error.
private struct WatchedMembers {
    enum Slot: Int, CaseIterable {
        case type, userId, anonymousId, event, messageId, timestamp, originalTimestamp, groupId
        case previousId

        init?(_ key: String) {
            switch key {
            case "type": self = .type
            case "userId": self = .userId
            case "anonymousId": self = .anonymousId
            case "event": self = .event
            case "messageId": self = .messageId
            case "timestamp": self = .timestamp
            case "originalTimestamp": self = .originalTimestamp
            case "groupId": self = .groupId
            case "previousId": self = .previousId
            default: return nil
            }
        }

        /// The key as written in JSON, which is the case's name.
        var key: String { "\(self)" }
    }

    private var members = [JSONMember?](repeating: nil, count: Slot.allCases.count)

    subscript(slot: Slot) -> JSONMember? {
        get { members[slot.rawValue] }
        set { members[slot.rawValue] = newValue }
    }
}
