import Foundation
import GageTestSupport
import Testing
@testable import GageCore

/// `gage serve` puts catalog.json (and the text its price fingerprint is taken over) together from kept
/// per-product pieces; it must be the bytes of encoding the whole catalog, whatever the products hold and however
/// they change between builds.
@Suite struct CatalogEncodingsTests {
    static func product(_ index: Int, _ random: inout SplitMix) -> Catalog.Product {
        let words = ["원두", "a/b", "\"quoted\"", "</script>", "tab\tand\nnewline", "🙂", "", "plain"]
        let options: [Catalog.Option] = (0..<Int.random(in: 0...2, using: &random)).map { n in
            Catalog.Option(name: words.randomElement(using: &random)! + "\(n)",
                           values: (0..<Int.random(in: 0...3, using: &random)).map { v in
                               .init(label: "\(v)" + words.randomElement(using: &random)!, price: Int.random(in: -500...500, using: &random))
                           })
        }
        return Catalog.Product(
            sku: "SKU-\(index)", title: words.randomElement(using: &random)! + " \(index)",
            price: Int.random(in: 1...100_000, using: &random), url: "https://shop.example/products/p\(index)/",
            stock: Bool.random(using: &random) ? nil : Int.random(in: 0...9, using: &random),
            maxQuantity: Bool.random(using: &random) ? nil : 5, options: options,
            adultOnly: Bool.random(using: &random),
            subscription: Bool.random(using: &random) ? nil : SubscriptionOffer(intervals: ["2w", "1m"], price: 900))
    }

    static func whole(_ catalog: Catalog, _ style: CatalogEncodings.Style) -> String {
        String(decoding: try! CatalogEncodings.encoder(style).encode(catalog), as: UTF8.self)
    }

    @Test(arguments: [1, 2, 3, 4, 5] as [UInt64])
    func test_pieced_together_text_is_the_whole_catalogs_encoding_through_random_edits(seed: UInt64) {
        var random = SplitMix(seed: seed)
        var catalog = Catalog(baseURL: "https://shop.example/", products: (0..<40).map { Self.product($0, &random) })
        catalog.version = "v"
        let encodings = CatalogEncodings()
        for round in 0..<25 {
            for style in [CatalogEncodings.Style.compact, .pretty] {
                #expect(encodings.encode(catalog, style: style) == Self.whole(catalog, style), "seed \(seed) round \(round)")
            }
            // One of: a product edited, added, removed, the list reordered, or emptied.
            switch Int.random(in: 0..<10, using: &random) {
            case 0: catalog.products.shuffle(using: &random)
            case 1 where !catalog.products.isEmpty: catalog.products.removeLast()
            case 2: catalog.products.append(Self.product(100 + round, &random))
            case 3 where round == 12: catalog.products = []
            default:
                guard !catalog.products.isEmpty else { continue }
                let index = Int.random(in: 0..<catalog.products.count, using: &random)
                let sku = catalog.products[index].sku
                catalog.products[index] = Self.product(index, &random)
                catalog.products[index].sku = sku  // the same product, changed
            }
        }
    }

    @Test func test_the_price_fingerprint_is_the_same_with_and_without_kept_pieces() {
        var random = SplitMix(seed: 9)
        let catalog = Catalog(baseURL: "https://shop.example/", products: (0..<30).map { Self.product($0, &random) })
        let encodings = CatalogEncodings()
        #expect(catalog.pricedContentHash(using: encodings) == catalog.pricedContentHash())
        var changed = catalog
        changed.products[3].price += 1
        #expect(changed.pricedContentHash(using: encodings) == changed.pricedContentHash())
        #expect(changed.pricedContentHash(using: encodings) != catalog.pricedContentHash())
    }
}
