#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// `catalog.json`: the price manifest a shop is built with, and the single source of truth for prices
/// when a payment is verified. Its shape is fixed by SPEC §2.
public struct Catalog: Codable, Equatable, Sendable {
    public var version: String
    public var baseURL: String
    public var currency: String
    public var orderPrefix: String
    public var shipping: ShippingRule
    public var products: [Product]

    public init(version: String = "", baseURL: String, currency: String = "KRW", orderPrefix: String = "gage-",
                shipping: ShippingRule = ShippingRule(), products: [Product]) {
        self.version = version
        self.baseURL = baseURL
        self.currency = currency
        self.orderPrefix = orderPrefix
        self.shipping = shipping
        self.products = products
    }

    enum CodingKeys: String, CodingKey {
        case version, currency, shipping, products
        case baseURL = "base_url"
        case orderPrefix = "order_prefix"
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

        public init(sku: String, title: String, price: Int, url: String, stock: Int? = nil,
                    maxQuantity: Int? = nil, options: [Option] = []) {
            self.sku = sku
            self.title = title
            self.price = price
            self.url = url
            self.stock = stock
            self.maxQuantity = maxQuantity
            self.options = options
        }

        enum CodingKeys: String, CodingKey {
            case sku, title, price, url, stock, options
            case maxQuantity = "max_quantity"
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

    public func product(sku: String) -> Product? {
        products.first { $0.sku == sku }
    }
}

/// The usual Korean 배송비 rule: `fee` is added unless the items' subtotal is at least `freeOver`.
public struct ShippingRule: Codable, Equatable, Sendable {
    public var fee: Int
    public var freeOver: Int?

    public init(fee: Int = 0, freeOver: Int? = nil) {
        self.fee = fee
        self.freeOver = freeOver
    }

    enum CodingKeys: String, CodingKey {
        case fee
        case freeOver = "free_over"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(fee, forKey: .fee)
        try container.encode(freeOver, forKey: .freeOver)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        fee = try container.decodeIfPresent(Int.self, forKey: .fee) ?? 0
        freeOver = try container.decodeIfPresent(Int.self, forKey: .freeOver)
    }

    /// The fee owed for an order whose items cost `subtotal`.
    public func fee(forSubtotal subtotal: Int) -> Int {
        if let freeOver, subtotal >= freeOver { return 0 }
        return fee
    }
}

extension Catalog {
    /// A fingerprint of everything that decides a price: products, options, stock, limits, shipping, currency.
    public func pricedContentHash() -> String {
        var copy = self
        copy.version = ""
        copy.baseURL = ""
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var hash = ContentHash()
        hash.add((try? encoder.encode(copy)) ?? Data())
        return hash.hex
    }
}
