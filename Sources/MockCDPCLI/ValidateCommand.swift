import MockCDP

/// `mockcdp validate FILE…`: checks scenarios and reports every problem.
enum ValidateCommand: Command {
    static let name = "validate"
    static let summary = "check scenario files and report every problem"
    static let help = """
        Usage: mockcdp validate FILE... [--set NAME=VALUE]...

        Parses and checks each scenario. Problems are reported as
        file:line:col: error: message, with the source line, a caret and a hint.
        Every problem of every file is reported in one run.

        Options:
        \(ScenarioInput.optionsHelp)

        Exit status: 0 when every file is valid (warnings allowed), 65 when a file
        has errors, 66 when a file cannot be read, 64 for a usage error.

        """

    static func run(_ arguments: [String], terminal: Terminal) throws -> ExitCode {
        let parsed = try Arguments(arguments, options: ScenarioInput.options)
        guard !parsed.positional.isEmpty else {
            throw UsageError(message: "no scenario file given", hint: "mockcdp validate shop.yaml")
        }
        let options = try ScenarioInput.compileOptions(parsed)
        var worst = ExitCode.success
        for path in parsed.positional {
            do {
                let plan = try ScenarioInput.load(path, options: options, terminal: terminal)
                let steps = plan.funnels.map(\.steps.count).reduce(0, +)
                terminal.say(
                    "\(path): ok (\(plan.population.users) users, \(plan.funnels.count) funnel"
                        + "\(plan.funnels.count == 1 ? "" : "s"), \(steps) step\(steps == 1 ? "" : "s"))\n"
                )
            } catch let reported as ReportedDiagnostics {
                terminal.say(reported.text)
                if worst == .success || reported.exitCode == .dataError {
                    worst = reported.exitCode
                }
            }
        }
        return worst
    }
}
