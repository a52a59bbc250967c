import Foundation
import MockCDP

/// Where a command writes: data to `output`, messages and progress to `errors`.
public struct Terminal: @unchecked Sendable {
    public var output: FileHandle
    public var errors: FileHandle
    /// Whether `errors` is a terminal, so that progress lines may redraw in place.
    public var errorsIsTerminal: Bool

    public init(output: FileHandle, errors: FileHandle, errorsIsTerminal: Bool) {
        self.output = output
        self.errors = errors
        self.errorsIsTerminal = errorsIsTerminal
    }

    public static var standard: Terminal {
        Terminal(
            output: .standardOutput, errors: .standardError,
            errorsIsTerminal: isatty(FileHandle.standardError.fileDescriptor) != 0)
    }

    /// Writes a message for the user; a standard error that cannot be written to (closed,
    /// or a full disk) loses the message rather than stopping the command.
    func say(_ text: String) {
        try? errors.write(contentsOf: Data(text.utf8))
    }

    /// Writes data: a failure is the command's failure, exit status 74.
    func print(_ text: String) throws(OutputError) {
        do {
            try output.write(contentsOf: Data(text.utf8))
        } catch {
            throw OutputError(message: "cannot write to standard output: \(describe(error))")
        }
    }
}

/// A subcommand of `mockcdp`.
protocol Command {
    static var name: String { get }
    static var summary: String { get }
    static var help: String { get }
    static func run(_ arguments: [String], terminal: Terminal) throws -> ExitCode
}

/// A subcommand as the dispatcher sees it.
struct CommandEntry {
    var name: String
    var summary: String
    var help: String
    var run: ([String], Terminal) throws -> ExitCode

    init<C: Command>(_ command: C.Type) {
        name = C.name
        summary = C.summary
        help = C.help
        run = C.run
    }
}

/// The `mockcdp` command: dispatches to subcommands and turns errors into exit statuses.
public enum CommandLineTool {
    static var commands: [CommandEntry] {
        [
            CommandEntry(ValidateCommand.self), CommandEntry(PlanCommand.self),
            CommandEntry(GenerateCommand.self), CommandEntry(StatsCommand.self),
            CommandEntry(LintCommand.self), CommandEntry(MergeCommand.self),
            CommandEntry(SendCommand.self),
            CommandEntry(CheckCredentialsCommand.self),
        ]
    }

    public static func run(_ arguments: [String], terminal: Terminal = .standard) -> Int32 {
        guard let first = arguments.first else {
            terminal.say(usage)
            return ExitCode.usage.rawValue
        }
        switch first {
        case "-h", "--help", "help":
            let text =
                commands.first { arguments.count > 1 && $0.name == arguments[1] }?.help ?? usage
            return printing(text, terminal: terminal)
        case "--version", "version":
            return printing("\(Release.name) \(Release.version)\n", terminal: terminal)
        default:
            break
        }
        guard let command = commands.first(where: { $0.name == first }) else {
            let suggestion = Suggestions.closest(to: first, in: commands.map(\.name))
            terminal.say(
                "mockcdp: unknown command '\(first)'\n"
                    + (suggestion.map { "  hint: did you mean '\($0)'?\n" } ?? "")
                    + "Run 'mockcdp --help' to see the commands.\n")
            return ExitCode.usage.rawValue
        }
        let rest = Array(arguments.dropFirst())
        if rest.contains("--help") || rest.contains("-h") {
            return printing(command.help, terminal: terminal)
        }
        do {
            return try command.run(rest, terminal).rawValue
        } catch let error as UsageError {
            terminal.say(
                "mockcdp \(command.name): \(error.message)\n"
                    + (error.hint.map { "  hint: \($0)\n" } ?? "")
                    + "Run 'mockcdp \(command.name) --help' for usage.\n")
            return ExitCode.usage.rawValue
        } catch let reported as ReportedDiagnostics {
            terminal.say(reported.text)
            return reported.exitCode.rawValue
        } catch let error as DiagnosticError {
            terminal.say(DiagnosticRenderer().render(error.diagnostics))
            return (error.isMissingInput ? ExitCode.noInput : ExitCode.dataError).rawValue
        } catch let error as OutputError {
            terminal.say("mockcdp \(command.name): \(error.message)\n")
            return ExitCode.ioError.rawValue
        } catch let error as CocoaError where error.isFileWriteError {
            terminal.say("mockcdp \(command.name): cannot write the output: \(describe(error))\n")
            return ExitCode.ioError.rawValue
        } catch {
            terminal.say("mockcdp \(command.name): \(error)\n")
            return ExitCode.failure.rawValue
        }
    }

    static var usage: String {
        let width = commands.map(\.name.count).max() ?? 0
        let lines = commands.map {
            "  \($0.name.padding(toLength: width + 2, withPad: " ", startingAt: 0))\($0.summary)"
        }
        return """
            mockcdp \(Release.version): compile YAML shopper scenarios into Segment event timelines

            Usage: mockcdp <command> [options]

            Commands:
            \(lines.joined(separator: "\n"))

            Options:
              -h, --help      show help (also 'mockcdp help <command>')
              --version       print the version

            Exit status: 0 success, 1 --check found a difference or lint found errors,
            64 usage error, 65 invalid input, 66 missing input, 69 service unavailable,
            73 checkpoint not writable, 74 output error, 75 temporary failure (retry later),
            77 write key refused, 130 interrupted.

            """
    }
}

/// An output file could not be written (exit status 74).
struct OutputError: Error {
    var message: String
}

extension CommandLineTool {
    /// Prints help or version text: 0, or 74 when standard output cannot be written.
    fileprivate static func printing(_ text: String, terminal: Terminal) -> Int32 {
        do {
            try terminal.print(text)
            return ExitCode.success.rawValue
        } catch {
            terminal.say("mockcdp: \(error.message)\n")
            return ExitCode.ioError.rawValue
        }
    }
}

extension CocoaError {
    /// Whether the error is Foundation's for a file that could not be written: a full disk,
    /// no permission, a closed pipe.
    var isFileWriteError: Bool {
        (CocoaError.Code.fileWriteUnknown
            .rawValue...CocoaError.Code.fileWriteVolumeReadOnly.rawValue)
            .contains(code.rawValue)
    }
}

/// What went wrong, in the system's words where it has them ("No space left on device")
/// rather than Foundation's error dump.
func describe(_ error: any Error) -> String {
    let error = error as NSError
    if let underlying = error.userInfo[NSUnderlyingErrorKey] as? NSError,
        underlying.domain == NSPOSIXErrorDomain
    {
        return String(cString: strerror(Int32(underlying.code)))
    }
    if error.domain == NSPOSIXErrorDomain { return String(cString: strerror(Int32(error.code))) }
    return error.localizedDescription
}
