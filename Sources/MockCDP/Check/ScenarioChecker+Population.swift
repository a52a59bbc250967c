extension ScenarioChecker {
    mutating func readPopulation(_ node: YAMLNode, defaultTimezone: String) -> Population? {
        let keys = [
            "users", "arrivals", "returning", "identified", "traits", "context", "cohorts",
        ]
        guard let fields = fields(node, of: "population", keys: keys) else { return nil }

        let users = require(fields, "users", of: "population").flatMap {
            integer($0, "users", in: 0...1_000_000_000)
        }
        var arrivals = ArrivalPattern.uniform
        var shape: ArrivalShape?
        if let arrivalsNode = fields["arrivals"] {
            (arrivals, shape) = readArrivals(arrivalsNode)
        }
        let identified = fields["identified"].flatMap { parse($0, "identified", ValueGrammar.rate) }
        let traits = fields["traits"].flatMap { readTraits($0) } ?? [.name, .email]

        let context = fields["context"].map { readContext($0, of: "population context") }
        let locales = context?.locales ?? [Weighted(value: "en-US", weight: 1)]
        let devices = context?.devices ?? [Weighted(value: Device.desktop, weight: 1)]
        let platforms = context?.platforms ?? [Weighted(value: Platform.web, weight: 1)]
        let timezones = context?.timezones ?? [Weighted(value: defaultTimezone, weight: 1)]
        let campaigns = context?.campaigns ?? [Weighted(value: nil, weight: 1)]
        let returning = fields["returning"].flatMap { readReturning($0) }
        let cohorts = fields["cohorts"].flatMap { readCohorts($0) } ?? []
        guard let users else { return nil }
        return Population(
            users: users, arrivals: arrivals, arrivalShape: shape, returning: returning,
            identified: identified ?? Rate(0), traits: traits, locales: locales, devices: devices,
            platforms: platforms, timezones: timezones, campaigns: campaigns, cohorts: cohorts)
    }

    /// The mixes of a context mapping; those not written are `nil`.
    private mutating func readContext(_ node: YAMLNode, of what: String) -> ContextMix {
        var mix = ContextMix()
        guard
            let context = fields(
                node, of: what, keys: ["locales", "devices", "platforms", "timezones", "campaigns"])
        else { return mix }
        mix.locales = context["locales"].flatMap {
            readMix($0, "locales", read: { $0.readLocale($1) })
        }
        mix.devices = context["devices"].flatMap {
            readMix($0, "devices", read: { $0.readDevice($1) })
        }
        mix.platforms = context["platforms"].flatMap {
            readMix($0, "platforms", read: { $0.readPlatform($1) })
        }
        mix.timezones = context["timezones"].flatMap {
            readMix($0, "timezones", read: { $0.timeZone($1, "time zone") })
        }
        mix.campaigns = context["campaigns"].flatMap { readCampaigns($0) }
        return mix
    }

    /// `cohorts: {loyal: {share: 20%, lift: 150%, context: {devices: {mobile: 100%}}}}`.
    private mutating func readCohorts(_ node: YAMLNode) -> [Cohort]? {
        guard case .mapping(let pairs) = node.content, !pairs.isEmpty else {
            error(
                node, "cohorts must map each cohort's name to its share, lift and context",
                hint: "for example cohorts: {loyal: {share: 20%, lift: 150%}}")
            return nil
        }
        var cohorts: [Cohort] = []
        var total = 0.0
        for pair in pairs {
            guard let name = string(pair.key, "cohort name"),
                let fields = fields(
                    pair.value, of: "cohort '\(name)'", keys: ["share", "lift", "context"])
            else { continue }
            let share = require(fields, "share", of: "cohort '\(name)'").flatMap {
                parse($0, "cohort share", ValueGrammar.rate)
            }
            let lift = fields["lift"].map { level($0, "lift") } ?? 1
            let context = fields["context"].map { readContext($0, of: "cohort context") }
            guard let share, let lift else { continue }
            total += share.fraction
            cohorts.append(
                Cohort(
                    name: name, share: share, lift: lift, locales: context?.locales,
                    devices: context?.devices, platforms: context?.platforms,
                    timezones: context?.timezones,
                    campaigns: context?.campaigns))
        }
        if total > 1 + 1e-9 {
            error(
                node, "cohort shares add up to \(Rate(total)); they can add up to 100% at most",
                hint: "each share is the part of the population in that cohort; "
                    + "the rest belong to none")
            return nil
        }
        return cohorts.count == pairs.count ? cohorts : nil
    }

    /// `returning: {share: 30%, after: 1d..7d, visits: 1..3}`.
    private mutating func readReturning(_ node: YAMLNode) -> Returning? {
        guard
            let fields = fields(
                node, of: "returning users", keys: ["share", "after", "visits"])
        else { return nil }
        let share = require(fields, "share", of: "returning users").flatMap {
            parse($0, "share of returning users", ValueGrammar.rate)
        }
        let after =
            fields["after"].map { parse($0, "wait before a return", ValueGrammar.delay) }
            ?? Delay(.uniform(lower: 86_400_000, upper: 7 * 86_400_000))
        let visits =
            fields["visits"].map { parse($0, "visits", ValueGrammar.intRange) } ?? IntRange.one
        if let visits, visits.lower < 1, let visitsNode = fields["visits"] {
            error(
                visitsNode, "a returning user makes at least 1 more visit",
                hint: "lower the share to have fewer users return")
            return nil
        }
        guard let share, let after, let visits else { return nil }
        return Returning(share: share, after: after, visits: visits)
    }

    static let shapedPatterns = ["ramp", "daily", "weekly"]
    static let weekdayNames = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]

    /// `uniform`, `poisson`, or a mapping with a `pattern` and its settings.
    private mutating func readArrivals(_ node: YAMLNode) -> (ArrivalPattern, ArrivalShape?) {
        let processes = ArrivalPattern.allCases.map(\.rawValue)
        let names = processes + Self.shapedPatterns
        guard case .mapping = node.content else {
            guard let text = string(node, "arrivals") else { return (.uniform, nil) }
            if let pattern = ArrivalPattern(rawValue: text) { return (pattern, nil) }
            if Self.shapedPatterns.contains(text) {
                error(
                    node, "the \(text) pattern needs settings",
                    hint: text == "ramp"
                        ? "write arrivals: {pattern: ramp, from: 10%, to: 100%}"
                        : text == "daily"
                            ? "write arrivals: {pattern: daily, peak: \"20:00\"}"
                            : "write arrivals: {pattern: weekly, weekdays: {sat: 150%, sun: 150%}}")
            } else {
                error(
                    node, "unknown arrival pattern '\(text)'",
                    hint: Suggestions.closest(to: text, in: names).map { "did you mean '\($0)'?" }
                        ?? "use one of " + names.joined(separator: ", "))
            }
            return (.uniform, nil)
        }

        let keys = ["pattern", "process", "from", "to", "peak", "trough", "weekdays"]
        guard let fields = fields(node, of: "arrivals", keys: keys),
            let patternNode = require(fields, "pattern", of: "arrivals"),
            let pattern = string(patternNode, "arrival pattern")
        else { return (.uniform, nil) }
        guard names.contains(pattern) else {
            error(
                patternNode, "unknown arrival pattern '\(pattern)'",
                hint: Suggestions.closest(to: pattern, in: names).map { "did you mean '\($0)'?" }
                    ?? "use one of " + names.joined(separator: ", "))
            return (.uniform, nil)
        }
        let allowed: [String: [String]] = [
            "uniform": [], "poisson": [], "ramp": ["process", "from", "to"],
            "daily": ["process", "peak", "trough"],
            "weekly": ["process", "weekdays", "peak", "trough"],
        ]
        for key in fields.order where key != "pattern" && !(allowed[pattern] ?? []).contains(key) {
            error(
                fields.keys[key] ?? node, "'\(key)' does not apply to \(pattern) arrivals",
                hint: allowed[pattern]?.isEmpty == false
                    ? "\(pattern) arrivals take " + (allowed[pattern] ?? []).joined(separator: ", ")
                    : "\(pattern) arrivals take no settings")
        }
        if let process = ArrivalPattern(rawValue: pattern) { return (process, nil) }

        var process = ArrivalPattern.uniform
        if let processNode = fields["process"], let text = string(processNode, "process") {
            if let value = ArrivalPattern(rawValue: text) {
                process = value
            } else {
                error(
                    processNode, "unknown arrival process '\(text)'",
                    hint: "use uniform (evenly spread) or poisson (random gaps)")
            }
        }
        var shape = ArrivalShape()
        switch pattern {
        case "ramp":
            let from = require(fields, "from", of: "ramp arrivals").flatMap {
                level($0, "ramp level")
            }
            let to = require(fields, "to", of: "ramp arrivals").flatMap {
                level($0, "ramp level")
            }
            if let from, let to {
                if from == 0, to == 0 {
                    error(node, "a ramp from 0 to 0 has no arrivals", hint: "raise 'to' above zero")
                }
                shape.ramp = ArrivalShape.Ramp(from: from, to: to)
            }
        case "daily":
            if let peakNode = require(fields, "peak", of: "daily arrivals") {
                shape.peakMinute = readTimeOfDay(peakNode)
            }
        default:
            if let peakNode = fields["peak"] { shape.peakMinute = readTimeOfDay(peakNode) }
            if let daysNode = require(fields, "weekdays", of: "weekly arrivals") {
                shape.weekdays = readWeekdays(daysNode)
            }
        }
        if let troughNode = fields["trough"],
            let trough = parse(troughNode, "trough", ValueGrammar.rate)
        {
            shape.trough = trough.fraction
        }
        return (process, shape)
    }

    /// A relative level: a percentage (`150%`, above 100% allowed) or a non-negative number.
    private mutating func level(_ node: YAMLNode, _ what: String) -> Double? {
        guard let (text, value) = scalar(node, what) else { return nil }
        switch value {
        case .int(let number) where number >= 0: return Double(number)
        case .float(let number) where number >= 0 && number.isFinite: return number
        default:
            if text.hasSuffix("%"), let percent = Double(text.dropLast()), percent >= 0,
                percent.isFinite
            {
                return percent / 100
            }
            error(node, "\(what) must be a percentage such as 150% or a number; got '\(text)'")
            return nil
        }
    }

    /// `"20:00"`: a local time of day, as minutes after midnight.
    private mutating func readTimeOfDay(_ node: YAMLNode) -> Int? {
        guard let text = string(node, "peak") else { return nil }
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[1].count == 2, let hour = Int(parts[0]),
            let minute = Int(parts[1]), (0..<24).contains(hour), (0..<60).contains(minute)
        else {
            error(
                node, "peak must be a time of day such as \"20:00\"; got '\(text)'",
                hint: "hours 0 to 23, then a colon and two digits of minutes")
            return nil
        }
        return hour * 60 + minute
    }

    /// `{sat: 150%, sun: 150%}`: weekday weights; days not written weigh 100%.
    private mutating func readWeekdays(_ node: YAMLNode) -> [Double]? {
        guard case .mapping(let pairs) = node.content, !pairs.isEmpty else {
            error(
                node, "weekdays must map days to weights, such as {sat: 150%, sun: 150%}",
                hint: "days are " + Self.weekdayNames.joined(separator: ", "))
            return nil
        }
        var weights = Array(repeating: 1.0, count: 7)
        for pair in pairs {
            guard let day = string(pair.key, "weekday") else { continue }
            guard let index = Self.weekdayNames.firstIndex(of: day.lowercased()) else {
                error(
                    pair.key, "unknown weekday '\(day)'",
                    hint: Suggestions.closest(to: day.lowercased(), in: Self.weekdayNames).map {
                        "did you mean '\($0)'?"
                    } ?? "days are " + Self.weekdayNames.joined(separator: ", "))
                continue
            }
            if let weight = level(pair.value, "weight of \(day)") { weights[index] = weight }
        }
        guard weights.contains(where: { $0 > 0 }) else {
            error(node, "every weekday has a weight of zero", hint: "give one day a weight")
            return nil
        }
        return weights
    }

    private mutating func readTraits(_ node: YAMLNode) -> [Trait]? {
        guard let items = list(node, "traits") else { return nil }
        let names = Trait.allCases.map(\.rawValue)
        var seen = Set<Trait>()
        return items.compactMap { item in
            guard let name = string(item, "trait") else { return nil }
            guard let trait = Trait(rawValue: name) else {
                error(
                    item, "unknown trait '\(name)'",
                    hint: Suggestions.closest(to: name, in: names).map { "did you mean '\($0)'?" }
                        ?? "traits are " + names.joined(separator: ", "))
                return nil
            }
            guard seen.insert(trait).inserted else {
                error(item, "trait '\(name)' is listed twice")
                return nil
            }
            return trait
        }
    }

    /// A weighted mix written as `value: weight`, weights being rates (`70%`) or positive numbers.
    private mutating func readMix<Value>(
        _ node: YAMLNode, _ what: String,
        read: (inout ScenarioChecker, YAMLNode) -> Value?
    ) -> [Weighted<Value>]? {
        guard case .mapping(let pairs) = node.content, !pairs.isEmpty else {
            error(
                node,
                "\(what) must be a mapping of choices to weights, such as {en-US: 70%, de-DE: 30%}")
            return nil
        }
        var mix: [Weighted<Value>] = []
        for pair in pairs {
            let value = read(&self, pair.key)
            let weight = self.weight(pair.value, "weight of \(what)")
            if let value, let weight { mix.append(Weighted(value: value, weight: weight)) }
        }
        guard mix.count == pairs.count else { return nil }
        guard mix.contains(where: { $0.weight > 0 }) else {
            error(
                node, "every weight of \(what) is zero",
                hint: "give at least one choice a weight above zero")
            return nil
        }
        return mix
    }

    /// A weight: a rate such as `30%`, or a non-negative number.
    mutating func weight(_ node: YAMLNode, _ what: String) -> Double? {
        guard let (text, value) = scalar(node, what) else { return nil }
        switch value {
        case .int(let number) where number >= 0: return Double(number)
        case .float(let number) where number >= 0 && number.isFinite: return number
        default:
            if text.hasSuffix("%"), case .success(let rate) = ValueGrammar.rate(text) {
                return rate.fraction
            }
            error(node, "\(what) must be a share such as 30% or a number; got '\(text)'")
            return nil
        }
    }

    private mutating func readLocale(_ node: YAMLNode) -> String? {
        guard let locale = string(node, "locale") else { return nil }
        let parts = locale.split(separator: "-")
        let isLetters = { (part: Substring) in part.allSatisfy { $0.isASCII && $0.isLetter } }
        guard parts.count == 2, parts[0].count == 2, parts[0] == parts[0].lowercased(),
            parts[1].count == 2, parts[1] == parts[1].uppercased(), isLetters(parts[0]),
            isLetters(parts[1])
        else {
            error(
                node, "locale '\(locale)' must be a language and a region, such as en-US or de-DE")
            return nil
        }
        return locale
    }

    private mutating func readDevice(_ node: YAMLNode) -> Device? {
        guard let name = string(node, "device") else { return nil }
        guard let device = Device(rawValue: name) else {
            let names = Device.allCases.map(\.rawValue)
            error(
                node, "unknown device '\(name)'",
                hint: Suggestions.closest(to: name, in: names).map { "did you mean '\($0)'?" }
                    ?? "devices are " + names.joined(separator: ", "))
            return nil
        }
        return device
    }

    private mutating func readPlatform(_ node: YAMLNode) -> Platform? {
        guard let name = string(node, "platform") else { return nil }
        guard let platform = Platform(rawValue: name) else {
            let names = Platform.allCases.map(\.rawValue)
            error(
                node, "unknown platform '\(name)'",
                hint: Suggestions.closest(to: name, in: names).map { "did you mean '\($0)'?" }
                    ?? "platforms are " + names.joined(separator: ", "))
            return nil
        }
        return platform
    }

    private mutating func readCampaigns(_ node: YAMLNode) -> [Weighted<Campaign?>]? {
        guard let items = list(node, "campaigns") else { return nil }
        var mix: [Weighted<Campaign?>] = []
        var total = 0.0
        for item in items {
            let keys = ["weight", "name", "source", "medium", "term", "content"]
            guard let fields = fields(item, of: "a campaign", keys: keys) else { return nil }
            let weight = require(fields, "weight", of: "a campaign").flatMap {
                parse($0, "campaign weight", ValueGrammar.rate)
            }
            let name = require(fields, "name", of: "a campaign").flatMap {
                string($0, "campaign name")
            }
            let source = require(fields, "source", of: "a campaign").flatMap {
                string($0, "utm source")
            }
            let medium = require(fields, "medium", of: "a campaign").flatMap {
                string($0, "utm medium")
            }
            let term = fields["term"].flatMap { string($0, "utm term") }
            let content = fields["content"].flatMap { string($0, "utm content") }
            guard let weight, let name, let source, let medium else { continue }
            total += weight.fraction
            mix.append(
                Weighted(
                    value: Campaign(
                        name: name, source: source, medium: medium, term: term, content: content),
                    weight: weight.fraction))
        }
        guard total <= 1 + 1e-9 else {
            error(
                node, "campaign weights add up to more than 100%",
                hint:
                    "each weight is the share of users landing from that campaign; the rest arrive directly"
            )
            return nil
        }
        mix.append(Weighted(value: nil, weight: max(0, 1 - total)))
        return mix
    }
}

/// The context mixes written in one place; `nil` where a mix is not written.
struct ContextMix {
    var locales: [Weighted<String>]?
    var devices: [Weighted<Device>]?
    var platforms: [Weighted<Platform>]?
    var timezones: [Weighted<String>]?
    var campaigns: [Weighted<Campaign?>]?
}
