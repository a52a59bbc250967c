/// Turns offsets into a source text into the lines and columns that people see.
///
/// libyaml counts positions in Unicode scalars; a terminal shows characters, and an
/// accented letter written as a letter plus a combining mark is two scalars but one
/// character. Columns here count `Character`s on lines split at `"\n"`, the same way
/// `DiagnosticRenderer` cuts the source, so that the caret lands under the right text.
struct SourcePositions {
    /// Where something is in the text: libyaml gives scalar offsets for its marks but byte
    /// offsets for the problems its UTF-8 reader finds.
    enum Offset: Hashable {
        case scalars(Int)
        case utf8(Int)
    }

    /// A place on a line, on a character boundary, with its column.
    private struct Cursor {
        var line: Int
        var scalarOffset: Int
        var index: String.Index
        var column: Int
    }

    let file: String
    private let text: String
    private var lineStartScalars: [Int] = [0]
    private var lineStartBytes: [Int] = [0]
    private var lineStartIndices: [String.Index]
    /// Lines holding only ASCII take the fast path: one byte, one scalar, one column.
    private var lineIsASCII: [Bool] = []
    private var cursor: Cursor?

    init(text: String, file: String) {
        self.text = text
        self.file = file
        lineStartIndices = [text.startIndex]

        let utf8 = text.utf8
        var index = utf8.startIndex
        var scalars = 0
        var bytes = 0
        var ascii = true
        while index != utf8.endIndex {
            let byte = utf8[index]
            utf8.formIndex(after: &index)
            bytes += 1
            if byte & 0xC0 != 0x80 {
                scalars += 1
            }
            if byte >= 0x80 {
                ascii = false
            }
            if byte == UInt8(ascii: "\n") {
                lineIsASCII.append(ascii)
                lineStartScalars.append(scalars)
                lineStartBytes.append(bytes)
                lineStartIndices.append(index)
                ascii = true
            }
        }
        lineIsASCII.append(ascii)
    }

    /// The 1-based line and column of an offset; offsets past the end land on the last line.
    ///
    /// Offsets usually come in increasing order, so the place reached last is remembered and
    /// counting goes on from there: a long line (minified JSON is valid YAML) costs one pass,
    /// not one pass per value on it.
    mutating func location(of offset: Offset) -> SourceLocation {
        switch offset {
        case .scalars(let value):
            let line = lineContaining(value, starts: lineStartScalars)
            guard !lineIsASCII[line] else {
                return located(line: line, column: value - lineStartScalars[line] + 1)
            }
            var start = lineStart(line)
            if let cursor, cursor.line == line, cursor.scalarOffset <= value {
                start = cursor
            }
            let view = text.unicodeScalars
            let target =
                view.index(
                    start.index, offsetBy: value - start.scalarOffset, limitedBy: view.endIndex)
                ?? view.endIndex
            let reached = advance(start, to: target)
            cursor = reached
            return located(line: line, column: reached.column)
        case .utf8(let value):
            let line = lineContaining(value, starts: lineStartBytes)
            let within = value - lineStartBytes[line]
            guard !lineIsASCII[line] else {
                return located(line: line, column: within + 1)
            }
            let view = text.utf8
            let start = lineStart(line)
            let target =
                view.index(start.index, offsetBy: within, limitedBy: view.endIndex) ?? view.endIndex
            return located(line: line, column: advance(start, to: target).column)
        }
    }

    /// The Unicode scalar at a scalar offset, or `nil` at the end of the text.
    func scalar(at offset: Int) -> Unicode.Scalar? {
        let index = scalarIndex(offset).index
        return index < text.endIndex ? text.unicodeScalars[index] : nil
    }

    /// Whether only spaces and tabs come before a scalar offset on its line, which makes
    /// whatever sits there part of the line's indentation.
    func isIndentation(at offset: Int) -> Bool {
        let (line, index) = scalarIndex(offset)
        return text.unicodeScalars[lineStartIndices[line]..<index].allSatisfy {
            $0 == " " || $0 == "\t"
        }
    }

    private func scalarIndex(_ offset: Int) -> (line: Int, index: String.Index) {
        let line = lineContaining(offset, starts: lineStartScalars)
        let view = text.unicodeScalars
        let index = view.index(
            lineStartIndices[line], offsetBy: offset - lineStartScalars[line],
            limitedBy: view.endIndex)
        return (line, index ?? view.endIndex)
    }

    private func lineContaining(_ offset: Int, starts: [Int]) -> Int {
        var low = 0
        var high = starts.count - 1
        while low < high {
            let middle = (low + high + 1) / 2
            if starts[middle] <= offset {
                low = middle
            } else {
                high = middle - 1
            }
        }
        return low
    }

    private func lineStart(_ line: Int) -> Cursor {
        Cursor(
            line: line, scalarOffset: lineStartScalars[line], index: lineStartIndices[line],
            column: 1)
    }

    /// Walks whole characters from `start` toward `target`, stopping at the character that
    /// holds it, so the cursor stays on a character boundary even when `target` is a
    /// combining mark.
    private func advance(_ start: Cursor, to target: String.Index) -> Cursor {
        var cursor = start
        while cursor.index < target {
            let next = text.index(after: cursor.index)
            guard next <= target else { break }
            cursor.scalarOffset += text.unicodeScalars.distance(from: cursor.index, to: next)
            cursor.index = next
            cursor.column += 1
        }
        return cursor
    }

    private func located(line: Int, column: Int) -> SourceLocation {
        SourceLocation(file: file, line: line + 1, column: column)
    }
}
