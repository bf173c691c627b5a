import Foundation
import GageCatalog
import GageCore
import GageImages

/// Builds the values templates see. Everything here is data; escaping happens in the templates (`{{…}}`)
/// or, for JSON placed in `<script>`, in `ScriptJSON`. Complete before pages render and only read while they
/// render in parallel, hence `@unchecked Sendable` for the `Any` values inside.
struct SiteContext: @unchecked Sendable {
    let shop: Shop
    let settings: ShopSettings
    let money: MoneyFormat
    let markdown: MarkdownRenderer
    let text: [String: String]
    /// Shared by every page: shop name, navigation, footer, checkout configuration.
    var site: [String: Any]
    /// catalog.json's entries by SKU (drafts, which it leaves out, are priced on the fly).
    let catalogEntries: CatalogEntries
    /// The local photos' variants and sizes.
    let photos: SitePhotos

    init(shop: Shop, photos: SitePhotos = .none) {
        self.shop = shop
        self.photos = photos
        settings = shop.settings
        money = MoneyFormat(language: settings.language)
        markdown = MarkdownRenderer(allowsRawHTML: settings.markdownRawHTML)
        text = InterfaceText.table(for: settings.language)
        site = Self.siteValues(shop: shop, text: text, money: money)
        catalogEntries = CatalogEntries(shop.catalog.products)
        basePath = settings.basePath
    }

    // MARK: - Addresses

    /// `settings.basePath`, worked out once: every address on every page starts with it.
    let basePath: String

    func path(_ relative: String) -> String { basePath + relative }
    func absolute(_ relative: String) -> String { settings.baseURL + relative }

    static func productPath(_ slug: String) -> String { "products/" + URLPath.encode(slug) + "/" }
    static func categoryPath(_ slug: String) -> String { "categories/" + URLPath.encode(slug) + "/" }
    static func tagPath(_ tag: String) -> String { "tags/" + URLPath.encode(Slug.make(from: tag)) + "/" }

    static func isRemote(_ image: String) -> Bool { image.hasPrefix("http://") || image.hasPrefix("https://") }

    /// Where a local image is written in the output folder: beside the product page for a bundle, else where
    /// static/ puts it.
    static func outputPath(of image: String, of product: ProductSource) -> String {
        if product.bundleFolder != nil, !image.hasPrefix("/") { return "products/\(product.slug)/\(image)" }
        return String(image.drop(while: { $0 == "/" }))
    }

    /// Where an image is served from: beside the product page for a bundle, else from the shop's root.
    func imageURL(_ image: String, of product: ProductSource, absolute: Bool = false) -> String {
        if Self.isRemote(image) { return image }
        let relative: String
        if product.bundleFolder != nil, !image.hasPrefix("/") {
            relative = Self.productPath(product.slug) + image.split(separator: "/").map { URLPath.encode(String($0)) }
                .joined(separator: "/")
        } else {
            relative = image.drop(while: { $0 == "/" }).split(separator: "/").map { URLPath.encode(String($0)) }
                .joined(separator: "/")
        }
        return absolute ? self.absolute(relative) : path(relative)
    }

    /// An image's values for `<picture>`: `src` (a middle-sized variant in a format every browser shows),
    /// `srcset` and `webp_srcset` (false for a file published as it is) and `width`/`height` (false when
    /// unknown: a remote image), so the browser reserves its space and fetches only the size the layout needs.
    func picture(_ image: String, of product: ProductSource) -> [String: Any] {
        guard let photo = photos.photo(image, of: product) else {
            return ["src": imageURL(image, of: product), "srcset": false, "webp_srcset": false,
                    "width": false, "height": false]
        }
        guard let fallback = photo.fallbackFormat else {
            let known = photo.width > 0 && photo.height > 0
            return ["src": imageURL(image, of: product), "srcset": false, "webp_srcset": false,
                    "width": known ? photo.width : false, "height": known ? photo.height : false]
        }
        func url(_ variant: Photo.Variant) -> String {
            imageURL(SitePhotos.variantImage(image, variant, of: photo), of: product)
        }
        func srcset(_ variants: [Photo.Variant]) -> String {
            variants.map { url($0) + " \($0.width)w" }.joined(separator: ", ")
        }
        let fallbacks = photo.variants(in: fallback)
        let middle = fallbacks.last { $0.width <= 960 } ?? fallbacks[0]
        return ["src": url(middle), "srcset": srcset(fallbacks),
                "webp_srcset": fallback == .webp ? false : srcset(photo.variants(in: .webp)),
                "width": middle.width, "height": middle.height]
    }

