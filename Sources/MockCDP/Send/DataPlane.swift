import Foundation

/// The Segment data plane that batches are posted to (`{base}/v1/batch`).
public struct DataPlane: Sendable, Equatable, CustomStringConvertible {
    /// Segment's default (US) data plane.
    public static let unitedStates = "https://api.segment.io"
    /// The data plane of EU workspaces.
    public static let europe = "https://events.eu1.segmentapis.com"

    /// The base URL without a trailing slash.
    public let base: URL

    /// The endpoint that batches are posted to, below the base.
    static let batchPath = "/v1/batch"

    /// Accepts an HTTPS URL, or plain HTTP to a loopback address (a local stub or proxy).
    ///
    /// Plain HTTP anywhere else would send the write key readable by anyone on the path. A URL
    /// that ends in `/v1/batch` names the endpoint rather than the base, as Segment's docs
    /// show it: the base is what comes before.
    public init(_ text: String) throws(DataPlaneError) {
        var trimmed = Self.droppingTrailingSlashes(text)
        if trimmed.hasSuffix(Self.batchPath), let url = URL(string: trimmed),
            url.path.hasSuffix(Self.batchPath)
        {
            trimmed = Self.droppingTrailingSlashes(String(trimmed.dropLast(Self.batchPath.count)))
        }
        guard let url = URL(string: trimmed), let scheme = url.scheme?.lowercased(),
            let host = url.host, !host.isEmpty
        else { throw .malformed(text) }
        guard url.query == nil, url.fragment == nil, url.user == nil else {
            throw .malformed(text)
        }
        switch scheme {
        case "https": break
        case "http":
            guard Self.isLoopback(host) else { throw .plainHTTP(text) }
        default:
            throw .malformed(text)
        }
        base = url
    }

    /// The data plane for `--region`: `us` or `eu`.
    public static func region(_ name: String) throws(DataPlaneError) -> DataPlane {
        switch name.lowercased() {
        case "us": try DataPlane(unitedStates)
        case "eu": try DataPlane(europe)
        default: throw .unknownRegion(name)
        }
    }

    /// Where batches go.
    public var batchURL: URL { URL(string: base.absoluteString + Self.batchPath)! }

    /// The host name, as given.
    public var host: String { base.host ?? "" }

    public var description: String { base.absoluteString }

    /// What to tell the user when `host` does not resolve.
    public static func unresolvedHostAdvice(_ host: String) -> String {
        "the data plane's host name \(host) does not resolve; check --data-plane-url or --region"
    }

    private static func droppingTrailingSlashes(_ text: String) -> String {
        var text = Substring(text)
        while text.hasSuffix("/") { text.removeLast() }
        return String(text)
    }

    /// 127.0.0.0/8, ::1 and localhost.
    static func isLoopback(_ host: String) -> Bool {
        let bare = host.trimmingCharacters(in: CharacterSet(charactersIn: "[]")).lowercased()
        if bare == "localhost" || bare == "::1" || bare == "0:0:0:0:0:0:0:1" { return true }
        let parts = bare.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0] == "127" else { return false }
        return parts.allSatisfy { part in UInt8(part) != nil }
    }
}

public enum DataPlaneError: Error, Sendable, Equatable, CustomStringConvertible {
    case malformed(String)
    case plainHTTP(String)
    case unknownRegion(String)

    public var description: String {
        switch self {
        case .malformed(let text):
            "not a data plane URL: \(text); expected something like \(DataPlane.unitedStates)"
        case .plainHTTP(let text):
            "\(text) uses plain http, which would expose the write key; use https "
                + "(plain http is allowed only to 127.0.0.1, ::1 or localhost)"
        case .unknownRegion(let name):
            "unknown region \(name); use us or eu, or give --data-plane-url"
        }
    }
}
