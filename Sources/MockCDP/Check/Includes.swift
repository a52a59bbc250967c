import Foundation

/// Reads a scenario file together with the files it includes, into one YAML tree.
///
/// Two forms are read, in every file:
/// - `include: [common.yaml, catalog.yaml]` (or one path) as a key of the file's top-level
///   mapping: each file's mapping is merged in the order listed, then the file's own keys
///   over them. Mappings merge key by key at every depth; any other value written in the
///   including file replaces the included one.
/// - `!include path` as any value: the value is the included file's whole document. An
///   included list written as an item of a list is spliced into that list.
///
/// Paths are relative to the including file. Anchors belong to the file that defines them.
/// A file that includes itself, directly or through others, is an error, as is a missing
/// file; both are reported with the chain of includes that led to them. A key written twice
/// is an error too, but one that does not stop the reading: it is kept in `duplicateKeys`,
/// and the first value is read on.
struct IncludeResolver {
    /// Source text of every file read, by the path used in locations.
    private(set) var sources: [String: String] = [:]
    /// For each included file, the includes that first led to it, innermost first.
    private(set) var chains: [String: [SourceLocation]] = [:]
    private(set) var diagnostics: [Diagnostic] = []
    /// Keys written twice in a mapping, in any of the files, each with its include chain.
    private(set) var duplicateKeys: [Diagnostic] = []
    /// Canonical paths of the files being read, outermost first, to find cycles.
    private var open: [String] = []
    /// The include written in each open file that leads to the next one.
    private var chain: [SourceLocation] = []
    private var count = 0

    /// The most files one scenario may include, counting each inclusion: far more than a
    /// scenario needs, and a bound on lists of includes that multiply each other.
    static let maximumIncludes = 1_000

    /// Reads the scenario at `path` with everything it includes.
    ///
    /// - Throws: `DiagnosticError` when the scenario itself cannot be read or parsed, or when
    ///   any include failed, with the duplicate keys found too; problems inside included files
    ///   carry their include chain.
    mutating func load(_ path: String) throws(DiagnosticError) -> YAMLNode {
        let text = try YAMLParser.readSource(atPath: path)
        sources[path] = text
        let document = try YAMLParser.parseDocument(text, file: path)
        duplicateKeys = document.duplicateKeys
        open = [Self.canonical(path)]
        let resolved = resolveFile(document.root, file: path)
        guard diagnostics.isEmpty else { throw DiagnosticError(duplicateKeys + diagnostics) }
        return resolved
    }

    // MARK: Walking the tree

    /// Resolves a file's document: its top-level `include` key, then `!include` values.
    private mutating func resolveFile(_ root: YAMLNode, file: String) -> YAMLNode {
        guard case .mapping(let pairs) = root.content,
            let index = pairs.firstIndex(where: { $0.key.string == "include" && $0.key.tag == nil })
        else { return resolve(root, file: file) }

        var own = pairs
        let includeNode = own.remove(at: index).value
        let paths: [YAMLNode]
        switch includeNode.content {
        case .scalar: paths = [includeNode]
        case .sequence(let items): paths = items
        case .mapping:
            report(
                includeNode, "include takes a file path or a list of paths; got a mapping",
                hint: "for example include: [common.yaml]")
            paths = []
        }
        var merged: YAMLNode?
        for pathNode in paths {
            guard let included = include(pathNode, from: file) else { continue }
            guard case .mapping = included.content else {
                report(
                    pathNode,
                    "a file included at the top must hold a mapping; "
                        + "'\(pathNode.string ?? "")' holds \(included.kindName)",
                    hint: "include a list or a single value with !include where it belongs")
                continue
            }
            merged = merged.map { Self.merge($0, under: included) } ?? included
        }
        let body = resolve(YAMLNode(.mapping(own), at: root.location, tag: root.tag), file: file)
        return merged.map { Self.merge($0, under: body) } ?? body
    }

