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
}
