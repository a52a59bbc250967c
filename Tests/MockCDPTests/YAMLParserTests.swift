import Foundation
import MockCDP
import Testing

/// YAML written with `‸` markers where positions matter: the markers are removed from the
/// text and their locations kept, so that a test says where a node or an error is by pointing.
struct MarkedYAML {
    static let file = "test.yaml"

    let text: String
    let markers: [MockCDP.SourceLocation]

    init(_ marked: String) {
        var text = ""
        var markers: [MockCDP.SourceLocation] = []
        var line = 1
        var column = 1
        for character in marked {
            if character == "‸" {
                markers.append(MockCDP.SourceLocation(file: Self.file, line: line, column: column))
                continue
            }
            text.append(character)
            if character == "\n" || character == "\r\n" {
                line += 1
                column = 1
            } else {
                column += 1
            }
        }
        self.text = text
        self.markers = markers
    }

    subscript(marker: Int) -> MockCDP.SourceLocation {
        markers[marker]
    }
}

/// Parsing helpers shared by the YAML test suites.
enum YAMLTestParsing {
    /// Parses text that must be valid, recording an issue with every diagnostic if it is not.
    static func valid(
        _ text: String, limits: YAMLParser.Limits = .standard,
        sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) -> YAMLNode? {
        do throws(DiagnosticError) {
            return try YAMLParser.parse(text, file: MarkedYAML.file, limits: limits)
        } catch {
            let rendered = DiagnosticRenderer(sources: [MarkedYAML.file: text])
                .render(error.diagnostics)
            Issue.record("unexpected diagnostics:\n\(rendered)", sourceLocation: sourceLocation)
            return nil
        }
    }

    /// Parses text that must be refused, returning what the parser said about it.
    static func errors(
        _ text: String, limits: YAMLParser.Limits = .standard,
        sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) -> [Diagnostic] {
        do throws(DiagnosticError) {
            _ = try YAMLParser.parse(text, file: MarkedYAML.file, limits: limits)
            Issue.record("the text parsed without errors", sourceLocation: sourceLocation)
            return []
        } catch {
            return error.diagnostics
        }
    }

    /// A diagnostic as `line:column: message`, short enough to compare whole.
    static func brief(_ diagnostic: Diagnostic) -> String {
        let position = diagnostic.location.map { "\($0.line):\($0.column): " } ?? ""
        return position + diagnostic.message
    }
}

@Suite("YAML parser: structure and locations")
struct YAMLStructureTests {
    @Test("nested mappings and lists keep the line and column of every key and value")
    func nestedLocations() throws {
        let yaml = MarkedYAML(
            """
            ‸scenario: ‸shop
            population:
              ‸users: ‸200
              cohorts:
                ‸- ‸name: new
                  ‸lift: ‸1.5
                - ‸returning
            """)
        let root = try #require(YAMLTestParsing.valid(yaml.text))

        #expect(root.location == yaml[0])
        let scenario = try #require(root["scenario"])
        #expect(scenario.key.location == yaml[0])
        #expect(scenario.value.location == yaml[1])
        #expect(scenario.value.string == "shop")

        let population = try #require(root["population"]?.value)
        let users = try #require(population["users"])
        #expect(users.key.location == yaml[2])
        #expect(users.value.location == yaml[3])
        #expect(users.value.scalarValue == .int(200))

        let cohorts = try #require(population["cohorts"]?.value.sequence)
        #expect(cohorts.count == 2)
        #expect(population["cohorts"]?.value.location == yaml[4])
        #expect(cohorts[0].location == yaml[5])
        #expect(cohorts[0]["lift"]?.key.location == yaml[6])
        #expect(cohorts[0]["lift"]?.value.location == yaml[7])
        #expect(cohorts[0]["lift"]?.value.scalarValue == .float(1.5))
        #expect(cohorts[1].location == yaml[8])
        #expect(cohorts[1].string == "returning")
    }

