import Testing

@testable import MockCDP

@Suite("Value grammars")
struct ValueGrammarTests {
    @Test(
        "durations",
        arguments: [
            ("250ms", 250), ("30s", 30_000), ("1.5m", 90_000), ("1h30m", 5_400_000),
            ("2d", 172_800_000),
            ("1w", 604_800_000),
        ] as [(String, Int64)])
    func durations(text: String, millis: Int64) throws {
        #expect(try ValueGrammar.duration(text).get() == millis)
    }

    @Test("bad durations", arguments: ["30", "-5m", "5 parsecs", "", "m"])
    func badDurations(text: String) {
        #expect(throws: ValueGrammar.Failure.self) { try ValueGrammar.duration(text).get() }
    }

    @Test("rates")
    func rates() throws {
        #expect(try ValueGrammar.rate("9%").get() == Rate(0.09))
        #expect(try ValueGrammar.rate("0.09").get() == Rate(0.09))
        #expect(try ValueGrammar.rate("100%").get() == Rate(1))
        #expect(throws: ValueGrammar.Failure.self) { try ValueGrammar.rate("120%").get() }
        #expect(throws: ValueGrammar.Failure.self) { try ValueGrammar.rate("12").get() }
        if case .failure(let failure) = ValueGrammar.rate("40") {
            #expect(failure.hint?.hasSuffix("did you mean 40%?") == true)
        }
        #expect(throws: ValueGrammar.Failure.self) { try ValueGrammar.rate("-1%").get() }
    }

    @Test("ranges")
    func ranges() throws {
        #expect(try ValueGrammar.intRange("3").get() == IntRange(3, 3))
        #expect(try ValueGrammar.intRange("1..4").get() == IntRange(1, 4))
        #expect(throws: ValueGrammar.Failure.self) { try ValueGrammar.intRange("4..1").get() }
    }

    @Test("delays")
    func delays() throws {
        #expect(try ValueGrammar.delay("30s").get() == Delay(.fixed(millis: 30_000)))
        #expect(
            try ValueGrammar.delay("10s..2m").get()
                == Delay(.uniform(lower: 10_000, upper: 120_000)))
        #expect(
            try ValueGrammar.delay("exponential(20s)").get() == Delay(.exponential(mean: 20_000)))
        #expect(
            try ValueGrammar.delay("normal(5m, 1m) in 1m..9m").get()
                == Delay(.normal(mean: 300_000, deviation: 60_000), bounds: 60_000...540_000))
        #expect(
            try ValueGrammar.delay("lognormal(2m, 0.8)").get()
                == Delay(.logNormal(median: 120_000, sigma: 0.8)))
        let typo = ValueGrammar.delay("exponentail(20s)")
        #expect(throws: ValueGrammar.Failure.self) { try typo.get() }
        if case .failure(let failure) = typo {
            #expect(failure.hint?.contains("did you mean 'exponential'?") == true)
        }
    }

    @Test("bounded delays stay within their bounds")
    func boundedSamples() throws {
        let delay = try ValueGrammar.delay("exponential(1m) in 10s..2m").get()
        var random = RandomStream(1, 2, 3)
        for _ in 0..<2000 {
            #expect((10_000...120_000).contains(delay.sample(&random)))
        }
    }

    @Test("money")
    func money() throws {
        #expect(try ValueGrammar.money("24.99", decimals: 2, currency: "USD").get() == 2499)
        #expect(try ValueGrammar.money("24.9", decimals: 2, currency: "USD").get() == 2490)
        #expect(try ValueGrammar.money("500", decimals: 0, currency: "JPY").get() == 500)
        #expect(throws: ValueGrammar.Failure.self) {
            try ValueGrammar.money("5.5", decimals: 0, currency: "JPY").get()
        }
    }

    @Test("timestamps format as ISO-8601 UTC with milliseconds")
    func timestamps() {
        #expect(Timestamp.iso8601(millis: 0) == "1970-01-01T00:00:00.000Z")
        #expect(Timestamp.iso8601(millis: 1_795_755_995_067) == "2026-11-27T05:06:35.067Z")
        #expect(Timestamp.iso8601(millis: 951_782_400_000) == "2000-02-29T00:00:00.000Z")
        #expect(Timestamp.iso8601(millis: -1) == "1969-12-31T23:59:59.999Z")
    }
}
