import Foundation

/// The messages of a compiled scenario as the sender reads them: the timeline's events in
/// order, numbered from 1 by their position.
///
/// The timeline is expanded lazily while the sender reads, so memory stays bounded by the
/// users active at one instant, as when writing NDJSON.
public struct ScenarioMessages: Sequence, Sendable {
    public let plan: Plan

    public init(plan: Plan) {
        self.plan = plan
    }

    public func makeIterator() -> Iterator {
        Iterator(timeline: Timeline(plan: plan))
    }

    public struct Iterator: IteratorProtocol {
        var timeline: Timeline
        var position = 0

        public mutating func next() -> MessageLine? {
            guard let event = timeline.next() else { return nil }
            position += 1
            return MessageLine(number: position, bytes: event.json)
        }
    }
}

extension InputIdentity {
    /// A scenario is identified by what it sends: its resolved plan (parameters, seed and
    /// included files applied) without the source locations of its steps, and the tool's
    /// version, which together fix every byte of its timeline. So the same scenario named by
    /// another path, or with comments or layout changed, resumes; other events do not.
    public static func scenario(path: String, plan: Plan) -> InputIdentity {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.userInfo[SourceLocation.omittedWhenEncoding] = true
        let encoded = (try? encoder.encode(plan)) ?? Data()
        let fingerprint = SHA256.hex(Array(encoded) + Array(Release.version.utf8))
        let absolute = URL(fileURLWithPath: path).standardizedFileURL.path
        return InputIdentity(
            kind: "scenario", path: absolute, size: nil, fingerprint: fingerprint, seed: plan.seed)
    }
}