    @Test("flow mappings and lists have locations inside the line")
    func flowStyle() throws {
        let yaml = MarkedYAML(#"params: ‸{‸visitors: ‸2000, rates: ‸[‸9%, ‸"65%"]}"#)
        let root = try #require(YAMLTestParsing.valid(yaml.text))

        let params = try #require(root["params"]?.value)
        #expect(params.location == yaml[0])
        #expect(params["visitors"]?.key.location == yaml[1])
        #expect(params["visitors"]?.value.location == yaml[2])
        let rates = try #require(params["rates"]?.value)
        #expect(rates.location == yaml[3])
        #expect(rates.sequence?.map(\.location) == [yaml[4], yaml[5]])
        #expect(rates.sequence?.map(\.string) == ["9%", "65%"])
    }

    @Test("columns count characters, so accents and emoji do not shift them")
    func nonASCIIColumns() throws {
        // The first "è" is written as "e" and a combining accent: two scalars, one character.
        let yaml = MarkedYAML("brand: ‸Café\n‸🛒: ‸cart\nnotes: [‸\"cre\u{300}me\", ‸brûlée]\n")
        let root = try #require(YAMLTestParsing.valid(yaml.text))
        #expect(root["brand"]?.value.location == yaml[0])
        #expect(root["🛒"]?.key.location == yaml[1])
        #expect(root["🛒"]?.value.location == yaml[2])
        #expect(root["notes"]?.value.sequence?.map(\.location) == [yaml[3], yaml[4]])
    }

    @Test("Windows line endings count as one line break")
    func crlfLineEndings() throws {
        let yaml = MarkedYAML("a: 1\r\n‸b:\r\n  - ‸two\r\n")
        let root = try #require(YAMLTestParsing.valid(yaml.text))
        #expect(root["b"]?.key.location == yaml[0])
        #expect(root["b"]?.value.sequence?.first?.location == yaml[1])
    }

    @Test("a byte-order mark is dropped and columns of the first line stay right")
    func byteOrderMark() throws {
        let yaml = MarkedYAML("‸name: ‸shop\n‸seed: 7\n")
        let root = try #require(YAMLTestParsing.valid("\u{FEFF}" + yaml.text))
        #expect(root["name"]?.key.location == yaml[0])
        #expect(root["name"]?.value.location == yaml[1])
        #expect(root["seed"]?.key.location == yaml[2])

        let errors = YAMLTestParsing.errors("\u{FEFF}name: @shop\n")
        #expect(
            errors.map(YAMLTestParsing.brief) == [
                "1:7: '@' is reserved and cannot start a plain value"
            ])
    }

    @Test("a file must hold exactly one document")
    func documents() throws {
        #expect(YAMLTestParsing.errors("").map(YAMLTestParsing.brief) == ["1:1: the file is empty"])
        #expect(
            YAMLTestParsing.errors("# only a comment\n").map(YAMLTestParsing.brief) == [
                "1:1: the file is empty"
            ])
        #expect(
            YAMLTestParsing.errors("---\n").map(YAMLTestParsing.brief) == [
                "1:1: the file is empty"
            ])
        #expect(YAMLTestParsing.valid("---\nname: shop\n...\n")?["name"]?.value.string == "shop")
        #expect(YAMLTestParsing.valid("~\n")?.isNull == true)

        let yaml = MarkedYAML("name: shop\n‸---\nname: other\n")
        let errors = YAMLTestParsing.errors(yaml.text)
        #expect(errors.map(\.location) == [yaml[0]])
        #expect(errors.first?.message == "a second YAML document starts here; a file holds one")
        #expect(
            errors.first?.hint
                == "remove this '---' line, or move what follows to a file of its own")
    }
}

@Suite("YAML parser: anchors, aliases and merge keys")
struct YAMLAliasTests {
    @Test("an alias is replaced by the anchored node, located at the alias")
    func aliasExpansion() throws {
        let yaml = MarkedYAML(
            """
            base: &base
              ‸currency: USD
              tax: 8%
            copy: ‸*base
            list: [&one 1, ‸*one]
            """)
        let root = try #require(YAMLTestParsing.valid(yaml.text))
        let copy = try #require(root["copy"]?.value)
        #expect(copy.location == yaml[1])
        #expect(copy.mapping?.compactMap(\.key.string) == ["currency", "tax"])
        #expect(copy["currency"]?.key.location == yaml[0])
        #expect(root["list"]?.value.sequence?.map(\.scalarValue) == [.int(1), .int(1)])
        #expect(root["list"]?.value.sequence?.last?.location == yaml[2])
    }

