internal import CCrypto

/// SHA-256, from the system's OpenSSL (libcrypto), for identifiers and fingerprints rather
/// than for security: a derived `messageId` and a checkpoint's input fingerprint need a
/// stable hash with a negligible chance of collision, and the toolchain's Foundation on
/// Linux has no digest of its own.
enum SHA256 {
    /// The digest of `bytes` as 64 lowercase hexadecimal digits.
    static func hex(_ bytes: some Sequence<UInt8>) -> String {
        let input = Array(bytes)
        var digest = [UInt8](repeating: 0, count: 32)
        input.withUnsafeBufferPointer { input in
            digest.withUnsafeMutableBufferPointer { digest in
                _ = mockcdp_sha256(input.baseAddress, input.count, digest.baseAddress)
            }
        }
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(64)
        for byte in digest {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}
