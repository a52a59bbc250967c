/// Builds the node tree of one YAML document from parser events.
///
/// This is where YAML's sharing features turn into plain data: an alias is replaced by the
/// node its anchor names, merge keys (`<<`) are folded into their mapping, and a key written
/// twice is reported. Problems that leave the rest of the file readable are collected so the
/// user sees them all in one run; problems that stop the reading (a limit, a second document)
/// are thrown together with everything collected before them. Duplicate keys are kept apart:
/// the mapping keeps the first value, so the tree still means what the author wrote and can
/// be checked further.
struct YAMLComposer {
    /// A finished node with what the limits need to know about it, computed once, so that an
    /// alias can be priced without walking the node it copies.
    private struct Built {
        var node: YAMLNode
        /// The number of nodes in the node's tree, counting every node that aliases in it add.
        var size: Int
        /// How many levels of mappings and lists the node holds; 0 for a scalar.
        var height: Int
    }

    /// A mapping or list whose end event has not arrived yet.
    private struct Frame {
        enum Kind {
            case sequence
            case mapping
        }

        let kind: Kind
        let location: SourceLocation
        let tag: String?
        let anchor: String?
        var items: [YAMLNode] = []
        var pairs: [YAMLPair] = []
        /// A key waiting for its value; mapping events alternate between the two.
        var pendingKey: YAMLNode?
        /// Set when the pending key repeats an earlier one, so that its value is dropped.
        var dropsPendingValue = false
        var firstKeyLocations: [String: SourceLocation] = [:]
        var hasMergeKey = false
        var size = 1
        var height = 0
    }

    private let file: String
    private let limits: YAMLParser.Limits
    private var diagnostics: [Diagnostic] = []
    private var duplicateKeys: [Diagnostic] = []
    private var stack: [Frame] = []
    private var anchors: [String: Built] = [:]
    /// Anchors on collections still being built, to tell a self-reference from a typo.
    private var openAnchors: [String: Int] = [:]
    /// Nodes added by expanding aliases so far, held under `limits.aliasExpansion`.
    private var expandedNodes = 0
    private var documents = 0
    private var root: Built?

    init(file: String, limits: YAMLParser.Limits) {
        self.file = file
        self.limits = limits
    }

    /// Takes the next event of the stream.
    ///
    /// - Throws: The problems found so far, when the file cannot be read any further.
    mutating func consume(
        _ event: YAMLEvent.Kind, at location: SourceLocation
    ) throws(DiagnosticError) {
        switch event {
        case .streamStart, .streamEnd, .documentEnd:
            break
        case .documentStart(let isExplicit):
            documents += 1
            if documents > 1 {
                throw stop(
                    .error(
                        at: location, "a second YAML document starts here; a file holds one",
                        hint: isExplicit
                            ? "remove this '---' line, or move what follows to a file of its own"
                            : "remove the '...' line above, or move what follows to its own file"))
            }
        case .scalar(let text, let style, let anchor, let tag):
            let node = YAMLNode(.scalar(text, style: style), at: location, tag: tag)
            if case .failure(let problem) = YAMLCoreSchema.resolve(text, style: style, tag: tag) {
                diagnostics.append(.error(at: location, problem.message, hint: problem.hint))
            }
            add(Built(node: node, size: 1, height: 0), anchor: anchor)
        case .sequenceStart(let anchor, let tag):
            try open(.sequence, at: location, anchor: anchor, tag: tag)
        case .mappingStart(let anchor, let tag):
            try open(.mapping, at: location, anchor: anchor, tag: tag)
        case .sequenceEnd, .mappingEnd:
            close()
        case .alias(let name):
            try expand(name, at: location)
        }
    }

    /// The document once the stream has ended, with its duplicate keys.
    ///
    /// - Throws: Every problem collected, when any is not a duplicate key, or an error for a
    ///   file with no content.
    func finish() throws(DiagnosticError) -> YAMLDocument {
        guard let root, !Self.isEmptyDocument(root.node) else {
            let start = SourceLocation(file: file, line: 1, column: 1)
            throw stop(.error(at: start, "the file is empty"))
        }
        guard diagnostics.isEmpty else {
            throw DiagnosticError(Self.inSourceOrder(diagnostics + duplicateKeys))
        }
        return YAMLDocument(root: root.node, duplicateKeys: duplicateKeys)
    }

