import GageCatalog
import GageCore

/// What an edit changed, when the rest of the site stays as it was: the product pages to render again, the
/// products whose cards (and so the list pages showing them) changed, and whether catalog.json did.
public struct RenderChanges: Sendable, Equatable {
    public var products: Set<String> = []
    public var cards: Set<String> = []
    public var catalog = false

    /// The changes from `old` to `new`, or nil when the edit reaches beyond product pages and their cards — a
    /// template, shop.yml, a page, a product added, removed or moved in the lists, a new category or tag, or
    /// images to copy — and everything is rendered.
    public static func between(_ old: Shop, _ new: Shop, themeUnchanged: Bool) -> RenderChanges? {
        guard themeUnchanged, old.root == new.root, old.settings == new.settings, old.pages == new.pages,
              old.categories == new.categories, old.products.map(\.slug) == new.products.map(\.slug) else { return nil }
        var changes = RenderChanges()
        for (before, after) in zip(old.products, new.products) where before != after {
            guard before.category == after.category, before.tags == after.tags, before.images == after.images,
                  before.bundleFolder == after.bundleFolder else { return nil }
            changes.products.insert(after.slug)
            if cardDiffers(before, after) { changes.cards.insert(after.slug) }
        }
        changes.catalog = old.catalog != new.catalog
        return changes
    }

    /// What `SiteContext.card` shows of a product.
    static func cardDiffers(_ a: ProductSource, _ b: ProductSource) -> Bool {
        a.title != b.title || a.price != b.price || a.compareAt != b.compareAt || a.summary != b.summary
            || a.isSoldOut != b.isSoldOut || a.adultOnly != b.adultOnly || a.images.first != b.images.first
    }
}

/// What one render leaves for the next under `gage serve`: search.json's rows and the cards list pages show (by
/// product slug), and each product's JSON in catalog.json. Only products an edit changed are made again.
public final class RenderMemo: @unchecked Sendable {
    let searchRows = SearchIndex.Rows()
    var cards: [String: [String: Any]] = [:]
    /// Nil for a one-off build, which encodes catalog.json whole (faster once, and nothing to keep).
    let catalogEncodings: CatalogEncodings?

    public init(keepsCatalogPieces: Bool = false) {
        catalogEncodings = keepsCatalogPieces ? CatalogEncodings() : nil
    }
}

/// What `gage serve` keeps from one build to the next, so that an edit re-does only what it touches: the
/// decoded product files, the last shop, theme and photos, and parts of the last render.
public final class BuildMemo: @unchecked Sendable {
    let productFiles = ProductFileCache()
    let rendered = RenderMemo(keepsCatalogPieces: true)
    var last: (shop: Shop, theme: Theme, photos: SitePhotos)?

    public init() {}

    /// After a build whose files did not all reach the output: the next one renders everything.
    public func forget() { last = nil }
}
