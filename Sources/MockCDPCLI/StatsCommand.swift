import Foundation
import MockCDP

/// `mockcdp stats FILE|NDJSON`: what a scenario realizes per funnel step, or what an NDJSON
/// file holds per event and per user.
enum StatsCommand: Command {
    static let name = "stats"
    static let summary = "show per-step rates and delays of a scenario, or counts of an NDJSON file"
    static let help = """
        Usage: mockcdp stats FILE [--seed N] [--set NAME=VALUE]...
               mockcdp stats EVENTS.ndjson

        For a scenario: expands its timeline and shows, for each funnel step, the
        declared rate, the expected rate when cohorts lift some users' rates, the
        realized rate (users who reached the step over users who came to it),
        whether it agrees with the expected one within three standard errors,
        users and events, and the delay before the step's events at the 50th, 90th
        and 99th percentiles: the time since the user's previous event in the same
        visit, or, for a visit's first event, since the user arrived or came back.
        Under it, each branch arm's weight against the share of users who took it.

        For NDJSON (a file ending in .ndjson or .jsonl, or whose first character is
        '{'), from mockcdp or anywhere else: messages per type and event name, and
        how many messages each user (anonymousId, else userId) sent.

        Options:
        \(ScenarioInput.optionsHelp)

        """

    static func run(_ arguments: [String], terminal: Terminal) throws -> ExitCode {
        let parsed = try Arguments(arguments, options: ScenarioInput.options)
        guard parsed.positional.count == 1, let path = parsed.positional.first else {
            throw UsageError(
                message: parsed.positional.isEmpty
                    ? "no file given" : "give exactly one scenario or NDJSON file",
                hint: "mockcdp stats shop.yaml, or mockcdp stats shop.ndjson")
        }
        if isNDJSON(path) {
            if parsed.value("seed") != nil || !parsed.all("set").isEmpty {
                throw UsageError(
                    message: "--seed and --set apply to scenarios, not to NDJSON files",
                    hint: "mockcdp stats events.ndjson")
            }
            try terminal.print(try eventReport(path))
        } else {
            let plan = try ScenarioInput.load(
                path, options: try ScenarioInput.compileOptions(parsed), terminal: terminal)
            try terminal.print(funnelReport(FunnelStats(plan: plan), scenario: plan.scenario))
        }
        return .success
    }

    private static func isNDJSON(_ path: String) -> Bool {
        let lowered = path.lowercased()
        if lowered.hasSuffix(".ndjson") || lowered.hasSuffix(".jsonl") { return true }
        if lowered.hasSuffix(".yaml") || lowered.hasSuffix(".yml") { return false }
        guard let handle = FileHandle(forReadingAtPath: path),
            let start = try? handle.read(upToCount: 64)
        else { return false }
        return start.first { !" \t\r\n".utf8.contains($0) } == UInt8(ascii: "{")
    }

    // MARK: Scenarios

    static func funnelReport(_ stats: FunnelStats, scenario: String) -> String {
        var text = "\(scenario): \(stats.users) users, \(stats.events) events\n"
        for funnel in stats.funnels {
            let unit = stats.hasReturningUsers ? "visits" : "users"
            text += "\nfunnel \(funnel.name) (\(funnel.users) \(unit))\n"
            let lifted = stats.hasCohorts
            var table = TextTable(
                [("#", .right), ("step", .left), ("declared", .right)]
                    + (lifted ? [("expected", .right)] : [])
                    + [
                        ("realized", .right), ("±3se", .left), (unit, .right), ("of", .right),
                        ("events", .right), ("p50", .right), ("p90", .right), ("p99", .right),
                    ])
            for (index, step) in funnel.steps.enumerated() {
                var label = step.label + (step.optional ? " (optional)" : "")
                if let branch = step.branch, let weight = step.armWeight {
                    label =
                        "branch \(branch.branch + 1) arm \(branch.arm + 1) "
                        + "(\(percent(weight))): " + label
                }
                table.add(
                    ["\(index + 1)", label, percent(step.declared.fraction)]
                        + (lifted ? [step.expected.map(percent) ?? "-"] : [])
                        + [
                            step.realized.map(percent) ?? "-",
                            step.eligible == 0
                                ? "-" : step.isWithinThreeStandardErrors ? "yes" : "no",
                            "\(step.reached)", "\(step.eligible)", "\(step.events)",
                            step.delayPercentile(0.5).map(DurationText.describe(millis:)) ?? "-",
                            step.delayPercentile(0.9).map(DurationText.describe(millis:)) ?? "-",
                            step.delayPercentile(0.99).map(DurationText.describe(millis:)) ?? "-",
                        ])
            }
            text += table.render()
            if !funnel.branches.isEmpty {
                text += "\n" + branchTable(funnel.branches, unit: unit)
            }
        }
        return text
    }

