import Testing
@testable import GageCore

/// 2026-12-10 09:00 KST as Unix seconds, worked out by hand: 2026-12-10 00:00 UTC is 1_796_860_800.
private let saleStart = 1_796_860_800 - 9 * 3600 + 9 * 3600   // 09:00 KST = 00:00 UTC
private let saleEnd = saleStart + 3 * 86_400

private let key = DiscountKey(salt: "gage-discount:test-shop", iterations: 1_000)

private func rulesCatalog(discounts: [DiscountRule] = [], shipping: ShippingRule = ShippingRule(fee: 3000, freeOver: 50000)) -> Catalog {
    var catalog = Catalog(
        baseURL: "https://shop.example.kr/", orderPrefix: "gage-", shipping: shipping,
        products: [
            .init(sku: "BEAN", title: "원두", price: 18000, url: "", sale: Sale(price: 15000, from: saleStart, until: saleEnd)),
            .init(sku: "RICE", title: "쌀 10kg", price: 32000, url: "", taxFree: true),
            .init(sku: "APPLE", title: "사과", price: 10000, url: "", taxFree: true),
            .init(sku: "CUP", title: "컵", price: 8000, url: ""),
        ])
    catalog.discounts = discounts
    catalog.discountKey = key
    return catalog
}

private func price(_ items: [(String, Int)], _ catalog: Catalog, at time: Int = 1_700_000_000,
                   code: DiscountRule? = nil, postcode: String? = nil) throws(PricingError) -> PricedOrder {
    try Pricing.price(items.map { OrderItem(sku: $0.0, quantity: $0.1) }, in: catalog,
                      terms: PricingTerms(time: time, discount: code, postcode: postcode))
}

@Suite struct PricingRulesTests {
    @Test func test_percent_discount_is_whole_won_rounded_down_before_shipping() throws {
        let code = DiscountRule(hash: "h", percent: 7)
        // 8000 × 3 = 24000; 7 % = 1680. 32000 + 24000 = 56000 → 7 % = 3920.
        let order = try price([("CUP", 3)], rulesCatalog(), code: code)
        #expect(order.discount == 1680)
        #expect(order.total == 24000 - 1680 + 3000)
        let odd = try price([("CUP", 1), ("APPLE", 1)], rulesCatalog(), code: DiscountRule(hash: "h", percent: 3))
        #expect(odd.discount == 540)   // 18000 × 3 % = 540 exactly
        let rounded = try price([("CUP", 1)], rulesCatalog(), code: DiscountRule(hash: "h", percent: 33))
        #expect(rounded.discount == 2640)   // 8000 × 0.33 = 2640
        let down = try price([("BEAN", 1)], rulesCatalog(), code: DiscountRule(hash: "h", percent: 33))
        #expect(down.discount == 5940)   // 18000 × 0.33 = 5940
        let fraction = try Pricing.price([OrderItem(sku: "X", quantity: 1)], in: Catalog(
            baseURL: "https://a.kr/", orderPrefix: "g-", products: [.init(sku: "X", title: "x", price: 999, url: "")]),
            terms: PricingTerms(time: 0, discount: DiscountRule(hash: "h", percent: 10)))
        #expect(fraction.discount == 99)   // 99.9 rounded down
    }

    @Test func test_percent_discount_is_capped_by_max_discount() throws {
        let order = try price([("RICE", 2)], rulesCatalog(), code: DiscountRule(hash: "h", percent: 10, maxDiscount: 5000))
        #expect(order.discount == 5000)
        #expect(order.total == 64000 - 5000)   // 59000 ≥ free_over: no fee
    }

    @Test func test_amount_discount_never_takes_more_than_the_eligible_items() throws {
        let order = try price([("CUP", 1)], rulesCatalog(), code: DiscountRule(hash: "h", amount: 10000))
        #expect(order.discount == 8000)
        #expect(order.total == 3000)
    }

