import GageCore
import Testing

@Suite struct WhitespaceTests {
    @Test func test_white_space_of_every_kind_is_trimmed_from_both_ends_only() {
        #expect("  a b \t".trimmingWhitespace() == "a b")
        #expect("\n\r\n값 = 1\u{3000}".trimmingWhitespace() == "값 = 1")   // ideographic space
        #expect("\u{00A0}x\u{2003}".trimmingWhitespace() == "x")
        #expect(" \t\n ".trimmingWhitespace() == "")
        #expect("".trimmingWhitespace() == "")
        #expect("e\u{301} ".trimmingWhitespace() == "e\u{301}")
        #expect(" x"[...].dropFirst().trimmingWhitespace() == "x")
    }

    @Test func test_white_space_scalars_are_exactly_unicodes() {
        // Every scalar of the Basic Multilingual Plane (where all of White_Space is) and a sample of the rest.
        var differing: [UInt32] = []
        for value in Array(UInt32(0)...0xFFFF) + Array(stride(from: UInt32(0x10000), through: 0x10FFFF, by: 97)) {
            guard let scalar = Unicode.Scalar(value) else { continue }
            if scalar.isWhiteSpace != scalar.properties.isWhitespace { differing.append(value) }
        }
        #expect(differing.isEmpty)
    }
}