    /// Replaces every `!include` value below `node`.
    private mutating func resolve(_ node: YAMLNode, file: String) -> YAMLNode {
        switch node.content {
        case .scalar:
            guard node.tag == "!include" else { return node }
            return include(node, from: file)
                ?? YAMLNode(.scalar("", style: .plain), at: node.location)
        case .sequence(let items):
            var resolved: [YAMLNode] = []
            for item in items {
                if item.tag == "!include", case .scalar = item.content {
                    guard let included = include(item, from: file) else { continue }
                    if case .sequence(let spliced) = included.content {
                        resolved += spliced
                    } else {
                        resolved.append(included)
                    }
                } else {
                    resolved.append(resolve(item, file: file))
                }
            }
            return YAMLNode(.sequence(resolved), at: node.location, tag: node.tag)
        case .mapping(let pairs):
            if node.tag == "!include" {
                report(node, "!include takes a file path; got a mapping")
            }
            let resolved = pairs.map {
                YAMLPair(key: $0.key, value: resolve($0.value, file: file))
            }
            return YAMLNode(.mapping(resolved), at: node.location, tag: node.tag)
        }
    }

    /// Reads the file named by `pathNode`, relative to `file`, with its own includes resolved.
    private mutating func include(_ pathNode: YAMLNode, from file: String) -> YAMLNode? {
        guard case .scalar(let written, _) = pathNode.content, !written.isEmpty else {
            report(
                pathNode, "an include needs a file path; got \(pathNode.kindName)",
                hint: "for example !include catalog.yaml")
            return nil
        }
        count += 1
        guard count <= Self.maximumIncludes else {
            if count == Self.maximumIncludes + 1 {
                report(
                    pathNode, "more than \(Self.maximumIncludes) includes",
                    hint: "files that include each other's lists several times multiply quickly")
            }
            return nil
        }

        let path = Self.path(written, relativeTo: file)
        let canonical = Self.canonical(path)
        if let first = open.firstIndex(of: canonical) {
            let names = open[first...].map { ($0 as NSString).lastPathComponent }
            report(
                pathNode,
                "include cycle: "
                    + (names + [(canonical as NSString).lastPathComponent])
                    .joined(separator: " includes "),
                hint: "a file cannot include itself, directly or through other files")
            return nil
        }

        chain.append(pathNode.location)
        defer { chain.removeLast() }
        let root: YAMLNode
        do throws(DiagnosticError) {
            let text = try YAMLParser.readSource(atPath: path)
            sources[path] = text
            let document = try YAMLParser.parseDocument(text, file: path)
            root = document.root
            duplicateKeys += document.duplicateKeys.map {
                var located = $0
                located.includedFrom = chain.reversed()
                return located
            }
        } catch {
            for var diagnostic in error.diagnostics {
                if diagnostic.location == nil {
                    // A file that cannot be read is reported where it is included.
                    diagnostic.location = pathNode.location
                    diagnostic.includedFrom = Array(chain.reversed().dropFirst())
                    let folder = ((pathNode.location.file as NSString).deletingLastPathComponent)
                    diagnostic.hint =
                        diagnostic.hint
                        ?? "include paths are relative to the including file's folder, "
                        + "\(folder.isEmpty ? "." : folder)/"
                } else {
                    diagnostic.includedFrom = chain.reversed()
                }
                diagnostics.append(diagnostic)
            }
            return nil
        }
        if chains[path] == nil { chains[path] = chain.reversed() }

        open.append(canonical)
        defer { open.removeLast() }
        return resolveFile(root, file: path)
    }

    private mutating func report(_ node: YAMLNode, _ message: String, hint: String? = nil) {
        var diagnostic = Diagnostic.error(at: node.location, message, hint: hint)
        diagnostic.includedFrom = chain.reversed()
        diagnostics.append(diagnostic)
    }

    // MARK: Merging and paths

    /// `base` with the keys of `over` written over it, mappings merging at every depth.
    static func merge(_ base: YAMLNode, under over: YAMLNode) -> YAMLNode {
        guard case .mapping(let basePairs) = base.content,
            case .mapping(let overPairs) = over.content
        else { return over }
        var pairs = basePairs
        for pair in overPairs {
            if let index = pairs.firstIndex(where: { $0.key.string == pair.key.string }) {
                pairs[index] = YAMLPair(
                    key: pair.key, value: merge(pairs[index].value, under: pair.value))
            } else {
                pairs.append(pair)
            }
        }
        return YAMLNode(.mapping(pairs), at: over.location, tag: over.tag)
    }

    /// `written` as a path from the folder of `file`, unless it is absolute.
    static func path(_ written: String, relativeTo file: String) -> String {
        guard !written.hasPrefix("/") else { return written }
        let folder = (file as NSString).deletingLastPathComponent
        return folder.isEmpty ? written : (folder as NSString).appendingPathComponent(written)
    }

    /// One name for a file however it was reached, to recognise cycles.
    static func canonical(_ path: String) -> String {
        URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path
    }
}