    @Test func test_free_over_compares_the_subtotal_after_the_discount() throws {
        // 52000 reaches free_over, 52000 - 3000 = 49000 does not: the fee comes back.
        let order = try price([("RICE", 1), ("APPLE", 2)], rulesCatalog(), code: DiscountRule(hash: "h", amount: 3000))
        #expect(order.subtotal == 52000)
        #expect(order.shipping == 3000)
        #expect(order.total == 52000)
    }

    @Test func test_free_shipping_code_waives_the_fee_and_reports_it() throws {
        let order = try price([("CUP", 1)], rulesCatalog(), code: DiscountRule(hash: "h", freeShipping: true))
        #expect(order.shipping == 0)
        #expect(order.shippingDiscount == 3000)
        #expect(order.savedByCode == 3000)
        #expect(order.total == 8000)
    }

    @Test func test_min_subtotal_and_products_restrict_what_counts() throws {
        let onlyCups = DiscountRule(hash: "h", percent: 10, minSubtotal: 16000, products: ["CUP"])
        let below = try price([("CUP", 1), ("RICE", 1)], rulesCatalog(), code: onlyCups)
        #expect(below.discount == 0)   // the cups make 8000, under 16000, though the cart is 40000
        let reached = try price([("CUP", 2), ("RICE", 1)], rulesCatalog(), code: onlyCups)
        #expect(reached.discount == 1600)
        #expect(reached.items.map(\.discount) == [1600, 0])
        #expect(Pricing.discountOutcome(onlyCups, lines: below.items) == .nothing(.belowMinimum))
        let none = try price([("RICE", 1)], rulesCatalog(), code: onlyCups)
        #expect(none.discount == 0)
        #expect(Pricing.discountOutcome(onlyCups, lines: none.items) == .nothing(.noEligibleItems))
    }

    @Test func test_a_code_outside_its_window_is_invalid() {
        let code = DiscountRule(hash: "h", percent: 10, starts: 1000, ends: 2000)
        #expect(throws: PricingError.discountInvalid(.notStarted)) { try price([("CUP", 1)], rulesCatalog(), at: 999, code: code) }
        #expect(throws: PricingError.discountInvalid(.expired)) { try price([("CUP", 1)], rulesCatalog(), at: 2000, code: code) }
        #expect((try? price([("CUP", 1)], rulesCatalog(), at: 1999, code: code))?.discount == 800)
        #expect(PricingError.discountInvalid(.expired).reason == "discount_invalid")
    }

    @Test func test_sale_price_holds_from_from_until_until() throws {
        #expect(try price([("BEAN", 1)], rulesCatalog(), at: saleStart - 1).items[0].price == 18000)
        #expect(try price([("BEAN", 1)], rulesCatalog(), at: saleStart).items[0].price == 15000)
        #expect(try price([("BEAN", 1)], rulesCatalog(), at: saleEnd - 1).items[0].price == 15000)
        #expect(try price([("BEAN", 1)], rulesCatalog(), at: saleEnd).items[0].price == 18000)
        // Without terms (a subscription's plain prices) no sale applies.
        #expect(try Pricing.price([OrderItem(sku: "BEAN", quantity: 1)], in: rulesCatalog()).items[0].price == 18000)
    }

    @Test func test_regional_surcharge_is_added_even_when_free_over_waives_the_fee() throws {
        let shipping = ShippingRule(fee: 3000, freeOver: 50000, jeju: 3000, remote: 5000,
                                    remotePostcodes: [PostcodeRange(40200, 40240)])
        let catalog = rulesCatalog(shipping: shipping)
        let jeju = try price([("RICE", 2)], catalog, postcode: "63309")
        #expect(jeju.shipping == 0)
        #expect(jeju.surcharge == 3000)
        #expect(jeju.total == 64000 + 3000)
        let ulleung = try price([("CUP", 1)], catalog, postcode: "40230")
        #expect(ulleung.total == 8000 + 3000 + 5000)
        let seoul = try price([("CUP", 1)], catalog, postcode: "04524")
        #expect(seoul.surcharge == 0)
        #expect(try price([("CUP", 1)], catalog, postcode: "63-644").surcharge == 3000)   // written with a dash
        #expect(try price([("CUP", 1)], catalog, postcode: "63645").surcharge == 0)
        #expect(throws: PricingError.addressRequired) { try price([("CUP", 1)], catalog, postcode: nil) }
        #expect(throws: PricingError.addressRequired) { try price([("CUP", 1)], catalog, postcode: "1234") }
        // A shop without surcharges needs no postcode.
        #expect(try price([("CUP", 1)], rulesCatalog(), postcode: nil).total == 11000)
    }

