import Foundation
import MockCDP
import Testing

@Suite("Cohorts")
struct CohortTests {
    static let scenario = """
        scenario: cohorts
        version: 1
        start: 2026-05-01T00:00:00Z
        duration: 1d
        population:
          users: 6000
          context:
            devices: {desktop: 100%}
          cohorts:
            loyal: {share: 25%, lift: 200%, context: {devices: {mobile: 100%}}}
            bargain: {share: 25%, lift: 50%}
        funnels:
          main:
            - page: Home
            - track: Signed Up
              rate: 20%
        """

    @Test("a cohort has its own context mix and its lifted conversion rate")
    func contextAndLift() throws {
        var mobile: Set<String> = []
        var signedUp: Set<String> = []
        var users: Set<String> = []
        for message in try messages(plan(Self.scenario)) {
            let user = try #require(message["anonymousId"] as? String)
            users.insert(user)
            let context = try #require(message["context"] as? [String: Any])
            let agent = try #require(context["userAgent"] as? String)
            if agent.contains("Mobile") || agent.contains("iPhone") { mobile.insert(user) }
            if message["event"] as? String == "Signed Up" { signedUp.insert(user) }
        }
        let share = Double(mobile.count) / Double(users.count)
        #expect(abs(share - 0.25) <= 3 * (0.25 * 0.75 / 6000).squareRoot())
        // The loyal cohort converts at 40%, twice the declared 20%.
        let loyalRate = Double(mobile.intersection(signedUp).count) / Double(mobile.count)
        #expect(abs(loyalRate - 0.4) <= 3 * (0.4 * 0.6 / Double(mobile.count)).squareRoot())
    }

    @Test("stats compare the realized rate with the rate the cohorts make expected")
    func stats() throws {
        let stats = FunnelStats(plan: try plan(Self.scenario))
        let step = try #require(stats.funnels.first?.steps[1])
        let expected = try #require(step.expected)
        // A quarter at 40%, a quarter at 10%, half at 20%.
        #expect(abs(expected - 0.225) < 0.01)
        #expect(step.isWithinThreeStandardErrors)
        let run = try runTool(["stats", try writeScenario(Self.scenario)])
        #expect(run.output.contains("declared  expected  realized"))
    }

    @Test("cohort shares may not add up to more than 100%")
    func shares() throws {
        let path = try writeScenario(
            Self.scenario.replacingOccurrences(of: "share: 25%, lift: 50%", with: "share: 80%"))
        let run = try runTool(["validate", path])
        #expect(run.status == 65)
        #expect(run.errors.contains("cohort shares add up to 105%"))
    }

    @Test("a misspelled cohort key gets a suggestion")
    func misspelled() throws {
        let path = try writeScenario(
            Self.scenario.replacingOccurrences(of: "lift: 200%", with: "lfit: 200%"))
        let run = try runTool(["validate", path])
        #expect(run.status == 65)
        #expect(run.errors.contains("unknown key 'lfit' in cohort 'loyal'"))
        #expect(run.errors.contains("did you mean 'lift'?"))
    }
}
