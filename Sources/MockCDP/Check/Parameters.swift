import Foundation

/// Scenario parameters: named values with defaults, referenced as `${name}` and
/// overridden from the command line with `--set name=value`.
struct Parameters {
    /// What a parameter holds, read from its default; an override must be of the same kind.
    enum Kind: String, CaseIterable {
        case number
        case rate
        case duration
        case string

        init(of text: String, scalar: YAMLScalar?) {
            switch scalar {
            case .int, .float: self = .number
            default:
                if case .success = ValueGrammar.rate(text), text.hasSuffix("%") {
                    self = .rate
                } else if case .success = ValueGrammar.duration(text) {
                    self = .duration
                } else {
                    self = .string
                }
            }
        }

        func accepts(_ text: String) -> Bool {
            switch self {
            case .number: Double(text).map(\.isFinite) ?? false
            case .rate: (try? ValueGrammar.rate(text).get()) != nil
            case .duration: (try? ValueGrammar.duration(text).get()) != nil
            case .string: true
            }
        }

        var example: String {
            switch self {
            case .number: "a number such as 2000"
            case .rate: "a rate such as 9% or 0.09"
            case .duration: "a duration such as 30s"
            case .string: "any text"
            }
        }
    }

    struct Value {
        var text: String
        /// The scalar as the YAML core schema reads it (overrides are read the same way).
        var scalar: YAMLScalar
        var kind: Kind
        /// Where the default was written.
        var location: SourceLocation
        var overridden: Bool
    }

    private(set) var values: [String: Value] = [:]
    private(set) var names: [String] = []

    /// Declares a parameter; without a `kind`, the kind is read from the default.
    mutating func declare(
        _ name: String, text: String, scalar: YAMLScalar, kind: Kind? = nil,
        at location: SourceLocation
    ) {
        names.append(name)
        values[name] = Value(
            text: text, scalar: scalar, kind: kind ?? Kind(of: text, scalar: scalar),
            location: location, overridden: false)
    }

    /// Applies `--set name=value`; returns a diagnostic when the name is unknown or the
    /// value is not of the parameter's kind.
    mutating func override(_ name: String, with text: String) -> Diagnostic? {
        guard var value = values[name] else {
            let suggestion = Suggestions.closest(to: name, in: names).map {
                "did you mean '\($0)'? "
            }
            let known =
                names.isEmpty
                ? "the scenario declares no parameters"
                : "the scenario's parameters are " + names.joined(separator: ", ")
            return .error(
                at: nil, "--set \(name)=\(text): no parameter named '\(name)'",
                hint: (suggestion ?? "") + known)
        }
        guard value.kind.accepts(text) else {
            return .error(
                at: nil,
                "--set \(name)=\(text): '\(name)' is a \(value.kind.rawValue) parameter",
                hint: "give \(value.kind.example), like its default \(value.text)")
        }
        value.text = text
        value.scalar = Self.readScalar(text)
        value.overridden = true
        values[name] = value
        return nil
    }

    /// Reads command-line text the way a plain YAML scalar is read.
    static func readScalar(_ text: String) -> YAMLScalar {
        YAMLNode(.scalar(text, style: .plain), at: SourceLocation(file: "", line: 0, column: 0))
            .scalarValue ?? .string(text)
    }

    /// A piece of a scalar's text: literal text, or a `${name}` reference.
    enum Piece: Equatable {
        case text(String)
        case reference(String)
    }

    /// Splits `text` into literal text and `${name}` references; `$${` stands for a literal `${`.
    static func pieces(of text: String) -> [Piece] {
        var pieces: [Piece] = []
        var literal = ""
        var rest = Substring(text)
        while let open = rest.range(of: "${") {
            let before = rest[..<open.lowerBound]
            if before.hasSuffix("$") {
                literal += before.dropLast() + "${"
                rest = rest[open.upperBound...]
                continue
            }
            guard let close = rest[open.upperBound...].firstIndex(of: "}") else { break }
            literal += before
            if !literal.isEmpty { pieces.append(.text(literal)) }
            literal = ""
            let name = rest[open.upperBound..<close].trimmingCharacters(in: .whitespaces)
            pieces.append(.reference(name))
            rest = rest[rest.index(after: close)...]
        }
        literal += rest
        if !literal.isEmpty { pieces.append(.text(literal)) }
        return pieces
    }

    /// Whether `name` can be a parameter: letters, digits and `_`, not starting with a digit.
    static func isValidName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, !CharacterSet.decimalDigits.contains(first)
        else { return false }
        let allowed = CharacterSet(charactersIn: "_").union(
            CharacterSet(charactersIn: "a"..."z")
        ).union(CharacterSet(charactersIn: "A"..."Z"))
            .union(CharacterSet(charactersIn: "0"..."9"))
        return name.unicodeScalars.allSatisfy(allowed.contains)
    }
}
