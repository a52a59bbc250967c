/// The time-ordered stream of every user's messages.
///
/// Users are expanded one at a time, in arrival order; their messages wait in a
/// heap until no user still to arrive could send anything earlier. Memory holds
/// the messages of users active at one instant, not the whole timeline.
public struct Timeline: Sequence, IteratorProtocol {
    private let catalog: PlannerCatalog
    private var arrivals: Arrivals
    private var nextArrival: (user: Int, millis: Int64)?
    private var pending = PendingEvents()
    /// What each user's journey writes into, handed from one journey to the next.
    private var buffers = JourneyBuffers()
    private let includesUser: (Int) -> Bool
    /// Called with each expanded user's converted steps, for reports such as `stats`.
    private let onJourney: ((Int, [StepReference]) -> Void)?
    /// Called with each visit of each expanded user, first visits first.
    private let onVisit: ((JourneyVisit) -> Void)?

    /// - Parameters:
    ///   - plan: the checked scenario.
    ///   - includesUser: which users to expand, by index; all of them unless sharding.
    ///   - onJourney: receives each expanded user's index and the steps they reached, over
    ///     all their visits.
    ///   - onVisit: receives each visit of each expanded user, with its funnel and steps.
    public init(
        plan: Plan, includesUser: @escaping (Int) -> Bool = { _ in true },
        onJourney: ((Int, [StepReference]) -> Void)? = nil,
        onVisit: ((JourneyVisit) -> Void)? = nil
    ) {
        catalog = PlannerCatalog(plan: plan)
        arrivals = Arrivals(plan: plan)
        nextArrival = arrivals.next()
        self.includesUser = includesUser
        self.onJourney = onJourney
        self.onVisit = onVisit
    }

    /// The buffers, leaving none behind, so that the journey given them holds the only copy.
    private mutating func takeBuffers() -> JourneyBuffers {
        let taken = buffers
        buffers = .none
        return taken
    }

    public mutating func next() -> TimelineEvent? {
        while true {
            if let earliest = pending.firstMillis,
                nextArrival.map({ earliest < $0.millis }) ?? true
            {
                return pending.removeFirst()
            }
            guard let arrival = nextArrival else { return nil }
            nextArrival = arrivals.next()
            guard includesUser(arrival.user) else { continue }
            let profile = UserProfile(index: arrival.user, catalog: catalog)
            var journey = Journey(
                catalog: catalog, profile: profile, buffers: takeBuffers(),
                recordsVisits: onJourney != nil || onVisit != nil)
            pending.insert(journey.run(arrival: arrival.millis))
            buffers = journey.takeBuffers()
            onJourney?(arrival.user, journey.reached)
            if let onVisit { journey.visits.forEach(onVisit) }
        }
    }
}

/// The events of the users still active: a binary min-heap of users, each with their
/// remaining events (already in time order), keyed by their next event.
///
/// Keeping one entry per user rather than per event makes the heap smaller and each
/// move cheaper; the order the events come out in is the same.
struct PendingEvents {
    private struct Queue {
        var events: [TimelineEvent]
        var next = 0
        /// The next event's place in timeline order, kept apart so that comparing two
        /// queues copies no event.
        var key: TimelinePosition

        init(events: [TimelineEvent]) {
            self.events = events
            key = events[0].position
        }
    }

    private var queues: [Queue] = []

    /// The time of the next event, without copying it.
    var firstMillis: Int64? { queues.first?.key.millis }

    /// Adds one user's events, which are in timeline order.
    mutating func insert(_ events: [TimelineEvent]) {
        guard !events.isEmpty else { return }
        queues.append(Queue(events: events))
        var child = queues.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard queues[child].key < queues[parent].key else { break }
            queues.swapAt(child, parent)
            child = parent
        }
    }

    mutating func removeFirst() -> TimelineEvent {
        let next = queues[0].next
        let event = queues[0].events[next]
        if next + 1 == queues[0].events.count {
            let last = queues.removeLast()
            guard !queues.isEmpty else { return event }
            queues[0] = last
        } else {
            queues[0].next = next + 1
            queues[0].key = queues[0].events[next + 1].position
        }
        var parent = 0
        while true {
            let left = 2 * parent + 1
            let right = left + 1
            var smallest = parent
            if left < queues.count, queues[left].key < queues[smallest].key {
                smallest = left
            }
            if right < queues.count, queues[right].key < queues[smallest].key {
                smallest = right
            }
            guard smallest != parent else { return event }
            queues.swapAt(parent, smallest)
            parent = smallest
        }
    }
}
