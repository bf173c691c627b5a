import Dispatch
import Foundation
import GageCore

/// Settings that replace shop.yml's for one build.
public struct SettingsOverrides: Sendable {
    public var baseURL: String?
    public var sdkURL: String?
    public var verifyURL: String?
    /// The address-search script (`gage serve --sandbox`: an offline stand-in of Kakao's).
    public var postcodeURL: String?

    public init(baseURL: String? = nil, sdkURL: String? = nil, verifyURL: String? = nil, postcodeURL: String? = nil) {
        self.baseURL = baseURL
        self.sdkURL = sdkURL
        self.verifyURL = verifyURL
        self.postcodeURL = postcodeURL
    }

    func apply(_ settings: ShopSettings) -> ShopSettings {
        var settings = settings
        if let baseURL { settings.baseURL = baseURL.hasSuffix("/") ? baseURL : baseURL + "/" }
        if let sdkURL {
            // The sandbox's stand-in for whichever SDK the shop loads.
            if settings.portone != nil { settings.portone?.sdkURL = sdkURL.replacingOccurrences(of: "iamport.js", with: "portone.js") }
            else { settings.iamport.sdkURL = sdkURL }
        }
        if let verifyURL { settings.checkout.verifyURL = verifyURL }
        if let postcodeURL { settings.postcodeURL = postcodeURL }
        return settings
    }
}

/// A shop's source folder, read and validated: the input of every build (SPEC §1).
public struct Shop: Sendable {
    /// The source folder (absolute path).
    public var root: String
    public var settings: ShopSettings
    /// Published products in list order (weight, then title); drafts only with `includeDrafts`.
    public var products: [ProductSource]
    public var pages: [PageSource]
    /// Declared categories in shop.yml's order, then those products name without declaring them (by slug),
    /// titled with their slug.
    public var categories: [ShopSettings.Category]
    /// The price manifest, written as `catalog.json`. Never contains drafts.
    public var catalog: Catalog
    /// Problems that do not stop the build (`gage check` and `gage build` print them).
    public var warnings: [Diagnostic] = []

    /// The shipping, exchange and refund page (배송·교환·환불 안내) the 청약철회 notice links to: the first page whose
    /// address says so (`shipping`, `returns`, `refund`, `배송`, `환불`, …).
    public var returnsPage: PageSource? { ShopLoader.returnsPage(among: pages) }
}

