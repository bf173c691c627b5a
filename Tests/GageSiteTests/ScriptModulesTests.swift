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

    @Test func test_a_page_preloads_every_module_its_entry_imports_and_nothing_else() throws {
        let shop = try shop()
        let output = try build(shop)
        func preloads(_ page: String) -> [String] {
            read(output + "/" + page).matches(of: /<link rel="modulepreload" href="([^"]+)">/).map { String($0.output.1) }
        }
        let product = preloads("products/yirga/index.html")
        let names = Set(product.map { String($0.split(separator: "/").last!) })
        #expect(names.isSuperset(of: ["product-page.js", "common.js", "cart.js", "cart-lines.js", "catalog.js", "search-box.js", "page.js"]))
        // The matcher comes on the first search and a sale's clock to products on sale (dynamic imports): not preloaded.
        #expect(names.isDisjoint(with: ["search.js", "sale-price.js", "pricing.js", "checkout.js", "payment.js", "pay-iamport.js", "result-view.js"]))
        #expect(!names.contains("product.js"), "the entry itself is the module script")
        #expect(Set(preloads("cart/index.html").map { String($0.split(separator: "/").last!) })
            .isSuperset(of: ["pricing.js", "checkout.js", "payment.js", "result-view.js", "details.js"]))
        for url in product + preloads("cart/index.html") + preloads("index.html") {
            #expect(FileManager.default.fileExists(atPath: output + url), "\(url) is published")
        }
    }

    @Test func test_imports_are_followed_through_relative_paths_once_each() {
        let assets = [
            "assets/js/pages/a.js": "import { b } from '../b.js';\nimport { c } from \"./../c.js\";\nimport x from 'https://cdn.example/x.js';\n",
            "assets/js/b.js": "import { c } from './c.js';\nexport { d } from './sub/d.js';\nexport function b() {}\n",
            "assets/js/c.js": "import { b } from './b.js';\nimport { gone } from './gone.js';\n",
            "assets/js/sub/d.js": "import { up } from '../../../outside.js';\nexport const d = 1;\n",
        ]
        #expect(ScriptModules.imports(of: "assets/js/pages/a.js", in: assets) == ["assets/js/b.js", "assets/js/c.js", "assets/js/sub/d.js"])
    }
}
