import Foundation

/// Posts batches to `{data plane}/v1/batch` over kept-alive connections, through libcurl.
///
/// URLSession on Linux runs on libcurl too, but it leaves a socket's write watch armed after a
/// request body has gone out, so while it waits for each answer it spins a core on a socket
/// that is always writable. A sender keeps requests waiting all the time, and on a small
/// machine that core is the one the data plane (or the loopback stub) needs. Driving libcurl
/// directly from one thread that sleeps in `curl_multi_poll` waits without spinning.
public final class HTTPBatchTransport: BatchTransport {
    private let client: CurlClient
    private let url: String
    private let headers: [String]
    private let writeKey: WriteKey
    private let timeout: TimeInterval
    private let compressesBodies: Bool

    /// - Parameters:
    ///   - dataPlane: where to post.
    ///   - writeKey: sent only in the `Authorization` header.
    ///   - userAgent: `mockcdp/<version>`.
    ///   - maximumConnections: at least the number of requests kept in flight.
    ///   - timeout: how long a request may go without sending or receiving anything before it
    ///     counts as timed out; a whole request may take four times as long.
    ///   - compressesBodies: gzip each body and say so with `Content-Encoding: gzip`.
    public init(
        dataPlane: DataPlane, writeKey: WriteKey, userAgent: String, maximumConnections: Int,
        timeout: TimeInterval = 30, compressesBodies: Bool = false
    ) {
        client = CurlClient(maximumConnections: maximumConnections)
        url = dataPlane.batchURL.absoluteString
        headers = [
            "Content-Type: application/json",
            "Authorization: \(writeKey.authorizationHeader)",
            "User-Agent: \(userAgent)",
            // Bodies stay under 500 KB, where waiting for a "100 Continue" only adds a round trip.
            "Expect:",
        ]
        self.writeKey = writeKey
        self.timeout = timeout
        self.compressesBodies = compressesBodies
    }

    deinit {
        client.shutDown()
    }

    public func post(_ body: [UInt8], retryCount: Int) async -> TransportResult {
        var headers = headers
        if retryCount > 0 {
            headers.append("X-Retry-Count: \(retryCount)")
        }
        var payload = body
        if compressesBodies {
            guard let compressed = Gzip.compress(body) else {
                return .failure(TransportFailure(kind: .other, detail: "zlib could not compress"))
            }
            payload = compressed
            headers.append("Content-Encoding: gzip")
        }
        let exchange = CurlExchange(url: url, headers: headers, body: payload, timeout: timeout)
        return await client.perform(exchange)
    }

    public func redact(_ text: String) -> String {
        writeKey.redact(text)
    }
}