public enum ShopLoader {
    /// Reads and validates everything under `root`. Throws every problem found at once.
    /// `overrides` replace settings from shop.yml (as `gage serve` does with its local address and sandbox).
    /// `productFiles` (`gage serve`) keeps decoded product files between builds: a file whose size, time and inode
    /// are unchanged is not read or decoded again.
    public static func load(from root: String, includeDrafts: Bool = false,
                            overrides: SettingsOverrides = SettingsOverrides(),
                            productFiles: ProductFileCache? = nil,
                            catalogEncodings: CatalogEncodings? = nil) throws(BuildErrors) -> Shop {
        let root = URL(fileURLWithPath: root).standardizedFileURL.path
        var diagnostics: [Diagnostic] = []

        let settingsPath = root + "/shop.yml"
        var settings: ShopSettings?
        var warnings: [Diagnostic] = []
        if let text = try? String(contentsOfFile: settingsPath, encoding: .utf8) {
            let (parsed, problems, settingsWarnings) = ShopSettings.parseWithWarnings(text)
            settings = parsed.map(overrides.apply)
            diagnostics += problems
            warnings += settingsWarnings
        } else {
            diagnostics.append(Diagnostic(file: "shop.yml", line: nil, message: "missing or unreadable",
                                          hint: "run 'gage init' to create a shop, or create shop.yml with title and iamport.merchant_code"))
        }

        let (products, productProblems, productWarnings) = loadProducts(root: root, cache: productFiles)
        diagnostics += productProblems
        warnings += productWarnings
        let (pages, pageProblems) = loadPages(root: root)
        diagnostics += pageProblems

        if let settings {
            diagnostics += crossCheck(products, settings: settings, root: root)
            if settings.identity == nil, let adult = products.filter({ $0.adultOnly && !$0.draft }).min(by: { $0.file < $1.file }) {
                warnings.append(Diagnostic(
                    file: adult.file, line: lineOf(key: "adult_only", in: adult, root: root),
                    message: "adult_only products need identity verification, but shop.yml has no identity:",
                    hint: settings.portone != nil
                        ? "add identity: { channel_key: channel-key-… } (the 본인인증 channel) to shop.yml; until then nobody can buy them"
                        : "add identity: { pg: danal } (휴대폰 본인인증) to shop.yml; until then nobody can buy them"))
            }
            if !settings.offersSubscriptions,
               let offered = products.filter({ $0.subscription != nil && !$0.draft }).min(by: { $0.file < $1.file }) {
                diagnostics.append(Diagnostic(
                    file: offered.file, line: lineOf(key: "subscription", in: offered, root: root),
                    message: settings.portone != nil
                        ? "subscription: needs a channel that issues billing keys, but shop.yml's portone: has no billing_channel_key"
                        : "subscription: needs a PG that issues billing keys, but shop.yml's iamport: has no billing_pg",
                    hint: settings.portone != nil
                        ? "add billing_channel_key: channel-key-… (the 정기결제 channel from the PortOne console) under portone:"
                        : "add billing_pg: html5_inicis.INIBillTst (the billing MID from your PG contract) under iamport:"))
            }
        }
        if let settings { warnings += discountWarnings(settings, products: products) }
        guard diagnostics.isEmpty, let settings else { throw BuildErrors(diagnostics) }

        let sorted = (productFiles?.listOrder.order(of: products) ?? ListOrderMemo.sorted(products)).map { products[$0] }
        let published = includeDrafts ? sorted : sorted.filter { !$0.draft }
        let publishedPages = pages.filter { includeDrafts || !$0.draft }
            .sorted { ($0.weight ?? Int.max, $0.title, $0.slug) < ($1.weight ?? Int.max, $1.title, $1.slug) }
        let categories = categoriesInUse(published, declared: settings.categories)
        warnings += shopPageWarnings(products: products, published: published, pages: publishedPages,
                                     settings: settings, root: root)
        warnings += GoingLive.findings(settings: settings, products: published, root: root)
        let catalog = makeCatalog(includeDrafts ? sorted.filter { !$0.draft } : published, settings: settings,
                                  encodings: catalogEncodings)
        return Shop(root: root, settings: settings, products: published, pages: publishedPages,
                    categories: categories, catalog: catalog, warnings: warnings.sorted())
    }

    /// A discount naming a SKU or category no published product has gives nothing for it: likely a typo.
    static func discountWarnings(_ settings: ShopSettings, products: [ProductSource]) -> [Diagnostic] {
        let published = products.filter { !$0.draft }
        let skus = Set(published.map(\.sku))
        let categories = Set(published.compactMap(\.category))
        var warnings: [Diagnostic] = []
        for discount in settings.discounts {
            for sku in discount.products ?? [] where !skus.contains(sku) {
                warnings.append(Diagnostic(file: "shop.yml", line: discount.line,
                                           message: "discount \(discount.code) names product \(sku), which no product has",
                                           hint: Suggestion.closest(to: sku, among: Array(skus)).map { "did you mean '\($0)'?" }
                                               ?? "products: lists SKUs (sku: in a product's front matter)"))
            }
            for category in discount.categories ?? [] where !categories.contains(category) {
                warnings.append(Diagnostic(file: "shop.yml", line: discount.line,
                                           message: "discount \(discount.code) names category \(category), which no product is in",
                                           hint: Suggestion.closest(to: category, among: Array(categories)).map { "did you mean '\($0)'?" }
                                               ?? "categories: lists category slugs"))
            }
        }
        return warnings
    }

