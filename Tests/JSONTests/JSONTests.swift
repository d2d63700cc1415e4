import JSON
import Testing

@Suite struct JSONTests {
    @Test func parsesEveryKindOfValue() throws {
        let text = #"{"a": [1, -2, 3.5, 1e3, true, false, null], "s": "q\"\\\/\n\t\u00e9\ud83d\ude00", "o": {}}"#
        let value = try JSONValue.parse(Array(text.utf8))
        #expect(value["a"] == [1, -2, 3.5, 1000.0, true, false, nil])
        #expect(value["s"] == .string("q\"\\/\n\té😀"))
        #expect(value["o"] == [:])
    }

    @Test func writesCompactSortedAndEscaped() {
        let value: JSONValue = ["b": 1, "a": ["x": "é\"\n\u{01}"], "c": [0.5, nil, true]]
        #expect(String(decoding: value.serialized(), as: UTF8.self) == #"{"a":{"x":"é\"\n\u0001"},"b":1,"c":[0.5,null,true]}"#)
    }

    @Test func roundTrips() throws {
        let value: JSONValue = ["code": "d/dx sin(x²)", "n": 3, "v": 0.016966349814049132, "list": ["a", ["b"]], "neg": -7]
        #expect(try JSONValue.parse(value.serialized()) == value)
    }

    @Test(arguments: ["", "{", "[1,]", "{\"a\" 1}", "nul", "\"open", "{\"a\":1} x", "[1.2.3]", "\"\\x\"", "\"\\ud800\""])
    func rejectsInvalidJSON(_ text: String) {
        #expect(throws: (any Error).self) { try JSONValue.parse(Array(text.utf8)) }
    }

    @Test func rejectsInvalidUTF8AndDeepNesting() {
        #expect(throws: (any Error).self) { try JSONValue.parse([0x22, 0xFF, 0xFE, 0x22]) }
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect(throws: (any Error).self) { try JSONValue.parse(Array(deep.utf8)) }
    }
}
