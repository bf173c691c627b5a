import Foundation
import GageCore
import Testing

@Suite struct ContentHashTests {
    /// FNV-1a 64-bit test vectors (Fowler, Noll, Vo: "FNV hash", isthe.com/chongo/tech/comp/fnv).
    static let vectors = [("", "cbf29ce484222325"), ("a", "af63dc4c8601ec8c"), ("foobar", "85944171f73967e8")]

    @Test func test_fingerprints_match_the_published_fnv1a_vectors_whatever_holds_the_bytes() {
        for (text, expected) in Self.vectors {
            #expect(ContentHash.of(text) == expected)
            var fromUTF8 = ContentHash()
            fromUTF8.add(text.utf8)
            #expect(fromUTF8.hex == expected)
            var fromData = ContentHash()
            fromData.add(Data(text.utf8))
            #expect(fromData.hex == expected)
            var fromSequence = ContentHash()   // no contiguous storage: byte by byte
            fromSequence.add(AnySequence(Array(text.utf8)))
            #expect(fromSequence.hex == expected)
        }
    }

    @Test func test_bytes_added_in_pieces_fingerprint_like_the_whole() {
        var pieces = ContentHash()
        pieces.add("한국 ".utf8)
        pieces.add(Data("원두 200g".utf8))
        #expect(pieces.hex == ContentHash.of("한국 원두 200g"))
    }
}
