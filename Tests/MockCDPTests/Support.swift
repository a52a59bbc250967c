import Foundation
import MockCDP
import MockCDPCLI
import Testing

/// The repository's root folder, found from this file's path.
let repositoryRoot = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// A fresh temporary folder for one test.
func temporaryFolder() throws -> URL {
    let url = FileManager.default.temporaryDirectory
        .appendingPathComponent("mockcdp-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// Writes `text` to a file in a temporary folder and returns its path.
func writeScenario(_ text: String, name: String = "scenario.yaml") throws -> String {
    let url = try temporaryFolder().appendingPathComponent(name)
    try text.write(to: url, atomically: true, encoding: .utf8)
    return url.path
}

/// What a run of the command line tool printed, and its exit status.
struct ToolRun {
    var status: Int32
    var output: String
    var errors: String
}

/// Runs `mockcdp` in process with its output captured in files.
func runTool(_ arguments: [String]) throws -> ToolRun {
    let folder = try temporaryFolder()
    let outPath = folder.appendingPathComponent("stdout").path
    let errPath = folder.appendingPathComponent("stderr").path
    try Data().write(to: URL(fileURLWithPath: outPath))
    try Data().write(to: URL(fileURLWithPath: errPath))
    let out = try #require(FileHandle(forWritingAtPath: outPath))
    let err = try #require(FileHandle(forWritingAtPath: errPath))
    let status = CommandLineTool.run(
        arguments, terminal: Terminal(output: out, errors: err, errorsIsTerminal: false))
    try out.close()
    try err.close()
    return ToolRun(
        status: status,
        output: try String(contentsOfFile: outPath, encoding: .utf8),
        errors: try String(contentsOfFile: errPath, encoding: .utf8))
}

/// Loads a scenario from YAML text, failing the test with the rendered diagnostics if it is invalid.
func plan(_ yaml: String, options: CompileOptions = CompileOptions()) throws -> Plan {
    let path = try writeScenario(yaml)
    var loader = ScenarioLoader()
    do {
        return try loader.load(path, options: options)
    } catch {
        let rendered = DiagnosticRenderer(sources: loader.sources).render(error.diagnostics)
        Issue.record("scenario is invalid:\n\(rendered)")
        throw error
    }
}

/// Every event of a plan's timeline.
func events(_ plan: Plan) -> [TimelineEvent] {
    Array(Timeline(plan: plan))
}

/// The timeline as NDJSON text, as `generate` writes it.
func ndjson(_ plan: Plan) -> [UInt8] {
    var bytes: [UInt8] = []
    for event in Timeline(plan: plan) {
        bytes += event.json
        bytes.append(UInt8(ascii: "\n"))
    }
    return bytes
}

/// The messages of a timeline as JSON dictionaries.
func messages(_ plan: Plan) throws -> [[String: Any]] {
    try events(plan).map { event in
        try #require(JSONSerialization.jsonObject(with: Data(event.json)) as? [String: Any])
    }
}

/// A small storefront scenario; `users` and `rates` vary per test.
func storefront(
    users: Int = 200, seed: Int = 7, cartRate: String = "30%", checkoutRate: String = "60%",
    orderRate: String = "70%", arrivals: String = "uniform"
) -> String {
    """
    scenario: test-storefront
    version: 1
    seed: \(seed)
    start: 2026-03-01T09:00:00+01:00
    duration: 6h
    timezone: Europe/Berlin
    store:
      currency: EUR
      tax: 19%
      shipping: 4.95
      free_shipping_over: 60
      coupons:
        - {code: SPRING15, off: 15%, share: 30%}
    catalog:
      products:
        - {id: tr-1, name: Trail Runner, brand: Northwind, category: Shoes, variant: "42", price: 89.99, weight: 3}
        - {id: mug-2, name: Café Mug, brand: Contoso, category: Kitchen, price: 12.5}
        - {id: lamp-3, name: Desk Lamp, brand: Globex, category: Home, price: 34,
           image: "https://cdn.example.com/lamp.jpg"}
    population:
      users: \(users)
      arrivals: \(arrivals)
      identified: 25%
      traits: [name, email, phone, address, created_at]
      context:
        locales: {de-DE: 60%, en-GB: 40%}
        devices: {desktop: 50%, mobile: 40%, tablet: 10%}
        campaigns:
          - {weight: 20%, source: newsletter, medium: email, name: spring}
    funnels:
      purchase:
        - page: Home
        - track: Product Viewed
          repeat: 1..3
          after: exponential(30s)
        - track: Product Added
          rate: \(cartRate)
          quantity: 1..2
          after: 10s..2m
        - track: Product Viewed
          rate: 50%
        - track: Product Added
          rate: 40%
        - identify:
          rate: 80%
        - track: Checkout Started
          rate: \(checkoutRate)
        - track: Order Completed
          rate: \(orderRate)
          after: lognormal(2m, 0.5) in 20s..10m
    """
}
