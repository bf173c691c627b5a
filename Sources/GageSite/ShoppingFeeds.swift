import Foundation
import GageCatalog
import GageCore

/// The shopping-search feeds `build` writes with `feeds:` on: `feeds/naver.tsv` (Naver Shopping EP 3.0) and
/// `feeds/google.xml` (Google Merchant Center, RSS 2.0 with the `g:` namespace). Drafts are never listed.
struct ShoppingFeeds {
    let shop: Shop
    let context: SiteContext

    private var products: [ProductSource] {
        shop.products.filter { !$0.draft && FeedRules.exclusion(of: $0, feeds: shop.settings.feeds) == nil }
    }

    /// The delivery fee for buying one unit, as both feeds ask for it.
    private func shippingFee(_ product: ProductSource) -> Int {
        let rule = shop.settings.checkout.shipping
        if let freeOver = rule.freeOver, product.price >= freeOver { return 0 }
        return rule.fee
    }

    private func categoryTitle(_ product: ProductSource) -> String {
        product.category.flatMap { slug in shop.categories.first { $0.slug == slug }?.title }
            ?? context.text["all_products"] ?? shop.settings.title
    }

    private func pageURL(_ product: ProductSource) -> String { context.absolute(SiteContext.productPath(product.slug)) }

    private func imageURLs(_ product: ProductSource) -> [String] {
        product.images.map { context.shareURL($0, of: product) }
    }

    // MARK: - Naver Shopping EP 3.0

    static let naverColumns = ["id", "title", "price_pc", "normal_price", "link", "image_link", "add_image_link",
                               "category_name1", "adult", "search_tag", "shipping"]

    /// Header row, then one line per product on sale (a full EP lists what can be bought: sold-out products
    /// are left out). Values never contain a tab or a line break.
    func naverTSV() -> String {
        var lines = [Self.naverColumns.joined(separator: "\t")]
        for product in products where !product.isSoldOut {
            guard let id = FeedRules.naverID(for: product.sku) else { continue }
            let images = imageURLs(product)
            let tags = product.tags.map { $0.replacingOccurrences(of: "|", with: " ") }.prefix(10)
            let title = String(Self.tsvValue(product.title).prefix(100))
            let category = String(Self.tsvValue(categoryTitle(product)).prefix(50))
            let searchTags = String(Self.tsvValue(tags.joined(separator: "|")).prefix(100))
            let extraImages = images.dropFirst().prefix(10).joined(separator: "|")
            // A sale on at build time is the price (Naver's price_pc is what the buyer pays), the regular price the
            // normal_price; the feed is as of the build, like the pages.
            var price = product.price
            var normal = product.compareAt
            if let (sale, on) = context.activeSale(product), on {
                price = sale.price
                normal = max(product.compareAt ?? 0, product.price)
            }
            var row: [String] = [id, title, String(price), normal.map { String($0) } ?? ""]
            row += [pageURL(product), images[0], extraImages, category]
            row += [product.adultOnly ? "Y" : "", searchTags, String(shippingFee(product))]
            lines.append(row.map(Self.tsvValue).joined(separator: "\t"))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// One TSV cell: tabs, line breaks and other control characters become spaces, runs of spaces one.
    static func tsvValue(_ text: String) -> String {
        let spaced = String(text.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? " " : Character($0) })
        return spaced.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
    }

    // MARK: - Google Merchant Center RSS 2.0

    /// Every published product (Google removes what a feed stops listing), with its availability.
    func googleRSS() -> String {
        let settings = shop.settings
        let brand = settings.business.name ?? settings.title
        var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        xml += "<rss version=\"2.0\" xmlns:g=\"http://base.google.com/ns/1.0\">\n<channel>\n"
        xml += "<title>\(XMLText.escape(settings.title))</title>\n"
        xml += "<link>\(XMLText.escape(settings.baseURL))</link>\n"
        xml += "<description>\(XMLText.escape(settings.description ?? settings.title))</description>\n"
        for product in products {
            let images = imageURLs(product)
            let description = MarkdownRenderer.plainText(product.body, limit: 5000)
            var fields: [(String, String)] = [
                ("g:id", product.sku),
                ("title", String(product.title.prefix(150))),
                ("link", pageURL(product)),
                ("description", description.isEmpty ? (product.summary ?? product.title) : description),
                ("g:image_link", images[0]),
            ]
            fields += images.dropFirst().prefix(10).map { ("g:additional_image_link", $0) }
            fields.append(("g:availability", product.isSoldOut ? "out_of_stock" : "in_stock"))
            if let (sale, _) = context.activeSale(product) {
                // Google takes a sale before it starts: the price with its effective dates.
                fields.append(("g:price", "\(max(product.compareAt ?? 0, product.price)) KRW"))
                fields.append(("g:sale_price", "\(sale.price) KRW"))
                let start = sale.from ?? Int(Date().timeIntervalSince1970)
                if let until = sale.until {
                    fields.append(("g:sale_price_effective_date", KoreanTime.iso8601(start) + "/" + KoreanTime.iso8601(until)))
                }
            } else if let compareAt = product.compareAt {
                fields.append(("g:price", "\(compareAt) KRW"))
                fields.append(("g:sale_price", "\(product.price) KRW"))
            } else {
                fields.append(("g:price", "\(product.price) KRW"))
            }
            fields += [("g:condition", "new"), ("g:brand", brand), ("g:identifier_exists", "no"),
                       ("g:product_type", categoryTitle(product))]
            if product.adultOnly { fields.append(("g:adult", "yes")) }
            xml += "<item>\n"
            for (name, value) in fields { xml += "  <\(name)>\(XMLText.escape(value))</\(name)>\n" }
            xml += "  <g:shipping><g:country>KR</g:country><g:price>\(shippingFee(product)) KRW</g:price></g:shipping>\n"
            xml += "</item>\n"
        }
        return xml + "</channel>\n</rss>\n"
    }
}
