import Foundation
import MockCDP

/// The tool's version, sent in the `User-Agent` of every request.
let mockcdpVersion = "0.1.0"

let arguments = Array(CommandLine.arguments.dropFirst())
let status: Int32
switch arguments.first {
case "send":
    status = await SendCommand.run(Array(arguments.dropFirst()))
case "check-credentials":
    status = await CheckCredentialsCommand.run(Array(arguments.dropFirst()))
case "--version":
    print("mockcdp \(mockcdpVersion)")
    status = 0
default:
    FileHandle.standardError.write(
        Data("usage: mockcdp send FILE [options] | mockcdp check-credentials [options]\n".utf8))
    status = arguments.first == "--help" ? 0 : 64
}
exit(status)
