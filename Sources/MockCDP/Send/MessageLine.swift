/// One Segment message as it enters the sender: the UTF-8 bytes of a JSON object, without the
/// newline, and the number by which errors and the checkpoint refer to it.
///
/// For an NDJSON file `number` is the 1-based line number; for a compiled scenario it is the
/// 1-based position of the message in the timeline. Numbers must increase along the input, since
/// the checkpoint records a position to continue from.
public struct MessageLine: Sendable {
    public var number: Int
    public var bytes: [UInt8]

    public init(number: Int, bytes: [UInt8]) {
        self.number = number
        self.bytes = bytes
    }
}
