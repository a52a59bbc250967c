import Foundation
import MockCDP

// mockcdp-bench: times the generation of one scenario to a file and to /dev/null and
// reports events/s, MB/s and the peak resident memory of each phase.

let usage = """
    Usage: mockcdp-bench [SCENARIO] [--set NAME=VALUE]... [--seed N] [--output FILE] [--runs N]

    Generates SCENARIO (default Scenarios/storefront.yaml) into FILE (default
    /tmp/mockcdp-bench.ndjson) and into /dev/null, RUNS times each (default 3), and prints
    one line per run and the best run (least CPU time) of each target:
      target=file events=N seconds=S events_per_s=R mb_per_s=M cpu_seconds=C
        events_per_cpu_s=E peak_rss_mb=P

    Peak RSS is the process's VmHWM, reset before each run by writing 5 to
    /proc/self/clear_refs, so it is the peak of that run alone.

    """

struct Options {
    var scenario = "Scenarios/storefront.yaml"
    var compile = CompileOptions()
    var output = "/tmp/mockcdp-bench.ndjson"
    var runs = 3
}

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("mockcdp-bench: \(message)\n".utf8))
    exit(64)
}

func parseOptions(_ arguments: [String]) -> Options {
    var options = Options()
    var index = 0
    func value(_ name: String) -> String {
        index += 1
        guard index < arguments.count else { fail("\(name) needs a value") }
        return arguments[index]
    }
    while index < arguments.count {
        let argument = arguments[index]
        switch argument {
        case "-h", "--help":
            print(usage, terminator: "")
            exit(0)
        case "--set":
            let assignment = value(argument)
            guard let equals = assignment.firstIndex(of: "=") else {
                fail("--set needs NAME=VALUE; got '\(assignment)'")
            }
            options.compile.overrides.append(
                (
                    String(assignment[..<equals]),
                    String(assignment[assignment.index(after: equals)...])
                )
            )
        case "--seed":
            guard let seed = UInt64(value(argument)) else { fail("--seed needs a whole number") }
            options.compile.seed = seed
        case "-o", "--output":
            options.output = value(argument)
        case "--runs":
            guard let runs = Int(value(argument)), runs > 0 else { fail("--runs needs a count") }
            options.runs = runs
        default:
            guard !argument.hasPrefix("-") else { fail("unknown option '\(argument)'") }
            options.scenario = argument
        }
        index += 1
    }
    return options
}

/// The process's peak resident set in bytes since the last reset, from /proc/self/status.
func peakResidentBytes() -> Int {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else {
        return 0
    }
    for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
        let kilobytes = line.split(separator: " ").dropFirst().first.flatMap { Int($0) } ?? 0
        return kilobytes * 1024
    }
    return 0
}

/// Starts a new peak-RSS window; older kernels ignore the request and report the process peak.
func resetPeakResident() {
    if let handle = FileHandle(forWritingAtPath: "/proc/self/clear_refs") {
        handle.write(Data("5".utf8))
        try? handle.close()
    }
}

struct Result {
    var target: String
    var events: Int
    var bytes: Int
    var seconds: Double
    var cpuSeconds: Double
    var peakBytes: Int

    var line: String {
        String(
            format: "target=%@ events=%d seconds=%.3f events_per_s=%.0f mb_per_s=%.1f "
                + "cpu_seconds=%.3f events_per_cpu_s=%.0f peak_rss_mb=%.1f",
            target, events, seconds, Double(events) / seconds,
            Double(bytes) / seconds / 1_000_000, cpuSeconds, Double(events) / cpuSeconds,
            Double(peakBytes) / 1_048_576)
    }
}

/// User plus system CPU time of this process, in seconds: steadier than wall-clock time
/// on a machine that other work shares.
func cpuSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
    return seconds(usage.ru_utime) + seconds(usage.ru_stime)
}

/// Opens `path` for writing from its start. A device such as `/dev/null` is opened as it
/// is: creating a file there would put a regular file in the device's place (Foundation
/// creates files by moving a new one into place).
func openForWriting(_ path: String) -> FileHandle {
    var info = stat()
    if stat(path, &info) == 0, info.st_mode & S_IFMT != S_IFREG {
        guard let handle = FileHandle(forWritingAtPath: path) else {
            fail("cannot write '\(path)'")
        }
        return handle
    }
    guard FileManager.default.createFile(atPath: path, contents: nil),
        let handle = FileHandle(forWritingAtPath: path)
    else { fail("cannot write '\(path)'") }
    return handle
}

func generate(_ plan: Plan, to path: String, target: String) -> Result {
    let handle = openForWriting(path)
    resetPeakResident()
    let started = DispatchTime.now().uptimeNanoseconds
    let startedCPU = cpuSeconds()
    var writer = NDJSONWriter(handle: handle)
    var timeline = Timeline(plan: plan)
    do {
        while let event = timeline.next() { try writer.write(event) }
        try writer.finish()
        try handle.close()
    } catch {
        fail("cannot write '\(path)': \(error)")
    }
    let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
    return Result(
        target: target, events: writer.eventsWritten, bytes: writer.bytesWritten,
        seconds: seconds, cpuSeconds: cpuSeconds() - startedCPU, peakBytes: peakResidentBytes())
}

let options = parseOptions(Array(CommandLine.arguments.dropFirst()))
var loader = ScenarioLoader()
let plan: Plan
do {
    plan = try loader.load(options.scenario, options: options.compile)
} catch {
    let rendered = DiagnosticRenderer(sources: loader.sources).render(error.diagnostics)
    FileHandle.standardError.write(Data(rendered.utf8))
    exit(65)
}
print("scenario=\(options.scenario) users=\(plan.population.users) runs=\(options.runs)")
var best: [String: Result] = [:]
for _ in 0..<options.runs {
    for (path, target) in [(options.output, "file"), ("/dev/null", "devnull")] {
        let result = generate(plan, to: path, target: target)
        print("run " + result.line)
        if best[target].map({ result.cpuSeconds < $0.cpuSeconds }) ?? true {
            best[target] = result
        }
    }
}
for target in ["file", "devnull"] {
    if let result = best[target] { print("best " + result.line) }
}
