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
        var parameters = [
            ("utm_source", campaign.source), ("utm_medium", campaign.medium),
            ("utm_campaign", campaign.name),
        ]
        if let term = campaign.term { parameters.append(("utm_term", term)) }
        if let content = campaign.content { parameters.append(("utm_content", content)) }
        return "?" + parameters.map { "\($0)=\(percentEncoded($1))" }.joined(separator: "&")
    }

    private static func percentEncoded(_ text: String) -> String {
        var encoded = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."),
                UInt8(ascii: "_"), UInt8(ascii: "~"):
                encoded.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                encoded += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return encoded
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

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        String(repeating: "0", count: max(0, width - count)) + self
    }
}
