extension YAMLNode {
    /// The value of a scalar as the YAML 1.2 core schema reads it; `nil` for mappings and
    /// lists.
    ///
    /// A plain (unquoted) scalar reads as the first of these that matches:
    ///
    /// - `.null`: `~`, `null`, `Null`, `NULL`, or nothing at all;
    /// - `.bool`: `true`, `True`, `TRUE`, `false`, `False`, `FALSE`;
    /// - `.int`: `[-+]?[0-9]+` in decimal, `0o[0-7]+` in octal, `0x[0-9a-fA-F]+` in hex;
    /// - `.float`: `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`, such as `1.5`, `.5`,
    ///   `1.` or `1e3`, and `.inf`, `-.Inf`, `.nan` in the three spellings of each;
    /// - `.string`: anything else.
    ///
    /// This is YAML 1.2, not the YAML 1.1 that many older tools follow: `yes`, `no`, `on`,
    /// `off`, `y` and `NO` are strings, `010` is ten (not eight), and `1:30` is a string (not
    /// ninety). Quoted and block scalars are always strings. The tags `!!str`, `!!int`,
    /// `!!float`, `!!bool` and `!!null` force a type and `!` forces a string; the parser
    /// rejects a tagged value that does not fit its tag and an integer beyond `Int`, so on a
    /// parsed node this never fails. On a node built by hand, a value that does not fit reads
    /// as its text.
    public var scalarValue: YAMLScalar? {
        guard case .scalar(let text, let style) = content else { return nil }
        return (try? YAMLCoreSchema.resolve(text, style: style, tag: tag).get()) ?? .string(text)
    }
}

/// The rules of the YAML 1.2 core schema, shared by the parser (which reports values that do
/// not fit) and by `YAMLNode.scalarValue`.
enum YAMLCoreSchema {
    /// Why a scalar cannot have the type it claims.
    struct Problem: Error {
        var message: String
        var hint: String?
    }

    /// How a number reads: as a value, as a number too large for its type, or not at all.
    enum NumberReading<Value> {
        case value(Value)
        case outOfRange
        case notANumber
    }

    /// Tags that only make sense on a scalar.
    static let scalarTags: Set<String> = ["!!str", "!!int", "!!float", "!!bool", "!!null"]

    static func resolve(
        _ text: String, style: YAMLNode.ScalarStyle, tag: String?
    ) -> Result<YAMLScalar, Problem> {
        guard let tag else {
            return style == .plain ? implicit(text) : .success(.string(text))
        }
        switch tag {
        case "!", "!!str":
            return .success(.string(text))
        case "!!null":
            return isNull(text) ? .success(.null) : .failure(mismatch(text, tag: tag))
        case "!!bool":
            return bool(text).map { .success(.bool($0)) } ?? .failure(mismatch(text, tag: tag))
        case "!!int":
            switch integer(text) {
            case .value(let value): return .success(.int(value))
            case .outOfRange: return .failure(tooLarge(text, integer: true))
            case .notANumber: return .failure(mismatch(text, tag: tag))
            }
        case "!!float":
            // A whole number is a valid float in the core schema: `!!float 3` is 3.0.
            switch floatingPoint(text) {
            case .value(let value): return .success(.float(value))
            case .outOfRange: return .failure(tooLarge(text, integer: false))
            case .notANumber: return .failure(mismatch(text, tag: tag))
            }
        case "!!map", "!!seq":
            let kind = tag == "!!map" ? "a mapping" : "a list"
            return .failure(
                Problem(
                    message: "'\(tag)' marks \(kind), but this is a scalar", hint: "remove the tag")
            )
        default:
            // Other tags belong to the application (the checker reads them); the value
            // itself is read as if untagged.
            return style == .plain ? implicit(text) : .success(.string(text))
        }
    }

    /// The problem with a core scalar tag, or with `!!map` and `!!seq`, on a collection.
    static func collectionTagProblem(_ tag: String?, isMapping: Bool) -> Problem? {
        guard let tag else { return nil }
        let kind = isMapping ? "a mapping" : "a list"
        if scalarTags.contains(tag) || tag == (isMapping ? "!!seq" : "!!map") {
            return Problem(
                message: "'\(tag)' cannot be applied to \(kind)", hint: "remove the tag")
        }
        return nil
    }

