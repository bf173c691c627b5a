import Foundation
import Testing
import GageTestSupport
@testable import GageCatalog
@testable import GageCore
@testable import GageSite

/// Builds `shop` into a fresh folder and returns that folder.
func build(_ shop: TemporaryShop, drafts: Bool = false) throws -> String {
    let output = shop.root + "/public"
    _ = try SiteBuilder.build(.init(source: shop.root, output: output, includeDrafts: drafts))
    return output
}

func read(_ path: String) -> String {
    (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
}

/// The JSON inside `<script … id="ID">…</script>` or the first `<script type="application/ld+json">`.
func scriptJSON(in html: String, marker: String) throws -> Any {
    let start = try #require(html.firstRange(of: marker))
    let rest = html[start.upperBound...]
    let open = try #require(rest.firstRange(of: ">"))
    let close = try #require(rest.firstRange(of: "</script>"))
    let json = String(rest[open.upperBound..<close.lowerBound])
    return try JSONSerialization.jsonObject(with: Data(json.utf8), options: [.fragmentsAllowed])
}

let beanProduct = TemporaryShop.product("""
    title: 예가체프 200g
    sku: ETH-200
    price: 18000
    compare_at: 21000
    category: coffee
    tags: [원두, Single Origin]
    stock: 3
    max_quantity: 5
    images: [beans.svg]
    options:
      - name: 분쇄도
        values:
          - label: 홀빈
          - label: 에스프레소용
            price: 500
    """, body: "**꽃향**과 산미.\n\n<script>alert(1)</script>\n\n[클릭](javascript:alert(1))")

@Suite struct SiteBuildTests {
    func fixtureShop() throws -> TemporaryShop {
        try TemporaryShop(files: [
            "content/products/yirga/index.md": beanProduct,
            "content/products/yirga/beans.svg": "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
            "content/products/sencha.md": TemporaryShop.product("title: 센차\nsku: TEA-1\nprice: 12000\ncategory: tea\ntags: [녹차]"),
            "content/products/kenya.md": TemporaryShop.product("title: 케냐\nsku: KEN\nprice: 19500\nstock: 0\ncategory: coffee"),
            "content/products/secret.md": TemporaryShop.product("title: 비밀\nsku: SECRET\nprice: 1000\ndraft: true"),
            "content/about.md": "---\ntitle: 소개\n---\n작은 가게입니다.\n",
            "static/favicon.ico": "icon",
            "static/.well-known/apple-developer-merchantid-domain-association": "apple pay",
        ])
    }

    @Test func test_build_writes_every_page_of_the_spec() throws {
        let shop = try fixtureShop()
        let output = try build(shop)
        let expected = [
            "index.html", "products/yirga/index.html", "products/yirga/beans.svg", "products/sencha/index.html",
            "products/kenya/index.html", "categories/coffee/index.html", "categories/tea/index.html",
            "tags/원두/index.html", "tags/single-origin/index.html", "tags/녹차/index.html", "about/index.html",
            "cart/index.html", "checkout/complete/index.html", "404.html", "sitemap.xml", "robots.txt",
            "catalog.json", "assets/gage.js", "assets/gage.css", "favicon.ico",
            ".well-known/apple-developer-merchantid-domain-association",
        ]
        for path in expected {
            #expect(FileManager.default.fileExists(atPath: output + "/" + path), "missing \(path)")
        }
        #expect(!FileManager.default.fileExists(atPath: output + "/products/secret/index.html"))
    }

    @Test func test_catalog_json_has_the_spec_shape_without_drafts() throws {
        let shop = try fixtureShop()
        let output = try build(shop, drafts: true)
        let data = try #require(FileManager.default.contents(atPath: output + "/catalog.json"))
        let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(Set(json.keys) == ["version", "shop", "base_url", "currency", "order_prefix", "shipping", "payment",
                                   "price_grace", "vbank_hours", "hold_minutes", "products"])
        #expect(json["currency"] as? String == "KRW")
        #expect(json["hold_minutes"] as? Int == 15)
        // No order_prefix in shop.yml: the shop's id and a dash, the same id the pages send as custom_data.shop.
        let shopID = try #require(json["shop"] as? String)
        #expect(json["order_prefix"] as? String == shopID + "-")
        #expect(shopID.hasPrefix("shop-"))
        #expect((json["payment"] as? [String: Any])?["pg"] as? String == "html5_inicis")
        #expect(json["price_grace"] as? Int == 60 && json["vbank_hours"] as? Int == 72)
        #expect((json["shipping"] as? [String: Int]) == ["fee": 3000, "free_over": 50000])
        let products = try #require(json["products"] as? [[String: Any]])
        #expect(products.compactMap { $0["sku"] as? String }.sorted() == ["ETH-200", "KEN", "TEA-1"])
        let bean = try #require(products.first { $0["sku"] as? String == "ETH-200" })
        #expect(Set(bean.keys) == ["sku", "title", "price", "url", "stock", "max_quantity", "options"])
        #expect(bean["price"] as? Int == 18000)
        #expect(bean["url"] as? String == "https://shop.example.kr/products/yirga/")
        let options = try #require(bean["options"] as? [[String: Any]])
        #expect(options.first?["name"] as? String == "분쇄도")
        let catalog = try JSONDecoder().decode(Catalog.self, from: data)
        #expect(catalog.version == catalog.pricedContentHash())
    }

    @Test func test_product_page_shows_price_options_stock_and_structured_data() throws {
        let shop = try fixtureShop()
        let html = read(try build(shop) + "/products/yirga/index.html")
        #expect(html.contains("<strong>18,000원</strong>"))
        #expect(html.contains("<del><span class=\"visually-hidden\">정가 </span>21,000원</del>"))
        #expect(html.contains("<option value=\"에스프레소용\">에스프레소용 (+500원)</option>"))
        #expect(html.contains("max=\"3\""))  // the smaller of stock (3) and max_quantity (5)
        #expect(html.contains("<link rel=\"canonical\" href=\"https://shop.example.kr/products/yirga/\">"))
        #expect(html.contains("<meta property=\"og:image\" content=\"https://shop.example.kr/products/yirga/beans.svg\">"))
        #expect(html.contains("테스트 상회") && html.contains("123-45-67890"))
        let ld = try #require(try scriptJSON(in: html, marker: "application/ld+json") as? [String: Any])
        #expect(ld["@type"] as? String == "Product")
        #expect(ld["sku"] as? String == "ETH-200")
        let offer = try #require(ld["offers"] as? [String: Any])
        #expect(offer["price"] as? Int == 18000)
        #expect(offer["priceCurrency"] as? String == "KRW")
        #expect(offer["availability"] as? String == "https://schema.org/InStock")
    }

    @Test func test_sold_out_product_has_no_way_to_buy() throws {
        let shop = try fixtureShop()
        let html = read(try build(shop) + "/products/kenya/index.html")
        #expect(html.contains("<p class=\"sold-out\">품절</p>"))
        #expect(!html.contains("data-buy-form"))
        #expect(!html.contains(">장바구니 담기</button>"))
        let ld = try #require(try scriptJSON(in: html, marker: "application/ld+json") as? [String: Any])
        #expect((ld["offers"] as? [String: Any])?["availability"] as? String == "https://schema.org/OutOfStock")
    }

    @Test func test_markdown_drops_raw_html_and_script_links_by_default() throws {
        let shop = try fixtureShop()
        let html = read(try build(shop) + "/products/yirga/index.html")
        #expect(html.contains("<strong>꽃향</strong>"))
        #expect(!html.contains("<script>alert(1)</script>"))
        #expect(!html.contains("href=\"javascript:"))
        // The meta description is the text alone: no markup, no raw HTML.
        #expect(html.contains("<meta name=\"description\" content=\"꽃향과 산미. 클릭\">"))
    }

    @Test func test_sitemap_and_robots_use_absolute_encoded_urls() throws {
        let shop = try fixtureShop()
        let output = try build(shop)
        let sitemap = read(output + "/sitemap.xml")
        #expect(sitemap.contains("<loc>https://shop.example.kr/products/yirga/</loc>"))
        #expect(sitemap.contains("<loc>https://shop.example.kr/tags/%EC%9B%90%EB%91%90/</loc>"))
        #expect(!sitemap.contains("cart/"))
        #expect(read(output + "/robots.txt").contains("Sitemap: https://shop.example.kr/sitemap.xml"))
    }

    @Test func test_lists_paginate_with_previous_and_next_links() throws {
        var files: [String: String] = [:]
        for number in 1...5 {
            files["content/products/p\(number).md"] = TemporaryShop.product("title: 상품 \(number)\nprice: 1000\nweight: \(number)")
        }
        let shop = try TemporaryShop(settings: TemporaryShop.minimalSettings + "paginate: 2\n", files: files)
        let output = try build(shop)
        #expect(FileManager.default.fileExists(atPath: output + "/page/3/index.html"))
        #expect(!FileManager.default.fileExists(atPath: output + "/page/4/index.html"))
        let second = read(output + "/page/2/index.html")
        #expect(second.contains("상품 3") && second.contains("상품 4") && !second.contains("상품 5"))
        #expect(second.contains("rel=\"prev\" href=\"/\""))
        #expect(second.contains("rel=\"next\" href=\"/page/3/\""))
    }

    @Test func test_pager_shows_first_last_and_neighbours_with_gaps() {
        #expect(SiteRenderer.pagerWindow(current: 1, count: 1) == [1])
        #expect(SiteRenderer.pagerWindow(current: 1, count: 4) == [1, 2, 3, 4])
        #expect(SiteRenderer.pagerWindow(current: 10, count: 200) == [1, nil, 8, 9, 10, 11, 12, nil, 200])
        #expect(SiteRenderer.pagerWindow(current: 200, count: 200) == [1, nil, 198, 199, 200])
        #expect(SiteRenderer.pagerWindow(current: 4, count: 9) == [1, 2, 3, 4, 5, 6, nil, 9])
    }

    @Test func test_unchanged_files_are_not_rewritten_and_stale_ones_removed() throws {
        let shop = try fixtureShop()
        let output = shop.root + "/public"
        _ = try SiteBuilder.build(.init(source: shop.root, output: output))
        try FileManager.default.removeItem(atPath: shop.root + "/content/products/sencha.md")
        let report = try SiteBuilder.build(.init(source: shop.root, output: output))
        let written = try #require(report.written)
        #expect(written.removed >= 1)
        #expect(written.unchanged > 0)
        #expect(!FileManager.default.fileExists(atPath: output + "/products/sencha/index.html"))
        #expect(!FileManager.default.fileExists(atPath: output + "/products/sencha"))  // its emptied folder too
        let leftovers = FileManager.default.subpaths(atPath: output)?.filter { $0.hasSuffix(".gage-tmp") } ?? []
        #expect(leftovers.isEmpty)
    }

    @Test func test_refuses_to_prune_a_folder_it_did_not_build() throws {
        let shop = try fixtureShop()
        try shop.write("elsewhere/notes.txt", "keep me")
        #expect(throws: BuildErrors.self) {
            try SiteBuilder.build(.init(source: shop.root, output: shop.root + "/elsewhere"))
        }
        #expect(shop.read("elsewhere/notes.txt") == "keep me")
        // Pages are written as they are rendered: the folder is judged before the first one.
        #expect(FileManager.default.subpaths(atPath: shop.root + "/elsewhere") == ["notes.txt"])
    }

    @Test func test_a_page_that_cannot_be_written_fails_the_build_naming_it() throws {
        let shop = try fixtureShop()
        let output = try build(shop)
        let blocked = output + "/products/yirga/index.html"
        try FileManager.default.removeItem(atPath: blocked)
        try FileManager.default.createDirectory(atPath: blocked + "/in-the-way", withIntermediateDirectories: true)
        try shop.write("content/products/sencha.md",
                       TemporaryShop.product("title: 센차\nsku: TEA-1\nprice: 13500\ncategory: tea\ntags: [녹차]"))
        let error = try #require(throws: BuildErrors.self) {
            try SiteBuilder.build(.init(source: shop.root, output: output))
        }
        #expect("\(error)".contains("products/yirga/index.html: cannot be written"), "\(error)")
        #expect("\(error)".contains("Is a directory"), "\(error)")  // the reason, not a later call's
        #expect(error.diagnostics.count == 1, "\(error)")
        #expect("\(error)".hasSuffix("1 error found; the other files were written and nothing was removed."))
        // Everything else is written — catalog.json too, whose prices must match the pages that did change — and
        // nothing is pruned on the way out.
        #expect(read(output + "/products/sencha/index.html").contains("13,500"))
        #expect(read(output + "/catalog.json").contains("\"price\" : 13500"))
        #expect(FileManager.default.fileExists(atPath: blocked + "/in-the-way"))
    }

    @Test func test_list_pages_show_cards_rendered_once_exactly_as_the_card_partial_renders_them() throws {
        // Twelve products: the first four cards of a page load their photo at once, the rest lazily.
        var files: [String: String] = [:]
        for n in 1...12 {
            files["content/products/p\(n).md"] = TemporaryShop.product(
                "title: 상품 \(n)\nsku: P\(n)\nprice: \(1000 * n)\ncategory: coffee\ntags: [원두]\nimages: [https://cdn.example.kr/\(n).jpg]")
        }
        let viaHTML = try TemporaryShop(files: files)
        // The same shop with list templates that render the partial on every page, as themes did before.
        var viaPartial = files
        for name in ["index", "list"] {
            viaPartial["templates/\(name).mustache"] = try #require(DefaultTheme.files["\(name).mustache"])
                .replacingOccurrences(of: "{{{html}}}", with: "{{> partials/product-card}}")
        }
        let partialShop = try TemporaryShop(files: viaPartial)
        let (built, reference) = (try build(viaHTML), try build(partialShop))
        for page in ["index.html", "categories/coffee/index.html", "tags/원두/index.html"] {
            let html = read(built + "/" + page)
            #expect(html == read(reference + "/" + page), "\(page)")
            #expect(html.components(separatedBy: "loading=\"eager\"").count - 1 == 4, "\(page)")
            #expect(html.components(separatedBy: "loading=\"lazy\"").count - 1 == 8, "\(page)")
        }
    }

    @Test func test_a_shops_own_card_partial_is_what_its_lists_show() throws {
        let shop = try TemporaryShop(files: [
            "content/products/sencha.md": TemporaryShop.product("title: 센차\nsku: TEA-1\nprice: 12000\ncategory: tea"),
            "templates/partials/product-card.mustache": "<li class=\"my-card\">{{title}} · {{price_text}} · {{i18n.sold_out}}</li>\n",
        ])
        let output = try build(shop)
        for page in ["index.html", "categories/tea/index.html"] {
            #expect(read(output + "/" + page).contains("<li class=\"my-card\">센차 · 12,000원 · 품절</li>"), "\(page)")
        }
    }

    @Test func test_shop_templates_override_the_theme_file_by_file() throws {
        let shop = try fixtureShop()
        try shop.write("templates/404.mustache", "<p>{{i18n.not_found_title}} / custom</p>")
        let output = try build(shop)
        #expect(read(output + "/404.html") == "<p>페이지를 찾을 수 없습니다 / custom</p>")
        #expect(read(output + "/index.html").contains("<!DOCTYPE html>"))
    }

    @Test func test_broken_template_is_reported_with_its_line() throws {
        let shop = try fixtureShop()
        try shop.write("templates/page.mustache", "<h1>\n{{#content}}\n{{title}}\n")
        #expect {
            try build(shop)
        } throws: { error in
            (error as? BuildErrors)?.diagnostics.first?.file == "templates/page.mustache"
        }
    }

    @Test func test_english_shop_uses_english_text_and_won_sign() throws {
        let shop = try fixtureShop()
        try shop.write("shop.yml", TemporaryShop.minimalSettings + "language: en\n")
        let html = read(try build(shop) + "/products/yirga/index.html")
        #expect(html.contains("<html lang=\"en\">"))
        #expect(html.contains("₩18,000"))
        #expect(html.contains("Add to cart"))
    }

    @Test func test_base_url_with_a_path_prefixes_every_link() throws {
        let shop = try fixtureShop()
        try shop.write("shop.yml", TemporaryShop.minimalSettings.replacingOccurrences(
            of: "https://shop.example.kr/", with: "https://example.kr/shop/"))
        let output = try build(shop)
        let html = read(output + "/index.html")
        #expect(html.contains("href=\"/shop/products/yirga/\""))
        #expect(html.contains("href=\"/shop/assets/gage.css\""))
        #expect(read(output + "/robots.txt").contains("Disallow: /shop/cart/"))
    }
}
