import Foundation

extension Delay {
    /// One draw in whole milliseconds, never negative.
    func sample(_ random: inout RandomStream) -> Int64 {
        let value: Double
        switch distribution {
        case .fixed(let millis):
            value = Double(millis)
        case .uniform(let lower, let upper):
            value = Double(lower) + random.unit() * Double(upper - lower)
        case .exponential(let mean):
            value = random.exponential(mean: Double(mean))
        case .normal(let mean, let deviation):
            value = Double(mean) + Double(deviation) * random.standardNormal()
        case .logNormal(let median, let sigma):
            value = Double(median) * exp(sigma * random.standardNormal())
        }
        var millis = value.isFinite ? Int64(max(0, min(value, 1e15)).rounded()) : 0
        if let bounds { millis = min(max(millis, bounds.lowerBound), bounds.upperBound) }
        return millis
    }
}
