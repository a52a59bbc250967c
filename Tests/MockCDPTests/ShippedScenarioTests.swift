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
            String(name.dropLast(".yaml".count)) + ".ndjson").path
        let expected = try #require(FileManager.default.contents(atPath: golden), "missing \(golden)")
        var loader = ScenarioLoader()
        let plan = try loader.load(scenario)
        #expect(ndjson(plan) == [UInt8](expected), "regenerate with: mockcdp generate \(scenario) -o \(golden)")
    }
}
