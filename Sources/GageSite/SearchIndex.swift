import Dispatch
import Foundation
import GageCore
import GageCatalog

/// `search.json`: what the search box on every page searches, written by `build` so search works from any
/// static host with no server. One compact row per published product —
/// `[title, url, price, summary, tags, description, keywords]`, the url relative to the shop's root — in list
/// order. `keywords` are the words a product is filed under without saying them: its category's title and slug
/// and its own slug as words (`커피 원두 coffee ethiopia yirgacheffe`), so 커피 finds every coffee and English
/// words find products whose address is English.
/// The matching itself (Korean inside words, 초성) is in the theme's assets/js/search.js.
public enum SearchIndex {
    /// Characters of each description kept: enough for the words a buyer searches by, small enough that a
    /// 1,000-product index stays a few hundred KB before compression (see docs/shop.md, "Search").
    static let descriptionLimit = 200

    /// Each product's part of the index, by slug, kept between builds by `gage serve`.
    public final class Rows: @unchecked Sendable {
        var encoded: [String: Row] = [:]
        let shards = SearchShards.Memo()
        public init() {}
    }

    /// One product's row of `search.json` (encoded), what a hit shows (`[title, url, price, summary]`, encoded)
    /// and its postings in the sharded index (SearchShards).
    struct Row: Sendable {
        let json: String
        let display: String
        let postings: [SearchShards.Posting]
    }

    /// The category's title and slug and the product's slug, as words.
    static func keywords(_ product: ProductSource, categories: [ShopSettings.Category]) -> String {
        var words: [String] = []
        if let slug = product.category {
            if let title = categories.first(where: { $0.slug == slug })?.title { words.append(title) }
            words.append(slug)
        }
        words.append(product.slug)
        return words.joined(separator: " ").replacingOccurrences(of: "-", with: " ").replacingOccurrences(of: "_", with: " ")
    }

    /// `search.json` and the sharded index (`search-index/`, see SearchShards). Rows of products not in
    /// `changed` are taken from `rows` when it has them (nil: none changed is known, make every row); the files
    /// are the same bytes either way.
    static func files(for shop: Shop, context: SiteContext, rows: Rows = Rows(), changed: Set<String>? = nil) -> [OutputFile] {
        let products = shop.products
        // Taken out while in use, so that updating it in place does not copy 10,000 rows.
        var kept = rows.encoded
        rows.encoded = [:]
        // Rows are independent (the description's Markdown parse is the costly part): made across the cores.
        let slots = ResultSlots<(row: Row, made: Bool)>(count: products.count)
        do {
            let known = kept  // released at the end of this block, before `kept` changes
            DispatchQueue.concurrentPerform(iterations: products.count) { index in
                let product = products[index]
                if let changed, !changed.contains(product.slug), let row = known[product.slug] {
                    slots[index] = (row, false)
                    return
                }
                slots[index] = (row(product, shop: shop, context: context), true)
            }
        }
        let encoded = slots.values
        for (product, entry) in zip(products, encoded) where entry.made { kept[product.slug] = entry.row }
        if kept.count != products.count {           // products gone (or twins), whose rows are not to be kept
            kept = Dictionary(zip(products.map(\.slug), encoded.map(\.row)), uniquingKeysWith: { _, last in last })
        }
        rows.encoded = kept
        // The object's keys in sorted order, as a sorted-keys encoder writes them; each row is JSONEncoder's.
        var text = "{\"products\":["
        text.reserveCapacity(encoded.reduce(32) { $0 + $1.row.json.utf8.count + 1 })
        for (index, entry) in encoded.enumerated() {
            if index > 0 { text += "," }
            text += entry.row.json
        }
        text += "],\"version\":1}\n"
        let made = changed == nil ? nil : Set(encoded.indices.filter { encoded[$0].made })
        return [OutputFile(path: "search.json", content: .text(text))]
            + SearchShards.files(slugs: products.map(\.slug), postings: encoded.map(\.row.postings),
                                 displays: encoded.map(\.row.display), changed: made, memo: rows.shards)
    }

    static func row(_ product: ProductSource, shop: Shop, context: SiteContext) -> Row {
        let fields = [
            product.title,
            SiteContext.productPath(product.slug),
            context.money.format(product.price),
            product.summary ?? "",
            product.tags.joined(separator: " "),
            MarkdownRenderer.plainText(product.body, limit: descriptionLimit),
            keywords(product, categories: shop.categories),
        ]
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        func encode(_ values: [String]) -> String {
            String(decoding: (try? encoder.encode(values)) ?? Data("[]".utf8), as: UTF8.self)
        }
        // Searched in weight order: title, tags, summary, description, keywords.
        let searched = [fields[0], fields[4], fields[3], fields[5], fields[6]]
        // What a hit shows, written directly: a second JSONEncoder pass cost 4 % of a 10,000-product build.
        let display = "[" + fields[0...3].map(SearchShards.jsonString).joined(separator: ",") + "]"
        return Row(json: encode(fields), display: display,
                   postings: SearchShards.postings(fields: searched))
    }
}
