import Foundation
import MockCDPCLI

exit(CommandLineTool.run(Array(CommandLine.arguments.dropFirst())))