    /// Weight first (unweighted last), then title, then slug: a stable order independent of the file system.
    static func listOrder(_ a: ProductSource, _ b: ProductSource) -> Bool {
        let (a, b) = (a.storage, b.storage)
        let (weightA, weightB) = (a.fields.weight ?? Int.max, b.fields.weight ?? Int.max)
        if weightA != weightB { return weightA < weightB }
        if a.titleOrder != b.titleOrder { return a.titleOrder.lexicographicallyPrecedes(b.titleOrder) }
        return a.fields.slug < b.fields.slug
    }

    public static func makeCatalog(_ products: [ProductSource], settings: ShopSettings,
                                   encodings: CatalogEncodings? = nil) -> Catalog {
        var catalog = Catalog(
            shop: settings.shopID, baseURL: settings.baseURL, currency: settings.currency,
            orderPrefix: settings.orderPrefix, shipping: settings.checkout.shipping, payment: settings.paymentChannels,
            priceGraceMinutes: settings.checkout.priceGraceMinutes, vbankHours: settings.checkout.vbankHours,
            holdMinutes: settings.checkout.holdMinutes,
            identity: settings.identity, products: products.map { product in
                Catalog.Product(sku: product.sku, title: product.title, price: product.price,
                                url: settings.baseURL + "products/" + URLPath.encode(product.slug) + "/",
                                stock: product.stock,
                                maxQuantity: product.maxQuantity ?? settings.checkout.maxQuantity,
                                options: product.options, adultOnly: product.adultOnly,
                                subscription: product.subscription, sale: product.sale, taxFree: product.taxFree)
            })
        if !settings.discounts.isEmpty {
            let key = DiscountKey.forShop(settings.shopID)
            catalog.discountKey = key
            catalog.discounts = settings.discounts.map { setting in
                setting.rule(key: key) { category in products.filter { $0.category == category }.map(\.sku) }
            }
        }
        catalog.version = catalog.pricedContentHash(using: encodings)
        return catalog
    }

    // MARK: - Reading files

    private struct ContentFile {
        var slug: String
        var relativePath: String
        var bundleFolder: String?
    }

