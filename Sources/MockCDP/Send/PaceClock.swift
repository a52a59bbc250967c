/// Maps event times to wall-clock instants for `--pace realtime` and `--pace Nx`.
///
/// The first event seen (after a resume, the first one not yet delivered) is due at once;
/// each later one is due when its offset from that event, divided by the factor, has passed.
/// An event without a timestamp is due with the event before it, and an event earlier than
/// the one before it is due at once.
struct PaceClock {
    let pace: Pace
    private var origin: (event: EventTime, wall: ContinuousClock.Instant)?
    private var lastEventTime: EventTime?

    init(pace: Pace) {
        self.pace = pace
    }

    /// When the message with this event time should be sent; `nil` means now.
    mutating func due(eventTime: EventTime?) -> ContinuousClock.Instant? {
        guard case .scaled(let factor) = pace else { return nil }
        guard let time = eventTime ?? lastEventTime else { return nil }
        lastEventTime = time
        guard let origin else {
            self.origin = (time, .now)
            return nil
        }
        let offset = Double(time.millisecondsSinceEpoch - origin.event.millisecondsSinceEpoch)
        guard offset > 0 else { return nil }
        return origin.wall + .milliseconds(Int64(offset / factor))
    }
}
