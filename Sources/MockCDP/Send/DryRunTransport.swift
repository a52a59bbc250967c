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
    private let stop: StopRequest?
    private var failure: (any Error)?

    /// - Parameter stop: requested when the output cannot be written (a full disk, a closed
    ///   pipe), so that the run ends rather than preview into nowhere.
    public init(output: FileHandle = .standardOutput, stop: StopRequest? = nil) {
        self.output = output
        self.stop = stop
    }

    /// Why the output could not be written, if it could not.
    public var writeFailure: (any Error)? { lock.withLock { failure } }

    public func post(_ body: [UInt8], retryCount: Int) async -> TransportResult {
        let written: Bool = lock.withLock {
            guard failure == nil else { return false }
            do {
                try output.write(contentsOf: Data(body + [0x0A]))
                return true
            } catch {
                failure = error
                return false
            }
        }
        guard written else {
            stop?.request()
            return .failure(TransportFailure(kind: .cancelled, detail: "output not written"))
        }
        return .response(status: 200, retryAfter: nil, body: "{\"success\":true}")
    }
}
