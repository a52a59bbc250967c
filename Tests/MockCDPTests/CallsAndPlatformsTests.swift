import Foundation
import MockCDP
import Testing

@Suite("Screen, group and alias calls; app and web contexts")
struct CallsAndPlatformsTests {
    static let scenario = """
        scenario: app-and-web
        version: 1
        start: 2026-05-04T10:00:00+02:00
        duration: 2h
        site: {url: "https://shop.fernhollow.example", name: Fernhollow}
        catalog:
          products:
            - {id: p-1, name: Linen Shirt, category: Shirts, price: 59.00}
        population:
          users: 300
          traits: [name, email]
          context:
            platforms: {ios: 40%, android: 30%, web: 30%}
            devices: {mobile: 60%, tablet: 20%, desktop: 20%}
        funnels:
          main:
            - screen: Home
            - track: Product Viewed
            - alias:
              rate: 60%
            - identify:
            - group: {plan: business}
            - page: Cart
        """

    @Test("app users send screens, app context and their platform's user agent; web users pages")
    func contextsFollowThePlatform() throws {
        var platforms: Set<String> = []
        for message in try messages(plan(Self.scenario)) {
            let context = try #require(message["context"] as? [String: Any])
            let type = try #require(message["type"] as? String)
            if let device = context["device"] as? [String: Any] {
                let platform = try #require(device["type"] as? String)
                platforms.insert(platform)
                let os = try #require(context["os"] as? [String: Any])
                let manufacturer = try #require(device["manufacturer"] as? String)
                let osName = try #require(os["name"] as? String)
                if platform == "ios" {
                    #expect(manufacturer == "Apple")
                    #expect(osName == "iOS" || osName == "iPadOS")
                } else {
                    #expect(platform == "android")
                    #expect(osName == "Android")
                    #expect(manufacturer != "Apple")
                }
                let app = try #require(context["app"] as? [String: Any])
                #expect(app["namespace"] as? String == "example.fernhollow.shop")
                for key in ["name", "version", "build"] { #expect(app[key] is String) }
                let screen = try #require(context["screen"] as? [String: Any])
                #expect((screen["width"] as? Int ?? 0) > 0 && (screen["height"] as? Int ?? 0) > 0)
                #expect(context["network"] is [String: Any])
                #expect(context["page"] == nil)
                // The agent of the platform's own web view or HTTP stack, matching the OS.
                let agent = try #require(context["userAgent"] as? String)
                let osVersion = try #require(os["version"] as? String)
                if platform == "ios" {
                    #expect(agent.contains(osVersion.replacingOccurrences(of: ".", with: "_")))
                } else {
                    #expect(agent.hasPrefix("Dalvik/2.1.0 (Linux; U; Android \(osVersion);"))
                }
                #expect(type != "page")
            } else {
                platforms.insert("web")
                let agent = try #require(context["userAgent"] as? String)
                #expect(agent.hasPrefix("Mozilla/5.0"))
                #expect(context["page"] is [String: Any])
                #expect(context["app"] == nil && context["os"] == nil)
                #expect(type != "screen")
            }
        }
        #expect(platforms == ["ios", "android", "web"])
    }

    @Test("alias ties the anonymousId to the userId carried by every later event")
    func aliasStitchesIdentity() throws {
        var aliased: [String: String] = [:]
        var aliases = 0
        for message in try messages(plan(Self.scenario)) {
            let anonymousId = try #require(message["anonymousId"] as? String)
            let userId = message["userId"] as? String
            if message["type"] as? String == "alias" {
                #expect(message["previousId"] as? String == anonymousId)
                #expect(userId != nil)
                aliased[anonymousId] = userId
                aliases += 1
            } else if let known = aliased[anonymousId] {
                #expect(userId == known)
            } else if message["type"] as? String != "identify" {
                #expect(userId == nil, "no userId before the user signs in")
            }
        }
        #expect(aliases > 100 && aliases < 300)
    }

    @Test("group calls carry a company's id and traits, the same for all its members")
    func groups() throws {
        var companies: [String: [String: String]] = [:]
        for message in try messages(plan(Self.scenario)) where message["type"] as? String == "group"
        {
            let groupId = try #require(message["groupId"] as? String)
            let traits = try #require(message["traits"] as? [String: Any])
            #expect(traits["plan"] as? String == "business")
            #expect(traits["employees"] is Int)
            let described = traits.mapValues { "\($0)" }
            if let earlier = companies[groupId] { #expect(earlier == described) }
            companies[groupId] = described
        }
        #expect(companies.count > 20)
    }

    @Test("the app scenario's output passes lint")
    func appOutputPassesLint() throws {
        let url = try temporaryFolder().appendingPathComponent("app.ndjson")
        try Data(ndjson(plan(Self.scenario))).write(to: url)
        let run = try runTool(["lint", url.path])
        #expect(run.status == 0, "\(run.output.prefix(2000))")
    }

    @Test("bad alias, group and platform values are reported where they are written")
    func diagnostics() throws {
        let yaml = Self.scenario
            .replacingOccurrences(of: "    - alias:\n", with: "    - alias: me\n")
            .replacingOccurrences(of: "group: {plan: business}", with: "group: 5")
            .replacingOccurrences(of: "android: 30%", with: "andriod: 30%")
        let path = try writeScenario(yaml)
        let run = try runTool(["validate", path])
        #expect(run.status == 65)
        #expect(run.errors.contains("\(path):13:27: error: unknown platform 'andriod'"))
        #expect(run.errors.contains("hint: did you mean 'android'?"))
        #expect(run.errors.contains("\(path):19:14: error: alias takes nothing"))
        #expect(run.errors.contains("\(path):22:14: error: group takes extra traits as a mapping"))
    }
}
