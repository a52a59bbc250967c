import MockCDP
import Testing

@Suite("YAML 1.2 core schema")
struct YAMLCoreSchemaTests {
    /// Reads `value: <written>` and returns the value node.
    private func value(_ written: String) throws -> YAMLNode {
        let root = try #require(YAMLTestParsing.valid("value: \(written)\n"))
        return try #require(root["value"]?.value)
    }

    @Test(
        "plain scalars read as a YAML 1.2 reader expects",
        arguments: [
            ("NO", YAMLScalar.string("NO")),
            ("no", .string("no")),
            ("yes", .string("yes")),
            ("on", .string("on")),
            ("Off", .string("Off")),
            ("y", .string("y")),
            ("true", .bool(true)),
            ("True", .bool(true)),
            ("FALSE", .bool(false)),
            ("tRUE", .string("tRUE")),
            ("010", .int(10)),
            ("0o10", .int(8)),
            ("0x1f", .int(31)),
            ("0x1F", .int(31)),
            ("+12", .int(12)),
            ("-0", .int(0)),
            ("0b101", .string("0b101")),
            ("1_000", .string("1_000")),
            ("0x", .string("0x")),
            ("-0x1f", .string("-0x1f")),
            ("1:30", .string("1:30")),
            ("1e3", .float(1000)),
            ("1.", .float(1)),
            (".5", .float(0.5)),
            ("-2.5E-3", .float(-0.0025)),
            (".inf", .float(.infinity)),
            ("-.Inf", .float(-.infinity)),
            ("+.INF", .float(.infinity)),
            ("inf", .string("inf")),
            ("1e", .string("1e")),
            (".", .string(".")),
            ("~", .null),
            ("null", .null),
            ("NULL", .null),
            ("nUll", .string("nUll")),
            ("", .null),
            ("9%", .string("9%")),
            ("30s", .string("30s")),
            ("2026-11-27", .string("2026-11-27")),
        ])
    func plainScalars(written: String, expected: YAMLScalar) throws {
        #expect(try value(written).scalarValue == expected)
    }

    @Test("not-a-number reads as NaN in its three spellings")
    func notANumber() throws {
        for written in [".nan", ".NaN", ".NAN"] {
            guard case .float(let number) = try value(written).scalarValue else {
                Issue.record("\(written) is not a float")
                continue
            }
            #expect(number.isNaN)
        }
        #expect(try value(".Nan").scalarValue == .string(".Nan"))
    }

    @Test(
        "quoted and block scalars are strings",
        arguments: [
            (#""true""#, "true"),
            ("'010'", "010"),
            (#""~""#, "~"),
            ("''", ""),
            ("|\n  12\n", "12\n"),
            (">-\n  1.5\n", "1.5"),
        ])
    func quotedScalars(written: String, text: String) throws {
        let node = try value(written)
        #expect(node.scalarValue == .string(text))
        #expect(node.kindName == "a string")
    }

    @Test(
        "explicit tags set the type",
        arguments: [
            ("!!str 12", YAMLScalar.string("12")),
            ("!!str true", .string("true")),
            ("! 12", .string("12")),
            (#"!!int "12""#, .int(12)),
            ("!!int 0x10", .int(16)),
            ("!!float 3", .float(3)),
            (#"!!bool "false""#, .bool(false)),
            ("!!null ''", .null),
            ("!custom 12", .int(12)),
        ])
    func taggedScalars(written: String, expected: YAMLScalar) throws {
        #expect(try value(written).scalarValue == expected)
    }

    @Test("a value that does not fit its tag, or an integer beyond Int, is an error")
    func badValues() {
        let text = """
            a: !!int 1.5
            b: !!bool yes
            c: !!float fast
            d: !!null 0
            e: 9223372036854775808
            f: 0xFFFFFFFFFFFFFFFFF
            g: 1e999
            h: !!map x
            i: !!str [1]
            j: 9223372036854775807
            """
        #expect(
            YAMLTestParsing.errors(text).map(YAMLTestParsing.brief) == [
                "1:4: '1.5' is not an integer, but it is tagged '!!int'",
                "2:4: 'yes' is not a boolean, but it is tagged '!!bool'",
                "3:4: 'fast' is not a number, but it is tagged '!!float'",
                "4:4: '0' is not null, but it is tagged '!!null'",
                "5:4: the number 9223372036854775808 is too large",
                "6:4: the number 0xFFFFFFFFFFFFFFFFF is too large",
                "7:4: the number 1e999 is too large",
                "8:4: '!!map' marks a mapping, but this is a scalar",
                "9:4: '!!str' cannot be applied to a list",
            ])
        let hint = YAMLTestParsing.errors("e: 9223372036854775808\n").first?.hint
        #expect(
            hint == "whole numbers must lie between -9223372036854775808 and "
                + "9223372036854775807; put the value in quotes to keep it as text")
    }
}

@Suite("YAML node accessors")
struct YAMLNodeAccessTests {
    @Test("accessors give the text, entries and items of a node")
    func accessors() throws {
        let root = try #require(
            YAMLTestParsing.valid("name: shop\nsteps: [Home, Cart]\nseed: 010\n"))
        #expect(root.mapping?.count == 3)
        #expect(root.sequence == nil)
        #expect(root.string == nil)
        #expect(root["steps"]?.value.sequence?.compactMap(\.string) == ["Home", "Cart"])
        #expect(root["seed"]?.value.string == "010")
        #expect(root["seed"]?.value.scalarValue == .int(10))
        #expect(root["missing"] == nil)
        #expect(root["name"]?.value["name"] == nil)
    }

    @Test(
        "kind names read well in messages",
        arguments: [
            ("{a: 1}", "a mapping"),
            ("[1]", "a list"),
            ("shop", "a string"),
            ("'12'", "a string"),
            ("12", "a number"),
            ("1.5", "a number"),
            ("false", "a boolean"),
            ("~", "null"),
            ("", "an empty value"),
        ])
    func kindNames(written: String, name: String) throws {
        let root = try #require(YAMLTestParsing.valid("value: \(written)\n"))
        #expect(root["value"]?.value.kindName == name)
    }
}
