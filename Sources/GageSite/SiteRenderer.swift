import Dispatch
import Foundation
import GageCatalog
import GageCore
import Mustache

/// One file of the built site.
public struct OutputFile: Sendable {
    public enum Content: Sendable {
        case text(String)
        /// A source file copied as it is (static files, bundle images).
        case copy(from: String)
        /// A file whose name carries its content's hash (a photo variant from the cache): a file of that name
        /// and size already in the output is the same file, and is not read again.
        case stored(from: String)
        /// Text in a file whose name carries its content's hash (the search index's shards): a file of that name
        /// and size already in the output is the same file, and is not read again.
        case named(String)
        /// Already in the output folder: written while the site was rendered (`gage build` streams its pages
        /// to disk), `changed` false when the file there had these bytes.
        case written(changed: Bool)
    }

    /// Path inside the output folder, `/`-separated, e.g. `products/yirgacheffe/index.html`.
    public var path: String
    public var content: Content
}

/// Turns a loaded shop into the files of the site. Pure: reads the source folder for files to copy,
/// writes nothing.
public struct SiteRenderer {
    let shop: Shop
    let theme: Theme
    let context: SiteContext
    let modules: ScriptModules

    public init(shop: Shop, theme: Theme, photos: SitePhotos = .none) {
        self.shop = shop
        self.theme = theme
        var context = SiteContext(shop: shop, photos: photos)
        modules = ScriptModules(assets: theme.assets, basePath: context.basePath)
        context.site["scripts_url"] = modules.folderURL
        // For a shop's own base.mustache from before the modules: assets/gage.js starts the page's entry module
        // from the folder this names.
        context.site["js_url"] = context.basePath + "assets/gage.js?v=" + modules.fingerprint
        // The header and footer depend on the shop alone: render them once, not once per page.
        for part in ["header", "footer"] {
            context.site[part + "_html"] = theme.render(context.with([:]), template: "partials/" + part)
        }
        self.context = context
    }

    /// A page to render: its output path, template and how to make its values. Values are made inside the
    /// parallel loop (a product page's are the costly ones) and only read there, hence `@unchecked Sendable`
    /// for the `Any` inside.
    struct PageJob: @unchecked Sendable {
        var path: String
        var template: String
        var values: () -> [String: Any]

        init(path: String, template: String, values: @escaping () -> [String: Any]) {
            self.path = path
            self.template = template
            self.values = values
        }

        init(path: String, template: String, values: [String: Any]) {
            self.init(path: path, template: template, values: { values })
        }
    }

    /// Every file of the site; with `changes` (an edit under `gage serve`), only the files those changes alter.
    /// `memo` carries search.json's rows and the cards from one build to the next.
    /// With `stream`, each page is handed to it as soon as it is rendered and what it returns is kept instead
    /// (`gage build` writes the page and keeps only its path: 10,000 pages are 200 MB of text).
    public func render(changes: RenderChanges? = nil, memo: RenderMemo = RenderMemo(),
                       stream: (@Sendable (OutputFile) -> OutputFile)? = nil) -> [OutputFile] {
        let jobs = pageJobs(cards: productCards(changed: changes.map(\.cards), memo: memo), changes: changes)
        let siteJobs = siteFileJobs(changes: changes, memo: memo)
        // Pages are independent: render them across the cores, each into its own slot, in a fixed order. The
        // files made from the whole shop (search index, catalog, sitemap, …) go first in the same loop, so that
        // they do not run one after another, on one core, after the last page.
        let rendered = ResultSlots<OutputFile>(count: jobs.count)
        let siteFiles = ResultSlots<[OutputFile]>(count: siteJobs.count)
        let theme = self.theme, modules = self.modules
        DispatchQueue.concurrentPerform(iterations: siteJobs.count + jobs.count) { index in
            guard index >= siteJobs.count else {
                siteFiles[index] = siteJobs[index].make()
                return
            }
            let job = jobs[index - siteJobs.count]
            var values = job.values()
            // The page's own entry module (base.mustache's `<script type="module">`), by the kind of page.
            values["script_url"] = modules.entryURL(template: job.template)
            values["script_preloads"] = modules.preloadURLs(template: job.template)
            let page = OutputFile(path: job.path, content: .text(theme.render(values, template: job.template)))
            rendered[index - siteJobs.count] = stream?(page) ?? page
        }
        return rendered.values + siteFiles.values.flatMap { $0 }
    }

