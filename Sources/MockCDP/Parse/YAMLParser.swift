/// Reads YAML text into a tree of `YAMLNode`s that remember where each value was written.
///
/// The parser reads YAML 1.2, the version the YAML specification has described since 2009:
/// `no`, `on` and `NO` are strings, `010` is ten and `1:30` is a string (see
/// `YAMLNode.scalarValue`). Because scenario files are written by hand and reviewed in pull
/// requests, it is stricter than many YAML loaders:
///
/// - a file holds exactly one document; an empty file is an error;
/// - a key written twice in one mapping is an error at the second one;
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

    /// Parses the single YAML document in `text`.
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
