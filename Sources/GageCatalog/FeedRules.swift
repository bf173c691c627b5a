/// Which products the shopping feeds (`feeds:`) can list, decided once for the feeds and for `gage check`'s
/// warnings.
public enum FeedRules {
    /// Naver EP 3.0's `id`: at most 50 of `A-Z a-z 0-9 - _` and space.
    public static func naverID(for sku: String) -> String? {
        let allowed = sku.count <= 50
            && sku.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == " ") }
        return allowed ? sku : nil
    }

    /// Why a published product cannot be in a feed, and how to fix it, if it cannot.
    public static func exclusion(of product: ProductSource, feeds: ShopSettings.Feeds)
        -> (key: String, message: String, hint: String)? {
        guard feeds.naver || feeds.google else { return nil }
        if product.images.isEmpty {
            return ("title", "has no image, so the shopping feeds leave it out",
                    "add images: [photo.jpg] (Naver and Google need a photo of at least 300×300 px)")
        }
        if feeds.naver, naverID(for: product.sku) == nil {
            return ("sku", "sku '\(product.sku)' cannot be a Naver Shopping id, so feeds/naver.tsv leaves it out",
                    "use at most 50 of A-Z a-z 0-9 - _ (no '.')")
        }
        return nil
    }
}
