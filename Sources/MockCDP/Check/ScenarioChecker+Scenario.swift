import Foundation

extension ScenarioChecker {
    static let topLevelKeys = [
        "scenario", "version", "seed", "start", "duration", "timezone", "site", "store", "params",
        "catalog", "population", "sessions", "funnels",
    ]

    /// Checks a whole scenario document; returns the plan when there was no error.
    mutating func check(_ root: YAMLNode) -> Plan? {
        guard
            let top = fields(
                root, of: "the scenario", keys: Self.topLevelKeys, allowsExtensions: true)
        else { return nil }
        readParameters(top["params"])

        let name = require(top, "scenario", of: "the scenario").flatMap { scenarioName($0) }
        let version = require(top, "version", of: "the scenario").flatMap { node -> Int? in
            guard let version = integer(node, "version", in: 1...Int.max) else { return nil }
            guard version == 1 else {
                error(
                    node, "unsupported scenario version \(version)",
                    hint: "this mockcdp reads version 1")
                return nil
            }
            return version
        }
        let fileSeed = top["seed"].flatMap { integer($0, "seed", in: 0...Int.max) }
        let start = require(top, "start", of: "the scenario").flatMap {
            parse($0, "start", ValueGrammar.instant)
        }
        let duration = require(top, "duration", of: "the scenario").flatMap { node -> Int64? in
            guard let millis = parse(node, "duration", ValueGrammar.duration) else { return nil }
            guard millis > 0 else {
                error(node, "duration must be longer than zero", hint: "write a length such as 24h")
                return nil
            }
            return millis
        }
        let timezone = top["timezone"].map { timeZone($0, "timezone") } ?? "UTC"
        let site = readSite(top["site"])
        let store = readStore(top["store"])
        let catalog = top["catalog"].map { readCatalog($0, site: site, store: store) } ?? []
        let population = require(top, "population", of: "the scenario").flatMap {
            readPopulation($0, defaultTimezone: timezone ?? "UTC")
        }
        if let shape = population?.arrivalShape, let start, let duration, let timezone,
            population?.users ?? 0 > 0,
            !ArrivalCurve(
                shape: shape, startMillis: start, durationMillis: duration, timezone: timezone
            ).hasArrivals,
            let arrivalsNode = top["population"]?["arrivals"]?.value
        {
            error(
                arrivalsNode, "no user can arrive: the shape is zero over the whole duration",
                hint: "check the weekday weights against the days the scenario covers")
        }
        let sessionTimeout = readSessions(top["sessions"])
        let funnels = require(top, "funnels", of: "the scenario").flatMap {
            readFunnels(
                $0, site: site, catalog: catalog, hasCatalog: top["catalog"] != nil,
                duration: duration, storeHasCoupons: !store.coupons.isEmpty)
        }

        guard !hasErrors, let name, let version, let start, let duration, let timezone,
            let population, let funnels
        else { return nil }

        return Plan(
            scenario: name, version: version,
            seed: options.seed ?? UInt64(fileSeed ?? 1),
            startMillis: start, durationMillis: duration, timezone: timezone, site: site,
            store: store, catalog: catalog, population: population,
            sessionTimeoutMillis: sessionTimeout, funnels: funnels)
    }

    private mutating func scenarioName(_ node: YAMLNode) -> String? {
        guard let name = string(node, "scenario") else { return nil }
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-_."))
        guard name.unicodeScalars.allSatisfy(allowed.contains) else {
            error(
                node, "scenario name '\(name)' may only hold letters, digits, '-', '_' and '.'",
                hint: "for example holiday-storefront")
            return nil
        }
        return name
    }

    mutating func timeZone(_ node: YAMLNode, _ what: String) -> String? {
        guard let identifier = string(node, what) else { return nil }
        guard TimeZone(identifier: identifier) != nil else {
            let suggestion = Suggestions.closest(
                to: identifier, in: TimeZone.knownTimeZoneIdentifiers)
            error(
                node, "unknown time zone '\(identifier)'",
                hint: suggestion.map { "did you mean '\($0)'?" }
                    ?? "use an IANA name such as America/New_York or UTC")
            return nil
        }
        return identifier
    }

    private mutating func readSite(_ node: YAMLNode?) -> Site {
        var site = Site(url: "https://shop.example.com", name: "Example Shop")
        guard let node, let fields = fields(node, of: "site", keys: ["url", "name"]) else {
            return site
        }
        if let urlNode = fields["url"], let url = string(urlNode, "site url") {
            if let parsed = URL(string: url), let scheme = parsed.scheme,
                ["http", "https"].contains(scheme),
                parsed.host != nil
            {
                site.url = url.hasSuffix("/") ? String(url.dropLast()) : url
            } else {
                error(
                    urlNode, "site url must be an http or https URL; got '\(url)'",
                    hint: "for example https://shop.example.com")
            }
        }
        if let nameNode = fields["name"], let name = string(nameNode, "site name") {
            site.name = name
        }
        return site
    }

    private mutating func readSessions(_ node: YAMLNode?) -> Int64 {
        let standard: Int64 = 30 * 60_000
        guard let node, let fields = fields(node, of: "sessions", keys: ["timeout"]),
            let timeoutNode = fields["timeout"],
            let timeout = parse(timeoutNode, "session timeout", ValueGrammar.duration)
        else { return standard }
        guard timeout > 0 else {
            error(
                timeoutNode, "session timeout must be longer than zero",
                hint: "30m is the usual value")
            return standard
        }
        return timeout
    }
}
