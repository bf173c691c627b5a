import Foundation
import GageCatalog

/// `search.json`: what the search box on every page searches, written by `build` so search works from any
/// static host with no server. One compact row per published product —
/// `[title, url, price, summary, tags, description]`, the url relative to the shop's root — in list order.
/// The matching itself (Korean inside words, 초성) is in gage.js.
enum SearchIndex {
    /// Characters of each description kept: enough for the words a buyer searches by, small enough that a
    /// 1,000-product index stays a few hundred KB before compression (see README, "Search").
    static let descriptionLimit = 200

    static func json(for shop: Shop, context: SiteContext) -> String {
        let rows: [[String]] = shop.products.map { product in
            [
                product.title,
                SiteContext.productPath(product.slug),
                context.money.format(product.price),
                product.summary ?? "",
                product.tags.joined(separator: " "),
                MarkdownRenderer.plainText(product.body, limit: descriptionLimit),
            ]
        }
        let value: [String: Any] = ["version": 1, "products": rows]
        let data = (try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .withoutEscapingSlashes]))
            ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}
