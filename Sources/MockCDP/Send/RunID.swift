/// The identity of one send run: short, random, and kept by the checkpoint across `--resume`.
///
/// Segment drops a message whose `messageId` it has seen in about the last day. Salting every
/// id with the run id makes a deliberate re-run arrive as new events, while a resumed run reuses
/// the same ids, so anything sent twice is deduplicated by Segment.
public struct RunID: Hashable, Sendable, Codable, LosslessStringConvertible {
    /// Lowercase letters and digits only, so the id reads well inside a `messageId`.
    public let value: String

    static let alphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789".utf8)

    /// Reads a run id written by an earlier run; `nil` unless it is 4 to 32 letters or digits.
    public init?(_ description: String) {
        let allowed = description.utf8.allSatisfy { Self.alphabet.contains($0) }
        guard allowed, (4...32).contains(description.utf8.count) else { return nil }
        value = description
    }

    /// A new id of 10 characters (about 51 bits): distinct runs practically never share one.
    public static func random() -> RunID {
        var generator = SystemRandomNumberGenerator()
        let characters = (0..<10).map { _ in alphabet.randomElement(using: &generator)! }
        return RunID(String(decoding: characters, as: UTF8.self))!
    }

    public var description: String { value }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let id = RunID(text) else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: "not a run id: \(text)"))
        }
        self = id
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(value)
    }
}

/// Turns the `messageId`s of the input into the ids a run sends.
///
/// The result depends only on the run id and the original id (or the line, for messages that
/// have none), so re-sending a batch after a retry or a resume repeats exactly the same ids.
public struct MessageIDSalt: Sendable {
    /// Segment's limit on the length of a `messageId`.
    public static let maximumLength = 100

    public let runID: RunID

    public init(runID: RunID) {
        self.runID = runID
    }

    /// `original-runid`, or a digest of the original when that would pass 100 bytes.
    public func salted(_ original: String) -> String {
        let suffix = "-" + runID.value
        if original.utf8.count + suffix.utf8.count <= Self.maximumLength {
            return original + suffix
        }
        return "sha256-" + SHA256.hex(original.utf8).prefix(40) + suffix
    }

    /// The id of a message that came without one: derived from its line (or position).
    public func derived(line: Int) -> String {
        "mockcdp-line-\(line)-\(runID.value)"
    }
}
