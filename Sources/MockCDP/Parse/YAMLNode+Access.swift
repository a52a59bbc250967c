extension YAMLNode {
    /// The text of a scalar as written, without quotes; `nil` for mappings and lists.
    ///
    /// This is the text whatever the scalar's type: `010` gives `"010"`, `~` gives `"~"`.
    public var string: String? {
        guard case .scalar(let text, _) = content else { return nil }
        return text
    }

    /// The entries of a mapping in the order written; `nil` for scalars and lists.
    public var mapping: [YAMLPair]? {
        guard case .mapping(let pairs) = content else { return nil }
        return pairs
    }

    /// The items of a list; `nil` for scalars and mappings.
    public var sequence: [YAMLNode]? {
        guard case .sequence(let items) = content else { return nil }
        return items
    }

    /// The entry of a mapping whose key is a scalar with this text, keeping the locations of
    /// both key and value; `nil` when there is no such key or this is not a mapping.
    public subscript(key: String) -> YAMLPair? {
        mapping?.first { $0.key.string == key }
    }

    /// Whether this is a scalar that reads as null: `~`, `null` or an empty value.
    public var isNull: Bool {
        scalarValue == .null
    }

    /// What kind of value this is, worded for messages such as
    /// "expected a mapping, got a list".
    ///
    /// Gives "a mapping", "a list", "a string", "a number", "a boolean", "null", or
    /// "an empty value" when nothing was written after the key or dash.
    public var kindName: String {
        switch content {
        case .mapping:
            return "a mapping"
        case .sequence:
            return "a list"
        case .scalar(let text, _):
            switch scalarValue {
            case .null: return text.isEmpty ? "an empty value" : "null"
            case .bool: return "a boolean"
            case .int, .float: return "a number"
            case .string, nil: return "a string"
            }
        }
    }
}
