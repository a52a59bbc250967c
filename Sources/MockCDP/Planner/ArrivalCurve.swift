import Foundation

/// The cumulative intensity of a shaped arrival process, and its inverse.
///
/// The duration is cut into buckets of one minute (coarser for durations beyond a year),
/// each with the intensity at its middle. Local hours and weekdays come from the scenario's
/// timezone at each bucket, so a daylight-saving change moves the curve with the clocks.
/// Mapping sorted fractions through the inverse keeps them sorted: user `i` still arrives
/// no earlier than user `i - 1`.
struct ArrivalCurve: Sendable {
    private let bucketMillis: Int64
    private let durationMillis: Int64
    /// `cumulative[k]`: the intensity of the buckets before `k`; one more entry than buckets.
    private let cumulative: [Double]

    init(shape: ArrivalShape, startMillis: Int64, durationMillis: Int64, timezone: String) {
        let zone = TimeZone(identifier: timezone) ?? TimeZone(identifier: "UTC")!
        let minute: Int64 = 60_000
        // At most about 600,000 buckets: one-minute buckets for durations up to 416 days.
        bucketMillis = (durationMillis / (600_000 * minute) + 1) * minute
        self.durationMillis = durationMillis
        let buckets = Int((durationMillis + bucketMillis - 1) / bucketMillis)
        var cumulative = [0.0]
        cumulative.reserveCapacity(buckets + 1)
        var running = 0.0
        for bucket in 0..<buckets {
            let begin = Int64(bucket) * bucketMillis
            let end = min(durationMillis, begin + bucketMillis)
            let middle = startMillis + (begin + end) / 2
            let intensity = Self.intensity(
                shape, at: middle, progress: Double((begin + end) / 2) / Double(durationMillis),
                zone: zone)
            running += intensity * Double(end - begin)
            cumulative.append(running)
        }
        self.cumulative = cumulative
    }

    /// Whether any moment of the duration has an intensity above zero.
    var hasArrivals: Bool { (cumulative.last ?? 0) > 0 }

    /// The relative intensity at `millis`: ramp × weekday weight × daily curve.
    static func intensity(
        _ shape: ArrivalShape, at millis: Int64, progress: Double, zone: TimeZone
    ) -> Double {
        var level = 1.0
        if let ramp = shape.ramp {
            level *= ramp.from + (ramp.to - ramp.from) * progress
        }
        guard shape.weekdays != nil || shape.peakMinute != nil else { return level }

        let date = Date(timeIntervalSince1970: Double(millis) / 1000)
        let localSeconds = Double(millis) / 1000 + Double(zone.secondsFromGMT(for: date))
        let days = (localSeconds / 86_400).rounded(.down)
        if let weekdays = shape.weekdays {
            // 1970-01-01 was a Thursday, index 3 with Monday first.
            let weekday = (Int(days) % 7 + 7 + 3) % 7
            level *= weekdays[weekday]
        }
        if let peak = shape.peakMinute {
            // A cosine a day long whose top is the middle of the busiest hour.
            let hour = (localSeconds - days * 86_400) / 3600
            let top = Double(peak) / 60 + 0.5
            let wave = (1 + cos(2 * Double.pi * (hour - top) / 24)) / 2
            level *= shape.trough + (1 - shape.trough) * wave
        }
        return level
    }

    /// The offset from the start, in milliseconds, below which `fraction` of the arrivals fall.
    func offset(at fraction: Double) -> Int64 {
        guard let total = cumulative.last, total > 0 else {
            return Int64(fraction * Double(durationMillis))
        }
        let target = fraction * total
        var low = 0
        var high = cumulative.count - 1
        // The last k with cumulative[k] <= target.
        while high - low > 1 {
            let middle = (low + high) / 2
            if cumulative[middle] <= target { low = middle } else { high = middle }
        }
        let begin = Int64(low) * bucketMillis
        let end = min(durationMillis, begin + bucketMillis)
        let mass = cumulative[low + 1] - cumulative[low]
        let within = mass > 0 ? (target - cumulative[low]) / mass : 0
        return min(durationMillis - 1, begin + Int64((within * Double(end - begin)).rounded(.down)))
    }
}
