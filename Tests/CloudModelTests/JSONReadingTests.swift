import CloudModel
import Testing

struct JSONReadingTests {
    @Test func readsWhatTheWriterWritesInItsOrder() throws {
        let value: Value = ["b": 1, "a": [true, false, .null, 1.5, "x\"y\n\u{1}é😀"], "c": ["z": -12, "y": 1e3]]
        let read = try Value(json: value.jsonText)
        #expect(read == value)
        #expect(read.objectValue?.keys == ["b", "a", "c"])
        #expect(read.jsonText == value.jsonText)
    }

    @Test func sortingKeysSortsEveryObjectAllTheWayDown() throws {
        let value = try Value(json: #"{"b":[{"z":1,"a":2}],"a":{"y":true,"x":null}}"#)
        #expect(value.sortingKeys().jsonText == #"{"a":{"x":null,"y":true},"b":[{"a":2,"z":1}]}"#)
    }

    @Test func keepsIntegersAndReadsEscapes() throws {
        #expect(try Value(json: "9007199254740993") == .int(9_007_199_254_740_993))
        #expect(try Value(json: #""\u00e9\ud83d\ude00\/""#) == "é😀/")
        #expect(try Value(json: " [ ] ") == .array([]))
    }

    @Test(arguments: [
        ("{\"a\":1,\"a\":2}", "member 'a' appears twice"), ("[1,]", "expected a JSON value"),
        ("01", "a number cannot start with 0"),
        ("\"a", "a string is never closed"), ("[1] x", "unexpected text after the JSON value"),
        ("{a:1}", "expected a member name"),
        ("\"\\ud800\"", "a lone surrogate"), ("\"\\u+0ff\"", "expected four hex digits"),
        ("\"\t\"", "a control character"), ("", "the text ends"),
    ])
    func refusesWhatIsNotJSON(text: String, problem: String) {
        #expect {
            _ = try Value(json: text)
        } throws: { error in
            String(describing: error).contains(problem)
        }
    }

    @Test func refusesNestingPastTheLimit() {
        #expect(throws: Value.JSONProblem.self) {
            _ = try Value(json: String(repeating: "[", count: 50) + String(repeating: "]", count: 50), maxDepth: 20)
        }
        #expect(throws: Never.self) {
            _ = try Value(json: String(repeating: "[", count: 20) + String(repeating: "]", count: 20), maxDepth: 20)
        }
    }
}
