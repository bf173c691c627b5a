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
    /// This line's share of the order's discount (whole won; see `Pricing.splitDiscount`).
    public var discount: Int
    /// A 면세 product's line: what it costs after its discount share is the tax-free part of the amount.
    public var taxFree: Bool

    public var lineTotal: Int { price * quantity }

    public init(sku: String, title: String, quantity: Int, options: [String: String], price: Int,
                discount: Int = 0, taxFree: Bool = false) {
        self.sku = sku
        self.title = title
        self.quantity = quantity
        self.options = options
        self.price = price
        self.discount = discount
        self.taxFree = taxFree
    }

    enum CodingKeys: String, CodingKey {
        case sku, title, quantity, options, price, discount
        case taxFree = "tax_free"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        sku = try container.decode(String.self, forKey: .sku)
        title = try container.decode(String.self, forKey: .title)
        quantity = try container.decode(Int.self, forKey: .quantity)
        options = try container.decode([String: String].self, forKey: .options)
        price = try container.decode(Int.self, forKey: .price)
        discount = try container.decodeIfPresent(Int.self, forKey: .discount) ?? 0
        taxFree = try container.decodeIfPresent(Bool.self, forKey: .taxFree) ?? false
    }

    /// Lines without a discount or 면세 read as they did before those rules.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(sku, forKey: .sku)
        try container.encode(title, forKey: .title)
        try container.encode(quantity, forKey: .quantity)
        try container.encode(options, forKey: .options)
        try container.encode(price, forKey: .price)
        if discount != 0 { try container.encode(discount, forKey: .discount) }
        if taxFree { try container.encode(true, forKey: .taxFree) }
    }
}

/// What an order costs, computed from the catalog alone:
/// `total = subtotal - discount + shipping + surcharge`.
public struct PricedOrder: Equatable, Sendable {
    public var items: [PricedItem]
    public var subtotal: Int
    /// The shipping fee charged (after `free_over` and a free-shipping code), without the regional surcharge.
    public var shipping: Int
    public var total: Int
    /// Won a discount code took off the items.
    public var discount: Int
    /// The shipping fee a free-shipping code waived.
    public var shippingDiscount: Int
    /// The 제주 or 도서산간 surcharge.
    public var surcharge: Int
    /// The tax-free (면세) part of `total`: the 면세 lines after their discount shares.
    public var taxFree: Int
    /// The discount code the order redeemed, normalised (set by whoever looked the code up).
    public var discountCode: String?

    public init(items: [PricedItem], subtotal: Int, shipping: Int, total: Int, discount: Int = 0,
                shippingDiscount: Int = 0, surcharge: Int = 0, taxFree: Int = 0) {
        self.items = items
        self.subtotal = subtotal
        self.shipping = shipping
        self.total = total
        self.discount = discount
        self.shippingDiscount = shippingDiscount
        self.surcharge = surcharge
        self.taxFree = taxFree
    }

    /// What the discount code saved the buyer in all (items and shipping).
    public var savedByCode: Int { discount + shippingDiscount }
}

/// The moment and the buyer's choices the time- and place-bound rules of SPEC §11 are judged with.
public struct PricingTerms: Sendable, Equatable {
    /// Unix seconds: sales and discount codes are judged as of this moment.
    public var time: Int
    /// The discount rule the order's code names (already looked up by its hash), if it names one.
    public var discount: DiscountRule?
    /// The delivery postcode as given (typed, or reported by the provider).
    public var postcode: String?

