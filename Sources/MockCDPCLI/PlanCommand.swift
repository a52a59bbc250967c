import Foundation
import MockCDP

/// `mockcdp plan FILE`: prints the checked intermediate plan as JSON.
enum PlanCommand: Command {
    static let name = "plan"
    static let summary = "print the checked plan of a scenario as JSON"
    static let help = """
        Usage: mockcdp plan FILE [--seed N] [--set NAME=VALUE]...

        Prints the resolved plan the planner expands: parameters substituted,
        durations in milliseconds, money in minor units, rates as fractions.
        Useful to review what a scenario means and to diff two versions of it.

        Options:
        \(ScenarioInput.optionsHelp)

        """

    static func run(_ arguments: [String], terminal: Terminal) throws -> ExitCode {
        let parsed = try Arguments(arguments, options: ScenarioInput.options)
        guard parsed.positional.count == 1, let path = parsed.positional.first else {
            throw UsageError(
                message: "give exactly one scenario file", hint: "mockcdp plan shop.yaml")
        }
        let plan = try ScenarioInput.load(
            path, options: try ScenarioInput.compileOptions(parsed), terminal: terminal)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try terminal.print(String(decoding: try encoder.encode(plan), as: UTF8.self) + "\n")
        return .success
    }
}
