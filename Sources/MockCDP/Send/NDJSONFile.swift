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
                let end = data.withUnsafeBytes { firstNewline(in: $0, from: start) } ?? count
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
    ///
    /// Nothing is sent until the check is over, so it runs on every core: the file is cut at
    /// line ends into one part per core and the parts are checked side by side.
    public func validate(countingFrom firstLine: Int = 1, maximumProblems: Int = 20) -> Validation {
        let parts = partStarts(count: ProcessInfo.processInfo.activeProcessorCount)
        // Each part writes only its own element.
        nonisolated(unsafe) let results = UnsafeMutableBufferPointer<Validation>.allocate(
            capacity: parts.count)
        results.initialize(repeating: Validation())
        defer { results.deallocate() }
        DispatchQueue.concurrentPerform(iterations: parts.count) { index in
            let end = index + 1 < parts.count ? parts[index + 1].offset : data.count
            results[index] = validate(
                parts[index].offset..<end, firstNumber: parts[index].line,
                countingFrom: firstLine, maximumProblems: maximumProblems)
        }

        var result = Validation()
        for part in results {
            result.messageCount += part.messageCount
            result.problemCount += part.problemCount
            result.problems += part.problems.prefix(maximumProblems - result.problems.count)
        }
        return result
    }

    /// Where each part begins: the byte offset just after a newline, and its line's number.
    private func partStarts(count: Int) -> [(offset: Int, line: Int)] {
        // Parts under a megabyte are not worth a thread.
        let parts = max(1, min(count, data.count / (1 << 20)))
        var starts = [(offset: 0, line: 1)]
        data.withUnsafeBytes { raw in
            let bytes = raw.bindMemory(to: UInt8.self)
            var offset = 0
            var line = 1
            for part in 1..<parts {
                var cut = max(offset, data.count / parts * part)
                while cut < bytes.count && bytes[cut - 1] != 0x0A { cut += 1 }
                guard cut < bytes.count else { break }
                line += Self.newlines(in: UnsafeRawBufferPointer(rebasing: raw[offset..<cut]))
                offset = cut
                starts.append((offset, line))
            }
        }
        return starts
    }

    private static func newlines(in bytes: UnsafeRawBufferPointer) -> Int {
        var count = 0
        var start = 0
        while let newline = firstNewline(in: bytes, from: start) {
            count += 1
            start = newline + 1
        }
        return count
    }

    /// Checks the lines in `range`, the first of which has number `firstNumber`.
    private func validate(
        _ range: Range<Int>, firstNumber: Int, countingFrom firstLine: Int, maximumProblems: Int
    ) -> Validation {
        var result = Validation()
        var iterator = Lines.Iterator(data: data)
        iterator.offset = range.lowerBound
        iterator.number = firstNumber - 1
        while iterator.offset < range.upperBound, let (lineRange, number) = iterator.nextRange() {
            let problem: MessageProblem? = data.withUnsafeBytes { raw in
                var line = UnsafeBufferPointer(
                    rebasing: raw.assumingMemoryBound(to: UInt8.self)[lineRange])
                if line.last == UInt8(ascii: "\r") {
                    line = UnsafeBufferPointer(rebasing: line.dropLast())
                }
                if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { return nil }
                do throws(MessageProblem) {
                    try SegmentMessageRules.check(inPlace: line)
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
