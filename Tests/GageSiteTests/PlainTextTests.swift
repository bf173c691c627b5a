import Testing
import GageTestSupport
@testable import GageSite

/// The plain text of a description (meta descriptions, the search index, feeds): text only, whitespace collapsed,
/// cut at the limit in characters (Hangul counts one per syllable).
@Suite struct PlainTextTests {
    @Test func test_markup_goes_and_whitespace_collapses() {
        let text = MarkdownRenderer.plainText("# 산미\n\n밝은   *꽃향*과\n`시트러스`.\n\n- 하나\n- 둘", limit: 160)
        #expect(text == "산미 밝은 꽃향과 시트러스. 하나 둘")
    }

    @Test func test_a_long_korean_description_is_cut_at_the_limit_with_an_ellipsis() {
        let paragraph = String(repeating: "가나다라마 ", count: 400)          // 2,400 characters
        let text = MarkdownRenderer.plainText(paragraph, limit: 200)
        #expect(text.count == 200)
        #expect(text.hasSuffix("…"))
        #expect(text.hasPrefix("가나다라마 가나다라마"))
    }

    @Test func test_text_exactly_at_the_limit_is_kept_whole() {
        let text = MarkdownRenderer.plainText(String(repeating: "한", count: 160), limit: 160)
        #expect(text == String(repeating: "한", count: 160))
    }

    @Test func test_raw_html_is_not_text() {
        #expect(MarkdownRenderer.plainText("<script>alert(1)</script>\n\n안녕", limit: 160) == "안녕")
    }

    /// Generated documents whose plain text is known by construction (words, white space of several kinds, line
    /// breaks, paragraphs, headings, emphasis), cut at random limits: the result is the whole text's first
    /// characters, counted as a reader counts them — decomposed Hangul, combining accents, emoji sequences and
    /// flags are one character each.
    @Test(arguments: 0..<300) func test_cut_matches_the_whole_text_cut_by_characters(seed: UInt64) {
        var random = SplitMix(seed: seed)
        let words = ["산미", "꽃향", "coffee", "\u{1112}\u{1161}\u{11AB}\u{1100}\u{1173}\u{11AF}", "cafe\u{301}",
                     "👩\u{200D}👩\u{200D}👧", "🇰🇷", "a", "가나다라마바사", "x\u{301}\u{302}\u{303}"]
        let spaces = [" ", "  ", "\u{3000}", "\u{A0}", " \u{2003} "]
        var markdown = "", expected: [String] = []
        for paragraph in 0..<Int.random(in: 1...6, using: &random) {
            if paragraph > 0 { markdown += "\n\n" }
            if Bool.random(using: &random) { markdown += "## " }
            if Int.random(in: 0..<4, using: &random) == 0 { markdown += "\u{3000}" }  // not stripped by Markdown
            for index in 0..<Int.random(in: 1...25, using: &random) {
                let word = words.randomElement(using: &random)!
                if index > 0 { markdown += Int.random(in: 0..<8, using: &random) == 0 ? "\n" : spaces.randomElement(using: &random)! }
                markdown += Int.random(in: 0..<6, using: &random) == 0 ? "*\(word)*" : word
                expected.append(word)
            }
        }
        let whole = expected.joined(separator: " ")
        let limit = Int.random(in: 1...80, using: &random)
        let cut = whole.count > limit ? String(whole.prefix(limit - 1)) + "…" : whole
        #expect(MarkdownRenderer.plainText(markdown, limit: limit) == cut, "\(markdown.debugDescription) at \(limit)")
    }
}
