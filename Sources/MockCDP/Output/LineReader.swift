import Foundation

/// Reads a file line by line in large chunks, without loading it whole.
public struct LineReader: Sequence, IteratorProtocol {
    private let handle: FileHandle
    private var buffer: [UInt8] = []
    private var position = 0
    private var atEnd = false
    private let chunkSize = 1 << 20

    public init(handle: FileHandle) {
        self.handle = handle
    }

    /// The next line without its `\n` (or `\r\n`), or `nil` at the end of the file.
    public mutating func next() -> [UInt8]? {
        while true {
            if let newline = nextNewline() {
                var line = Array(buffer[position..<newline])
                if line.last == UInt8(ascii: "\r") { line.removeLast() }
                position = newline + 1
                return line
            }
            if atEnd {
                guard position < buffer.count else { return nil }
                let line = Array(buffer[position...])
                position = buffer.count
                return line
            }
            buffer.removeFirst(position)
            position = 0
            let chunk = (try? handle.read(upToCount: chunkSize)) ?? nil
            if let chunk, !chunk.isEmpty {
                buffer.append(contentsOf: chunk)
            } else {
                atEnd = true
            }
        }
    }

    /// The index of the first `\n` in the buffer from `position` on.
    private func nextNewline() -> Int? {
        buffer.withUnsafeBytes { firstNewline(in: $0, from: position) }
    }
}

/// The index of the first `\n` in `bytes` from `start` on, found by `memchr`, which reads many
/// bytes at a time where a loop reads one; `nil` if there is none.
func firstNewline(in bytes: UnsafeRawBufferPointer, from start: Int) -> Int? {
    guard let base = bytes.baseAddress, start < bytes.count,
        let found = memchr(base + start, 0x0A, bytes.count - start)
    else { return nil }
    return base.distance(to: UnsafeRawPointer(found))
}
