import Foundation
import Testing
import GageTestSupport
@testable import GageCatalog
@testable import GageSite

/// `gage serve` renders only what an edit changes; the site it leaves must be the very bytes a full build makes.
/// Checked over many generated edit sequences, each step compared with a fresh full build.
@Suite struct IncrementalBuildTests {
    static let settings = TemporaryShop.minimalSettings + "paginate: 3\n"
    static let tags = ["산미", "고소함", "디카페인", "선물", "Tea Time"]

    /// A product's front-matter fields (in file order) and description, so an edit can change one field.
    struct Product {
        var fields: [(String, String)]
        var body: String

        var file: String {
            TemporaryShop.product(fields.map { "\($0.0): \($0.1)" }.joined(separator: "\n"), body: body)
        }

        mutating func set(_ name: String, _ value: String?) {
            fields.removeAll { $0.0 == name }
            if let value { fields.append((name, value)) }
        }
    }

    static func product(_ index: Int, rng: inout SplitMix) -> Product {
        var product = Product(fields: [("title", "상품 \(index)"), ("sku", "SKU-\(index)")], body: "## 맛\n\n설명 *향*.")
        for name in ["price", "category", "tags", "stock", "summary", "weight", "draft", "compare_at"] {
            product.set(name, value(of: name, rng: &rng))
        }
        return product
    }

    /// A random value for a field (nil: the field left out).
    static func value(of name: String, rng: inout SplitMix) -> String? {
        switch name {
        case "title": return "상품 \(["가", "나", "다"].randomElement(using: &rng)!)\(Int.random(in: 0...20, using: &rng))"
        case "price": return String(Int.random(in: 1...40, using: &rng) * 500)
        case "compare_at": return Bool.random(using: &rng) ? nil : "30000"
        case "category": return ["coffee", "tea"].randomElement(using: &rng)!
        case "tags": return "[" + tags.shuffled(using: &rng).prefix(Int.random(in: 0...2, using: &rng)).joined(separator: ", ") + "]"
        case "stock": return ["0", "3", "10"].randomElement(using: &rng)!
        case "summary": return Bool.random(using: &rng) ? nil : "요약 \(Int.random(in: 0...9, using: &rng))"
        case "weight": return Bool.random(using: &rng) ? nil : String(Int.random(in: 1...5, using: &rng))
        case "draft": return Int.random(in: 0...5, using: &rng) == 0 ? "true" : nil
        default: return nil
        }
    }

    /// One edit as a seller makes it: mostly one field or the description of a product, sometimes a new or
    /// removed product, a page, shop.yml or a template.
    static func edit(_ shop: TemporaryShop, products: inout [Int: Product], next: inout Int, rng: inout SplitMix) throws {
        let index = products.keys.sorted().randomElement(using: &rng)!
        let path = "content/products/p\(index).md"
        switch Int.random(in: 0..<21, using: &rng) {
        case 0..<7:                                        // the description only
            products[index]!.body += " 더 \(Int.random(in: 0...99, using: &rng))"
            try shop.write(path, products[index]!.file)
        case 7..<14:                                       // one field: price, title, stock, tags, …
            let name = ["title", "price", "compare_at", "category", "tags", "stock", "summary", "weight", "draft"]
                .randomElement(using: &rng)!
            products[index]!.set(name, value(of: name, rng: &rng))
            try shop.write(path, products[index]!.file)
        case 14:
            products[next] = product(next, rng: &rng)
            try shop.write("content/products/p\(next).md", products[next]!.file)
            next += 1
        case 15 where products.count > 2:
            try FileManager.default.removeItem(atPath: shop.root + "/" + path)
            products[index] = nil
        case 16:
            try shop.write("content/about.md", "---\ntitle: 소개\n---\n소개 \(Int.random(in: 0...9, using: &rng))\n")
        case 17:
            try shop.write("shop.yml", settings.replacingOccurrences(of: "테스트 가게", with: "가게 \(Int.random(in: 0...9, using: &rng))"))
        case 18:
            try shop.write("templates/partials/footer.mustache", "<footer>바닥글 \(Int.random(in: 0...9, using: &rng))</footer>\n")
        case 19:                                           // a static file, which no loaded source names
            try shop.write("static/style.css", "body { margin: \(Int.random(in: 0...9, using: &rng))px }\n")
        default:                                           // saved again unchanged
            try shop.write(path, products[index]!.file)
        }
    }

