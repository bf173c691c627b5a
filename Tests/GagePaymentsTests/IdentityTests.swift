import Testing
@testable import GageCore
@testable import GagePayments

/// SPEC §6: an order with an adult-only product is paid only with a qualifying identity verification.
@Suite struct IdentityTests {
    let shop = Catalog(
        shop: "shop-a1b2c3", baseURL: "https://shop.example.kr/", orderPrefix: "shop-",
        shipping: ShippingRule(fee: 3000, freeOver: 50000),
        payment: .init(pg: "html5_inicis.MOI1234567", payMethods: ["card", "vbank"]),
        identity: .init(pg: "danal"),
        products: [.init(sku: "TEA", title: "녹차", price: 12000, url: ""),
                   .init(sku: "SUL", title: "막걸리", price: 6000, url: "", adultOnly: true)])
    let paidAt = 1_781_492_400     // 2026-06-15 12:00 KST

    func sulPayment(merchantUID: String = "shop-9") -> ProviderPayment {
        var paid = ProviderPayment(impUID: "imp_2", merchantUID: merchantUID, payMethod: "card", amount: 9000,
                                  currency: "KRW", status: "paid",
                                  customData: #"{"items":[{"sku":"SUL","quantity":1}],"shop":"shop-a1b2c3","certification":"imp_777"}"#,
                                  pgProvider: "html5_inicis", pgID: "MOI1234567")
        paid.startedAt = paidAt - 60
        paid.paidAt = paidAt
        return paid
    }

    func certification(birthday: String = "1990-05-05", merchantUID: String? = "shop-9", certified: Bool = true,
                       minutesBefore: Int = 5) -> IdentityVerification {
        IamportCertification(impUID: "imp_777", merchantUID: merchantUID, pgProvider: "danal", certified: certified,
                             certifiedAt: paidAt - 60 - minutesBefore * 60, birthday: birthday).verification
    }

    func judged(_ evidence: IdentityEvidence?) -> Judgement {
        Judgement.judge(sulPayment(), .init(pricing: shop, current: shop, now: paidAt, identity: evidence))
    }

    @Test func test_an_adult_certified_for_this_order_is_paid() {
        let evidence = IdentityEvidence.assess(certification(), for: sulPayment(), now: paidAt)
        #expect(evidence == .adult(certification: "imp_777", provider: "danal", certifiedAt: paidAt - 360))
        guard case .paid = judged(evidence) else {
            Issue.record("not paid")
            return
        }
    }

    @Test func test_each_failing_certification_has_its_own_evidence() {
        #expect(IdentityEvidence.assess(certification(certified: false), for: sulPayment(), now: paidAt) == .notCertified)
        #expect(IdentityEvidence.assess(certification(merchantUID: "shop-other"), for: sulPayment(), now: paidAt) == .otherOrder)
        #expect(IdentityEvidence.assess(certification(merchantUID: nil), for: sulPayment(), now: paidAt) == .otherOrder)
        #expect(IdentityEvidence.assess(certification(minutesBefore: 61), for: sulPayment(), now: paidAt) == .stale)
        #expect(IdentityEvidence.assess(certification(minutesBefore: -11), for: sulPayment(), now: paidAt) == .stale)
        #expect(IdentityEvidence.assess(certification(birthday: "2008-01-01"), for: sulPayment(), now: paidAt) == .minor)
        #expect(IdentityEvidence.assess(certification(birthday: "2007-12-31"), for: sulPayment(), now: paidAt)
                == .adult(certification: "imp_777", provider: "danal", certifiedAt: paidAt - 360))
        #expect(IdentityEvidence.assess(certification(birthday: "unknown"), for: sulPayment(), now: paidAt) == .unreadable)
    }

    @Test(arguments: [IdentityEvidence?.none, .missing, .unknown, .notCertified, .otherOrder, .stale, .minor, .unreadable])
    func test_anything_but_an_adult_is_rejected_and_refunded(evidence: IdentityEvidence?) {
        #expect(judged(evidence) == .rejected(reason: "identity_required", expectedAmount: nil, refund: true,
                                              alreadyRefunded: false))
    }

    @Test func test_an_order_without_adult_only_products_needs_no_certification() {
        var tea = sulPayment()
        tea.amount = 15000
        tea.customData = #"{"items":[{"sku":"TEA","quantity":1}],"shop":"shop-a1b2c3"}"#
        guard case .paid = Judgement.judge(tea, .init(pricing: shop, current: shop, now: paidAt)) else {
            Issue.record("not paid")
            return
        }
    }

    @Test func test_the_certification_named_in_custom_data_is_read_only_if_it_is_an_imp_uid() {
        #expect(IdentityEvidence.claimedCertification(#"{"certification":"imp_123"}"#) == "imp_123")
        #expect(IdentityEvidence.claimedCertification(#"{"certification":"../../payments/imp_1"}"#) == nil)
        #expect(IdentityEvidence.claimedCertification(#"{"items":[]}"#) == nil)
        #expect(IdentityEvidence.claimedCertification(nil) == nil)
    }

    @Test func test_a_v2_verification_id_names_one_order_of_this_shop() {
        #expect(IdentityVerificationID.make(for: "shop-9") == "shop-9-iv")
        #expect(IdentityVerificationID.merchantUID(of: "shop-9-iv") == "shop-9")
        #expect(IdentityVerificationID.isValid("shop-9-iv", kind: .portone, prefix: "shop-"))
        #expect(!IdentityVerificationID.isValid("other-9-iv", kind: .portone, prefix: "shop-"))
        #expect(!IdentityVerificationID.isValid("shop-9", kind: .portone, prefix: "shop-"))
        #expect(!IdentityVerificationID.isValid("shop-../x-iv", kind: .portone, prefix: "shop-"))
        #expect(!IdentityVerificationID.isValid("imp_123", kind: .portone, prefix: "shop-"))
        #expect(IdentityEvidence.claimedCertification(#"{"certification":"shop-9-iv"}"#, kind: .portone, prefix: "shop-")
                == "shop-9-iv")
        #expect(IdentityEvidence.claimedCertification(#"{"certification":"shop-9-iv"}"#) == nil)
        // The order it vouches for comes from its id: another order's verification is another order's.
        var verification = certification()
        verification.id = "shop-other-iv"
        verification.merchantUID = IdentityVerificationID.merchantUID(of: verification.id)
        #expect(IdentityEvidence.assess(verification, for: sulPayment(), now: paidAt) == .otherOrder)
    }
}
