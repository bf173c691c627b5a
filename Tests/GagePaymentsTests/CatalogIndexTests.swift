import Glibc
import Testing
@testable import GageCore
@testable import GageLedger
@testable import GagePayments
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The verify function's index of catalog.json: the same products, header and text as the file, and never used
/// for a file whose stamp is not the one it was made from.
@Suite struct CatalogIndexTests {
    let folder: String

    init() {
        var template = Array("/tmp/gage-catalog-index-XXXXXX".utf8CString)
        folder = template.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)) }
    }

    /// 500 products of every shape catalog.json has: options with and without surcharges, tracked and untracked
    /// stock (0 is sold out), quantity limits, adult-only products, subscription offers.
    static let catalog = Catalog(
        version: "v-index", shop: "shop-1", baseURL: "https://shop.example.kr/", orderPrefix: "shop-",
        shipping: ShippingRule(fee: 3000, freeOver: 50000), payment: .init(pg: "html5_inicis", payMethods: ["card"]),
        identity: .init(pg: "danal"),
        products: (0..<500).map { n in
            Catalog.Product(
                sku: "SKU-\(n)", title: "상품 \(n) \"따옴표\"", price: 1000 + n * 10, url: "https://shop.example.kr/p/\(n)/",
                stock: n % 3 == 0 ? nil : n % 7, maxQuantity: n % 5 == 0 ? 3 : nil,
                options: n % 2 == 0 ? [.init(name: "분쇄도", values: [.init(label: "홀빈"), .init(label: "에스프레소용", price: n)])] : [],
                adultOnly: n % 11 == 0,
                subscription: n % 13 == 0 ? SubscriptionOffer(intervals: ["2w", "1m"], price: 900 + n * 10) : nil)
        })

    func stamp(inode: Int = 42, size: Int = 1234, changedAt: Int = 1_780_000_000) -> CatalogIndex.Stamp {
        var info = stat()
        info.st_dev = 7
        info.st_ino = UInt(inode)
        info.st_size = size
        info.st_mtim = timespec(tv_sec: changedAt, tv_nsec: 5)
        info.st_ctim = timespec(tv_sec: changedAt, tv_nsec: 6)
        return CatalogIndex.Stamp(info)
    }

    func indexed(json: String = "{\"text\": \"as written\"}") throws -> CatalogIndex {
        let index = try #require(CatalogIndex(catalogPath: "/srv/shop/catalog.json", cacheDirectory: folder))
        try index.write(CatalogFile(catalog: Self.catalog, json: json, modifiedAt: 1_780_000_000), json: json, stamp: stamp())
        return index
    }

    @Test func test_every_product_reads_back_as_it_was_decoded() throws {
        let file = try #require(try indexed().open(stamp: stamp()))
        for product in Self.catalog.products {
            #expect(file.catalog.product(sku: product.sku) == product)
        }
        #expect(file.catalog.product(sku: "SKU-500") == nil)
        #expect(file.catalog.product(sku: "") == nil)
    }

    @Test func test_the_header_and_text_are_the_files() throws {
        let file = try #require(try indexed().open(stamp: stamp()))
        var header = file.catalog
        header.shelf = nil
        var expected = Self.catalog
        expected.products = []
        #expect(header == expected)
        #expect(file.catalog.products.isEmpty)
        #expect(try file.json() == "{\"text\": \"as written\"}")
        #expect(file.modifiedAt == 1_780_000_000)
    }

    @Test func test_an_order_is_priced_the_same_from_the_index() throws {
        let file = try #require(try indexed().open(stamp: stamp()))
        let items = [OrderItem(sku: "SKU-2", quantity: 2, options: ["분쇄도": "에스프레소용"]),
                     OrderItem(sku: "SKU-5", quantity: 1, options: [:])]
        #expect(try Pricing.price(items, in: file.catalog) == Pricing.price(items, in: Self.catalog))
        let soldOut = [OrderItem(sku: "SKU-7", quantity: 1)]                 // 7 % 7: none left
        #expect(throws: PricingError.self) { try Pricing.price(soldOut, in: file.catalog) }
        #expect(file.catalog.needsAdult(["SKU-1", "SKU-11"]) && !file.catalog.needsAdult(["SKU-1", "SKU-12"]))
    }

    @Test func test_an_earlier_version_takes_stock_from_an_indexed_current_catalog() throws {
        let current = try #require(try indexed().open(stamp: stamp())).catalog
        let earlier = Catalog(version: "v-old", baseURL: "https://shop.example.kr/", orderPrefix: "shop-",
                              products: [.init(sku: "SKU-1", title: "옛 상품", price: 900, url: "", stock: 99),
                                         .init(sku: "GONE", title: "없어진 상품", price: 500, url: "", stock: 4)])
        let merged = earlier.withStock(of: current)
        #expect(merged.product(sku: "SKU-1")?.stock == 1)      // today's stock (1 % 7)
        #expect(merged.product(sku: "SKU-1")?.price == 900)    // the earlier price
        #expect(merged.product(sku: "GONE")?.stock == 4)       // gone today: keeps what it had
    }

    @Test(arguments: [(43, 1234, 1_780_000_000), (42, 1235, 1_780_000_000), (42, 1234, 1_780_000_001)])
    func test_an_index_of_another_state_of_the_file_is_not_used(inode: Int, size: Int, changedAt: Int) throws {
        let index = try indexed()
        #expect(index.open(stamp: stamp(inode: inode, size: size, changedAt: changedAt)) == nil)
    }

    @Test func test_a_torn_or_foreign_index_is_not_used() throws {
        let index = try indexed()
        #expect(truncate(index.path, 300) == 0)
        #expect(index.open(stamp: stamp()) == nil)
        #expect(FileManager.default.createFile(atPath: index.path, contents: Data("not sqlite".utf8)))
        #expect(index.open(stamp: stamp()) == nil)
    }

    @Test func test_a_lookup_the_index_cannot_answer_is_a_failure_not_a_missing_product() throws {
        let index = try indexed()
        let file = try #require(index.open(stamp: stamp()))
        #expect(file.indexFailure == nil)
        try SQLiteConnection(path: index.path, mode: .scratch).execute("DROP TABLE products", [])
        #expect(file.catalog.product(sku: "SKU-3") == nil)
        #expect(file.indexFailure?.contains("could not be read") == true)
    }

    @Test func test_no_index_without_a_private_cache_folder() {
        #expect(CatalogIndex(catalogPath: "/srv/shop/catalog.json", cacheDirectory: nil) == nil)
        #expect(CatalogIndex(catalogPath: "/srv/shop/catalog.json", cacheDirectory: "relative/folder") == nil)
    }
}
