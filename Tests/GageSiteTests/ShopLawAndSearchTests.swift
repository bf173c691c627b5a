import Foundation
import Testing
import GageTestSupport
@testable import GageCatalog
@testable import GageSite

/// What Korean buyers and e-commerce law expect of the built pages: categories from use, 상품정보제공고시,
/// the footer's seller facts, 청약철회, address search, search and shopping feeds.
@Suite struct ShopLawAndSearchTests {
    static let settings = TemporaryShop.minimalSettings + """
        feeds: { naver: true, google: true }

        """

    func shop(_ files: [String: String] = [:], settings: String = ShopLawAndSearchTests.settings) throws -> TemporaryShop {
        var all = [
            "content/products/beans.md": TemporaryShop.product("""
                title: 예가체프 원두
                sku: ETH-1
                price: 18000
                images: [/images/beans.svg]
                category: coffee
                tags: [원두, 싱글오리진]
                notice:
                  type: 기타 재화
                  품명 및 모델명: 예가체프 (ETH-1)
                  제조국(원산지): 에티오피아
                  제조자: 온기 로스터리
                  소비자상담 관련 전화번호: 02-123-4567
                """, body: "꽃향이 나는 **드립** 커피."),
            "content/products/mug.md": TemporaryShop.product(
                "title: 머그\nsku: MUG-1\nprice: 9000\nimages: [/images/mug.svg]\ncategory: cups"),
            "content/shipping.md": "---\ntitle: 배송·교환·환불 안내\n---\n7일 이내 반품.\n",
            "static/images/beans.svg": "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
            "static/images/mug.svg": "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
        ]
        for (path, text) in files { all[path] = text }
        return try TemporaryShop(settings: settings, files: all)
    }

    /// Builds `shop` and reads the files at `paths` (before the temporary shop is removed).
    func built(_ shop: TemporaryShop, _ paths: String...) throws -> [String] {
        let output = try build(shop)
        return paths.map { read(output + "/" + $0) }
    }

    @Test func test_an_undeclared_category_gets_a_page_and_a_link_titled_with_its_slug() throws {
        let files = try built(try shop(), "categories/cups/index.html", "index.html", "sitemap.xml")
        let page = files[0]
        #expect(page.contains("<h1>cups</h1>"))
        #expect(page.contains("/products/mug/"))
        let home = files[1]
        let coffee = try #require(home.range(of: "href=\"/categories/coffee/\""))
        let cups = try #require(home.range(of: "href=\"/categories/cups/\""))
        #expect(coffee.lowerBound < cups.lowerBound, "declared categories come first")
        #expect(files[2].contains("https://shop.example.kr/categories/cups/"))
    }

