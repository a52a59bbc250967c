/// Which part of the users one run generates, when a timeline is split across machines.
///
/// User `u` belongs to shard `u mod count`. Every shard draws the same arrivals and the
/// same per-user randomness as the whole run, so each shard's output is exactly the
/// whole run's lines for its users, and merging all shards gives the whole run back.
struct Shard: Equatable {
    var index: Int
    var count: Int

    func includes(user: Int) -> Bool { user % count == index }

    /// Reads `--shard i/n`, or `--shards n` with `i` from `JOB_COMPLETION_INDEX` (set by a
    /// Kubernetes Indexed Job on each pod); `nil` when neither option is given.
    static func parse(
        shard: String?, shards: String?, environment: [String: String]
    ) throws(UsageError) -> Shard? {
        switch (shard, shards) {
        case (nil, nil):
            return nil
        case (.some, .some):
            throw UsageError(
                message: "give either --shard I/N or --shards N, not both",
                hint: "--shards N takes the shard index from JOB_COMPLETION_INDEX")
        case (let text?, nil):
            let parts = text.split(separator: "/", omittingEmptySubsequences: false)
            guard parts.count == 2, let index = Int(parts[0]), let count = Int(parts[1]) else {
                throw UsageError(
                    message: "--shard needs INDEX/COUNT; got '\(text)'",
                    hint: "for example --shard 0/4 for the first of four shards")
            }
            return try make(index: index, count: count, source: "--shard \(text)")
        case (nil, let text?):
            guard let count = Int(text) else {
                throw UsageError(message: "--shards needs a whole number; got '\(text)'")
            }
            guard let indexText = environment["JOB_COMPLETION_INDEX"] else {
                throw UsageError(
                    message: "--shards needs the shard index in JOB_COMPLETION_INDEX",
                    hint: "a Kubernetes Indexed Job sets it; elsewhere use --shard I/N")
            }
            guard let index = Int(indexText) else {
                throw UsageError(
                    message: "JOB_COMPLETION_INDEX must be a whole number; got '\(indexText)'")
            }
            return try make(
                index: index, count: count, source: "JOB_COMPLETION_INDEX=\(indexText)")
        }
    }

    private static func make(index: Int, count: Int, source: String) throws(UsageError) -> Shard {
        guard count >= 1 else {
            throw UsageError(message: "the number of shards must be at least 1; got \(count)")
        }
        guard (0..<count).contains(index) else {
            throw UsageError(
                message: "shard index \(index) (from \(source)) must be from 0 to \(count - 1)",
                hint: "shards are numbered from 0 to \(count - 1)")
        }
        return Shard(index: index, count: count)
    }
}
