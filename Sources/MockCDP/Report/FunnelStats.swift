/// What a scenario's timeline realizes, step by step, against what its funnels declare.
///
/// Built by expanding the whole timeline once: each user's reached steps come from the
/// timeline's journey reports, and each event's delay is the time since the same user's
/// previous event, which is what a step's `after` describes.
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
        /// Delays before the step's messages, in milliseconds, sorted.
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
        // When returning users' later visits begin: the wait before a visit is not a step's.
        var returns: [Int: [Int64]] = [:]
        var timeline = Timeline(
            plan: plan,
            onVisit: { visit in
                Self.count(visit, into: &funnels, catalog: catalog)
                if visit.number > 0 { returns[visit.user, default: []].append(visit.startMillis) }
            })
        var lastMillis: [Int: Int64] = [:]
        var events = 0
        while let event = timeline.next() {
            events += 1
            defer { lastMillis[event.user] = event.millis }
            guard let step = event.step else { continue }
            funnels[step.funnel].steps[step.step].events += 1
            guard let previous = lastMillis[event.user] else { continue }
            if let starts = returns[event.user],
                starts.contains(where: { previous < $0 && $0 <= event.millis })
            {
                continue
            }
            funnels[step.funnel].steps[step.step].delays.append(event.millis - previous)
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

extension FunnelStats.StepStats {
    /// Whether the realized rate lies within three standard errors of the expected one.
    public var isWithinThreeStandardErrors: Bool {
        guard let realized, let expected, let standardError else { return true }
        return abs(realized - expected) <= 3 * standardError + 1e-12
    }
}
