import Foundation

/// What the command line adds to a scenario: a seed and parameter overrides.
public struct CompileOptions: Sendable {
    public var seed: UInt64?
    /// `--set name=value` pairs, in the order given.
    public var overrides: [(name: String, value: String)]

    public init(seed: UInt64? = nil, overrides: [(name: String, value: String)] = []) {
        self.seed = seed
        self.overrides = overrides
    }
}

/// Turns a scenario's YAML tree into a validated ``Plan``, collecting every problem at once.
///
/// The checker never stops at the first error: each field is checked on its own,
/// and a field that cannot be read is left out of the plan while checking goes on.
struct ScenarioChecker {
    var diagnostics: [Diagnostic] = []
    private var parameters = Parameters()
    let options: CompileOptions

    init(options: CompileOptions) {
        self.options = options
    }

    var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }

    // MARK: Diagnostics

    mutating func error(_ node: YAMLNode, _ message: String, hint: String? = nil) {
        diagnostics.append(.error(at: node.location, message, hint: hint))
    }

    mutating func warning(_ node: YAMLNode, _ message: String, hint: String? = nil) {
        diagnostics.append(.warning(at: node.location, message, hint: hint))
    }

    // MARK: Reading nodes

    /// The pairs of a mapping, by key, after reporting keys that are not among `keys`.
    /// Keys starting with `x-` are skipped where `allowsExtensions` is set: a home for anchors.
    mutating func fields(
        _ node: YAMLNode, of what: String, keys: [String], allowsExtensions: Bool = false
    ) -> Fields? {
        guard case .mapping(let pairs) = node.content else {
            error(node, "\(what) must be a mapping; got \(node.kindName)")
            return nil
        }
        var fields = Fields(node: node)
        for pair in pairs {
            let key = pair.key.string ?? ""
            if allowsExtensions, key.hasPrefix("x-") { continue }
            guard keys.contains(key) else {
                let suggestion = Suggestions.closest(to: key, in: keys)
                if let suggestion { fields.misspelled.insert(suggestion) }
                error(
                    pair.key, "unknown key '\(key)' in \(what)",
                    hint: suggestion.map { "did you mean '\($0)'?" }
                        ?? "\(what) accepts " + keys.joined(separator: ", "))
                continue
            }
            fields.values[key] = pair.value
            fields.keys[key] = pair.key
            fields.order.append(key)
        }
        return fields
    }

    mutating func require(_ fields: Fields, _ key: String, of what: String) -> YAMLNode? {
        if let value = fields[key] { return value }
        // A misspelling of the key has been reported with a "did you mean" already.
        if !fields.misspelled.contains(key) {
            error(fields.node, "\(what) is missing '\(key)'")
        }
        return nil
    }

    /// The text of a scalar with `${name}` references replaced, and its core-schema value.
    mutating func scalar(_ node: YAMLNode, _ what: String) -> (text: String, value: YAMLScalar)? {
        guard case .scalar(let text, _) = node.content, let value = node.scalarValue else {
            error(node, "\(what) must be a single value; got \(node.kindName)")
            return nil
        }
        guard text.contains("${") else { return (text, value) }

        let pieces = Parameters.pieces(of: text.trimmingCharacters(in: .whitespaces))
        var substituted = ""
        var undefined = false
        for piece in pieces {
            switch piece {
            case .text(let literal):
                substituted += literal
            case .reference(let name):
                // Every undefined name of the value is reported, not only the first.
                guard let parameter = parameters.values[name] else {
                    let suggestion = Suggestions.closest(to: name, in: parameters.names)
                    error(
                        node, "undefined parameter '\(name)'",
                        hint: suggestion.map { "did you mean '${\($0)}'?" }
                            ?? "declare it under params with a default value")
                    undefined = true
                    continue
                }
                // A whole-value reference keeps the parameter's type (a number stays a number).
                if pieces.count == 1 { return (parameter.text, parameter.scalar) }
                substituted += parameter.text
            }
        }
        return undefined ? nil : (substituted, .string(substituted))
    }

    /// Where the `${name}` references of a value got their values, for hints on errors found
    /// in that value.
    func parameterOrigin(_ node: YAMLNode) -> String? {
        guard case .scalar(let text, _) = node.content else { return nil }
        let origins = Parameters.pieces(of: text).compactMap { piece -> String? in
            guard case .reference(let name) = piece, let parameter = parameters.values[name]
            else { return nil }
            return parameter.overridden
                ? "--set \(name)=\(parameter.text)"
                : "parameter '\(name)' (line \(parameter.location.line))"
        }
        guard !origins.isEmpty else { return nil }
        return "the value comes from " + origins.joined(separator: " and ")
    }

    mutating func string(_ node: YAMLNode, _ what: String) -> String? {
        guard let (text, value) = scalar(node, what) else { return nil }
        if case .null = value {
            error(node, "\(what) must not be empty")
            return nil
        }
        guard !text.trimmingCharacters(in: .whitespaces).isEmpty else {
            error(node, "\(what) must not be empty")
            return nil
        }
        return text
    }

    mutating func integer(_ node: YAMLNode, _ what: String, in range: ClosedRange<Int>) -> Int? {
        guard let (text, value) = scalar(node, what) else { return nil }
        guard case .int(let number) = value else {
            error(node, "\(what) must be a whole number; got '\(text)'")
            return nil
        }
        guard range.contains(number) else {
            error(
                node,
                "\(what) must be between \(range.lowerBound) and \(range.upperBound); got \(number)"
            )
            return nil
        }
        return number
    }

    mutating func number(_ node: YAMLNode, _ what: String) -> Double? {
        guard let (text, value) = scalar(node, what) else { return nil }
        switch value {
        case .int(let number): return Double(number)
        case .float(let number) where number.isFinite: return number
        default:
            error(node, "\(what) must be a number; got '\(text)'")
            return nil
        }
    }

    /// Reads a scalar with one of the value grammars.
    mutating func parse<Value>(
        _ node: YAMLNode, _ what: String,
        _ grammar: (String) -> Result<Value, ValueGrammar.Failure>
    ) -> Value? {
        guard let (text, _) = scalar(node, what) else { return nil }
        switch grammar(text) {
        case .success(let value):
            return value
        case .failure(let failure):
            let origin = parameterOrigin(node)
            let hint = [failure.hint, origin].compactMap { $0 }.joined(separator: "; ")
            // "rate must be between…" needs no "rate: " before it.
            let message =
                failure.message.hasPrefix(what) ? failure.message : "\(what): \(failure.message)"
            error(node, message, hint: hint.isEmpty ? nil : hint)
            return nil
        }
    }

    mutating func list(_ node: YAMLNode, _ what: String) -> [YAMLNode]? {
        guard case .sequence(let items) = node.content else {
            error(node, "\(what) must be a list; got \(node.kindName)")
            return nil
        }
        return items
    }

    // MARK: Parameters

    /// Declares `params` and applies the command line's overrides; reported before anything
    /// reads a value, so that every `${name}` sees its final value.
    ///
    /// A parameter is written either as its default alone, its kind read from it, or as
    /// `{type: number, default: 2000}` with the kind given.
    mutating func readParameters(_ node: YAMLNode?) {
        if let node {
            if case .mapping(let pairs) = node.content {
                for pair in pairs {
                    guard let name = pair.key.string, !name.isEmpty else { continue }
                    guard Parameters.isValidName(name) else {
                        error(
                            pair.key,
                            "parameter name '\(name)' may only hold letters, digits and '_'",
                            hint: "for example cart_rate")
                        continue
                    }
                    declareParameter(name, pair.value)
                }
            } else {
                error(
                    node,
                    "params must be a mapping of names to default values; got \(node.kindName)")
            }
        }
        for override in options.overrides {
            if let problem = parameters.override(override.name, with: override.value) {
                diagnostics.append(problem)
            }
        }
    }

    private mutating func declareParameter(_ name: String, _ node: YAMLNode) {
        var valueNode = node
        var kind: Parameters.Kind?
        if case .mapping = node.content {
            guard
                let fields = fields(
                    node, of: "parameter '\(name)'", keys: ["type", "default", "description"]),
                let defaultNode = require(fields, "default", of: "parameter '\(name)'")
            else { return }
            valueNode = defaultNode
            if let typeNode = fields["type"], let type = typeNode.string {
                let names = Parameters.Kind.allCases.map(\.rawValue)
                guard let given = Parameters.Kind(rawValue: type) else {
                    error(
                        typeNode, "unknown parameter type '\(type)'",
                        hint: Suggestions.closest(to: type, in: names).map {
                            "did you mean '\($0)'?"
                        } ?? "types are " + names.joined(separator: ", "))
                    return
                }
                kind = given
            }
        }
        guard case .scalar(let text, _) = valueNode.content, let value = valueNode.scalarValue
        else {
            error(valueNode, "parameter '\(name)' must have a single value as its default")
            return
        }
        switch value {
        case .bool, .null:
            error(
                valueNode,
                "parameter '\(name)' needs a number, a rate, a duration or text as its default")
            return
        default:
            break
        }
        if text.contains("${") {
            error(valueNode, "a parameter's default cannot refer to another parameter")
            return
        }
        if let kind, !kind.accepts(text) {
            error(
                valueNode, "the default of '\(name)' is not a \(kind.rawValue); got '\(text)'",
                hint: "give \(kind.example)")
            return
        }
        // A typed number may be written quoted; it is substituted as the number it names.
        let scalar = kind == .number ? Parameters.readScalar(text) : value
        parameters.declare(name, text: text, scalar: scalar, kind: kind, at: valueNode.location)
    }
}

/// The pairs of a checked mapping, by key, remembering the order they were written in.
struct Fields {
    let node: YAMLNode
    var values: [String: YAMLNode] = [:]
    var keys: [String: YAMLNode] = [:]
    var order: [String] = []
    /// Keys suggested for unknown keys, whose absence is then no news.
    var misspelled: Set<String> = []

    subscript(key: String) -> YAMLNode? { values[key] }
}
