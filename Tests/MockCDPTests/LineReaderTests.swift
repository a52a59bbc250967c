import Foundation
import Testing

@testable import MockCDP

@Suite("Reading a file line by line")
struct LineReaderTests {
    private func lines(of bytes: [UInt8]) throws -> [[UInt8]] {
        let path = try temporaryFolder().appendingPathComponent("lines.ndjson").path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let handle = try #require(FileHandle(forReadingAtPath: path))
        defer { try? handle.close() }
        return Array(LineReader(handle: handle))
    }

    @Test("lines end at \\n or \\r\\n, and the last one needs no newline")
    func endings() throws {
        let read = try lines(of: Array("a\r\n\nbc\nlast".utf8))
        #expect(read == [Array("a".utf8), [], Array("bc".utf8), Array("last".utf8)])
        #expect(try lines(of: []) == [])
        #expect(try lines(of: Array("one\n".utf8)) == [Array("one".utf8)])
    }

    @Test("a line that runs across the reader's 1 MiB chunks comes out whole")
    func acrossChunks() throws {
        let first = [UInt8](repeating: UInt8(ascii: "x"), count: (1 << 20) - 3)
        let second = [UInt8](repeating: UInt8(ascii: "y"), count: (1 << 20) + 10)
        let read = try lines(of: first + [0x0A] + second + [0x0D, 0x0A] + Array("z".utf8))
        #expect(read.map(\.count) == [first.count, second.count, 1])
        #expect(read.first == first)
        #expect(read.dropFirst().first == second)
    }
}