    /// The image to show when the page is shared or listed elsewhere (Open Graph, JSON-LD, shopping feeds):
    /// the largest variant in a format every crawler reads, or the file itself.
    func shareURL(_ image: String, of product: ProductSource) -> String {
        guard let photo = photos.photo(image, of: product), let fallback = photo.fallbackFormat,
              let largest = photo.variants(in: fallback).last else { return imageURL(image, of: product, absolute: true) }
        return imageURL(SitePhotos.variantImage(image, largest, of: photo), of: product, absolute: true)
    }

    // MARK: - Shared values

    /// Kakao (Daum) 우편번호 서비스: free, no key, the address search Korean buyers know.
    static let postcodeURL = "https://t1.kakaocdn.net/mapjsapi/bundle/postcode/prod/postcode.v2.js"

    private static func siteValues(shop: Shop, text: [String: String], money: MoneyFormat) -> [String: Any] {
        let settings = shop.settings
        let base = settings.basePath
        let business = settings.business
        var businessRows: [[String: String]] = []
        func row(_ key: String, _ value: String?) {
            if let value { businessRows.append(["label": text[key] ?? key, "value": value]) }
        }
        row("business_name", business.name)
        row("representative", business.representative)
        row("registration_number", business.registrationNumber)
        row("mail_order_number", business.mailOrderNumber)
        row("address", business.address)
        row("phone", business.phone)
        row("email", business.email)
        row("hosting", business.hosting)

        var checkout: [String: Any] = [
            "provider": settings.provider.rawValue,
            "merchant_code": settings.iamport.merchantCode,
            "pg": settings.iamport.pg,
            "pay_methods": settings.payMethods,
            "verify_url": settings.checkout.verifyURL,
            "order_prefix": settings.orderPrefix,
            "vbank_hours": settings.checkout.vbankHours,
            "currency": settings.currency,
            "language": settings.language.rawValue,
            "base_path": base,
            "catalog_url": base + "catalog.json",
            "cart_url": base + "cart/",
            "complete_url": settings.baseURL + "checkout/complete/",
            // Where a phone returns after identity verification (IMP.certification's m_redirect_url).
            "certified_url": settings.baseURL + "cart/",
            "identity_pg": settings.identity?.pg ?? "",
            "prepare": settings.checkout.prepare,
            // Cash methods are paid through the PG's 구매안전서비스 when the shop has it (escrow: true).
            "escrow_methods": settings.checkout.escrow ? settings.cashPayMethods : [],
            "postcode_url": settings.addressSearch ? settings.postcodeURL ?? postcodeURL : "",
            "search_url": base + "search.json",
            // The sharded index the search box uses (SearchShards); search.json stays for themes that read it.
            "search_index_url": base + SearchShards.folder + "manifest.json",
            // 정기배송 (SPEC §5): the PG that issues billing keys, and the buyer's manage page.
            "billing_pg": settings.iamport.billingPG ?? "",
            "subscription_url": base + "subscription/",
            "lookup_url": base + "orders/lookup/",
        ]
        if let portone = settings.portone {
            // PortOne V2 (SPEC §7): the store and the channel each pay method opens.
            checkout["store_id"] = portone.storeID
            // The easy-pay buttons pay as EASY_PAY, whether or not the PG window offers it too.
            let methods = portone.payMethods + (portone.easyPay.isEmpty || portone.payMethods.contains("EASY_PAY") ? [] : ["EASY_PAY"])
            checkout["channel_keys"] = Dictionary(uniqueKeysWithValues: methods.compactMap { method in
                portone.channelKey(for: method).map { (method, $0) }
            })
            checkout["confirm_url"] = settings.checkout.verifyURL
            // 정기배송 and 성인인증 on V2 (SPEC §12): the channels PortOne.requestIssueBillingKey and
            // PortOne.requestIdentityVerification open.
            checkout["billing_channel_key"] = portone.billingChannelKey ?? ""
            checkout["identity_channel_key"] = settings.identity?.channelKey ?? ""
        }
        // The easy-pay buttons (SPEC §1 easy_pay), by brand: V1 gives each its own pg, V2 a provider on EASY_PAY.
        let easyPayBrands = settings.portone.map { $0.easyPay.map { $0.lowercased() } }
            ?? ShopSettings.Iamport.easyPayBrands.filter { settings.iamport.easyPay[$0] != nil }
        if settings.portone == nil, !settings.iamport.easyPay.isEmpty { checkout["easy_pay"] = settings.iamport.easyPay }
        let returnsPage = shop.returnsPage.map { base + URLPath.encode($0.slug) + "/" }
        var values: [String: Any] = [
            "title": settings.title,
            "description": settings.description ?? "",
            "lang": settings.language.rawValue,
            "base_path": base,
            "base_url": settings.baseURL,
            "home_url": base,
            "cart_url": base + "cart/",
            "css_url": base + "assets/gage.css",
            "sdk_url": settings.sdkURL,
            "categories": shop.categories.map {
                ["title": $0.title, "url": base + categoryPath($0.slug)]
            },
            "pages": shop.pages.map { ["title": $0.title, "url": base + URLPath.encode($0.slug) + "/"] },
            "has_pages": !shop.pages.isEmpty,
            "og_locale": settings.language == .ko ? "ko_KR" : "en_US",
            "pay_methods": settings.payMethods.enumerated().map { index, method in
                let name = PortOnePayMethod.v1Name(method) ?? method
                return ["value": method, "label": text["method_" + name] ?? method, "first": index == 0] as [String: Any]
            },
            "easy_pay_buttons": easyPayBrands.map { ["value": $0, "label": text["method_" + $0] ?? $0] },
            "has_easy_pay": !easyPayBrands.isEmpty,
            "business": businessRows,
            "has_business": !businessRows.isEmpty,
            // 사업자정보 공개페이지 of the 공정거래위원회, which the footer must link (전자상거래법 시행규칙).
            "ftc_url": business.registrationDigits.map { "https://www.ftc.go.kr/bizCommPop.do?wrkr_no=" + $0 } ?? false,
            "escrow_notice": !settings.cashPayMethods.isEmpty,
            "returns_url": returnsPage ?? false,
            "address_search": settings.addressSearch,
            "search_page": base + "search/",
            "lookup_url": base + "orders/lookup/",
            "checkout_json": ScriptJSON.encode(checkout),
            // Only the pages that run checkout code carry the interface text (it is the larger part).
            "text_json": ScriptJSON.encode(text),
        ]
        let shipping = settings.checkout.shipping
        if shipping.fee > 0, let freeOver = shipping.freeOver {
            values["free_shipping_note"] = money.format(freeOver) + " " + (text["free_shipping_over"] ?? "")
        }
        // What shipping costs, on every product page: "배송비 3,000원 (50,000원 이상 구매 시 무료 배송)".
        values["shipping_note"] = shipping.fee == 0 ? (text["shipping_free_always"] ?? "")
            : (text["shipping"] ?? "") + " " + money.format(shipping.fee)
                + (shipping.freeOver.map { " (" + money.format($0) + " " + (text["free_shipping_over"] ?? "") + ")" } ?? "")
        return values
    }

