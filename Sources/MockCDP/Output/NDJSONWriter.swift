import Foundation

/// Where a timeline goes: NDJSON on disk or stdout, or a Segment source.
public protocol EventSink {
    mutating func write(_ event: TimelineEvent) throws
    /// Flushes what is buffered; called once after the last event.
    mutating func finish() throws
}

/// Writes one JSON object per line to a file handle, in large buffered writes.
public struct NDJSONWriter: EventSink {
    private let handle: FileHandle
    private var buffer: [UInt8] = []
    private let flushThreshold = 1 << 20
    public private(set) var eventsWritten = 0
    public private(set) var bytesWritten = 0
    /// Lines over Segment's size limit for one message, which it would drop.
    public private(set) var oversizedMessages = 0
    /// The line number of the first of them.
    public private(set) var firstOversizedLine: Int?

    public init(handle: FileHandle) {
        self.handle = handle
        buffer.reserveCapacity(flushThreshold + 64 * 1024)
    }

    public mutating func write(_ event: TimelineEvent) throws {
        buffer.append(contentsOf: event.bytes)
        buffer.append(UInt8(ascii: "\n"))
        eventsWritten += 1
        if event.bytes.count > SendConfiguration.Limits.messageBytes {
            oversizedMessages += 1
            if firstOversizedLine == nil { firstOversizedLine = eventsWritten }
        }
        if buffer.count >= flushThreshold { try flush() }
    }

    public mutating func finish() throws {
        try flush()
    }

    private mutating func flush() throws {
        guard !buffer.isEmpty else { return }
        try handle.write(contentsOf: buffer)
        bytesWritten += buffer.count
        buffer.removeAll(keepingCapacity: true)
    }
}
