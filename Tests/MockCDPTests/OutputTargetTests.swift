import Foundation
import Testing

@Suite("Output targets that are not regular files")
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
}