    // MARK: - Products

    func card(_ product: ProductSource) -> [String: Any] {
        // Absent values are `false`, not missing: a missing key makes Mustache search every enclosing
        // context before giving up, which on a 10,000-product build is most of the rendering time.
        [
            "title": product.title,
            "url": path(Self.productPath(product.slug)),
            "price_text": money.format(product.price),
            "sold_out": product.isSoldOut,
            "adult_only": product.adultOnly,
            "summary": product.summary ?? false,
            "compare_at_text": product.compareAt.map(money.format) ?? false,
            "image": product.images.first.map { picture($0, of: product) } ?? false,
            "image_url": product.images.first.map { imageURL($0, of: product) } ?? false,
            "eager": false,
            "sale": saleCard(product) ?? false,
        ]
    }

    /// A card's timed sale, for the page to show by the buyer's clock (sale-price.js): the regular and the sale
    /// price and its moments in Unix seconds. Nil when the product has no sale still to come or running.
    func saleCard(_ product: ProductSource) -> [String: Any]? {
        guard let (sale, _) = activeSale(product) else { return nil }
        return ["regular": product.price, "price": sale.price, "from": sale.from ?? false, "until": sale.until ?? false]
    }

    /// A product page's values and its page meta (title, description, canonical, Open Graph image).
    func productPage(_ product: ProductSource) -> (values: [String: Any], meta: [String: Any]) {
        let pagePath = Self.productPath(product.slug)
        var values = card(product)
        let description = product.summary ?? MarkdownRenderer.plainText(product.body)
        values["sku"] = product.sku
        values["price"] = product.price
        values["content_html"] = markdown.html(product.body)
        values["images"] = product.images.enumerated().map { index, image in
            var picture = picture(image, of: product)
            picture["url"] = imageURL(image, of: product)
            picture["alt"] = index == 0 ? product.title : "\(product.title) (\(index + 1))"
            picture["first"] = index == 0
            return picture
        }
        values["has_images"] = !product.images.isEmpty
        values["category"] = false
        if let slug = product.category, let category = shop.categories.first(where: { $0.slug == slug }) {
            values["category"] = ["title": category.title, "url": path(Self.categoryPath(slug))]
        }
        values["tags"] = product.tags.map { ["name": $0, "url": path(Self.tagPath($0))] }
        values["has_tags"] = !product.tags.isEmpty
        let limit = purchaseLimit(product)
        values["max_quantity"] = limit
        values["stock_left"] = false
        if let stock = product.stock, stock > 0, stock <= 5 { values["stock_left"] = stock }
        values["options"] = product.options.enumerated().map { index, option in
            [
                "name": option.name,
                "field_id": "option-\(index)",
                "values": option.values.map { value in
                    ["label": value.label, "delta_text": value.price != 0 ? money.delta(value.price) : false] as [String: Any]
                },
            ] as [String: Any]
        }
        values["has_options"] = !product.options.isEmpty
        values["subscription"] = subscriptionOffer(product) ?? false
        values["params"] = product.params.mapValues(\.templateValue)
        values["notice"] = product.notice.map { notice -> [String: Any] in
            ["type": notice.type ?? false,
             "rows": notice.rows.map { ["label": $0.label, "value": $0.value] }]
        } ?? false
        let manifestEntry = catalogEntries[product.sku] ?? ShopLoader.makeCatalog([product], settings: settings).products[0]
        values["data_json"] = ScriptJSON.encode(encodable: manifestEntry)
        values["jsonld"] = jsonLD(product, description: description, pagePath: pagePath)
        values["sale"] = saleValues(product) ?? false
        let meta = pageMeta(title: product.title, description: description, path: pagePath, type: "product",
                            image: product.images.first.map { shareURL($0, of: product) })
        return (values, meta)
    }

