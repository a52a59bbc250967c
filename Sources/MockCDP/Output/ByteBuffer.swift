/// Something bytes can be appended to: an array, or a writer's buffer.
public protocol ByteAppending {
    mutating func append(_ byte: UInt8)
    mutating func append(_ bytes: UnsafeBufferPointer<UInt8>)
}

extension Array: ByteAppending where Element == UInt8 {
    public mutating func append(_ bytes: UnsafeBufferPointer<UInt8>) {
        append(contentsOf: bytes)
    }
}

/// A growable byte buffer with value semantics, for the writer's hot path.
///
/// Like `[UInt8]`, but an append is a bounds check and a store (or one `memcpy`), with
/// no call into the runtime: the JSON of every message goes through here byte by byte.
struct ByteBuffer: ByteAppending {
    /// Owns the memory; shared only between copies of a buffer, which copy it on write.
    private final class Storage: @unchecked Sendable {
        let base: UnsafeMutablePointer<UInt8>
        let capacity: Int

        init(capacity: Int) {
            self.capacity = capacity
            base = .allocate(capacity: capacity)
        }

        deinit { base.deallocate() }
    }

    private var storage: Storage
    private var base: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    private(set) var count = 0

    /// Shared by every buffer made with no capacity: nothing is ever written into it,
    /// since the first append finds no room and allocates.
    private static let empty = Storage(capacity: 0)

    init(capacity: Int) {
        storage = capacity > 0 ? Storage(capacity: capacity) : Self.empty
        base = storage.base
        self.capacity = storage.capacity
    }

    var array: [UInt8] { Array(UnsafeBufferPointer(start: base, count: count)) }

    /// Makes room for `extra` more bytes, in memory this buffer alone owns, so that the
    /// `unchecked` appends of up to that many bytes that follow are safe.
    @inline(__always)
    mutating func reserve(_ extra: Int) {
        if count + extra > capacity || !isKnownUniquelyReferenced(&storage) {
            reallocate(minimum: count + extra)
        }
    }

    private mutating func reallocate(minimum: Int) {
        let grown = Storage(capacity: Swift.max(minimum, capacity * 2))
        grown.base.update(from: base, count: count)
        storage = grown
        base = grown.base
        capacity = grown.capacity
    }

    @inline(__always)
    mutating func append(_ byte: UInt8) {
        reserve(1)
        base[count] = byte
        count += 1
    }

    @inline(__always)
    mutating func append(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard bytes.count > 0 else { return }
        reserve(bytes.count)
        appendUnchecked(bytes)
    }

    /// Appends a byte after `reserve` made room for it.
    @inline(__always)
    mutating func appendUnchecked(_ byte: UInt8) {
        base[count] = byte
        count += 1
    }

    /// Appends bytes after `reserve` made room for them. Text of 8 to 32 bytes, such as
    /// most keys, names and encoded members, is copied as words rather than by `memcpy`:
    /// the first and last words overlap the ones between them.
    @inline(__always)
    mutating func appendUnchecked(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let source = bytes.baseAddress else { return }
        let length = bytes.count
        if length >= 8, length <= 32 {
            let from = UnsafeRawPointer(source)
            let to = UnsafeMutableRawPointer(base + count)
            let first = from.loadUnaligned(as: UInt64.self)
            let last = from.loadUnaligned(fromByteOffset: length - 8, as: UInt64.self)
            if length > 16 {
                let second = from.loadUnaligned(fromByteOffset: 8, as: UInt64.self)
                let third = from.loadUnaligned(fromByteOffset: length - 16, as: UInt64.self)
                to.storeBytes(of: second, toByteOffset: 8, as: UInt64.self)
                to.storeBytes(of: third, toByteOffset: length - 16, as: UInt64.self)
            }
            to.storeBytes(of: first, as: UInt64.self)
            to.storeBytes(of: last, toByteOffset: length - 8, as: UInt64.self)
        } else {
            (base + count).update(from: source, count: length)
        }
        count += length
    }

    /// Appends a copy of bytes already in this buffer, after `reserve` made room for them.
    mutating func appendCopy(of range: Range<Int>) {
        appendUnchecked(UnsafeBufferPointer(start: base + range.lowerBound, count: range.count))
    }

    mutating func append(_ bytes: [UInt8]) {
        bytes.withUnsafeBufferPointer { append($0) }
    }

    mutating func removeAll() {
        count = 0
    }
}

/// Bytes encoded once and read many times, in memory of their own that no copy shares, so
/// that reading them takes no reference counting: a catalog's encoded members, say.
final class EncodedBytes: @unchecked Sendable {
    private let storage: UnsafeMutableBufferPointer<UInt8>
    /// Where each piece is in `storage`, in the order given.
    private let spans: [Range<Int>]

    /// Keeps `pieces` one after the other.
    init(_ pieces: [[UInt8]]) {
        storage = .allocate(capacity: max(1, pieces.reduce(0) { $0 + $1.count }))
        var spans: [Range<Int>] = []
        spans.reserveCapacity(pieces.count)
        var offset = 0
        for piece in pieces {
            _ = UnsafeMutableBufferPointer(rebasing: storage[offset..<offset + piece.count])
                .initialize(from: piece)
            spans.append(offset..<offset + piece.count)
            offset += piece.count
        }
        self.spans = spans
    }

    deinit { storage.deallocate() }

    /// Piece number `index`. Valid while this object lives.
    subscript(index: Int) -> UnsafeBufferPointer<UInt8> {
        let span = spans[index]
        return UnsafeBufferPointer(start: storage.baseAddress! + span.lowerBound, count: span.count)
    }
}
