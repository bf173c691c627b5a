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

@Suite struct ShopIDTests {
    @Test func test_shop_id_is_readable_short_and_differs_per_address() {
        let production = ShopID.derive(from: "https://onggi-roastery.example.kr/")
        #expect(production.hasPrefix("onggiroast-"))
        #expect(production.count == 17)
        #expect(production != ShopID.derive(from: "https://staging.onggi-roastery.example.kr/"))
        #expect(production != ShopID.derive(from: "https://onggi-roastery.example.kr/shop2/"))
        #expect(production == ShopID.derive(from: "HTTPS://Onggi-Roastery.example.kr"))
    }

    @Test func test_default_order_prefix_comes_from_the_shop_not_a_constant() {
        let (a, _) = ShopSettings.parse("title: A\nbase_url: https://a.example.kr/\niamport: {merchant_code: imp1}\n")
        let (b, _) = ShopSettings.parse("title: B\nbase_url: https://b.example.kr/\niamport: {merchant_code: imp1}\n")
        #expect(a?.orderPrefix != b?.orderPrefix)
        #expect(a?.orderPrefix == (a?.shopID ?? "") + "-")
        #expect((a?.orderPrefix.count ?? 99) <= 20)
    }

    @Test func test_a_pg_without_mid_is_a_warning_with_its_line() {
        let (_, errors, warnings) = ShopSettings.parseWithWarnings(
            "title: A\niamport:\n  merchant_code: imp1\n  pg: html5_inicis\n  pay_methods: [card]\n")
        #expect(errors.isEmpty)
        #expect(warnings.count == 1)
        #expect(warnings.first?.line == 4)
        #expect(warnings.first?.hint?.contains("html5_inicis.MOI1234567") == true)
        let (_, _, none) = ShopSettings.parseWithWarnings(
            "title: A\niamport:\n  merchant_code: imp1\n  pg: kcp.A52CY\n  pay_methods: [card]\n")
        #expect(none.isEmpty)
    }

    @Test func test_price_grace_and_vbank_hours_are_validated() {
        let (settings, errors) = ShopSettings.parse(
            "title: A\niamport: {merchant_code: imp1}\ncheckout:\n  price_grace: 30\n  vbank_hours: 0\n")
        #expect(settings?.checkout.priceGraceMinutes == 30)
        #expect(errors.map(\.line) == [5])
    }

    @Test func test_the_checkout_checks_and_holds_by_default_for_hold_minutes() {
        let (defaults, none) = ShopSettings.parse("title: A\niamport: {merchant_code: imp1}\n")
        #expect(none.isEmpty)
        #expect(defaults?.checkout.prepare == true && defaults?.checkout.holdMinutes == 15)
        let (settings, errors) = ShopSettings.parse(
            "title: A\niamport: {merchant_code: imp1}\ncheckout:\n  prepare: false\n  hold_minutes: 30\n")
        #expect(settings?.checkout.prepare == false && settings?.checkout.holdMinutes == 30 && errors.isEmpty)
        let (_, refused) = ShopSettings.parse("title: A\niamport: {merchant_code: imp1}\ncheckout:\n  hold_minutes: 0\n")
        #expect(refused.map(\.line) == [4])
    }
}
