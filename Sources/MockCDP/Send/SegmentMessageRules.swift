/// A message that passed Segment's rules, with the parts the sender edits located in its bytes.
struct CheckedMessage: Sendable {
    /// The message as compact JSON, exactly as it will be sent apart from the edits below.
    var compact: [UInt8]
    /// One of `SegmentMessageRules.types`.
    var type: StaticString
    var messageIDRange: Range<Int>?
    /// The `timestamp` and `originalTimestamp` values, where present and not null.
    var timestampValue: TimeValue?
    var originalTimestampValue: TimeValue?

    /// A time in the message and where its text lies, quotes included.
    struct TimeValue: Sendable {
        var range: Range<Int>
        var time: EventTime
    }

    /// The `messageId` as the input wrote it (decoded), if any.
    var messageID: String? {
        messageIDRange.map { decodedString(compact[$0]) }
    }

    var timestamp: EventTime? { timestampValue?.time }

    /// Where the `timestamp` and `originalTimestamp` values lie, for rebasing.
    var timeRanges: [(range: Range<Int>, time: EventTime)] {
        [timestampValue, originalTimestampValue].compactMap { $0.map { ($0.range, $0.time) } }
    }
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
    static let types: [StaticString] = ["alias", "group", "identify", "page", "screen", "track"]

    /// Checks a line and returns it with what the sender needs; a compact line is kept as it is,
    /// sharing the array's storage.
    static func check(_ line: [UInt8]) throws(MessageProblem) -> CheckedMessage {
        let scanned: JSONObjectScanner.Result
        do {
            scanned = try JSONObjectScanner.scan(line)
        } catch {
            throw invalidJSON(error)
        }
        let findings = try scanned.compact.withUnsafeBufferPointer {
            compact throws(MessageProblem) in try check(scanned.members, in: compact)
        }
        return CheckedMessage(
            compact: scanned.compact, type: findings.type,
            messageIDRange: findings.messageIDRange, timestampValue: findings.timestamp,
            originalTimestampValue: findings.originalTimestamp)
    }

    /// Checks a line where it lies and keeps nothing: the check of a whole file before sending,
    /// which copies a line only if it has whitespace to drop.
    static func check(inPlace line: UnsafeBufferPointer<UInt8>) throws(MessageProblem) {
        let scanned: (members: [JSONMember], compacted: [UInt8]?)
        do {
            scanned = try JSONObjectScanner.scanInPlace(line)
        } catch {
            throw invalidJSON(error)
        }
        guard let compacted = scanned.compacted else {
            _ = try check(scanned.members, in: line)
            return
        }
        _ = try compacted.withUnsafeBufferPointer { compact throws(MessageProblem) in
            try check(scanned.members, in: compact)
        }
    }

    private static func invalidJSON(_ error: JSONScanError) -> MessageProblem {
        MessageProblem(column: error.offset + 1, message: "invalid JSON: \(error.reason)")
    }

    /// What the check finds out about a message besides its bytes.
    private struct Findings {
        var type: StaticString
        var messageIDRange: Range<Int>?
        var timestamp: CheckedMessage.TimeValue?
        var originalTimestamp: CheckedMessage.TimeValue?
    }

