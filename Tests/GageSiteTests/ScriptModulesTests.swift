import Foundation
import Testing
import GageTestSupport
@testable import GageSite

/// The theme's script is ES modules under assets/js/: each page loads its own entry, from a folder named by the
/// modules' fingerprint, and a shop overrides one module as it overrides one template.
@Suite struct ScriptModulesTests {
    /// A small shop; keep it while reading its output (its folder goes with it).
    func shop(_ extra: [String: String] = [:]) throws -> TemporaryShop {
        try TemporaryShop(files: [
            "content/products/yirga/index.md": beanProduct,
            "content/products/yirga/beans.svg": "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
            "content/about.md": "---\ntitle: 소개\n---\n작은 가게입니다.\n",
        ].merging(extra) { $1 })
    }

    /// The `src` of the page's `<script type="module">`, and that there is exactly one.
    func entry(_ html: String) throws -> String {
        let tags = html.matches(of: /<script type="module" src="([^"]+)"><\/script>/)
        try #require(tags.count == 1, "one entry module per page")
        return String(tags[0].output.1)
    }

    @Test func test_each_page_loads_its_own_entry_from_the_fingerprinted_folder() throws {
        let shop = try shop()
        let output = try build(shop)
        let pages = ["products/yirga/index.html": "product", "cart/index.html": "cart",
                     "checkout/complete/index.html": "complete", "orders/lookup/index.html": "lookup",
                     "index.html": "browse", "about/index.html": "browse", "categories/coffee/index.html": "browse",
                     "search/index.html": "browse", "404.html": "browse"]
        var folders = Set<String>()
        for (page, name) in pages {
            let html = read(output + "/" + page)
            let src = try entry(html)
            let match = try #require(src.wholeMatch(of: /\/assets\/js\/([0-9a-f]{12})\/pages\/(\w+)\.js/), "\(page): \(src)")
            #expect(String(match.output.2) == name, "\(page) loads \(src)")
            folders.insert(String(match.output.1))
            #expect(FileManager.default.fileExists(atPath: output + src), "\(src) is published")
            #expect(!html.contains("assets/gage.js"), "\(page) does not load the compatibility script")
        }
        #expect(folders.count == 1)
        // Every built-in module is published in that folder, and nothing of them outside it.
        let folder = output + "/assets/js/" + folders.first!
        let modules = DefaultTheme.files.keys.filter { $0.hasPrefix("assets/js/") }
        #expect(modules.count > 15)
        for module in modules {
            #expect(read(folder + "/" + module.dropFirst("assets/js/".count)) == DefaultTheme.files[module], "\(module)")
        }
        let published = try FileManager.default.contentsOfDirectory(atPath: output + "/assets/js")
        #expect(published == [folders.first!])
    }

    @Test func test_a_shop_overrides_one_module_in_the_nested_folder_and_the_folder_moves() throws {
        let plainShop = try shop()
        let plain = try build(plainShop)
        let mine = "export function setUpProductPage() { document.title = 'mine'; }\n"
        let overriding = try shop(["templates/assets/js/product-page.js": mine])
        let output = try build(overriding)
        let before = try entry(read(plain + "/products/yirga/index.html"))
        let after = try entry(read(output + "/products/yirga/index.html"))
        #expect(before != after, "a changed module moves every module to a new folder, so no browser mixes old and new")
        let folder = output + String(after.dropLast("pages/product.js".count))
        #expect(read(folder + "product-page.js") == mine)
        #expect(read(folder + "pricing.js") == DefaultTheme.files["assets/js/pricing.js"])
        #expect(read(folder + "pages/product.js") == DefaultTheme.files["assets/js/pages/product.js"])
    }

    @Test func test_a_base_template_from_before_the_modules_still_starts_them() throws {
        let oldBase = """
            <!DOCTYPE html><html lang="ko"><head><meta charset="utf-8"><title>{{page.full_title}}</title></head><body>
            {{$content}}{{/content}}
            <script id="gage-checkout" type="application/json">{{{site.checkout_json}}}</script>
            {{$scripts}}{{/scripts}}
            <script src="{{site.js_url}}" defer></script>
            </body></html>
            """
        let shop = try shop(["templates/base.mustache": oldBase])
        let output = try build(shop)
        let html = read(output + "/products/yirga/index.html")
        let match = try #require(html.firstMatch(of: /<script src="\/assets\/gage\.js\?v=([0-9a-f]{12})" defer>/))
        // assets/gage.js starts pages/<entry>.js from assets/js/<v>/.
        #expect(FileManager.default.fileExists(atPath: output + "/assets/js/\(match.output.1)/pages/product.js"))
        #expect(read(output + "/assets/gage.js").contains("'js/' + here.searchParams.get('v') + '/pages/'"))
    }
}
