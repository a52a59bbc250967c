internal import CZlib

/// Gzip (RFC 1952) compression of request bodies, through the system's zlib.
enum Gzip {
    /// zlib's level 1 shrinks a batch of JSON nearly as well as the default level 6 (15 times
    /// rather than 20 for the send benchmark's events) in half the CPU time, and CPU is what a
    /// fast run is short of.
    static let level: Int32 = 1

    /// `bytes` compressed in one pass; `nil` only when zlib cannot get memory.
    static func compress(_ bytes: [UInt8]) -> [UInt8]? {
        var stream = z_stream()
        guard mockcdp_deflate_init_gzip(&stream, level) == Z_OK else { return nil }
        defer { deflateEnd(&stream) }
        // deflateBound is large enough for a single Z_FINISH to write everything.
        var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, uLong(bytes.count))))
        let finished = bytes.withUnsafeBufferPointer { input in
            output.withUnsafeMutableBufferPointer { space in
                stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress)
                stream.avail_in = uInt(input.count)
                stream.next_out = space.baseAddress
                stream.avail_out = uInt(space.count)
                return deflate(&stream, Z_FINISH) == Z_STREAM_END
            }
        }
        guard finished else { return nil }
        output.removeLast(Int(stream.avail_out))
        return output
    }
}
