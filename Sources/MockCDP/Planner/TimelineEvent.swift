/// One message of the timeline, already encoded as a compact JSON object.
public struct TimelineEvent: Sendable {
    /// The message's `timestamp`, in milliseconds since the Unix epoch.
    public var millis: Int64
    /// The message's `messageId`, a UUID, kept as numbers so that ordering is cheap.
    public var messageIdBits: UUIDBits
    /// The UTF-8 JSON of the message, without a trailing newline: a slice of a buffer
    /// that all messages of one user share, so a message costs no allocation of its own.
    public var bytes: ArraySlice<UInt8>
    /// The user who sent it, by index.
    public var user: Int
    /// The funnel step that sent it; `nil` for the identify call of a signed-in arrival.
    public var step: StepReference?

    /// The UTF-8 JSON of the message, without a trailing newline, in an array of its own.
    public var json: [UInt8] { Array(bytes) }

    /// The message's `messageId` as written in its JSON.
    public var messageId: String { Identifiers.uuidString(messageIdBits) }

    /// The message's place in the timeline.
    var position: TimelinePosition {
        TimelinePosition(millis: millis, messageIdBits: messageIdBits)
    }
}

/// A step of a funnel, by position.
public struct StepReference: Sendable, Hashable {
    public var funnel: Int
    public var step: Int
}

/// One visit of a user: the funnel they followed and the steps they reached in it.
public struct JourneyVisit: Sendable, Equatable {
    public var user: Int
    /// 0 for the arrival, then 1, 2… for the visits of a returning user.
    public var number: Int
    public var funnel: Int
    /// The user's cohort, by index into the population's cohorts.
    public var cohort: Int?
    /// When the visit begins: the arrival, or the end of the wait before a return.
    public var startMillis: Int64
    public var reached: [StepReference]
    /// How many messages the visit sent. A user's messages come visit after visit, after
    /// the identify call of a signed-in arrival, which belongs to no visit.
    public var messages: Int
}

/// Timeline order: by time, then by messageId, so that ties break the same way in a single
/// run and in a merge of shards.
struct TimelinePosition: Comparable {
    var millis: Int64
    var messageIdBits: UUIDBits

    static func < (left: TimelinePosition, right: TimelinePosition) -> Bool {
        left.millis != right.millis
            ? left.millis < right.millis : left.messageIdBits < right.messageIdBits
    }
}
