import Foundation
import MockCDP
import Testing

/// Writes files into one new temporary folder; returns the folder's path.
func writeFiles(_ files: [String: String]) throws -> String {
    let folder = try temporaryFolder()
    for (name, text) in files {
        let url = folder.appendingPathComponent(name)
        try FileManager.default.createDirectory(
            at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: url, atomically: true, encoding: .utf8)
    }
    return folder.path
}

@Suite("Including files and typed parameters")
struct IncludeTests {
    /// One scenario written out in a single file.
    static let whole = """
        scenario: split-shop
        version: 1
        seed: 42
        start: 2026-05-01T08:00:00-04:00
        duration: 3h
        timezone: America/New_York
        params:
          visitors: 120
          cart_rate: 35%
          browse: 20s
        store:
          currency: USD
          tax: 8%
          shipping: 5
        catalog:
          products:
            - {id: mug, name: Mug, brand: Acme, category: Kitchen, price: 12}
            - {id: cup, name: Cup, brand: Acme, category: Kitchen, price: 9, weight: 2}
            - {id: lamp, name: Lamp, brand: Acme, category: Home, price: 40}
        population:
          users: ${visitors}
          identified: 30%
          traits: [name, email, phone]
          context:
            devices: {desktop: 60%, mobile: 40%}
        funnels:
          purchase:
            weight: 3
            steps:
              - page: Home
              - track: Product Viewed
                after: exponential(${browse})
                repeat: 1..3
              - track: Product Added
                rate: ${cart_rate}
              - track: Checkout Started
                rate: 50%
              - track: Order Completed
                rate: 80%
          browse:
            - page: Home
            - track: Product Viewed
              after: exponential(${browse})
        """

    /// The same scenario split across three files, with anchors, merge keys and typed params.
    static let split = [
        "shop.yaml": """
        include: [common/store.yaml]
        scenario: split-shop
        version: 1
        seed: 42
        start: 2026-05-01T08:00:00-04:00
        duration: 3h
        timezone: America/New_York
        params:
          visitors: {type: number, default: 120}
          cart_rate: {type: rate, default: 35%}
          browse: {type: duration, default: 20s}
        population:
          users: ${visitors}
          identified: 30%
        funnels: !include funnels/main.yaml
        """,
        "common/store.yaml": """
        store:
          currency: USD
          tax: 8%
          shipping: 5
        x-kitchen: &kitchen {brand: Acme, category: Kitchen}
        catalog:
          products:
            - {<<: *kitchen, id: mug, name: Mug, price: 12}
            - {<<: *kitchen, id: cup, name: Cup, price: 9, weight: 2}
            - {<<: *kitchen, id: lamp, name: Lamp, category: Home, price: 40}
        population:
          users: 1
          traits: [name, email, phone]
          context:
            devices: {desktop: 60%, mobile: 40%}
        """,
        "funnels/main.yaml": """
        purchase:
          weight: 3
          steps:
            - &home {page: Home}
            - &view
              track: Product Viewed
              after: exponential(${browse})
              repeat: 1..3
            - !include checkout.yaml
        browse:
          - *home
          - {<<: *view, repeat: 1}
        """,
        "funnels/checkout.yaml": """
        - track: Product Added
          rate: ${cart_rate}
        - track: Checkout Started
          rate: 50%
        - track: Order Completed
          rate: 80%
        """,
    ]

    func load(_ path: String, options: CompileOptions = CompileOptions()) throws -> Plan {
        var loader = ScenarioLoader()
        return try loader.load(path, options: options)
    }

    @Test("a scenario split across files compiles to the same NDJSON as one file")
    func splitEqualsWhole() throws {
        let folder = try writeFiles(Self.split)
        let split = try load(folder + "/shop.yaml")
        let whole = try plan(Self.whole)
        let bytes = ndjson(split)
        #expect(bytes == ndjson(whole))
        #expect(bytes.count > 10_000)
    }

    @Test("--set overrides a typed parameter declared in a split scenario")
    func overrideSplit() throws {
        let folder = try writeFiles(Self.split)
        let options = CompileOptions(overrides: [("visitors", "7"), ("cart_rate", "0.5")])
        let split = try load(folder + "/shop.yaml", options: options)
        let whole = try plan(Self.whole, options: options)
        #expect(split.population.users == 7)
        #expect(ndjson(split) == ndjson(whole))
    }

    @Test("a missing included file is reported where it is included, with the chain")
    func missingFile() throws {
        var files = Self.split
        files["funnels/checkout.yaml"] = "- !include steps/pay.yaml\n"
        let folder = try writeFiles(files)
        let run = try runTool(["validate", folder + "/shop.yaml"])
        #expect(run.status == 65)
        let expected = [
            "\(folder)/funnels/checkout.yaml:1:3: error: cannot read "
                + "'\(folder)/funnels/steps/pay.yaml': no such file",
            "    - !include steps/pay.yaml",
            "      ^",
            "  hint: include paths are relative to the including file's folder, \(folder)/funnels/",
            "  note: included from \(folder)/funnels/main.yaml:9:7",
            "  note: included from \(folder)/shop.yaml:15:10\n",
        ]
        #expect(run.errors.contains(expected.joined(separator: "\n")))
    }