    @Test("explicit keys win over merged ones, and an earlier merged mapping over a later one")
    func mergePrecedence() throws {
        let yaml = MarkedYAML(
            """
            defaults: &defaults
              rate: 10%
              after: 30s
              repeat: 1
            other: &other
              ‸repeat: 3
              label: other
            step:
              rate: 5%
              <<: [*defaults, *other]
              after: ‸1m
            single:
              <<: *other
              label: mine
            """)
        let root = try #require(YAMLTestParsing.valid(yaml.text))

        let step = try #require(root["step"]?.value)
        #expect(
            step.mapping?.compactMap(\.key.string) == [
                "rate", "repeat", "label", "after",
            ])
        #expect(step["rate"]?.value.string == "5%")
        #expect(step["after"]?.value.string == "1m")
        #expect(step["after"]?.value.location == yaml[1])
        #expect(step["repeat"]?.value.scalarValue == .int(1))
        #expect(step["label"]?.value.string == "other")
        #expect(step["<<"] == nil)

        let single = try #require(root["single"]?.value)
        #expect(single.mapping?.compactMap(\.key.string) == ["repeat", "label"])
        #expect(single["label"]?.value.string == "mine")
        #expect(single["repeat"]?.key.location == yaml[0])
    }

    @Test(
        "merged keys are not duplicates, but a merge of something other than a mapping is an error")
    func mergeErrors() throws {
        #expect(
            YAMLTestParsing.valid("a: &a {x: 1}\nb: {<<: *a, x: 2}\n")?["b"]?.value["x"]?
                .value.scalarValue == .int(2))

        let yaml = MarkedYAML(
            """
            a: &a [1, 2]
            b:
              <<: ‸*a
            c:
              <<: [{x: 1}, ‸oops]
            d:
              <<: ‸7
            """)
        let errors = YAMLTestParsing.errors(yaml.text)
        #expect(
            errors.map(YAMLTestParsing.brief) == [
                "3:7: a merge key ('<<') takes a list of mappings; item 1 is a number",
                "5:16: a merge key ('<<') takes a list of mappings; item 2 is a string",
                "7:7: a merge key ('<<') takes a mapping or a list of mappings; got a number",
            ])
        #expect(errors.map(\.location) == [yaml[0], yaml[1], yaml[2]])
    }

    @Test("an undefined alias is an error at the alias, with a hint")
    func undefinedAlias() throws {
        let yaml = MarkedYAML("a: ‸*missing\nb: &loop [1, ‸*loop]\n")
        let errors = YAMLTestParsing.errors(yaml.text)
        #expect(
            errors.map(YAMLTestParsing.brief) == [
                "1:4: undefined alias 'missing'",
                "2:14: alias 'loop' refers to the node that contains it",
            ])
        #expect(errors.map(\.location) == [yaml[0], yaml[1]])
        #expect(
            errors.first?.hint
                == "define the anchor with '&missing' on an earlier node; aliases refer back only")
    }

    @Test("a billion laughs file is refused at the alias that crosses the limit")
    func billionLaughs() throws {
        let letters = ["a", "b", "c", "d", "e", "f", "g", "h", "i"]
        var text = "a: &a [" + Array(repeating: "\"lol\"", count: 9).joined(separator: ",") + "]\n"
        for (previous, name) in zip(letters, letters.dropFirst()) {
            let aliases = Array(repeating: "*\(previous)", count: 9).joined(separator: ",")
            text += "\(name): &\(name) [\(aliases)]\n"
        }
        // Each level holds nine copies of the one before: about 9^9 nodes in all. Level g is
        // where the count first passes a million, at its first alias.
        let errors = YAMLTestParsing.errors(text)
        #expect(
            errors.map(YAMLTestParsing.brief) == [
                "7:8: aliases expand this file to more than 1,000,000 nodes"
            ])

        let small = YAMLParser.Limits(aliasExpansion: 20)
        #expect(
            YAMLTestParsing.errors(
                "a: &a [1, 2, 3]\nb: [*a, *a, *a, *a, *a, *a]\n",
                limits: small
            ).map(YAMLTestParsing.brief) == [
                "2:25: aliases expand this file to more than 20 nodes"
            ])
    }

    @Test("nesting is bounded, including nesting that aliases bring in")
    func nestingDepth() throws {
        let deep = String(repeating: "[", count: 2_000) + String(repeating: "]", count: 2_000)
        #expect(
            YAMLTestParsing.errors(deep).map(YAMLTestParsing.brief) == [
                "1:1001: mappings and lists nest more than 1,000 levels deep here"
            ])

        let limits = YAMLParser.Limits(nestingDepth: 3)
        #expect(YAMLTestParsing.valid("a: &a [[1]]\n", limits: limits) != nil)
        #expect(
            YAMLTestParsing.errors("a: &a [[1]]\nb: [*a]\n", limits: limits)
                .map(YAMLTestParsing.brief) == [
                    "2:5: mappings and lists nest more than 3 levels deep here"
                ])
    }
}

