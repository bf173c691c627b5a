import Foundation
import Testing
@testable import GageCore

@Suite struct CatalogPolicyTests {
    @Test func test_pg_splits_into_provider_and_mid() {
        let withMID = Catalog.PaymentChannels(pg: "html5_inicis.MOI1234567", payMethods: ["card"])
        #expect(withMID.provider == "html5_inicis")
        #expect(withMID.merchantID == "MOI1234567")
        #expect(Catalog.PaymentChannels(pg: "kakaopay", payMethods: []).merchantID == nil)
    }

    @Test func test_an_earlier_version_is_priced_with_todays_stock() {
        let old = Catalog(baseURL: "https://a.kr/", products: [.init(sku: "A", title: "a", price: 100, url: "", stock: 9),
                                                               .init(sku: "GONE", title: "g", price: 5, url: "", stock: 3)])
        let now = Catalog(baseURL: "https://a.kr/", products: [.init(sku: "A", title: "a", price: 200, url: "", stock: 1)])
        let merged = old.withStock(of: now)
        #expect(merged.product(sku: "A")?.price == 100)
        #expect(merged.product(sku: "A")?.stock == 1)
        #expect(merged.product(sku: "GONE")?.stock == 3)
    }

    @Test func test_a_catalog_from_before_wave_two_decodes_with_the_defaults() throws {
        let text = #"{"version":"x","base_url":"https://a.kr/","currency":"KRW","order_prefix":"gage-","shipping":{"fee":0,"free_over":null},"products":[]}"#
        let decoded = try JSONDecoder().decode(Catalog.self, from: Data(text.utf8))
        #expect(decoded.priceGraceMinutes == 60 && decoded.vbankHours == 72)
        #expect(decoded.payment.pg == "html5_inicis")
        #expect(decoded.shop == "")
    }
}
