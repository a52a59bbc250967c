import Foundation
import MockCDP
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The Python stub of Segment's batch API (Tests/Support/segment_stub.py), run as a child
/// process on a free loopback port for the length of a test.
final class SegmentStub: @unchecked Sendable {
    let process = Process()
    let port: Int
    let writeKey: String

    var dataPlane: DataPlane { try! DataPlane("http://127.0.0.1:\(port)") }

    /// Starts the stub with `arguments` (fault injection and so on) and waits for its port.
    init(writeKey: String = "test-write-key", _ arguments: [String] = []) throws {
        let script = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Support/segment_stub.py")
        process.executableURL = try findOnPath("python3")
        process.arguments =
            [script.path, "--port", "0", "--write-key", writeKey, "--max-seconds", "300"]
            + arguments
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        self.writeKey = writeKey
        var line: [UInt8] = []
        while true {
            let byte = output.fileHandleForReading.readData(ofLength: 1)
            guard let first = byte.first else { break }
            if first == 0x0A { break }
            line.append(first)
        }
        guard let port = Int(String(decoding: line, as: UTF8.self)) else {
            process.terminate()
            throw StubError("the stub did not print its port")
        }
        self.port = port
    }

    deinit {
        stop()
    }

    func stop() {
        guard process.isRunning else { return }
        process.terminate()
        let deadline = Date().addingTimeInterval(3)
        while process.isRunning && Date() < deadline { usleep(10_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    struct Stats: Decodable {
        var requests: Int
        var acceptedRequests: Int
        var rejectedRequests: Int
        var unauthorized: Int
        var retriedRequests: Int
        var injected500: Int
        var injected429: Int
        var dropped: Int
        var messages: Int
        var uniqueMessageIds: Int
        var duplicates: Int
        var conflictingDuplicates: Int
        /// The largest body, inflated when it came gzipped.
        var maxBodyBytes: Int
        var maxMessageBytes: Int
        /// Bytes of accepted bodies, inflated.
        var bodyBytes: Int
        /// Bytes of every body as it came over the wire.
        var wireBytes: Int
        var gzipRequests: Int
        var userAgents: [String]
        /// Requests waiting because of --pause-after.
        var held: Int
    }

    struct CapturedRequest: Decodable {
        var path: String
        var headers: [String: String]
        var body: String
    }

    func stats() async throws -> Stats {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try decoder.decode(Stats.self, from: await get("/stats"))
    }

    /// Every message received (with --record), as decoded JSON objects.
    func messages() async throws -> [[String: Any]] {
        let data = try await get("/messages")
        return try data.split(separator: 0x0A).map { line in
            try JSONSerialization.jsonObject(with: Data(line)) as! [String: Any]
        }
    }

    /// The raw text of every message received (with --record), in arrival order.
    func messageTexts() async throws -> [String] {
        String(decoding: try await get("/messages"), as: UTF8.self)
            .split(separator: "\n").map(String.init)
    }

    /// The first requests received (with --capture K).
    func requests() async throws -> [CapturedRequest] {
        try JSONDecoder().decode([CapturedRequest].self, from: await get("/requests"))
    }

    /// Posts `body` to the batch API with the stub's write key; returns the status and reply.
    func postBatch(_ body: Data, contentEncoding: String? = nil) async throws -> (Int, String) {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)/v1/batch")!)
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.setValue(
            "Basic " + Data("\(writeKey):".utf8).base64EncodedString(),
            forHTTPHeaderField: "Authorization")
        if let contentEncoding {
            request.setValue(contentEncoding, forHTTPHeaderField: "Content-Encoding")
        }
        let (data, response) = try await URLSession.shared.upload(for: request, from: body)
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        return (status, String(decoding: data, as: UTF8.self))
    }

    /// Lets the requests held by --pause-after through, and every later one.
    func release() async throws {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)/release")!)
        request.httpMethod = "POST"
        _ = try await URLSession.shared.data(for: request)
    }

    /// Waits until the stub holds requests: the sender is stuck mid-run, ready to be stopped.
    func waitUntilHolding() async throws {
        let deadline = ContinuousClock.now + .seconds(60)
        while try await stats().held == 0 {
            guard ContinuousClock.now < deadline else { throw StubError("nothing was held") }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    private func get(_ path: String) async throws -> Data {
        let url = URL(string: "http://127.0.0.1:\(port)\(path)")!
        let (data, _) = try await URLSession.shared.data(from: url)
        return data
    }
}

struct StubError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// An executable found on `PATH`.
func findOnPath(_ name: String) throws -> URL {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
    for directory in path.split(separator: ":") {
        let candidate = URL(fileURLWithPath: String(directory)).appendingPathComponent(name)
        if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
    }
    throw StubError("\(name) is not on PATH")
}

/// Deterministic Segment messages for tests: mixed types, non-ASCII properties, a timestamp a
/// second apart, and ids `evt-<n>`.
enum EventFixture {
    static let products = ["Crème Brûlée Torch", "Café Mug", "Kaffeemühle", "雨傘", "Tee 🍵"]

    static func line(_ index: Int, start: Int64 = 1_714_564_800_000, note: String = "") -> String {
        let time = EventTime(millisecondsSinceEpoch: start + Int64(index) * 1000).iso8601
        let product = products[index % products.count]
        let identity =
            index % 3 == 0
            ? "\"anonymousId\":\"anon-\(index % 997)\""
            : "\"userId\":\"user-\(index % 1499)\""
        switch index % 10 {
        case 0:
            return "{\"type\":\"page\",\(identity),\"messageId\":\"evt-\(index)\","
                + "\"timestamp\":\"\(time)\",\"name\":\"Home\",\"properties\":{\"path\":\"/\""
                + noteMember(note) + "}}"
        case 1:
            return "{\"type\":\"identify\",\(identity),\"messageId\":\"evt-\(index)\","
                + "\"timestamp\":\"\(time)\",\"traits\":{\"plan\":\"pro\"" + noteMember(note) + "}}"
        default:
            return "{\"type\":\"track\",\"event\":\"Product Viewed\",\(identity),"
                + "\"messageId\":\"evt-\(index)\",\"timestamp\":\"\(time)\","
                + "\"properties\":{\"name\":\"\(product)\",\"price\":\(index % 90 + 9).99,"
                + "\"quantity\":\(index % 4 + 1)" + noteMember(note) + "}}"
        }
    }

    private static func noteMember(_ text: String) -> String {
        text.isEmpty ? "" : ",\"note\":\"\(text)\""
    }

    /// Writes `count` messages to an NDJSON file and returns its path.
    static func write(count: Int, to directory: URL, name: String = "events.ndjson") throws
        -> String
    {
        let url = directory.appendingPathComponent(name)
        var text = ""
        text.reserveCapacity(count * 260)
        for index in 0..<count {
            text += line(index)
            text += "\n"
        }
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }
}

/// Collects a run's events for assertions.
final class CollectingReporter: SendReporter, @unchecked Sendable {
    private let lock = NSLock()
    private var collected: [SendEvent] = []

    var wantsProgress: Bool { false }

    func report(_ event: SendEvent) {
        lock.withLock { collected.append(event) }
    }

    var events: [SendEvent] { lock.withLock { collected } }

    var skipped: [(line: Int, messageID: String, bytes: Int)] {
        events.compactMap {
            if case .skipped(let line, let id, let bytes) = $0 { return (line, id, bytes) }
            return nil
        }
    }

    var savedPaths: [String] {
        events.compactMap {
            if case .batchSaved(_, _, _, let path) = $0 { return path }
            return nil
        }
    }
}

/// A configuration for tests: fast retries, a high rate cap, files in `directory`.
func testConfiguration(
    _ dataPlane: DataPlane, input: String, directory: URL, checkpoint: Bool = true
) -> SendConfiguration {
    SendConfiguration(
        dataPlane: dataPlane,
        input: InputIdentity(kind: "ndjson", path: input, size: nil, fingerprint: "test"),
        requestsPerSecond: 1000,
        retry: RetryPolicy(maximumAttempts: 12, baseDelay: 0.05, maximumDelay: 0.5),
        checkpointPath: checkpoint
            ? directory.appendingPathComponent("checkpoint.json").path : nil,
        savedBatchDirectory: directory.path)
}

/// Runs the sender over an NDJSON file with the HTTP transport.
func sendFile(
    _ path: String, to stub: SegmentStub, configuration: SendConfiguration,
    reporter: CollectingReporter = CollectingReporter(), gzip: Bool = false
) async throws -> SendSummary {
    let file = try NDJSONFile(path: path)
    let transport = HTTPBatchTransport(
        dataPlane: configuration.dataPlane, writeKey: WriteKey(stub.writeKey)!,
        userAgent: "mockcdp/test", maximumConnections: configuration.maximumInFlight,
        compressesBodies: gzip)
    let sender = SegmentSender(
        configuration: configuration, transport: transport, reporter: reporter)
    return try await sender.run(file.lines)
}

/// The built `mockcdp` executable, which sits beside the test bundle.
func mockcdpExecutable() throws -> URL {
    var candidates: [URL] = []
    if let selfPath = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
        candidates.append(URL(fileURLWithPath: selfPath).deletingLastPathComponent())
    }
    candidates.append(Bundle.main.bundleURL.deletingLastPathComponent())
    candidates.append(Bundle.main.bundleURL)
    for directory in candidates {
        var url = directory
        // From inside an .xctest bundle, climb to the build directory.
        while url.path.contains(".xctest") { url.deleteLastPathComponent() }
        let executable = url.appendingPathComponent("mockcdp")
        if FileManager.default.isExecutableFile(atPath: executable.path) { return executable }
    }
    throw StubError("the mockcdp executable was not found beside the tests; run swift build")
}

/// A finished run of the `mockcdp` executable.
struct ExecutableRun {
    var status: Int32
    var stdout: String
    var stderr: String
}

/// Starts `mockcdp` with `arguments` and `environment` added to this process's environment.
func startExecutable(_ arguments: [String], environment: [String: String] = [:], directory: URL)
    throws -> (Process, Pipe, Pipe)
{
    let process = Process()
    process.executableURL = try mockcdpExecutable()
    process.arguments = arguments
    var merged = ProcessInfo.processInfo.environment
    merged.removeValue(forKey: WriteKey.environmentVariable)
    merged.merge(environment) { $1 }
    process.environment = merged
    process.currentDirectoryURL = directory
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    return (process, out, err)
}

/// Starts `mockcdp` with `arguments`, stops it with Ctrl-C once the stub holds its requests,
/// lets the stub answer, and returns the exit status and standard error.
func interruptExecutable(
    _ arguments: [String], environment: [String: String], directory: URL, stub: SegmentStub
) async throws -> (status: Int32, stderr: String) {
    let (process, _, errors) = try startExecutable(
        arguments, environment: environment, directory: directory)
    try await stub.waitUntilHolding()
    kill(process.processIdentifier, SIGINT)
    try await Task.sleep(for: .milliseconds(200))
    try await stub.release()
    process.waitUntilExit()
    let stderr = String(
        decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    return (process.terminationStatus, stderr)
}

/// Runs `mockcdp` to the end. The wait happens on a thread of its own, so that a slow run
/// does not hold one of the few threads that the tests' tasks share.
func runExecutable(_ arguments: [String], environment: [String: String] = [:], directory: URL)
    async throws -> ExecutableRun
{
    try await withCheckedThrowingContinuation { continuation in
        Thread.detachNewThread {
            continuation.resume(
                with: Result {
                    try runExecutableBlocking(
                        arguments, environment: environment, directory: directory)
                })
        }
    }
}

private func runExecutableBlocking(
    _ arguments: [String], environment: [String: String], directory: URL
) throws -> ExecutableRun {
    let (process, out, err) = try startExecutable(
        arguments, environment: environment, directory: directory)
    let stdout = out.fileHandleForReading.readDataToEndOfFile()
    let stderr = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return ExecutableRun(
        status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
        stderr: String(decoding: stderr, as: UTF8.self))
}

/// Answers requests from a script, in order, then with 200 once the script is used up.
final class ScriptedTransport: BatchTransport, @unchecked Sendable {
    private let lock = NSLock()
    private var script: [TransportResult]
    private var count = 0

    init(_ script: [TransportResult]) {
        self.script = script
    }

    /// A failed name lookup, as libcurl reports it.
    static let hostNotFound = TransportResult.failure(
        TransportFailure(kind: .hostNotFound, detail: "Could not resolve host: example.invalid"))
    static let accepted = TransportResult.response(status: 200, retryAfter: nil, body: "{}")

    func post(_ body: [UInt8], retryCount: Int) async -> TransportResult {
        lock.withLock {
            count += 1
            return script.isEmpty ? Self.accepted : script.removeFirst()
        }
    }

    /// Requests received so far.
    var requests: Int { lock.withLock { count } }
}
