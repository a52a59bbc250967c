import Foundation

/// An NDJSON file of Segment messages, mapped into memory and read line by line.
///
/// The command checks the whole file before sending anything: a file is finite and cheap to
/// read twice, and checking first means a bad line 90,000 never leaves 89,999 events sent with
/// the run stopped halfway. Every problem is reported at once, each with its line.
public struct NDJSONFile: Sendable {
    public let path: String
    private let data: Data

    /// Opens the file; `DiagnosticError.isMissingInput` is set when it cannot be read.
    public init(path: String) throws(DiagnosticError) {
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped)
        } catch {
            let reason = YAMLParser.reasonUnreadable(path)
            throw DiagnosticError(
                .error(at: nil, "cannot read '\(path)': \(reason)"), isMissingInput: true)
        }
        self.path = path
    }

    /// Path, size and a digest of the first 64 KiB: enough to notice that a checkpoint is
    /// being applied to another file, without reading gigabytes.
    public var identity: InputIdentity {
        let absolute = URL(fileURLWithPath: path).standardizedFileURL.path
        return InputIdentity(
            kind: "ndjson", path: absolute, size: Int64(data.count),
            fingerprint: SHA256.hex(data.prefix(64 * 1024)))
    }

    /// The messages, numbered by line. Blank lines are passed over; a trailing `\r` is dropped.
    public var lines: Lines { Lines(data: data) }

    public struct Lines: Sequence, Sendable {
        let data: Data

        public func makeIterator() -> Iterator { Iterator(data: data) }

        public struct Iterator: IteratorProtocol {
            let data: Data
            var offset = 0
            var number = 0

            public mutating func next() -> MessageLine? {
                while let (range, line) = nextRange() {
                    var bytes = data.withUnsafeBytes { raw in
                        [UInt8](raw[range])
                    }
                    if bytes.last == UInt8(ascii: "\r") { bytes.removeLast() }
                    if !bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) {
                        return MessageLine(number: line, bytes: bytes)
                    }
                }
                return nil
            }

            /// The byte range of the next line and its number.
            mutating func nextRange() -> (Range<Int>, Int)? {
                let count = data.count
                guard offset < count else { return nil }
                let start = offset
                let end = data.withUnsafeBytes { raw -> Int in
                    let base = raw.baseAddress!.advanced(by: start)
                    guard let found = memchr(base, 0x0A, count - start) else { return count }
                    return start + base.distance(to: UnsafeRawPointer(found))
                }
                offset = end + 1
                number += 1
                return (start..<end, number)
            }
        }
    }

    /// The outcome of checking every line.
    public struct Validation: Sendable {
        /// Messages on lines from `countingFrom` on.
        public var messageCount = 0
        /// The first problems found, in line order.
        public var problems: [Diagnostic] = []
        /// All problems, including those not kept in `problems`.
        public var problemCount = 0
    }

    /// Checks every line against Segment's rules, keeping the first `maximumProblems`.
    public func validate(countingFrom firstLine: Int = 1, maximumProblems: Int = 20) -> Validation {
        var result = Validation()
        var iterator = Lines.Iterator(data: data)
        while let (range, number) = iterator.nextRange() {
            let problem: MessageProblem? = data.withUnsafeBytes { raw in
                var line = UnsafeBufferPointer(
                    rebasing: raw.assumingMemoryBound(to: UInt8.self)[range])
                if line.last == UInt8(ascii: "\r") {
                    line = UnsafeBufferPointer(rebasing: line.dropLast())
                }
                if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { return nil }
                do throws(MessageProblem) {
                    _ = try SegmentMessageRules.check(line)
                    if number >= firstLine { result.messageCount += 1 }
                    return nil
                } catch {
                    return error
                }
            }
            guard let problem else { continue }
            result.problemCount += 1
            if result.problems.count < maximumProblems {
                let location = SourceLocation(file: path, line: number, column: problem.column)
                result.problems.append(.error(at: location, problem.message))
            }
        }
        return result
    }
}
