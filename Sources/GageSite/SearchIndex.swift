import Dispatch
import Foundation
import GageCore
import GageCatalog

/// `search.json`: what the search box on every page searches, written by `build` so search works from any
/// static host with no server. One compact row per published product —
/// `[title, url, price, summary, tags, description]`, the url relative to the shop's root — in list order.
/// The matching itself (Korean inside words, 초성) is in gage.js.
public enum SearchIndex {
    /// Characters of each description kept: enough for the words a buyer searches by, small enough that a
    /// 1,000-product index stays a few hundred KB before compression (see README, "Search").
    static let descriptionLimit = 200

    /// Each product's row as encoded JSON, by slug, kept between builds by `gage serve`.
    public final class Rows: @unchecked Sendable {
        var encoded: [String: String] = [:]
        public init() {}
    }

    /// The index. Rows of products not in `changed` are taken from `rows` when it has them (nil: none changed
    /// is known, make every row); the file is the same bytes either way.
    static func json(for shop: Shop, context: SiteContext, rows: Rows = Rows(), changed: Set<String>? = nil) -> String {
        let products = shop.products
        let known = rows.encoded
        // Rows are independent (the description's Markdown parse is the costly part): made across the cores.
        let slots = ResultSlots<String>(count: products.count)
        DispatchQueue.concurrentPerform(iterations: products.count) { index in
            let product = products[index]
            if let changed, !changed.contains(product.slug), let row = known[product.slug] {
                slots[index] = row
                return
            }
            let row = [
                product.title,
                SiteContext.productPath(product.slug),
                context.money.format(product.price),
                product.summary ?? "",
                product.tags.joined(separator: " "),
                MarkdownRenderer.plainText(product.body, limit: descriptionLimit),
            ]
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.withoutEscapingSlashes]
            slots[index] = String(decoding: (try? encoder.encode(row)) ?? Data("[]".utf8), as: UTF8.self)
        }
        let encoded = slots.values
        rows.encoded = Dictionary(zip(products.map(\.slug), encoded), uniquingKeysWith: { _, last in last })
        // The object's keys in sorted order, as a sorted-keys encoder writes them; each row is JSONEncoder's.
        return "{\"products\":[" + encoded.joined(separator: ",") + "],\"version\":1}\n"
    }
}
