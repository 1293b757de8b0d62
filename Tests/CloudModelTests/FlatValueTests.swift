import CloudModel
import Testing

struct FlatValueTests {
    @Test func roundTripsEveryKindOfValue() {
        let v: Value = [
            "s": "text", "i": -42, "d": 2.5, "b": false, "n": nil, "e": [], "o": [:],
            "nested": ["list": [1, "two", ["three": 3.0]], "again": "text"], "unicode": "café ☁︎",
        ]
        #expect(FlatValue(v).value == v)
        #expect(FlatValue(.string("top")).value == "top")
        #expect(FlatValue([1, [2, [3]]]).value == [1, [2, [3]]])
    }

    /// Written from the flat storage, JSON text is the text the value tree writes, escapes,
    /// numbers and member order included; and escapes are what JSON says they are.
    @Test func writesTheJSONTheValueTreeWrites() throws {
        let v: Value = [
            "plain": "text", "quote": "say \"hi\"", "back\\slash": "a\\b", "lines": "one\ntwo\r\tend",
            "control": "\u{01}\u{1F}x", "unicode": "café ☁︎ 𝄞", "i": -42, "big": .int(.max), "d": 2.5,
            "whole": 3.0, "huge": 1e300, "tiny": 5e-324, "b": true, "n": nil, "e": [], "o": [:],
            "nested": ["list": [1, "two", ["three": 3.0]]],
        ]
        #expect(FlatValue(v).jsonText == v.jsonText)
        #expect(try Value(json: v.jsonText) == v)
        #expect(Value.string("a\"b\\c\u{7}").jsonText == #""a\"b\\c\u0007""#)
        for scalar in [Value.string(""), .int(0), .double(-0.5), .null, .array([]), .emptyObject] {
            #expect(FlatValue(scalar).jsonText == scalar.jsonText)
        }
    }

    /// One member read from the flat storage is the member of the value tree.
    @Test func aMemberReadAloneIsTheTreesMember() {
        let v: Value = ["a": 1, "b": ["c": [1, 2], "d": nil], "é": "x", "empty": [:], "list": [["a": 2]]]
        let flat = FlatValue(v)
        for key in ["a", "b", "é", "empty", "list", "missing", "c", ""] {
            #expect(flat.member(key) == v[key], "\(key)")
        }
        #expect(FlatValue([1, 2]).member("a") == nil)
        #expect(FlatValue("text").member("a") == nil)
    }

    @Test(arguments: [5, 31, 32, 33, 200])
    func manyDistinctKeysAreFoundByPath(count: Int) throws {
        var fields = Fields()
        for i in 0..<count { fields["key\(i)"] = ["inner": .int(i), "key\(i)": .int(-i)] }
        let flat = FlatValue(.object(fields))
        #expect(flat.value == .object(fields))
        for i in [0, count / 2, count - 1] {
            let path = try ValuePath(parsing: "key\(i).inner")
            let found: Int? = flat.withView { view in
                guard case .node(let n) = path.resolve(in: view, from: 0) else { return nil }
                return view.number(n).map { Int($0) }
            }
            #expect(found == i)
        }
        let missing = try ValuePath(parsing: "key\(count).inner")
        let result: Bool = flat.withView { view in
            if case .missing = missing.resolve(in: view, from: 0) { true } else { false }
        }
        #expect(result)
    }

    @Test func projectionsResolveLikeTheValueTree() throws {
        let v: Value = ["A": [["B": [["C": 1], ["C": 2]]], ["B": [["C": 3]]], ["X": 0]]]
        let flat = FlatValue(v)
        for text in ["A[].B[].C", "A[].B", "A[0].B[1].C", "A[].X"] {
            let path = try ValuePath(parsing: text)
            let flatResult: Value? = flat.withView { view in
                switch path.resolve(in: view, from: 0) {
                case .missing: nil
                case .node(let n): view.value(at: n)
                case .projection(let list): .array(list.map { view.value(at: $0) })
                }
            }
            #expect(flatResult == path.resolve(in: v), "\(text)")
        }
    }
}
