/// One message of the timeline, already encoded as a compact JSON object.
public struct TimelineEvent: Sendable {
    /// The message's `timestamp`, in milliseconds since the Unix epoch.
    public var millis: Int64
    public var messageId: String
    /// The UTF-8 JSON of the message, without a trailing newline.
    public var json: [UInt8]
    /// The user who sent it, by index.
    public var user: Int
    /// The funnel step that sent it; `nil` for the identify call of a signed-in arrival.
    public var step: StepReference?

    /// Timeline order: by time, then by messageId, so that ties break the same way in
    /// a single run and in a merge of shards.
    func precedes(_ other: TimelineEvent) -> Bool {
        millis != other.millis ? millis < other.millis : messageId < other.messageId
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
}
