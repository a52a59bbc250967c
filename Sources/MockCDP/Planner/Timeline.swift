/// The time-ordered stream of every user's messages.
///
/// Users are expanded one at a time, in arrival order; their messages wait in a
/// heap until no user still to arrive could send anything earlier. Memory holds
/// the messages of users active at one instant, not the whole timeline.
public struct Timeline: Sequence, IteratorProtocol {
    private let catalog: PlannerCatalog
    private var arrivals: Arrivals
    private var nextArrival: (user: Int, millis: Int64)?
    private var pending = EventHeap()
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

    public mutating func next() -> TimelineEvent? {
        while true {
            if let earliest = pending.first,
                nextArrival.map({ earliest.millis < $0.millis }) ?? true
            {
                return pending.removeFirst()
            }
            guard let arrival = nextArrival else { return nil }
            nextArrival = arrivals.next()
            guard includesUser(arrival.user) else { continue }
            let profile = UserProfile(
                index: arrival.user, plan: catalog.plan, funnelWeights: catalog.funnelWeights)
            var journey = Journey(catalog: catalog, profile: profile)
            for event in journey.run(arrival: arrival.millis) {
                pending.insert(event)
            }
            onJourney?(arrival.user, journey.reached)
            if let onVisit { journey.visits.forEach(onVisit) }
        }
    }
}

/// A binary min-heap of events in timeline order.
struct EventHeap {
    private var items: [TimelineEvent] = []

    var first: TimelineEvent? { items.first }
    var count: Int { items.count }

    mutating func insert(_ event: TimelineEvent) {
        items.append(event)
        var child = items.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard items[child].precedes(items[parent]) else { break }
            items.swapAt(child, parent)
            child = parent
        }
    }

    mutating func removeFirst() -> TimelineEvent {
        let top = items[0]
        let last = items.removeLast()
        guard !items.isEmpty else { return top }
        items[0] = last
        var parent = 0
        while true {
            let left = 2 * parent + 1
            let right = left + 1
            var smallest = parent
            if left < items.count, items[left].precedes(items[smallest]) { smallest = left }
            if right < items.count, items[right].precedes(items[smallest]) { smallest = right }
            guard smallest != parent else { return top }
            items.swapAt(parent, smallest)
            parent = smallest
        }
    }
}