    /// Makes some of the files that are not pages; built in the parallel loop, hence `@unchecked Sendable` for
    /// the shop's `Any` values it reads.
    struct SiteFileJob: @unchecked Sendable {
        var make: () -> [OutputFile]
    }

    /// The files made from the whole shop rather than one page, in a fixed order; with `changes` (an edit under
    /// `gage serve`), only those the changes alter.
    func siteFileJobs(changes: RenderChanges?, memo: RenderMemo) -> [SiteFileJob] {
        let shop = self.shop, context = self.context, theme = self.theme
        func file(_ path: String, _ make: @escaping () -> String) -> SiteFileJob {
            SiteFileJob { [OutputFile(path: path, content: .text(make()))] }
        }
        var jobs: [SiteFileJob] = []
        let productsChanged = changes.map { !$0.products.isEmpty } ?? true
        if productsChanged {
            jobs.append(SiteFileJob {
                SearchIndex.files(for: shop, context: context, rows: memo.searchRows, changed: changes?.products)
            })
        }
        if changes?.catalog ?? true {
            jobs.append(file("catalog.json") { self.catalogJSON(memo.catalogEncodings) })
        }
        if productsChanged {
            let feeds = ShoppingFeeds(shop: shop, context: context)
            if shop.settings.feeds.naver { jobs.append(file("feeds/naver.tsv") { feeds.naverTSV() }) }
            if shop.settings.feeds.google { jobs.append(file("feeds/google.xml") { feeds.googleRSS() }) }
        }
        // static/, bundle images and photo variants are listed every time (the writer skips unchanged bytes): an
        // edit there changes no source the shop is loaded from.
        jobs.append(SiteFileJob { self.copiedFiles() })
        // The rest depends on the shop's settings, pages and the set of products, which an incremental edit keeps.
        guard changes == nil else { return jobs }
        jobs.append(file("sitemap.xml") { self.sitemap() })
        jobs.append(file("robots.txt") { self.robots() })
        jobs.append(file("emails.json") { EmailsFile.json(shop: shop, theme: theme) })
        let modules = self.modules
        jobs.append(SiteFileJob {
            theme.assets.sorted { $0.key < $1.key }.map {
                OutputFile(path: modules.outputPath(of: $0.key), content: .text($0.value))
            }
        })
        return jobs
    }

    // MARK: - Pages

    /// Every page; with `changes`, only the changed products' pages and the list pages showing a changed card.
    func pageJobs(cards: [String: [String: Any]], changes: RenderChanges? = nil) -> [PageJob] {
        if let changes {
            let products = shop.products.filter { changes.products.contains($0.slug) }
            let lists = changes.cards.isEmpty ? [] : listPageJobs(cards: cards, showing: changes.cards)
            return productPageJobs(products) + lists
        }
        var jobs = listPageJobs(cards: cards) + productPageJobs(shop.products)
        jobs += otherPageJobs()
        return jobs
    }

    func productPageJobs(_ products: [ProductSource]) -> [PageJob] {
        let context = self.context
        return products.map { product in
            PageJob(path: "products/\(product.slug)/index.html", template: "product") {
                let (values, meta) = context.productPage(product)
                return context.with(["product": values], page: meta)
            }
        }
    }