    private mutating func open(
        _ kind: Frame.Kind, at location: SourceLocation, anchor: String?, tag: String?
    ) throws(DiagnosticError) {
        guard stack.count < limits.nestingDepth else {
            throw stop(tooDeep(at: location))
        }
        if let problem = YAMLCoreSchema.collectionTagProblem(tag, isMapping: kind == .mapping) {
            diagnostics.append(.error(at: location, problem.message, hint: problem.hint))
        }
        if let anchor {
            openAnchors[anchor, default: 0] += 1
        }
        stack.append(Frame(kind: kind, location: location, tag: tag, anchor: anchor))
    }

    private mutating func close() {
        guard let frame = stack.popLast() else { return }
        let content: YAMLNode.Content
        switch frame.kind {
        case .sequence:
            content = .sequence(frame.items)
        case .mapping:
            content = .mapping(frame.hasMergeKey ? merged(frame.pairs) : frame.pairs)
        }
        if let anchor = frame.anchor {
            openAnchors[anchor, default: 1] -= 1
        }
        let node = YAMLNode(content, at: frame.location, tag: frame.tag)
        add(Built(node: node, size: frame.size, height: frame.height + 1), anchor: frame.anchor)
    }

    private mutating func expand(
        _ name: String, at location: SourceLocation
    ) throws(DiagnosticError) {
        guard let anchored = anchors[name] else {
            if openAnchors[name, default: 0] > 0 {
                diagnostics.append(
                    .error(
                        at: location, "alias '\(name)' refers to the node that contains it",
                        hint: "an alias can only repeat a node that ends before the alias"))
            } else {
                diagnostics.append(
                    .error(
                        at: location, "undefined alias '\(name)'",
                        hint: "define the anchor with '&\(name)' on an earlier node; "
                            + "aliases refer back only"))
            }
            // A stand-in keeps the mapping or list around it well formed, so that reading
            // goes on and finds the file's other problems.
            let standIn = YAMLNode(.scalar("", style: .plain), at: location)
            add(Built(node: standIn, size: 1, height: 0))
            return
        }

        // The node is shared, not copied, so memory is not the danger: the size of the tree
        // that later stages walk is. Its cost was counted when the anchored node was built.
        expandedNodes += anchored.size
        guard expandedNodes <= limits.aliasExpansion else {
            throw stop(
                .error(
                    at: location,
                    "aliases expand this file to more than \(grouped(limits.aliasExpansion)) nodes",
                    hint: """
                        each alias repeats the node it names, and aliases to nodes that hold \
                        aliases multiply; reading stops here to keep memory and time bounded
                        """))
        }
        guard stack.count + anchored.height <= limits.nestingDepth else {
            throw stop(tooDeep(at: location))
        }

        var node = anchored.node
        // Messages about the value as a whole ("expected a mapping") point at the alias;
        // its contents keep the places where they were written.
        node.location = location
        add(Built(node: node, size: anchored.size, height: anchored.height))
    }

    /// Hands a finished node to the collection being built, or makes it the root.
    private mutating func add(_ built: Built, anchor: String? = nil) {
        if let anchor {
            anchors[anchor] = built
        }
        guard !stack.isEmpty else {
            root = built
            return
        }
        let top = stack.count - 1
        stack[top].size += built.size
        stack[top].height = max(stack[top].height, built.height)
        switch stack[top].kind {
        case .sequence:
            stack[top].items.append(built.node)
        case .mapping:
            if let key = stack[top].pendingKey {
                stack[top].pendingKey = nil
                if stack[top].dropsPendingValue {
                    stack[top].dropsPendingValue = false
                } else {
                    stack[top].pairs.append(YAMLPair(key: key, value: built.node))
                }
            } else {
                addKey(built.node, to: top)
            }
        }
    }

    private mutating func addKey(_ key: YAMLNode, to top: Int) {
        stack[top].pendingKey = key
        guard let text = key.string else { return }
        if let first = stack[top].firstKeyLocations[text] {
            let name = Self.quotable(text)
            duplicateKeys.append(
                .error(
                    at: key.location,
                    "duplicate key '\(name)'; it is already set on line \(first.line)",
                    hint: "keep one of the two; a mapping cannot hold a key twice"))
            stack[top].dropsPendingValue = true
            return
        }
        stack[top].firstKeyLocations[text] = key.location
        if Self.isMergeKey(key) {
            stack[top].hasMergeKey = true
        }
    }

