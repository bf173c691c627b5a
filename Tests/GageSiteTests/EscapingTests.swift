import Foundation
import Testing
import GageTestSupport
import GageCatalog
import GageMustache
@testable import GageSite

/// Breaks out of an attribute, a text node, a `<script>` element and a JSON string, all at once.
let payload = #"x"'><img src=x onerror=alert(1)></script><script>alert(2)</script>\u2028&amp;"#

@Suite struct EscapingTests {
    func hostileShop() throws -> TemporaryShop {
        let quoted = "\"" + payload.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
        let settings = """
            title: \(quoted)
            description: \(quoted)
            base_url: https://shop.example.kr/
            iamport:
              merchant_code: imp12345678
            categories:
              - slug: coffee
                title: \(quoted)
                description: \(quoted)
            business:
              name: \(quoted)
              address: \(quoted)

            """
        return try TemporaryShop(settings: settings, files: [
            "content/products/evil.md": TemporaryShop.product("""
                title: \(quoted)
                sku: EVIL
                price: 1000
                compare_at: 2000
                summary: \(quoted)
                category: coffee
                tags: [\(quoted)]
                options:
                  - name: \(quoted)
                    values:
                      - label: \(quoted)
                        price: 100
                """, body: payload),
            "content/evil-page.md": "---\ntitle: \(quoted)\ndescription: \(quoted)\n---\n\(payload)\n",
        ])
    }

    @Test func test_content_cannot_inject_markup_or_script_anywhere() throws {
        let shop = try hostileShop()
        let output = try build(shop)
        let pages = try FileManager.default.subpathsOfDirectory(atPath: output).filter { $0.hasSuffix(".html") }
        #expect(pages.count >= 8)
        for page in pages {
            let html = read(output + "/" + page)
            #expect(!html.contains("<img src=x"), "\(page) lets an <img> through")
            #expect(!html.contains("<script>alert"), "\(page) lets a <script> through")
            #expect(!html.contains("'><"), "\(page) lets an attribute break out")
            let opened = html.components(separatedBy: "<script").count - 1
            let closed = html.components(separatedBy: "</script>").count - 1
            #expect(opened == closed, "\(page): a </script> inside data ends a script element early")
        }
    }

    @Test func test_script_data_round_trips_the_exact_text() throws {
        let shop = try hostileShop()
        let html = read(try build(shop) + "/products/evil/index.html")
        let ld = try #require(try scriptJSON(in: html, marker: "application/ld+json") as? [String: Any])
        #expect(ld["name"] as? String == payload)
        let product = try #require(try scriptJSON(in: html, marker: "id=\"gage-product\"") as? [String: Any])
        #expect(product["title"] as? String == payload)
        let options = try #require(product["options"] as? [[String: Any]])
        #expect(options.first?["name"] as? String == payload)
    }

    @Test func test_visible_text_is_entity_escaped() throws {
        let shop = try hostileShop()
        let html = read(try build(shop) + "/products/evil/index.html")
        #expect(html.contains("<h1>x&quot;&#39;&gt;&lt;img src=x onerror=alert(1)&gt;&lt;/script&gt;"))
    }

    @Test func test_script_json_escapes_html_significant_characters() {
        let encoded = ScriptJSON.encode(["a": "</script><!--&\u{2028}"])
        #expect(encoded == #"{"a":"\u003c/script\u003e\u003c!--\u0026\u2028"}"#)
    }

    @Test func test_script_json_escaping_matches_a_scalar_by_scalar_reference_on_generated_text() {
        func reference(_ text: String) -> String {
            var result = ""
            for scalar in text.unicodeScalars {
                switch scalar {
                case "<": result += "\\u003c"
                case ">": result += "\\u003e"
                case "&": result += "\\u0026"
                case "\u{2028}": result += "\\u2028"
                case "\u{2029}": result += "\\u2029"
                default: result.unicodeScalars.append(scalar)
                }
            }
            return result
        }
        // Neighbours of the separators' bytes included: U+2027 and U+202A share E2 80, "…" and "›" share E2.
        let alphabet: [Unicode.Scalar] = ["<", ">", "&", "a", "\"", "\\", "\u{2028}", "\u{2029}", "\u{2027}", "\u{202A}",
                                          "…", "›", "원", "\u{301}", "🙂", "\u{E2}", "\u{80}"]
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2_000 {
            var text = String.UnicodeScalarView()
            for _ in 0..<Int.random(in: 0...16, using: &generator) { text.append(alphabet.randomElement(using: &generator)!) }
            let string = String(text)
            #expect(ScriptJSON.escape(string) == reference(string), "\(string.unicodeScalars.map { $0.value })")
        }
    }