    /// The product page's 1회 구매 / 정기배송 choice: the subscriber price, what it saves, and each interval offered
    /// (the first chosen). Nil when the product is not offered as a subscription or the shop has no billing channel.
    func subscriptionOffer(_ product: ProductSource) -> [String: Any]? {
        guard let offer = product.subscription, settings.offersSubscriptions, !product.isSoldOut else { return nil }
        let saving = product.price - offer.price
        return [
            "price": offer.price,
            "price_text": money.format(offer.price),
            "saving_text": saving > 0 ? money.format(saving) : false,
            "intervals": offer.intervals.enumerated().map { index, written in
                ["value": written, "label": SubscriptionInterval(written).map(intervalLabel) ?? written,
                 "first": index == 0] as [String: Any]
            },
        ]
    }

    /// `2주마다`, `every 2 weeks`: the interface text's wording, which the cart script uses too.
    func intervalLabel(_ interval: SubscriptionInterval) -> String {
        let key = interval.unit == .week ? "interval_weeks" : "interval_months"
        return (text[key] ?? "{n}" + interval.unit.rawValue).replacingOccurrences(of: "{n}", with: String(interval.count))
    }

    /// How many a buyer may put in one order: the smaller of stock and the per-order limit.
    func purchaseLimit(_ product: ProductSource) -> Int {
        let limit = product.maxQuantity ?? settings.checkout.maxQuantity ?? Pricing.absoluteMaxQuantity
        return min(limit, product.stock ?? Pricing.absoluteMaxQuantity)
    }

