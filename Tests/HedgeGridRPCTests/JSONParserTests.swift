import Foundation
import HedgeGridRPC
import Testing

/// The JSON parser and serializer against Foundation's and against RFC 8259's rules.
@Suite struct JSONParserTests {
    func parse(_ text: String) throws -> JSONValue {
        try JSONParser.parse(Data(text.utf8))
    }

    @Test func parsesEveryKindOfValue() throws {
        let value = try parse(#" {"s":"a\"b\\c\/d\n\u00e9\ud83d\ude00","i":-42,"d":1.5e3,"z":0,"t":true,"f":false,"n":null,"a":[1,[2,{}]]} "#)
        #expect(value["s"] == .string("a\"b\\c/d\né😀"))
        #expect(value["i"] == .int(-42))
        #expect(value["d"] == .double(1500))
        #expect(value["z"] == .int(0))
        #expect(value["t"] == true)
        #expect(value["f"] == false)
        #expect(value["n"] == .null)
        #expect(value["a"] == [1, [2, [:]]])
    }

    @Test(arguments: [
        "", "{", "[1,]", "{\"a\":1,}", "01", "1.", ".5", "-", "1e", "tru", "nul", "\"abc", "\"\\x\"", "\"\\ud800\"",
        "{\"a\" 1}", "[1 2]", "\"tab\there\"", "1 2", "{1:2}", "NaN", "Infinity", "1e999",
    ])
    func rejectsInvalidText(text: String) {
        #expect(throws: JSONParser.Failure.self) { try parse(text) }
    }

    @Test func refusesNestingDeeperThanTheLimit() throws {
        let deep = String(repeating: "[", count: JSONParser.maxDepth + 1) + String(repeating: "]", count: JSONParser.maxDepth + 1)
        #expect(throws: JSONParser.Failure.self) { try parse(deep) }
        let fine = String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
        #expect(try parse(fine).arrayValue != nil)
    }

    @Test func serializerRoundTripsThroughFoundation() throws {
        let value: JSONValue = [
            "text": "quote \" backslash \\ newline \n tab \t control \u{01} unicode é✓😀",
            "numbers": [0, -1, 9_007_199_254_740_993, 0.1, -2.5e-8, 1e20, 3.0],
            "nested": ["empty": [:], "list": [], "null": nil, "yes": true],
        ]
        let data = JSONSerializer.data(value)
        #expect(try JSONParser.parse(data) == value)
        // Foundation reads the same document.
        let foundation = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        #expect((foundation?["text"] as? String) == value["text"]?.stringValue)
        #expect((foundation?["numbers"] as? [Any])?.count == 7)
    }

    @Test func serializerSortsKeysAndWritesCompactText() {
        #expect(JSONSerializer.string(["b": 1, "a": [true, nil]]) == #"{"a":[true,null],"b":1}"#)
        #expect(JSONSerializer.string(.double(.nan)) == "null")
        #expect(JSONSerializer.string(.double(2)) == "2.0")
    }

    @Test func decodingErrorsNameTheField() {
        struct Params: Decodable {
            struct Inner: Decodable { var count: Int }
            var name: String
            var inner: [Inner]
        }
        func message(_ value: JSONValue) -> String {
            do {
                _ = try value.decode(Params.self)
                return ""
            } catch {
                return (error as? RPCError)?.message ?? "\(error)"
            }
        }
        #expect(message(["inner": []]) == "invalid params: missing field 'name'")
        #expect(message(["name": 3, "inner": []]) == "invalid params: field 'name' must be a string")
        #expect(message(["name": "x", "inner": [["count": "many"]]]) == "invalid params: field 'inner[0].count' must be an integer")
    }
}
