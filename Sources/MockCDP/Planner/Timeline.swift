/// The time-ordered stream of every user's messages.
///
/// Users are expanded one visit at a time: a user's first visit when they arrive, in arrival
/// order, and each later visit of a returning user when it begins. Messages wait in a heap
/// until no visit still to be expanded could send anything earlier. Memory holds the messages
/// of the visits under way at one instant, and a few numbers per user waiting to return; not
/// the whole timeline.
public struct Timeline: Sequence, IteratorProtocol {
    private let catalog: PlannerCatalog
    private var arrivals: Arrivals
    private var nextArrival: (user: Int, millis: Int64)?
    private var returns = MinHeap<ReturningVisit>()
    private var pending = PendingEvents()
    /// What each visit's journey writes into, handed from one journey to the next.
    private var buffers = JourneyBuffers()
    private let includesUser: (Int) -> Bool
    /// Called with each visit of each expanded user, as it is expanded.
    private let onVisit: ((JourneyVisit) -> Void)?

    /// - Parameters:
    ///   - plan: the checked scenario.
    ///   - includesUser: which users to expand, by index; all of them unless sharding.
    ///   - onVisit: receives each visit of each expanded user, with its funnel and steps,
    ///     before any of the visit's messages come out of the timeline.
    public init(
        plan: Plan, includesUser: @escaping (Int) -> Bool = { _ in true },
        onVisit: ((JourneyVisit) -> Void)? = nil
    ) {
        catalog = PlannerCatalog(plan: plan)
        arrivals = Arrivals(plan: plan)
        nextArrival = arrivals.next()
        self.includesUser = includesUser
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
            let nextReturn = returns.first
            // A visit's messages are never earlier than its start, so what is pending and
            // earlier than every visit still to be expanded can go.
            if let earliest = pending.firstMillis,
                nextArrival.map({ earliest < $0.millis }) ?? true,
                nextReturn.map({ earliest < $0.startMillis }) ?? true
            {
                return pending.removeFirst()
            }
            if let visit = nextReturn, nextArrival.map({ visit.startMillis <= $0.millis }) ?? true {
                returns.removeFirst()
                expand(user: visit.user, arrival: visit.arrivalMillis, visit: visit.number)
                continue
            }
            guard let arrival = nextArrival else { return nil }
            nextArrival = arrivals.next()
            guard includesUser(arrival.user) else { continue }
            expand(user: arrival.user, arrival: arrival.millis, visit: 0)
        }
    }

    /// Expands one visit of a user into pending messages and notes their next visit, if any.
    private mutating func expand(user: Int, arrival: Int64, visit: Int) {
        let profile = UserProfile(index: user, catalog: catalog)
        var journey = Journey(
            catalog: catalog, profile: profile, buffers: takeBuffers(),
            recordsVisits: onVisit != nil)
        let (events, nextVisit) = journey.run(arrival: arrival, visit: visit)
        pending.insert(events)
        buffers = journey.takeBuffers()
        if let nextVisit {
            returns.insert(
                ReturningVisit(
                    startMillis: nextVisit, user: user, arrivalMillis: arrival, number: visit + 1))
        }
        if let onVisit, let expanded = journey.visit { onVisit(expanded) }
    }
}

/// A later visit of a returning user, waiting for its start to be expanded.
private struct ReturningVisit: Comparable {
    var startMillis: Int64
    var user: Int
    var arrivalMillis: Int64
    var number: Int

    /// By start; ties by user, so that expansion order never depends on the heap's layout.
    static func < (left: ReturningVisit, right: ReturningVisit) -> Bool {
        (left.startMillis, left.user) < (right.startMillis, right.user)
    }
}

/// The messages of the visits under way: a min-heap of visits, each with its remaining
/// messages (already in time order), keyed by its next message.
///
/// Keeping one entry per visit rather than per message makes the heap smaller and each
/// move cheaper; the order the messages come out in is the same.
struct PendingEvents {
    private struct Queue: Comparable {
        var events: [TimelineEvent]
        var next = 0
        /// The next message's place in timeline order, kept apart so that comparing two
        /// queues copies no message.
        var key: TimelinePosition

        init(events: [TimelineEvent]) {
            self.events = events
            key = events[0].position
        }

        static func < (left: Queue, right: Queue) -> Bool { left.key < right.key }
        static func == (left: Queue, right: Queue) -> Bool { left.key == right.key }
    }

    private var queues = MinHeap<Queue>()

    /// The time of the next message, without copying it.
    var firstMillis: Int64? { queues.first?.key.millis }

    /// Adds one visit's messages, which are in timeline order.
    mutating func insert(_ events: [TimelineEvent]) {
        guard !events.isEmpty else { return }
        queues.insert(Queue(events: events))
    }

    mutating func removeFirst() -> TimelineEvent {
        let (event, exhausted) = queues.updateFirst { queue in
            let event = queue.events[queue.next]
            queue.next += 1
            guard queue.next < queue.events.count else { return (event, true) }
            queue.key = queue.events[queue.next].position
            return (event, false)
        }
        if exhausted { queues.removeFirst() }
        return event
    }
}