    /// A timed sale not over when the site is built (the pages and feeds are not rebuilt at its boundaries): its
    /// price and dates for Open Graph, JSON-LD and the feeds; `on` when it is on at build time.
    func activeSale(_ product: ProductSource, at now: Int = Int(Date().timeIntervalSince1970)) -> (sale: Sale, on: Bool)? {
        guard let sale = product.sale, sale.until.map({ $0 > now }) ?? true else { return nil }
        return (sale, sale.isOn(at: now))
    }

    /// `{{#product.sale}}` in product.mustache: the sale price and its dates (ISO 8601, Korean time).
    func saleValues(_ product: ProductSource) -> [String: Any]? {
        guard let (sale, _) = activeSale(product) else { return nil }
        return ["price": sale.price, "from": sale.from.map(KoreanTime.iso8601) ?? false,
                "until": sale.until.map(KoreanTime.iso8601) ?? false]
    }

    func jsonLD(_ product: ProductSource, description: String, pagePath: String) -> String {
        let category = product.category.flatMap { slug in shop.categories.first { $0.slug == slug }?.title }
        var offer = ProductJSONLD.Offer(
            price: product.price, priceCurrency: settings.currency,
            availability: product.isSoldOut ? "https://schema.org/OutOfStock" : "https://schema.org/InStock",
            url: absolute(pagePath), seller: .init(name: settings.business.name ?? settings.title))
        if let (sale, on) = activeSale(product) {
            // The sale price with the moments it holds, and the regular price as the one struck through.
            if on {
                offer.price = sale.price
                offer.priceValidUntil = sale.until.map { String(KoreanTime.iso8601($0).prefix(10)) }
            }
            offer.priceSpecification = [
                .init(price: sale.price, priceCurrency: settings.currency,
                      validFrom: sale.from.map(KoreanTime.iso8601), validThrough: sale.until.map(KoreanTime.iso8601)),
                .init(price: product.price, priceCurrency: settings.currency, priceType: "https://schema.org/StrikethroughPrice"),
            ]
        }
        let value = ProductJSONLD(
            name: product.title, sku: product.sku, description: description, url: absolute(pagePath),
            image: product.images.isEmpty ? nil : product.images.map { shareURL($0, of: product) },
            category: category,
            audience: product.adultOnly ? .init(suggestedMinAge: 19) : nil,
            offers: offer)
        return ScriptJSON.encode(encodable: value)
    }

    // MARK: - Pages

