/// Who one simulated user is: identifiers, where they browse from and what they landed on.
///
/// Drawn once per user from a stream keyed by the seed and the user's index, so the
/// profile does not depend on the funnels or on any other user.
struct UserProfile: Sendable {
    let index: Int
    /// The `anonymousId`, a UUID kept as its bits and written as text where a message has it.
    let anonymousId: UUIDBits
    /// The number in the user's `userId`, `usr_` and 16 hex digits.
    private let userNumber: UInt64
    let identifiedOnArrival: Bool
    let funnelIndex: Int
    let device: Device
    let platform: Platform
    /// For app users: the phone or tablet, its OS version, a device id and the network.
    let app: (device: AppDevice, osVersion: String, deviceId: String, wifi: Bool)?
    /// The IPv4 address, one octet per byte, the first octet highest.
    let ipv4: UInt32
    /// Whether the user arrived from a campaign rather than directly.
    let hasCampaign: Bool
    /// The mixes this user's context was drawn from, and what was drawn, by index.
    let choices: ContextChoices
    let campaignIndex: Int
    let localeIndex: Int
    let timezoneIndex: Int
    let userAgentIndex: Int
    /// The user's cohort, by index, if they belong to one.
    let cohort: Int?
    /// Factor on the user's conversion rates below 100%.
    let lift: Double
    /// The profile stream where the identity's draws begin: the identity and the account's
    /// creation time are its last draws, so they are made only when an identify call needs
    /// them, from this copy, with the values they would have had if drawn at once.
    private let identityRandom: RandomStream
    private let identityBook: NameBook
    private let startMillis: Int64
    /// Midnight UTC of the day of the `birthday` trait.
    let birthdayMillis: Int64

    private static let profileKey = RandomStream.key("profile")
    private static let appKey = RandomStream.key("app")
    private static let birthdayKey = RandomStream.key("birthday")

