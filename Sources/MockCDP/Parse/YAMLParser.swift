/// Reads YAML text into a tree of `YAMLNode`s that remember where each value was written.
///
/// The parser reads YAML 1.2, the version the YAML specification has described since 2009:
/// `no`, `on` and `NO` are strings, `010` is ten and `1:30` is a string (see
/// `YAMLNode.scalarValue`). Because scenario files are written by hand and reviewed in pull
/// requests, it is stricter than many YAML loaders:
///
/// - a file holds exactly one document; an empty file is an error;
/// - a key written twice in one mapping is an error at the second one (`parseDocument` keeps
///   the first value and hands the error back with the tree);
/// - aliases are expanded and merge keys (`<<`) applied, within `Limits`, so that a file
///   crafted to expand exponentially (a "billion laughs") is refused quickly;
/// - a value that does not fit its explicit tag, or an integer beyond `Int`, is an error.
///
/// Every problem that does not stop the reading is collected, so one run reports them all.
public enum YAMLParser {
    /// Bounds that keep a mistaken or hostile file from exhausting time, memory or the stack.
    public struct Limits: Sendable, Hashable {
        /// The most nodes that aliases may add to a document, counting the nodes inside
        /// every copy, including copies made by aliases inside anchored nodes.
        public var aliasExpansion: Int
        /// The deepest nesting of mappings and lists, counting those that aliases bring in.
        public var nestingDepth: Int

        public init(aliasExpansion: Int = 1_000_000, nestingDepth: Int = 1_000) {
            self.aliasExpansion = aliasExpansion
            self.nestingDepth = nestingDepth
        }

        /// Far above anything a scenario needs, far below what would hurt.
        public static let standard = Limits()
    }

    /// Parses the single YAML document in `text`, refusing it if a key is written twice.
    ///
    /// A byte-order mark at the start is dropped; lines and columns count from the first
    /// character after it, and columns count characters, so a caret lines up under
    /// non-ASCII text.
    ///
    /// - Parameters:
    ///   - text: The YAML source.
    ///   - file: The path to put in locations and messages.
    ///   - limits: Bounds on alias expansion and nesting.
    /// - Returns: The root node of the document, with aliases expanded and merge keys applied.
    /// - Throws: `DiagnosticError` with every problem found: syntax errors (which end the
    ///   reading), duplicate keys, undefined aliases, values that do not fit their tags, an
    ///   empty file or a second document.
    public static func parse(
        _ text: String, file: String, limits: Limits = .standard
    ) throws(DiagnosticError) -> YAMLNode {
        let document = try parseDocument(text, file: file, limits: limits)
        guard document.duplicateKeys.isEmpty else {
            throw DiagnosticError(document.duplicateKeys)
        }
        return document.root
    }

    /// Parses the single YAML document in `text`, handing back duplicate keys rather than
    /// throwing them, so that a caller can go on checking the document and report its other
    /// mistakes in the same run.
    ///
    /// Positions count as for `parse(_:file:limits:)`.
    ///
    /// - Returns: The document, whose mappings keep the first value of a key written twice.
    /// - Throws: `DiagnosticError` when any other problem is found, with every problem found
    ///   (duplicate keys included), as `parse(_:file:limits:)` does.
    public static func parseDocument(
        _ text: String, file: String, limits: Limits = .standard
    ) throws(DiagnosticError) -> YAMLDocument {
        let source = withoutByteOrderMark(text)
        var positions = SourcePositions(text: source, file: file)
        let reader = YAMLEventReader(text: source)
        var composer = YAMLComposer(file: file, limits: limits)

        while true {
            let event: YAMLEvent
            do throws(YAMLSyntaxFailure) {
                event = try reader.next()
            } catch {
                throw composer.stop(error.diagnostic(in: positions))
            }
            try composer.consume(event.kind, at: positions.location(of: .scalars(event.offset)))
            if case .streamEnd = event.kind {
                return try composer.finish()
            }
        }
    }

    /// The text without a leading byte-order mark, which editors do not show and which would
    /// otherwise shift every column of the first line.
    static func withoutByteOrderMark(_ text: String) -> String {
        guard text.unicodeScalars.first == "\u{FEFF}" else { return text }
        return String(text.unicodeScalars.dropFirst())
    }
}

/// A parsed YAML document with the problems that leave its meaning clear enough to check.
public struct YAMLDocument: Sendable {
    /// The root node, with aliases expanded and merge keys applied.
    public var root: YAMLNode
    /// An error for each key written twice in one mapping, at the second occurrence, in
    /// source order. The mapping keeps the first value, the one the error says is already
    /// set, and drops the second unread.
    public var duplicateKeys: [Diagnostic]
}