    public init(time: Int, discount: DiscountRule? = nil, postcode: String? = nil) {
        self.time = time
        self.discount = discount
        self.postcode = postcode
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
    /// The order names a discount code that is unknown, not in effect, or used up.
    case discountInvalid(DiscountProblem)
    /// The shop charges regional surcharges and the order has no (5-digit) postcode.
    case addressRequired

    /// The `reason` a rejected payment is answered with.
    public var reason: String {
        switch self {
        case .emptyOrder, .invalidQuantity, .amountOverflow: return "bad_custom_data"
        case .unknownItem, .unknownOption, .missingOption, .unknownOptionValue, .notSubscribable: return "unknown_item"
        case .soldOut: return "sold_out"
        case .quantityLimit: return "quantity_limit"
        case .discountInvalid: return "discount_invalid"
        case .addressRequired: return "address_required"
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
        case let .discountInvalid(problem):
            switch problem {
            case .notStarted: return "the discount code is not in effect yet"
            case .expired: return "the discount code has expired"
            case .usedUp: return "the discount code has been used up"
            default: return "no such discount code"
            }
        case .addressRequired: return "the order has no delivery postcode (needed for 제주/도서산간 shipping)"
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
    ///   its subscriber price replaces the product price (options still add theirs; sales do not apply).
    /// - `terms`: the moment, discount code and postcode the rules of SPEC §11 are judged with. Without terms no
    ///   sale, code or surcharge applies (the catalog's plain prices).
    public static func price(_ items: [OrderItem], in catalog: Catalog, alreadySold: [String: Int] = [:],
                             subscription: SubscriptionInterval? = nil,
                             terms: PricingTerms? = nil) throws(PricingError) -> PricedOrder {
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
            } else {
                product.price = product.price(at: terms?.time)
            }
            let unitPrice = try self.unitPrice(of: product, options: item.options)
            quantityBySKU[item.sku, default: 0] += item.quantity
            let (line, lineOverflow) = unitPrice.multipliedReportingOverflow(by: item.quantity)
            let (sum, sumOverflow) = subtotal.addingReportingOverflow(line)
            guard !lineOverflow, !sumOverflow else { throw .amountOverflow }
            subtotal = sum
            // The catalog's own spelling is what the ledger keeps (byte-equal to the item's, as `product(sku:)` found it).
            priced.append(PricedItem(sku: product.sku, title: product.title, quantity: item.quantity,
                                     options: item.options, price: unitPrice, taxFree: product.taxFree))
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
        return try applyRules(to: priced, subtotal: subtotal, shipping: catalog.shipping, terms: terms)
    }

    /// The rules after the items' prices (SPEC §11), in this order: the discount code takes whole won off the
    /// eligible items (never below zero) and is split over their lines; `free_over` compares the subtotal after
    /// the discount; a free-shipping code waives the fee; the regional surcharge is added whatever waived the fee.
    static func applyRules(to lines: [PricedItem], subtotal: Int, shipping rule: ShippingRule,
                           terms: PricingTerms?) throws(PricingError) -> PricedOrder {
        var lines = lines
        var discount = 0
        var freeShipping = false
        if let code = terms?.discount, let time = terms?.time {
            if let problem = code.outOfWindow(at: time) { throw .discountInvalid(problem) }
            if case let .applies(amount, waivesShipping) = discountOutcome(code, lines: lines) {
                discount = amount
                freeShipping = waivesShipping
                splitDiscount(amount, over: &lines, eligible: code.covers)
            }
        }
        let afterDiscount = subtotal - discount
        let fee = rule.fee(forSubtotal: afterDiscount)
        let shipping = freeShipping ? 0 : fee
        var surcharge = 0
        if rule.chargesSurcharges, let terms {
            guard let postcode = Region.postcode(terms.postcode) else { throw .addressRequired }
            surcharge = rule.surcharge(forPostcode: postcode)
        }
        let (total, overflow) = afterDiscount.addingReportingOverflow(shipping + surcharge)
        guard !overflow else { throw .amountOverflow }
        let taxFree = lines.filter(\.taxFree).reduce(0) { $0 + $1.lineTotal - $1.discount }
        return PricedOrder(items: lines, subtotal: subtotal, shipping: shipping, total: total, discount: discount,
                           shippingDiscount: freeShipping ? fee : 0, surcharge: surcharge, taxFree: taxFree)
    }

    /// What a code in effect gives a cart.
    public enum DiscountOutcome: Equatable, Sendable {
        /// `amount` won off the items; `waivesShipping` for a free-shipping code.
        case applies(amount: Int, waivesShipping: Bool)
        /// The code gives this cart nothing (`belowMinimum`, `noEligibleItems`).
        case nothing(DiscountProblem)
    }

    /// The discount of `code` on `lines`: percent of the eligible subtotal rounded down (capped by
    /// `max_discount`), or `amount` (at most the eligible subtotal), or the shipping fee.
    public static func discountOutcome(_ code: DiscountRule, lines: [PricedItem]) -> DiscountOutcome {
        let eligible = lines.filter { code.covers($0.sku) }.reduce(0) { $0 + $1.lineTotal }
        guard eligible > 0 else { return .nothing(.noEligibleItems) }
        if let minimum = code.minSubtotal, eligible < minimum { return .nothing(.belowMinimum) }
        var amount = 0
        if let percent = code.percent {
            // ⌊eligible × percent ÷ 100⌋ without forming the product (percent is at most 100).
            let percent = min(max(percent, 0), 100)
            amount = eligible / 100 * percent + eligible % 100 * percent / 100
            if let cap = code.maxDiscount { amount = min(amount, cap) }
        } else if let fixed = code.amount {
            amount = fixed
        }
        return .applies(amount: min(max(amount, 0), eligible), waivesShipping: code.freeShipping)
    }

    /// Splits `discount` over the eligible lines in proportion to what each costs (largest remainder): each line
    /// gets `discount × line ÷ eligible subtotal` rounded down, and the won left over go one each to the lines
    /// with the largest remainders (the earlier line on a tie). So the shares are whole won, add up to the
    /// discount exactly, and none is more than its line.
    public static func splitDiscount(_ discount: Int, over lines: inout [PricedItem], eligible: (String) -> Bool) {
        let indices = lines.indices.filter { eligible(lines[$0].sku) && lines[$0].lineTotal > 0 }
        guard discount > 0, !indices.isEmpty else { return }
        let eligibleTotal = indices.reduce(0) { $0 + lines[$1].lineTotal }
        var remainders: [(index: Int, remainder: Int)] = []
        var given = 0
        for index in indices {
            let (share, remainder) = eligibleTotal.dividingFullWidth(discount.multipliedFullWidth(by: lines[index].lineTotal))
            lines[index].discount = share
            given += share
            remainders.append((index, remainder))
        }
        let ranked = remainders.enumerated().sorted { a, b in
            a.element.remainder != b.element.remainder ? a.element.remainder > b.element.remainder : a.offset < b.offset
        }
        for entry in ranked.prefix(discount - given) { lines[entry.element.index].discount += 1 }
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
