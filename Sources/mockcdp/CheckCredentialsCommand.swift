import Foundation
import MockCDP

/// `mockcdp check-credentials`: one labelled test event, and a report of how it went.
enum CheckCredentialsCommand {
    static let help = """
        usage: mockcdp check-credentials [--data-plane-url URL | --region us|eu]
                                         [--write-key-file PATH]

        Sends one track event named "MockCDP Credentials Check" (properties.test = true) and
        reports name resolution, the TCP connection, TLS, the HTTP status and the latency.

        Segment answers 200 even for an invalid write key: after a 200, confirm that the event
        arrived in the source's Debugger (Segment app > Connections > Sources > your source >
        Debugger).

        The write key comes from $SEGMENT_WRITE_KEY or --write-key-file.

        exit status: 0 accepted, 64 usage, 65 request refused as malformed, 69 unreachable,
        75 server error or timeout, 77 write key refused (401/403)
        """

    static func run(_ arguments: [String]) async -> Int32 {
        if arguments.contains("--help") || arguments.contains("-h") {
            print(help)
            return 0
        }
        if arguments.contains(where: { $0 == "--write-key" || $0.hasPrefix("--write-key=") }) {
            printError("mockcdp check-credentials: error: \(WriteKeyError.givenOnCommandLine)")
            return 64
        }
        let reader: ArgumentReader
        let dataPlane: DataPlane
        do {
            reader = try ArgumentReader(
                arguments, valued: ["write-key-file", "data-plane-url", "region"], switches: [])
            guard reader.positional.isEmpty else { throw UsageError("takes no file") }
            if reader.options["data-plane-url"] != nil && reader.options["region"] != nil {
                throw UsageError("give --data-plane-url or --region, not both")
            }
            if let region = reader.options["region"] {
                dataPlane = try DataPlane.region(region)
            } else {
                dataPlane = try DataPlane(
                    reader.options["data-plane-url"] ?? DataPlane.unitedStates)
            }
        } catch let error as UsageError {
            printError("mockcdp check-credentials: error: \(error.message)")
            return 64
        } catch {
            printError("mockcdp check-credentials: error: \(error)")
            return 64
        }

        let key: WriteKey
        do {
            key = try WriteKey.load(file: reader.options["write-key-file"])
        } catch {
            printError("mockcdp check-credentials: error: \(error)")
            return error == .missing ? 64 : 66
        }
        let check = CredentialsCheck(
            dataPlane: dataPlane, writeKey: key, userAgent: "mockcdp/\(mockcdpVersion)",
            version: mockcdpVersion)
        let report = await check.run()
        print(report.text, terminator: "")
        return report.exitStatus
    }
}
