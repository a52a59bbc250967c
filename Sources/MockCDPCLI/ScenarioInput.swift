import Foundation
import MockCDP

/// Diagnostics already rendered with their source lines, ready for stderr.
struct ReportedDiagnostics: Error {
    var text: String
    var exitCode: ExitCode
}

/// The options every command that compiles a scenario shares: `--seed` and `--set`.
enum ScenarioInput {
    static let options: [Arguments.Option] = [
        .init(name: "seed", short: nil, takesValue: true),
        .init(name: "set", short: nil, takesValue: true),
    ]

    static let optionsHelp = """
          --seed N             use seed N instead of the scenario's own
          --set NAME=VALUE     override a parameter; repeat for several
        """

    static func compileOptions(_ arguments: Arguments) throws(UsageError) -> CompileOptions {
        var options = CompileOptions()
        if let text = arguments.value("seed") {
            // The same range as a scenario's own `seed:`, so that any seed can be written in both.
            guard let seed = Int64(text), seed >= 0 else {
                throw UsageError(
                    message: "--seed must be a whole number from 0 to 2^63-1; got '\(text)'")
            }
            options.seed = UInt64(seed)
        }
        for assignment in arguments.all("set") {
            guard let equals = assignment.firstIndex(of: "="), equals != assignment.startIndex
            else {
                throw UsageError(
                    message: "--set needs NAME=VALUE; got '\(assignment)'",
                    hint: "for example --set visitors=5000")
            }
            options.overrides.append(
                (
                    String(assignment[..<equals]),
                    String(assignment[assignment.index(after: equals)...])
                ))
        }
        return options
    }

    /// Loads and checks a scenario; warnings go to stderr, errors are thrown rendered.
    static func load(_ path: String, options: CompileOptions, terminal: Terminal) throws -> Plan {
        var loader = ScenarioLoader()
        do {
            let plan = try loader.load(path, options: options)
            if !loader.warnings.isEmpty {
                terminal.say(DiagnosticRenderer(sources: loader.sources).render(loader.warnings))
            }
            return plan
        } catch {
            let text = DiagnosticRenderer(sources: loader.sources).render(error.diagnostics)
            let errors = error.diagnostics.filter { $0.severity == .error }.count
            let summary = errors > 1 ? "\(errors) errors\n" : ""
            throw ReportedDiagnostics(
                text: text + summary, exitCode: error.isMissingInput ? .noInput : .dataError)
        }
    }
}