    private static func check(
        _ members: [JSONMember], in compact: UnsafeBufferPointer<UInt8>
    ) throws(MessageProblem) -> Findings {
        // One pass puts the members that matter in their slots: comparing the bytes of a few
        // short keys costs far less per message than decoding every key.
        var watched = WatchedMembers(members)
        for (index, member) in members.enumerated() {
            guard let slot = WatchedMembers.Slot(member, in: compact) else { continue }
            guard watched[slot] == nil else {
                throw MessageProblem(
                    column: 1, message: "duplicate key \"\(member.key(in: compact))\"")
            }
            watched.place(index, in: slot)
        }

        guard let typeMember = watched[.type], typeMember.kind == .string else {
            throw MessageProblem(column: 1, message: "missing \"type\" (track, identify, ...)")
        }
        let typeToken = UnsafeBufferPointer(rebasing: compact[typeMember.valueRange])
        let typeIsPlain = !typeToken.contains { $0 == UInt8(ascii: "\\") || $0 >= 0x80 }
        func isType(_ name: StaticString) -> Bool {
            stringToken(typeToken, reads: name, isPlain: typeIsPlain)
        }
        guard let type = types.first(where: isType) else {
            let text = decodedString(ArraySlice(typeToken))
            throw MessageProblem(
                column: 1,
                message: "unknown type \"\(text)\"; expected one of "
                    + types.map(\.description).joined(separator: ", "))
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
        try requireText(watched[.event], "event", when: isType("track"), type: type)
        try requireText(watched[.groupId], "groupId", when: isType("group"), type: type)
        try requireText(watched[.previousId], "previousId", when: isType("alias"), type: type)

        var messageIDRange: Range<Int>?
        if let member = watched[.messageId], member.kind != .null {
            guard member.kind == .string, !isEmptyString(member) else {
                throw MessageProblem(column: 1, message: "\"messageId\" must be a non-empty string")
            }
            messageIDRange = member.valueRange
        }

        return Findings(
            type: type, messageIDRange: messageIDRange,
            timestamp: try time(watched, .timestamp, in: compact),
            originalTimestamp: try time(watched, .originalTimestamp, in: compact))
    }

    /// The time in the member of `slot`, if present and not null.
    private static func time(
        _ watched: WatchedMembers, _ slot: WatchedMembers.Slot,
        in compact: UnsafeBufferPointer<UInt8>
    ) throws(MessageProblem) -> CheckedMessage.TimeValue? {
        guard let member = watched[slot], member.kind != .null else { return nil }
        let range = member.valueRange
        func problem() -> MessageProblem {
            MessageProblem(
                column: 1,
                message: "\"\(slot.name)\" must be an ISO-8601 time with a zone, "
                    + "such as 2024-05-01T12:00:04.756Z")
        }
        guard member.kind == .string else { throw problem() }
        let text = UnsafeBufferPointer(
            rebasing: compact[(range.lowerBound + 1)..<(range.upperBound - 1)])
        // The text is read as written: a time with an escape, which no ISO-8601 time needs, is
        // refused by the parser like any other stray byte.
        guard let time = EventTime(iso8601Bytes: text) else { throw problem() }
        return CheckedMessage.TimeValue(range: range, time: time)
    }

    /// Whether a string member is `""`; any longer token, escapes included, decodes to text.
    private static func isEmptyString(_ member: JSONMember) -> Bool {
        member.valueRange.count <= 2
    }

    private static func requireText(
        _ member: JSONMember?, _ key: String, when required: Bool, type: StaticString
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

        /// The slot of a member, found by comparing bytes when the key is plain ASCII.
        init?(_ member: JSONMember, in compact: UnsafeBufferPointer<UInt8>) {
            guard member.keyIsPlain else {
                // A key with escapes or other characters is compared as text, so that
                // `"\u0074ype"` is `type` as for any other reader.
                let key = member.key(in: compact)
                guard let slot = Self.allCases.first(where: { $0.name.description == key }) else {
                    return nil
                }
                self = slot
                return
            }
            // Only one slot has a key of each length, or for 9 bytes of each first letter: that
            // one is the only candidate, and the bytes confirm it.
            let candidate: Slot
            switch member.keyRange.count - 2 {
            case 4: candidate = .type
            case 5: candidate = .event
            case 6: candidate = .userId
            case 7: candidate = .groupId
            case 9:
                let first = compact[member.keyRange.lowerBound + 1]
                candidate = first == UInt8(ascii: "m") ? .messageId : .timestamp
            case 10: candidate = .previousId
            case 11: candidate = .anonymousId
            case 17: candidate = .originalTimestamp
            default: return nil
            }
            guard member.hasKey(candidate.name, in: compact) else { return nil }
            self = candidate
        }

        /// The key as written in JSON.
        var name: StaticString {
            switch self {
            case .type: "type"
            case .userId: "userId"
            case .anonymousId: "anonymousId"
            case .event: "event"
            case .messageId: "messageId"
            case .timestamp: "timestamp"
            case .originalTimestamp: "originalTimestamp"
            case .groupId: "groupId"
            case .previousId: "previousId"
            }
        }
    }

    private let members: [JSONMember]
    /// The index in `members` of each slot's member, or -1, one for each of the nine slots; kept
    /// inline, since an array would be allocated for every message.
    private var indices = InlineArray<9, Int>(repeating: -1)

    init(_ members: [JSONMember]) {
        self.members = members
    }

    /// Puts the member at `index` of the members in `slot`.
    mutating func place(_ index: Int, in slot: Slot) {
        indices[slot.rawValue] = index
    }

    subscript(slot: Slot) -> JSONMember? {
        let index = indices[slot.rawValue]
        return index < 0 ? nil : members[index]
    }
}
