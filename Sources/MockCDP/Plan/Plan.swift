/// The checked, fully resolved form of a scenario: plain data that the planner expands.
///
/// Every value here is final: parameters are substituted, durations are in
/// milliseconds, money is in minor units and rates are fractions. `mockcdp plan`
/// prints it as JSON so that a scenario's meaning can be reviewed and diffed.
public struct Plan: Codable, Sendable, Equatable {
    public var scenario: String
    public var version: Int
    public var seed: UInt64
    /// The first possible arrival, in milliseconds since the Unix epoch.
    public var startMillis: Int64
    public var durationMillis: Int64
    public var timezone: String
    public var site: Site
    public var store: Store
    public var catalog: [Product]
    public var population: Population
    public var sessionTimeoutMillis: Int64
    public var funnels: [Funnel]
}

/// The web site the shoppers visit; pages and product URLs are built on it.
public struct Site: Codable, Sendable, Equatable {
    public var url: String
    public var name: String
}

/// Money rules of the store: currency, tax, shipping and coupons.
public struct Store: Codable, Sendable, Equatable {
    /// ISO 4217 code, such as `USD`.
    public var currency: String
    /// Digits after the decimal point for the currency: 2 for USD, 0 for JPY.
    public var currencyDecimals: Int
    public var taxRate: Rate
    public var shippingMinor: Int64
    /// Orders whose subtotal reaches this amount ship free.
    public var freeShippingOverMinor: Int64?
    public var coupons: [Coupon]
}

public struct Coupon: Codable, Sendable, Equatable {
    public var code: String
    /// Share of the order's revenue taken off.
    public var off: Rate
    /// Share of orders that use this coupon.
    public var share: Rate
}

public struct Product: Codable, Sendable, Equatable {
    public var id: String
    public var sku: String
    public var name: String
    public var brand: String?
    public var category: String?
    public var variant: String?
    public var priceMinor: Int64
    public var imageURL: String?
    public var url: String
    /// Popularity weight: how often catalog picks choose this product, relative to the rest.
    public var weight: Double
}

public struct Population: Codable, Sendable, Equatable {
    public var users: Int
    /// How the sorted arrival fractions are drawn.
    public var arrivals: ArrivalPattern
    /// How arrivals crowd into parts of the duration; `nil` spreads them evenly.
    public var arrivalShape: ArrivalShape?
    /// Users who come back for more visits, if any do.
    public var returning: Returning?
    /// Share of users who are signed in when they arrive.
    public var identified: Rate
    public var traits: [Trait]
    public var locales: [Weighted<String>]
    public var devices: [Weighted<Device>]
    /// Where users shop: the web site, or the iOS or Android app.
    public var platforms: [Weighted<Platform>]
    public var timezones: [Weighted<String>]
    /// Campaigns of landing pages; `nil` stands for direct traffic.
    public var campaigns: [Weighted<Campaign?>]
    /// Parts of the population with their own context and conversion; the rest are in none.
    public var cohorts: [Cohort]
}

/// A part of the population with its own context mix and a lift on conversion rates.
public struct Cohort: Codable, Sendable, Equatable {
    public var name: String
    /// Share of the population in the cohort.
    public var share: Rate
    /// Factor on every step rate below 100% (capped at 100%): 1.5 converts half again as often.
    public var lift: Double
    /// The cohort's own mixes; `nil` keeps the population's.
    public var locales: [Weighted<String>]?
    public var devices: [Weighted<Device>]?
    public var platforms: [Weighted<Platform>]?
    public var timezones: [Weighted<String>]?
    public var campaigns: [Weighted<Campaign?>]?
}

public enum ArrivalPattern: String, Codable, Sendable, Equatable, CaseIterable {
    /// Evenly spread over the duration, each user jittered within their own slot.
    case uniform
    /// A Poisson process conditioned on exactly the declared number of arrivals.
    case poisson
}

/// Users who come back: with the same anonymousId, in later visits, each a new walk
/// through a funnel drawn by weight, landing directly (no campaign).
public struct Returning: Codable, Sendable, Equatable {
    /// Share of users who come back at all.
    public var share: Rate
    /// Wait from the end of one visit (its last event) to the start of the next.
    public var after: Delay
    /// How many more visits a returning user makes.
    public var visits: IntRange
}

/// The relative intensity of arrivals over time: a product of a linear ramp, a weekday
/// weight and a daily curve, each optional, read in the scenario's timezone.
public struct ArrivalShape: Codable, Sendable, Equatable {
    /// Levels at the start and at the end of the duration, linear in between.
    public var ramp: Ramp?
    /// The daily curve: the minute of the day (local) at which the busiest hour starts.
    public var peakMinute: Int?
    /// The level of the quietest moment of the daily curve, relative to its peak.
    public var trough: Double
    /// Relative weights of the weekdays, Monday first, local time.
    public var weekdays: [Double]?

    public struct Ramp: Codable, Sendable, Equatable {
        public var from: Double
        public var to: Double
    }

    public init(
        ramp: Ramp? = nil, peakMinute: Int? = nil, trough: Double = 0.2,
        weekdays: [Double]? = nil
    ) {
        self.ramp = ramp
        self.peakMinute = peakMinute
        self.trough = trough
        self.weekdays = weekdays
    }
}

/// The fake identity attributes a user's identify call carries.
public enum Trait: String, Codable, Sendable, Equatable, CaseIterable {
    case name
    case email
    case phone
    case address
    case createdAt = "created_at"
    /// A user name made from the user's name.
    case username
    /// A date of birth, 18 to 80 years before the scenario's start.
    case birthday
}

/// Where a user shops. App users send screen calls and app, device, OS, screen and
/// network context instead of a page and a user agent.
public enum Platform: String, Codable, Sendable, Equatable, CaseIterable {
    case web
    case ios
    case android

    public var isApp: Bool { self != .web }
}

public enum Device: String, Codable, Sendable, Equatable, CaseIterable {
    case desktop
    case mobile
    case tablet
}

public struct Campaign: Codable, Sendable, Equatable {
    public var name: String
    public var source: String
    public var medium: String
    public var term: String?
    public var content: String?
}

/// A choice with a relative weight; weights of one list need not add up to anything.
public struct Weighted<Value: Codable & Sendable & Equatable>: Codable, Sendable, Equatable {
    public var value: Value
    public var weight: Double
}

/// A probability between 0 and 1.
public struct Rate: Codable, Sendable, Equatable, Hashable, CustomStringConvertible {
    public var fraction: Double

    public init(_ fraction: Double) {
        self.fraction = fraction
    }

    public init(from decoder: any Decoder) throws {
        fraction = try decoder.singleValueContainer().decode(Double.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(fraction)
    }

    public var description: String {
        let percent = fraction * 100
        return percent == percent.rounded() ? "\(Int(percent))%" : "\(percent)%"
    }

    public static let always = Rate(1)
}
