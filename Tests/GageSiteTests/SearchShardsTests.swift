import Foundation
import Testing
import GageTestSupport
@testable import GageSite

/// The sharded search index (`search-index/`): what its files hold, that its shards are where the browser looks
/// for them, and that an edit under `gage serve` leaves no earlier build's pieces behind. That its results are
/// the reference matcher's is checked in the browser's own terms by tests/test_search_shards.py.
@Suite struct SearchShardsTests {
    /// The shop (its folder goes with it) and its output folder.
    func build(_ products: [String: String]) throws -> (TemporaryShop, String) {
        let shop = try TemporaryShop(settings: TemporaryShop.minimalSettings, files: products)
        let output = shop.root + "/.out"
        _ = try SiteBuilder.build(.init(source: shop.root, output: output))
        return (shop, output)
    }

    func json(_ path: String) throws -> Any {
        try JSONSerialization.jsonObject(with: try #require(FileManager.default.contents(atPath: path)))
    }

    @Test func test_a_small_shop_has_one_shard_and_one_block_named_by_the_manifest() throws {
        let (shop, output) = try build([
            "content/products/beans.md": TemporaryShop.product("title: 예가체프 원두\nsku: A\nprice: 18000\nsummary: 꽃향"),
            "content/products/mug.md": TemporaryShop.product("title: Mug 컵\nsku: B\nprice: 9000"),
        ])
        let manifest = try #require(try json(output + "/search-index/manifest.json") as? [String: Any])
        #expect(manifest["products"] as? Int == 2)
        #expect(manifest["block"] as? Int == 32)
        // Each file named by its content's hash.
        let shards = try #require(manifest["shards"] as? [String]), blocks = try #require(manifest["blocks"] as? [String])
        #expect(shards.count == 1 && blocks.count == 1)
        let folder = output + "/search-index/"
        let files = Set(FileTree.files(under: folder))
        #expect(files == ["manifest.json", "s0.\(shards[0]).json", "r0.\(blocks[0]).json"])
        let rows = try #require(FileManager.default.contents(atPath: folder + "r0.\(blocks[0]).json"))
        #expect(SearchShards.hash(String(decoding: rows, as: UTF8.self)) == blocks[0])
        // In the shop's order (as search.json's rows): the mug, then the beans.
        #expect(try json(folder + "r0.\(blocks[0]).json") as? [[String]] == [
            ["Mug 컵", "products/mug/", "9,000원", ""], ["예가체프 원두", "products/beans/", "18,000원", "꽃향"]])
        let shard = try #require(try json(folder + "s0.\(shards[0]).json") as? [String: [[Int]]])
        // Titles as searched: mug컵, 예가체프원두 (lower case, no spaces). 체프 is at 2 in product 1's title:
        // one product on from 0, at -(2 + 1).
        #expect(shard["2체프"] == [[1, -3]])
        #expect(shard["2g컵"] == [[0, -3]])
        // A character: the products holding it (as gaps) per field; the title's 초성 and titles starting with it.
        #expect(shard["1예"] == [[1], [], [], [], [], [], [1]])
        #expect(shard["2ㅇㄱ"] == [[], [], [], [], [], [1, -1]])
        #expect(shard["1꽃"] == [[], [], [1]])
        #expect(shard["2향꽃"] == nil)
        withExtendedLifetime(shop) {}
    }

    @Test func test_a_pair_is_in_the_shard_of_its_first_character_and_its_second_initial() {
        // The same numbers as tests/js/search-shards.test.mjs (worked out by a third implementation in Python).
        func shard(_ type: UInt64, _ first: Unicode.Scalar, _ second: Unicode.Scalar?, _ shards: Int) -> Int {
            SearchShards.shard(of: SearchShards.key(type, first, second?.value ?? 0), shards: shards)
        }
        #expect(shard(2, "예", "가", 512) == 157)
        #expect(shard(1, "커", nil, 512) == 314)
        #expect(shard(2, "a", "b", 64) == 25)
        #expect(shard(2, "드", "립", 512) == 37)
        #expect(shard(2, "드", "ㄹ", 512) == 37)
    }

    @Test func test_text_is_searched_as_the_browser_normalises_it() {
        #expect(String(String.UnicodeScalarView(SearchShards.compact("드립 Bag\u{3000}\t10".decomposedStringWithCanonicalMapping)))
                == "드립bag10")
    }

    @Test func test_an_edit_under_serve_writes_the_changed_index_files_and_removes_the_old_ones() throws {
        let shop = try TemporaryShop(settings: TemporaryShop.minimalSettings, files: [
            "content/products/a.md": TemporaryShop.product("title: 가\nsku: A\nprice: 1000", body: "설명"),
            "content/products/b.md": TemporaryShop.product("title: 나\nsku: B\nprice: 2000"),
        ])
        let output = shop.root + "/.out", memo = BuildMemo()
        let options = SiteBuilder.Options(source: shop.root, output: output)
        _ = try SiteWriter(output: output).write(try SiteBuilder.render(options, memo: memo).files, prune: true)
        let before = FileTree.files(under: output + "/search-index")
        try shop.write("content/products/a.md", TemporaryShop.product("title: 가\nsku: A\nprice: 1000", body: "새 설명"))
        let (_, files, _, complete) = try SiteBuilder.render(options, memo: memo)
        #expect(!complete)
        _ = try SiteWriter(output: output).write(files, prune: false)
        let after = FileTree.files(under: output + "/search-index")
        #expect(after.count == before.count, "the old files of the edited shard and block are gone")
        #expect(Set(after) != Set(before))
        #expect(FileManager.default.fileExists(atPath: output + "/products/b/index.html"))
    }

    @Test func test_edits_of_a_shop_with_many_shards_leave_the_index_a_full_build_makes() throws {
        // 80 products of varied words: several shards, so an edit re-writes some shards and keeps others.
        let words = ["향", "산미", "단맛", "여운", "균형", "고소한", "깔끔한", "꽃", "과일", "견과류", "초콜릿", "캐러멜",
                     "Citrus", "Berry", "꿀", "우유", "아침", "오후", "로스터리", "바리스타", "신선한", "원산지", "품종"]
        var rng = SplitMix(seed: 7)
        func text(_ count: Int) -> String {
            (0..<count).map { _ in words[Int(rng.next() % UInt64(words.count))] }.joined(separator: " ")
        }
        var files: [String: String] = [:], titles: [String] = []
        for index in 0..<80 {
            titles.append("\(text(2)) \(index)호")
            files["content/products/p\(index).md"] = TemporaryShop.product(
                "title: \(titles[index])\nsku: S\(index)\nprice: 1000\nsummary: \(text(3))", body: text(40))
        }
        let shop = try TemporaryShop(settings: TemporaryShop.minimalSettings, files: files)
        let served = shop.root + "/.out-serve", full = shop.root + "/.out-full", memo = BuildMemo()
        let options = SiteBuilder.Options(source: shop.root, output: served)
        _ = try SiteWriter(output: served).write(try SiteBuilder.render(options, memo: memo).files, prune: true)
        let manifest = try #require(try json(served + "/search-index/manifest.json") as? [String: Any])
        #expect((manifest["shards"] as? [String])?.count ?? 0 > 1)
        for step in 0..<6 {
            let index = Int(rng.next() % 80)
            // A new description and summary (new words, words gone), or a description all new (keys no other
            // product has). A new title would move the product in the lists, which renders everything.
            let body = step % 3 == 2 ? "완전히 새로운 설명 \(step) Zebra" : text(30 + step * 5)
            try shop.write("content/products/p\(index).md", TemporaryShop.product(
                "title: \(titles[index])\nsku: S\(index)\nprice: 1000\nsummary: \(text(3)) \(step)편집", body: body))
            let (_, changed, _, complete) = try SiteBuilder.render(options, memo: memo)
            #expect(!complete)
            _ = try SiteWriter(output: served).write(changed, prune: false)
            try? FileManager.default.removeItem(atPath: full)
            _ = try SiteBuilder.build(.init(source: shop.root, output: full))
            let servedIndex = IncrementalBuildTests.tree(served + "/search-index")
            let builtIndex = IncrementalBuildTests.tree(full + "/search-index")
            #expect(servedIndex.keys.sorted() == builtIndex.keys.sorted(), "step \(step): the same files")
            #expect(servedIndex == builtIndex, "step \(step): the same bytes")
        }
    }
}
