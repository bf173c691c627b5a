import Foundation
import GageTestSupport
import Testing
@testable import GageCore

/// SPEC §11's rules on both sides (templates/assets/js/pricing.js under node, GageCore's Pricing): sales, codes of
/// every kind and window, 면세 lines and the discount split, surcharges by postcode, and their combinations.
@Suite struct PricingRulesAgreementTests {
    static let catalog: Catalog = {
        var catalog = Catalog(
            baseURL: "https://shop.example.kr/",
            shipping: ShippingRule(fee: 3000, freeOver: 50000, jeju: 3000, remote: 5000,
                                   remotePostcodes: [PostcodeRange(40200, 40240), PostcodeRange(23100, 23116)]),
            products: [
                .init(sku: "BEAN", title: "원두", price: 18000, url: "", stock: 12, maxQuantity: 5,
                      options: [.init(name: "분쇄도", values: [.init(label: "홀빈"), .init(label: "에스프레소용", price: 500)])],
                      sale: Sale(price: 14900, from: 1000, until: 2000)),
                .init(sku: "RICE", title: "쌀", price: 32000, url: "", taxFree: true),
                .init(sku: "EGG", title: "달걀", price: 7777, url: "", taxFree: true),
                .init(sku: "CUP", title: "컵", price: 8000, url: "", sale: Sale(price: 6500, until: 1500)),
                .init(sku: "CHEAP", title: "필터", price: 450, url: "", maxQuantity: 10),
            ])
        catalog.discounts = [
            DiscountRule(hash: "percent", percent: 10),
            DiscountRule(hash: "capped", percent: 33, maxDiscount: 5000),
            DiscountRule(hash: "amount", amount: 3000, minSubtotal: 20000),
            DiscountRule(hash: "big", amount: 100_000),
            DiscountRule(hash: "ship", freeShipping: true, minSubtotal: 10000),
            DiscountRule(hash: "cups", percent: 15, products: ["CUP", "CHEAP"]),
            DiscountRule(hash: "windowed", percent: 7, starts: 1200, ends: 1800),
            DiscountRule(hash: "food", amount: 1234, products: ["RICE", "EGG"]),
        ]
        return catalog
    }()

    struct Case: Codable {
        var cart: [OrderItem]
        var time: Int
        var discount: Int?
        var postcode: String?
    }

    struct Outcome: Codable, Equatable {
        var total: Int?
        var shipping: Int?
        var prices: [Int]?
        var discount: Int?
        var shares: [Int]?
        var shippingDiscount: Int?
        var surcharge: Int?
        var taxFree: Int?
        var reason: String?
    }

    static let script = """
        import { readFileSync } from 'node:fs';
        import { pathToFileURL } from 'node:url';
        const gage = await import(pathToFileURL(process.argv[1]).href);
        const input = JSON.parse(readFileSync(0, 'utf8'));
        const out = input.cases.map((c) => {
          const terms = { time: c.time, discount: c.discount == null ? null : input.catalog.discounts[c.discount], postcode: c.postcode };
          try {
            const o = gage.priceOrder(input.catalog, c.cart, {}, undefined, terms);
            return { total: o.total, shipping: o.shipping, prices: o.items.map((i) => i.price), discount: o.discount,
              shares: o.items.map((i) => i.discount), shippingDiscount: o.shipping_discount, surcharge: o.surcharge,
              taxFree: o.tax_free };
          } catch (e) { if (!(e instanceof gage.PricingError)) throw e; return { reason: e.reason }; }
        });
        process.stdout.write(JSON.stringify(out));
        """

    @Test func test_javascript_and_swift_apply_every_pricing_rule_the_same() throws {
        var random = SplitMix(seed: 2026)
        let carts = PricingAgreementTests.carts(count: 3000, seed: 11,
                                                skus: ["BEAN", "RICE", "EGG", "CUP", "CHEAP", "RICE", "CUP", "NOPE"])
        let postcodes: [String?] = ["04524", "63309", "63000", "63644", "63645", "40230", "23100", "23117", nil, "", "123"]
        let times = [500, 1000, 1199, 1200, 1499, 1500, 1799, 1800, 1999, 2000]
        let cases = carts.map { cart in
            let discount = Int(random.next() % UInt64(Self.catalog.discounts.count + 2))
            return Case(cart: cart, time: times[Int(random.next() % UInt64(times.count))],
                        discount: discount < Self.catalog.discounts.count ? discount : nil,
                        postcode: postcodes[Int(random.next() % UInt64(postcodes.count))])
        }
        let input = try JSONEncoder().encode(["catalog": AnyEncodable(Self.catalog), "cases": AnyEncodable(cases)])
        let module = PricingAgreementTests.repositoryRoot.appendingPathComponent("templates/assets/js/pricing.js").path
        let output = try PricingAgreementTests().runNode(script: Self.script, argument: module, input: input)
        let fromJavaScript = try JSONDecoder().decode([Outcome].self, from: output)
        #expect(fromJavaScript.count == cases.count)
        var seen = Set<String>()
        for (pricingCase, javascript) in zip(cases, fromJavaScript) {
            let swift: Outcome
            do {
                let order = try Pricing.price(pricingCase.cart, in: Self.catalog, terms: PricingTerms(
                    time: pricingCase.time, discount: pricingCase.discount.map { Self.catalog.discounts[$0] },
                    postcode: pricingCase.postcode))
                swift = Outcome(total: order.total, shipping: order.shipping, prices: order.items.map(\.price),
                                discount: order.discount, shares: order.items.map(\.discount),
                                shippingDiscount: order.shippingDiscount, surcharge: order.surcharge, taxFree: order.taxFree)
                if order.discount > 0 { seen.insert("discount") }
                if order.shippingDiscount > 0 { seen.insert("free-shipping-code") }
                if order.surcharge == 3000 { seen.insert("jeju") }
                if order.surcharge == 5000 { seen.insert("remote") }
                if order.taxFree > 0 && order.taxFree < order.total { seen.insert("mixed-tax") }
                if order.items.contains(where: { $0.sku == "BEAN" && $0.price <= 15400 }) { seen.insert("sale") }
                if order.items.filter({ $0.discount > 0 }).count > 1 { seen.insert("split") }
                if order.shipping == 0 && order.surcharge > 0 && order.shippingDiscount == 0 { seen.insert("free-over-with-surcharge") }
            } catch {
                swift = Outcome(reason: error.reason)
                seen.insert(error.reason)
            }
            #expect(javascript == swift, "\(pricingCase)")
        }
        // The generated carts reach every rule and their combinations, so agreement means something.
        #expect(seen.isSuperset(of: ["discount", "free-shipping-code", "jeju", "remote", "mixed-tax", "sale", "split",
                                     "free-over-with-surcharge", "discount_invalid", "address_required", "unknown_item",
                                     "quantity_limit", "bad_custom_data"]), "\(seen)")
    }
}
