import Testing
@testable import GageCore
@testable import GagePayments

let catalog = Catalog(
    shop: "shop-a1b2c3", baseURL: "https://shop.example.kr/", orderPrefix: "shop-",
    shipping: ShippingRule(fee: 3000, freeOver: 50000),
    payment: .init(pg: "html5_inicis.MOI1234567", payMethods: ["card", "vbank"]),
    products: [.init(sku: "TEA", title: "녹차", price: 12000, url: "", stock: 5)])

let now = 1_800_000_000

func payment(amount: Int = 15000, status: String = "paid", method: String = "card", merchantUID: String = "shop-1",
             customData: String? = #"{"items":[{"sku":"TEA","quantity":1}],"shop":"shop-a1b2c3"}"#,
             currency: String = "KRW", pg: String? = "html5_inicis", mid: String? = "MOI1234567") -> ProviderPayment {
    ProviderPayment(impUID: "imp_1", merchantUID: merchantUID, payMethod: method, amount: amount, currency: currency,
                   status: status, customData: customData, pgProvider: pg, pgID: mid)
}

extension Judgement {
    static func judge(_ payment: ProviderPayment, catalog: Catalog, alreadySold: [String: Int] = [:]) -> Judgement {
        judge(payment, Context(pricing: catalog, current: catalog, held: alreadySold, now: now))
    }
}

@Suite struct JudgementTests {
    @Test func test_paid_at_the_catalog_price_is_paid() {
        guard case let .paid(order) = Judgement.judge(payment(), catalog: catalog) else {
            Issue.record("not paid")
            return
        }
        #expect(order.total == 15000)
    }

    @Test func test_each_mismatch_has_its_reason_and_asks_for_a_refund() {
        let cases: [(ProviderPayment, String)] = [
            (payment(amount: 100), "amount_mismatch"),
            (payment(currency: "USD"), "currency_mismatch"),
            (payment(customData: nil), "bad_custom_data"),
            (payment(customData: "{"), "bad_custom_data"),
            (payment(customData: #"{"items":[{"sku":"X","quantity":1}]}"#), "unknown_item"),
            (payment(customData: #"{"items":[{"sku":"TEA","quantity":6}]}"#), "sold_out"),
        ]
        for (record, reason) in cases {
            #expect(Judgement.judge(record, catalog: catalog)
                    == .rejected(reason: reason, expectedAmount: reason == "amount_mismatch" ? 15000 : nil,
                                 refund: true, alreadyRefunded: false))
        }
    }

    @Test func test_units_sold_to_other_orders_count_against_stock() {
        #expect(Judgement.judge(payment(), catalog: catalog, alreadySold: ["TEA": 5])
                == .rejected(reason: "sold_out", expectedAmount: nil, refund: true, alreadyRefunded: false))
    }

    @Test func test_states_without_money() {
        #expect(Judgement.judge(payment(status: "ready"), catalog: catalog) == .unpaid)
        #expect(Judgement.judge(payment(status: "failed"), catalog: catalog) == .failed)
        #expect(Judgement.judge(payment(status: "cancelled"), catalog: catalog) == .cancelled)
        #expect(Judgement.judge(payment(status: "something-new"), catalog: catalog) == .unpaid)
        #expect(Judgement.judge(payment(amount: 1, merchantUID: "other-1"), catalog: catalog) == .ignored)
    }

    @Test func test_virtual_account_for_the_wrong_amount_is_rejected_without_refund() {
        var record = payment(amount: 1, status: "ready", method: "vbank")
        record.vbankNum = "123"
        #expect(Judgement.judge(record, catalog: catalog)
                == .rejected(reason: "amount_mismatch", expectedAmount: 15000, refund: false, alreadyRefunded: false))
    }

    @Test func test_a_payment_gage_refunded_tells_the_same_story_later() {
        var record = payment(amount: 100, status: "cancelled")
        record.cancelReason = "[gage] amount_mismatch: paid 100, order costs 15000"
        #expect(Judgement.judge(record, catalog: catalog)
                == .rejected(reason: "amount_mismatch", expectedAmount: nil, refund: false, alreadyRefunded: true))
    }
}

@Suite struct RequestParsingTests {
    @Test func test_form_bodies_decode_plus_and_percent() throws {
        let fields = try RequestFields.parse(body: Array("imp_uid=imp_123&merchant_uid=a%2Db&name=%EC%9B%90+%EB%91%90".utf8),
                                             contentType: "application/x-www-form-urlencoded")
        #expect(fields.string("imp_uid") == "imp_123")
        #expect(fields.string("merchant_uid") == "a-b")
        #expect(fields.string("name") == "원 두")
    }

