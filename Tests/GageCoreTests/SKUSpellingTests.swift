import Testing
@testable import GageCore

/// SKUs are ASCII and compared byte for byte (SPEC §9): a look-alike spelling is another, unknown SKU.
@Suite struct SKUSpellingTests {
    /// Every SKU character once, so every scalar replacing any of them is tried.
    static let sku = "AZaz09._-Kks"
    static let catalog = Catalog(baseURL: "https://shop.example.kr/", products: [
        .init(sku: sku, title: "한정판", price: 10000, url: "", stock: 3, adultOnly: true),
    ])

    @Test func test_kelvin_sign_names_no_product() {
        // U+212A KELVIN SIGN is canonically equivalent to "K": Swift's == says equal, the bytes do not.
        let kelvin = Self.sku.replacingOccurrences(of: "K", with: "\u{212A}")
        #expect(kelvin == Self.sku)
        #expect(Self.catalog.product(sku: kelvin) == nil)
        #expect(throws: PricingError.unknownItem(sku: kelvin)) {
            try Pricing.price([OrderItem(sku: kelvin, quantity: 1)], in: Self.catalog)
        }
        #expect(!Self.catalog.needsAdult([kelvin]))  // unknown: refused as unknown_item before any rule
    }

    @Test func test_no_scalar_outside_ascii_spells_a_known_sku() {
        // A superset of every look-alike (NFKC, case folding, canonical singletons): every non-ASCII scalar, put in
        // place of each character in turn.
        let characters = Array(Self.sku.unicodeScalars)
        var tried = 0
        var found: [String] = []
        for value in UInt32(0x80)...0x10FFFF {
            guard let scalar = Unicode.Scalar(value) else { continue }
            var spelled = characters
            spelled[Int(value) % characters.count] = scalar
            var text = ""
            text.unicodeScalars.append(contentsOf: spelled)
            if Self.catalog.product(sku: text) != nil { found.append(text) }
            tried += 1
        }
        #expect(tried > 1_100_000)
        #expect(found.isEmpty)
    }

    @Test func test_the_catalog_spelling_is_what_pricing_records() throws {
        let order = try Pricing.price([OrderItem(sku: Self.sku, quantity: 2)], in: Self.catalog)
        #expect(order.items.map(\.sku) == [Self.sku])
        #expect(Array(order.items[0].sku.utf8) == Array(Self.sku.utf8))
    }

    @Test func test_sku_validity_is_ascii_bytes() {
        #expect(SKU.isValid("ETH-YIRG-200"))
        #expect(SKU.isValid("a.b_c-9"))
        #expect(!SKU.isValid(""))
        #expect(!SKU.isValid(String(repeating: "A", count: 65)))
        #expect(!SKU.isValid("ETH YIRG"))
        #expect(!SKU.isValid("\u{212A}"))         // KELVIN SIGN
        #expect(!SKU.isValid("\u{FF2B}"))         // FULLWIDTH LATIN CAPITAL LETTER K
        #expect(!SKU.isValid("e\u{301}"))         // a combining mark
        #expect(!SKU.isValid("\r\n"))
    }
}
