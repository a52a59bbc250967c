/// Reads `--name value`, `--name=value`, flags and positional arguments of one command.
struct ArgumentReader {
    private(set) var options: [String: String] = [:]
    private(set) var flags: Set<String> = []
    private(set) var positional: [String] = []

    /// - Parameters:
    ///   - valued: options that take a value.
    ///   - switches: options that take none.
    init(_ arguments: [String], valued: Set<String>, switches: Set<String>) throws(UsageError) {
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            guard argument.hasPrefix("--"), argument.count > 2 else {
                positional.append(argument)
                continue
            }
            var name = String(argument.dropFirst(2))
            var value: String?
            if let equals = name.firstIndex(of: "=") {
                value = String(name[name.index(after: equals)...])
                name = String(name[..<equals])
            }
            if switches.contains(name) {
                guard value == nil else { throw UsageError("--\(name) takes no value") }
                flags.insert(name)
            } else if valued.contains(name) {
                if value == nil {
                    guard index < arguments.count else {
                        throw UsageError("--\(name) needs a value")
                    }
                    value = arguments[index]
                    index += 1
                }
                options[name] = value
            } else {
                throw UsageError("unknown option --\(name)")
            }
        }
    }

    func integer(_ name: String, default fallback: Int, in range: ClosedRange<Int>)
        throws(UsageError) -> Int
    {
        guard let text = options[name] else { return fallback }
        guard let value = Int(text), range.contains(value) else {
            throw UsageError(
                "--\(name) must be a whole number from \(range.lowerBound) to \(range.upperBound)"
                    + "; got \(text)")
        }
        return value
    }
}

/// A mistake on the command line: exit status 64.
struct UsageError: Error {
    var message: String
    init(_ message: String) { self.message = message }
}