@Suite("YAML parser: errors")
struct YAMLErrorTests {
    @Test("a duplicate key is reported at the second occurrence with the line of the first")
    func duplicateKey() throws {
        let yaml = MarkedYAML(
            """
            name: shop
            seed: 7
            ‸name: other
            steps:
              - {page: Home, ‸page: Cart}
            """)
        let errors = YAMLTestParsing.errors(yaml.text)
        #expect(
            errors.map(YAMLTestParsing.brief) == [
                "3:1: duplicate key 'name'; it is already set on line 1",
                "5:18: duplicate key 'page'; it is already set on line 5",
            ])
        #expect(errors.map(\.location) == [yaml[0], yaml[1]])
        #expect(errors.first?.hint == "keep one of the two; a mapping cannot hold a key twice")
    }

    @Test("a document read with its duplicate keys keeps the first value of each")
    func duplicateKeyKeepsFirst() throws {
        let yaml = MarkedYAML("name: shop\nseed: 7\n‸name: other\nsteps: {a: 1, ‸a: 2}\n")
        let document = try YAMLParser.parseDocument(yaml.text, file: MarkedYAML.file)
        #expect(document.root["name"]?.value.string == "shop")
        #expect(document.root["steps"]?.value.mapping?.count == 1)
        #expect(document.root["steps"]?.value["a"]?.value.string == "1")
        #expect(
            document.duplicateKeys.map(YAMLTestParsing.brief) == [
                "3:1: duplicate key 'name'; it is already set on line 1",
                "4:15: duplicate key 'a'; it is already set on line 4",
            ])
        #expect(document.duplicateKeys.map(\.location) == [yaml[0], yaml[1]])
    }

    @Test("a document with other problems besides duplicate keys is refused with all of them")
    func duplicateKeyWithOtherProblem() {
        do throws(DiagnosticError) {
            _ = try YAMLParser.parseDocument("a: 1\na: 2\nb: *nope\n", file: MarkedYAML.file)
            Issue.record("the text parsed without errors")
        } catch {
            #expect(
                error.diagnostics.map(YAMLTestParsing.brief) == [
                    "2:1: duplicate key 'a'; it is already set on line 1",
                    "3:4: undefined alias 'nope'",
                ])
        }
    }

    @Test("problems that do not stop the reading are all reported, in source order")
    func collectsAllProblems() {
        let text = "a: *nope\nb: !!int ten\nb: 1\nc: 99999999999999999999\n"
        #expect(
            YAMLTestParsing.errors(text).map(YAMLTestParsing.brief) == [
                "1:4: undefined alias 'nope'",
                "2:4: 'ten' is not an integer, but it is tagged '!!int'",
                "3:1: duplicate key 'b'; it is already set on line 2",
                "4:4: the number 99999999999999999999 is too large",
            ])
    }

    @Test("a syntax error after other problems is reported with them")
    func syntaxErrorAfterOthers() {
        let text = "a: 1\na: 2\nb: [1, 2\n"
        #expect(
            YAMLTestParsing.errors(text).map(YAMLTestParsing.brief) == [
                "2:1: duplicate key 'a'; it is already set on line 1",
                "4:1: expected ',' or ']' in this list",
            ])
    }

    @Test("tabs used for indentation get a message that names the cause")
    func tabIndentation() {
        let expected = "tabs are not allowed for indentation; use spaces"
        for text in ["funnel:\n\tpage: Home\n", "funnel:\n  page: Home\n\tafter: 1m\n"] {
            let errors = YAMLTestParsing.errors(text)
            let line = text.split(separator: "\n").count
            #expect(errors.map(YAMLTestParsing.brief) == ["\(line):1: \(expected)"])
        }
        #expect(YAMLTestParsing.valid("name:\tshop # a tab after the colon is fine\n") != nil)
    }

    @Test(
        "libyaml's syntax errors are reworded and placed at the problem",
        arguments: [
            ("title: ok\nbanner: Sale‸: 50% off\n", "unexpected ':' inside a value"),
            ("a: ‸\"abc\nb: 1\n", "this quoted text is never closed"),
            ("a: 1 # note\n‸b\n", "expected ':' after this key"),
            ("a: 1\n‸- b\n", "a list item cannot appear here, among the keys of a mapping"),
            ("a: \"x\" ‸y\n", "expected a key of the mapping here"),
            ("a:\n  - x\n  ‸y: 1\n", "expected a list item ('- ') here"),
            ("a: {x: 1\n‸", "expected ',' or '}' in this mapping"),
            ("a: ‸`x`\n", "'`' is reserved and cannot start a plain value"),
            ("a: ‸]\n", "expected a value here"),
            ("a: \"‸\\q\"\n", "unknown escape sequence in double-quoted text"),
            ("a: x‸\u{1}y\n", "control character U+0001 is not allowed in YAML"),
            ("a: ‸!x!y 1\n", "unknown tag handle"),
            ("café: \"crème\" ‸brûlée\n", "expected a key of the mapping here"),
        ])
    func syntaxErrors(marked: String, message: String) throws {
        let yaml = MarkedYAML(marked)
        let errors = YAMLTestParsing.errors(yaml.text)
        #expect(errors.map(\.message) == [message])
        #expect(errors.map(\.location) == [yaml[0]])
    }

    @Test(
        "an unquoted parameter reference in '{ }' or '[ ]' is reported at the '$' with the fix",
        arguments: [
            (
                "arrivals: { rate: ‸${n} }\n",
                "a parameter reference inside a '{ }' mapping needs quotes: write \"${n}\""
            ),
            (
                "population:\n  users: 10\n  mix: {a: 1,\n    b: ‸${share}}\n",
                "a parameter reference inside a '{ }' mapping needs quotes: write \"${share}\""
            ),
            (
                "repeat: [1, ‸${ most }]\n",
                "a parameter reference inside a '[ ]' list needs quotes: write \"${ most }\""
            ),
            (
                "step: {name: Sale, after: exponential(‸${think}) in 1s..5m}\n",
                "a parameter reference inside a '{ }' mapping needs quotes: "
                    + "write \"exponential(${think}) in 1s..5m\""
            ),
            (
                "step: {title: Café ‸${year}}\n",
                "a parameter reference inside a '{ }' mapping needs quotes: "
                    + "write \"Café ${year}\""
            ),
        ])
    func unquotedReference(marked: String, message: String) throws {
        let yaml = MarkedYAML(marked)
        let errors = YAMLTestParsing.errors(yaml.text)
        #expect(errors.map(\.message) == [message])
        #expect(errors.map(\.location) == [yaml[0]])
    }

    @Test("the hint says why, and that a quoted reference keeps the parameter's kind")
    func unquotedReferenceHint() {
        let whole = YAMLTestParsing.errors("population: {users: ${visitors}}\n")
        #expect(
            whole.first?.hint
                == "without quotes, the '{' of '${' starts a new mapping; "
                + "quoted, \"${visitors}\" still takes the parameter's value and kind")
        let part = YAMLTestParsing.errors("step: {name: Sale ${year}}\n")
        #expect(
            part.first?.hint
                == "without quotes, the '{' of '${' starts a new mapping; "
                + "quoted, the reference is still replaced by the parameter's value")
    }

    @Test(
        "other syntax errors in flow collections keep their own message",
        arguments: [
            ("rate: {value: \"${n}\"\n‸", "expected ',' or '}' in this mapping"),
            ("steps: [\"${n}\", 2\n‸", "expected ',' or ']' in this list"),
            ("users: {n: 1} ‸${n}\n", "expected a key of the mapping here"),
            ("users: {n: $‸{n\n}\n", "expected ',' or '}' in this mapping"),
        ])
    func otherFlowErrors(marked: String, message: String) throws {
        let yaml = MarkedYAML(marked)
        let errors = YAMLTestParsing.errors(yaml.text)
        #expect(errors.map(\.message) == [message])
        #expect(errors.map(\.location) == [yaml[0]])
    }

    @Test("hints say what to write instead")
    func syntaxHints() {
        let list = YAMLTestParsing.errors("rates: [1, 2\n")
        #expect(
            list.first?.hint
                == "the '[' on line 1, column 8 needs a matching ']'; separate items with ','")
        let keys = YAMLTestParsing.errors("funnel:\n  page: Home\n   rate: 9%\n")
        #expect(keys.map(YAMLTestParsing.brief) == ["3:8: unexpected ':' inside a value"])
        let items = YAMLTestParsing.errors("steps:\n  - page: Home\n  after: 1m\n")
        #expect(
            items.first?.hint
                == "items of the list that starts on line 2 line up at column 3; "
                + "check the indentation")
        let quote = YAMLTestParsing.errors("name: 'shop\n")
        #expect(quote.first?.hint == "add the closing '")
    }

    @Test("the renderer shows the line and a caret under the problem")
    func renderedDiagnostic() throws {
        let text = "scenario: holiday\nbanner: Sale: 50% off\n"
        let errors = YAMLTestParsing.errors(text)
        let rendered = DiagnosticRenderer(sources: ["test.yaml": text]).render(errors)
        #expect(
            rendered == """
                test.yaml:2:13: error: unexpected ':' inside a value
                    banner: Sale: 50% off
                                ^
                  hint: put text that contains ': ' in quotes, as in title: "Sale: 50% off"; \
                if this is a key, line it up with the keys around it

                """)
    }

    @Test("the caret lines up under text with accents")
    func renderedNonASCII() throws {
        let text = "café: \"crème brûlée\" extra\n"
        let rendered = DiagnosticRenderer(sources: ["test.yaml": text])
            .render(YAMLTestParsing.errors(text))
        #expect(
            rendered == """
                test.yaml:1:22: error: expected a key of the mapping here
                    café: "crème brûlée" extra
                                         ^
                  hint: keys of the mapping that starts on line 1 line up at column 1; \
                check the indentation

                """)
    }
}