    @Test func test_tax_free_part_is_the_tax_free_lines_after_their_discount_share() throws {
        // RICE 32000 (면세) + CUP 8000 (과세): 10 % = 4000, split 3200 / 800.
        let order = try price([("RICE", 1), ("CUP", 1)], rulesCatalog(), code: DiscountRule(hash: "h", percent: 10))
        #expect(order.items.map(\.discount) == [3200, 800])
        #expect(order.taxFree == 28800)
        #expect(order.total == 36000 + 3000)   // shipping is 과세
    }

    @Test func test_discount_split_uses_largest_remainders_and_never_exceeds_a_line() {
        var lines = [3, 3, 3, 1].enumerated().map { PricedItem(sku: "S\($0.offset)", title: "", quantity: 1, options: [:], price: $0.element) }
        Pricing.splitDiscount(9, over: &lines) { _ in true }
        // Exact shares 2.7, 2.7, 2.7, 0.9: floors 2, 2, 2, 0 and 3 won left; remainders .7 .7 .7 .9 → last, then first two.
        #expect(lines.map(\.discount) == [3, 3, 2, 1])
        var even = [100, 100, 100].map { PricedItem(sku: "A", title: "", quantity: 1, options: [:], price: $0) }
        Pricing.splitDiscount(100, over: &even) { _ in true }
        #expect(even.map(\.discount) == [34, 33, 33])
    }

    @Test func test_discount_split_adds_up_and_stays_within_lines_for_generated_carts() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            let count = Int.random(in: 1...6, using: &generator)
            var lines = (0..<count).map { index in
                PricedItem(sku: "S\(index)", title: "", quantity: Int.random(in: 1...5, using: &generator), options: [:],
                           price: Int.random(in: 1...200_000, using: &generator))
            }
            let total = lines.reduce(0) { $0 + $1.lineTotal }
            let discount = Int.random(in: 0...total, using: &generator)
            Pricing.splitDiscount(discount, over: &lines) { _ in true }
            #expect(lines.reduce(0) { $0 + $1.discount } == discount)
            #expect(lines.allSatisfy { $0.discount >= 0 && $0.discount <= $0.lineTotal })
        }
    }

    @Test func test_codes_match_ignoring_case_and_surrounding_spaces() {
        let hash = key.hash("WELCOME10")
        #expect(key.hash("  welcome10\t") == hash)
        #expect(key.hash("Welcome10") == hash)
        #expect(key.hash("WELCOME 10") != hash)
        #expect(key.hash("WELCOME1O") != hash)
        #expect(DiscountKey(salt: "gage-discount:other", iterations: 1_000).hash("WELCOME10") != hash)
    }

    @Test func test_code_hash_is_pbkdf2_hmac_sha256_of_the_normalised_code() {
        // Python's hashlib.pbkdf2_hmac("sha256", b"WELCOME10", b"gage-discount:test-shop", 1000), worked out apart.
        #expect(key.hash(" welcome10 ") == "b642b880753a1edfe62e80a783dea378bba2eed03c742cc4a049be235dc04d4a")
    }

    @Test func test_catalog_finds_a_rule_by_the_typed_code() {
        let rule = DiscountRule(hash: key.hash("SPRING"), amount: 1000)
        let catalog = rulesCatalog(discounts: [rule])
        #expect(catalog.discount(code: " spring ") == rule)
        #expect(catalog.discount(code: "SUMMER") == nil)
    }
}
