import Foundation
import MockCDP
import Testing

@Suite("Stats of scenarios and NDJSON files")
struct StatsTests {
    @Test(
        "each shipped scenario realizes its declared rates within three standard errors",
        arguments: shippedScenarios)
    func shippedRates(name: String) throws {
        let path = repositoryRoot.appendingPathComponent("Scenarios/\(name)").path
        var loader = ScenarioLoader()
        let stats = FunnelStats(plan: try loader.load(path))
        for funnel in stats.funnels {
            for step in funnel.steps where step.eligible > 0 {
                let realized = try #require(step.realized)
                let error = try #require(step.standardError)
                // The declared rate, or, where a cohort lifts some users' rates, the rate
                // those users make expected.
                let expected = try #require(step.expected)
                if !stats.hasCohorts { #expect(abs(expected - step.declared.fraction) < 1e-9) }
                let label = "\(name) \(funnel.name) \(step.label)"
                #expect(
                    abs(realized - expected) <= 3 * error + 1e-12,
                    "\(label): expected \(expected), realized \(realized)"
                )
            }
        }
    }

    @Test("step counts agree with the events of the timeline")
    func countsMatchTimeline() throws {
        let plan = try plan(storefront(users: 300))
        let stats = FunnelStats(plan: plan)
        let timeline = events(plan)
        #expect(stats.events == timeline.count)
        let steps = try #require(stats.funnels.first?.steps)
        for (index, step) in steps.enumerated() {
            let sent = timeline.filter { $0.step?.step == index }
            #expect(step.events == sent.count)
            #expect(step.reached == Set(sent.map(\.user)).count)
            #expect(step.delays.count == step.events)
        }
        #expect(steps[0].eligible == 300)
        #expect(steps[1].eligible == steps[0].reached)
        #expect(steps[2].eligible == steps[1].reached)
    }

    @Test("fixed delays show as exact percentiles")
    func fixedDelays() throws {
        let plan = try plan(
            """
            scenario: fixed
            version: 1
            start: 2026-05-01T00:00:00Z
            duration: 1h
            population: {users: 50}
            funnels:
              main:
                - page: Home
                - track: Signed Up
                  after: 42s
                  rate: 50%
            """)
        let step = try #require(FunnelStats(plan: plan).funnels.first?.steps[1])
        #expect(step.delayPercentile(0.5) == 42_000)
        #expect(step.delayPercentile(0.99) == 42_000)
    }

    /// Users of whom half sign in on arrival and all come back once, with fixed delays.
    static let firstStepScenario = """
        scenario: first-step
        version: 1
        start: 2026-05-01T00:00:00Z
        duration: 1d
        population:
          users: 40
          identified: 50%
          returning: {share: 100%, after: 2h, visits: 1}
        funnels:
          main:
            - page: Home
              after: 30s
            - track: Signed Up
              after: 42s
              rate: 50%
        """

    @Test("the first step's delay counts from the start of each visit, signed in or not")
    func firstStepDelay() throws {
        let plan = try plan(Self.firstStepScenario)
        let timeline = events(plan)
        let signedIn = timeline.filter { $0.step == nil }.count
        #expect(signedIn > 0 && signedIn < 40)

        let stats = FunnelStats(plan: plan)
        let steps = try #require(stats.funnels.first?.steps)
        // Every visit, first or return, anonymous or signed in, opens with the page 30s in.
        #expect(steps[0].events > 40)
        #expect(steps[0].delays.count == steps[0].events)
        #expect(steps[0].delays.allSatisfy { $0 == 30_000 })
        #expect(steps[1].delays.count == steps[1].events)
        #expect(steps[1].delays.allSatisfy { $0 == 42_000 })
    }

    @Test("stats shows the first step's delay when nobody signs in on arrival")
    func firstStepDelayTable() throws {
        let path = try writeScenario(
            Self.firstStepScenario.replacingOccurrences(of: "  identified: 50%\n", with: ""))
        let run = try runTool(["stats", path])
        #expect(run.status == 0)
        let rows = run.output.split(separator: "\n").filter { $0.first?.isNumber == true }
        let first = try #require(rows.first)
        #expect(first.hasPrefix("1  page Home"))
        #expect(first.hasSuffix("30.0s  30.0s  30.0s"), "\(run.output)")
    }

