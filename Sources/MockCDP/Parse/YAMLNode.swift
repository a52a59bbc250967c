/// A node of a parsed YAML document, with the place it came from.
///
/// Aliases are already expanded and merge keys (`<<`) already applied, so the
/// checker sees plain mappings, sequences and scalars. Scalars keep their text;
/// `scalarValue` reads a plain scalar by the YAML 1.2 core schema.
public struct YAMLNode: Sendable {
    public enum Content: Sendable {
        case scalar(String, style: ScalarStyle)
        case sequence([YAMLNode])
        case mapping([YAMLPair])
    }

    public enum ScalarStyle: Sendable, Hashable {
        /// An unquoted scalar: its type is read by the core schema.
        case plain
        /// A quoted or block scalar: always a string.
        case quoted
    }

    public var content: Content
    public var location: SourceLocation
    /// An explicit tag such as `!!str`, if the author wrote one.
    public var tag: String?

    public init(_ content: Content, at location: SourceLocation, tag: String? = nil) {
        self.content = content
        self.location = location
        self.tag = tag
    }
}

/// A key and its value in a YAML mapping; both keep their own locations.
public struct YAMLPair: Sendable {
    public var key: YAMLNode
    public var value: YAMLNode

    public init(key: YAMLNode, value: YAMLNode) {
        self.key = key
        self.value = value
    }
}

/// The value of a scalar as the YAML 1.2 core schema reads it.
public enum YAMLScalar: Sendable, Hashable {
    case null
    case bool(Bool)
    case int(Int)
    case float(Double)
    case string(String)
}
