/// Who one simulated user is: identifiers, where they browse from and what they landed on.
///
/// Drawn once per user from a stream keyed by the seed and the user's index, so the
/// profile does not depend on the funnels or on any other user.
struct UserProfile: Sendable {
    let index: Int
    let anonymousId: String
    let userId: String
    let identifiedOnArrival: Bool
    let funnelIndex: Int
    let locale: String
    let timezone: String
    let device: Device
    let platform: Platform
    /// For app users: the phone or tablet, its OS version, a device id and the network.
    let app: (device: AppDevice, osVersion: String, deviceId: String, wifi: Bool)?
    let userAgent: String
    let ip: String
    let campaign: Campaign?
    /// The user's cohort, by index, if they belong to one.
    let cohort: Int?
    /// Factor on the user's conversion rates below 100%.
    let lift: Double
    let identity: FakeIdentity
    /// When the user's account was made, for the `createdAt` trait.
    let createdAtMillis: Int64
    /// Midnight UTC of the day of the `birthday` trait.
    let birthdayMillis: Int64

    private static let appKey = RandomStream.key("app")
    private static let birthdayKey = RandomStream.key("birthday")

    init(index: Int, plan: Plan, funnelWeights: [Double]) {
        self.index = index
        var random = RandomStream(plan.seed, UInt64(index), RandomStream.key("profile"))
        anonymousId = Identifiers.uuid(&random)
        userId = "usr_" + Identifiers.hex(random.next(), digits: 16)
        identifiedOnArrival = random.chance(plan.population.identified)
        funnelIndex = random.index(weights: funnelWeights)

        let population = plan.population
        // The cohort comes from a stream of its own so that, without cohorts, no draw moves.
        cohort = Self.cohort(index: index, plan: plan)
        let own = cohort.map { population.cohorts[$0] }
        let locales = own?.locales ?? population.locales
        let timezones = own?.timezones ?? population.timezones
        let devices = own?.devices ?? population.devices
        let campaigns = own?.campaigns ?? population.campaigns
        lift = own?.lift ?? 1
        locale = locales[random.index(weights: locales.map(\.weight))].value
        timezone = timezones[random.index(weights: timezones.map(\.weight))].value
        device = devices[random.index(weights: devices.map(\.weight))].value
        let agents = UserAgents.forDevice(device)
        userAgent = agents[Int(random.below(UInt64(agents.count)))]
        ip = Identifiers.publicIPv4(&random)
        campaign = campaigns[random.index(weights: campaigns.map(\.weight))].value
        identity = FakeIdentity(locale: locale, random: &random)
        let threeYears: UInt64 = 3 * 365 * 86_400_000
        createdAtMillis = plan.startMillis - 86_400_000 - Int64(random.below(threeYears))

        // Drawn from its own stream, so that the traits before it keep their values.
        var birthdayRandom = RandomStream(plan.seed, UInt64(index), Self.birthdayKey)
        let year: Int64 = 31_556_952_000
        let age = 18 * year + Int64(birthdayRandom.below(UInt64(62 * year)))
        birthdayMillis = plan.startMillis - age

        // Drawn from their own stream so that adding platforms leaves web users unchanged.
        let platforms = own?.platforms ?? population.platforms
        var appRandom = RandomStream(plan.seed, UInt64(index), Self.appKey)
        platform =
            platforms.count == 1
            ? platforms[0].value
            : platforms[appRandom.index(weights: platforms.map(\.weight))].value
        if platform.isApp {
            let devices = AppDevice.choices(for: platform, device: device)
            let model = devices[Int(appRandom.below(UInt64(devices.count)))]
            app = (
                model, model.osVersions[Int(appRandom.below(UInt64(model.osVersions.count)))],
                platform == .ios
                    ? Identifiers.uuid(&appRandom).uppercased() : Identifiers.uuid(&appRandom),
                appRandom.unit() < 0.7
            )
        } else {
            app = nil
        }
    }
}

extension UserProfile {
    /// The cohort of user `index`, drawn by share; `nil` for the rest of the population.
    static func cohort(index: Int, plan: Plan) -> Int? {
        let cohorts = plan.population.cohorts
        guard !cohorts.isEmpty else { return nil }
        var random = RandomStream(plan.seed, UInt64(index), RandomStream.key("cohort"))
        var draw = random.unit()
        for (number, cohort) in cohorts.enumerated() {
            if draw < cohort.share.fraction { return number }
            draw -= cohort.share.fraction
        }
        return nil
    }

    /// A step's rate for this user: rates below 100% carry the cohort's lift.
    func rate(of step: Step) -> Rate {
        step.rate(lift: lift)
    }
}

/// A UUID's 128 bits. Ordered as its lowercase text is: the text is fixed-width hex with
/// dashes in fixed places, so comparing the numbers compares the strings.
public struct UUIDBits: Sendable, Hashable, Comparable {
    public var high: UInt64
    public var low: UInt64

