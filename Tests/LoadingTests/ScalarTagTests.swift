import CloudModel
import Testing
import Yams

@testable import Loading

/// A plain scalar's tag, worked out by hand, is the tag Yams' default resolver gives it with its
/// regular expressions: on every case the rules name, and on random texts built from the
/// characters the rules care about.
struct ScalarTagTests {
    func yams(_ text: String) -> Yams.Tag.Name {
        Resolver.default.resolveTag(of: Yams.Node.scalar(Yams.Node.Scalar(text)))
    }

    @Test func theRulesOwnCasesResolveAsYamsResolvesThem() {
        let cases = [
            "", "~", "null", "Null", "NULL", "nULL", "yes", "No", "ON", "off", "oFF", "true", "False", "y", "n",
            "0", "-0", "+0", "00", "0b101", "-0b1_0", "0b", "0b2", "0o17", "0o", "0o8", "017", "018", "0x1F", "0xg",
            "-0x_", "1_000", "1__", "190:20:30", "1:60", "1:5", "1:05:7", "1:", ":1", "1:123", "12:34:56.7",
            "1.5", "-1.5e10", "1e5", "1E+5", "1e", ".5", "._", ".5e+3", ".5e3", "1.", "+.inf", "-.Inf", ".INF",
            ".nan", "-.nan", ".NaN", "<<", "<", "=", "==", "2001-12-14", "2001-12-1", "2001-1-1 1:00:00",
            "2001-12-14t21:59:43.10-05:00", "2001-12-14 21:59:43.10 -5", "2001-12-14 21:59:43 Z",
            "2001-12-14 21:59:43.10 ", "2001-12-14T21:59:43+05:0", "2001-12-14T21:59:43+051", "2001-12-14T21:59:43+05",
            "1\n", "1\r\n", "true\u{2028}", "null\u{85}", "1\n\n", "\n", "12\u{0B}", "1 ", " 1", "٣", "1٣",
            "sg-0a1b2c3d4e5f60001", "0.0.0.0/0", "::/0", "22", "-1", "6", "2026-01-01T00:00:00Z", "90d",
        ]
        for text in cases {
            #expect(ScalarTag.resolve(text) == yams(text), "\(text.debugDescription)")
        }
    }

    @Test func randomTextsResolveAsYamsResolvesThem() {
        let alphabet = Array("0123456789_:.-+eExobafFTtZ \t<=~nulyNiIAsr\n:")
        var generator = SeededGenerator(seed: 20_261_201)
        var differences: [String] = []
        for _ in 0..<60_000 {
            let length = Int(generator.next() % 12)
            var text = ""
            for _ in 0..<length { text.append(alphabet[Int(generator.next() % UInt64(alphabet.count))]) }
            if ScalarTag.resolve(text) != yams(text) { differences.append(text) }
        }
        // Texts shaped like the rules: numbers, sexagesimals and timestamps with random parts.
        let shapes = [
            "D:D", "D:DD:D", "DD:DD.D", "-D:D.", "DDDD-DD-DD", "DDDD-D-D D:DD:DD", "DDDD-DD-DDTDD:DD:DD.DZ",
            "DDDD-DD-DD DD:DD:DD -D:DD", "DDDD-DD-DDtD:DD:DD+DD", "D.DeD", ".De-D", "0xDD", "0bDD", "0oDD", "D_D",
        ]
        for _ in 0..<40_000 {
            let shape = shapes[Int(generator.next() % UInt64(shapes.count))]
            var text = ""
            for c in shape {
                if c == "D" {
                    text.append(String(generator.next() % 10))
                    if generator.next() % 4 == 0 { text.append(String(generator.next() % 10)) }
                } else {
                    text.append(c)
                }
            }
            if ScalarTag.resolve(text) != yams(text) { differences.append(text) }
        }
        #expect(differences.isEmpty, "\(differences.prefix(20).map(\.debugDescription))")
    }
}