    private static func loadProducts(root: String,
                                     cache: ProductFileCache?) -> ([ProductSource], [Diagnostic], warnings: [Diagnostic]) {
        let fileManager = FileManager.default
        let folder = "content/products"
        guard let names = try? fileManager.contentsOfDirectory(atPath: root + "/" + folder) else { return ([], [], []) }
        // One stat per entry, across the cores: whether it is a bundle, and the stamp the cache knows it by.
        let entries = names.filter { !$0.hasPrefix(".") }.sorted()
        let listed = ResultSlots<(file: ContentFile?, stamp: ProductFileCache.Stamp?, problem: Diagnostic?)>(count: entries.count)
        // Relative to the open folder: the kernel resolves one name per file instead of the whole path.
        let directory = open(root + "/" + folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard directory >= 0 else { return ([], [], []) }
        defer { close(directory) }
        DispatchQueue.concurrentPerform(iterations: entries.count) { index in
            let name = entries[index]
            var info = stat()
            guard fstatat(directory, name, &info, 0) == 0 else { return }
            if info.st_mode & S_IFMT == S_IFDIR {
                let indexFile = "\(folder)/\(name)/index.md"
                var indexInfo = stat()
                if fstatat(directory, name + "/index.md", &indexInfo, 0) == 0 {
                    listed[index] = (ContentFile(slug: name, relativePath: indexFile, bundleFolder: "\(folder)/\(name)"),
                                     ProductFileCache.Stamp(indexInfo), nil)
                } else {
                    listed[index] = (nil, nil, Diagnostic(file: "\(folder)/\(name)", line: nil,
                                                          message: "product folder has no index.md",
                                                          hint: "a product bundle is <slug>/index.md with its images beside it"))
                }
            } else if name.hasSuffix(".md") {
                listed[index] = (ContentFile(slug: String(name.dropLast(3)), relativePath: "\(folder)/\(name)"),
                                 ProductFileCache.Stamp(info), nil)
            }
        }
        var files: [ContentFile] = []
        var fileStamps: [ProductFileCache.Stamp?] = []
        var problems: [Diagnostic] = []
        for entry in listed.values {
            if let file = entry.file {
                files.append(file)
                fileStamps.append(entry.stamp)
            }
            if let problem = entry.problem { problems.append(problem) }
        }
        // Decoding is independent per file: spread it over the cores.
        let found = files, stamps = fileStamps
        let results = ResultSlots<(ProductSource?, [Diagnostic], [Diagnostic])>(count: found.count)
        let decoded = ResultSlots<Bool>(count: found.count)
        DispatchQueue.concurrentPerform(iterations: found.count) { index in
            let file = found[index]
            if let stamp = stamps[index], let known = cache?.entry(file.relativePath, stamp: stamp, bundleFolder: file.bundleFolder) {
                results[index] = known
                return
            }
            decoded[index] = true
            let log = DiagnosticLog(file: file.relativePath)
            guard let text = readText(root + "/" + file.relativePath, file: file.relativePath, log: log) else {
                results[index] = (nil, log.diagnostics, [])
                return
            }
            let product = ProductSource.decode(text, slug: file.slug, file: file.relativePath,
                                               bundleFolder: file.bundleFolder, log: log)
            if !Slug.isValid(file.slug) {
                log.error(line: nil, "the file name '\(file.slug)' cannot be a page address",
                          hint: "rename it with lower-case letters, digits and '-', e.g. \(Slug.make(from: file.slug)).md")
            }
            results[index] = (product, log.diagnostics, log.warnings)
        }
        if let cache {
            func entries(_ indices: some Sequence<Int>) -> [(String, ProductFileCache.Entry)] {
                indices.compactMap { index in
                    guard let stamp = stamps[index], let result = results[index] else { return nil }
                    return (found[index].relativePath,
                            ProductFileCache.Entry(stamp: stamp, bundleFolder: found[index].bundleFolder, result: result))
                }
            }
            if !cache.update(decoded: entries(found.indices.filter { decoded[$0] == true }), fileCount: found.count) {
                cache.replace(entries(found.indices))
            }
        }
        var products: [ProductSource] = []
        products.reserveCapacity(found.count)
        var warnings: [Diagnostic] = []
        for index in found.indices {
            guard let (product, diagnostics, productWarnings) = results[index] else { continue }
            if let product { products.append(product) }
            if !diagnostics.isEmpty { problems += diagnostics }
            if !productWarnings.isEmpty { warnings += productWarnings }
        }
        return (products, problems, warnings)
    }

    private static func loadPages(root: String) -> ([PageSource], [Diagnostic]) {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: root + "/content") else {
            return ([], [Diagnostic(file: "content", line: nil, message: "missing",
                                    hint: "create content/products/ with one Markdown file per product")])
        }
        var pages: [PageSource] = []
        var problems: [Diagnostic] = []
        for name in names.sorted() where name.hasSuffix(".md") && !name.hasPrefix(".") {
            let file = "content/\(name)"
            let slug = String(name.dropLast(3))
            let log = DiagnosticLog(file: file)
            if let text = readText(root + "/" + file, file: file, log: log),
               let page = PageSource.decode(text, slug: slug, file: file, log: log) {
                if reservedPageSlugs.contains(slug) {
                    log.error(line: nil, "the page name '\(slug)' is taken by the shop's own pages",
                              hint: "rename the file (reserved: \(reservedPageSlugs.sorted().joined(separator: ", ")))")
                } else if !Slug.isValid(slug) {
                    log.error(line: nil, "the file name '\(slug)' cannot be a page address",
                              hint: "rename it with lower-case letters, digits and '-', e.g. \(Slug.make(from: slug)).md")
                }
                pages.append(page)
            }
            problems += log.diagnostics
        }
        return (pages, problems)
    }

