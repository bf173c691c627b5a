import Dispatch
import Foundation
import GageCore
import GageCatalog

/// `search.json`: what the search box on every page searches, written by `build` so search works from any
/// static host with no server. One compact row per published product —
/// `[title, url, price, summary, tags, description]`, the url relative to the shop's root — in list order.
/// The matching itself (Korean inside words, 초성) is in gage.js.
enum SearchIndex {
    /// Characters of each description kept: enough for the words a buyer searches by, small enough that a
    /// 1,000-product index stays a few hundred KB before compression (see README, "Search").
    static let descriptionLimit = 200

    struct Index: Encodable {
        var products: [[String]]
        var version = 1
    }

    static func json(for shop: Shop, context: SiteContext) -> String {
        let products = shop.products
        // Rows are independent (the description's Markdown parse is the costly part): made across the cores.
        let rows = ResultSlots<[String]>(count: products.count)
        DispatchQueue.concurrentPerform(iterations: products.count) { index in
            let product = products[index]
            rows[index] = [
                product.title,
                SiteContext.productPath(product.slug),
                context.money.format(product.price),
                product.summary ?? "",
                product.tags.joined(separator: " "),
                MarkdownRenderer.plainText(product.body, limit: descriptionLimit),
            ]
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(Index(products: rows.values))) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}