    static func tree(_ folder: String) -> [String: Data] {
        var files: [String: Data] = [:]
        for path in FileTree.files(under: folder, includingHidden: true) {
            files[path] = FileManager.default.contents(atPath: folder + "/" + path)
        }
        return files
    }

    @Test(arguments: 1...12)
    func test_an_edited_shop_rendered_incrementally_is_byte_identical_to_a_full_build(seed: Int) throws {
        var rng = SplitMix(seed: UInt64(seed) &* 7919)
        let shop = try TemporaryShop(settings: Self.settings)
        var products: [Int: Product] = [:]
        for index in 0..<10 {
            products[index] = Self.product(index, rng: &rng)
            try shop.write("content/products/p\(index).md", products[index]!.file)
        }
        let incremental = shop.root + "/.out-serve", full = shop.root + "/.out-full"
        let options = SiteBuilder.Options(source: shop.root, output: incremental)
        let memo = BuildMemo()
        var next = 10, partial = 0
        for step in 0..<25 {
            if step > 0 { try Self.edit(shop, products: &products, next: &next, rng: &rng) }
            let (_, files, _, complete) = try SiteBuilder.render(options, memo: memo)
            _ = try SiteWriter(output: incremental).write(files, prune: complete)
            if !complete { partial += 1 }
            try? FileManager.default.removeItem(atPath: full)
            _ = try SiteBuilder.build(.init(source: shop.root, output: full))
            let served = Self.tree(incremental), built = Self.tree(full)
            #expect(served.keys.sorted() == built.keys.sorted(), "seed \(seed), step \(step): the same files")
            for (path, bytes) in built where served[path] != bytes {
                Issue.record("seed \(seed), step \(step): \(path) differs from a full build")
            }
        }
        #expect(partial > 0, "seed \(seed): some edits were rendered incrementally")
    }

    @Test func test_a_description_edit_renders_only_that_product_page_and_the_search_index() throws {
        var rng = SplitMix(seed: 42)
        let shop = try TemporaryShop(settings: Self.settings)
        for index in 0..<10 {
            var product = Self.product(index, rng: &rng)
            product.set("draft", nil)
            try shop.write("content/products/p\(index).md", product.file)
        }
        let memo = BuildMemo()
        let options = SiteBuilder.Options(source: shop.root, output: shop.root + "/.out")
        _ = try SiteBuilder.render(options, memo: memo)
        try shop.write("content/products/p3.md", shop.read("content/products/p3.md")!.replacingOccurrences(of: "설명", with: "새 설명"))
        let (_, files, _, complete) = try SiteBuilder.render(options, memo: memo)
        #expect(!complete)
        // The search index is made again whole: its build folder is named by its contents.
        let (index, other) = (files.filter { $0.path.hasPrefix("search-index/") }, files.filter { !$0.path.hasPrefix("search-index/") })
        #expect(other.map(\.path).sorted() == ["products/p3/index.html", "search.json"])   // no static files here
        #expect(index.map(\.path).contains("search-index/manifest.json"))
    }

    @Test func test_a_price_edit_renders_the_lists_that_show_the_product_and_the_catalog() throws {
        let shop = try TemporaryShop(settings: Self.settings, files: [
            "content/products/a.md": TemporaryShop.product("title: 가\nsku: A\nprice: 1000\ncategory: coffee\ntags: [선물]"),
            "content/products/b.md": TemporaryShop.product("title: 나\nsku: B\nprice: 2000\ncategory: tea"),
        ])
        let memo = BuildMemo()
        let options = SiteBuilder.Options(source: shop.root, output: shop.root + "/.out")
        _ = try SiteBuilder.render(options, memo: memo)
        try shop.write("content/products/a.md", TemporaryShop.product("title: 가\nsku: A\nprice: 1500\ncategory: coffee\ntags: [선물]"))
        let (_, files, _, complete) = try SiteBuilder.render(options, memo: memo)
        #expect(!complete)
        #expect(files.map(\.path).filter { !$0.hasPrefix("search-index/") }.sorted() == [
            "catalog.json", "categories/coffee/index.html", "index.html", "products/a/index.html", "search.json",
            "tags/선물/index.html"])
    }
}
