import Foundation
import MockCDP
import Testing

@Suite("Fake identities")
struct FakeIdentityTests {
    /// Each locale's country, and the shape of the fiction-range phone numbers its
    /// regulator reserves (`nil`: no such range, so no phone trait).
    static let locales: [(locale: String, country: String, phone: String?)] = [
        ("en-US", "US", #"^\+1-\d{3}-555-01\d{2}$"#),
        ("es-US", "US", #"^\+1-\d{3}-555-01\d{2}$"#),
        ("en-CA", "CA", #"^\+1-\d{3}-555-01\d{2}$"#),
        ("fr-CA", "CA", #"^\+1-\d{3}-555-01\d{2}$"#),
        ("en-GB", "GB", #"^\+44 7700 900\d{3}$"#),
        ("en-AU", "AU", #"^\+61 [2378] 5550 \d{4}$"#),
        ("de-DE", "DE", #"^\+49 171 39200\d{2}$"#),
        ("fr-FR", "FR", #"^\+33 6 39 98 \d{2} \d{2}$"#),
        ("es-ES", "ES", nil),
        ("it-IT", "IT", nil),
        ("nl-NL", "NL", nil),
        ("pt-BR", "BR", nil),
        ("ja-JP", "JP", nil),
    ]

    static let scenario = """
        scenario: identities
        version: 1
        start: 2026-05-01T00:00:00Z
        duration: 1h
        population:
          users: 1300
          identified: 100%
          traits: [name, email, phone, address, created_at, username, birthday]
          context:
            locales: {\(locales.map { "\($0.locale): 1" }.joined(separator: ", "))}
        funnels:
          main:
            - page: Home
        """

    @Test("names, addresses and phone numbers follow each user's locale")
    func culturallyConsistent() throws {
        var perLocale: [String: Set<String>] = [:]
        for message in try messages(plan(Self.scenario))
        where message["type"] as? String == "identify" {
            let context = try #require(message["context"] as? [String: Any])
            let locale = try #require(context["locale"] as? String)
            let expected = try #require(Self.locales.first { $0.locale == locale })
            let traits = try #require(message["traits"] as? [String: Any])
            let address = try #require(traits["address"] as? [String: Any])
            #expect(address["country"] as? String == expected.country, "\(locale)")
            let email = try #require(traits["email"] as? String)
            #expect(
                email.hasSuffix("@example.com") || email.hasSuffix("@example.org")
                    || email.hasSuffix("@example.net"), "\(email)")
            if let pattern = expected.phone {
                let phone = try #require(traits["phone"] as? String, "\(locale) has a phone")
                #expect(phone.range(of: pattern, options: .regularExpression) != nil, "\(phone)")
            } else {
                #expect(traits["phone"] == nil, "\(locale) has no fiction range")
            }
            perLocale[locale, default: []].insert(try #require(traits["name"] as? String))
        }
        #expect(Set(perLocale.keys) == Set(Self.locales.map(\.locale)))
        for (locale, names) in perLocale {
            #expect(names.count >= 20, "\(locale): only \(names.count) distinct names")
        }
    }

    @Test("usernames follow the name; birthdays are dates 18 to 80 years before the start")
    func usernamesAndBirthdays() throws {
        var checked = 0
        for message in try messages(plan(Self.scenario))
        where message["type"] as? String == "identify" {
            let traits = try #require(message["traits"] as? [String: Any])
            let username = try #require(traits["username"] as? String)
            let email = try #require(traits["email"] as? String)
            #expect(username.range(of: #"^[a-z]+_[a-z]+\d+$"#, options: .regularExpression) != nil)
            #expect(username.filter(\.isNumber) == email.prefix { $0 != "@" }.filter(\.isNumber))
            let birthday = try #require(traits["birthday"] as? String)
            let year = try #require(Int(birthday.prefix(4)))
            #expect((1946...2008).contains(year), "\(birthday)")
            #expect(birthday.range(of: #"^\d{4}-\d{2}-\d{2}$"#, options: .regularExpression) != nil)
            checked += 1
        }
        #expect(checked == 1300)
    }

    @Test("a locale without a book of its own takes its language's")
    func languageFallback() throws {
        let yaml = Self.scenario.replacingOccurrences(
            of: Self.scenario.components(separatedBy: "locales: ")[1].components(separatedBy: "\n")[
                0],
            with: "{fr-BE: 1}")
        for message in try messages(plan(yaml)) where message["type"] as? String == "identify" {
            let traits = try #require(message["traits"] as? [String: Any])
            let address = try #require(traits["address"] as? [String: Any])
            #expect(address["country"] as? String == "FR")
        }
    }
}
