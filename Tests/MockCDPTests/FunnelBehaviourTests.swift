import Foundation
import MockCDP
import Testing

@Suite("Funnel behaviour")
struct FunnelBehaviourTests {
    /// A funnel whose every step sends a distinct event, so that NDJSON counts are step counts.
    static let rates = [("Step A", 0.8), ("Step B", 0.35), ("Step C", 0.6), ("Step D", 0.09)]
    static let distinctSteps = """
        scenario: rates
        version: 1
        seed: 99
        start: 2026-05-01T00:00:00Z
        duration: 24h
        population: {users: 10000, arrivals: poisson}
        funnels:
          main:
        \(rates.map { "    - track: \($0.0)\n      rate: \(Int($0.1 * 100))%" }.joined(separator: "\n"))
        """

    @Test("with 10,000 users each step's realized rate is within three standard errors")
    func realizedRates() throws {
        var users: [String: Set<String>] = [:]
        for message in try messages(plan(Self.distinctSteps)) {
            let event = try #require(message["event"] as? String)
            users[event, default: []].insert(try #require(message["anonymousId"] as? String))
        }
        var previous = 10_000
        for (event, declared) in Self.rates {
            let reached = users[event]?.count ?? 0
            let realized = Double(reached) / Double(previous)
            let standardError = (declared * (1 - declared) / Double(previous)).squareRoot()
            #expect(
                abs(realized - declared) <= 3 * standardError,
                "\(event): realized \(realized) vs declared \(declared) over \(previous) users")
            previous = reached
        }
    }

    @Test("repeats send the step's call that many times")
    func repeats() throws {
        let all = try messages(
            plan(
                """
                scenario: repeats
                version: 1
                start: 2026-05-01T00:00:00Z
                duration: 1h
                population: {users: 300}
                funnels:
                  main:
                    - track: Searched
                      repeat: 2..4
                """))
        var counts: [String: Int] = [:]
        for message in all { counts[message["anonymousId"] as? String ?? "", default: 0] += 1 }
        #expect(counts.count == 300)
        #expect(counts.values.allSatisfy { (2...4).contains($0) })
        #expect(Set(counts.values) == [2, 3, 4])
    }

    @Test("fixed delays separate a user's events exactly")
    func fixedDelay() throws {
        let all = try events(
            plan(
                """
                scenario: delays
                version: 1
                start: 2026-05-01T00:00:00Z
                duration: 1h
                population: {users: 5}
                funnels:
                  main:
                    - page: Home
                    - track: Clicked
                      after: 90s
                """))
        let byUser = Dictionary(grouping: all, by: \.user)
        for (_, userEvents) in byUser {
            #expect(userEvents.count == 2)
            #expect(userEvents[1].millis - userEvents[0].millis == 90_000)
        }
    }

    @Test("changing one step's rate leaves every event before that step unchanged")
    func stepIsolation() throws {
        let before = try events(plan(storefront(checkoutRate: "60%")))
        let after = try events(plan(storefront(checkoutRate: "20%")))
        let checkoutIndex = 6
        func earlier(_ events: [TimelineEvent]) -> [[UInt8]] {
            events.filter { ($0.step?.step ?? -1) < checkoutIndex }.map(\.json)
        }
        #expect(earlier(before).count > 500)
        #expect(earlier(before) == earlier(after))
        let laterBefore = before.filter { ($0.step?.step ?? -1) >= checkoutIndex }.count
        let laterAfter = after.filter { ($0.step?.step ?? -1) >= checkoutIndex }.count
        #expect(laterAfter < laterBefore)
    }

    @Test("identified users carry their userId on every event from the identify call on")
    func identityStitching() throws {
        let all = try messages(plan(storefront(users: 300)))
        var identified = Set<String>()
        for message in all {
            let anonymousId = try #require(message["anonymousId"] as? String)
            if message["type"] as? String == "identify" {
                #expect(message["userId"] is String)
                let traits = try #require(message["traits"] as? [String: Any])
                let email = try #require(traits["email"] as? String)
                #expect(
                    email.hasSuffix("@example.com") || email.hasSuffix("@example.org")
                        || email.hasSuffix("@example.net"))
                identified.insert(anonymousId)
            } else if identified.contains(anonymousId) {
                #expect(message["userId"] is String)
            } else {
                #expect(message["userId"] == nil)
            }
        }
        #expect(!identified.isEmpty)
    }
}
