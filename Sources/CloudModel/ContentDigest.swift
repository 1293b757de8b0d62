/// FNV-1a (64 bits) over bytes: a digest that detects change (which fixtures, which policies a
/// run used), not a seal.
package struct ContentDigest: Sendable {
    package private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325

    package init() {}

    /// A digest taken before (the inventory cache records them).
    package init(value: UInt64) { self.value = value }

    package mutating func add(_ bytes: UnsafeRawBufferPointer) {
        var h = value
        for byte in bytes {
            h ^= UInt64(byte)
            h = h &* 0x0000_0100_0000_01B3
        }
        value = h
    }

    /// A text, then a separator, so that `ab`+`c` and `a`+`bc` differ.
    package mutating func add(_ text: String) {
        var text = text
        text.withUTF8 { add(UnsafeRawBufferPointer($0)) }
        value ^= 0xFF
        value = value &* 0x0000_0100_0000_01B3
    }

    package var hex: String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: max(0, 16 - digits.count)) + digits
    }
}
