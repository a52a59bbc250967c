/// Checks that one line is a single JSON object (RFC 8259) and finds some of its
/// top-level string members, without building the value.
struct JSONLineScanner {
    private let bytes: [UInt8]
    private var position = 0
    /// Deeper nesting is refused rather than risking the stack.
    private let maximumDepth = 512

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// The ranges of the string values (inside their quotes) of the top-level members
    /// named `keys`, in the order of `keys`; `nil` where a key is missing or not a string.
    mutating func topLevelStrings(_ keys: [String]) throws(KeyedLine.Problem) -> [Range<Int>?] {
        let wanted = keys.map { Array($0.utf8) }
        var found = [Range<Int>?](repeating: nil, count: keys.count)
        skipWhitespace()
        guard peek() == UInt8(ascii: "{") else {
            throw problem(peek() == nil ? "the line is empty" : "the line is not a JSON object")
        }
        position += 1
        skipWhitespace()
        if peek() == UInt8(ascii: "}") {
            position += 1
        } else {
            while true {
                skipWhitespace()
                let key = try string()
                skipWhitespace()
                try expect(UInt8(ascii: ":"))
                skipWhitespace()
                let valueStart = position
                try value(depth: 1)
                if let slot = wanted.firstIndex(where: { bytes[key].elementsEqual($0) }),
                    bytes[valueStart] == UInt8(ascii: "\"")
                {
                    found[slot] = (valueStart + 1)..<(position - 1)
                }
                skipWhitespace()
                if peek() == UInt8(ascii: ",") {
                    position += 1
                    continue
                }
                try expect(UInt8(ascii: "}"))
                break
            }
        }
        skipWhitespace()
        guard position == bytes.count else { throw problem("unexpected text after the object") }
        return found
    }

    private func peek() -> UInt8? {
        position < bytes.count ? bytes[position] : nil
    }

    private func problem(_ message: String) -> KeyedLine.Problem {
        KeyedLine.Problem(
            message: "not JSON: \(message) (column \(position + 1))",
            hint: "each line must be one JSON object, as 'mockcdp generate' writes")
    }

    private mutating func skipWhitespace() {
        while let byte = peek(),
            byte == UInt8(ascii: " ") || byte == 0x0A || byte == 0x0D || byte == 0x09
        {
            position += 1
        }
    }

    private mutating func expect(_ byte: UInt8) throws(KeyedLine.Problem) {
        guard peek() == byte else {
            throw problem("expected '\(Character(Unicode.Scalar(byte)))'")
        }
        position += 1
    }

    private mutating func value(depth: Int) throws(KeyedLine.Problem) {
        guard depth <= maximumDepth else { throw problem("nested too deeply") }
        guard let first = peek() else { throw problem("the line ends inside a value") }
        switch first {
        case UInt8(ascii: "{"):
            position += 1
            skipWhitespace()
            if peek() == UInt8(ascii: "}") {
                position += 1
                return
            }
            while true {
                skipWhitespace()
                _ = try string()
                skipWhitespace()
                try expect(UInt8(ascii: ":"))
                skipWhitespace()
                try value(depth: depth + 1)
                skipWhitespace()
                if peek() == UInt8(ascii: ",") {
                    position += 1
                    continue
                }
                try expect(UInt8(ascii: "}"))
                return
            }
        case UInt8(ascii: "["):
            position += 1
            skipWhitespace()
            if peek() == UInt8(ascii: "]") {
                position += 1
                return
            }
            while true {
                skipWhitespace()
                try value(depth: depth + 1)
                skipWhitespace()
                if peek() == UInt8(ascii: ",") {
                    position += 1
                    continue
                }
                try expect(UInt8(ascii: "]"))
                return
            }
        case UInt8(ascii: "\""):
            _ = try string()
        case UInt8(ascii: "t"): try literal("true")
        case UInt8(ascii: "f"): try literal("false")
        case UInt8(ascii: "n"): try literal("null")
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            try number()
        default:
            throw problem("expected a value")
        }
    }

    /// Reads a string and returns the range of its contents, without the quotes.
    private mutating func string() throws(KeyedLine.Problem) -> Range<Int> {
        try expect(UInt8(ascii: "\""))
        let start = position
        while let byte = peek() {
            switch byte {
            case UInt8(ascii: "\""):
                position += 1
                return start..<(position - 1)
            case UInt8(ascii: "\\"):
                position += 1
                switch peek() {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"),
                    UInt8(ascii: "f"), UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                    position += 1
                case UInt8(ascii: "u"):
                    position += 1
                    for _ in 0..<4 {
                        guard let digit = peek(), digit.isHexDigit else {
                            throw problem("\\u needs four hex digits")
                        }
                        position += 1
                    }
                default:
                    throw problem("invalid escape in a string")
                }
            case 0..<0x20:
                throw problem("a control character inside a string must be escaped")
            default:
                position += 1
            }
        }
        throw problem("the line ends inside a string")
    }

    private mutating func literal(_ word: String) throws(KeyedLine.Problem) {
        for byte in word.utf8 {
            guard peek() == byte else { throw problem("expected '\(word)'") }
            position += 1
        }
    }

    private mutating func number() throws(KeyedLine.Problem) {
        if peek() == UInt8(ascii: "-") { position += 1 }
        guard let first = peek(), first.isDigit else { throw problem("expected a digit") }
        position += 1
        if first != UInt8(ascii: "0") { skipDigits() }
        if peek() == UInt8(ascii: ".") {
            position += 1
            guard peek()?.isDigit == true else { throw problem("expected a digit after '.'") }
            skipDigits()
        }
        if peek() == UInt8(ascii: "e") || peek() == UInt8(ascii: "E") {
            position += 1
            if peek() == UInt8(ascii: "+") || peek() == UInt8(ascii: "-") { position += 1 }
            guard peek()?.isDigit == true else { throw problem("expected an exponent") }
            skipDigits()
        }
    }

    private mutating func skipDigits() {
        while peek()?.isDigit == true { position += 1 }
    }
}

extension UInt8 {
    fileprivate var isDigit: Bool { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(self) }
    fileprivate var isHexDigit: Bool {
        isDigit || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(self)
            || (UInt8(ascii: "A")...UInt8(ascii: "F")).contains(self)
    }
}
