import Foundation
import MockCDP
import Testing

@Suite("Optional steps, branches and weighted funnels")
struct FunnelStructureTests {
    static let branched = """
        scenario: branchy
        version: 1
        start: 2026-05-01T00:00:00Z
        duration: 6h
        catalog:
          products:
            - {id: a, name: Alpha, price: 10}
        population:
          users: 4000
        funnels:
          main:
            - page: Home
            - track: Newsletter Shown
              optional: true
              rate: 30%
            - branch:
                - weight: 60%
                  steps:
                    - page: Search
                    - track: Products Searched
                      rate: 80%
                - weight: 40%
                  steps:
                    - page: Category
            - track: Product Viewed
              rate: 70%
        """

    /// The names of each user's pages and events, in order.
    func paths(_ plan: Plan) throws -> [String: [String]] {
        var paths: [String: [String]] = [:]
        for message in try messages(plan) {
            let user = try #require(message["anonymousId"] as? String)
            let name = (message["event"] as? String) ?? (message["name"] as? String) ?? "?"
            paths[user, default: []].append(name)
        }
        return paths
    }

    @Test("skipping an optional step does not end the journey")
    func optionalStep() throws {
        let paths = try paths(plan(Self.branched)).values
        let skipped = paths.filter { !$0.contains("Newsletter Shown") }
        #expect(skipped.count > 2000)
        #expect(skipped.allSatisfy { $0.count >= 2 && $0[1] != "Newsletter Shown" })
        let stats = FunnelStats(plan: try plan(Self.branched))
        let steps = try #require(stats.funnels.first?.steps)
        // Everyone comes to the step after the optional one.
        #expect(steps[2].eligible + steps[4].eligible == 4000)
    }

    @Test("each user takes one arm of a branch, in the proportions of the weights")
    func branchArms() throws {
        let paths = try paths(plan(Self.branched)).values
        let search = paths.filter { $0.contains("Search") }.count
        let category = paths.filter { $0.contains("Category") }.count
        #expect(search + category == 4000)
        #expect(!paths.contains { $0.contains("Search") && $0.contains("Category") })
        let share = Double(search) / 4000
        #expect(abs(share - 0.6) <= 3 * (0.6 * 0.4 / 4000).squareRoot())
        // The arm's own rate ends the journey of those who do not convert inside it.
        #expect(
            !paths.contains {
                $0.contains("Search") && !$0.contains("Products Searched")
                    && $0.contains("Product Viewed")
            })
    }

    @Test("stats count users at a step only on its arm, within three standard errors")
    func branchStats() throws {
        let stats = FunnelStats(plan: try plan(Self.branched))
        let steps = try #require(stats.funnels.first?.steps)
        #expect(steps.allSatisfy { $0.isWithinThreeStandardErrors })
        #expect(steps[3].eligible == steps[2].reached)
        #expect(steps[5].eligible == steps[3].reached + steps[4].reached)
        let arms = try #require(stats.funnels.first?.branches.first)
        #expect(arms.map(\.weight) == [0.6, 0.4])
        #expect(arms.map(\.users) == [steps[2].eligible, steps[4].eligible])
        let run = try runTool(["stats", try writeScenario(Self.branched)])
        #expect(run.output.contains("branch  arm  weight  realized  ±3se  users    of\n"))
    }

    @Test("changing a step inside one arm leaves the other arm's users unchanged")
    func armIsolation() throws {
        let before = try paths(plan(Self.branched))
        let after = try paths(
            plan(Self.branched.replacingOccurrences(of: "rate: 80%", with: "rate: 20%")))
        for (user, path) in before where path.contains("Category") {
            #expect(after[user] == path)
        }
    }

    func validate(_ yaml: String) throws -> ToolRun {
        try runTool(["validate", try writeScenario(yaml)])
    }

    @Test("branch weights must add up to 100%")
    func weightsAddUp() throws {
        let run = try validate(Self.branched.replacingOccurrences(of: "60%", with: "50%"))
        #expect(run.status == 65)
        #expect(
            run.errors.contains(
                ":17:9: error: the weights of a branch add up to 90%; they must add up to 100%"))
    }

    @Test("branches do not nest")
    func nested() throws {
        let yaml = Self.branched.replacingOccurrences(
            of: "            - page: Category",
            with: "            - branch: [{weight: 100%, steps: [{page: Deep}]}]")
        let run = try validate(yaml)
        #expect(run.status == 65)
        #expect(run.errors.contains("a branch cannot sit inside another branch"))
    }

    @Test("an order needs a cart filled on every path to it")
    func cartOnEveryPath() throws {
        let yaml =
            Self.branched.replacingOccurrences(
                of: "            - page: Category",
                with: "            - page: Category\n            - track: Product Added")
            + "\n    - track: Order Completed\n"
        let run = try validate(yaml)
        #expect(run.status == 65)
        #expect(run.errors.contains("Order Completed needs a cart"))
        #expect(run.errors.contains("one that every user takes, not optional or in one arm"))
    }

    @Test("optional takes true or false")
    func optionalValue() throws {
        let run = try validate(
            Self.branched.replacingOccurrences(of: "optional: true", with: "optional: maybe"))
        #expect(run.status == 65)
        #expect(run.errors.contains("optional must be true or false"))
    }

    @Test("funnels share the population by weight, each user following one")
    func weightedFunnels() throws {
        let plan = try plan(
            """
            scenario: two-funnels
            version: 1
            start: 2026-05-01T00:00:00Z
            duration: 6h
            population: {users: 4000}
            funnels:
              browse:
                weight: 3
                steps: [{page: Home}, {page: About}]
              signup:
                weight: 1
                steps: [{page: Landing}, {track: Signed Up}]
            """)
        let paths = try paths(plan).values
        let browse = paths.filter { $0 == ["Home", "About"] }.count
        let signup = paths.filter { $0 == ["Landing", "Signed Up"] }.count
        #expect(browse + signup == 4000)
        #expect(abs(Double(signup) / 4000 - 0.25) <= 3 * (0.25 * 0.75 / 4000).squareRoot())
        let stats = FunnelStats(plan: plan)
        #expect(stats.funnels.map(\.users) == [browse, signup])
    }

    @Test("a misspelled branch gets a suggestion")
    func misspelledBranch() throws {
        let run = try validate(
            Self.branched.replacingOccurrences(of: "- branch:", with: "- brnach:"))
        #expect(run.status == 65)
        #expect(run.errors.contains("unknown key 'brnach' in a step"))
        #expect(run.errors.contains("did you mean 'branch'?"))
    }
}
