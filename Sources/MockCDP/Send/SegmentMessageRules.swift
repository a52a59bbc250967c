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
    static let types: Set<String> = ["track", "identify", "page", "screen", "group", "alias"]

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
        var seen: Set<String> = []
        for member in scanned.members where watchedKeys.contains(member.key) {
            guard seen.insert(member.key).inserted else {
                throw MessageProblem(column: 1, message: "duplicate key \"\(member.key)\"")
            }
        }
        let text = { (member: JSONMember) -> String in
            decodedString(scanned.compact[member.valueRange])
        }

        guard let typeMember = scanned.member("type"), typeMember.kind == .string else {
            throw MessageProblem(column: 1, message: "missing \"type\" (track, identify, ...)")
        }
        let type = text(typeMember)
        guard types.contains(type) else {
            throw MessageProblem(
                column: 1,
                message: "unknown type \"\(type)\"; expected one of "
                    + types.sorted().joined(separator: ", "))
        }

        let hasIdentity = ["userId", "anonymousId"].contains { key in
            guard let member = scanned.member(key) else { return false }
            switch member.kind {
            case .string: return !text(member).isEmpty
            case .number: return true
            default: return false
            }
        }
        guard hasIdentity else {
            throw MessageProblem(column: 1, message: "a message needs a userId or an anonymousId")
        }
        try requireText(scanned, "event", when: type == "track", type: type)
        try requireText(scanned, "groupId", when: type == "group", type: type)
        try requireText(scanned, "previousId", when: type == "alias", type: type)

        var messageID: String?
        var messageIDRange: Range<Int>?
        if let member = scanned.member("messageId"), member.kind != .null {
            guard member.kind == .string, !text(member).isEmpty else {
                throw MessageProblem(column: 1, message: "\"messageId\" must be a non-empty string")
            }
            messageID = text(member)
            messageIDRange = member.valueRange
        }

        var timestamp: EventTime?
        var timeRanges: [(range: Range<Int>, time: EventTime)] = []
        for key in ["timestamp", "originalTimestamp"] {
            guard let member = scanned.member(key), member.kind != .null else { continue }
            let bytes = scanned.compact[member.valueRange]
            guard member.kind == .string, !bytes.contains(UInt8(ascii: "\\")),
                let time = EventTime(iso8601Bytes: bytes.dropFirst().dropLast())
            else {
                throw MessageProblem(
                    column: 1,
                    message: "\"\(key)\" must be an ISO-8601 time with a zone, "
                        + "such as 2024-05-01T12:00:04.756Z")
            }
            if key == "timestamp" { timestamp = time }
            timeRanges.append((member.valueRange, time))
        }

        return CheckedMessage(
            compact: scanned.compact, type: type, messageID: messageID,
            messageIDRange: messageIDRange, timestamp: timestamp, timeRanges: timeRanges)
    }

    /// Keys whose duplicates would make the message mean different things to different readers.
    private static let watchedKeys: Set<String> = [
        "type", "userId", "anonymousId", "event", "messageId", "timestamp", "originalTimestamp",
        "groupId", "previousId",
    ]

    private static func requireText(
        _ scanned: JSONObjectScanner.Result, _ key: String, when required: Bool, type: String
    ) throws(MessageProblem) {
        guard required else { return }
        let member = scanned.member(key)
        let present: Bool
        switch member?.kind {
        case .string: present = decodedString(scanned.compact[member!.valueRange]) != ""
        case .number: present = key != "event"
        default: present = false
        }
        guard present else {
            throw MessageProblem(column: 1, message: "a \(type) message needs \"\(key)\"")
        }
    }
}