    /// The home page's, each category's and each tag's paginated lists of cards; with `showing`, only the list
    /// pages that show one of those products (the lists themselves are as before: an edit that moves a product
    /// or changes its category or tags renders everything).
    func listPageJobs(cards: [String: [String: Any]], showing: Set<String>? = nil) -> [PageJob] {
        var jobs: [PageJob] = []
        let text = context.text
        jobs += listJobs(slugs: shop.products.map(\.slug), cards: cards, folder: "", title: shop.settings.title,
                         heading: text["all_products"] ?? "", description: shop.settings.description ?? "",
                         template: "index", showing: showing)
        let shown = showing.map { slugs in shop.products.filter { slugs.contains($0.slug) } }
        for category in shop.categories where shown?.contains(where: { $0.category == category.slug }) != false {
            let slugs = shop.products.filter { $0.category == category.slug }.map(\.slug)
            jobs += listJobs(slugs: slugs, cards: cards, folder: "categories/\(category.slug)/", title: category.title,
                             heading: category.title, description: category.description ?? "", template: "list",
                             showing: showing)
        }
        let tags = shown.map { products in Set(products.flatMap(\.tags).map(Slug.make(from:))) }
        for (tag, products) in tagGroups(only: tags) {
            jobs += listJobs(slugs: products.map(\.slug), cards: cards, folder: "tags/\(Slug.make(from: tag))/",
                             title: "#\(tag)", heading: "#\(tag)", description: "", template: "list", showing: showing)
        }
        return jobs
    }

    /// The plain pages and the pages that show no product: cart, checkout result, search, lookup, 404.
    func otherPageJobs() -> [PageJob] {
        var jobs: [PageJob] = []
        let text = context.text
        let context = self.context
        for page in shop.pages {
            let values: [String: Any] = ["title": page.title, "content_html": context.markdown.html(page.body)]
            let meta = context.pageMeta(title: page.title,
                                        description: page.description ?? MarkdownRenderer.plainText(page.body),
                                        path: URLPath.encode(page.slug) + "/")
            jobs.append(PageJob(path: "\(page.slug)/index.html", template: "page",
                                values: context.with(["content": values], page: meta)))
        }
        jobs.append(PageJob(path: "cart/index.html", template: "cart",
                            values: context.with([:], page: context.pageMeta(
                                title: text["cart"] ?? "", description: "", path: "cart/", indexable: false))))
        jobs.append(PageJob(path: "checkout/complete/index.html", template: "complete",
                            values: context.with([:], page: context.pageMeta(
                                title: text["result_title"] ?? "", description: "", path: "checkout/complete/",
                                indexable: false))))
        jobs.append(PageJob(path: "search/index.html", template: "search",
                            values: context.with([:], page: context.pageMeta(
                                title: text["search_results"] ?? "", description: "", path: "search/",
                                indexable: false))))
        jobs.append(PageJob(path: "orders/lookup/index.html", template: "lookup",
                            values: context.with([:], page: context.pageMeta(
                                title: text["order_lookup"] ?? "", description: "", path: "orders/lookup/",
                                indexable: false))))
        if context.settings.offersSubscriptions {
            // The buyer's 정기배송 manage page: the token comes in the URL fragment, so no server ever logs it.
            jobs.append(PageJob(path: "subscription/index.html", template: "subscription",
                                values: context.with([:], page: context.pageMeta(
                                    title: text["subscription_manage"] ?? "", description: "", path: "subscription/",
                                    indexable: false))))
        }
        jobs.append(PageJob(path: "404.html", template: "404",
                            values: context.with([:], page: context.pageMeta(
                                title: text["not_found_title"] ?? "", description: "", path: "404.html",
                                indexable: false))))
        return jobs
    }

    /// Tags in a stable order, each with its products; tags that differ only in case or spacing share a page.
    /// With `only`, just the groups of those tag slugs.
    func tagGroups(only: Set<String>? = nil) -> [(tag: String, products: [ProductSource])] {
        var order: [String] = []
        var bySlug: [String: (tag: String, products: [ProductSource])] = [:]
        // A shop has few tags and many products that carry them: each tag's slug, and whether its page is wanted,
        // found once (hashing a Korean string normalizes it; three lookups per tag were ~9 ms of a serve edit).
        var slugs: [String: (slug: String, wanted: Bool)] = [:]
        for product in shop.products {
            for tag in product.tags {
                let known = slugs[tag] ?? {
                    let slug = Slug.make(from: tag)
                    let made = (slug: slug, wanted: !slug.isEmpty && only?.contains(slug) != false)
                    slugs[tag] = made
                    return made
                }()
                guard known.wanted else { continue }
                let slug = known.slug
                if bySlug[slug] == nil {
                    order.append(slug)
                    bySlug[slug] = (tag, [])
                }
                if bySlug[slug]?.products.last?.slug != product.slug { bySlug[slug]?.products.append(product) }
            }
        }
        return order.sorted().compactMap { bySlug[$0] }
    }

