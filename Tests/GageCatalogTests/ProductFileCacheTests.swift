import Foundation
import GageTestSupport
import Testing
@testable import GageCatalog

@Suite struct ProductFileCacheTests {
    @Test func test_the_cache_keeps_settled_files_forgets_recent_edits_and_deleted_files() throws {
        let shop = try TemporaryShop(files: [
            "content/products/a.md": TemporaryShop.product("title: A\nsku: A-1\nprice: 1000"),
            "content/products/b.md": TemporaryShop.product("title: B\nsku: B-1\nprice: 2000"),
            "content/products/c.md": TemporaryShop.product("title: C\nsku: C-1\nprice: 3000"),
        ])
        let cache = ProductFileCache()
        // A file changed within the last 2 s is never kept: a second save in the same clock tick keeps its stamp.
        #expect(try ShopLoader.load(from: shop.root, productFiles: cache).products.count == 3)
        #expect(cache.count == 0)
        Thread.sleep(forTimeInterval: 2.1)
        _ = try ShopLoader.load(from: shop.root, productFiles: cache)
        #expect(cache.count == 3)

        try shop.write("content/products/a.md", TemporaryShop.product("title: A2\nsku: A-1\nprice: 1000"))
        let edited = try ShopLoader.load(from: shop.root, productFiles: cache)
        #expect(edited.products.map(\.title).sorted() == ["A2", "B", "C"])
        #expect(cache.count == 2, "the edited file is read again next time, the others are kept")

        try FileManager.default.removeItem(atPath: shop.root + "/content/products/b.md")
        let fewer = try ShopLoader.load(from: shop.root, productFiles: cache)
        #expect(fewer.products.map(\.title).sorted() == ["A2", "C"])
        #expect(cache.count == 1, "the deleted file is forgotten; the recent edit is still not kept")
    }
}
