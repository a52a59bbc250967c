/// What happened to one HTTP attempt.
public enum TransportResult: Sendable {
    /// The server answered. `body` is at most a few kilobytes of its reply, for reports.
    case response(status: Int, retryAfter: String?, body: String)
    /// No answer: the connection failed, was reset, or timed out.
    case failure(TransportFailure)
}

/// A failed attempt that never got an HTTP status.
public struct TransportFailure: Error, Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        /// The TCP connection failed (or the proxy's name did not resolve): nothing was reached.
        case cannotConnect
        /// The data plane's host name did not resolve: a mistyped URL, or no DNS just now.
        case hostNotFound
        case timedOut
        /// The connection dropped after it was made, before a reply.
        case connectionLost
        /// TLS could not be set up (handshake, protocol or cipher).
        case secureConnection
        /// The data plane's certificate is not trusted (self-signed, unknown issuer, wrong
        /// host, pinned key mismatch): every retry would fail the same way.
        case untrustedCertificate
        case cancelled
        case other
    }

    public var kind: Kind
    public var detail: String

    public init(kind: Kind, detail: String) {
        self.kind = kind
        self.detail = detail
    }

    public var description: String { "\(detail) (\(kind.rawValue))" }
}

/// Carries request bodies to a data plane. The HTTP client is the real one; tests and
/// `--dry-run` use others.
public protocol BatchTransport: Sendable {
    /// Posts one body. `retryCount` is 0 on a first attempt; later ones send `X-Retry-Count`.
    func post(_ body: [UInt8], retryCount: Int) async -> TransportResult

    /// Removes the credentials from text that came back from the server before it is shown.
    func redact(_ text: String) -> String
}

extension BatchTransport {
    public func redact(_ text: String) -> String { text }
}