    public static func < (left: UUIDBits, right: UUIDBits) -> Bool {
        left.high != right.high ? left.high < right.high : left.low < right.low
    }
}

/// Identifiers in the shapes downstream tools expect.
enum Identifiers {
    /// A UUID in the RFC 9562 layout (version 4 bits), from the stream rather than the system.
    static func uuid(_ random: inout RandomStream) -> String {
        uuidString(uuidBits(&random))
    }

    /// The 128 bits of a version 4 UUID drawn from the stream, most significant half first.
    static func uuidBits(_ random: inout RandomStream) -> UUIDBits {
        let (high, low) = random.uuidBytes()
        return UUIDBits(
            high: (high & 0xFFFF_FFFF_FFFF_0FFF) | 0x0000_0000_0000_4000,
            low: (low & 0x3FFF_FFFF_FFFF_FFFF) | 0x8000_0000_0000_0000)
    }

    static func uuidString(_ bits: UUIDBits) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(36)
        appendUUID(bits, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends `xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx` in lowercase hex, formatted on the
    /// stack and appended in one piece.
    static func appendUUID(_ bits: UUIDBits, to bytes: inout some ByteAppending) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 36) { text in
            writeHex(bits.high >> 32, digits: 8, into: text, at: 0)
            text[8] = UInt8(ascii: "-")
            writeHex(bits.high >> 16, digits: 4, into: text, at: 9)
            text[13] = UInt8(ascii: "-")
            writeHex(bits.high, digits: 4, into: text, at: 14)
            text[18] = UInt8(ascii: "-")
            writeHex(bits.low >> 48, digits: 4, into: text, at: 19)
            text[23] = UInt8(ascii: "-")
            writeHex(bits.low, digits: 12, into: text, at: 24)
            bytes.append(UnsafeBufferPointer(text))
        }
    }

    @inline(__always)
    private static func writeHex(
        _ value: UInt64, digits: Int, into text: UnsafeMutableBufferPointer<UInt8>, at start: Int
    ) {
        var rest = value
        for index in stride(from: start + digits - 1, through: start, by: -1) {
            let nibble = UInt8(truncatingIfNeeded: rest) & 0xF
            text[index] = nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") - 10 + nibble
            rest >>= 4
        }
    }

    /// Appends the low `digits` hex digits of `value`, zero-padded, in lowercase.
    static func appendHex(_ value: UInt64, digits: Int, to bytes: inout some ByteAppending) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: digits) { text in
            writeHex(value, digits: digits, into: text, at: 0)
            bytes.append(UnsafeBufferPointer(text))
        }
    }

    /// `value` in lowercase hex, zero-padded to at least `digits` digits.
    static func hex(_ value: UInt64, digits: Int) -> String {
        let significant = max(1, (64 - value.leadingZeroBitCount + 3) / 4)
        var bytes: [UInt8] = []
        appendHex(value, digits: max(digits, significant), to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Blocks of ordinary public address space, so that no address is private,
    /// loopback, multicast or reserved for documentation.
    private static let firstOctets: [UInt64] = [
        24, 50, 66, 67, 68, 69, 71, 72, 73, 76, 81, 82, 83, 84, 85, 86, 87, 88, 89, 90, 91, 92,
        93, 94, 95, 98, 99, 104, 107, 108, 109, 151, 173, 174, 176, 178, 184, 185, 188, 193, 194,
        195, 212, 213, 217,
    ]

    static func publicIPv4(_ random: inout RandomStream) -> String {
        let first = firstOctets[Int(random.below(UInt64(firstOctets.count)))]
        return "\(first).\(random.below(256)).\(random.below(256)).\(1 + random.below(254))"
    }
}

/// User agents of current browsers, by device class.
enum UserAgents {
    static func forDevice(_ device: Device) -> [String] {
        switch device {
        case .desktop: desktop
        case .mobile: mobile
        case .tablet: tablet
        }
    }

    static let desktop = [
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
            + "Chrome/131.0.0.0 Safari/537.36",
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
            + "Version/18.1 Safari/605.1.15",
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0",
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
            + "Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
    ]
    static let mobile = [
        "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 "
            + "(KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
        "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
            + "Chrome/131.0.0.0 Mobile Safari/537.36",
        "Mozilla/5.0 (Linux; Android 14; SM-S921B) AppleWebKit/537.36 (KHTML, like Gecko) "
            + "Chrome/131.0.0.0 Mobile Safari/537.36",
    ]
    static let tablet = [
        "Mozilla/5.0 (iPad; CPU OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
            + "Version/18.1 Mobile/15E148 Safari/604.1",
        "Mozilla/5.0 (Linux; Android 14; SM-X710) AppleWebKit/537.36 (KHTML, like Gecko) "
            + "Chrome/131.0.0.0 Safari/537.36",
    ]
}
