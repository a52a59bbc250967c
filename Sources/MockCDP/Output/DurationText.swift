import Foundation

/// Lengths of time as people read them in a terminal: `850ms`, `12.4s`, `3m05s`, `2h10m`,
/// `3d04h`. Used by `stats` for delays and by `send` for elapsed time and ETA.
public enum DurationText {
    public static func describe(millis: Int64) -> String {
        if millis < 1000 { return "\(max(0, millis))ms" }
        if millis < 60_000 { return String(format: "%.1fs", Double(millis) / 1000) }
        let seconds = millis / 1000
        if seconds < 3600 { return String(format: "%dm%02ds", seconds / 60, seconds % 60) }
        let minutes = seconds / 60
        if minutes < 48 * 60 { return String(format: "%dh%02dm", minutes / 60, minutes % 60) }
        return String(format: "%dd%02dh", minutes / 1440, (minutes / 60) % 24)
    }

    public static func describe(seconds: Double) -> String {
        describe(millis: seconds.isFinite ? Int64((seconds * 1000).rounded()) : 0)
    }
}
