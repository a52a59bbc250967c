/// A syntax error as libyaml reports it, kept raw until it can be reworded with the source
/// text at hand.
struct YAMLSyntaxFailure: Error {
    /// libyaml's description, such as "did not find expected key".
    var problem: String
    /// What libyaml was doing, such as "while parsing a block mapping".
    var context: String?
    var position: SourcePositions.Offset
    /// Where the construct that failed began: the opening quote, bracket or first key.
    var contextPosition: SourcePositions.Offset?
    /// The offending character, for problems found while decoding the text.
    var value: Int?

    /// The failure as a diagnostic in the voice of the rest of the tool: lowercase, no final
    /// period, and a hint that says what to change.
    func diagnostic(in source: SourcePositions) -> Diagnostic {
        var source = source
        let location = source.location(of: position)
        let start = contextPosition.map { source.location(of: $0) }
        var character: Unicode.Scalar?
        if case .scalars(let offset) = position {
            character = source.scalar(at: offset)
            // Whatever libyaml calls it, a tab in the indentation is the cause.
            if character == "\t", source.isIndentation(at: offset) {
                return .error(
                    at: location, "tabs are not allowed for indentation; use spaces",
                    hint: "YAML indents with spaces only; set your editor to insert spaces")
            }
        }

        if let unquoted = unquotedReference(in: &source) {
            return unquoted
        }

        switch problem {
        case "found character that cannot start any token":
            return unexpectedCharacter(character, at: location)
        case "found a tab character that violates indentation",
            "found a tab character where an indentation space is expected":
            return .error(at: location, "tabs are not allowed for indentation; use spaces")
        case "mapping values are not allowed in this context":
            return .error(
                at: location, "unexpected ':' inside a value",
                hint: """
                    put text that contains ': ' in quotes, as in title: "Sale: 50% off"; \
                    if this is a key, line it up with the keys around it
                    """)
        case "could not find expected ':'":
            return .error(
                at: start ?? location, "expected ':' after this key",
                hint: "write each entry of a mapping as 'key: value'")
        case "did not find expected key":
            return unexpectedInMapping(character, at: location, mappingStart: start)
        case "did not find expected '-' indicator":
            return .error(
                at: location, "expected a list item ('- ') here",
                hint: alignmentHint("items of the list", start: start))
        case "did not find expected ',' or ']'":
            return .error(
                at: location, "expected ',' or ']' in this list",
                hint: closingHint("[", "]", start: start))
        case "did not find expected ',' or '}'":
            return .error(
                at: location, "expected ',' or '}' in this mapping",
                hint: closingHint("{", "}", start: start))
        case "found unexpected end of stream" where context == "while scanning a quoted scalar":
            return .error(
                at: start ?? location, "this quoted text is never closed",
                hint: "add the closing \(openingQuote(in: source))")
        case "found unknown escape character":
            return .error(
                at: location, "unknown escape sequence in double-quoted text",
                hint: #"write '\\' for a backslash, or use single quotes, where '\' is plain text"#)
        case "did not find expected node content":
            return .error(
                at: location, "expected a value here",
                hint: "put text that starts with a special character in quotes")
        case "block sequence entries are not allowed in this context":
            return .error(
                at: location, "a list item ('- ') cannot start here",
                hint: "start the list on a new line, indented under its key")
        case "found unexpected ':'":
            return .error(
                at: location, "unexpected ':' inside a flow collection",
                hint: "put text that contains ':' in quotes")
        case "found undefined tag handle":
            return .error(
                at: location, "unknown tag handle",
                hint: "use a standard tag such as '!!str' or a local tag such as '!name'")
        case "control characters are not allowed":
            return .error(
                at: location, "control character \(codePoint) is not allowed in YAML",
                hint: "remove it; in double-quoted text it can be written as an escape")
        case "found incompatible YAML document":
            return .error(
                at: location, "unsupported YAML version",
                hint: "write '%YAML 1.2' or remove the '%YAML' line")
        case "did not find expected <document start>":
            return .error(
                at: location, "unexpected text after the end of the document",
                hint: "remove the '...' line that ends the document early")
        case "found unexpected document indicator":
            return .error(
                at: location, "a line starting with '---' or '...' ends the document here",
                hint: "indent the line, or close the quoted text before it")
        case "out of memory":
            return .error(at: nil, "out of memory while reading YAML")
        default:
            return .error(at: location, readable(problem))
        }
    }

    /// A parameter reference such as `${n}` written without quotes inside `{ }` or `[ ]`.
    ///
    /// There `{` and `}` are punctuation, so libyaml ends the plain value at the `$` and then
    /// finds a mapping where it expects a ',': its error is at the `{` of `${`, and its words
    /// are about brackets. Other errors keep their own message.
    private func unquotedReference(in source: inout SourcePositions) -> Diagnostic? {
        guard case .scalars(let offset) = position, offset > 0,
            source.scalar(at: offset) == "{", source.scalar(at: offset - 1) == "$",
            let context, context.hasPrefix("while parsing a flow"),
            let written = UnquotedValue(around: offset - 1, in: source)
        else { return nil }
        let isList = context.hasSuffix("sequence")
        let quoted =
            written.value.contains(where: { $0 == "\"" || $0 == "\\" })
            ? written.reference : written.value
        let collection = isList ? "a '[ ]' list" : "a '{ }' mapping"
        let kept =
            written.value == written.reference
            ? "quoted, \"\(quoted)\" still takes the parameter's value and kind"
            : "quoted, the reference is still replaced by the parameter's value"
        return .error(
            at: source.location(of: .scalars(offset - 1)),
            "a parameter reference inside \(collection) needs quotes: write \"\(quoted)\"",
            hint: "without quotes, the '{' of '${' starts a new mapping; \(kept)")
    }

    private func unexpectedCharacter(
        _ character: Unicode.Scalar?, at location: SourceLocation
    ) -> Diagnostic {
        guard let character else {
            return .error(at: location, readable(problem))
        }
        switch character {
        case "\t":
            return .error(
                at: location, "a tab cannot separate values here; use spaces")
        case "@", "`":
            return .error(
                at: location, "'\(character)' is reserved and cannot start a plain value",
                hint: "put the value in quotes, as in \"\(character)...\"")
        default:
            return .error(
                at: location, "'\(character)' cannot start a value here",
                hint: "put the value in quotes")
        }
    }

    private func unexpectedInMapping(
        _ character: Unicode.Scalar?, at location: SourceLocation, mappingStart: SourceLocation?
    ) -> Diagnostic {
        if character == "-" {
            return .error(
                at: location, "a list item cannot appear here, among the keys of a mapping",
                hint: "put the list under a key and indent it, as in 'items:' then '  - value'")
        }
        return .error(
            at: location, "expected a key of the mapping here",
            hint: alignmentHint("keys of the mapping", start: mappingStart))
    }

    private func alignmentHint(_ what: String, start: SourceLocation?) -> String {
        guard let start else { return "check the indentation of this line" }
        return """
            \(what) that starts on line \(start.line) line up at column \(start.column); \
            check the indentation
            """
    }

    private func closingHint(_ open: String, _ close: String, start: SourceLocation?) -> String {
        guard let start else { return "close it with '\(close)'" }
        return """
            the '\(open)' on line \(start.line), column \(start.column) needs a matching \
            '\(close)'; separate items with ','
            """
    }

    private func openingQuote(in source: SourcePositions) -> String {
        if case .scalars(let offset)? = contextPosition, let quote = source.scalar(at: offset) {
            return String(quote)
        }
        return "quote"
    }

    private var codePoint: String {
        guard let value else { return "" }
        let hex = String(value, radix: 16, uppercase: true)
        return "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
    }

    /// libyaml's own words, cut to the house style, for the problems with no better wording.
    private func readable(_ text: String) -> String {
        var message = text
        while message.hasSuffix(".") {
            message.removeLast()
        }
        if let first = message.first, first.isUppercase {
            message = first.lowercased() + message.dropFirst()
        }
        if let context {
            message += " (\(context))"
        }
        return message
    }
}

/// The plain value around a `${` that libyaml cut short, read from the source line, so that
/// a message can show it quoted: `x${n}%` in `{ rate: x${n}% }`.
private struct UnquotedValue {
    /// From the `$` to the first `}` after it, as `${n}`.
    var reference: String
    /// The whole value as written, the reference included.
    var value: String

