import Foundation
import Testing
import GageTestSupport
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
}