    /// Each product's card (title, price, image) for list pages, made once, in parallel; with `changed` (an
    /// incremental edit), only those products' cards are made and the rest taken from `memo`.
    func productCards(changed: Set<String>? = nil, memo: RenderMemo = RenderMemo()) -> [String: [String: Any]] {
        let kept = changed == nil ? [:] : memo.cards
        let products = shop.products.filter { kept[$0.slug] == nil || changed?.contains($0.slug) != false }
        let context = self.context
        let theme = self.theme
        let slots = ResultSlots<CardBox>(count: products.count)
        DispatchQueue.concurrentPerform(iterations: products.count) { index in
            slots[index] = CardBox(values: RenderedCard.adding(to: context.card(products[index]), theme: theme,
                                                              context: context))
        }
        var cards = kept
        for (product, card) in zip(products, slots.values) { cards[product.slug] = card.values }
        memo.cards = cards
        return cards
    }

    /// A card's values crossing the parallel loop (built there, only read afterwards).
    struct CardBox: @unchecked Sendable {
        var values: [String: Any]
    }

    /// A card's `html`: `partials/product-card` rendered with `site`, `i18n` and the card's values, on first use
    /// and once — the same card is on the home page, its category's and each of its tags' pages, and the default
    /// theme's lists show `{{{html}}}` instead of rendering the partial again on each (a third of a 10,000-product
    /// build's rendering). A theme that never asks for it never pays for it.
    final class RenderedCard: MustacheCustomRenderable, @unchecked Sendable {
        private let make: () -> String
        private let lock = NSLock()
        private var made: String?

        init(_ make: @escaping () -> String) { self.make = make }

        /// Rendered under the lock: two list pages showing the card at once wait for one rendering.
        var renderText: String {
            lock.withLock {
                if let made { return made }
                let html = make()
                made = html
                return html
            }
        }

        var isNull: Bool { false }

        /// `card` with its `html`. The rendering keeps only the card's values with `site` and `i18n`, not the
        /// whole context: `gage serve` carries unchanged cards from one edit's build to the next.
        static func adding(to card: [String: Any], theme: Theme, context: SiteContext) -> [String: Any] {
            var card = card
            let values = context.with(card)
            card["html"] = RenderedCard { theme.render(values, template: "partials/product-card") }
            return card
        }
    }

    /// A paginated list: `folder/index.html`, `folder/page/2/index.html`, …
    /// With `showing`, only the pages that show one of those products.
    func listJobs(slugs products: [String], cards: [String: [String: Any]], folder: String, title: String,
                  heading: String, description: String, template: String, showing: Set<String>? = nil) -> [PageJob] {
        let size = shop.settings.paginate
        let pageCount = max(1, (products.count + size - 1) / size)
        let encodedFolder = folder.split(separator: "/").map { URLPath.encode(String($0)) }
            .map { $0 + "/" }.joined()
        func relative(_ number: Int) -> String { number == 1 ? encodedFolder : encodedFolder + "page/\(number)/" }
        let context = self.context
        let theme = self.theme
        var jobs: [PageJob] = []
        for number in 1...pageCount {
            let slice = products.dropFirst((number - 1) * size).prefix(size)
            if let showing, !slice.contains(where: showing.contains) { continue }
            var pagination: [String: Any] = [
                "show": pageCount > 1, "current": number, "count": pageCount,
                "previous_url": number > 1 ? context.path(relative(number - 1)) : false,
                "next_url": number < pageCount ? context.path(relative(number + 1)) : false,
            ]
            pagination["pages"] = Self.pagerWindow(current: number, count: pageCount).map { n -> [String: Any] in
                guard let n else { return ["gap": true, "current": false] }
                return ["number": n, "url": context.path(relative(n)), "current": n == number, "gap": false]
            }
            let slugs = Array(slice)
            // The first row or two is on screen as the page opens: those photos load at once, the rest lazily.
            let eager = Set(slugs.prefix(Self.eagerCards))
            let pageTitle = number == 1 ? title : "\(title) (\(number)/\(pageCount))"
            let meta = context.pageMeta(title: pageTitle, description: description, path: relative(number))
            jobs.append(PageJob(path: (number == 1 ? folder : folder + "page/\(number)/") + "index.html",
                                template: template) {
                let list: [String: Any] = [
                    "title": heading, "description": description.isEmpty ? false : description,
                    "products": slugs.compactMap { slug in
                        guard eager.contains(slug) else { return cards[slug] }
                        return cards[slug].map { card in
                            var card = card
                            card["eager"] = true
                            card["html"] = nil
                            return RenderedCard.adding(to: card, theme: theme, context: context)
                        }
                    },
                    "is_empty": slugs.isEmpty, "pagination": pagination,
                ]
                return context.with(["list": list], page: meta)
            })
        }
        return jobs
    }