    /// The most characters read either way, so that a minified line costs little.
    private static let limit = 200

    /// `nil` when the line has no `}` to close the reference: quotes would not mend that.
    init?(around dollar: Int, in source: SourcePositions) {
        // A plain value inside a flow collection ends at punctuation, at ': ' and at the end
        // of the line.
        func ends(at offset: Int) -> Bool {
            guard offset >= 0, let scalar = source.scalar(at: offset) else { return true }
            if ",[]{}\r\n".unicodeScalars.contains(scalar) { return true }
            guard scalar == ":" else { return false }
            return source.scalar(at: offset + 1).map { " \t\r\n".unicodeScalars.contains($0) }
                ?? true
        }

        var referenceScalars: [Unicode.Scalar] = ["$", "{"]
        var next = dollar + 2
        while next - dollar < Self.limit, let scalar = source.scalar(at: next), scalar != "\n" {
            referenceScalars.append(scalar)
            next += 1
            if scalar == "}" { break }
        }
        guard referenceScalars.last == "}" else { return nil }
        reference = String(String.UnicodeScalarView(referenceScalars))

        var start = dollar
        while dollar - start < Self.limit, !ends(at: start - 1) {
            start -= 1
        }
        var end = next
        while end - next < Self.limit, !ends(at: end) {
            end += 1
        }
        let isBlank = { (scalar: Unicode.Scalar) in scalar == " " || scalar == "\t" }
        let before = (start..<dollar).compactMap { source.scalar(at: $0) }.drop(while: isBlank)
        let after = (next..<end).compactMap { source.scalar(at: $0) }
            .reversed().drop(while: isBlank).reversed()
        value =
            String(String.UnicodeScalarView(before)) + reference
            + String(String.UnicodeScalarView(after))
    }
}
