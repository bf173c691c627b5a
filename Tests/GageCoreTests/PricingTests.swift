import Foundation
import Testing
@testable import GageCore

/// A small catalog whose prices are easy to add up by hand.
let coffeeCatalog = Catalog(
    baseURL: "https://shop.example.kr/", orderPrefix: "gage-",
    shipping: ShippingRule(fee: 3000, freeOver: 50000),
    products: [
        .init(sku: "BEAN", title: "원두", price: 18000, url: "", stock: 12, maxQuantity: 5,
              options: [.init(name: "분쇄도", values: [.init(label: "홀빈"), .init(label: "에스프레소용", price: 500)])]),
        .init(sku: "TEA", title: "녹차", price: 12000, url: ""),
        .init(sku: "GONE", title: "품절", price: 9000, url: "", stock: 0),
        .init(sku: "CUP", title: "컵", price: 8000, url: "",
              options: [.init(name: "색", values: [.init(label: "흰색"), .init(label: "검정", price: -1000)]),
                        .init(name: "크기", values: [.init(label: "S"), .init(label: "L", price: 2000)])]),
    ])

@Suite struct PricingTests {
    @Test func test_amount_is_option_prices_times_quantity_plus_shipping() throws {
        let order = try Pricing.price([
            OrderItem(sku: "BEAN", quantity: 2, options: ["분쇄도": "에스프레소용"]),
            OrderItem(sku: "CUP", quantity: 1, options: ["색": "검정", "크기": "L"]),
        ], in: coffeeCatalog)
        #expect(order.items.map(\.price) == [18500, 9000])
        #expect(order.subtotal == 2 * 18500 + 9000)
        #expect(order.shipping == 3000)
        #expect(order.total == 49000)
    }

    @Test func test_shipping_is_free_from_exactly_free_over() throws {
        var catalog = coffeeCatalog
        catalog.shipping = ShippingRule(fee: 3000, freeOver: 36000)
        let atThreshold = try Pricing.price([OrderItem(sku: "BEAN", quantity: 2, options: ["분쇄도": "홀빈"])], in: catalog)
        #expect(atThreshold.subtotal == 36000)
        #expect(atThreshold.shipping == 0)
        #expect(atThreshold.total == 36000)
        let below = try Pricing.price([OrderItem(sku: "TEA", quantity: 2)], in: catalog)
        #expect(below.shipping == 3000)
        #expect(below.total == 27000)
    }

    @Test func test_no_free_over_means_the_fee_always_applies() throws {
        var catalog = coffeeCatalog
        catalog.shipping = ShippingRule(fee: 2500, freeOver: nil)
        let order = try Pricing.price([OrderItem(sku: "TEA", quantity: 9)], in: catalog)
        #expect(order.total == 9 * 12000 + 2500)
    }

    @Test func test_unknown_sku_is_unknown_item() {
        #expect(throws: PricingError.unknownItem(sku: "NOPE")) {
            try Pricing.price([OrderItem(sku: "NOPE", quantity: 1)], in: coffeeCatalog)
        }
        #expect(PricingError.unknownItem(sku: "NOPE").reason == "unknown_item")
    }

    @Test func test_option_problems_are_unknown_item() {
        let cases: [[String: String]] = [[:], ["분쇄도": "가루"], ["분쇄도": "홀빈", "색": "흰색"]]
        for options in cases {
            #expect {
                try Pricing.price([OrderItem(sku: "BEAN", quantity: 1, options: options)], in: coffeeCatalog)
            } throws: { ($0 as? PricingError)?.reason == "unknown_item" }
        }
    }

    @Test func test_sold_out_product_and_stock_across_lines() {
        #expect(throws: PricingError.soldOut(sku: "GONE", requested: 1, available: 0)) {
            try Pricing.price([OrderItem(sku: "GONE", quantity: 1)], in: coffeeCatalog)
        }
        var catalog = coffeeCatalog
        catalog.products[0].maxQuantity = nil
        #expect(throws: PricingError.soldOut(sku: "BEAN", requested: 13, available: 12)) {
            try Pricing.price([OrderItem(sku: "BEAN", quantity: 7, options: ["분쇄도": "홀빈"]),
                               OrderItem(sku: "BEAN", quantity: 6, options: ["분쇄도": "에스프레소용"])], in: catalog)
        }
    }

    @Test func test_units_already_sold_reduce_the_stock() throws {
        let items = [OrderItem(sku: "BEAN", quantity: 3, options: ["분쇄도": "홀빈"])]
        _ = try Pricing.price(items, in: coffeeCatalog, alreadySold: ["BEAN": 9])
        #expect(throws: PricingError.soldOut(sku: "BEAN", requested: 3, available: 2)) {
            try Pricing.price(items, in: coffeeCatalog, alreadySold: ["BEAN": 10])
        }
    }

    @Test func test_per_order_limit_counts_every_line_of_the_sku() {
        #expect(throws: PricingError.quantityLimit(sku: "BEAN", requested: 6, limit: 5)) {
            try Pricing.price([OrderItem(sku: "BEAN", quantity: 3, options: ["분쇄도": "홀빈"]),
                               OrderItem(sku: "BEAN", quantity: 3, options: ["분쇄도": "에스프레소용"])], in: coffeeCatalog)
        }
    }

    @Test(arguments: [0, -1, Pricing.absoluteMaxQuantity + 1])
    func test_quantity_outside_1_to_9999_is_bad_custom_data(quantity: Int) {
        #expect {
            try Pricing.price([OrderItem(sku: "TEA", quantity: quantity)], in: coffeeCatalog)
        } throws: { ($0 as? PricingError)?.reason == "bad_custom_data" }
    }

    @Test func test_empty_order_is_bad_custom_data() {
        #expect(throws: PricingError.emptyOrder) { try Pricing.price([], in: coffeeCatalog) }
    }

    @Test func test_huge_prices_overflow_into_an_error_not_a_crash() {
        let catalog = Catalog(baseURL: "", products: [.init(sku: "BIG", title: "", price: Int.max / 2, url: "")])
        #expect(throws: PricingError.amountOverflow) {
            try Pricing.price([OrderItem(sku: "BIG", quantity: 3)], in: catalog)
        }
    }

    @Test func test_catalog_json_round_trips_with_explicit_nulls() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = try encoder.encode(coffeeCatalog)
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.contains("\"stock\":null"))
        #expect(text.contains("\"free_over\":50000"))
        #expect(text.contains("\"order_prefix\":\"gage-\""))
        #expect(try JSONDecoder().decode(Catalog.self, from: data) == coffeeCatalog)
    }

    @Test func test_version_changes_when_a_price_changes_and_only_then() {
        var cheaper = coffeeCatalog
        cheaper.products[1].price -= 1
        var moved = coffeeCatalog
        moved.baseURL = "https://elsewhere.example/"
        #expect(coffeeCatalog.pricedContentHash() != cheaper.pricedContentHash())
        #expect(coffeeCatalog.pricedContentHash() == moved.pricedContentHash())
        #expect(coffeeCatalog.pricedContentHash().count == 16)
    }

    @Test func test_order_items_decode_with_or_without_options() throws {
        let json = Data(#"[{"sku":"TEA","quantity":2},{"sku":"BEAN","quantity":1,"options":{"분쇄도":"홀빈"}}]"#.utf8)
        let items = try JSONDecoder().decode([OrderItem].self, from: json)
        #expect(items == [OrderItem(sku: "TEA", quantity: 2), OrderItem(sku: "BEAN", quantity: 1, options: ["분쇄도": "홀빈"])])
    }
}