    @Test("an include cycle is an error naming the files in the loop")
    func cycle() throws {
        var files = Self.split
        files["funnels/checkout.yaml"] = "- !include main.yaml\n"
        let folder = try writeFiles(files)
        let run = try runTool(["validate", folder + "/shop.yaml"])
        #expect(run.status == 65)
        #expect(
            run.errors.contains(
                "\(folder)/funnels/checkout.yaml:1:3: error: include cycle: "
                    + "main.yaml includes checkout.yaml includes main.yaml\n"))
        #expect(run.errors.contains("  note: included from \(folder)/funnels/main.yaml:9:7\n"))
    }

    @Test("a file that includes itself at the top is a cycle")
    func selfInclude() throws {
        let folder = try writeFiles(["a.yaml": "include: a.yaml\nscenario: a\n"])
        let run = try runTool(["validate", folder + "/a.yaml"])
        #expect(run.status == 65)
        #expect(run.errors.contains("a.yaml:1:10: error: include cycle: a.yaml includes a.yaml"))
    }

    @Test("an error inside an included file shows that file's line and the include")
    func errorInIncludedFile() throws {
        var files = Self.split
        files["funnels/checkout.yaml"] = Self.split["funnels/checkout.yaml"]!
            .replacingOccurrences(of: "rate: 50%", with: "rate: 150%")
        let folder = try writeFiles(files)
        let run = try runTool(["validate", folder + "/shop.yaml"])
        #expect(run.status == 65)
        let expected = [
            "\(folder)/funnels/checkout.yaml:4:9: error: rate must be between 0% and "
                + "100%; got 150%",
            "      rate: 150%",
            "            ^\n",
        ]
        #expect(run.errors.contains(expected.joined(separator: "\n")))
        #expect(run.errors.contains("  note: included from \(folder)/funnels/main.yaml:9:7\n"))
    }

    @Test("a duplicate key in an included file is reported with the scenario's other errors")
    func duplicateKeyInIncludedFile() throws {
        var files = Self.split
        files["funnels/checkout.yaml"] = Self.split["funnels/checkout.yaml"]!
            .replacingOccurrences(of: "rate: 50%", with: "rate: 50%\n  rate: 60%")
        files["shop.yaml"] = Self.split["shop.yaml"]!
            .replacingOccurrences(of: "identified: 30%", with: "identified: 130%")
        let folder = try writeFiles(files)
        let run = try runTool(["validate", folder + "/shop.yaml"])
        #expect(run.status == 65)
        let expected = [
            "\(folder)/funnels/checkout.yaml:5:3: error: duplicate key 'rate'; it is already "
                + "set on line 4",
            "      rate: 60%",
            "      ^",
            "  hint: keep one of the two; a mapping cannot hold a key twice",
            "  note: included from \(folder)/funnels/main.yaml:9:7",
            "  note: included from \(folder)/shop.yaml:15:10\n",
        ]
        #expect(run.errors.contains(expected.joined(separator: "\n")))
        #expect(run.errors.contains("\(folder)/shop.yaml:14:15: error: "))
        #expect(run.errors.hasSuffix("2 errors\n"))
    }

    @Test("a syntax error in an included file is reported in that file")
    func syntaxErrorInIncludedFile() throws {
        var files = Self.split
        files["common/store.yaml"] = "store: {currency: USD\n"
        let folder = try writeFiles(files)
        let run = try runTool(["validate", folder + "/shop.yaml"])
        #expect(run.status == 65)
        #expect(run.errors.contains("\(folder)/common/store.yaml:"))
        #expect(run.errors.contains("  note: included from \(folder)/shop.yaml:1:11\n"))
    }

    @Test("a file included at the top must be a mapping")
    func topIncludeOfList() throws {
        var files = Self.split
        files["shop.yaml"] = Self.split["shop.yaml"]!
            .replacingOccurrences(of: "[common/store.yaml]", with: "[funnels/checkout.yaml]")
        let folder = try writeFiles(files)
        let run = try runTool(["validate", folder + "/shop.yaml"])
        #expect(run.status == 65)
        #expect(
            run.errors.contains(
                "shop.yaml:1:11: error: a file included at the top must hold a mapping; "
                    + "'funnels/checkout.yaml' holds a list"))
    }

    @Test("the including file's keys win over included ones, mappings merging deeply")
    func mergeOrder() throws {
        let folder = try writeFiles(Self.split)
        let plan = try load(folder + "/shop.yaml")
        #expect(plan.population.users == 120)
        #expect(plan.population.traits == [.name, .email, .phone])
        #expect(plan.population.identified == Rate(0.3))
    }

    @Test("a typed parameter's default must fit its type")
    func typedDefault() throws {
        let path = try writeScenario(
            Self.whole.replacingOccurrences(
                of: "visitors: 120", with: "visitors: {type: rate, default: lots}"))
        let run = try runTool(["validate", path])
        #expect(run.status == 65)
        #expect(
            run.errors.contains(
                ":8:35: error: the default of 'visitors' is not a rate; got 'lots'"))
    }

    @Test("an unknown parameter type gets a suggestion")
    func unknownType() throws {
        let path = try writeScenario(
            Self.whole.replacingOccurrences(
                of: "visitors: 120", with: "visitors: {type: numbr, default: 120}"))
        let run = try runTool(["validate", path])
        #expect(run.status == 65)
        #expect(run.errors.contains("unknown parameter type 'numbr'"))
        #expect(run.errors.contains("did you mean 'number'?"))
    }

    @Test("--set is checked against a parameter's declared type")
    func overrideTypeChecked() throws {
        let path = try writeScenario(
            Self.whole.replacingOccurrences(
                of: "browse: 20s", with: "browse: {type: duration, default: 20s}"))
        let run = try runTool(["validate", path, "--set", "browse=20", "--set", "visitors=lots"])
        #expect(run.status == 65)
        #expect(run.errors.contains("--set browse=20: 'browse' is a duration parameter"))
        #expect(run.errors.contains("--set visitors=lots: 'visitors' is a number parameter"))
    }
}