    init(index: Int, catalog: PlannerCatalog) {
        self.index = index
        var random = RandomStream(catalog.plan.seed, UInt64(index), Self.profileKey)
        anonymousId = Identifiers.uuidBits(&random)
        userNumber = random.next()
        identifiedOnArrival = random.chance(catalog.plan.population.identified)
        funnelIndex = random.index(weights: catalog.funnelWeights)

        // The cohort comes from a stream of its own so that, without cohorts, no draw moves.
        cohort = Self.cohort(index: index, plan: catalog.plan)
        let choices = catalog.contextChoices(cohort: cohort)
        self.choices = choices
        lift = cohort.map { catalog.plan.population.cohorts[$0].lift } ?? 1
        localeIndex = random.index(weights: choices.localeWeights)
        timezoneIndex = random.index(weights: choices.timezoneWeights)
        device = choices.devices[random.index(weights: choices.deviceWeights)]
        let agents = UserAgents.forDevice(device)
        userAgentIndex = Int(random.below(UInt64(agents.count)))
        ipv4 = Identifiers.publicIPv4(&random)
        campaignIndex = random.index(weights: choices.campaignWeights)
        hasCampaign = choices.campaigns[campaignIndex] != nil
        identityRandom = random
        identityBook = choices.nameBooks[localeIndex]
        startMillis = catalog.plan.startMillis

        // Drawn from its own stream, so that the traits before it keep their values.
        var birthdayRandom = RandomStream(catalog.plan.seed, UInt64(index), Self.birthdayKey)
        let year: Int64 = 31_556_952_000
        let age = 18 * year + Int64(birthdayRandom.below(UInt64(62 * year)))
        birthdayMillis = catalog.plan.startMillis - age

        // Drawn from their own stream so that adding platforms leaves web users unchanged.
        let platforms = choices.platforms
        var appRandom = RandomStream(catalog.plan.seed, UInt64(index), Self.appKey)
        platform =
            platforms.count == 1
            ? platforms[0]
            : platforms[appRandom.index(weights: choices.platformWeights)]
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

    /// The user's invented name, email, phone and address, and when their account was made
    /// (for the `createdAt` trait).
    func identityAndCreation() -> (identity: FakeIdentity, createdAtMillis: Int64) {
        var random = identityRandom
        let identity = FakeIdentity(book: identityBook, random: &random)
        let threeYears: UInt64 = 3 * 365 * 86_400_000
        return (identity, startMillis - 86_400_000 - Int64(random.below(threeYears)))
    }

    /// The campaign the user arrived from, if any.
    var campaign: Campaign? { choices.campaigns[campaignIndex] }

    /// Writes the `userId`, `usr_` and 16 hex digits, as a JSON string.
    func writeUserId(_ writer: inout JSONWriter) {
        writer.plainString {
            $0.append(Self.userIdPrefix)
            Identifiers.appendHex(userNumber, digits: 16, to: &$0)
        }
    }

    /// Writes the `anonymousId` as a JSON string.
    func writeAnonymousId(_ writer: inout JSONWriter) {
        writer.plainString { Identifiers.appendUUID(anonymousId, to: &$0) }
    }

    /// Writes the IP address as a JSON string: four decimal octets.
    func writeIP(_ writer: inout JSONWriter) {
        writer.plainString { bytes in
            for shift in stride(from: 24, through: 0, by: -8) {
                if shift != 24 { bytes.append(UInt8(ascii: ".")) }
                let octet = UInt8(truncatingIfNeeded: ipv4 >> UInt32(shift))
                if octet >= 100 { bytes.append(UInt8(ascii: "0") + octet / 100) }
                if octet >= 10 { bytes.append(UInt8(ascii: "0") + octet / 10 % 10) }
                bytes.append(UInt8(ascii: "0") + octet % 10)
            }
        }
    }

    private static let userIdPrefix = Array("usr_".utf8)
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
    /// stack eight digits at a time and appended in one piece.
    static func appendUUID(_ bits: UUIDBits, to bytes: inout some ByteAppending) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 36) { text in
            let raw = UnsafeMutableRawPointer(text.baseAddress!)
            func digits(_ value: UInt64, at offset: Int) {
                raw.storeBytes(
                    of: hexDigits(UInt32(truncatingIfNeeded: value)), toByteOffset: offset,
                    as: UInt64.self)
            }
            // The middle groups are written one place to the right, so that their second
            // halves land where they belong, then their first halves move one place left.
            func shiftLeft(at offset: Int) {
                let half = raw.loadUnaligned(fromByteOffset: offset, as: UInt32.self)
                raw.storeBytes(of: half, toByteOffset: offset - 1, as: UInt32.self)
            }
            digits(bits.high >> 32, at: 0)
            digits(bits.high, at: 10)
            shiftLeft(at: 10)
            digits(bits.low >> 32, at: 20)
            shiftLeft(at: 20)
            digits(bits.low, at: 28)
            text[8] = UInt8(ascii: "-")
            text[13] = UInt8(ascii: "-")
            text[18] = UInt8(ascii: "-")
            text[23] = UInt8(ascii: "-")
            bytes.append(UnsafeBufferPointer(text))
        }
    }

    /// The eight lowercase hex digits of `value` as ASCII bytes, most significant digit
    /// first in memory. Each nibble is spread into a byte of its own, then turned into a
    /// digit or letter without branching.
    @inline(__always)
    static func hexDigits(_ value: UInt32) -> UInt64 {
        var spread = UInt64(value)
        spread = (spread | spread << 16) & 0x0000_FFFF_0000_FFFF
        spread = (spread | spread << 8) & 0x00FF_00FF_00FF_00FF
        spread = (spread | spread << 4) & 0x0F0F_0F0F_0F0F_0F0F
        // Nibbles of 10 or more gain the distance from the digit after "9" to "a".
        let letters = (spread &+ 0x0606_0606_0606_0606) >> 4 & 0x0101_0101_0101_0101
        let ascii = spread &+ 0x3030_3030_3030_3030 &+ letters &* 0x27
        return ascii.bigEndian
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

    /// An address in ordinary public space, one octet per byte, the first octet highest.
    static func publicIPv4(_ random: inout RandomStream) -> UInt32 {
        let first = firstOctets[Int(random.below(UInt64(firstOctets.count)))]
        let second = random.below(256)
        let third = random.below(256)
        let fourth = 1 + random.below(254)
        return UInt32(first << 24 | second << 16 | third << 8 | fourth)
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

    /// The `userAgent` member of each user agent of a device class, encoded once.
    static func members(forDevice device: Device) -> [[UInt8]] {
        switch device {
        case .desktop: desktopMembers
        case .mobile: mobileMembers
        case .tablet: tabletMembers
        }
    }

    private static let desktopMembers = desktop.map(member)
    private static let mobileMembers = mobile.map(member)
    private static let tabletMembers = tablet.map(member)

    private static func member(_ agent: String) -> [UInt8] {
        var writer = JSONWriter(capacity: 256)
        writer.key("userAgent")
        writer.string(agent)
        return writer.bytes
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