    /// Cards whose photos are not loaded lazily: two rows on a phone, one on a desktop.
    static let eagerCards = 4

    /// The page numbers a pager shows: the first, the last, and two either side of the current one; nil marks
    /// a gap (…). Listing all 200 pages of a large shop on each of them is neither readable nor cheap.
    static func pagerWindow(current: Int, count: Int) -> [Int?] {
        let shown = Set([1, count] + Array(max(1, current - 2)...min(count, current + 2)))
        var window: [Int?] = []
        for number in shown.sorted() {
            if let last = window.last ?? nil, number > last + 1 { window.append(nil) }
            window.append(number)
        }
        return window
    }

    // MARK: - Data files

    /// catalog.json's text; with `encodings` (`gage serve`), products unchanged since the last build are not
    /// encoded again.
    func catalogJSON(_ encodings: CatalogEncodings? = nil) -> String {
        if let encodings { return encodings.encode(shop.catalog, style: .pretty) + "\n" }
        return String(decoding: (try? CatalogEncodings.encoder(.pretty).encode(shop.catalog)) ?? Data(), as: UTF8.self) + "\n"
    }

    func sitemap() -> String {
        var urls = [""]
        urls += shop.products.map { SiteContext.productPath($0.slug) }
        urls += shop.categories.map { SiteContext.categoryPath($0.slug) }
        urls += tagGroups().map { SiteContext.tagPath($0.tag) }
        urls += shop.pages.map { URLPath.encode($0.slug) + "/" }
        var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        xml += "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n"
        for url in urls {
            xml += "  <url><loc>\(XMLText.escape(context.absolute(url)))</loc></url>\n"
        }
        return xml + "</urlset>\n"
    }

    func robots() -> String {
        let base = shop.settings.basePath
        return "User-agent: *\nDisallow: \(base)cart/\nDisallow: \(base)checkout/\n\nSitemap: \(context.absolute("sitemap.xml"))\n"
    }

    /// `static/` as it is, each bundle's images beside its product page, and the photos' variants beside
    /// their sources. A bundle photo that has variants is not published itself: pages show only the variants,
    /// and a phone's original is megabytes with the camera's metadata (often where it was taken) inside.
    func copiedFiles() -> [OutputFile] {
        var files: [OutputFile] = []
        let staticRoot = shop.root + "/static"
        files += FileTree.files(under: staticRoot, includingHidden: true).map { OutputFile(path: $0, content: .copy(from: staticRoot + "/" + $0)) }
        for product in shop.products where product.bundleFolder != nil {
            for image in product.images where !image.hasPrefix("/") && !SiteContext.isRemote(image)
                && context.photos.photo(image, of: product)?.variants.isEmpty != false {
                files.append(OutputFile(path: SiteContext.outputPath(of: image, of: product),
                                        content: .copy(from: shop.root + "/" + ShopLoader.imagePath(image, of: product).path)))
            }
        }
        return files + context.photos.outputFiles(for: shop)
    }
}

