#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// One line of an order as the page builds it and Iamport's `custom_data` carries it:
/// `{"sku": "…", "quantity": 2, "options": {"분쇄도": "에스프레소용"}}`.
public struct OrderItem: Codable, Equatable, Hashable, Sendable {
    public var sku: String
    public var quantity: Int
    public var options: [String: String]

    public init(sku: String, quantity: Int, options: [String: String] = [:]) {
        self.sku = sku
        self.quantity = quantity
        self.options = options
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        sku = try container.decode(String.self, forKey: .sku)
        quantity = try container.decode(Int.self, forKey: .quantity)
        options = try container.decodeIfPresent([String: String].self, forKey: .options) ?? [:]
    }
}

/// An order line with its server-computed unit price (product price plus the chosen options' prices).
public struct PricedItem: Codable, Equatable, Sendable {
    public var sku: String
    public var title: String
    public var quantity: Int
    public var options: [String: String]
    /// Unit price including the options.
    public var price: Int

    public var lineTotal: Int { price * quantity }

    public init(sku: String, title: String, quantity: Int, options: [String: String], price: Int) {
        self.sku = sku
        self.title = title
        self.quantity = quantity
        self.options = options
        self.price = price
    }
}

/// What an order costs, computed from the catalog alone.
public struct PricedOrder: Equatable, Sendable {
    public var items: [PricedItem]
    public var subtotal: Int
    public var shipping: Int
    public var total: Int

    public init(items: [PricedItem], subtotal: Int, shipping: Int, total: Int) {
        self.items = items
        self.subtotal = subtotal
        self.shipping = shipping
        self.total = total
    }
}

/// Why an order cannot be priced. The raw values are the `reason` codes of SPEC §3.
public enum PricingError: Error, Equatable, Sendable, CustomStringConvertible {
    case emptyOrder
    case invalidQuantity(sku: String, quantity: Int)
    case unknownItem(sku: String)
    case unknownOption(sku: String, option: String)
    case missingOption(sku: String, option: String)
    case unknownOptionValue(sku: String, option: String, value: String)
    case soldOut(sku: String, requested: Int, available: Int)
    case quantityLimit(sku: String, requested: Int, limit: Int)
    case amountOverflow
    /// The product is not sold as a subscription, or not at this interval.
    case notSubscribable(sku: String, interval: String)

    /// The `reason` a rejected payment is answered with.
    public var reason: String {
        switch self {
        case .emptyOrder, .invalidQuantity, .amountOverflow: return "bad_custom_data"
        case .unknownItem, .unknownOption, .missingOption, .unknownOptionValue, .notSubscribable: return "unknown_item"
        case .soldOut: return "sold_out"
        case .quantityLimit: return "quantity_limit"
        }
    }

    public var description: String {
        switch self {
        case .emptyOrder: return "the order has no items"
        case let .invalidQuantity(sku, quantity): return "\(sku): quantity \(quantity) is not a whole number from 1 up"
        case let .unknownItem(sku): return "no product with SKU \(sku) in the catalog"
        case let .unknownOption(sku, option): return "\(sku) has no option \(option)"
        case let .missingOption(sku, option): return "\(sku): no value chosen for option \(option)"
        case let .unknownOptionValue(sku, option, value): return "\(sku): option \(option) has no value \(value)"
        case let .soldOut(sku, requested, available): return "\(sku): \(requested) requested, \(available) in stock"
        case let .quantityLimit(sku, requested, limit): return "\(sku): \(requested) requested, at most \(limit) per order"
        case .amountOverflow: return "the order's amount is too large"
        case let .notSubscribable(sku, interval): return "\(sku) is not offered as a subscription every \(interval)"
        }
    }
}

/// The one implementation of an order's price. The shop's pages run the same rules in JavaScript
/// (the module templates/assets/js/pricing.js); a test keeps the two in agreement.
public enum Pricing {
    /// A quantity above this is refused outright, whatever the product's limits, so no sum can overflow.
    public static let absoluteMaxQuantity = 9_999

    /// Prices `items` against `catalog`.
    ///
    /// - `alreadySold`: units of each SKU already sold to other orders (from the ledger); stock is checked
    ///   against `stock - alreadySold`.
    /// - `subscription`: price one delivery of a subscription at this interval: every product must offer it, and
    ///   its subscriber price replaces the product price (options still add theirs).
    public static func price(_ items: [OrderItem], in catalog: Catalog, alreadySold: [String: Int] = [:],
                             subscription: SubscriptionInterval? = nil) throws(PricingError) -> PricedOrder {
        guard !items.isEmpty else { throw .emptyOrder }
        var priced: [PricedItem] = []
        priced.reserveCapacity(items.count)
        var quantityBySKU: [String: Int] = [:]
        var subtotal = 0
        for item in items {
            guard item.quantity >= 1, item.quantity <= absoluteMaxQuantity else {
                throw .invalidQuantity(sku: item.sku, quantity: item.quantity)
            }
            guard var product = catalog.product(sku: item.sku) else { throw .unknownItem(sku: item.sku) }
            if let subscription {
                guard let offer = product.subscription, offer.offers(subscription) else {
                    throw .notSubscribable(sku: item.sku, interval: subscription.description)
                }
                product.price = offer.price
            }
            let unitPrice = try self.unitPrice(of: product, options: item.options)
            quantityBySKU[item.sku, default: 0] += item.quantity
            let (line, lineOverflow) = unitPrice.multipliedReportingOverflow(by: item.quantity)
            let (sum, sumOverflow) = subtotal.addingReportingOverflow(line)
            guard !lineOverflow, !sumOverflow else { throw .amountOverflow }
            subtotal = sum
            // The catalog's own spelling is what the ledger keeps (byte-equal to the item's, as `product(sku:)` found it).
            priced.append(PricedItem(sku: product.sku, title: product.title, quantity: item.quantity,
                                     options: item.options, price: unitPrice))
        }
        // Limits apply to the SKU's total across lines, in the order the SKUs first appear.
        var checked = Set<String>()
        for item in items where checked.insert(item.sku).inserted {
            guard let product = catalog.product(sku: item.sku) else { continue }
            let requested = quantityBySKU[item.sku, default: 0]
            if let stock = product.stock {
                let available = max(0, stock - alreadySold[item.sku, default: 0])
                if requested > available { throw .soldOut(sku: item.sku, requested: requested, available: available) }
            }
            if let limit = product.maxQuantity, requested > limit {
                throw .quantityLimit(sku: item.sku, requested: requested, limit: limit)
            }
        }
        let shipping = catalog.shipping.fee(forSubtotal: subtotal)
        let (total, overflow) = subtotal.addingReportingOverflow(shipping)
        guard !overflow else { throw .amountOverflow }
        return PricedOrder(items: priced, subtotal: subtotal, shipping: shipping, total: total)
    }

    /// The product's price plus the price of each chosen option value. Every option needs a choice.
    public static func unitPrice(of product: Catalog.Product,
                                 options chosen: [String: String]) throws(PricingError) -> Int {
        for name in chosen.keys.sorted() where !product.options.contains(where: { $0.name == name }) {
            throw .unknownOption(sku: product.sku, option: name)
        }
        var price = product.price
        for option in product.options {
            guard let label = chosen[option.name] else { throw .missingOption(sku: product.sku, option: option.name) }
            guard let value = option.values.first(where: { $0.label == label }) else {
                throw .unknownOptionValue(sku: product.sku, option: option.name, value: label)
            }
            price += value.price
        }
        return price
    }
}
