import Foundation

extension YAMLParser {
    /// Reads and parses the YAML file at `path`.
    ///
    /// To quote source lines in diagnostics, read the text with `readSource(atPath:)`, give it
    /// to `DiagnosticRenderer`, and parse it with `parse(_:file:limits:)` instead.
    ///
    /// - Throws: `DiagnosticError`, with `isMissingInput` set when the file cannot be read.
    public static func parseFile(
        atPath path: String, limits: Limits = .standard
    ) throws(DiagnosticError) -> YAMLNode {
        try parse(readSource(atPath: path), file: path, limits: limits)
    }

    /// Reads the text of a YAML file: it must be UTF-8, and a byte-order mark is dropped.
    ///
    /// - Throws: `DiagnosticError` with `isMissingInput` set when the file cannot be read (as
    ///   `cannot read 'shop.yaml': no such file`), or pointing at the first byte that is not
    ///   UTF-8.
    public static func readSource(atPath path: String) throws(DiagnosticError) -> String {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw DiagnosticError(
                .error(at: nil, "cannot read '\(path)': \(reasonUnreadable(path))"),
                isMissingInput: true)
        }
        return try decodeSource([UInt8](data), file: path)
    }

    /// The file's bytes as text, refusing anything that is not UTF-8 with the place where
    /// decoding failed, so that a stray Latin-1 byte is not silently turned into "�".
    static func decodeSource(_ bytes: [UInt8], file: String) throws(DiagnosticError) -> String {
        let utf16Marks: [[UInt8]] = [[0xFE, 0xFF], [0xFF, 0xFE], [0x00, 0x00, 0xFE, 0xFF]]
        if utf16Marks.contains(where: bytes.starts(with:)) {
            throw DiagnosticError(
                .error(
                    at: SourceLocation(file: file, line: 1, column: 1),
                    "the file is encoded as UTF-16 or UTF-32", hint: "save it as UTF-8"))
        }

        var parser = Unicode.UTF8.ForwardParser()
        var iterator = bytes.makeIterator()
        var offset = 0
        decoding: while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid(let scalar):
                offset += scalar.count
            case .error:
                throw DiagnosticError(invalidUTF8(bytes, at: offset, file: file))
            case .emptyInput:
                break decoding
            }
        }
        return withoutByteOrderMark(String(decoding: bytes, as: UTF8.self))
    }

    private static func invalidUTF8(_ bytes: [UInt8], at offset: Int, file: String) -> Diagnostic {
        let newline = UInt8(ascii: "\n")
        let before = bytes[..<offset]
        let lineStart = before.lastIndex(of: newline).map { $0 + 1 } ?? 0
        let line = before.reduce(1) { $1 == newline ? $0 + 1 : $0 }
        var column = String(decoding: bytes[lineStart..<offset], as: UTF8.self).count + 1
        if line == 1, bytes.starts(with: [0xEF, 0xBB, 0xBF]) {
            column -= 1
        }
        let byte = "0x" + String(bytes[offset], radix: 16, uppercase: true)
        return .error(
            at: SourceLocation(file: file, line: line, column: column),
            "the file is not valid UTF-8 (unexpected byte \(byte))",
            hint: "save the file as UTF-8; text from older tools is often Latin-1 or Windows-1252")
    }

    /// Why a file could not be read, in the words a shell would use.
    static func reasonUnreadable(_ path: String) -> String {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            return "no such file"
        }
        if isDirectory.boolValue {
            return "it is a directory"
        }
        if !FileManager.default.isReadableFile(atPath: path) {
            return "permission denied"
        }
        return "the file could not be read"
    }
}
