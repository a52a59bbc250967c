/// The device, OS and app of a user who shops in the mobile app.
///
/// Models, OS versions and screens go together as on real devices, so the context
/// a destination sees is one a real phone could send. Screens are in the units
/// Segment's libraries report: points on iOS, pixels on Android.
struct AppDevice: Sendable {
    var manufacturer: String
    var model: String
    var osName: String
    var osVersions: [String]
    var width: Int
    var height: Int
    var density: Double
    var isTablet: Bool

    /// The user agent an app on this device reports: WebKit's on Apple devices (as Segment's
    /// Swift library reads it from a web view), the Dalvik VM's `http.agent` on Android.
    func userAgent(osVersion: String) -> String {
        if manufacturer == "Apple" {
            let version = osVersion.replacingOccurrences(of: ".", with: "_")
            let system = isTablet ? "iPad; CPU OS" : "iPhone; CPU iPhone OS"
            return "Mozilla/5.0 (\(system) \(version) like Mac OS X) AppleWebKit/605.1.15 "
                + "(KHTML, like Gecko) Mobile/15E148"
        }
        return "Dalvik/2.1.0 (Linux; U; Android \(osVersion); \(model))"
    }

    static func choices(for platform: Platform, device: Device) -> [AppDevice] {
        let tablet = device == .tablet
        let all = platform == .ios ? ios : android
        let fitting = all.filter { $0.isTablet == tablet }
        return fitting.isEmpty ? all : fitting
    }

    static let ios = [
        AppDevice(
            manufacturer: "Apple", model: "iPhone15,4", osName: "iOS",
            osVersions: ["17.6", "18.1"],
            width: 393, height: 852, density: 3, isTablet: false),
        AppDevice(
            manufacturer: "Apple", model: "iPhone16,2", osName: "iOS",
            osVersions: ["17.6", "18.1"],
            width: 430, height: 932, density: 3, isTablet: false),
        AppDevice(
            manufacturer: "Apple", model: "iPhone14,7", osName: "iOS",
            osVersions: ["16.7", "17.6", "18.1"], width: 390, height: 844, density: 3,
            isTablet: false),
        AppDevice(
            manufacturer: "Apple", model: "iPad13,18", osName: "iPadOS",
            osVersions: ["17.6", "18.1"], width: 820, height: 1180, density: 2, isTablet: true),
    ]

    static let android = [
        AppDevice(
            manufacturer: "Google", model: "Pixel 8", osName: "Android", osVersions: ["14", "15"],
            width: 1080, height: 2400, density: 2.625, isTablet: false),
        AppDevice(
            manufacturer: "samsung", model: "SM-S921B", osName: "Android",
            osVersions: ["14", "15"], width: 1080, height: 2340, density: 2.8125, isTablet: false),
        AppDevice(
            manufacturer: "samsung", model: "SM-A546B", osName: "Android",
            osVersions: ["13", "14"], width: 1080, height: 2340, density: 2.8125, isTablet: false),
        AppDevice(
            manufacturer: "samsung", model: "SM-X710", osName: "Android", osVersions: ["14"],
            width: 1600, height: 2560, density: 2, isTablet: true),
    ]
}

/// What the app sends about itself: the same for every user of a scenario.
struct AppIdentity: Sendable {
    var name: String
    var version: String
    var build: String
    /// The bundle id or package name, made from the site's host: `com.example.shop`.
    var namespace: String

    init(site: Site) {
        name = site.name
        version = "4.12.0"
        build = "41200"
        let host = site.url.split(separator: "/").dropFirst().first.map(String.init) ?? "shop"
        let labels = host.split(separator: ":")[0].split(separator: ".").reversed()
        namespace = labels.map { Slug.make(String($0)).replacingOccurrences(of: "-", with: "") }
            .joined(separator: ".")
    }
}
