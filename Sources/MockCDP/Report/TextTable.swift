/// A table for a terminal: columns padded to their widest cell, numbers aligned right.
public struct TextTable: Sendable {
    public enum Alignment: Sendable {
        case left
        case right
    }

    private let headers: [String]
    private let alignments: [Alignment]
    private var rows: [[String]] = []

    public init(_ columns: [(header: String, alignment: Alignment)]) {
        headers = columns.map(\.header)
        alignments = columns.map(\.alignment)
    }

    public mutating func add(_ row: [String]) {
        rows.append(row)
    }

    /// The table as lines: a header, a rule of dashes, then the rows.
    public func render() -> String {
        var widths = headers.map(\.count)
        for row in rows {
            for (column, cell) in row.enumerated() where column < widths.count {
                widths[column] = max(widths[column], cell.count)
            }
        }
        func line(_ cells: [String]) -> String {
            var parts: [String] = []
            for (column, width) in widths.enumerated() {
                let cell = column < cells.count ? cells[column] : ""
                let padding = String(repeating: " ", count: width - cell.count)
                parts.append(alignments[column] == .left ? cell + padding : padding + cell)
            }
            var text = parts.joined(separator: "  ")
            while text.last == " " { text.removeLast() }
            return text + "\n"
        }
        return line(headers) + line(widths.map { String(repeating: "-", count: $0) })
            + rows.map(line).joined()
    }
}
