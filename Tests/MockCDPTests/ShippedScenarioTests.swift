import Foundation
import MockCDP
import Testing

/// The scenarios shipped in `Scenarios/`, each with its golden NDJSON beside it.
let shippedScenarios: [String] = {
    let folder = repositoryRoot.appendingPathComponent("Scenarios")
    let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
    return names.filter { $0.hasSuffix(".yaml") }.sorted()
}()

@Suite("Shipped scenarios")
struct ShippedScenarioTests {
    @Test("there are at least three shipped scenarios")
    func count() {
        #expect(shippedScenarios.count >= 3)
    }

    @Test("each compiles to its golden NDJSON, byte for byte", arguments: shippedScenarios)
    func golden(name: String) throws {
        let folder = repositoryRoot.appendingPathComponent("Scenarios")
        let scenario = folder.appendingPathComponent(name).path
        let golden = folder.appendingPathComponent(
            String(name.dropLast(".yaml".count)) + ".ndjson"
        ).path
        let handle = try #require(FileHandle(forReadingAtPath: golden), "missing \(golden)")
        defer { try? handle.close() }
        var loader = ScenarioLoader()
        var comparison = GoldenComparison(golden: handle)
        for event in Timeline(plan: try loader.load(scenario)) {
            try comparison.write(event)
        }
        try comparison.finish()
        if let difference = comparison.difference {
            Issue.record(
                """
                \(golden):\(difference.line) differs; regenerate with
                mockcdp generate \(scenario) -o \(golden) if the change is intended
                expected: \(difference.expected?.prefix(300) ?? "end of file")
                actual:   \(difference.actual?.prefix(300) ?? "end of timeline")
                """)
        }
        #expect(loader.warnings.isEmpty, "shipped scenarios should not warn")
    }
}

@Suite("Shipped golden files")
struct ShippedGoldenShapeTests {
    @Test(
        "every line carries the common Segment fields and lines are in time order",
        arguments: shippedScenarios)
    func commonFields(name: String) throws {
        let golden = repositoryRoot.appendingPathComponent("Scenarios")
            .appendingPathComponent(String(name.dropLast(".yaml".count)) + ".ndjson")
        let text = try String(contentsOf: golden, encoding: .utf8)
        var previous = ""
        var ids = Set<String>()
        for (index, line) in text.split(separator: "\n").enumerated() {
            let message = try #require(
                JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            let context = try #require(message["context"] as? [String: Any])
            for key in ["library", "ip", "userAgent", "locale", "timezone"] {
                #expect(context[key] != nil, "\(name) line \(index + 1): no context.\(key)")
            }
            if message["type"] as? String == "page" {
                #expect(context["page"] is [String: Any], "\(name) line \(index + 1)")
            }
            let id = try #require(message["messageId"] as? String)
            #expect(ids.insert(id).inserted && id.count <= 100)
            let timestamp = try #require(message["timestamp"] as? String)
            #expect(timestamp >= previous, "\(name) line \(index + 1) goes back in time")
            previous = timestamp
        }
    }
}
