import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `mockcdp check-credentials`: sends one clearly labelled test event and reports each step
/// of reaching the data plane (name resolution, TCP connection, TLS and HTTP) with its timing.
///
/// Segment answers 200 to a well-formed batch whatever the write key, so a 200 proves that the
/// data plane is reachable, not that the key is right: the report says so and tells the user
/// where to look for the event.
public struct CredentialsCheck: Sendable {
    /// The event name users will look for in the source's Debugger.
    public static let eventName = "MockCDP Credentials Check"

    public var dataPlane: DataPlane
    public var writeKey: WriteKey
    public var userAgent: String
    public var version: String
    public var timeout: TimeInterval

    public init(
        dataPlane: DataPlane, writeKey: WriteKey, userAgent: String, version: String,
        timeout: TimeInterval = 15
    ) {
        self.dataPlane = dataPlane
        self.writeKey = writeKey
        self.userAgent = userAgent
        self.version = version
        self.timeout = timeout
    }

    /// One step of the check and what it found.
    public struct Step: Sendable, Equatable {
        public var name: String
        public var succeeded: Bool
        public var detail: String
    }

    public struct Report: Sendable, Equatable {
        public var steps: [Step]
        /// The test event's `messageId`, to search for in the Debugger.
        public var messageID: String
        /// The HTTP status, if the request got that far.
        public var status: Int?
        /// 0 when the data plane accepted the event; 69 when it could not be reached, 77 for
        /// 401/403, 65 for another 4xx, 75 for 5xx and timeouts.
        public var exitStatus: Int32
        /// What to do next, when a step failed in a way the user can fix.
        public var advice: String?

        /// The report as printed, ending with what a 200 does and does not prove, or with
        /// what to do about a failed step.
        public var text: String {
            let width = steps.map(\.name.count).max() ?? 0
            var lines = steps.map { step in
                let mark = step.succeeded ? "ok  " : "FAIL"
                let padding = String(repeating: " ", count: width - step.name.count)
                return "\(mark) \(step.name)\(padding)  \(step.detail)"
            }
            if let status, (200..<300).contains(status) {
                lines.append("")
                lines.append(
                    "The data plane accepted the test event, but Segment answers 200 even for "
                        + "an invalid write key.")
                lines.append(
                    "Confirm that \"\(CredentialsCheck.eventName)\" (messageId \(messageID)) "
                        + "arrived:")
                lines.append("Segment app > Connections > Sources > your source > Debugger.")
            }
            if let advice {
                lines.append("")
                lines.append(advice)
            }
            return lines.joined(separator: "\n") + "\n"
        }
    }

    public func run() async -> Report {
        let messageID = "mockcdp-check-" + RunID.random().value
        var steps: [Step] = []
        let url = dataPlane.batchURL
        let host = url.host ?? ""
        let secure = url.scheme?.lowercased() == "https"
        let port = url.port ?? (secure ? 443 : 80)
        steps.append(Step(name: "endpoint", succeeded: true, detail: "POST \(url.absoluteString)"))

        let resolved = Self.resolve(host: host, port: port)
        switch resolved {
        case .failure(let reason):
            steps.append(Step(name: "DNS", succeeded: false, detail: "\(host): \(reason)"))
            return Report(
                steps: steps, messageID: messageID, status: nil, exitStatus: 69,
                advice: DataPlane.unresolvedHostAdvice(host))
        case .success(let resolution):
            let list = resolution.addresses.map(\.text).joined(separator: ", ")
            steps.append(
                Step(name: "DNS", succeeded: true, detail: "\(host) -> \(list) \(resolution.time)"))
            let first = resolution.addresses[0]
            let connected = Self.connect(first, timeout: timeout)
            steps.append(
                Step(
                    name: "connect", succeeded: connected.succeeded,
                    detail: "TCP \(first.text) port \(port): \(connected.detail)"))
            guard connected.succeeded else {
                return Report(steps: steps, messageID: messageID, status: nil, exitStatus: 69)
            }
        }

        let transport = HTTPBatchTransport(
            dataPlane: dataPlane, writeKey: writeKey, userAgent: userAgent,
            maximumConnections: 1, timeout: timeout)
        let started = ContinuousClock.now
        let result = await transport.post(testBatch(messageID: messageID), retryCount: 0)
        let latency = Self.milliseconds(ContinuousClock.now - started)
        let tlsName = secure ? "TLS + HTTP" : "HTTP"

        switch result {
        case .failure(let failure):
            let tlsFailed =
                failure.kind == .secureConnection || failure.kind == .untrustedCertificate
            steps.append(
                Step(
                    name: tlsName, succeeded: false,
                    detail: writeKey.redact(failure.description)
                        + (tlsFailed ? "; the server's certificate was not accepted" : "")))
            let status: Int32 = failure.kind == .timedOut ? 75 : 69
            return Report(steps: steps, messageID: messageID, status: nil, exitStatus: status)
        case .response(let status, _, let body):
            if secure {
                steps.append(
                    Step(name: "TLS", succeeded: true, detail: "certificate verified by the system")
                )
            }
            let reply = writeKey.redact(body.trimmingCharacters(in: .whitespacesAndNewlines))
            let accepted = (200..<300).contains(status)
            steps.append(
                Step(
                    name: "HTTP", succeeded: accepted,
                    detail: "\(status) in \(latency)" + (reply.isEmpty ? "" : ": \(reply)")))
            let exit: Int32 =
                switch status {
                case 200..<300: 0
                case 401, 403: 77
                case 400..<500 where status != 408 && status != 429: 65
                default: 75
                }
            return Report(steps: steps, messageID: messageID, status: status, exitStatus: exit)
        }
    }