    /// The pairs of a mapping with each `<<` entry replaced by the entries it merges.
    ///
    /// A key written in the mapping itself wins over a merged one wherever it stands, and
    /// among several merged mappings the earlier one wins, as the YAML merge key type says.
    /// Merged entries take the place of the `<<` entry, keeping the order they were written in.
    private mutating func merged(_ pairs: [YAMLPair]) -> [YAMLPair] {
        var taken = Set(pairs.lazy.filter { !Self.isMergeKey($0.key) }.compactMap(\.key.string))
        var result: [YAMLPair] = []
        for pair in pairs {
            guard Self.isMergeKey(pair.key) else {
                result.append(pair)
                continue
            }
            for source in mergeSources(pair.value) {
                for entry in source {
                    if let key = entry.key.string, !taken.insert(key).inserted {
                        continue
                    }
                    result.append(entry)
                }
            }
        }
        return result
    }

    /// The mappings that a `<<` value names, reporting any value that is not one.
    private mutating func mergeSources(_ value: YAMLNode) -> [[YAMLPair]] {
        let hint = "write '<<: *name' where '&name' is on a mapping, or '<<: [*one, *two]'"
        switch value.content {
        case .mapping(let pairs):
            return [pairs]
        case .sequence(let items):
            let sources = items.compactMap(\.mapping)
            if let index = items.firstIndex(where: { $0.mapping == nil }),
                !alreadyReported(items[index])
            {
                // Items that an alias brought in were written elsewhere; the merge is here.
                let item = items[index]
                let written = Self.precedes(item.location, value.location) ? value : item
                diagnostics.append(
                    .error(
                        at: written.location,
                        "a merge key ('<<') takes a list of mappings; "
                            + "item \(index + 1) is \(item.kindName)",
                        hint: hint))
            }
            return sources
        case .scalar:
            if !alreadyReported(value) {
                diagnostics.append(
                    .error(
                        at: value.location,
                        "a merge key ('<<') takes a mapping or a list of mappings; "
                            + "got \(value.kindName)",
                        hint: hint))
            }
            return []
        }
    }

    /// Whether a problem was reported at this node already, as for an undefined alias, so
    /// that one mistake is not reported twice.
    private func alreadyReported(_ node: YAMLNode) -> Bool {
        diagnostics.contains { $0.location == node.location }
    }

    private func tooDeep(at location: SourceLocation) -> Diagnostic {
        .error(
            at: location,
            "mappings and lists nest more than \(grouped(limits.nestingDepth)) levels deep here",
            hint: "a file this deep is almost certainly generated by mistake")
    }

    /// An error that ends the reading, thrown with the problems collected before it.
    func stop(_ diagnostic: Diagnostic) -> DiagnosticError {
        DiagnosticError(Self.inSourceOrder(diagnostics + duplicateKeys + [diagnostic]))
    }

    private static func inSourceOrder(_ diagnostics: [Diagnostic]) -> [Diagnostic] {
        // Problems found at the end of a mapping (merge keys) come after those inside it;
        // people read top to bottom. The sort is stable, so ties keep their order.
        diagnostics.sorted {
            ($0.location?.line ?? 0, $0.location?.column ?? 0)
                < ($1.location?.line ?? 0, $1.location?.column ?? 0)
        }
    }

    private static func precedes(_ first: SourceLocation, _ second: SourceLocation) -> Bool {
        (first.line, first.column) < (second.line, second.column)
    }

    /// `<<` written plainly and untagged; a quoted `"<<"` is an ordinary key.
    private static func isMergeKey(_ key: YAMLNode) -> Bool {
        guard case .scalar("<<", .plain) = key.content else { return false }
        return key.tag == nil
    }

    /// A document with nothing in it: no events at all, or only `---` and comments.
    private static func isEmptyDocument(_ node: YAMLNode) -> Bool {
        guard case .scalar("", .plain) = node.content else { return false }
        return node.tag == nil
    }

    /// Key text short enough to quote in a message.
    private static func quotable(_ text: String) -> String {
        text.count > 40 ? text.prefix(40) + "…" : text
    }

    private func grouped(_ number: Int) -> String {
        var digits = String(number)
        var result = ""
        while digits.count > 3 {
            result = "," + digits.suffix(3) + result
            digits.removeLast(3)
        }
        return digits + result
    }
}