    @Test func test_a_quote_joined_by_a_combining_mark_cannot_break_an_attribute() throws {
        // `"` + U+0301 is one Character: swift-mustache's own escaper, which compares Characters, let it through.
        let title = "x\"\u{301} onmouseover=alert(1) y=\"\u{301}"
        let shop = try TemporaryShop(files: [
            "content/products/accent.md": TemporaryShop.product("title: '\(title)'\nsku: ACC\nprice: 1000"),
        ])
        let html = read(try build(shop) + "/products/accent/index.html")
        let escapedQuote = "&quot;\u{301} onmouseover=alert(1)"
        #expect(html.contains(escapedQuote))
        // Scalar by scalar (as Characters, `"` + U+0301 is one): a raw quote before the accent is allowed only as
        // JSON's own \" inside a <script>; anywhere else it ends the attribute early.
        let scalars = Array(html.unicodeScalars)
        let rawQuotes = scalars.indices.dropFirst().filter { index in
            scalars[index] == "\"" && index + 1 < scalars.count && scalars[index + 1] == "\u{301}"
                && scalars[index - 1] != "\\"
        }
        #expect(rawQuotes.isEmpty)
    }

    @Test func test_html_escaping_matches_the_entities_byte_for_byte_over_generated_text() {
        // Pieces that matter: the five characters, entities already escaped, combining marks after each of them,
        // Hangul (precomposed and jamo), emoji with modifiers, and plain ASCII.
        let pieces = ["<", ">", "&", "\"", "'", "&amp;", "\u{301}", "\u{308}", "한", "\u{1112}\u{1161}\u{11AB}",
                      "👍🏽", "🇰🇷", "a", " ", "\n", "x=1", "가격"]
        var random = SplitMix(seed: 15)
        let escaping = HTMLEscaping()
        for _ in 0..<2_000 {
            let text = (0..<Int.random(in: 0...12, using: &random)).map { _ in pieces.randomElement(using: &random)! }.joined()
            // The reference: scalar by scalar, written out here independently of the byte loop under test.
            var expected = ""
            for scalar in text.unicodeScalars {
                switch scalar {
                case "<": expected += "&lt;"
                case ">": expected += "&gt;"
                case "&": expected += "&amp;"
                case "\"": expected += "&quot;"
                case "'": expected += "&#39;"
                default: expected.unicodeScalars.append(scalar)
                }
            }
            let escaped = escaping.escapeText(text)
            #expect(Array(escaped.utf8) == Array(expected.utf8), "\(text.debugDescription)")
            #expect(!escaped.contains(where: { "<>\"'".unicodeScalars.contains($0.unicodeScalars.first!) }))
        }
    }

    @Test func test_theme_errors_keep_their_line_numbers_under_the_escaping_line() throws {
        let shop = try TemporaryShop(files: ["templates/page.mustache": "<h1>\n<p>\n{{/nope}}\n"])
        let error = try #require(throws: BuildErrors.self) { try build(shop) }
        #expect(error.diagnostics.first?.file == "templates/page.mustache")
        #expect(error.diagnostics.first?.line == 3, "\(error)")
    }

    @Test func test_a_theme_that_picks_its_own_content_type_keeps_the_librarys_rules() throws {
        // Such a theme gets no escaping line: a TEXT template's variables come out as they are.
        let shop = try TemporaryShop(files: [
            "content/plain.md": "---\ntitle: 'a<b'\n---\n",
            "templates/page.mustache": "{{%CONTENT_TYPE:TEXT}}\n<title>{{page.title}}</title>\n",
        ])
        let html = read(try build(shop) + "/plain/index.html")
        #expect(html.contains("<title>a<b</title>"), "\(html)")
    }
}
