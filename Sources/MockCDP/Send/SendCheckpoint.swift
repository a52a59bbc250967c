import Foundation

/// What a run has had acknowledged, kept on disk so that an interrupted run can `--resume`.
///
/// The checkpoint records a low-water mark: every message on a line before `resumeLine` was
/// acknowledged by the data plane (or settled for good: skipped as oversized, or rejected and
/// saved). Batches finish out of order with several in flight, so a resumed run may send again
/// some batches that were acknowledged after the mark; they carry the same `messageId`s, and
/// Segment deduplicates them.
public struct SendCheckpoint: Codable, Sendable, Equatable {
    public static let formatVersion = 1

    public var format: Int
    public var runID: RunID
    public var input: InputIdentity
    /// The data plane the run sent to; a resume to another one is refused.
    public var dataPlane: String
    /// The first line that is not known to be delivered.
    public var resumeLine: Int
    /// Messages acknowledged so far over all attempts of this run (for the summary).
    public var acknowledgedMessages: Int
    /// Milliseconds added to event times by `--rebase-now`, fixed by the first attempt so that
    /// a resumed run moves its events by the same amount.
    public var timeShift: Int64?
    /// Set when every message was settled but some batches were rejected; the checkpoint stays
    /// so that running the same input again is not mistaken for a resume.
    public var complete: Bool
    /// Lines skipped as not sendable by any attempt of the run, so that a resumed run still
    /// ends with the status that says some messages were not sent.
    public var skippedLines: [Int]?
    public var updatedAt: String

    public init(
        runID: RunID, input: InputIdentity, dataPlane: String, resumeLine: Int,
        acknowledgedMessages: Int = 0, timeShift: Int64? = nil, complete: Bool = false
    ) {
        format = Self.formatVersion
        self.runID = runID
        self.input = input
        self.dataPlane = dataPlane
        self.resumeLine = resumeLine
        self.acknowledgedMessages = acknowledgedMessages
        self.timeShift = timeShift
        self.complete = complete
        updatedAt = EventTime.now.iso8601
    }
}

/// What the messages of a run were read from, so a checkpoint is never applied to other input.
public struct InputIdentity: Codable, Sendable, Equatable, CustomStringConvertible {
    /// `ndjson`, or `scenario` for a compiled scenario.
    public var kind: String
    /// The absolute path, for messages only: the same input may be named in many ways.
    public var path: String
    /// For a file: its size; a scenario's size is part of its fingerprint instead.
    public var size: Int64?
    /// SHA-256 of the first 64 KiB of an NDJSON file, or of what a scenario sends.
    public var fingerprint: String
    /// A scenario's seed, to say so when a resume differs only in it.
    public var seed: UInt64?

    public init(
        kind: String, path: String, size: Int64?, fingerprint: String, seed: UInt64? = nil
    ) {
        self.kind = kind
        self.path = path
        self.size = size
        self.fingerprint = fingerprint
        self.seed = seed
    }

    public var description: String {
        var text = "\(kind) \(path)"
        if let size { text += " (\(size) bytes)" }
        if let seed { text += " (seed \(seed))" }
        return text
    }

    /// Whether a checkpoint written for `self` may be resumed with `other`: the same
    /// messages, whatever the path they were read by.
    public func sendsTheSameMessages(as other: InputIdentity) -> Bool {
        kind == other.kind && size == other.size && fingerprint == other.fingerprint
    }

    /// What differs between the input of a checkpoint (`self`) and the input given now.
    public func difference(from now: InputIdentity) -> String {
        if kind != now.kind {
            return "that run read \(Self.noun(kind)), this one \(Self.noun(now.kind))"
        }
        if kind == "scenario" {
            if let seed, let nowSeed = now.seed, seed != nowSeed {
                return "the seed differs (\(seed) then, \(nowSeed) now)"
            }
            return "the scenario now compiles to other events (a --set value, a rate, a step "
                + "or an included file differs)"
        }
        if path != now.path { return "it is another file" }
        return "the file's content changed"
    }

    private static func noun(_ kind: String) -> String {
        switch kind {
        case "ndjson": "an NDJSON file"
        case "scenario": "a scenario"
        default: kind
        }
    }
}

/// Reads and writes a checkpoint file. Writes go to a temporary file that is then renamed
/// over the old one, so a crash at any moment leaves either the old or the new checkpoint.
public struct CheckpointStore: Sendable {
    public let path: String

    public init(path: String) {
        self.path = path
    }

    /// The checkpoint's default place: beside the input, or in the current directory when the
    /// input's directory is not writable.
    public static func defaultPath(forInput input: String) -> String {
        let url = URL(fileURLWithPath: input)
        let name = url.lastPathComponent + ".send-checkpoint.json"
        let directory = url.deletingLastPathComponent().path
        if FileManager.default.isWritableFile(atPath: directory) {
            return url.deletingLastPathComponent().appendingPathComponent(name).path
        }
        return URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
            .appendingPathComponent(name).path
    }

    public var exists: Bool { FileManager.default.fileExists(atPath: path) }

    public func load() throws(CheckpointError) -> SendCheckpoint {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .unreadable(path, "cannot read the file")
        }
        do {
            let checkpoint = try JSONDecoder().decode(SendCheckpoint.self, from: data)
            guard checkpoint.format == SendCheckpoint.formatVersion else {
                throw CheckpointError.unreadable(path, "format \(checkpoint.format) is unknown")
            }
            return checkpoint
        } catch let error as CheckpointError {
            throw error
        } catch {
            throw .unreadable(path, "not a send checkpoint")
        }
    }

    public func save(_ checkpoint: SendCheckpoint) throws(CheckpointError) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let temporary = path + ".tmp-\(getpid())"
        do {
            var data = try encoder.encode(checkpoint)
            data.append(UInt8(ascii: "\n"))
            try data.write(to: URL(fileURLWithPath: temporary))
        } catch {
            throw .unwritable(path, String(describing: error))
        }
        guard rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw .unwritable(path, reason)
        }
    }

    public func remove() {
        unlink(path)
    }
}

public enum CheckpointError: Error, Sendable, Equatable, CustomStringConvertible {
    case unreadable(String, String)
    case unwritable(String, String)

    public var description: String {
        switch self {
        case .unreadable(let path, let reason): "cannot read checkpoint \(path): \(reason)"
        case .unwritable(let path, let reason): "cannot write checkpoint \(path): \(reason)"
        }
    }
}
