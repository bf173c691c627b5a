#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// `catalog.json`: the price manifest a shop is built with, and the single source of truth for prices
/// when a payment is verified. Its shape is fixed by SPEC §2.
public struct Catalog: Codable, Equatable, Sendable {
    public var version: String
    /// The shop's id: payments whose `custom_data.shop` names another shop are not this shop's to judge.
    public var shop: String
    public var baseURL: String
    public var currency: String
    public var orderPrefix: String
    public var shipping: ShippingRule
    /// The channels the shop takes payment through; a payment through any other is not the shop's sale.
    public var payment: PaymentChannels
    /// Minutes a replaced catalog version's prices are still honoured (SPEC §3 "Prices over time").
    public var priceGraceMinutes: Int
    /// Hours an issued virtual account may hold stock at most.
    public var vbankHours: Int
    /// Minutes units checked by `/prepare` (or approved by V2 `/confirm`) stay held for the order (SPEC §9).
    public var holdMinutes: Int
    /// How buyers prove their age for `adult_only` products (SPEC §6); nil when the shop has not set it up.
    public var identity: Identity?
    public var products: [Product]
    /// Discount codes, each under the keyed hash of its code (SPEC §11); empty: the shop has none.
    public var discounts: [DiscountRule] = []
    /// How the codes were hashed; nil when there are no discounts.
    public var discountKey: DiscountKey?
    /// Where products not in `products` are looked up, one SKU at a time: the verify function's index of a
    /// large catalog.json, so one verification does not decode ten thousand products to price one.
    public var shelf: Shelf?

    public static let defaultPriceGraceMinutes = 60
    public static let defaultVbankHours = 72
    public static let defaultHoldMinutes = 15

    public init(version: String = "", shop: String = "", baseURL: String, currency: String = "KRW",
                orderPrefix: String = "gage-", shipping: ShippingRule = ShippingRule(),
                payment: PaymentChannels = PaymentChannels(), priceGraceMinutes: Int = Catalog.defaultPriceGraceMinutes,
                vbankHours: Int = Catalog.defaultVbankHours, holdMinutes: Int = Catalog.defaultHoldMinutes,
                identity: Identity? = nil, products: [Product]) {
        self.holdMinutes = holdMinutes
        self.version = version
        self.shop = shop
        self.baseURL = baseURL
        self.currency = currency
        self.orderPrefix = orderPrefix
        self.shipping = shipping
        self.payment = payment
        self.priceGraceMinutes = priceGraceMinutes
        self.vbankHours = vbankHours
        self.identity = identity
        self.products = products
    }

    enum CodingKeys: String, CodingKey {
        case version, shop, currency, shipping, payment, identity, products, discounts
        case discountKey = "discount_key"
        case baseURL = "base_url"
        case orderPrefix = "order_prefix"
        case priceGraceMinutes = "price_grace"
        case vbankHours = "vbank_hours"
        case holdMinutes = "hold_minutes"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        version = try container.decode(String.self, forKey: .version)
        shop = try container.decodeIfPresent(String.self, forKey: .shop) ?? ""
        baseURL = try container.decode(String.self, forKey: .baseURL)
        currency = try container.decodeIfPresent(String.self, forKey: .currency) ?? "KRW"
        orderPrefix = try container.decode(String.self, forKey: .orderPrefix)
        shipping = try container.decodeIfPresent(ShippingRule.self, forKey: .shipping) ?? ShippingRule()
        payment = try container.decodeIfPresent(PaymentChannels.self, forKey: .payment) ?? PaymentChannels()
        priceGraceMinutes = try container.decodeIfPresent(Int.self, forKey: .priceGraceMinutes)
            ?? Self.defaultPriceGraceMinutes
        vbankHours = try container.decodeIfPresent(Int.self, forKey: .vbankHours) ?? Self.defaultVbankHours
        holdMinutes = try container.decodeIfPresent(Int.self, forKey: .holdMinutes) ?? Self.defaultHoldMinutes
        identity = try container.decodeIfPresent(Identity.self, forKey: .identity)
        products = try container.decode([Product].self, forKey: .products)
        discounts = try container.decodeIfPresent([DiscountRule].self, forKey: .discounts) ?? []
        discountKey = try container.decodeIfPresent(DiscountKey.self, forKey: .discountKey)
    }

