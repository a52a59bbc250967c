import Foundation

/// A Segment source's write key. It describes itself as `[redacted]` so that no log line,
/// error or saved file built by string interpolation can carry it.
public struct WriteKey: Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The environment variable read when no key file is given.
    public static let environmentVariable = "SEGMENT_WRITE_KEY"

    private let secret: String

    /// Wraps a key; leading and trailing whitespace (a newline left by an editor) is dropped.
    public init?(_ text: String) {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { return nil }
        secret = trimmed
    }

    public var description: String { "[redacted]" }
    public var debugDescription: String { "WriteKey([redacted])" }

    /// `Basic base64("KEY:")`: the key is the user name and the password is empty.
    public var authorizationHeader: String {
        "Basic " + Data((secret + ":").utf8).base64EncodedString()
    }

    /// `text` with every occurrence of the key, bare or in its Basic form, replaced.
    ///
    /// Used on anything that came from outside, such as a server's error body, before it is
    /// shown: a proxy may echo the request's headers.
    public func redact(_ text: String) -> String {
        let encoded = Data((secret + ":").utf8).base64EncodedString()
        return
            text
            .replacingOccurrences(of: encoded, with: "[redacted]")
            .replacingOccurrences(of: secret, with: "[redacted]")
    }

    /// Reads the key from `--write-key-file PATH` if given, else from `SEGMENT_WRITE_KEY`.
    public static func load(
        file: String?, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(WriteKeyError) -> WriteKey {
        if let file {
            let contents: String
            do {
                contents = try String(contentsOfFile: file, encoding: .utf8)
            } catch {
                throw .unreadableFile(file)
            }
            guard let key = WriteKey(contents) else { throw .emptyFile(file) }
            return key
        }
        guard let value = environment[environmentVariable], let key = WriteKey(value) else {
            throw .missing
        }
        return key
    }
}

/// Why no write key could be had; none of the messages contains the key.
public enum WriteKeyError: Error, Sendable, Equatable, CustomStringConvertible {
    case missing
    case unreadableFile(String)
    case emptyFile(String)
    /// The key was given on the command line, where any user of the machine can read it.
    case givenOnCommandLine

    public var description: String {
        switch self {
        case .missing:
            "no write key: set \(WriteKey.environmentVariable) or pass --write-key-file PATH"
        case .unreadableFile(let path):
            "cannot read the write key file \(path)"
        case .emptyFile(let path):
            "the write key file \(path) is empty"
        case .givenOnCommandLine:
            "--write-key is not accepted: a key on the command line shows in process lists "
                + "and shell history; set \(WriteKey.environmentVariable) or pass "
                + "--write-key-file PATH"
        }
    }
}
