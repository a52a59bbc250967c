/// A message ready to go into a batch: salted `messageId`, optionally rebased times, compact.
struct PreparedMessage: Sendable {
    /// The line (or timeline position) the message came from.
    var line: Int
    /// The compact JSON as it will be sent; its count is what Segment's 32 KB limit applies to.
    var bytes: [UInt8]
    /// The `messageId` as sent.
    var messageID: String
    /// The event time from the input, before any rebasing: pacing follows these offsets.
    var eventTime: EventTime?
}

/// Applies a run's edits to checked messages.
///
/// The edits splice new values into the message's bytes; every other byte is kept, so the
/// properties a scenario or fixture wrote reach Segment unchanged.
struct MessagePreparer: Sendable {
    var salt: MessageIDSalt
    /// Milliseconds added to `timestamp` and `originalTimestamp` (`--rebase-now`), if any.
    var timeShift: Int64?

    func prepare(_ line: MessageLine) throws(MessageProblem) -> PreparedMessage {
        prepare(try SegmentMessageRules.check(line.bytes), line: line.number)
    }

    func prepare(_ checked: CheckedMessage, line: Int) -> PreparedMessage {
        let messageID =
            checked.messageID.map(salt.salted) ?? salt.derived(line: line)
        var edits: [(range: Range<Int>, bytes: [UInt8])] = []
        let idToken = jsonStringToken(messageID)
        if let range = checked.messageIDRange {
            edits.append((range, idToken))
        } else {
            // After the opening brace; a checked message always has members, hence the comma.
            edits.append((1..<1, Array("\"messageId\":".utf8) + idToken + [UInt8(ascii: ",")]))
        }
        if let timeShift, timeShift != 0 {
            for (range, time) in checked.timeRanges {
                let shifted = EventTime(
                    millisecondsSinceEpoch: time.millisecondsSinceEpoch + timeShift)
                edits.append(
                    (range, [UInt8(ascii: "\"")] + shifted.iso8601Bytes + [UInt8(ascii: "\"")]))
            }
        }
        edits.sort { $0.range.lowerBound < $1.range.lowerBound }

        var bytes: [UInt8] = []
        bytes.reserveCapacity(checked.compact.count + 64)
        var position = 0
        for edit in edits {
            bytes.append(contentsOf: checked.compact[position..<edit.range.lowerBound])
            bytes.append(contentsOf: edit.bytes)
            position = edit.range.upperBound
        }
        bytes.append(contentsOf: checked.compact[position...])
        return PreparedMessage(
            line: line, bytes: bytes, messageID: messageID, eventTime: checked.timestamp)
    }
}