    /// Catalogs without discounts stay as they were before them, so their version hash does not change.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(version, forKey: .version)
        try container.encode(shop, forKey: .shop)
        try container.encode(baseURL, forKey: .baseURL)
        try container.encode(currency, forKey: .currency)
        try container.encode(orderPrefix, forKey: .orderPrefix)
        try container.encode(shipping, forKey: .shipping)
        try container.encode(payment, forKey: .payment)
        try container.encode(priceGraceMinutes, forKey: .priceGraceMinutes)
        try container.encode(vbankHours, forKey: .vbankHours)
        try container.encode(holdMinutes, forKey: .holdMinutes)
        try container.encodeIfPresent(identity, forKey: .identity)
        try container.encode(products, forKey: .products)
        if !discounts.isEmpty { try container.encode(discounts, forKey: .discounts) }
        try container.encodeIfPresent(discountKey, forKey: .discountKey)
    }

    /// The discount rule published for `code` as a buyer typed it; nil when the shop has no such code.
    public func discount(code: String) -> DiscountRule? {
        guard let discountKey, !discounts.isEmpty else { return nil }
        let hash = discountKey.hash(code)
        return discounts.first { $0.hash == hash }
    }

    /// The identity verification channel the pages open before paying for an adult-only product.
    public struct Identity: Codable, Equatable, Sendable {
        /// V1: `danal` (phone) or `inicis_unified` (통합인증).
        public var pg: String?
        /// V2: the identity verification channel's key.
        public var channelKey: String?

        public init(pg: String? = nil, channelKey: String? = nil) {
            self.pg = pg
            self.channelKey = channelKey
        }

        enum CodingKeys: String, CodingKey {
            case pg
            case channelKey = "channel_key"
        }
    }

    /// Whether any of these SKUs is sold to adults only (today's catalog: a rule, like stock).
    public func needsAdult(_ skus: [String]) -> Bool {
        skus.contains { product(sku: $0)?.adultOnly == true }
    }

    /// The PG (with its MID when the shop names one) and the pay methods a shop offers, as shop.yml says.
    public struct PaymentChannels: Codable, Equatable, Sendable {
        /// Which API the shop's payments go through (absent in catalogs built before V2: `iamport`).
        public var api: ProviderKind
        /// V1: `html5_inicis`, or `html5_inicis.MOI1234567` with the MID. Empty for V2.
        public var pg: String
        /// V1 names (`card`, `vbank`) or V2 names (`CARD`, `VIRTUAL_ACCOUNT`), as the provider's SDK takes them.
        public var payMethods: [String]
        /// The PG (and MID) that issues billing keys for subscriptions (`billing_pg`); nil: none offered.
        public var billingPG: String?
        /// V2: the store (`store-…`) whose payments these are.
        public var storeID: String?
        /// V2: the channel every pay method goes through (`channel_key`), or one per pay method (`channel_keys`).
        public var channelKey: String?
        public var channelKeys: [String: String]?
        /// V2: the channel that issues billing keys for subscriptions (`billing_channel_key`); nil: none offered.
        public var billingChannelKey: String?
        /// (wave 3) V1: the easy-pay buttons, brand (`kakaopay`) → its own `pg` channel (`kakaopay.TC0ONETIME`).
        public var easyPay: [String: String]?
        /// (wave 3) V2: the easy-pay buttons' providers (`KAKAOPAY`), paid as EASY_PAY on `channel_keys.EASY_PAY`.
        public var easyPayProviders: [String]?

        public static let defaultPG = "html5_inicis"
        public static let defaultPayMethods = ["card", "trans", "vbank", "phone"]

        public init(pg: String = PaymentChannels.defaultPG, payMethods: [String] = PaymentChannels.defaultPayMethods,
                    billingPG: String? = nil) {
            api = .iamport
            self.pg = pg
            self.payMethods = payMethods
            self.billingPG = billingPG
        }

        /// A PortOne V2 store's channels.
        public init(storeID: String, channelKey: String?, channelKeys: [String: String]?, payMethods: [String],
                    billingChannelKey: String? = nil) {
            api = .portone
            pg = ""
            self.payMethods = payMethods
            self.storeID = storeID
            self.channelKey = channelKey
            self.channelKeys = channelKeys
            self.billingChannelKey = billingChannelKey
        }

        /// Whether the shop issues billing keys, so products may be subscribed to (V1 `billing_pg`, V2
        /// `billing_channel_key`).
        public var offersSubscriptions: Bool { api == .portone ? billingChannelKey != nil : billingPG != nil }

        enum CodingKeys: String, CodingKey {
            case provider, pg
            case payMethods = "pay_methods"
            case billingPG = "billing_pg"
            case storeID = "store_id", channelKey = "channel_key", channelKeys = "channel_keys"
            case billingChannelKey = "billing_channel_key"
            case easyPay = "easy_pay", easyPayProviders = "easy_pay_providers"
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            api = try container.decodeIfPresent(ProviderKind.self, forKey: .provider) ?? .iamport
            pg = try container.decodeIfPresent(String.self, forKey: .pg) ?? ""
            payMethods = try container.decodeIfPresent([String].self, forKey: .payMethods) ?? []
            billingPG = try container.decodeIfPresent(String.self, forKey: .billingPG)
            storeID = try container.decodeIfPresent(String.self, forKey: .storeID)
            channelKey = try container.decodeIfPresent(String.self, forKey: .channelKey)
            channelKeys = try container.decodeIfPresent([String: String].self, forKey: .channelKeys)
            billingChannelKey = try container.decodeIfPresent(String.self, forKey: .billingChannelKey)
            easyPay = try container.decodeIfPresent([String: String].self, forKey: .easyPay)
            easyPayProviders = try container.decodeIfPresent([String].self, forKey: .easyPayProviders)
        }

        /// V1 catalogs stay as they were before V2 (no `provider`), so their version hash does not change.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            if api != .iamport { try container.encode(api, forKey: .provider) }
            if !pg.isEmpty { try container.encode(pg, forKey: .pg) }
            try container.encode(payMethods, forKey: .payMethods)
            try container.encodeIfPresent(billingPG, forKey: .billingPG)
            try container.encodeIfPresent(storeID, forKey: .storeID)
            try container.encodeIfPresent(channelKey, forKey: .channelKey)
            try container.encodeIfPresent(channelKeys, forKey: .channelKeys)
            try container.encodeIfPresent(billingChannelKey, forKey: .billingChannelKey)
            try container.encodeIfPresent(easyPay, forKey: .easyPay)
            try container.encodeIfPresent(easyPayProviders, forKey: .easyPayProviders)
        }

        /// The channel key a V2 payment by `method` (a V2 name) must have come through.
        public func channelKey(for method: String) -> String? {
            channelKeys.map { $0[method] } ?? channelKey
        }

        /// The PG code without the MID: `html5_inicis`.
        public var provider: String { Self.provider(of: pg) }

        /// The MID after the dot, when `pg` names one.
        public var merchantID: String? { Self.merchantID(of: pg) }

        /// `html5_inicis.MOI1234567` → `html5_inicis`.
        public static func provider(of pg: String) -> String { String(pg.prefix { $0 != "." }) }

        /// `html5_inicis.MOI1234567` → `MOI1234567`; nil without a MID.
        public static func merchantID(of pg: String) -> String? {
            guard let dot = pg.firstIndex(of: ".") else { return nil }
            let mid = pg[pg.index(after: dot)...]
            return mid.isEmpty ? nil : String(mid)
        }
    }

    /// A priced product as the manifest carries it.
    public struct Product: Codable, Equatable, Sendable {
        public var sku: String
        public var title: String
        /// Integer amount in the currency's smallest unit (won).
        public var price: Int
        public var url: String
        /// `nil` when stock is not tracked; `0` means sold out.
        public var stock: Int?
        /// `nil` when there is no per-order limit.
        public var maxQuantity: Int?
        public var options: [Option]
        /// 19세 이상: sold only to a buyer who passed identity verification as an adult (SPEC §6).
        public var adultOnly: Bool
        /// Also sold as a subscription (정기배송, SPEC §5): at these intervals, at this price per delivery.
        public var subscription: SubscriptionOffer?
        /// A timed sale (SPEC §11): its price replaces `price` while it is on.
        public var sale: Sale?
        /// 면세 (농·축·수산물, 도서 …): its lines are the tax-free part of an order's amount.
        public var taxFree: Bool

        public init(sku: String, title: String, price: Int, url: String, stock: Int? = nil,
                    maxQuantity: Int? = nil, options: [Option] = [], adultOnly: Bool = false,
                    subscription: SubscriptionOffer? = nil, sale: Sale? = nil, taxFree: Bool = false) {
            self.subscription = subscription
            self.sale = sale
            self.taxFree = taxFree
            self.sku = sku
            self.title = title
            self.price = price
            self.url = url
            self.stock = stock
            self.maxQuantity = maxQuantity
            self.options = options
            self.adultOnly = adultOnly
        }

        enum CodingKeys: String, CodingKey {
            case sku, title, price, url, stock, options, subscription, sale
            case maxQuantity = "max_quantity"
            case adultOnly = "adult_only"
            case taxFree = "tax_free"
        }

        public func encode(to encoder: any Encoder) throws {
            // Explicit nulls: a reader of catalog.json sees "stock": null (untracked), not a missing key.
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(sku, forKey: .sku)
            try container.encode(title, forKey: .title)
            try container.encode(price, forKey: .price)
            try container.encode(url, forKey: .url)
            try container.encode(stock, forKey: .stock)
            try container.encode(maxQuantity, forKey: .maxQuantity)
            try container.encode(options, forKey: .options)
            if adultOnly { try container.encode(true, forKey: .adultOnly) }   // absent: anyone may buy it
            try container.encodeIfPresent(subscription, forKey: .subscription)  // absent: sold once only
            try container.encodeIfPresent(sale, forKey: .sale)                  // absent: no sale
            if taxFree { try container.encode(true, forKey: .taxFree) }          // absent: 과세
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            sku = try container.decode(String.self, forKey: .sku)
            title = try container.decode(String.self, forKey: .title)
            price = try container.decode(Int.self, forKey: .price)
            url = try container.decodeIfPresent(String.self, forKey: .url) ?? ""
            stock = try container.decodeIfPresent(Int.self, forKey: .stock)
            maxQuantity = try container.decodeIfPresent(Int.self, forKey: .maxQuantity)
            options = try container.decodeIfPresent([Option].self, forKey: .options) ?? []
            adultOnly = try container.decodeIfPresent(Bool.self, forKey: .adultOnly) ?? false
            subscription = try container.decodeIfPresent(SubscriptionOffer.self, forKey: .subscription)
            sale = try container.decodeIfPresent(Sale.self, forKey: .sale)
            taxFree = try container.decodeIfPresent(Bool.self, forKey: .taxFree) ?? false
        }

        /// The product's own price at `time`: the sale price while a sale is on.
        public func price(at time: Int?) -> Int {
            guard let time, let sale, sale.isOn(at: time) else { return price }
            return sale.price
        }
    }

    /// A product option (분쇄도, 사이즈…) and the values a buyer may choose from.
    public struct Option: Codable, Equatable, Sendable {
        public var name: String
        public var values: [Value]

        public init(name: String, values: [Value]) {
            self.name = name
            self.values = values
        }

        public struct Value: Codable, Equatable, Sendable {
            public var label: String
            /// Added to the product's price when chosen (may be 0).
            public var price: Int

            public init(label: String, price: Int = 0) {
                self.label = label
                self.price = price
            }

            public init(from decoder: any Decoder) throws {
                let container = try decoder.container(keyedBy: CodingKeys.self)
                label = try container.decode(String.self, forKey: .label)
                price = try container.decodeIfPresent(Int.self, forKey: .price) ?? 0
            }
        }
    }

    /// The product with exactly this SKU, byte for byte (SPEC §9): a look-alike spelling names no product.
    public func product(sku: String) -> Product? {
        guard SKU.isValid(sku) else { return nil }
        return products.first { SKU.same($0.sku, sku) } ?? shelf?.source.product(sku: sku)
    }

    /// A catalog's products kept elsewhere, looked up by SKU. Two catalogs with the same shelf hold the same
    /// products, so catalogs compare their shelves by identity.
    public struct Shelf: Equatable, Sendable {
        public let source: any ProductShelf

        public init(_ source: any ProductShelf) { self.source = source }

        public static func == (lhs: Shelf, rhs: Shelf) -> Bool { lhs.source === rhs.source }
    }

    /// This catalog's prices with `current`'s stock: how an order priced with an earlier version is checked
    /// (a product no longer in `current` keeps the stock it had).
    public func withStock(of current: Catalog) -> Catalog {
        var stock: [String: Int?] = [:]
        for product in current.products { stock[product.sku] = product.stock }
        var copy = self
        copy.products = products.map { product in
            var product = product
            if let now = stock[product.sku] {
                product.stock = now
            } else if let now = current.shelf?.source.product(sku: product.sku) {
                product.stock = now.stock
            }
            return product
        }
        return copy
    }
}

