import Foundation
import MockCDP
import Testing

@Suite("The NDJSON timeline contract")
struct TimelineContractTests {
    @Test("every line is a complete Segment message")
    func messageShape() throws {
        let all = try messages(plan(storefront()))
        #expect(all.count > 500)
        var ids = Set<String>()
        for message in all {
            let type = try #require(message["type"] as? String)
            #expect(["page", "track", "identify"].contains(type))
            let messageId = try #require(message["messageId"] as? String)
            #expect(messageId.utf8.count <= 100)
            #expect(ids.insert(messageId).inserted, "duplicate messageId \(messageId)")
            #expect(message["anonymousId"] is String || message["userId"] is String)

            let context = try #require(message["context"] as? [String: Any])
            let library = try #require(context["library"] as? [String: Any])
            #expect(library["name"] as? String == "mockcdp")
            for key in ["ip", "userAgent", "locale", "timezone"] {
                #expect(context[key] is String, "context.\(key) missing in \(type)")
            }
            switch type {
            case "page":
                let page = try #require(context["page"] as? [String: Any])
                for key in ["path", "url", "title", "referrer", "search"] {
                    #expect(page[key] is String, "context.page.\(key) missing")
                }
            case "track":
                #expect(message["event"] is String)
                #expect(message["properties"] is [String: Any])
            default:
                #expect(message["traits"] is [String: Any])
            }
        }
    }

    @Test("timestamps are ISO-8601 UTC with milliseconds and never decrease")
    func timestampOrder() throws {
        let all = try messages(plan(storefront(arrivals: "poisson")))
        let pattern = try Regex(#"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$"#)
        var previous = ""
        for message in all {
            let timestamp = try #require(message["timestamp"] as? String)
            #expect(timestamp.wholeMatch(of: pattern) != nil, "bad timestamp \(timestamp)")
            #expect(timestamp >= previous)
            previous = timestamp
        }
    }

    @Test("the first arrival is at or after the scenario's start instant")
    func startInstant() throws {
        let first = try #require(messages(plan(storefront())).first)
        let timestamp = try #require(first["timestamp"] as? String)
        #expect(timestamp >= "2026-03-01T08:00:00.000Z")
        #expect(timestamp < "2026-03-01T14:00:00.000Z")
    }

    @Test("two runs give identical bytes; another seed gives other events")
    func determinism() throws {
        let first = ndjson(try plan(storefront()))
        let second = ndjson(try plan(storefront()))
        #expect(first == second)
        let reseeded = ndjson(try plan(storefront(), options: CompileOptions(seed: 8)))
        #expect(reseeded != first)
    }

    @Test("a gap longer than the session timeout starts a new session")
    func sessions() throws {
        let all = try messages(
            plan(
                """
                scenario: sessions
                version: 1
                start: 2026-01-01T00:00:00Z
                duration: 1h
                sessions: {timeout: 30m}
                population: {users: 20}
                funnels:
                  browse:
                    - page: Home
                    - page: Deals
                      after: 10m
                    - page: Home
                      after: 45m
                """))
        #expect(all.count == 60)
        var byUser: [String: [(session: Int, millis: Int)]] = [:]
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        for message in all {
            let user = try #require(message["anonymousId"] as? String)
            let context = try #require(message["context"] as? [String: Any])
            let session = try #require(context["sessionId"] as? Int)
            let date = try #require(formatter.date(from: message["timestamp"] as? String ?? ""))
            byUser[user, default: []].append(
                (session, Int((date.timeIntervalSince1970 * 1000).rounded())))
        }
        #expect(byUser.count == 20)
        for (_, visits) in byUser {
            #expect(visits.count == 3)
            #expect(visits[0].session == visits[0].millis)
            #expect(visits[1].session == visits[0].session)
            #expect(visits[2].session == visits[2].millis)
        }
    }

    @Test("the campaign is attributed to the session whose first page carried it")
    func campaignAttribution() throws {
        let all = try messages(
            plan(
                """
                scenario: attribution
                version: 1
                start: 2026-01-01T00:00:00Z
                duration: 1h
                sessions: {timeout: 30m}
                population:
                  users: 40
                  context:
                    campaigns: [{weight: 100%, source: google, medium: cpc, name: winter}]
                funnels:
                  browse:
                    - page: Home
                    - page: Deals
                      after: 10m
                    - page: Home
                      after: 45m
                """))
        #expect(all.count == 120)
        for (index, message) in all.enumerated() {
            let context = try #require(message["context"] as? [String: Any])
            let page = try #require(context["page"] as? [String: Any])
            let session = try #require(context["sessionId"] as? Int)
            let first = all.first {
                ($0["anonymousId"] as? String) == message["anonymousId"] as? String
            }
            let firstSession = (first?["context"] as? [String: Any])?["sessionId"] as? Int
            let campaign = context["campaign"] as? [String: Any]
            if session == firstSession {
                #expect(campaign?["name"] as? String == "winter", "message \(index)")
            } else {
                #expect(campaign == nil, "message \(index)")
            }
            // Only the landing page's URL carries the UTM parameters.
            let search = page["search"] as? String ?? ""
            #expect(
                search.contains("utm_campaign=winter")
                    == (message["name"] as? String == "Home"
                        && session == firstSession))
        }
    }
}
