import MockCDP

/// A usage error: the command line itself is wrong (exit status 64).
struct UsageError: Error {
    var message: String
    var hint: String?
}

/// The options of one command, parsed from its arguments.
///
/// Accepts `--name value`, `--name=value`, short aliases such as `-o`, repeated
/// options (`--set a=1 --set b=2`), flags, `--` before positional arguments, and
/// reports unknown options with the known one they start or are a typo of.
struct Arguments {
    struct Option {
        var name: String
        var short: Character?
        var takesValue: Bool
    }

    private(set) var positional: [String] = []
    private var values: [String: [String]] = [:]

    init(_ arguments: [String], options: [Option]) throws(UsageError) {
        var index = 0
        var onlyPositional = false
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            if onlyPositional || !argument.hasPrefix("-") || argument == "-" {
                positional.append(argument)
                continue
            }
            if argument == "--" {
                onlyPositional = true
                continue
            }
            var name: String
            var inlineValue: String?
            if argument.hasPrefix("--") {
                let body = argument.dropFirst(2)
                if let equals = body.firstIndex(of: "=") {
                    name = String(body[..<equals])
                    inlineValue = String(body[body.index(after: equals)...])
                } else {
                    name = String(body)
                }
            } else {
                let letter = argument.dropFirst().first
                guard argument.count == 2, let match = options.first(where: { $0.short == letter })
                else {
                    throw UsageError(
                        message: "unknown option '\(argument)'", hint: Self.hint(argument, options))
                }
                name = match.name
            }
            guard let option = options.first(where: { $0.name == name }) else {
                throw UsageError(
                    message: "unknown option '--\(name)'", hint: Self.hint(name, options))
            }
            if option.takesValue {
                if let inlineValue {
                    values[name, default: []].append(inlineValue)
                } else if index < arguments.count {
                    values[name, default: []].append(arguments[index])
                    index += 1
                } else {
                    throw UsageError(message: "option '--\(name)' needs a value", hint: nil)
                }
            } else {
                guard inlineValue == nil else {
                    throw UsageError(message: "option '--\(name)' takes no value", hint: nil)
                }
                values[name, default: []].append("")
            }
        }
    }

    /// Suggests the option that `given` starts (`--data-plane` for `--data-plane-url`) when
    /// it starts only one, else the closest by spelling. Abbreviations are never accepted as
    /// such: a later option could make one ambiguous and break a script that relied on it.
    private static func hint(_ given: String, _ options: [Option]) -> String {
        let bare = String(given.drop { $0 == "-" }).lowercased()
        let names = options.map(\.name)
        let completions = bare.isEmpty ? [] : names.filter { $0.lowercased().hasPrefix(bare) }
        if completions.count == 1, let name = completions.first {
            return "did you mean '--\(name)'?"
        }
        if let close = Suggestions.closest(to: bare, in: names) {
            return "did you mean '--\(close)'?"
        }
        return "see --help for the options"
    }

    func flag(_ name: String) -> Bool { values[name] != nil }

    /// The last value given for an option, so that a later flag overrides an earlier one.
    func value(_ name: String) -> String? { values[name]?.last }

    func all(_ name: String) -> [String] { values[name] ?? [] }
}
