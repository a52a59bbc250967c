import Foundation
import MockCDPCLI
import Testing

@Suite("Output targets that are not regular files", .serialized)
struct OutputTargetTests {
    @Test("generate -o into a named pipe writes through it and leaves the pipe in place")
    func namedPipe() async throws {
        let folder = try temporaryFolder()
        let path = folder.appendingPathComponent("events.pipe").path
        #expect(mkfifo(path, 0o600) == 0)
        // A second name for the pipe, to release the reader if the tool replaced the first.
        let spare = folder.appendingPathComponent("spare.pipe").path
        #expect(link(path, spare) == 0)
        // Opening a pipe for reading waits for a writer, so the reader runs beside the tool.
        let reader = Task.detached { () -> Int in
            guard let handle = FileHandle(forReadingAtPath: path) else { return -1 }
            let data = handle.readDataToEndOfFile()
            return data.reduce(0) { $0 + ($1 == UInt8(ascii: "\n") ? 1 : 0) }
        }
        let scenario = repositoryRoot.appendingPathComponent("Scenarios/storefront.yaml").path
        let run = try runTool(["generate", scenario, "-o", path])
        #expect(run.status == 0)
        var info = stat()
        #expect(stat(path, &info) == 0)
        let stillPipe = info.st_mode & S_IFMT == S_IFIFO
        #expect(stillPipe, "the pipe was replaced by a file")
        if !stillPipe { FileHandle(forWritingAtPath: spare)?.closeFile() }
        #expect(await reader.value == (stillPipe ? 3182 : 0))
    }

    @Test(
        "a full disk on standard output ends each command with 74 and the system's reason",
        arguments: [
            ["help"], ["--version"], ["plan", "Scenarios/storefront.yaml"],
            ["stats", "Scenarios/storefront.yaml"], ["generate", "Scenarios/storefront.yaml"],
            ["lint", "Scenarios/storefront.ndjson"], ["merge", "Scenarios/storefront.ndjson"],
            ["send", "Scenarios/storefront.yaml", "--dry-run"],
        ])
    func fullDisk(arguments: [String]) throws {
        // /dev/full accepts the open and fails every write with "No space left on device".
        let full = try #require(FileHandle(forWritingAtPath: "/dev/full"))
        let errorsPath = try temporaryFolder().appendingPathComponent("stderr").path
        try Data().write(to: URL(fileURLWithPath: errorsPath))
        let errors = try #require(FileHandle(forWritingAtPath: errorsPath))
        let resolved = arguments.map {
            $0.hasPrefix("Scenarios/") ? repositoryRoot.appendingPathComponent($0).path : $0
        }
        let status = CommandLineTool.run(
            resolved, terminal: Terminal(output: full, errors: errors, errorsIsTerminal: false))
        try errors.close()
        let said = try String(contentsOfFile: errorsPath, encoding: .utf8)
        #expect(status == 74, "\(said)")
        #expect(said.contains("No space left on device"), "\(said)")
        #expect(!said.contains("NSCocoaErrorDomain"), "\(said)")
    }
}