    func pageMeta(title: String, description: String, path relative: String, type: String = "website",
                  image: String? = nil, indexable: Bool = true) -> [String: Any] {
        let meta: [String: Any] = [
            "title": title,
            "full_title": title == settings.title ? title : "\(title) | \(settings.title)",
            "description": description.isEmpty ? (settings.description ?? settings.title) : description,
            "canonical": absolute(relative),
            "og_type": type,
            "noindex": !indexable,
            "og_image": image ?? false,
        ]
        return meta
    }

    func with(_ values: [String: Any], page: [String: Any]? = nil) -> [String: Any] {
        var context = values
        context["site"] = site
        context["i18n"] = text
        if let page { context["page"] = page }
        return context
    }
}

/// catalog.json's entries by SKU, indexed on first use: an edit under `gage serve` renders a page or two and
/// needs none of the other 10,000.
final class CatalogEntries: @unchecked Sendable {
    private let products: [Catalog.Product]
    private let lock = NSLock()
    private var bySKU: [String: Catalog.Product]?
    private var lookups = 0

    init(_ products: [Catalog.Product]) { self.products = products }

    /// The first product with `sku`. A `gage serve` edit renders one or two product pages: those look along the
    /// list (a 10,000-entry dictionary was ~7 ms of the edit); a build's many lookups use the dictionary.
    subscript(sku: String) -> Catalog.Product? {
        lock.withLock {
            lookups += 1
            if bySKU == nil, lookups <= 8 { return products.first { $0.sku == sku } }
            if bySKU == nil {
                bySKU = Dictionary(products.map { ($0.sku, $0) }, uniquingKeysWith: { first, _ in first })
            }
            return bySKU?[sku]
        }
    }
}

/// schema.org `Product` with its `Offer`, as search engines read it.
struct ProductJSONLD: Encodable {
    var context = "https://schema.org"
    var type = "Product"
    var name: String
    var sku: String
    var description: String
    var url: String
    var image: [String]?
    var category: String?
    /// Adults-only products: 19 and over (청소년보호법).
    var audience: Audience?
    var offers: Offer

    struct Audience: Encodable {
        var type = "PeopleAudience"
        var suggestedMinAge: Int
        enum CodingKeys: String, CodingKey { case type = "@type", suggestedMinAge }
    }

    struct Offer: Encodable {
        var type = "Offer"
        var price: Int
        var priceCurrency: String
        var availability: String
        var url: String
        var seller: Organization
        /// A sale on at build time: the day its price ends (schema.org Date).
        var priceValidUntil: String?
        /// A sale: its price with validFrom/validThrough, and the regular price as `StrikethroughPrice`.
        var priceSpecification: [PriceSpecification]?

        init(price: Int, priceCurrency: String, availability: String, url: String, seller: Organization) {
            self.price = price
            self.priceCurrency = priceCurrency
            self.availability = availability
            self.url = url
            self.seller = seller
        }

        enum CodingKeys: String, CodingKey {
            case type = "@type", price, priceCurrency, availability, url, seller, priceValidUntil, priceSpecification
        }
    }

    struct PriceSpecification: Encodable {
        var type = "UnitPriceSpecification"
        var price: Int
        var priceCurrency: String
        var priceType: String?
        var validFrom: String?
        var validThrough: String?

        init(price: Int, priceCurrency: String, priceType: String? = nil, validFrom: String? = nil, validThrough: String? = nil) {
            self.price = price
            self.priceCurrency = priceCurrency
            self.priceType = priceType
            self.validFrom = validFrom
            self.validThrough = validThrough
        }

        enum CodingKeys: String, CodingKey { case type = "@type", price, priceCurrency, priceType, validFrom, validThrough }
    }

    struct Organization: Encodable {
        var type = "Organization"
        var name: String
        enum CodingKeys: String, CodingKey { case type = "@type", name }
    }

    enum CodingKeys: String, CodingKey {
        case context = "@context", type = "@type", name, sku, description, url, image, category, audience, offers
    }
}
