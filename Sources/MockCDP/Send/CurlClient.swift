internal import CCurl
import Foundation

/// Runs HTTP exchanges on one libcurl multi handle, from a thread of its own.
///
/// The thread adds new exchanges, lets libcurl move every transfer along, and then sleeps in
/// `curl_multi_poll` until a socket is ready, a timeout is due, or `curl_multi_wakeup` says an
/// exchange was added or cancelled. Connections stay open between exchanges (HTTP keep-alive),
/// up to `maximumConnections` to the host.
final class CurlClient: @unchecked Sendable {
    /// libcurl's global setup must happen once per process, before any handle is made.
    private static let globalSetup: Bool = mockcdp_curl_global_init() == CURLE_OK

    private let multi: UnsafeMutableRawPointer?
    private let lock = NSLock()
    /// Exchanges waiting for the thread to add them; guarded by `lock`, as are the exchanges'
    /// `cancelRequested` flags.
    private var incoming: [CurlExchange] = []
    private var stopping = false

    init(maximumConnections: Int) {
        multi = Self.globalSetup ? curl_multi_init() : nil
        if let multi {
            _ = mockcdp_curl_multi_setopt_long(
                multi, CURLMOPT_MAX_HOST_CONNECTIONS, max(1, maximumConnections))
            _ = mockcdp_curl_multi_setopt_long(
                multi, CURLMOPT_MAXCONNECTS, max(1, maximumConnections))
            let thread = Thread { [self] in run() }
            thread.name = "mockcdp-http"
            thread.start()
        }
    }

    /// Ends the thread once it has given up on what is still in flight.
    func shutDown() {
        lock.withLock { stopping = true }
        wake()
    }

    /// Interrupts the thread's `curl_multi_poll`, so that it looks at what changed.
    private func wake() {
        if let multi { curl_multi_wakeup(multi) }
    }

    /// Sends one request and waits for its answer. Cancelling the task abandons the request.
    func perform(_ exchange: CurlExchange) async -> TransportResult {
        guard multi != nil else {
            return .failure(TransportFailure(kind: .other, detail: "libcurl could not start"))
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                exchange.continuation = continuation
                lock.withLock { incoming.append(exchange) }
                wake()
            }
        } onCancel: {
            // A flag on the exchange rather than a list of ids: the cancellation may come
            // before the exchange is queued, and must still find it.
            lock.withLock { exchange.cancelRequested = true }
            wake()
        }
    }

    private func run() {
        guard let multi else { return }
        var active: [ObjectIdentifier: CurlExchange] = [:]
        while true {
            let (added, cancels, stop) = lock.withLock {
                defer { incoming.removeAll() }
                let cancels = active.filter { stopping || $0.value.cancelRequested }.map(\.key)
                let added = incoming.map { ($0, stopping || $0.cancelRequested) }
                return (added, cancels, stopping)
            }
            for (exchange, isCancelled) in added {
                if isCancelled {
                    exchange.finish(.failure(Self.cancellation))
                } else if let failure = exchange.start(in: multi) {
                    exchange.finish(.failure(failure))
                } else {
                    active[ObjectIdentifier(exchange)] = exchange
                }
            }
            for id in cancels {
                guard let exchange = active.removeValue(forKey: id) else { continue }
                exchange.stop(in: multi)
                exchange.finish(.failure(Self.cancellation))
            }
            if stop { break }

            var running: Int32 = 0
            curl_multi_perform(multi, &running)
            var left: Int32 = 0
            while let message = curl_multi_info_read(multi, &left) {
                guard message.pointee.msg == CURLMSG_DONE,
                    let exchange = active.values.first(where: {
                        $0.handle == message.pointee.easy_handle
                    })
                else { continue }
                let code = message.pointee.data.result
                active.removeValue(forKey: ObjectIdentifier(exchange))
                let result = exchange.result(code)
                exchange.stop(in: multi)
                exchange.finish(result)
            }
            curl_multi_poll(multi, nil, 0, 1000, nil)
        }
        curl_multi_cleanup(multi)
    }

    private static let cancellation = TransportFailure(kind: .cancelled, detail: "cancelled")
}