/// Products looked up by SKU without holding them all (see `Catalog.shelf`).
public protocol ProductShelf: AnyObject, Sendable {
    func product(sku: String) -> Catalog.Product?
}

/// The usual Korean 배송비 rule: `fee` is added unless the items' subtotal is at least `freeOver`.
/// With `jeju` and `remote` (SPEC §11), a surcharge for 제주 and 도서산간 postcodes is added to the fee, also when
/// `free_over` waives the fee.
public struct ShippingRule: Codable, Equatable, Sendable {
    public var fee: Int
    public var freeOver: Int?
    /// Added for a postcode in 제주 (63000–63644).
    public var jeju: Int?
    /// Added for a postcode in `remotePostcodes` (도서산간).
    public var remote: Int?
    /// The 도서산간 ranges Gage ships with (data/remote-postcodes.tsv), published with the rule when `remote` is set.
    public var remotePostcodes: [PostcodeRange]?

    public init(fee: Int = 0, freeOver: Int? = nil, jeju: Int? = nil, remote: Int? = nil,
                remotePostcodes: [PostcodeRange]? = nil) {
        self.fee = fee
        self.freeOver = freeOver
        self.jeju = jeju
        self.remote = remote
        self.remotePostcodes = remotePostcodes
    }

    enum CodingKeys: String, CodingKey {
        case fee, jeju, remote
        case freeOver = "free_over"
        case remotePostcodes = "remote_postcodes"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(fee, forKey: .fee)
        try container.encode(freeOver, forKey: .freeOver)
        try container.encodeIfPresent(jeju, forKey: .jeju)
        try container.encodeIfPresent(remote, forKey: .remote)
        try container.encodeIfPresent(remotePostcodes, forKey: .remotePostcodes)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        fee = try container.decodeIfPresent(Int.self, forKey: .fee) ?? 0
        freeOver = try container.decodeIfPresent(Int.self, forKey: .freeOver)
        jeju = try container.decodeIfPresent(Int.self, forKey: .jeju)
        remote = try container.decodeIfPresent(Int.self, forKey: .remote)
        remotePostcodes = try container.decodeIfPresent([PostcodeRange].self, forKey: .remotePostcodes)
    }

