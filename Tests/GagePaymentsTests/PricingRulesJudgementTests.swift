import Testing
@testable import GageCore
@testable import GagePayments

private let key = DiscountKey(salt: "gage-discount:shop-a1b2c3", iterations: 1_000)
private let codeEnds = now + 3600

private let rulesCatalog: Catalog = {
    var catalog = Catalog(
        shop: "shop-a1b2c3", baseURL: "https://shop.example.kr/", orderPrefix: "shop-",
        shipping: ShippingRule(fee: 3000, freeOver: 50000, jeju: 3000, remote: 5000, remotePostcodes: [PostcodeRange(40200, 40240)]),
        payment: .init(pg: "html5_inicis.MOI1234567", payMethods: ["card", "vbank"]),
        products: [.init(sku: "TEA", title: "녹차", price: 12000, url: ""),
                   .init(sku: "RICE", title: "쌀", price: 30000, url: "", taxFree: true)])
    catalog.discountKey = key
    catalog.discounts = [DiscountRule(hash: key.hash("WELCOME10"), percent: 10, ends: codeEnds, limit: 3)]
    return catalog
}()

private func paid(_ amount: Int, items: String = #"[{"sku":"TEA","quantity":1}]"#, code: String? = nil,
                  pricedAt: Int? = nil, postcode: String? = "04524", started: Int = now, taxFree: Int? = nil) -> ProviderPayment {
    var data = #"{"items":\#(items),"shop":"shop-a1b2c3""#
    if let code { data += #","discount":"\#(code)""# }
    if let pricedAt { data += #","priced_at":\#(pricedAt)"# }
    data += "}"
    var record = ProviderPayment(impUID: "imp_1", merchantUID: "shop-1", payMethod: "card", amount: amount, currency: "KRW",
                                 status: "paid", customData: data, pgProvider: "html5_inicis", pgID: "MOI1234567")
    record.buyerPostcode = postcode
    record.startedAt = started
    record.taxFree = taxFree
    return record
}

private func judge(_ payment: ProviderPayment, redemptions: Int = 0) -> Judgement {
    Judgement.judge(payment, .init(pricing: rulesCatalog, current: rulesCatalog, now: now, redemptions: redemptions))
}

private func rejected(_ reason: String, expected: Int? = nil) -> Judgement {
    .rejected(reason: reason, expectedAmount: expected, refund: true, alreadyRefunded: false)
}

@Suite struct PricingRulesJudgementTests {
    @Test func test_discounted_amount_is_paid_and_carries_its_code() {
        // 12000 - 1200 + 3000
        guard case let .paid(order) = judge(paid(13800, code: " welcome10 ")) else { Issue.record("not paid"); return }
        #expect(order.discount == 1200)
        #expect(order.discountCode == "WELCOME10")
    }

    @Test func test_undiscounted_amount_with_a_code_is_refunded_as_mismatch() {
        #expect(judge(paid(15000, code: "WELCOME10")) == rejected("amount_mismatch", expected: 13800))
        #expect(judge(paid(10000, code: "WELCOME10")) == rejected("amount_mismatch", expected: 13800))
    }

    @Test func test_unknown_and_used_up_codes_are_discount_invalid() {
        #expect(judge(paid(13800, code: "WELCOME11")) == rejected("discount_invalid"))
        #expect(judge(paid(13800, code: "WELCOME10"), redemptions: 3) == rejected("discount_invalid"))
        if case .paid = judge(paid(13800, code: "WELCOME10"), redemptions: 2) {} else { Issue.record("the third redemption is refused") }
    }

    @Test func test_expired_code_is_honoured_within_price_grace_of_the_page() {
        // The page priced a minute before the end; the payment started 59 minutes later (grace is 60).
        let late = codeEnds + 58 * 60
        if case .paid = judge(paid(13800, code: "WELCOME10", pricedAt: codeEnds - 60, started: late)) {} else {
            Issue.record("within grace the code stands")
        }
        // 61 minutes after the page priced it: judged at the payment's start, when the code had ended.
        #expect(judge(paid(13800, code: "WELCOME10", pricedAt: codeEnds - 60, started: codeEnds + 60 * 60 + 1))
                == rejected("discount_invalid"))
        #expect(judge(paid(13800, code: "WELCOME10", started: codeEnds)) == rejected("discount_invalid"))
    }

    @Test func test_surcharge_comes_from_the_providers_postcode() {
        if case .paid = judge(paid(15000 + 3000, postcode: "63100")) {} else { Issue.record("jeju") }
        if case .paid = judge(paid(15000 + 5000, postcode: "40220")) {} else { Issue.record("ulleung") }
        #expect(judge(paid(15000, postcode: "63100")) == rejected("amount_mismatch", expected: 18000))
        #expect(judge(paid(15000, postcode: nil)) == rejected("address_required"))
    }

    @Test func test_providers_tax_free_figure_must_be_the_orders() {
        let items = #"[{"sku":"RICE","quantity":1},{"sku":"TEA","quantity":1}]"#
        // 30000 (면세) + 12000 = 42000, under free_over: the 3000 fee is 과세.
        if case let .paid(order) = judge(paid(45000, items: items, taxFree: 30000)) {
            #expect(order.taxFree == 30000)
        } else {
            Issue.record("the right tax-free part is paid")
        }
        #expect(judge(paid(45000, items: items, taxFree: 0)) == rejected("amount_mismatch", expected: 45000))
        #expect(judge(paid(45000, items: items, taxFree: 45000)) == rejected("amount_mismatch", expected: 45000))
        // V1 reports no tax-free figure: nothing to compare.
        if case .paid = judge(paid(45000, items: items, taxFree: nil)) {} else { Issue.record("V1") }
    }

    @Test func test_pricing_moment_takes_the_page_only_within_grace() {
        #expect(Judgement.pricingMoment(claimed: 1000, started: 1000 + 3600, graceMinutes: 60) == 1000)
        #expect(Judgement.pricingMoment(claimed: 1000, started: 1000 + 3601, graceMinutes: 60) == 4601)
        #expect(Judgement.pricingMoment(claimed: 9000, started: 1000, graceMinutes: 60) == 1000)
        #expect(Judgement.pricingMoment(claimed: nil, started: 1000, graceMinutes: 60) == 1000)
    }

    @Test func test_a_malformed_priced_at_is_ignored_and_a_malformed_code_is_bad_custom_data() {
        var record = paid(15000)
        record.customData = #"{"items":[{"sku":"TEA","quantity":1}],"shop":"shop-a1b2c3","priced_at":"soon"}"#
        if case .paid = judge(record) {} else { Issue.record("priced_at is only a hint") }
        record.customData = #"{"items":[{"sku":"TEA","quantity":1}],"shop":"shop-a1b2c3","discount":10}"#
        #expect(judge(record) == rejected("bad_custom_data"))
    }
}
