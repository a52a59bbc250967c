extension ScenarioChecker {
    mutating func readPopulation(_ node: YAMLNode, defaultTimezone: String) -> Population? {
        let keys = ["users", "arrivals", "identified", "traits", "context"]
        guard let fields = fields(node, of: "population", keys: keys) else { return nil }

        let users = require(fields, "users", of: "population").flatMap {
            integer($0, "users", in: 0...1_000_000_000)
        }
        var arrivals = ArrivalPattern.uniform
        if let arrivalsNode = fields["arrivals"], let text = string(arrivalsNode, "arrivals") {
            if let pattern = ArrivalPattern(rawValue: text) {
                arrivals = pattern
            } else {
                let names = ArrivalPattern.allCases.map(\.rawValue)
                error(
                    arrivalsNode, "unknown arrival pattern '\(text)'",
                    hint: Suggestions.closest(to: text, in: names).map { "did you mean '\($0)'?" }
                        ?? "use one of " + names.joined(separator: ", "))
            }
        }
        let identified = fields["identified"].flatMap { parse($0, "identified", ValueGrammar.rate) }
        let traits = fields["traits"].flatMap { readTraits($0) } ?? [.name, .email]

        var locales = [Weighted(value: "en-US", weight: 1)]
        var devices = [Weighted(value: Device.desktop, weight: 1)]
        var platforms = [Weighted(value: Platform.web, weight: 1)]
        var timezones = [Weighted(value: defaultTimezone, weight: 1)]
        var campaigns: [Weighted<Campaign?>] = [Weighted(value: nil, weight: 1)]
        if let contextNode = fields["context"],
            let context = self.fields(
                contextNode, of: "population context",
                keys: ["locales", "devices", "platforms", "timezones", "campaigns"])
        {
            if let node = context["locales"],
                let mix = readMix(node, "locales", read: { $0.readLocale($1) })
            {
                locales = mix
            }
            if let node = context["devices"],
                let mix = readMix(node, "devices", read: { $0.readDevice($1) })
            {
                devices = mix
            }
            if let node = context["platforms"],
                let mix = readMix(node, "platforms", read: { $0.readPlatform($1) })
            {
                platforms = mix
            }
            if let node = context["timezones"],
                let mix = readMix(node, "timezones", read: { $0.timeZone($1, "time zone") })
            {
                timezones = mix
            }
            if let node = context["campaigns"], let mix = readCampaigns(node) {
                campaigns = mix
            }
        }
        guard let users else { return nil }
        return Population(
            users: users, arrivals: arrivals, identified: identified ?? Rate(0), traits: traits,
            locales: locales, devices: devices, platforms: platforms, timezones: timezones,
            campaigns: campaigns)
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
