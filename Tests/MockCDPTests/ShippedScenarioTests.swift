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