    /// A one-message batch whose event says plainly what it is.
    func testBatch(messageID: String) -> [UInt8] {
        let now = EventTime.now
        let message =
            "{\"type\":\"track\",\"event\":\(token(Self.eventName)),"
            + "\"anonymousId\":\"mockcdp-credentials-check\",\"messageId\":\(token(messageID)),"
            + "\"timestamp\":\"\(now.iso8601)\",\"properties\":{\"test\":true,"
            + "\"sentBy\":\"mockcdp check-credentials\",\"note\":\(token(Self.note))},"
            + "\"context\":{\"library\":{\"name\":\"mockcdp\",\"version\":\(token(version))}}}"
        var builder = BatchBuilder(maximumMessages: 1, maximumBodyBytes: 10_000)
        let prepared = PreparedMessage(
            line: 1, bytes: Array(message.utf8), messageID: messageID, eventTime: now)
        _ = builder.add(prepared)
        return builder.flush()!.body(sentAt: .now)
    }

    private static let note =
        "A test event sent to check the write key and the data plane; it is safe to ignore."

    private func token(_ text: String) -> String {
        String(decoding: jsonStringToken(text), as: UTF8.self)
    }

    struct Address: Sendable {
        var family: Int32
        var storage: [UInt8]
        var text: String
    }

    /// Name resolution through the system resolver, timed.
    static func resolve(host: String, port: Int) -> Result<ResolvedAddresses, ResolveError> {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        #if canImport(Glibc)
            hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        #else
            hints.ai_socktype = SOCK_STREAM
        #endif
        var list: UnsafeMutablePointer<addrinfo>?
        let started = ContinuousClock.now
        let code = getaddrinfo(host, String(port), &hints, &list)
        let elapsed = milliseconds(ContinuousClock.now - started)
        guard code == 0, let list else {
            return .failure(ResolveError(String(cString: gai_strerror(code))))
        }
        defer { freeaddrinfo(list) }
        var addresses: [Address] = []
        var cursor: UnsafeMutablePointer<addrinfo>? = list
        while let entry = cursor?.pointee {
            if let address = entry.ai_addr {
                let length = Int(entry.ai_addrlen)
                let storage = [UInt8](
                    UnsafeRawBufferPointer(start: UnsafeRawPointer(address), count: length))
                var name = [CChar](repeating: 0, count: Int(NI_MAXHOST))
                getnameinfo(
                    address, entry.ai_addrlen, &name, socklen_t(name.count), nil, 0,
                    NI_NUMERICHOST)
                let text = String(
                    decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
                if !addresses.contains(where: { $0.text == text }) {
                    addresses.append(Address(family: entry.ai_family, storage: storage, text: text))
                }
            }
            cursor = entry.ai_next
        }
        guard !addresses.isEmpty else { return .failure(ResolveError("no addresses")) }
        return .success(ResolvedAddresses(addresses: addresses, time: "in \(elapsed)"))
    }

    struct ResolvedAddresses: Sendable {
        var addresses: [Address]
        var time: String
    }

    struct ResolveError: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }

    /// A TCP connection to the address, closed at once; reports the time it took.
    static func connect(_ address: Address, timeout: TimeInterval) -> (
        succeeded: Bool, detail: String
    ) {
        #if canImport(Glibc)
            let socketType = Int32(SOCK_STREAM.rawValue)
        #else
            let socketType = SOCK_STREAM
        #endif
        let descriptor = socket(address.family, socketType, 0)
        guard descriptor >= 0 else { return (false, String(cString: strerror(errno))) }
        defer { close(descriptor) }
        _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK)
        let started = ContinuousClock.now
        let code = address.storage.withUnsafeBytes { raw in
            systemConnect(
                descriptor, raw.baseAddress!.assumingMemoryBound(to: sockaddr.self),
                socklen_t(raw.count))
        }
        if code != 0 {
            guard errno == EINPROGRESS else { return (false, String(cString: strerror(errno))) }
            var poller = pollfd(fd: descriptor, events: Int16(POLLOUT), revents: 0)
            let ready = poll(&poller, 1, Int32(timeout * 1000))
            guard ready > 0 else { return (false, "timed out after \(Int(timeout)) s") }
            var failure: Int32 = 0
            var length = socklen_t(MemoryLayout<Int32>.size)
            getsockopt(descriptor, SOL_SOCKET, SO_ERROR, &failure, &length)
            guard failure == 0 else { return (false, String(cString: strerror(failure))) }
        }
        return (true, "connected in \(milliseconds(ContinuousClock.now - started))")
    }

    static func milliseconds(_ duration: Duration) -> String {
        let parts = duration.components
        let value = Double(parts.seconds) * 1000 + Double(parts.attoseconds) / 1e15
        return value.formatted(maximumFractionDigits: 1) + " ms"
    }
}

#if canImport(Glibc)
    private let systemConnect = Glibc.connect
#elseif canImport(Darwin)
    private let systemConnect = Darwin.connect
#endif
