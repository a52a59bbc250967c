import Foundation
import Testing

@Suite("The mockcdp command line")
struct CommandLineTests {
    @Test("generate writes NDJSON and --check accepts its own output")
    func generateAndCheck() throws {
        let scenario = try writeScenario(storefront(users: 40))
        let golden = try temporaryFolder().appendingPathComponent("golden.ndjson").path
        let written = try runTool(["generate", scenario, "-o", golden])
        #expect(written.status == 0)
        #expect(written.output.isEmpty)
        let lines = try String(contentsOfFile: golden, encoding: .utf8).split(separator: "\n")
        #expect(lines.count > 50)

        let checked = try runTool(["generate", scenario, "--check", golden])
        #expect(checked.status == 0)
        #expect(checked.errors.contains("identical"))
    }

    @Test("--check names the first differing line")
    func checkFindsDifference() throws {
        let scenario = try writeScenario(storefront(users: 40))
        let golden = try temporaryFolder().appendingPathComponent("golden.ndjson").path
        #expect(try runTool(["generate", scenario, "-o", golden]).status == 0)
        var lines = try String(contentsOfFile: golden, encoding: .utf8)
            .split(separator: "\n", omittingEmptySubsequences: false)
        lines[9] =
            lines[9].replacingOccurrences(of: "\"timestamp\":\"2026", with: "\"timestamp\":\"2025")[
                ...]
        try lines.joined(separator: "\n").write(toFile: golden, atomically: true, encoding: .utf8)

        let column =
            try #require(lines[9].firstRange(of: "2025")).lowerBound.utf16Offset(in: lines[9]) + 4
        let run = try runTool(["generate", scenario, "--check", golden])
        #expect(run.status == 1)
        #expect(run.errors.contains("\(golden):10:\(column): the generated timeline differs"))
        #expect(run.errors.contains("\"timestamp\":\"2025"))
        #expect(run.errors.contains("\"timestamp\":\"2026"))

        let both = try runTool(["generate", scenario, "--check", golden, "-o", golden + ".new"])
        #expect(both.status == 64)
    }

    @Test("stdout output equals the file output")
    func stdoutMatchesFile() throws {
        let scenario = try writeScenario(storefront(users: 20))
        let file = try temporaryFolder().appendingPathComponent("out.ndjson").path
        #expect(try runTool(["generate", scenario, "--output=\(file)"]).status == 0)
        let printed = try runTool(["generate", scenario])
        #expect(printed.output == (try String(contentsOfFile: file, encoding: .utf8)))
    }

    @Test("--set changes a parameter and --seed the seed")
    func overrides() throws {
        let scenario = try writeScenario(
            storefront().replacingOccurrences(of: "users: 200", with: "users: ${visitors}")
                + "\nparams: {visitors: 10}\n")
        let small = try runTool(["generate", scenario])
        let large = try runTool(["generate", scenario, "--set", "visitors=30"])
        #expect(small.status == 0 && large.status == 0)
        #expect(
            small.output.split(separator: "\n").count < large.output.split(separator: "\n").count)
        let reseeded = try runTool(["generate", scenario, "--seed", "12345"])
        #expect(reseeded.output != small.output)
    }

    @Test("usage errors exit 64 with a suggestion")
    func usageErrors() throws {
        let unknownCommand = try runTool(["generat"])
        #expect(unknownCommand.status == 64)
        #expect(unknownCommand.errors.contains("did you mean 'generate'?"))

        let unknownOption = try runTool(["generate", "x.yaml", "--chek", "y"])
        #expect(unknownOption.status == 64)
        #expect(unknownOption.errors.contains("did you mean '--check'?"))

        #expect(try runTool([]).status == 64)
        #expect(try runTool(["generate", "x.yaml", "--seed", "-3"]).status == 64)
    }

    @Test("an option cut short is refused, with the one option it starts as a suggestion")
    func optionPrefixes() throws {
        // Each usage error stops before anything is read or sent.
        let cut = try runTool(["send", "x.ndjson", "--data-plane", "http://127.0.0.1:9"])
        #expect(cut.status == 64)
        #expect(
            cut.errors.contains(
                "unknown option '--data-plane'\n  hint: did you mean '--data-plane-url'?"),
            "\(cut.errors)")
        let withValue = try runTool(["send", "x.ndjson", "--concur=2"])
        #expect(withValue.status == 64)
        #expect(withValue.errors.contains("did you mean '--concurrency'?"))

        // A typo still gets the closest option.
        let typo = try runTool(["generate", "x.yaml", "--sed", "3"])
        #expect(typo.errors.contains("did you mean '--seed'?"))

        // A start shared by several options names none of them.
        let ambiguous = try runTool(["send", "x.ndjson", "--re"])
        #expect(ambiguous.status == 64)
        #expect(ambiguous.errors.contains("hint: see --help for the options"))
    }

    @Test("generate warns once about messages over 32 KB and writes them all the same")
    func oversizedMessages() throws {
        let note = String(repeating: "x", count: 33_000)
        let scenario = try writeScenario(
            storefront(users: 30).replacingOccurrences(
                of: "    - track: Checkout Started\n",
                with: "    - track: Checkout Started\n      properties: {note: \"\(note)\"}\n"))
        let file = try temporaryFolder().appendingPathComponent("out.ndjson").path
        let written = try runTool(["generate", scenario, "-o", file])
        #expect(written.status == 0)

        let lines = try String(contentsOfFile: file, encoding: .utf8).split(separator: "\n")
        let over = lines.indices.filter { lines[$0].utf8.count > 32_768 }
        let first = try #require(over.first) + 1
        #expect(over.count > 1)
        #expect(
            written.errors.hasSuffix(
                "warning: \(over.count) messages are over Segment's limit of 32768 bytes (32 KB); "
                    + "the first is line \(first)\n"
                    + "  hint: Segment drops a message over 32 KB, and mockcdp send skips it\n"),
            "\(written.errors)")

        // Standard output gets the same bytes, and the warning goes to standard error alone.
        let printed = try runTool(["generate", scenario])
        #expect(printed.status == 0)
        #expect(printed.output == (try String(contentsOfFile: file, encoding: .utf8)))
        #expect(printed.errors.hasPrefix("warning: \(over.count) messages are over"))
        #expect(try runTool(["lint", file]).status == 1)

        let plain = try runTool(["generate", try writeScenario(storefront(users: 30))])
        #expect(plain.errors.isEmpty)
    }

    @Test("help and version")
    func helpAndVersion() throws {
        let help = try runTool(["--help"])
        #expect(help.status == 0)
        for command in ["validate", "plan", "generate"] { #expect(help.output.contains(command)) }
        let generateHelp = try runTool(["generate", "--help"])
        #expect(generateHelp.output.contains("--check GOLDEN"))
        #expect(try runTool(["--version"]).output.hasPrefix("mockcdp "))
    }

    @Test("plan prints the resolved plan as JSON")
    func planJSON() throws {
        let scenario = try writeScenario(storefront())
        let run = try runTool(["plan", scenario])
        #expect(run.status == 0)
        let json = try #require(
            JSONSerialization.jsonObject(with: Data(run.output.utf8)) as? [String: Any])
        #expect(json["scenario"] as? String == "test-storefront")
        #expect(json["durationMillis"] as? Int == 6 * 3_600_000)
        let population = try #require(json["population"] as? [String: Any])
        #expect(population["users"] as? Int == 200)
    }
}
