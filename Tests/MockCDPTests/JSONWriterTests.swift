import MockCDP
import Testing

@Suite("JSON writer")
struct JSONWriterTests {
    private func text(_ writer: JSONWriter) -> String {
        String(decoding: writer.bytes, as: UTF8.self)
    }

    @Test("whole numbers keep every digit, up to the largest and smallest 64-bit values")
    func wholeNumbers() {
        var writer = JSONWriter(capacity: 0)
        writer.beginArray()
        for value: Int64 in [0, 7, -7, 10, 1_234_567_890_123_456_789, .max, .min] {
            writer.int(value)
        }
        writer.endArray()
        #expect(
            text(writer)
                == "[0,7,-7,10,1234567890123456789,9223372036854775807,-9223372036854775808]")
    }

    @Test("timestamps are right across days, before 1970 and after, in one writer")
    func timestamps() {
        var writer = JSONWriter(capacity: 0)
        writer.beginArray()
        for millis: Int64 in [1_773_115_237_525, 86_399_999, 86_400_000, 0, -1, 1_773_115_237_526] {
            writer.timestamp(millis: millis)
        }
        writer.endArray()
        #expect(
            text(writer)
                == #"["2026-03-10T04:00:37.525Z","1970-01-01T23:59:59.999Z","#
                + #""1970-01-02T00:00:00.000Z","1970-01-01T00:00:00.000Z","#
                + #""1969-12-31T23:59:59.999Z","2026-03-10T04:00:37.526Z"]"#)
    }

    @Test("members written once can be repeated in later objects of the same buffer")
    func repeatedMembers() {
        var writer = JSONWriter(capacity: 0)
        writer.beginObject()
        writer.key("first")
        writer.int(1)
        let shared = writer.recordMembers {
            $0.key("name")
            $0.string("Crème \"brûlée\"")
            $0.key("tags")
            $0.beginArray()
            $0.string("a")
            $0.endArray()
        }
        writer.endObject()
        writer.beginTopLevelValue()
        writer.beginObject()
        writer.repeatMembers(shared)
        writer.key("last")
        writer.bool(true)
        writer.endObject()
        #expect(
            text(writer)
                == #"{"first":1,"name":"Crème \"brûlée\"","tags":["a"]}"#
                + #"{"name":"Crème \"brûlée\"","tags":["a"],"last":true}"#)
    }

    @Test("a copy of a writer is a separate value")
    func copiesAreIndependent() {
        var original = JSONWriter(capacity: 8)
        original.beginArray()
        original.int(1)
        var copy = original
        copy.int(2)
        copy.endArray()
        original.endArray()
        #expect(text(original) == "[1]")
        #expect(text(copy) == "[1,2]")
    }
}