    @Test(arguments: ["application/json", "application/json; charset=utf-8", "Application/JSON", "text/json",
                      "application/merge-patch+json", nil, "text/plain"])
    func test_json_bodies_are_read_whatever_json_type_they_are_sent_as(contentType: String?) throws {
        let body = #"{"imp_uid": "imp_1", "amount": 18500, "escrow": true, "memo": null, "#
            + #""custom_data": {"items": [{"sku": "A", "quantity": 2}]}}"#
        let fields = try RequestFields.parse(body: Array(body.utf8), contentType: contentType)
        #expect(fields.values == ["imp_uid": .string("imp_1"), "amount": .number(18500), "escrow": .bool(true),
                                  "memo": .null,
                                  "custom_data": .object(["items": .array([.object(["sku": .string("A"),
                                                                                    "quantity": .number(2)])])])])
    }

    @Test func test_a_json_body_that_is_not_an_object_is_refused_with_its_reason() {
        #expect(throws: RequestProblem.malformed("the body must be a JSON object")) {
            try RequestFields.parse(body: Array(#"["imp_1"]"#.utf8), contentType: "application/json")
        }
        #expect(throws: RequestProblem.malformed("the body must be a JSON object")) {
            try RequestFields.parse(body: Array(#""imp_1""#.utf8), contentType: "application/json")
        }
        #expect(throws: RequestProblem.malformed("the body is not valid JSON")) {
            try RequestFields.parse(body: Array(#"{"imp_uid": "#.utf8), contentType: "application/json; charset=utf-8")
        }
    }

    @Test func test_a_form_body_starting_with_a_brace_stays_a_form() throws {
        let fields = try RequestFields.parse(body: Array("{=1&imp_uid=imp_2".utf8),
                                             contentType: "application/x-www-form-urlencoded; charset=UTF-8")
        #expect(fields.string("imp_uid") == "imp_2")
    }

    @Test(arguments: ["imp_", "imp_12a", "IMP_1", "imp_1/../x", "imp_" + String(repeating: "1", count: 33), "pay_1"])
    func test_imp_uid_must_be_imp_and_digits(text: String) {
        #expect(throws: RequestProblem.self) {
            try PaymentReference(fields: RequestFields(values: ["imp_uid": .string(text)]))
        }
    }

    @Test func test_merchant_uid_is_required_and_checked() throws {
        #expect(throws: RequestProblem.malformed("merchant_uid is required")) {
            try PaymentReference(fields: RequestFields(values: ["imp_uid": .string("imp_1")]))
        }
        let both = try PaymentReference(fields: RequestFields(values: ["imp_uid": .string("imp_1"),
                                                                       "merchant_uid": .string("shop-1")]))
        #expect(both.merchantUID == "shop-1")
        #expect(throws: RequestProblem.self) {
            try PaymentReference(fields: RequestFields(values: ["imp_uid": .string("imp_1"),
                                                                "merchant_uid": .string("has space")]))
        }
    }

    @Test func test_cors_origin_of_the_shop_url() {
        #expect(CORS.origin(of: "https://shop.example.kr/path/") == "https://shop.example.kr")
        #expect(CORS(requestOrigin: "https://shop.example.kr", shopURL: "https://shop.example.kr/").allowedOrigin != nil)
        #expect(CORS(requestOrigin: "https://shop.example.kr.evil", shopURL: "https://shop.example.kr/").allowedOrigin == nil)
    }

    @Test func test_cors_origins_are_compared_after_normalising_case_and_default_ports() {
        #expect(CORS.origin(of: "HTTPS://Shop.Example.KR:443/x/") == "https://shop.example.kr")
        #expect(CORS.origin(of: "http://127.0.0.1:80/") == "http://127.0.0.1")
        #expect(CORS(requestOrigin: "https://shop.example.kr", shopURL: "https://SHOP.example.kr:443/").allowedOrigin
                == "https://shop.example.kr")
        #expect(CORS(requestOrigin: "https://shop.example.kr:8443", shopURL: "https://shop.example.kr/").allowedOrigin == nil)
        #expect(CORS(requestOrigin: "http://shop.example.kr", shopURL: "https://shop.example.kr/").allowedOrigin == nil)
    }

    @Test func test_plain_http_api_urls_only_on_loopback() {
        for url in ["http://127.0.0.1:8080", "http://localhost/", "http://[::1]:9000", "http://127.5.6.7"] {
            #expect(Configuration.isLoopback(url), "\(url)")
        }
        for url in ["http://api.iamport.kr", "http://127.0.0.1.evil.kr", "http://10.0.0.1", "http://127.0.0.1@evil.kr",
                    "http://localhost.evil.kr"] {
            #expect(!Configuration.isLoopback(url), "\(url)")
        }
    }
}