    /// Each branch arm's weight against the share of the branch's users (or visits, when users
    /// come back) who took it.
    static func branchTable(_ branches: [[(weight: Double, users: Int)]], unit: String) -> String {
        var table = TextTable([
            ("branch", .right), ("arm", .right), ("weight", .right), ("realized", .right),
            ("±3se", .left), (unit, .right), ("of", .right),
        ])
        for (number, arms) in branches.enumerated() {
            let total = arms.map(\.users).reduce(0, +)
            for (index, arm) in arms.enumerated() {
                let realized = total > 0 ? Double(arm.users) / Double(total) : nil
                let error = (arm.weight * (1 - arm.weight) / Double(max(1, total))).squareRoot()
                table.add([
                    "\(number + 1)", "\(index + 1)", percent(arm.weight),
                    realized.map(percent) ?? "-",
                    realized.map { abs($0 - arm.weight) <= 3 * error + 1e-12 ? "yes" : "no" }
                        ?? "-",
                    "\(arm.users)", "\(total)",
                ])
            }
        }
        return table.render()
    }

    static func percent(_ fraction: Double) -> String {
        String(format: "%.1f%%", fraction * 100)
    }

    // MARK: NDJSON

    private static func eventReport(_ path: String) throws -> String {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            let reason =
                FileManager.default.fileExists(atPath: path) ? "permission denied" : "no such file"
            throw DiagnosticError(
                .error(at: nil, "cannot read '\(path)': \(reason)"), isMissingInput: true)
        }
        var stats = EventStats()
        var lines = LineReader(handle: handle)
        var number = 0
        while let line = lines.next() {
            number += 1
            do throws(EventStats.BadLine) {
                try stats.add(line: line, number: number)
            } catch {
                throw DiagnosticError(
                    .error(
                        at: SourceLocation(file: path, line: error.line, column: error.column),
                        "\(error.message)", hint: "each line must be one Segment message"))
            }
        }

        let perUser = stats.messagesPerUser
        var text = "\(path): \(stats.messages) messages, \(perUser.count) users\n"
        if let first = stats.firstTimestamp, let last = stats.lastTimestamp {
            text += "from \(first) to \(last)\n"
        }
        text += "\n"
        var table = TextTable([
            ("type", .left), ("event / name", .left), ("messages", .right),
            ("share", .right),
        ])
        for name in stats.counts.keys.sorted() {
            let count = stats.counts[name] ?? 0
            table.add([
                name.type, name.name.isEmpty ? "-" : name.name, "\(count)",
                percent(Double(count) / Double(max(1, stats.messages))),
            ])
        }
        text += table.render()
        if !perUser.isEmpty {
            let mean = Double(stats.messages) / Double(perUser.count)
            text += "\nmessages per user\n"
            var users = TextTable([
                ("users", .right), ("mean", .right), ("min", .right), ("p50", .right),
                ("p90", .right), ("p99", .right), ("max", .right),
            ])
            users.add(
                ["\(perUser.count)", String(format: "%.2f", mean)]
                    + [0.0, 0.5, 0.9, 0.99, 1.0].map { "\(percentile(perUser, $0) ?? 0)" })
            text += users.render()
        }
        return text
    }
}
