import Foundation
import GageTestSupport
import Testing
@testable import GageCatalog

@Suite struct ListOrderTests {
    /// Pieces titles are made of, each in NFC: Hangul, Latin with and without accents, digits, spaces, an emoji
    /// and a character outside the BMP.
    static let pieces = ["한", "가", "각", "힣", "ㄱ", "원두", "e", "é", "E", "z", "Z", "1", "10", "2", " ", "-", "☕️",
                         "𝄞", "ü", "Å"]
    /// Pieces not in NFC — Hangul as conjoining jamo (as macOS file systems and some keyboards hand them over), Latin
    /// with combining accents, the Ångström sign — with the NFC piece each is canonically equivalent to.
    /// (A list, not a dictionary: Swift's String equality is canonical, so these keys would clash with each other.)
    static let decomposed: [(form: String, nfc: String)] = [
        ("\u{1112}\u{1161}\u{11AB}", "한"), ("\u{1100}\u{1161}", "가"), ("\u{1100}\u{1161}\u{11A8}", "각"),
        ("e\u{0301}", "é"), ("u\u{0308}", "ü"), ("A\u{030A}", "Å"), ("\u{212B}", "Å"),
    ]

    static func product(_ slug: String, title: String, weight: Int?) -> ProductSource {
        ProductSource(.init(slug: slug, file: "content/products/\(slug).md", title: title, sku: slug.uppercased(),
                            price: 1000, images: [], tags: [], options: [], draft: false, weight: weight,
                            params: [:], body: ""))
    }

    static func titles(_ pieces: [String], count: Int, using random: inout SplitMix) -> [String] {
        (0..<count).map { _ in
            (0..<Int.random(in: 0...4, using: &random)).map { _ in pieces.randomElement(using: &random)! }.joined()
        }
    }

    static func weights(count: Int, using random: inout SplitMix) -> [Int?] {
        (0..<count).map { _ in Int.random(in: 0...5, using: &random) == 0 ? Int.random(in: 1...3, using: &random) : nil }
    }

    /// The reference order: weight, then title by Swift's String `<` (consistent on NFC strings), then slug.
    static func swiftOrder(_ rows: [(slug: String, title: String, weight: Int?)]) -> [String] {
        rows.sorted { ($0.weight ?? Int.max, $0.title, $0.slug) < ($1.weight ?? Int.max, $1.title, $1.slug) }.map(\.slug)
    }

    @Test func test_list_order_is_weight_then_title_as_swift_compares_it_then_slug() {
        var random = SplitMix(seed: 15)
        for round in 0..<200 {
            let titles = Self.titles(Self.pieces, count: 40, using: &random)
            let weights = Self.weights(count: 40, using: &random)
            let rows = titles.indices.map { (slug: "p\(round)-\($0)", title: titles[$0], weight: weights[$0]) }
            let ours = rows.map { Self.product($0.slug, title: $0.title, weight: $0.weight) }
                .sorted(by: ShopLoader.listOrder).map(\.slug)
            #expect(ours == Self.swiftOrder(rows), "round \(round)")
        }
    }

    /// Swift's `<` is not a consistent order on strings outside NFC ("한한" < "한" in jamo, and "üü" with combining
    /// marks is not < "üü-"), so a title with decomposed characters sorts where the same title in NFC does.
    @Test func test_titles_in_decomposed_form_sort_like_their_nfc_twins() {
        var random = SplitMix(seed: 1115)
        for round in 0..<200 {
            let titles = Self.titles(Self.pieces + Self.decomposed.map(\.form), count: 40, using: &random)
            let weights = Self.weights(count: 40, using: &random)
            let precomposed = titles.map { title in Self.decomposed.reduce(title) { $0.replacingOccurrences(of: $1.form, with: $1.nfc) } }
            let ours = titles.indices.map { Self.product("p\(round)-\($0)", title: titles[$0], weight: weights[$0]) }
                .sorted(by: ShopLoader.listOrder).map(\.slug)
            let reference = Self.swiftOrder(titles.indices.map {
                (slug: "p\(round)-\($0)", title: precomposed[$0], weight: weights[$0])
            })
            #expect(ours == reference, "round \(round)")
        }
    }

    @Test func test_a_changed_title_moves_the_product() {
        var late = Self.product("a", title: "하", weight: nil)
        let early = Self.product("b", title: "가", weight: nil)
        #expect(ShopLoader.listOrder(early, late))
        late.title = "\u{1100}\u{1161}"   // 가 as conjoining jamo: the same title, so the slug decides
        #expect(ShopLoader.listOrder(late, early))
        #expect(!ShopLoader.listOrder(early, late))
    }

    /// `gage serve` keeps the last order and moves only the products an edit moved: after any run of edits the
    /// order must be the one a full sort gives.
    @Test func test_list_order_patched_edit_by_edit_equals_a_full_sort() {
        var random = SplitMix(seed: 2015)
        let memo = ListOrderMemo()
        for run in 0..<20 {
            let count = Int.random(in: 1...120, using: &random)
            var titles = Self.titles(Self.pieces, count: count, using: &random)
            var weights = Self.weights(count: count, using: &random)
            var products = titles.indices.map { Self.product("r\(run)-\($0)", title: titles[$0], weight: weights[$0]) }
            for edit in 0..<30 {
                for _ in 0..<Int.random(in: 0...(edit % 5 == 0 ? 80 : 3), using: &random) {
                    let index = Int.random(in: 0..<count, using: &random)
                    switch Int.random(in: 0...2, using: &random) {
                    case 0:
                        titles[index] = Self.titles(Self.pieces, count: 1, using: &random)[0]
                        products[index].title = titles[index]
                    case 1:
                        weights[index] = Self.weights(count: 1, using: &random)[0]
                        products[index].weight = weights[index]
                    default:
                        products[index].price += 100   // a new copy of the product, in the same place
                    }
                }
                let rows = titles.indices.map { (slug: "r\(run)-\($0)", title: titles[$0], weight: weights[$0]) }
                #expect(memo.order(of: products).map { products[$0].slug } == Self.swiftOrder(rows), "run \(run), edit \(edit)")
            }
        }
    }
}
