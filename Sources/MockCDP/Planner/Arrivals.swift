/// The arrival time of every user, in index order, which is also time order.
///
/// User `i` arrives no earlier than user `i - 1`, so the timeline can expand users
/// one by one as time passes and keep only those still active in memory.
/// Each arrival is drawn from a stream keyed by the user's index.
struct Arrivals: Sequence, IteratorProtocol {
    private let users: Int
    private let start: Int64
    private let duration: Double
    private let pattern: ArrivalPattern
    private let seed: UInt64
    private let curve: ArrivalCurve?
    private var index = 0
    /// For Poisson arrivals: the sum of the `users + 1` exponential gaps, and the running sum.
    private var totalGaps = 0.0
    private var elapsedGaps = 0.0

    init(plan: Plan) {
        users = plan.population.users
        start = plan.startMillis
        duration = Double(plan.durationMillis)
        pattern = plan.population.arrivals
        seed = plan.seed
        curve = plan.population.arrivalShape.map {
            ArrivalCurve(
                shape: $0, startMillis: plan.startMillis, durationMillis: plan.durationMillis,
                timezone: plan.timezone)
        }
        if pattern == .poisson {
            // Arrival times of a Poisson process given N arrivals are N sorted uniforms,
            // which are the partial sums of N + 1 exponential gaps divided by their total.
            for user in 0...users { totalGaps += gap(user) }
        }
    }

    private func gap(_ user: Int) -> Double {
        var random = RandomStream(seed, UInt64(user), RandomStream.key("arrival"))
        return random.exponential(mean: 1)
    }

    /// The next user's index and arrival instant in epoch milliseconds.
    mutating func next() -> (user: Int, millis: Int64)? {
        guard index < users else { return nil }
        let fraction: Double
        switch pattern {
        case .uniform:
            var random = RandomStream(seed, UInt64(index), RandomStream.key("arrival"))
            fraction = (Double(index) + random.unit()) / Double(users)
        case .poisson:
            elapsedGaps += gap(index)
            fraction = elapsedGaps / totalGaps
        }
        let user = index
        index += 1
        if let curve {
            return (user, start + curve.offset(at: fraction))
        }
        return (user, start + Int64((fraction * duration).rounded(.down)))
    }
}