    /// Output folders the shop itself writes; a page may not take their names.
    static let reservedPageSlugs: Set<String> = ["products", "categories", "tags", "cart", "checkout", "page",
                                                "assets", "index", "404", "sitemap", "catalog", "search", "feeds", "orders"]

    private static func readText(_ path: String, file: String, log: DiagnosticLog) -> String? {
        guard let data = FileManager.default.contents(atPath: path) else {
            log.error(line: nil, "cannot be read", hint: "check the file's permissions")
            return nil
        }
        guard let text = String(data: data, encoding: .utf8) else {
            log.error(line: nil, "is not UTF-8 text", hint: "save it as UTF-8")
            return nil
        }
        return text
    }

    // MARK: - Checks across files

    private static func crossCheck(_ products: [ProductSource], settings: ShopSettings, root: String) -> [Diagnostic] {
        var problems: [Diagnostic] = []
        var firstFileBySKU: [String: String] = [:]
        firstFileBySKU.reserveCapacity(products.count)
        var categoryIsUsable: [String: Bool] = [:]   // thousands of products share a few categories
        for product in products.sorted(by: { $0.file < $1.file }) {
            if let other = firstFileBySKU[product.sku] {
                problems.append(Diagnostic(file: product.file, line: nil,
                                           message: "SKU '\(product.sku)' is also used by \(other)",
                                           hint: "every product needs its own sku:"))
            } else {
                firstFileBySKU[product.sku] = product.file
            }
            if let category = product.category, !(categoryIsUsable[category] ?? {
                let usable = settings.category(slug: category) != nil || Slug.isValid(category)
                categoryIsUsable[category] = usable
                return usable
            }()) {
                problems.append(Diagnostic(file: product.file, line: lineOf(key: "category", in: product, root: root),
                                           message: "category '\(category)' cannot be part of a page address",
                                           hint: "write category: \(Slug.make(from: category)) (lower-case letters, digits and '-'), "
                                               + "and give it a title under shop.yml's categories:"))
            }
            for image in product.images where !image.hasPrefix("http://") && !image.hasPrefix("https://") {
                let (path, place) = imagePath(image, of: product)
                if !FileManager.default.fileExists(atPath: root + "/" + path) {
                    problems.append(Diagnostic(file: product.file, line: lineOf(key: "images", in: product, root: root),
                                               message: "image '\(image)' does not exist (looked for \(path))",
                                               hint: "put the file \(place), or fix the name"))
                }
            }
        }
        // The first two files of each slug defined more than once (not a list per slug: 10,000 arrays per edit).
        var firstFileBySlug: [String: String] = [:]
        firstFileBySlug.reserveCapacity(products.count)
        var twins: [String: (first: String, second: String)] = [:]
        for product in products {
            if let first = firstFileBySlug[product.slug] {
                if twins[product.slug] == nil { twins[product.slug] = (first, product.file) }
            } else {
                firstFileBySlug[product.slug] = product.file
            }
        }
        for (slug, files) in twins.sorted(by: { $0.key < $1.key }) {
            problems.append(Diagnostic(file: files.second, line: nil,
                                       message: "product '\(slug)' is also defined by \(files.first)",
                                       hint: "keep either \(slug).md or \(slug)/index.md"))
        }
        return problems
    }

