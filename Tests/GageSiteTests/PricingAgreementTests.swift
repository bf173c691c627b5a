import Foundation
import GageTestSupport
import Testing
@testable import GageCore

/// The cart page prices orders in JavaScript (the module templates/assets/js/pricing.js); the verify function
/// prices them in Swift. Both must agree on every cart, or honest buyers get refunded. This runs the real module
/// under node.
@Suite struct PricingAgreementTests {
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static let catalog = Catalog(
        baseURL: "https://shop.example.kr/", shipping: ShippingRule(fee: 3000, freeOver: 50000),
        products: [
            .init(sku: "BEAN", title: "원두", price: 18000, url: "", stock: 12, maxQuantity: 5,
                  options: [.init(name: "분쇄도", values: [.init(label: "홀빈"), .init(label: "에스프레소용", price: 500)])],
                  subscription: .init(intervals: ["2w", "1m"], price: 16200)),
            .init(sku: "TEA", title: "녹차", price: 12000, url: "", subscription: .init(intervals: ["1m"], price: 10800)),
            .init(sku: "GONE", title: "품절", price: 9000, url: "", stock: 0),
            .init(sku: "CUP", title: "컵", price: 8000, url: "", stock: 30,
                  options: [.init(name: "색", values: [.init(label: "흰색"), .init(label: "검정", price: -1000)]),
                            .init(name: "크기", values: [.init(label: "S"), .init(label: "L", price: 2000)])]),
            .init(sku: "CHEAP", title: "필터", price: 450, url: "", maxQuantity: 10),
        ])

    /// Deterministic carts: valid ones and ones that break each rule.
    static func carts(count: Int, seed: UInt64 = 42,
                      skus: [String] = ["BEAN", "TEA", "GONE", "CUP", "CHEAP", "NOPE"]) -> [[OrderItem]] {
        var random = SplitMix(seed: seed)
        let optionChoices: [String: [[String: String]]] = [
            "BEAN": [["분쇄도": "홀빈"], ["분쇄도": "에스프레소용"], [:], ["분쇄도": "가루"]],
            "CUP": [["색": "흰색", "크기": "S"], ["색": "검정", "크기": "L"], ["색": "검정"], ["색": "흰색", "크기": "L", "손잡이": "有"]],
        ]
        return (0..<count).map { _ in
            (0..<Int(random.next() % 4)).map { _ in
                let sku = skus[Int(random.next() % UInt64(skus.count))]
                let choices = optionChoices[sku] ?? [[:]]
                let quantity = [1, 1, 2, 3, 6, 11, 0, -2][Int(random.next() % 8)]
                return OrderItem(sku: sku, quantity: quantity, options: choices[Int(random.next() % UInt64(choices.count))])
            }
        }
    }

    /// No interval (bought once) or one of a subscription's, offered by some products, by all, or by none.
    static func intervals(count: Int, seed: UInt64, choices: [String?]) -> [String?] {
        var random = SplitMix(seed: seed)
        return (0..<count).map { _ in choices[Int(random.next() % UInt64(choices.count))] }
    }

    @Test func test_javascript_and_swift_price_every_cart_the_same() throws {
        // Carts of anything, mostly bought once; then carts mostly of the subscribable products, as subscriptions.
        let carts = Self.carts(count: 600) + Self.carts(count: 300, seed: 9, skus: ["BEAN", "TEA", "BEAN", "CUP"])
        let intervals = Self.intervals(count: 600, seed: 7, choices: [nil, nil, nil, "2w", "1m"])
            + Self.intervals(count: 300, seed: 8, choices: ["2w", "1m", "1m", "4w"])
        let encoder = JSONEncoder()
        let input = try encoder.encode(["catalog": AnyEncodable(Self.catalog), "carts": AnyEncodable(carts),
                                        "intervals": AnyEncodable(intervals)])
        let script = """
            import { readFileSync } from 'node:fs';
            import { pathToFileURL } from 'node:url';
            const gage = await import(pathToFileURL(process.argv[1]).href);
            const input = JSON.parse(readFileSync(0, 'utf8'));
            const out = input.carts.map((cart, i) => {
              try { const o = gage.priceOrder(input.catalog, cart, {}, input.intervals[i] || undefined); return {total: o.total, shipping: o.shipping, prices: o.items.map(i => i.price)}; }
              catch (e) { if (!(e instanceof gage.PricingError)) throw e; return {reason: e.reason}; }
            });
            process.stdout.write(JSON.stringify(out));
            """
        let output = try runNode(script: script, argument: Self.repositoryRoot.appendingPathComponent("templates/assets/js/pricing.js").path,
                                 input: input)
        let fromJavaScript = try JSONDecoder().decode([Outcome].self, from: output)
        #expect(fromJavaScript.count == carts.count)
        var kinds = Set<String>()
        var subscriberPriced = 0
        for ((cart, interval), javascript) in zip(zip(carts, intervals), fromJavaScript) {
            let swift: Outcome
            do {
                let order = try Pricing.price(cart, in: Self.catalog, subscription: interval.flatMap(SubscriptionInterval.init))
                if interval != nil { subscriberPriced += 1 }
                swift = Outcome(total: order.total, shipping: order.shipping, prices: order.items.map(\.price), reason: nil)
            } catch {
                swift = Outcome(total: nil, shipping: nil, prices: nil, reason: error.reason)
            }
            kinds.insert(swift.reason ?? (swift.shipping == 0 ? "free-shipping" : "paid-shipping"))
            #expect(javascript == swift, "cart \(cart) every \(interval ?? "-")")
        }
        #expect(subscriberPriced > 20, "carts are priced as subscriptions too")
        // The carts exercise every rule, so agreement means something.
        #expect(kinds.isSuperset(of: ["free-shipping", "paid-shipping", "unknown_item", "sold_out", "quantity_limit", "bad_custom_data"]))
    }

    struct Outcome: Codable, Equatable {
        var total: Int?
        var shipping: Int?
        var prices: [Int]?
        var reason: String?
    }

    func runNode(script: String, argument: String, input: Data) throws -> Data {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["node", "--input-type=module", "-e", script, argument]
        let stdin = Pipe(), stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        try process.run()
        stdin.fileHandleForWriting.write(input)
        try stdin.fileHandleForWriting.close()
        let data = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "node failed")
        return data
    }
}

struct AnyEncodable: Encodable {
    let value: any Encodable
    init(_ value: any Encodable) { self.value = value }
    func encode(to encoder: any Encoder) throws { try value.encode(to: encoder) }
}
