import Testing
@testable import GageCatalog

@Suite struct FrontMatterTests {
    @Test func test_bom_and_crlf_files_split_like_plain_ones() throws {
        let document = try FrontMatterDocument.split("\u{FEFF}---\r\ntitle: 차\r\nprice: 1000\r\n---\r\n본문\r\n둘째 줄", file: "a.md")
        #expect(document.yaml == "title: 차\nprice: 1000")
        #expect(document.body == "본문\n둘째 줄")
    }

    @Test func test_dots_close_and_trailing_spaces_are_ignored() throws {
        let document = try FrontMatterDocument.split("---  \ntitle: x\n...\t\nbody", file: "a.md")
        #expect(document.yaml == "title: x")
        #expect(document.body == "body")
    }

    @Test func test_empty_front_matter_and_no_body() throws {
        let document = try FrontMatterDocument.split("---\n---", file: "a.md")
        #expect(document.yaml == "")
        #expect(document.body == "")
    }

    @Test func test_missing_or_unclosed_fences_are_diagnosed() {
        #expect(throws: Diagnostic.self) { try FrontMatterDocument.split("title: x\n", file: "a.md") }
        #expect {
            try FrontMatterDocument.split("---\ntitle: x\n", file: "a.md")
        } throws: { ($0 as? Diagnostic)?.message == "the front matter is never closed" }
        // A `...` opens nothing: only `---` starts front matter.
        #expect(throws: Diagnostic.self) { try FrontMatterDocument.split("...\ntitle: x\n---\n", file: "a.md") }
    }
}
