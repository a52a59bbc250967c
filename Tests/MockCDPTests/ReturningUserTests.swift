import Foundation
import MockCDP
import Testing

@Suite("Returning users")
struct ReturningUserTests {
    static let scenario = """
        scenario: returning
        version: 1
        start: 2026-05-01T00:00:00Z
        duration: 30d
        population:
          users: 3000
          returning: {share: 30%, after: 1d..7d, visits: 1..3}
          context:
            campaigns:
              - {weight: 50%, source: google, medium: cpc, name: spring}
        funnels:
          main:
            - page: Home
            - track: Signed Up
              rate: 40%
        """

    /// Each user's messages, in time order.
    func byUser(_ plan: Plan) throws -> [String: [[String: Any]]] {
        var users: [String: [[String: Any]]] = [:]
        for message in try messages(plan) {
            users[try #require(message["anonymousId"] as? String), default: []].append(message)
        }
        return users
    }

    func sessions(_ messages: [[String: Any]]) -> [[[String: Any]]] {
        var sessions: [[[String: Any]]] = []
        var current: Int?
        for message in messages {
            let context = message["context"] as? [String: Any]
            let id = context?["sessionId"] as? Int
            if id != current { sessions.append([]) }
            current = id
            sessions[sessions.count - 1].append(message)
        }
        return sessions
    }

    @Test("about the declared share of users come back, in new sessions, with the same ids")
    func share() throws {
        let plan = try plan(Self.scenario)
        let users = try byUser(plan)
        #expect(users.count == 3000)
        let returned = users.values.filter { sessions($0).count > 1 }
        // Some returns would start after the scenario ends and are not made.
        let share = Double(returned.count) / 3000
        let error = (0.3 * 0.7 / 3000).squareRoot()
        #expect(share <= 0.3 + 3 * error)
        #expect(share >= 0.3 * (23.0 / 30) - 3 * error)
        #expect(returned.allSatisfy { sessions($0).count <= 4 })
    }

    @Test("a return starts one to seven days after the last visit, directly, before the end")
    func returnVisits() throws {
        let plan = try plan(Self.scenario)
        let end = plan.startMillis + plan.durationMillis
        for messages in try byUser(plan).values {
            let visits = sessions(messages)
            for (previous, next) in zip(visits, visits.dropFirst()) {
                let last = try #require(previous.last?["timestamp"] as? String)
                let first = try #require(next.first)
                let gap = millis(try #require(first["timestamp"] as? String)) - millis(last)
                #expect(gap >= 86_400_000 && gap <= 7 * 86_400_000 + 30_000)
                #expect(millis(first["timestamp"] as! String) < end)
                #expect(first["name"] as? String == "Home")
                let context = try #require(first["context"] as? [String: Any])
                #expect(context["campaign"] == nil)
            }
        }
    }

    func millis(_ timestamp: String) -> Int64 {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return Int64((formatter.date(from: timestamp)!.timeIntervalSince1970 * 1000).rounded())
    }

    @Test("stats count each visit and keep the wait before a return out of step delays")
    func stats() throws {
        let stats = FunnelStats(plan: try plan(Self.scenario))
        let funnel = try #require(stats.funnels.first)
        #expect(stats.hasReturningUsers)
        #expect(funnel.users > 3000)
        #expect(funnel.steps.allSatisfy { $0.isWithinThreeStandardErrors })
        #expect((funnel.steps[1].delayPercentile(1) ?? 0) <= 30_000)
    }

    @Test("returning users leave the first visits of every user unchanged")
    func firstVisitsUnchanged() throws {
        let without = Self.scenario.replacingOccurrences(
            of: "  returning: {share: 30%, after: 1d..7d, visits: 1..3}\n", with: "")
        let before = try byUser(plan(without))
        let after = try byUser(plan(Self.scenario))
        for (user, messages) in before {
            let first = try #require(after[user]).prefix(messages.count)
            #expect(
                first.map { $0["messageId"] as? String }
                    == messages.map {
                        $0["messageId"] as? String
                    })
        }
    }

    @Test("visits must be at least 1")
    func visitsChecked() throws {
        let path = try writeScenario(
            Self.scenario.replacingOccurrences(of: "visits: 1..3", with: "visits: 0..3"))
        let run = try runTool(["validate", path])
        #expect(run.status == 65)
        #expect(run.errors.contains("a returning user makes at least 1 more visit"))
    }

    @Test("a later visit is expanded when it begins, not when the user first arrives")
    func laterVisitsWait() throws {
        let plan = try plan(Self.scenario)
        var emitted: [Int64] = []
        // Each later visit's start, with how many messages had come out when it was expanded.
        var expansions: [(start: Int64, emitted: Int)] = []
        var timeline = Timeline(
            plan: plan,
            onVisit: { visit in
                if visit.number > 0 { expansions.append((visit.startMillis, emitted.count)) }
            })
        while let event = timeline.next() { emitted.append(event.millis) }
        #expect(expansions.count > 500)

        // Not too late: everything out before a visit was expanded is earlier than its start.
        // Not early: everything out after it is at its start or later, so the visit's messages
        // never waited in memory while earlier ones were written.
        var earliestFrom = [Int64](repeating: .max, count: emitted.count + 1)
        for index in emitted.indices.reversed() {
            earliestFrom[index] = min(emitted[index], earliestFrom[index + 1])
        }
        let tooLate = expansions.filter { $0.emitted > 0 && emitted[$0.emitted - 1] >= $0.start }
        let early = expansions.filter { earliestFrom[$0.emitted] < $0.start }
        #expect(tooLate.isEmpty, "\(tooLate.prefix(3))")
        #expect(early.isEmpty, "\(early.prefix(3))")
    }
}