    @Test func test_notice_is_a_table_in_the_authors_order() throws {
        let pages = try built(try shop(), "products/beans/index.html", "products/mug/index.html")
        let html = pages[0]
        let labels = ["품명 및 모델명", "제조국(원산지)", "제조자", "소비자상담 관련 전화번호"]
        let positions = try labels.map { try #require(html.range(of: "<th scope=\"row\">\($0)</th>")).lowerBound }
        #expect(positions == positions.sorted())
        #expect(html.contains("<td>에티오피아</td>"))
        #expect(html.contains("상품정보제공고시 <span class=\"notice-type\">(기타 재화)</span>"))
        #expect(!pages[1].contains("data-product-notice"))
    }

    @Test func test_footer_shows_hosting_the_ftc_link_and_the_escrow_notice_for_cash_payments() throws {
        let settings = Self.settings.replacingOccurrences(
            of: "  registration_number: 123-45-67890\n",
            with: "  registration_number: 123-45-67890\n  hosting: 가비아\n")
        let html = try built(try shop(settings: settings), "index.html")[0]
        #expect(html.contains("<dt>호스팅 서비스 제공자</dt><dd>가비아</dd>"))
        #expect(html.contains("href=\"https://www.ftc.go.kr/bizCommPop.do?wrkr_no=1234567890\""))
        #expect(html.contains("구매안전서비스를 이용하실 수 있습니다"))
        let cardOnly = settings.replacingOccurrences(of: "  merchant_code: imp12345678\n",
                                                     with: "  merchant_code: imp12345678\n  pay_methods: [card]\n")
        #expect(!(try built(try shop(settings: cardOnly), "index.html")[0]).contains("data-escrow-notice"))
    }

    @Test func test_escrow_is_requested_for_cash_methods_only_when_the_shop_has_it() throws {
        let withEscrow = Self.settings.replacingOccurrences(of: "checkout:\n", with: "checkout:\n  escrow: true\n")
        let on = try scriptJSON(in: try built(try shop(settings: withEscrow), "cart/index.html")[0],
                                marker: "id=\"gage-checkout\"") as? [String: Any]
        #expect(on?["escrow_methods"] as? [String] == ["trans", "vbank"])
        let off = try scriptJSON(in: try built(try shop(), "cart/index.html")[0],
                                 marker: "id=\"gage-checkout\"") as? [String: Any]
        #expect(off?["escrow_methods"] as? [String] == [])
    }

    @Test func test_a_subscribable_product_offers_once_or_every_interval_at_the_subscriber_price() throws {
        let settings = Self.settings.replacingOccurrences(
            of: "  merchant_code: imp12345678\n", with: "  merchant_code: imp12345678\n  billing_pg: html5_inicis.INIBillTst\n")
        let files = ["content/products/drip.md": TemporaryShop.product(
            "title: 드립백\nsku: DRIP-1\nprice: 14000\nsubscription: { intervals: [2w, 1m], price: 12600 }")]
        let pages = try built(try shop(files, settings: settings), "products/drip/index.html", "products/mug/index.html",
                              "subscription/index.html", "cart/index.html")
        let offer = try #require(pages[0].range(of: "data-purchase-type")).lowerBound
        let choice = String(pages[0][offer...].prefix(900))
        #expect(choice.contains("1회 구매 <span class=\"choice-price\">14,000원</span>"))
        #expect(choice.contains("12,600원 / 1회 배송"))
        #expect(choice.contains("정기배송 할인 −1,400원"))
        #expect(pages[0].contains("<option value=\"2w\" selected>2주마다</option>"))
        #expect(pages[0].contains("<option value=\"1m\">1개월마다</option>"))
        #expect(!pages[1].contains("data-purchase-type"), "a product without an offer is bought once only")
        #expect(pages[2].contains("data-subscription-manage") && pages[2].contains("<meta name=\"robots\" content=\"noindex\">"))
        let checkout = try scriptJSON(in: pages[3], marker: "id=\"gage-checkout\"") as? [String: Any]
        #expect(checkout?["billing_pg"] as? String == "html5_inicis.INIBillTst")
        #expect(checkout?["subscription_url"] as? String == "/subscription/")
        // Without a billing PG there is no subscription to manage, so no page for it.
        let plain = try built(try shop(), "subscription/index.html", "index.html")
        #expect(plain[0].isEmpty && !plain[1].isEmpty)
    }

    @Test func test_withdrawal_notice_on_product_and_cart_links_the_refund_page() throws {
        let pages = try built(try shop(), "products/beans/index.html", "cart/index.html")
        for (page, html) in zip(["product", "cart"], pages) {
            #expect(html.contains("7일 이내에 청약철회"), "\(page)")
            #expect(html.contains("<a href=\"/shipping/\">배송·교환·환불 안내 보기</a>"), "\(page)")
        }
    }

    @Test func test_address_search_is_on_for_korean_shops_and_can_be_turned_off() throws {
        let on = try built(try shop(), "cart/index.html")[0]
        #expect(on.contains("data-address-search"))
        #expect(on.contains("postcode.v2.js"))
        let settings = Self.settings.replacingOccurrences(of: "checkout:\n", with: "checkout:\n  address_search: false\n")
        let off = try built(try shop(settings: settings), "cart/index.html")[0]
        #expect(!off.contains("data-address-search"))
        #expect(!off.contains("postcode.v2.js"))
    }

    @Test func test_search_index_lists_published_products_with_their_searchable_text() throws {
        let files = try built(try shop(["content/products/hidden.md":
            TemporaryShop.product("title: 비밀\nprice: 1000\ndraft: true")]), "search.json", "search/index.html", "index.html")
        let data = Data(files[0].utf8)
        let index = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let rows = try #require(index["products"] as? [[String]])
        #expect(rows.map { $0[0] } == ["머그", "예가체프 원두"])
        let beans = try #require(rows.first { $0[0] == "예가체프 원두" })
        // Last, the words it is filed under: its category's title and slug, and its own slug.
        #expect(beans == ["예가체프 원두", "products/beans/", "18,000원", "", "원두 싱글오리진", "꽃향이 나는 드립 커피.",
                          "커피 coffee beans"])
        #expect(files[1].contains("data-search-page"))
        #expect(files[2].contains("role=\"search\""))
    }

    @Test func test_feed_values_never_carry_tabs_or_line_breaks() {
        #expect(ShoppingFeeds.tsvValue("제주\t감귤\n5kg\r\n 특품") == "제주 감귤 5kg 특품")
        #expect(XMLText.escape("a\u{1}b<c>&\"") == "ab&lt;c&gt;&amp;&quot;")
    }

    @Test func test_new_content_gets_a_romanised_or_numbered_address() {
        #expect(Slug.forNewContent(named: "제주 감귤 5kg") { _ in false } == "jeju-gamgyul-5kg")
        #expect(Slug.forNewContent(named: "제주 감귤 5kg") { $0 == "jeju-gamgyul-5kg" } == "jeju-gamgyul-5kg-2")
        #expect(Slug.forNewContent(named: "Kenya AA") { _ in false } == "kenya-aa")
        #expect(Slug.forNewContent(named: "★★★") { $0 == "product-1" } == "product-2")
    }
}
