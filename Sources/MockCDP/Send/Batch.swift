/// One request's worth of messages, kept as the bytes of the body up to the closing bracket.
///
/// `sentAt` must be the time of each attempt, so the body is finished per attempt by
/// appending `],"sentAt":"…"}` to the head; the head is built once.
struct Batch: Sendable {
    /// Position of the batch in the run, from 0: the checkpoint settles batches in this order.
    var serial: Int
    var firstLine: Int
    var lastLine: Int
    var messageCount: Int
    /// `{"batch":[m1,m2,…` without the closing bracket.
    var head: [UInt8]

    static let opening = Array("{\"batch\":[".utf8)
    /// `],"sentAt":"` + 24 bytes of time + `"}`.
    static let closingCount = 12 + 24 + 2

    /// The body's size in bytes, whatever the attempt.
    var bodyCount: Int { head.count + Self.closingCount }

    /// The request body with `sentAt` set to `sentAt`.
    func body(sentAt: EventTime) -> [UInt8] {
        var body: [UInt8] = []
        body.reserveCapacity(bodyCount)
        body.append(contentsOf: head)
        body.append(contentsOf: Array("],\"sentAt\":\"".utf8))
        body.append(contentsOf: sentAt.iso8601Bytes)
        body.append(contentsOf: [UInt8(ascii: "\""), UInt8(ascii: "}")])
        return body
    }
}

/// Packs prepared messages into batches bounded by message count and body bytes.
///
/// The writeKey is not put in the body (Segment reads it from the Basic auth header), so a
/// body can be saved or printed without leaking the key.
struct BatchBuilder {
    let maximumMessages: Int
    let maximumBodyBytes: Int
    private var current: Batch?
    private var nextSerial: Int

    init(maximumMessages: Int, maximumBodyBytes: Int, firstSerial: Int = 0) {
        self.maximumMessages = maximumMessages
        self.maximumBodyBytes = maximumBodyBytes
        self.nextSerial = firstSerial
    }

    /// Whether a message of this size can go into some batch at all.
    func fitsAlone(_ byteCount: Int) -> Bool {
        Batch.opening.count + byteCount + Batch.closingCount <= maximumBodyBytes
    }

    /// Adds a message; returns the batch it closed when the message did not fit beside it.
    mutating func add(_ message: PreparedMessage) -> Batch? {
        var closed: Batch?
        if let batch = current {
            let grown = batch.bodyCount + 1 + message.bytes.count
            if batch.messageCount >= maximumMessages || grown > maximumBodyBytes {
                closed = batch
                current = nil
            }
        }
        if current != nil {
            // Mutated in place: a copy of the batch would share the head's storage and make
            // every append copy up to 475 KB.
            current!.head.append(UInt8(ascii: ","))
            current!.head.append(contentsOf: message.bytes)
            current!.messageCount += 1
            current!.lastLine = message.line
        } else {
            var head = Batch.opening
            // Room for a full batch at once: growing by doubling would copy the head several
            // times, each time into fresh memory that the kernel has to zero.
            head.reserveCapacity(maximumBodyBytes)
            head.append(contentsOf: message.bytes)
            current = Batch(
                serial: nextSerial, firstLine: message.line, lastLine: message.line,
                messageCount: 1, head: head)
            nextSerial += 1
        }
        return closed
    }

    /// Closes the batch being filled, if any; called at the end of the input or before a
    /// pacing pause so that messages already due are not held back.
    mutating func flush() -> Batch? {
        defer { current = nil }
        return current
    }
}
