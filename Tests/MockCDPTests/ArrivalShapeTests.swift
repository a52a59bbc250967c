import Foundation
import MockCDP
import Testing

@Suite("Arrival shapes: ramps, daily and weekly curves")
struct ArrivalShapeTests {
    func scenario(
        start: String = "2026-03-06T00:00:00-05:00", duration: String = "4d",
        timezone: String = "America/New_York", users: Int = 20_000, arrivals: String
    ) -> String {
        """
        scenario: shaped
        version: 1
        start: \(start)
        duration: \(duration)
        timezone: \(timezone)
        population:
          users: \(users)
          arrivals: \(arrivals)
        funnels:
          main:
            - page: Home
        """
    }

    /// Arrival instants in epoch milliseconds: each user's first event.
    func arrivals(_ plan: Plan) -> [Int64] {
        var first: [Int: Int64] = [:]
        for event in Timeline(plan: plan) where first[event.user] == nil {
            first[event.user] = event.millis
        }
        return first.keys.sorted().map { first[$0]! }
    }

    @Test("a daily peak at 20:00 in New York is the busiest local hour before and after DST")
    func dailyPeakAcrossDaylightSaving() throws {
        // Clocks in New York go forward on Sunday 8 March 2026.
        let plan = try plan(scenario(arrivals: "{pattern: daily, peak: \"20:00\"}"))
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = try #require(TimeZone(identifier: "America/New_York"))
        var counts: [DateComponents: [Int]] = [:]
        for millis in arrivals(plan) {
            let date = Date(timeIntervalSince1970: Double(millis) / 1000)
            let parts = calendar.dateComponents([.year, .month, .day, .hour], from: date)
            let day = DateComponents(year: parts.year, month: parts.month, day: parts.day)
            counts[day, default: Array(repeating: 0, count: 24)][parts.hour!] += 1
        }
        for day in [6, 7, 8, 9] {
            let hours = try #require(counts[DateComponents(year: 2026, month: 3, day: day)])
            #expect(hours.firstIndex(of: hours.max()!) == 20, "busiest hour on March \(day)")
            #expect(hours[20] > hours[19] && hours[20] > hours[21])
            // The quietest hour is half a day from the peak.
            #expect(
                hours.enumerated().filter { $0.element > 0 }.min { $0.element < $1.element }?
                    .offset == 8)
        }
        #expect(counts[DateComponents(year: 2026, month: 3, day: 8)]![2] == 0, "2:00 is skipped")
    }

    @Test("arrivals stay in order and inside the duration")
    func orderedAndInside() throws {
        let plan = try plan(
            scenario(users: 3000, arrivals: "{pattern: daily, peak: \"07:30\", process: poisson}"))
        let times = arrivals(plan)
        #expect(times == times.sorted())
        #expect(times.first! >= plan.startMillis)
        #expect(times.last! < plan.startMillis + plan.durationMillis)
    }

    @Test("a ramp from 10% to 100% puts 29.5% of arrivals in the first half")
    func ramp() throws {
        let plan = try plan(
            scenario(
                duration: "10h", users: 10_000, arrivals: "{pattern: ramp, from: 10%, to: 100%}"))
        let middle = plan.startMillis + plan.durationMillis / 2
        let firstHalf = arrivals(plan).filter { $0 < middle }.count
        // The integral of 0.1 + 0.9x over the first half, over the whole: 0.1625 / 0.55.
        #expect(abs(Double(firstHalf) / 10_000 - 0.1625 / 0.55) < 0.005)
    }

    @Test("weekday weights set each local day's share of arrivals")
    func weekly() throws {
        // From Monday 2 March 2026, 00:00 in Berlin, for one week.
        let plan = try plan(
            scenario(
                start: "2026-03-02T00:00:00+01:00", duration: "7d", timezone: "Europe/Berlin",
                users: 8000, arrivals: "{pattern: weekly, weekdays: {sat: 300%, sun: 0}}"))
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = try #require(TimeZone(identifier: "Europe/Berlin"))
        var perWeekday = Array(repeating: 0, count: 8)
        for millis in arrivals(plan) {
            let date = Date(timeIntervalSince1970: Double(millis) / 1000)
            perWeekday[calendar.component(.weekday, from: date)] += 1
        }
        // Calendar weekdays: 1 is Sunday, 7 is Saturday. Five days of 1, Saturday 3, Sunday 0.
        #expect(perWeekday[1] == 0)
        #expect(abs(perWeekday[7] - 3000) <= 2)
        #expect((2...6).allSatisfy { abs(perWeekday[$0] - 1000) <= 2 })
    }

    @Test("a scenario without a shape keeps its arrivals")
    func unshapedUnchanged() throws {
        let uniform = try plan(scenario(users: 500, arrivals: "uniform"))
        let spelled = try plan(scenario(users: 500, arrivals: "{pattern: uniform}"))
        #expect(ndjson(uniform) == ndjson(spelled))
        #expect(uniform.population.arrivalShape == nil)
    }

    @Test(
        "shape settings are checked",
        arguments: [
            ("daily", "the daily pattern needs settings"),
            ("{pattern: daily}", "arrivals is missing 'peak'"),
            ("{pattern: daily, peak: \"25:00\"}", "peak must be a time of day such as \"20:00\""),
            (
                "{pattern: daily, peak: \"20:00\", from: 10%}",
                "'from' does not apply to daily arrivals"
            ),
            ("{pattern: weekly, weekdays: {satday: 2}}", "unknown weekday 'satday'"),
            ("{pattern: ramp, from: 0, to: 0}", "a ramp from 0 to 0 has no arrivals"),
            ("{pattern: dialy, peak: \"20:00\"}", "did you mean 'daily'?"),
            ("{pattern: ramp, from: 10%, to: 100%, process: gaussian}", "unknown arrival process"),
        ])
    func checked(arrivals: String, message: String) throws {
        let path = try writeScenario(scenario(arrivals: arrivals))
        let run = try runTool(["validate", path])
        #expect(run.status == 65)
        #expect(run.errors.contains(message), "\(run.errors)")
    }

    @Test("a shape that is zero over the whole duration is an error")
    func zeroShape() throws {
        // Sunday 8 March 2026, all day in New York, with Sundays weighted zero.
        let path = try writeScenario(
            scenario(
                start: "2026-03-08T00:00:00-05:00", duration: "20h",
                arrivals: "{pattern: weekly, weekdays: {sun: 0}}"))
        let run = try runTool(["validate", path])
        #expect(run.status == 65)
        #expect(
            run.errors.contains(
                ":8:13: error: no user can arrive: the shape is zero over the whole duration"))
    }
}