@Suite("YAML parser: reading files")
struct YAMLFileTests {
    private func temporaryFile(_ bytes: [UInt8]) throws -> String {
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("mockcdp-yaml-\(UUID().uuidString).yaml").path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test("a missing file is missing input, with the path and the reason")
    func missingFile() {
        do throws(DiagnosticError) {
            _ = try YAMLParser.parseFile(atPath: "no/such/shop.yaml")
            Issue.record("a missing file was read")
        } catch {
            #expect(error.isMissingInput)
            #expect(
                error.diagnostics.map(\.message) == [
                    "cannot read 'no/such/shop.yaml': no such file"
                ])
            #expect(error.diagnostics.first?.location == nil)
        }
    }

    @Test("a directory is not a file")
    func directory() {
        let path = FileManager.default.temporaryDirectory.path
        do throws(DiagnosticError) {
            _ = try YAMLParser.readSource(atPath: path)
            Issue.record("a directory was read")
        } catch {
            #expect(error.isMissingInput)
            #expect(
                error.diagnostics.map(\.message) == ["cannot read '\(path)': it is a directory"])
        }
    }

    @Test("a file with a byte-order mark reads with the mark dropped")
    func byteOrderMarkFile() throws {
        let path = try temporaryFile([0xEF, 0xBB, 0xBF] + Array("name: shop\n".utf8))
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(try YAMLParser.readSource(atPath: path) == "name: shop\n")
        let root = try YAMLParser.parseFile(atPath: path)
        #expect(
            root["name"]?.value.location == MockCDP.SourceLocation(file: path, line: 1, column: 7))
    }

    @Test("bytes that are not UTF-8 are reported where they are")
    func invalidUTF8() throws {
        // "Café" saved as Latin-1, as older spreadsheet exports do.
        let path = try temporaryFile(Array("name: shop\nbrand: Caf".utf8) + [0xE9, 0x0A])
        defer { try? FileManager.default.removeItem(atPath: path) }
        do throws(DiagnosticError) {
            _ = try YAMLParser.readSource(atPath: path)
            Issue.record("invalid UTF-8 was read")
        } catch {
            #expect(!error.isMissingInput)
            #expect(
                error.diagnostics.map(YAMLTestParsing.brief) == [
                    "2:11: the file is not valid UTF-8 (unexpected byte 0xE9)"
                ])
        }
    }

    @Test("UTF-16 is named as such")
    func utf16() throws {
        let path = try temporaryFile([0xFF, 0xFE, 0x61, 0x00])
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(throws: DiagnosticError.self) { try YAMLParser.readSource(atPath: path) }
    }
}
