import Foundation
import MockCDP
import Testing

@Suite("Checker rules")
struct CheckerRulesTests {
    /// A minimal valid scenario with `extra` appended at the top level and `steps` as its funnel.
    func scenario(_ extra: String = "", steps: String = "    - page: Home") -> String {
        """
        scenario: rules
        version: 1
        start: 2026-01-01T00:00:00Z
        duration: 1h
        population: {users: 5}
        \(extra)
        funnels:
          main:
        \(steps)
        """
    }

    /// The rendered errors of `validate`, or an empty string when the scenario is valid.
    func errors(_ yaml: String) throws -> String {
        let run = try runTool(["validate", try writeScenario(yaml)])
        return run.status == 0 ? "" : run.errors
    }

    @Test("currencies use their ISO 4217 minor unit")
    func currencyDecimals() throws {
        let yen = try plan(scenario("store: {currency: JPY}"))
        #expect(yen.store.currencyDecimals == 0)
        #expect(try plan(scenario("store: {currency: KWD}")).store.currencyDecimals == 3)
        #expect(try plan(scenario("store: {currency: EUR}")).store.currencyDecimals == 2)
        let fractionalYen = scenario(
            "store: {currency: JPY}\ncatalog: {products: [{id: a, name: A, price: 10.5}]}")
        #expect(try errors(fractionalYen).contains("JPY amounts have 0 decimals; got 10.5"))
    }

    @Test("$${ writes a literal ${ and a whole-value reference keeps its type")
    func parameterText() throws {
        let all = try messages(
            plan(
                scenario(
                    "params: {label: Sale, visits: 2}",
                    steps:
                        "    - page: Home\n      title: \"$${label} ${label} day\"\n      repeat: ${visits}"
                )))
        #expect(all.count == 10)
        let properties = try #require(all.first?["properties"] as? [String: Any])
        #expect(properties["title"] as? String == "${label} Sale day")
    }

    @Test("an explicit page title is written as given; the default adds the site name")
    func pageTitles() throws {
        let all = try messages(
            plan(
                scenario(
                    "site: {name: Fern}",
                    steps: "    - page: About\n      title: About us\n    - page: Contact")))
        let titles = Set(
            all.compactMap { ($0["properties"] as? [String: Any])?["title"] as? String })
        #expect(titles == ["About us", "Contact | Fern"])
    }

    @Test(
        "rules that catch mistakes",
        arguments: [
            (
                "store: {coupons: [{code: A, off: 10%, share: 5%}, {code: A, off: 5%, share: 5%}]}",
                "coupon code 'A' is used twice"
            ),
            ("population2: {}", "unknown key 'population2'"),
            ("params: {bad-name: 1}", "parameter name 'bad-name' may only hold letters"),
            ("params: {flag: true}", "parameter 'flag' needs a number, a rate, a duration or text"),
            (
                "params: {a: 1, b: \"${a}\"}",
                "a parameter's default cannot refer to another parameter"
            ),
            ("sessions: {timeout: 0.5ms}", "is not a whole number of milliseconds"),
            ("site: {name: \"\"}", "site name must not be empty"),
        ])
    func mistakes(extra: String, message: String) throws {
        #expect(try errors(scenario(extra)).contains(message))
    }

    @Test(
        "step mistakes",
        arguments: [
            ("    - page: Home\n      quantity: 2", "'quantity' belongs to Product Added steps"),
            ("    - identify: [a, b]", "identify takes extra traits as a mapping, or nothing"),
            ("    - page: Home\n      after: 10s...2m", "'10s...2m' is not a range of durations"),
        ])
    func stepMistakes(steps: String, message: String) throws {
        #expect(try errors(scenario(steps: steps)).contains(message))
    }

    @Test("a locale is a language and a region, in letters")
    func locales() throws {
        let yaml = scenario().replacingOccurrences(
            of: "population: {users: 5}",
            with: "population: {users: 5, context: {locales: {12-34: 1}}}")
        #expect(try errors(yaml).contains("locale '12-34' must be a language and a region"))
    }

    @Test("an order step cannot repeat")
    func orderRepeat() throws {
        let steps = """
                - track: Product Added
                - track: Order Completed
                  repeat: 2
            """
        let text = try errors(
            scenario(
                "catalog: {products: [{id: a, name: A, price: 1}]}", steps: steps))
        #expect(text.contains("an order cannot repeat"))
    }

    @Test("an instant finer than a millisecond is refused")
    func instantPrecision() throws {
        let yaml = scenario().replacingOccurrences(
            of: "2026-01-01T00:00:00Z", with: "2026-01-01T00:00:00.1234Z")
        #expect(try errors(yaml).contains("more precise than a millisecond"))
        for impossible in ["2026-02-30T00:00:00Z", "2026-01-01T24:00:00Z"] {
            let text = try errors(
                scenario().replacingOccurrences(of: "2026-01-01T00:00:00Z", with: impossible))
            #expect(text.contains("is not a real date and time"), "\(impossible)")
        }
    }

    @Test("one mistake gives one error, not a cascade")
    func noCascade() throws {
        let steps = """
                - track: Product Added
                  rate: 120%
                - track: Checkout Started
                - track: Order Completed
            """
        let text = try errors(
            scenario("catalog: {products: [{id: a, name: A, price: 1}]}", steps: steps))
        #expect(text.components(separatedBy: ": error: ").count - 1 == 1, "\(text)")
        #expect(text.contains("rate must be between 0% and 100%; got 120%"))

        let misspelled = try errors(
            scenario().replacingOccurrences(
                of: "population: {users: 5}", with: "populaton: {users: 5}"))
        #expect(misspelled.contains("did you mean 'population'?"))
        #expect(!misspelled.contains("missing 'population'"))
    }
}
