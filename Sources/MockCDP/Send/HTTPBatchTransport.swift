import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Posts batches to `{data plane}/v1/batch` over one `URLSession`, reusing its connections.
public final class HTTPBatchTransport: BatchTransport {
    private let delegate = StreamingBodyDelegate()
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
        session = URLSession(configuration: configuration, delegate: delegate, delegateQueue: nil)
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
            let (data, response) = try await delegate.perform(
                request, body: Data(body), in: session)
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

/// Runs upload tasks whose body is a stream the session can ask for again.
///
/// libcurl, under URLSession on Linux, re-sends a request by itself when a kept-alive
/// connection turns out to be closed; it then needs the body from the start. A body given as
/// `Data` cannot be rewound there and the request stalls until it times out, so bodies are
/// handed out as fresh streams through `needNewBodyStream`, as often as asked.
final class StreamingBodyDelegate: NSObject, URLSessionDataDelegate, @unchecked Sendable {
    private struct Pending {
        var body: Data
        var received = Data()
        var continuation: CheckedContinuation<(Data, URLResponse?), any Error>
    }

    private let lock = NSLock()
    private var pending: [Int: Pending] = [:]

    func perform(_ request: URLRequest, body: Data, in session: URLSession) async throws
        -> (Data, URLResponse?)
    {
        var streamed = request
        streamed.setValue(String(body.count), forHTTPHeaderField: "Content-Length")
        let task = session.uploadTask(withStreamedRequest: streamed)
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                lock.withLock {
                    pending[task.taskIdentifier] = Pending(body: body, continuation: continuation)
                }
                task.resume()
            }
        } onCancel: {
            task.cancel()
        }
    }

    func urlSession(
        _ session: URLSession, task: URLSessionTask,
        needNewBodyStream completionHandler: @escaping (InputStream?) -> Void
    ) {
        let body = lock.withLock { pending[task.taskIdentifier]?.body }
        completionHandler(body.map { InputStream(data: $0) })
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        lock.withLock { pending[dataTask.taskIdentifier]?.received.append(data) }
    }

    func urlSession(
        _ session: URLSession, task: URLSessionTask, didCompleteWithError error: (any Error)?
    ) {
        guard let finished = lock.withLock({ pending.removeValue(forKey: task.taskIdentifier) })
        else { return }
        if let error {
            finished.continuation.resume(throwing: error)
        } else {
            finished.continuation.resume(returning: (finished.received, task.response))
        }
    }
}
