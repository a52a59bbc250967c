import Foundation

/// A small, fast, portable pseudo-random generator (SplitMix64) with the draws the planner needs.
///
/// Every stream is keyed by what it is for (the seed, a user, a step), never by
/// how many draws came before elsewhere: that is what keeps an edit to one step
/// from moving the events of any other step. The sequence for a key is the same
/// on every machine and every version of the standard library.
public struct RandomStream: RandomNumberGenerator, Sendable {
    private var state: UInt64

    /// A stream for the given key parts, such as `[seed, user, step]`.
    public init(key parts: [UInt64]) {
        state = Self.initialState
        for part in parts { absorb(part) }
    }

    // Streams are made for every message and step, so keys of two to six parts, such as
    // `(seed, user, step)`, have initialisers that do not gather the parts into an array.

    public init(_ first: UInt64, _ second: UInt64) {
        state = Self.initialState
        absorb(first)
        absorb(second)
    }

    public init(_ first: UInt64, _ second: UInt64, _ third: UInt64) {
        self.init(first, second)
        absorb(third)
    }

    public init(_ first: UInt64, _ second: UInt64, _ third: UInt64, _ fourth: UInt64) {
        self.init(first, second, third)
        absorb(fourth)
    }

    public init(
        _ first: UInt64, _ second: UInt64, _ third: UInt64, _ fourth: UInt64, _ fifth: UInt64
    ) {
        self.init(first, second, third, fourth)
        absorb(fifth)
    }

    public init(
        _ first: UInt64, _ second: UInt64, _ third: UInt64, _ fourth: UInt64, _ fifth: UInt64,
        _ sixth: UInt64
    ) {
        self.init(first, second, third, fourth, fifth)
        absorb(sixth)
    }

    private static let initialState: UInt64 = 0x6D6F_636B_6364_7031

    @inline(__always)
    private mutating func absorb(_ part: UInt64) {
        state = Self.mix(state ^ Self.mix(part &+ 0x9E37_79B9_7F4A_7C15))
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return Self.mix(state)
    }

    /// A double in [0, 1) with 53 random bits.
    public mutating func unit() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// A double in (0, 1], safe to take the logarithm of.
    public mutating func unitExcludingZero() -> Double {
        Double((next() >> 11) + 1) * 0x1.0p-53
    }

    /// True with probability `rate`.
    public mutating func chance(_ rate: Rate) -> Bool {
        rate.fraction >= 1 || unit() < rate.fraction
    }

    /// A whole number drawn uniformly from the inclusive range.
    public mutating func int(in range: IntRange) -> Int {
        guard range.upper > range.lower else { return range.lower }
        let span = UInt64(range.upper - range.lower) + 1
        return range.lower + Int(below(span))
    }

    /// A whole number in `0..<bound`, without modulo bias (Lemire's method).
    public mutating func below(_ bound: UInt64) -> UInt64 {
        var product = next().multipliedFullWidth(by: bound)
        if product.low < bound {
            let threshold = (0 &- bound) % bound
            while product.low < threshold {
                product = next().multipliedFullWidth(by: bound)
            }
        }
        return product.high
    }

    /// An exponential draw with the given mean.
    public mutating func exponential(mean: Double) -> Double {
        -mean * log(unitExcludingZero())
    }

    /// A standard normal draw (Box–Muller; one of the pair is used so the draw count is fixed).
    public mutating func standardNormal() -> Double {
        let radius = (-2 * log(unitExcludingZero())).squareRoot()
        return radius * cos(2 * Double.pi * unit())
    }

    /// The index of a choice drawn by weight; weights are positive.
    public mutating func index(weights: [Double]) -> Int {
        let total = weights.reduce(0, +)
        var target = unit() * total
        for (index, weight) in weights.enumerated() {
            if target < weight { return index }
            target -= weight
        }
        return weights.count - 1
    }

    /// Fills 16 bytes, for identifiers in UUID form.
    public mutating func uuidBytes() -> (UInt64, UInt64) {
        (next(), next())
    }

    /// The SplitMix64 finaliser: a bijective mix with good avalanche.
    @inline(__always)
    static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A stable 64-bit key for a name (FNV-1a), so that streams can be keyed by funnel names.
    public static func key(_ name: String) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in name.utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
        }
        return hash
    }
}
