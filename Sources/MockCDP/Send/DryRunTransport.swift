import Foundation

/// `--dry-run`: writes each request body that would be posted as one line of standard output
/// and answers as if the data plane accepted it.
///
/// Bodies as NDJSON are the most useful preview: exactly the bytes that would be sent (salted
/// ids, rebased times, batch boundaries), ready for `jq`, `wc -c` or a diff between two runs.
/// Bodies hold no write key, so the output can be shared.
public final class DryRunTransport: BatchTransport, @unchecked Sendable {
    private let lock = NSLock()
    private let output: FileHandle

    public init(output: FileHandle = .standardOutput) {
        self.output = output
    }

    public func post(_ body: [UInt8], retryCount: Int) async -> TransportResult {
        lock.withLock {
            output.write(Data(body + [0x0A]))
        }
        return .response(status: 200, retryAfter: nil, body: "{\"success\":true}")
    }
}
