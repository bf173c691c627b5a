import GageCore
import GageLedger
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The function's JSON answer. Never carries buyer names, phone numbers, addresses or e-mails.
public struct Reply: Encodable, Sendable, Equatable {
    public var ok: Bool
    public var status: String?
    public var impUID: String?
    public var merchantUID: String?
    public var amount: Int?
    public var expectedAmount: Int?
    public var currency: String?
    public var name: String?
    public var items: [PricedItem]?
    public var reason: String?
    public var refunded: Bool?
    public var vbank: VirtualAccount?
    /// What the provider has cancelled of a paid order (a partial cancel).
    public var cancelledAmount: Int?
    /// SPEC §11's rules, when they did something: won a discount code saved, the regional surcharge, and the
    /// tax-free (면세) part of the amount.
    public var discount: Int?
    public var surcharge: Int?
    public var taxFree: Int?
    /// `/identity`: whether the certification makes the buyer an adult for this shop. Nothing else of it.
    public var adult: Bool?
    /// `/order`: the order a guest looked up, without anything about the buyer.
    public var order: OrderSummary?
    /// `/order` with `cancel` or `return`: what was done.
    public var action: OrderActionResult?
    /// `/subscribe` and `/subscription`: the subscription, and (to its buyer, once) the token of its manage page.
    public var subscription: SubscriptionSummary?
    public var manageToken: String?
    /// A paid order or an issued account whose buyer is sent this shop's e-mails (nil: none is sent).
    public var mailed: Bool?
    /// A declined card: the card company's reason, as the buyer would see it in the PG's window.
    public var declineMessage: String?
    public var error: String?
    /// A refused PortOne confirm request: what PortOne's window shows the buyer.
    public var errorMessage: String?
    /// `/prepare` refusing an order (SPEC §9): the product it is about, as the catalog names it, and what is left
    /// (`available`), how many were asked for (`requested`) and the per-order `limit`, as the reason has them.
    public var sku: String?
    public var title: String?
    public var available: Int?
    public var requested: Int?
    public var limit: Int?
    /// `/prepare` refusing a discount code: why (`used_up`, `expired`, … — SPEC §11's problems), so the cart can say.
    public var discountProblem: String?
    /// `/prepare`: until when (Unix seconds) the order's units are held.
    public var holdUntil: Int?
    /// `/stock`: units that can be bought now, per SKU asked (null: stock not tracked), and SKUs that name no product.
    public var stock: [String: Int?]?
    public var unknown: [String]?

    enum CodingKeys: String, CodingKey {
        case ok, status, impUID = "imp_uid", merchantUID = "merchant_uid", amount, expectedAmount = "expected_amount"
        case currency, name, items, reason, refunded, vbank, cancelledAmount = "cancelled_amount", adult, order, error
        case subscription, manageToken = "manage_token", declineMessage = "decline_message", errorMessage, action, mailed
        case discount, surcharge, taxFree = "tax_free"
        case sku, title, available, requested, limit, holdUntil = "hold_until", stock, unknown
        case discountProblem = "discount_problem"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(ok, forKey: .ok)
        try container.encodeIfPresent(status, forKey: .status)
        try container.encodeIfPresent(impUID, forKey: .impUID)
        try container.encodeIfPresent(merchantUID, forKey: .merchantUID)
        try container.encodeIfPresent(amount, forKey: .amount)
        try container.encodeIfPresent(expectedAmount, forKey: .expectedAmount)
        try container.encodeIfPresent(currency, forKey: .currency)
        try container.encodeIfPresent(name, forKey: .name)
        try container.encodeIfPresent(items, forKey: .items)
        try container.encodeIfPresent(reason, forKey: .reason)
        try container.encodeIfPresent(refunded, forKey: .refunded)
        try container.encodeIfPresent(vbank, forKey: .vbank)
        try container.encodeIfPresent(cancelledAmount, forKey: .cancelledAmount)
        try container.encodeIfPresent(discount, forKey: .discount)
        try container.encodeIfPresent(surcharge, forKey: .surcharge)
        try container.encodeIfPresent(taxFree, forKey: .taxFree)
        try container.encodeIfPresent(adult, forKey: .adult)
        try container.encodeIfPresent(order, forKey: .order)
        try container.encodeIfPresent(error, forKey: .error)
        try container.encodeIfPresent(subscription, forKey: .subscription)
        try container.encodeIfPresent(manageToken, forKey: .manageToken)
        try container.encodeIfPresent(mailed, forKey: .mailed)
        try container.encodeIfPresent(declineMessage, forKey: .declineMessage)
        try container.encodeIfPresent(errorMessage, forKey: .errorMessage)
        try container.encodeIfPresent(action, forKey: .action)
        try container.encodeIfPresent(sku, forKey: .sku)
        try container.encodeIfPresent(title, forKey: .title)
        try container.encodeIfPresent(available, forKey: .available)
        try container.encodeIfPresent(requested, forKey: .requested)
        try container.encodeIfPresent(limit, forKey: .limit)
        try container.encodeIfPresent(holdUntil, forKey: .holdUntil)
        try container.encodeIfPresent(discountProblem, forKey: .discountProblem)
        // An untracked stock is an explicit null: the cart tells "any number" from "not asked".
        try container.encodeIfPresent(stock.map { $0.mapValues { $0.map(StockValue.units) ?? .untracked } }, forKey: .stock)
        try container.encodeIfPresent(unknown, forKey: .unknown)
    }

