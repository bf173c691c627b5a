import Testing
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
}
