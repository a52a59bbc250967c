/// A page of the site as the messages describe it: its members of `context.page` and of
/// page properties, encoded once per page rather than once per message. A class, so that
/// the pages a user moves through are shared rather than copied.
final class SitePage: Sendable {
    /// `"path":"/products/trail-runner"`.
    let pathMember: [UInt8]
    /// `"search":"…","title":"…","url":"…"`: the members after the referrer.
    let laterMembers: [UInt8]
    /// The page's URL as a JSON string, which is the referrer of the page a user goes to next.
    let url: [UInt8]

    /// - Parameter search: the query string, such as a campaign's UTM parameters on a
    ///   landing page.
    init(path: String, title: String, site: Site, search: String = "") {
        let url = site.url + path + search
        var writer = JSONWriter(capacity: 64 + path.utf8.count)
        writer.key("path")
        writer.string(path)
        pathMember = writer.bytes
        writer = JSONWriter(capacity: 64 + url.utf8.count)
        writer.string(url)
        self.url = writer.bytes
        writer = JSONWriter(capacity: 128 + 2 * url.utf8.count + title.utf8.count)
        writer.key("search")
        writer.string(search)
        writer.key("title")
        writer.string(title)
        writer.key("url")
        writer.fragment(self.url)
        laterMembers = writer.bytes
    }

    /// `?utm_source=…&utm_medium=…&utm_campaign=…`, percent-encoded.
    static func utmQuery(_ campaign: Campaign) -> String {
        var query: [UInt8] = [UInt8(ascii: "?")]
        query.reserveCapacity(160)
        func add(_ name: String, _ value: String?) {
            guard let value else { return }
            if query.count > 1 { query.append(UInt8(ascii: "&")) }
            query.append(contentsOf: name.utf8)
            query.append(UInt8(ascii: "="))
            appendPercentEncoded(value, to: &query)
        }
        add("utm_source", campaign.source)
        add("utm_medium", campaign.medium)
        add("utm_campaign", campaign.name)
        add("utm_term", campaign.term)
        add("utm_content", campaign.content)
        return String(decoding: query, as: UTF8.self)
    }

    private static func appendPercentEncoded(_ text: String, to encoded: inout [UInt8]) {
        let hex: StaticString = "0123456789ABCDEF"
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."),
                UInt8(ascii: "_"), UInt8(ascii: "~"):
                encoded.append(byte)
            default:
                encoded.append(UInt8(ascii: "%"))
                encoded.append(hex.utf8Start[Int(byte >> 4)])
                encoded.append(hex.utf8Start[Int(byte & 0xF)])
            }
        }
    }
}

/// The page a user is on, and the page they came from.
struct PageView: Sendable {
    let page: SitePage
    /// The referrer as a JSON string: the previous page's URL, a campaign's site, or empty.
    let referrer: [UInt8]

    /// The referrer `""`, for a page reached directly.
    static let noReferrer = Array(#""""#.utf8)

    /// Writes `path`, `referrer`, `search`, `title` and `url`, the fields Segment's page spec
    /// names, as members of the object being written.
    func writeFields(_ writer: inout JSONWriter) {
        writer.fragment(page.pathMember)
        writer.key("referrer")
        writer.fragment(referrer)
        writer.fragment(page.laterMembers)
    }
}