    private enum StockValue: Encodable {
        case units(Int)
        case untracked

        func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            switch self {
            case let .units(count): try container.encode(count)
            case .untracked: try container.encodeNil()
            }
        }
    }

    public static func failure(_ message: String) -> Reply {
        Reply(ok: false, error: message)
    }

    public init(ok: Bool, status: String? = nil, impUID: String? = nil, merchantUID: String? = nil, amount: Int? = nil,
                expectedAmount: Int? = nil, currency: String? = nil, name: String? = nil, items: [PricedItem]? = nil,
                reason: String? = nil, refunded: Bool? = nil, vbank: VirtualAccount? = nil, error: String? = nil) {
        self.ok = ok
        self.status = status
        self.impUID = impUID
        self.merchantUID = merchantUID
        self.amount = amount
        self.expectedAmount = expectedAmount
        self.currency = currency
        self.name = name
        self.items = items
        self.reason = reason
        self.refunded = refunded
        self.vbank = vbank
        self.error = error
    }

    /// The decision the ledger holds, as the page and webhook see it: every arrival of one payment tells the
    /// same story, because every arrival answers from here.
    init(order: LedgerOrder) {
        self.init(ok: true, status: order.status, impUID: order.impUID, merchantUID: order.merchantUID,
                  amount: order.amount, currency: order.currency, name: order.name)
        switch order.status {
        case "paid", "awaiting_deposit":
            items = order.items
            if order.status == "awaiting_deposit" { vbank = order.vbank }
            if order.cancelledAmount > 0 { cancelledAmount = order.cancelledAmount }
            if let effects = order.pricing { setEffects(discount: effects.discount, surcharge: effects.surcharge, taxFree: effects.taxFree) }
        case "rejected":
            reason = order.reason
            expectedAmount = order.expectedAmount
            refunded = order.refunded ?? false
        default:
            break
        }
    }

    /// Each rule's effect, only where it did something.
    mutating func setEffects(discount: Int, surcharge: Int, taxFree: Int) {
        self.discount = discount > 0 ? discount : nil
        self.surcharge = surcharge > 0 ? surcharge : nil
        self.taxFree = taxFree > 0 ? taxFree : nil
    }

    /// A payment that is not this shop's: nothing about it is judged or kept.
    static func ignored(_ payment: ProviderPayment) -> Reply {
        Reply(ok: true, status: "ignored", impUID: payment.impUID, merchantUID: payment.merchantUID,
              amount: payment.amount, currency: payment.currency)
    }

    public var json: [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Array((try? encoder.encode(self)) ?? Data(#"{"ok":false,"error":"internal error"}"#.utf8))
    }
}