    /// Whether the shop charges regional surcharges, and so needs every order's postcode.
    public var chargesSurcharges: Bool { (jeju ?? 0) > 0 || (remote ?? 0) > 0 }

    /// The surcharge for `postcode` (a 5-digit 국가기초구역 number).
    public func surcharge(forPostcode postcode: Int) -> Int {
        switch Region.of(postcode: postcode, remote: remotePostcodes ?? []) {
        case .jeju: return jeju ?? 0
        case .remote: return remote ?? 0
        case .mainland: return 0
        }
    }

    /// The fee owed for an order whose items cost `subtotal`.
    public func fee(forSubtotal subtotal: Int) -> Int {
        if let freeOver, subtotal >= freeOver { return 0 }
        return fee
    }
}

extension Catalog {
    /// A fingerprint of everything that decides a price: products, options, stock, limits, shipping, currency.
    /// With `encodings` (`gage serve`), products unchanged since the last build are not encoded again.
    public func pricedContentHash(using encodings: CatalogEncodings? = nil) -> String {
        var copy = self
        copy.version = ""
        copy.baseURL = ""
        var hash = ContentHash()
        if let encodings {
            hash.add(encodings.encode(copy, style: .compact).utf8)
        } else {
            hash.add((try? CatalogEncodings.encoder(.compact).encode(copy)) ?? Data())
        }
        return hash.hex
    }
}
