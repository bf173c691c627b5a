import Foundation
import GageCatalog
import Testing

@Suite struct URLPathTests {
    @Test func test_unreserved_bytes_stay_and_every_other_byte_is_percent_encoded() {
        #expect(URLPath.encode("ethiopia-yirgacheffe_200g.v2~") == "ethiopia-yirgacheffe_200g.v2~")
        #expect(URLPath.encode("원두 200g") == "%EC%9B%90%EB%91%90%20200g")
        #expect(URLPath.encode("a/b?c#d%e") == "a%2Fb%3Fc%23d%25e")
        #expect(URLPath.encode("\u{0}\u{7F}") == "%00%7F")
        #expect(URLPath.encode("") == "")
    }

    @Test func test_generated_segments_match_foundations_percent_encoding() {
        // Foundation's own encoder with RFC 3986's unreserved set as the reference, over generated strings
        // mixing ASCII, Hangul (precomposed and jamo), symbols and emoji.
        let unreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~")
        let alphabet = Array("aZ09-_.~ /?#%+&=é한글ㄱㅏ\u{1100}\u{1161}🙂\u{301}\t\"'<>")
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2_000 {
            let length = Int.random(in: 0...12, using: &generator)
            let text = String((0..<length).map { _ in alphabet.randomElement(using: &generator)! })
            #expect(URLPath.encode(text) == text.addingPercentEncoding(withAllowedCharacters: unreserved), "\(text)")
        }
    }
}
