import Foundation

/// Saves batches that were rejected or ran out of retries, so the user can see what was not
/// delivered and why.
///
/// A saved file is one JSON object: why the batch was saved, its lines, and the request body
/// exactly as last sent (`request`). Bodies never hold the write key, and the server's reply is
/// redacted before it is written.
struct SavedBatchArchive: Sendable {
    let directory: String
    /// The start of every file name: the input's name and the run id.
    let prefix: String

    init(directory: String, inputPath: String, runID: RunID) {
        self.directory = directory
        let name = URL(fileURLWithPath: inputPath).lastPathComponent
        prefix = "\(name).\(runID.value)"
    }

    /// Writes the batch and returns the file's path, or `nil` with the reason it could not.
    func save(
        _ batch: Batch, body: [UInt8], reason: String, attempts: Int
    ) -> Result<String, SaveError> {
        let path = URL(fileURLWithPath: directory)
            .appendingPathComponent("\(prefix).batch-\(batch.firstLine)-\(batch.lastLine).json")
            .path
        var file = Array("{\"reason\":".utf8) + jsonStringToken(reason)
        file += Array(",\"firstLine\":\(batch.firstLine),\"lastLine\":\(batch.lastLine)".utf8)
        file += Array(",\"messages\":\(batch.messageCount),\"attempts\":\(attempts)".utf8)
        file += Array(",\"request\":".utf8) + body + Array("}\n".utf8)
        do {
            try Data(file).write(to: URL(fileURLWithPath: path), options: .atomic)
            return .success(path)
        } catch {
            return .failure(SaveError(path: path, reason: error.localizedDescription))
        }
    }

    struct SaveError: Error {
        var path: String
        var reason: String
    }
}