    @Test("with returning users the step table counts visits, and its column says so")
    func returningColumn() throws {
        let path = try writeScenario(Self.firstStepScenario)
        let run = try runTool(["stats", path])
        #expect(run.status == 0)
        let lines = run.output.split(separator: "\n").map(String.init)
        // 40 users who all come back once, unless the scenario has ended by then: more visits
        // than users, every one of them opening with the page.
        let title = try #require(lines.first { $0.hasPrefix("funnel main (") })
        let visits = try #require(
            Int(title.dropFirst("funnel main (".count).prefix { $0.isNumber }))
        #expect(title == "funnel main (\(visits) visits)")
        #expect(visits > 40 && visits <= 80)
        let header = try #require(lines.first { $0.hasPrefix("#  step") })
        #expect(header.contains(" visits ") && !header.contains(" users "), "\(header)")
        let first = try #require(lines.first { $0.hasPrefix("1  page Home") })
        let counts = first.split(separator: " ").filter { Int($0) == visits }
        #expect(counts.count == 3, "reached, of and events are all the visits: \(first)")
    }

    @Test("stats of a scenario prints an aligned table per funnel")
    func scenarioTable() throws {
        let path = repositoryRoot.appendingPathComponent("Scenarios/storefront.yaml").path
        let run = try runTool(["stats", path])
        #expect(run.status == 0)
        let lines = run.output.split(separator: "\n").map(String.init)
        let header = try #require(lines.first { $0.hasPrefix("#  step") })
        #expect(header.contains("declared  realized"))
        let rows = lines.filter { $0.first?.isNumber == true }
        #expect(rows.count == 5)
        // Aligned: every row ends where the header does, numbers being right-aligned.
        #expect(rows.allSatisfy { $0.count == header.count })
        #expect(rows[0].contains("page Home"))
    }

    @Test("stats of an NDJSON file counts messages per event and per user")
    func ndjsonCounts() throws {
        let plan = try plan(storefront(users: 120))
        let folder = try temporaryFolder()
        let path = folder.appendingPathComponent("events.ndjson").path
        try Data(ndjson(plan)).write(to: URL(fileURLWithPath: path))
        let run = try runTool(["stats", path])
        #expect(run.status == 0)

        let all = try messages(plan)
        let users = Set(all.compactMap { $0["anonymousId"] as? String })
        #expect(run.output.contains("\(path): \(all.count) messages, \(users.count) users\n"))
        let views = all.filter { $0["event"] as? String == "Product Viewed" }.count
        let line = try #require(
            run.output.split(separator: "\n").first { $0.hasPrefix("track     Product Viewed") })
        #expect(line.split(separator: " ").contains("\(views)"))
        #expect(run.output.contains("messages per user"))
    }

    @Test("a line that is not a message is reported with its line number")
    func badLine() throws {
        let folder = try temporaryFolder()
        let path = folder.appendingPathComponent("events.ndjson").path
        try "{\"type\":\"track\",\"event\":\"A\",\"anonymousId\":\"u\"}\nnot json\n"
            .write(toFile: path, atomically: true, encoding: .utf8)
        let run = try runTool(["stats", path])
        #expect(run.status == 65)
        #expect(
            run.errors.contains(
                "\(path):2:1: error: invalid JSON: a message must be a JSON object"))
    }

    @Test(
        "a bad line is reported with the column where reading stopped, or as not a message",
        arguments: [
            (#"{"type":"track",}"#, ":2:17: error: invalid JSON: expected a quoted key"),
            (#"{"type":"track","event":3}"#, ":2:1: error: not a Segment message"),
            (#"{"event":"A"}"#, ":2:1: error: not a Segment message"),
        ])
    func badLineColumn(line: String, message: String) throws {
        let folder = try temporaryFolder()
        let path = folder.appendingPathComponent("events.ndjson").path
        try "{\"type\":\"track\",\"event\":\"A\",\"anonymousId\":null}\n\(line)\n"
            .write(toFile: path, atomically: true, encoding: .utf8)
        let run = try runTool(["stats", path])
        #expect(run.status == 65)
        #expect(run.errors.contains(path + message), "\(run.errors)")
    }

    @Test("--seed and --set are refused for NDJSON, and a missing file exits 66")
    func ndjsonUsage() throws {
        let folder = try temporaryFolder()
        let path = folder.appendingPathComponent("events.ndjson").path
        try "".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(try runTool(["stats", path, "--seed", "3"]).status == 64)
        let missing = try runTool(["stats", folder.appendingPathComponent("gone.ndjson").path])
        #expect(missing.status == 66)
        #expect(missing.errors.contains("gone.ndjson': no such file"))
    }
}
