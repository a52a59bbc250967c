/// Exit statuses, following the BSD `sysexits.h` conventions that scripts already know.
public enum ExitCode: Int32, Sendable {
    case success = 0
    /// The command ran but its answer is "no": `--check` found a difference.
    case failure = 1
    /// The command line was wrong: an unknown flag, a missing argument.
    case usage = 64
    /// The input was read but is not valid: a scenario or NDJSON error.
    case dataError = 65
    /// An input file does not exist or cannot be read.
    case noInput = 66
    /// A service could not be reached.
    case unavailable = 69
    /// A file the command keeps (a send checkpoint) could not be created.
    case cannotCreate = 73
    /// An output file could not be written.
    case ioError = 74
    /// A temporary failure: retrying later may work.
    case temporaryFailure = 75
    /// The service refused the credentials (HTTP 401 or 403).
    case noPermission = 77
    /// Stopped by Ctrl-C.
    case interrupted = 130
}