    /// What the built pages will lack that the author should hear of: products the feeds must leave out, no
    /// refund page for the 청약철회 notice, and likely category typos.
    private static func shopPageWarnings(products: [ProductSource], published: [ProductSource], pages: [PageSource],
                                         settings: ShopSettings, root: String) -> [Diagnostic] {
        var warnings: [Diagnostic] = []
        for product in published where !product.draft {
            if let reason = FeedRules.exclusion(of: product, feeds: settings.feeds) {
                warnings.append(Diagnostic(file: product.file, line: lineOf(key: reason.key, in: product, root: root),
                                           message: reason.message, hint: reason.hint))
            }
        }
        if !published.isEmpty, returnsPage(among: pages) == nil {
            warnings.append(Diagnostic(
                file: "content", line: nil,
                message: "no shipping and refund page for the 청약철회 notice to link to",
                hint: "add content/shipping.md (배송·교환·환불 안내): shipping fees, how to return, and what cannot be returned"))
        }
        return warnings + categoryNearMisses(products, declared: settings.categories, root: root)
    }

    static let returnsPageWords = ["shipping", "delivery", "return", "refund", "exchange", "배송", "반품", "환불", "교환"]

    static func returnsPage(among pages: [PageSource]) -> PageSource? {
        pages.first { page in returnsPageWords.contains { page.slug.contains($0) } }
    }

    /// Declared categories first, in shop.yml's order; then each category only products name, by slug.
    static func categoriesInUse(_ products: [ProductSource], declared: [ShopSettings.Category]) -> [ShopSettings.Category] {
        let declaredSlugs = Set(declared.map(\.slug))
        let undeclared = Set(products.compactMap(\.category)).subtracting(declaredSlugs)
        return declared + undeclared.sorted().map { ShopSettings.Category(slug: $0, title: $0, description: nil) }
    }

    /// A category named by one product only and a small edit away from another category is most likely a typo
    /// (`cofee` for `coffee`): warn, since a new category is also a legitimate thing to write.
    static func categoryNearMisses(_ products: [ProductSource], declared: [ShopSettings.Category],
                                   root: String) -> [Diagnostic] {
        let uses = Dictionary(grouping: products.filter { $0.category != nil }, by: { $0.category! })
        let known = Set(declared.map(\.slug)).union(uses.keys)
        var warnings: [Diagnostic] = []
        for (category, users) in uses where users.count == 1 && !declared.contains(where: { $0.slug == category }) {
            let others = known.subtracting([category]).sorted()
            guard let guess = Suggestion.closest(to: category, among: others) else { continue }
            let product = users[0]
            warnings.append(Diagnostic(file: product.file, line: lineOf(key: "category", in: product, root: root),
                                       message: "category '\(category)' is used by this product only",
                                       hint: "did you mean '\(guess)'? (if it is a new category, add it to shop.yml's categories: to silence this)"))
        }
        return warnings
    }

    /// Where a product's image lives in the source: beside a bundle's index.md, else under static/.
    public static func imagePath(_ image: String, of product: ProductSource) -> (path: String, place: String) {
        if let bundle = product.bundleFolder, !image.hasPrefix("/") {
            return ("\(bundle)/\(image)", "beside \(bundle)/index.md")
        }
        let trimmed = image.hasPrefix("/") ? String(image.dropFirst()) : image
        return ("static/\(trimmed)", "under static/")
    }

    /// The line a top-level key is written on (for problems found after decoding).
    public static func lineOf(key: String, in product: ProductSource, root: String) -> Int? {
        guard let text = try? String(contentsOfFile: root + "/" + product.file, encoding: .utf8) else { return nil }
        var number = 0
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            number += 1
            if line.hasPrefix(key + ":") { return number }
        }
        return nil
    }
}

/// Percent-encoding for one path segment (slugs may be Korean).
public enum URLPath {
    /// A path segment with every byte but RFC 3986's unreserved ones (ASCII letters and digits, `-_.~`) written
    /// as `%XX`. Byte by byte: asking Unicode properties per byte was ~4 ms of each `gage serve` edit.
    public static func encode(_ segment: String) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(segment.utf8.count)
        for byte in segment.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."),
                 UInt8(ascii: "~"):
                bytes.append(byte)
            default:
                bytes += [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]]
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