    private static func implicit(_ text: String) -> Result<YAMLScalar, Problem> {
        if isNull(text) {
            return .success(.null)
        }
        if let value = bool(text) {
            return .success(.bool(value))
        }
        switch integer(text) {
        case .value(let value): return .success(.int(value))
        case .outOfRange: return .failure(tooLarge(text, integer: true))
        case .notANumber: break
        }
        switch floatingPoint(text) {
        case .value(let value): return .success(.float(value))
        case .outOfRange: return .failure(tooLarge(text, integer: false))
        case .notANumber: return .success(.string(text))
        }
    }

    static func isNull(_ text: String) -> Bool {
        ["", "~", "null", "Null", "NULL"].contains(text)
    }

    static func bool(_ text: String) -> Bool? {
        switch text {
        case "true", "True", "TRUE": true
        case "false", "False", "FALSE": false
        default: nil
        }
    }

    static func integer(_ text: String) -> NumberReading<Int> {
        let radix: Int
        let digits: Substring
        if text.hasPrefix("0o") {
            radix = 8
            digits = text.dropFirst(2)
            guard !digits.isEmpty, digits.utf8.allSatisfy(isOctalDigit) else { return .notANumber }
        } else if text.hasPrefix("0x") {
            radix = 16
            digits = text.dropFirst(2)
            guard !digits.isEmpty, digits.utf8.allSatisfy(isHexDigit) else { return .notANumber }
        } else {
            radix = 10
            digits = text[...]
            let unsigned = digits.utf8.first.map(isSign) == true ? digits.dropFirst() : digits
            guard !unsigned.isEmpty, unsigned.utf8.allSatisfy(isDigit) else { return .notANumber }
        }
        return Int(digits, radix: radix).map { .value($0) } ?? .outOfRange
    }

    static func floatingPoint(_ text: String) -> NumberReading<Double> {
        switch text {
        case ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF":
            return .value(.infinity)
        case "-.inf", "-.Inf", "-.INF":
            return .value(-.infinity)
        case ".nan", ".NaN", ".NAN":
            return .value(.nan)
        default:
            guard hasFloatSyntax(text), let value = Double(text) else { return .notANumber }
            return value.isFinite ? .value(value) : .outOfRange
        }
    }

    /// `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`, checked byte by byte because
    /// `Double.init` also accepts `inf`, `nan` and hexadecimal forms that YAML reads as text.
    private static func hasFloatSyntax(_ text: String) -> Bool {
        var rest = text.utf8[...]
        if let first = rest.first, isSign(first) {
            rest = rest.dropFirst()
        }
        let integerDigits = rest.prefix(while: isDigit).count
        rest = rest.dropFirst(integerDigits)
        var fractionDigits = 0
        if rest.first == UInt8(ascii: ".") {
            rest = rest.dropFirst()
            fractionDigits = rest.prefix(while: isDigit).count
            rest = rest.dropFirst(fractionDigits)
        }
        guard integerDigits > 0 || fractionDigits > 0 else { return false }
        if rest.first == UInt8(ascii: "e") || rest.first == UInt8(ascii: "E") {
            rest = rest.dropFirst()
            if let sign = rest.first, isSign(sign) {
                rest = rest.dropFirst()
            }
            let exponentDigits = rest.prefix(while: isDigit).count
            guard exponentDigits > 0 else { return false }
            rest = rest.dropFirst(exponentDigits)
        }
        return rest.isEmpty
    }

    private static func mismatch(_ text: String, tag: String) -> Problem {
        let (expected, example) =
            switch tag {
            case "!!null": ("null", "~ or null")
            case "!!bool": ("a boolean", "true or false")
            case "!!int": ("an integer", "a whole number such as 42")
            default: ("a number", "a number such as 1.5")
            }
        return Problem(
            message: "'\(text)' is not \(expected), but it is tagged '\(tag)'",
            hint: "write \(example), or remove the tag")
    }

    private static func tooLarge(_ text: String, integer: Bool) -> Problem {
        let range = integer ? "whole numbers must lie between \(Int.min) and \(Int.max); " : ""
        return Problem(
            message: "the number \(text) is too large",
            hint: "\(range)put the value in quotes to keep it as text")
    }

    private static func isSign(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "+") || byte == UInt8(ascii: "-")
    }

    private static func isDigit(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }

    private static func isOctalDigit(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "7")).contains(byte)
    }

    private static func isHexDigit(_ byte: UInt8) -> Bool {
        isDigit(byte) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte | 0x20)
    }
}