/// One request and what came back: libcurl's easy handle with the buffers it points into,
/// which must live until the transfer is over.
final class CurlExchange: @unchecked Sendable {
    private let url: String
    private let headers: [String]
    private let body: UnsafeMutableRawBufferPointer
    private let timeout: TimeInterval
    private(set) var handle: UnsafeMutableRawPointer?
    private var headerList: UnsafeMutablePointer<curl_slist>?
    private let errorText = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE))
    /// The first bytes of the reply, enough for a report.
    fileprivate var reply: [UInt8] = []
    fileprivate var retryAfter: String?
    fileprivate var continuation: CheckedContinuation<TransportResult, Never>?
    /// Set when the waiting task is cancelled; guarded by the client's lock.
    fileprivate var cancelRequested = false

    static let replyLimit = 4096

    init(url: String, headers: [String], body: [UInt8], timeout: TimeInterval) {
        self.url = url
        self.headers = headers
        self.timeout = timeout
        let copy = BodyBuffers.shared.take(body.count)
        body.withUnsafeBytes { copy.copyMemory(from: $0) }
        self.body = copy
        bodyCount = body.count
        errorText.initialize(to: 0)
    }

    private let bodyCount: Int

    deinit {
        BodyBuffers.shared.give(body)
        errorText.deallocate()
    }

    /// Makes the easy handle and adds it to `multi`; a failure means nothing was sent.
    fileprivate func start(in multi: UnsafeMutableRawPointer) -> TransportFailure? {
        guard let handle = curl_easy_init() else {
            return TransportFailure(kind: .other, detail: "libcurl could not make a handle")
        }
        self.handle = handle
        for header in headers {
            headerList = curl_slist_append(headerList, header)
        }
        let me = Unmanaged.passUnretained(self).toOpaque()
        let milliseconds = Int(timeout * 1000)
        var code = url.withCString {
            mockcdp_curl_easy_setopt_pointer(handle, CURLOPT_URL, $0)
        }
        let settings: [(CURLoption, Int)] = [
            (CURLOPT_NOSIGNAL, 1),
            (CURLOPT_POST, 1),
            (CURLOPT_CONNECTTIMEOUT_MS, milliseconds),
            (CURLOPT_TIMEOUT_MS, milliseconds * 4),
            // No byte moving either way for `timeout` seconds counts as a timeout, as
            // URLSession's timeoutIntervalForRequest does.
            (CURLOPT_LOW_SPEED_LIMIT, 1),
            (CURLOPT_LOW_SPEED_TIME, max(1, Int(timeout.rounded(.up)))),
        ]
        for (option, value) in settings where code == CURLE_OK {
            code = mockcdp_curl_easy_setopt_long(handle, option, value)
        }
        let pointers: [(CURLoption, UnsafeRawPointer?)] = [
            (CURLOPT_HTTPHEADER, UnsafeRawPointer(headerList)),
            // libcurl sends the body from this memory and rewinds it by itself when a kept-alive
            // connection turns out closed and the request goes again on a new one.
            (CURLOPT_POSTFIELDS, UnsafeRawPointer(body.baseAddress)),
            (CURLOPT_ERRORBUFFER, UnsafeRawPointer(errorText)),
            (CURLOPT_WRITEDATA, UnsafeRawPointer(me)),
            (CURLOPT_HEADERDATA, UnsafeRawPointer(me)),
        ]
        for (option, value) in pointers where code == CURLE_OK {
            code = mockcdp_curl_easy_setopt_pointer(handle, option, value)
        }
        if code == CURLE_OK {
            code = mockcdp_curl_easy_setopt_offset(
                handle, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(bodyCount))
        }
        if code == CURLE_OK {
            code = mockcdp_curl_easy_setopt_write_callback(
                handle, CURLOPT_WRITEFUNCTION, curlReceivedBody)
        }
        if code == CURLE_OK {
            code = mockcdp_curl_easy_setopt_write_callback(
                handle, CURLOPT_HEADERFUNCTION, curlReceivedHeader)
        }
        guard code == CURLE_OK, curl_multi_add_handle(multi, handle) == CURLM_OK else {
            stop(in: nil)
            return TransportFailure(
                kind: .other, detail: "libcurl refused the request: \(Self.describe(code))")
        }
        return nil
    }

    /// Takes the handle out of `multi` and frees it.
    fileprivate func stop(in multi: UnsafeMutableRawPointer?) {
        guard let handle else { return }
        if let multi { curl_multi_remove_handle(multi, handle) }
        curl_easy_cleanup(handle)
        curl_slist_free_all(headerList)
        headerList = nil
        self.handle = nil
    }

    fileprivate func finish(_ result: TransportResult) {
        continuation?.resume(returning: result)
        continuation = nil
    }

    /// What the finished transfer amounts to.
    fileprivate func result(_ code: CURLcode) -> TransportResult {
        guard code == CURLE_OK else {
            let text = String(cString: errorText)
            let detail = text.isEmpty ? Self.describe(code) : text
            return .failure(TransportFailure(kind: Self.kind(code), detail: detail))
        }
        var status = 0
        if let handle {
            _ = mockcdp_curl_easy_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        }
        return .response(
            status: status, retryAfter: retryAfter,
            body: String(decoding: reply, as: UTF8.self))
    }

    private static func describe(_ code: CURLcode) -> String {
        String(cString: curl_easy_strerror(code))
    }

    /// Sorts libcurl's errors into the few kinds that decide what to do next.
    static func kind(_ code: CURLcode) -> TransportFailure.Kind {
        switch code {
        case CURLE_COULDNT_RESOLVE_HOST:
            .hostNotFound
        case CURLE_COULDNT_RESOLVE_PROXY, CURLE_COULDNT_CONNECT:
            .cannotConnect
        case CURLE_OPERATION_TIMEDOUT:
            .timedOut
        case CURLE_SEND_ERROR, CURLE_RECV_ERROR, CURLE_GOT_NOTHING, CURLE_PARTIAL_FILE,
            CURLE_WEIRD_SERVER_REPLY:
            .connectionLost
        case CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CACERT_BADFILE, CURLE_SSL_ISSUER_ERROR,
            CURLE_SSL_PINNEDPUBKEYNOTMATCH:
            .untrustedCertificate
        case CURLE_SSL_CONNECT_ERROR, CURLE_SSL_CERTPROBLEM, CURLE_SSL_CIPHER,
            CURLE_SSL_CRL_BADFILE:
            .secureConnection
        case CURLE_ABORTED_BY_CALLBACK:
            .cancelled
        default:
            .other
        }
    }

    fileprivate func received(_ bytes: UnsafeRawBufferPointer) {
        let room = Self.replyLimit - reply.count
        if room > 0 { reply.append(contentsOf: bytes.prefix(room)) }
    }

    /// Keeps `Retry-After` of the last response; a status line starts a new one (after a
    /// "100 Continue", for instance).
    fileprivate func receivedHeader(_ line: UnsafeRawBufferPointer) {
        let text = String(decoding: line, as: UTF8.self)
        if text.hasPrefix("HTTP/") {
            retryAfter = nil
        } else if text.lowercased().hasPrefix("retry-after:") {
            retryAfter = text.dropFirst("retry-after:".count)
                .trimmingCharacters(in: .whitespacesAndNewlines)
        }
    }
}

