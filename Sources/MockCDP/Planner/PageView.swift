/// The page a user is on: what `context.page` and page properties describe.
struct PageView: Sendable {
    var path: String
    var title: String
    var url: String
    var referrer: String
    /// The query string of the page, with UTM parameters on a campaign's landing page.
    var search: String

    /// - Parameter campaign: the campaign whose UTM parameters the URL carries, on a landing page.
    init(path: String, title: String, site: Site, referrer: String, campaign: Campaign? = nil) {
        self.path = path
        self.title = title
        self.referrer = referrer
        search = campaign.map(Self.utmQuery) ?? ""
        url = site.url + path + search
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

    /// Writes `path`, `referrer`, `search`, `title` and `url`, the fields Segment's page spec names.
    func writeFields(_ writer: inout JSONWriter) {
        writer.key("path")
        writer.string(path)
        writer.key("referrer")
        writer.string(referrer)
        writer.key("search")
        writer.string(search)
        writer.key("title")
        writer.string(title)
        writer.key("url")
        writer.string(url)
    }
}
