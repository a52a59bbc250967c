import Foundation
import MockCDP

/// `mockcdp check-credentials`: one labelled test event, and a report of how it went.
enum CheckCredentialsCommand: Command {
    static let name = "check-credentials"
    static let summary = "send one test event and report how the data plane answered"
    static let help = """
        Usage: mockcdp check-credentials [--data-plane-url URL | --region us|eu]
                                         [--write-key-file PATH]

        Sends one track event named "MockCDP Credentials Check" (properties.test = true) and
        reports name resolution, the TCP connection, TLS, the HTTP status and the latency.

        Segment answers 200 even for an invalid write key: after a 200, confirm that the
        event arrived in the source's Debugger (Segment app > Connections > Sources > your
        source > Debugger).

        The write key comes from $SEGMENT_WRITE_KEY or --write-key-file.

        Exit status: 0 accepted, 64 usage, 65 refused as malformed, 66 unreadable key file,
        69 unreachable, 75 server error or timeout, 77 write key refused (401/403).

        """

    static func run(_ arguments: [String], terminal: Terminal) throws -> ExitCode {
        if arguments.contains(where: { $0 == "--write-key" || $0.hasPrefix("--write-key=") }) {
            throw UsageError(message: WriteKeyError.givenOnCommandLine.description)
        }
        let parsed = try Arguments(
            arguments,
            options: ["write-key-file", "data-plane-url", "region"].map {
                Arguments.Option(name: $0, short: nil, takesValue: true)
            })
        guard parsed.positional.isEmpty else {
            throw UsageError(message: "check-credentials takes no file")
        }
        let dataPlane = try SendOptions.dataPlane(parsed)
        let key: WriteKey
        do {
            key = try WriteKey.load(file: parsed.value("write-key-file"))
        } catch .missing {
            throw UsageError(message: WriteKeyError.missing.description)
        } catch {
            throw ReportedDiagnostics(
                text: "mockcdp check-credentials: \(error)\n", exitCode: .noInput)
        }
        let check = CredentialsCheck(
            dataPlane: dataPlane, writeKey: key, userAgent: "\(Release.name)/\(Release.version)",
            version: Release.version)
        let report = waitFor { await check.run() }
        try terminal.print(report.text)
        return ExitCode(rawValue: report.exitStatus) ?? .failure
    }
}
