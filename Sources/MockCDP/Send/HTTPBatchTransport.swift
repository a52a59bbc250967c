import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Posts batches to `{data plane}/v1/batch` over one `URLSession`, reusing its connections.
public final class HTTPBatchTransport: BatchTransport {
    private let session: URLSession
    private let url: URL
    private let authorization: String
    private let writeKey: WriteKey
    private let userAgent: String

    /// - Parameters:
    ///   - dataPlane: where to post.
    ///   - writeKey: sent only in the `Authorization` header.
    ///   - userAgent: `mockcdp/<version>`.
    ///   - maximumConnections: at least the number of requests kept in flight.
    ///   - timeout: how long a request may wait for data before it counts as timed out.
    public init(
        dataPlane: DataPlane, writeKey: WriteKey, userAgent: String, maximumConnections: Int,
        timeout: TimeInterval = 30
    ) {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.httpMaximumConnectionsPerHost = maximumConnections
        configuration.timeoutIntervalForRequest = timeout
        configuration.timeoutIntervalForResource = timeout * 4
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        configuration.httpCookieStorage = nil
        configuration.urlCache = nil
        session = URLSession(configuration: configuration)
        url = dataPlane.batchURL
        authorization = writeKey.authorizationHeader
        self.writeKey = writeKey
        self.userAgent = userAgent
    }

    deinit {
        session.finishTasksAndInvalidate()
    }

    public func post(_ body: [UInt8], retryCount: Int) async -> TransportResult {
        var request = URLRequest(url: url)
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.setValue(authorization, forHTTPHeaderField: "Authorization")
        request.setValue(userAgent, forHTTPHeaderField: "User-Agent")
        if retryCount > 0 {
            request.setValue(String(retryCount), forHTTPHeaderField: "X-Retry-Count")
        }
        do {
            let (data, response) = try await session.upload(for: request, from: Data(body))
            guard let http = response as? HTTPURLResponse else {
                return .failure(TransportFailure(kind: .other, detail: "not an HTTP response"))
            }
            let reply = String(decoding: data.prefix(4096), as: UTF8.self)
            let retryAfter = http.value(forHTTPHeaderField: "Retry-After")
            return .response(status: http.statusCode, retryAfter: retryAfter, body: reply)
        } catch {
            return .failure(Self.failure(error))
        }
    }

    public func redact(_ text: String) -> String {
        writeKey.redact(text)
    }

    /// Sorts URLSession's errors into the few kinds that decide what to do next.
    static func failure(_ error: any Error) -> TransportFailure {
        guard let urlError = error as? URLError else {
            if error is CancellationError {
                return TransportFailure(kind: .cancelled, detail: "cancelled")
            }
            return TransportFailure(kind: .other, detail: String(describing: error))
        }
        let kind: TransportFailure.Kind
        switch urlError.code {
        case .cannotFindHost, .cannotConnectToHost, .dnsLookupFailed, .notConnectedToInternet:
            kind = .cannotConnect
        case .timedOut:
            kind = .timedOut
        case .networkConnectionLost, .badServerResponse, .zeroByteResource:
            kind = .connectionLost
        case .secureConnectionFailed, .serverCertificateUntrusted, .serverCertificateHasBadDate,
            .serverCertificateNotYetValid, .serverCertificateHasUnknownRoot,
            .clientCertificateRejected, .clientCertificateRequired:
            kind = .secureConnection
        case .cancelled:
            kind = .cancelled
        default:
            kind = .other
        }
        return TransportFailure(kind: kind, detail: urlError.localizedDescription)
    }
}
