/// What a scenario's timeline realizes, step by step, against what its funnels declare.
///
/// Built by expanding the whole timeline once: each user's reached steps come from the
/// timeline's journey reports. An event's delay is what a step's `after` describes: the time
/// since the same user's previous event in the visit, or, for the visit's first event, since
/// the visit began (the user's arrival, or the end of the wait before a return). So the
/// first step's delay means the same for every user, signed in on arrival or not.
public struct FunnelStats: Sendable {
    public struct StepStats: Sendable {
        public var label: String
        public var optional: Bool
        /// The branch arm of the step, and the arm's weight.
        public var branch: BranchPosition?
        public var armWeight: Double?
        /// The rate the scenario declares, from the previous step (or from arrival).
        public var declared: Rate
        /// Users who came to the step: still in the funnel and on the step's branch arm.
        public var eligible: Int
        /// Users who reached this step.
        public var reached: Int
        /// Messages the step sent, counting repeats.
        public var events: Int
        /// Delays before the step's messages, in milliseconds, sorted: one per message.
        public var delays: [Int64]

        /// The sum, over the users who came to the step, of their own rate (cohorts lift
        /// rates), and of its binomial variance.
        public var expectedSum = 0.0
        public var varianceSum = 0.0

        /// The rate expected of the users who came to the step: the declared rate, unless
        /// cohorts lift it for some of them.
        public var expected: Double? {
            eligible > 0 ? expectedSum / Double(eligible) : nil
        }

        /// `reached / eligible`, or `nil` when nobody was eligible.
        public var realized: Double? {
            eligible > 0 ? Double(reached) / Double(eligible) : nil
        }

        /// The standard error of the realized rate, if each user's expected rate were the truth.
        public var standardError: Double? {
            guard eligible > 0 else { return nil }
            return varianceSum.squareRoot() / Double(eligible)
        }

        /// The delay that `fraction` of the delays do not exceed (nearest rank).
        public func delayPercentile(_ fraction: Double) -> Int64? {
            percentile(delays, fraction)
        }
    }

    public struct FunnelSummary: Sendable {
        public var name: String
        /// Visits that followed this funnel: one per user, more for returning users.
        public var users: Int
        /// For each branch, each arm's weight and the users who came to the branch and took it.
        public var branches: [[(weight: Double, users: Int)]]
        public var steps: [StepStats]
    }

    public var funnels: [FunnelSummary]
    public var users: Int
    /// Whether users come back, so that a funnel counts visits rather than users.
    public var hasReturningUsers: Bool
    /// Whether cohorts lift some users' rates, so that the expected rate is worth showing.
    public var hasCohorts: Bool
    public var events: Int

    /// Expands `plan` and gathers the figures of every funnel step.
    public init(plan: Plan) {
        var funnels = plan.funnels.map { funnel in
            FunnelSummary(
                name: funnel.name, users: 0,
                branches: funnel.branches.map { $0.map { (weight: $0, users: 0) } },
                steps: funnel.steps.map {
                    StepStats(
                        label: $0.call.label, optional: $0.optional, branch: $0.branch,
                        armWeight: $0.branch.map { funnel.branches[$0.branch][$0.arm] },
                        declared: $0.rate, eligible: 0, reached: 0, events: 0, delays: [])
                })
        }
        let catalog = PlannerCatalog(plan: plan)
        // Users whose messages are still to come, with the visits that send them.
        var visits: [Int: VisitProgress] = [:]
        var timeline = Timeline(
            plan: plan,
            onVisit: { visit in
                Self.count(visit, into: &funnels, catalog: catalog)
                if visit.messages > 0 {
                    visits[visit.user, default: VisitProgress()].add(visit)
                }
            })
        var events = 0
        while let event = timeline.next() {
            events += 1
            // The identify call of a signed-in arrival belongs to no step and no visit.
            guard let step = event.step else { continue }
            funnels[step.funnel].steps[step.step].events += 1
            guard let delay = visits[event.user]?.delay(before: event.millis) else { continue }
            funnels[step.funnel].steps[step.step].delays.append(delay)
            if visits[event.user]?.isFinished == true {
                visits[event.user] = nil
            }
        }
        for funnel in funnels.indices {
            for step in funnels[funnel].steps.indices {
                funnels[funnel].steps[step].delays.sort()
            }
        }
        self.funnels = funnels
        self.users = plan.population.users
        hasReturningUsers = plan.population.returning != nil
        hasCohorts = plan.population.cohorts.contains { $0.lift != 1 }
        self.events = events
    }

    private static func count(
        _ visit: JourneyVisit, into funnels: inout [FunnelSummary], catalog: PlannerCatalog
    ) {
        let funnel = visit.funnel
        let user = visit.user
        let steps = visit.reached
        let lift = visit.cohort.map { catalog.plan.population.cohorts[$0].lift } ?? 1
        funnels[funnel].users += 1
        // Replays the walk of the journey: a user is at a step when still in the funnel and
        // on the step's branch arm; not converting ends the walk unless the step is optional.
        let plan = catalog.plan.funnels[funnel]
        var arms: [Int: Int] = [:]
        for (index, step) in plan.steps.enumerated() {
            if let position = step.branch {
                let arm: Int
                if let chosen = arms[position.branch] {
                    arm = chosen
                } else {
                    arm = catalog.arm(
                        user: user, funnel: funnel, branch: position.branch, visit: visit.number)
                    arms[position.branch] = arm
                    funnels[funnel].branches[position.branch][arm].users += 1
                }
                guard arm == position.arm else { continue }
            }
            funnels[funnel].steps[index].eligible += 1
            let rate = step.rate(lift: lift).fraction
            funnels[funnel].steps[index].expectedSum += rate
            funnels[funnel].steps[index].varianceSum += rate * (1 - rate)
            if steps.contains(where: { $0.step == index }) {
                funnels[funnel].steps[index].reached += 1
            } else if !step.optional {
                break
            }
        }
    }
}

/// Where one user is in their visits while their messages come out of the timeline, which
/// gives each message in the order the user sent them.
private struct VisitProgress {
    /// When each visit that sent messages began, and how many it sent, first visit first.
    private var visits: [(startMillis: Int64, messages: Int)] = []
    private var current = 0
    /// Messages of the current visit seen so far.
    private var seen = 0
    private var previousMillis: Int64 = 0

    /// Whether every message of every visit has been seen.
    var isFinished: Bool { current == visits.count }

    mutating func add(_ visit: JourneyVisit) {
        visits.append((visit.startMillis, visit.messages))
    }

    /// The delay before the user's next message, sent at `millis`: from the previous message
    /// of its visit, or from the visit's start for its first.
    mutating func delay(before millis: Int64) -> Int64? {
        guard !isFinished else { return nil }
        let from = seen == 0 ? visits[current].startMillis : previousMillis
        previousMillis = millis
        seen += 1
        if seen == visits[current].messages {
            current += 1
            seen = 0
        }
        return millis - from
    }
}

extension FunnelStats.StepStats {
    /// Whether the realized rate lies within three standard errors of the expected one.
    public var isWithinThreeStandardErrors: Bool {
        guard let realized, let expected, let standardError else { return true }
        return abs(realized - expected) <= 3 * standardError + 1e-12
    }
}
