import Foundation

/// Compares a timeline with a golden NDJSON file, line by line, as it is generated.
public struct GoldenComparison: EventSink {
    /// The first line where the two differ.
    public struct Difference: Sendable, Equatable {
        public var line: Int
        /// The golden file's line, or `nil` when the golden file ended first.
        public var expected: String?
        /// The generated line, or `nil` when the generation ended first.
        public var actual: String?
    }

    private var golden: LineReader
    private var line = 0
    public private(set) var difference: Difference?

    public init(golden: FileHandle) {
        self.golden = LineReader(handle: golden)
    }

    public mutating func write(_ event: TimelineEvent) throws {
        guard difference == nil else { return }
        line += 1
        let expected = golden.next()
        if expected.map({ $0.elementsEqual(event.bytes) }) != true {
            difference = Difference(
                line: line, expected: expected.map { String(decoding: $0, as: UTF8.self) },
                actual: String(decoding: event.bytes, as: UTF8.self))
        }
    }

    public mutating func finish() throws {
        guard difference == nil else { return }
        if let extra = golden.next() {
            difference = Difference(
                line: line + 1, expected: String(decoding: extra, as: UTF8.self), actual: nil)
        }
    }
}