/// Memory for request bodies, kept for the next request rather than freed.
///
/// A body is a few hundred kilobytes. Freshly allocated memory that size comes straight from
/// the kernel, which must fault in and zero every page again; reusing a few buffers keeps the
/// pages, and the sender's CPU goes to messages instead.
private final class BodyBuffers: @unchecked Sendable {
    static let shared = BodyBuffers()

    /// Large enough for any batch (475,000 bytes at most), so that every buffer fits any body.
    private static let size = 512 * 1024
    /// About as many as requests in flight; more would only hold memory.
    private static let kept = 8

    private let lock = NSLock()
    private var spare: [UnsafeMutableRawBufferPointer] = []

    func take(_ count: Int) -> UnsafeMutableRawBufferPointer {
        if count <= Self.size, let buffer = lock.withLock({ spare.popLast() }) {
            return buffer
        }
        return .allocate(byteCount: max(count, Self.size), alignment: 1)
    }

    func give(_ buffer: UnsafeMutableRawBufferPointer) {
        let kept = lock.withLock {
            guard buffer.count == Self.size, spare.count < Self.kept else { return false }
            spare.append(buffer)
            return true
        }
        if !kept { buffer.deallocate() }
    }
}

/// libcurl's body callback: keeps the start of the reply and takes in the rest unread.
private func curlReceivedBody(
    _ data: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int,
    _ context: UnsafeMutableRawPointer?
) -> Int {
    guard let data, let context else { return 0 }
    let exchange = Unmanaged<CurlExchange>.fromOpaque(context).takeUnretainedValue()
    exchange.received(UnsafeRawBufferPointer(start: data, count: size * count))
    return size * count
}

/// libcurl's header callback, called once per header line.
private func curlReceivedHeader(
    _ data: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int,
    _ context: UnsafeMutableRawPointer?
) -> Int {
    guard let data, let context else { return 0 }
    let exchange = Unmanaged<CurlExchange>.fromOpaque(context).takeUnretainedValue()
    exchange.receivedHeader(UnsafeRawBufferPointer(start: data, count: size * count))
    return size * count
}
