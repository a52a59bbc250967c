/// A position in a scenario file, as people count them: lines and columns start at 1.
public struct SourceLocation: Hashable, Sendable, Codable, CustomStringConvertible {
    /// The file path as the user gave it (or as resolved relative to an including file).
    public var file: String
    public var line: Int
    public var column: Int

    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    public var description: String { "\(file):\(line):\(column)" }

    /// Set to `true` in an encoder's `userInfo` to write every location as `null`, for a
    /// fingerprint of what a plan produces: where a step was written changes no event.
    public static let omittedWhenEncoding = CodingUserInfoKey(rawValue: "omitsSourceLocations")!

    public func encode(to encoder: any Encoder) throws {
        if encoder.userInfo[Self.omittedWhenEncoding] as? Bool == true {
            var container = encoder.singleValueContainer()
            try container.encodeNil()
            return
        }
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(file, forKey: .file)
        try container.encode(line, forKey: .line)
        try container.encode(column, forKey: .column)
    }

    private enum CodingKeys: String, CodingKey {
        case file, line, column
    }
}
