import GageCore
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// What the provider's record of a payment says, read against the catalog (SPEC §3, "The decision"). This is a
/// single look; `Settlement` decides what it changes about an order the ledger already holds.
public enum Judgement: Sendable, Equatable {
    case paid(PricedOrder)
    /// An issued virtual account for the right amount, holding stock until `holdUntil`.
    case awaitingDeposit(PricedOrder, VirtualAccount, holdUntil: Int)
    /// An issued virtual account whose hold ran out with no deposit.
    case expired(VirtualAccount)
    /// Not this shop's sale: another prefix, or another shop's id in the custom data.
    case ignored
    case unpaid
    case failed
    case cancelled
    /// `refund`: money moved and must go back. `refunded`: it already went back (an earlier decision of ours).
    /// `taxFree`: for an order priced for exactly what was paid and refused after (성인인증), its tax-free part,
    /// which its refund carries where the provider does not report one (V1).
    case rejected(reason: String, expectedAmount: Int?, refund: Bool, alreadyRefunded: Bool, taxFree: Int = 0)

    /// Prefix of the cancel reason Gage writes, so a later look at a refunded payment tells the same story.
    public static let refundReasonPrefix = "[gage] "

    /// What the page put in `custom_data`: the items, the shop, and the catalog version it priced with.
    public struct OrderData: Decodable, Sendable, Equatable {
        public var items: [OrderItem]
        public var shop: String?
        public var catalog: String?
        /// The discount code as the buyer typed it (SPEC §11); one per order.
        public var discount: String?
        /// When the page priced the order (Unix seconds, by the buyer's clock): sales and codes are judged as of
        /// then when it is within `price_grace` of the payment's start (see `Judgement.pricingMoment`).
        public var pricedAt: Int?

        enum CodingKeys: String, CodingKey {
            case items, shop, catalog, discount
            case pricedAt = "priced_at"
        }

        /// `priced_at` only informs when sales and codes are judged: one that is not a whole number of seconds is
        /// left out (the payment's start counts), never a reason to refuse the order.
        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            items = try container.decode([OrderItem].self, forKey: .items)
            shop = try container.decodeIfPresent(String.self, forKey: .shop)
            catalog = try container.decodeIfPresent(String.self, forKey: .catalog)
            discount = try container.decodeIfPresent(String.self, forKey: .discount)
            pricedAt = (try? container.decodeIfPresent(Int.self, forKey: .pricedAt)) ?? nil
        }

        public init(items: [OrderItem], shop: String? = nil, catalog: String? = nil, discount: String? = nil,
                    pricedAt: Int? = nil) {
            self.items = items
            self.shop = shop
            self.catalog = catalog
            self.discount = discount
            self.pricedAt = pricedAt
        }

        /// The code the order names, normalised; nil when it names none.
        public var discountCode: String? {
            guard let discount else { return nil }
            let code = DiscountKey.normalise(discount)
            return code.isEmpty ? nil : code
        }

        /// nil when the text is not the custom data of a Gage page.
        public static func parse(_ text: String?) -> OrderData? {
            guard let text else { return nil }
            return try? JSONDecoder().decode(OrderData.self, from: Data(text.utf8))
        }
    }

    /// Whether the payment is this shop's to judge: its merchant_uid has the shop's prefix and its custom data
    /// names no other shop.
    public static func belongs(_ payment: ProviderPayment, to catalog: Catalog) -> Bool {
        guard payment.merchantUID.hasPrefix(catalog.orderPrefix) else { return false }
        // One PortOne merchant may run several stores with one API secret: another store's payment is not ours.
        if catalog.payment.api == .portone, let store = payment.storeID, store != catalog.payment.storeID {
            return false
        }
        guard !catalog.shop.isEmpty, let claimed = shopClaim(payment.customData) else { return true }
        return claimed == catalog.shop
    }

    /// `custom_data.shop`, read on its own so that a payment whose items are malformed still says whose it is.
    static func shopClaim(_ text: String?) -> String? {
        struct Claim: Decodable { var shop: String? }
        guard let text else { return nil }
        return (try? JSONDecoder().decode(Claim.self, from: Data(text.utf8)))?.shop
    }

    /// The inputs of one look: the catalog the order is priced with (maybe an earlier version, with today's
    /// stock), today's catalog for the shop's rules, what other orders hold, and the time.
    public struct Context: Sendable {
        public var pricing: Catalog
        public var current: Catalog
        public var held: [String: Int]
        public var now: Int
        /// The identity verification the order names, when it holds an adult-only product (nil: none looked up).
        public var identity: IdentityEvidence?
        /// For a subscription's charge: the subscription its merchant_uid names, as the ledger holds it.
        public var subscription: SubscriptionTerms?
        /// Redemptions of the order's discount code held by other orders (from the ledger).
        public var redemptions: Int
        /// The ledger already holds this payment's order, or the subscription it charges: it is the shop's whatever
        /// the catalog's prefix and shop id are now (SPEC §9).
        public var heldByLedger = false
        /// The subscription charge the merchant_uid names (found by the ledger under the subscription's own
        /// prefix); nil: read with today's prefix.
        public var charge: SubscriptionCharge?

        /// Whether the order needs an adult's certification: the union of the pricing and today's versions' rules.
        public func needsAdult(_ skus: [String]) -> Bool {
            current.needsAdult(skus) || pricing.needsAdult(skus)
        }

        public init(pricing: Catalog, current: Catalog, held: [String: Int] = [:], now: Int,
                    identity: IdentityEvidence? = nil, subscription: SubscriptionTerms? = nil, redemptions: Int = 0) {
            self.redemptions = redemptions
            self.pricing = pricing
            self.current = current
            self.held = held
            self.now = now
            self.identity = identity
            self.subscription = subscription
        }
    }

    public static func judge(_ payment: ProviderPayment, _ context: Context) -> Judgement {
        guard context.heldByLedger || belongs(payment, to: context.current) else { return .ignored }
        if payment.holdsMoney {
            return check(payment, context, moneyMoved: true) { .paid($0) }
        }
        switch payment.status {
        case "ready":
            guard payment.isIssuedVirtualAccount else { return .unpaid }
            let account = VirtualAccount(bank: payment.vbankName ?? "", number: payment.vbankNum ?? "",
                                         holder: payment.vbankHolder,
                                         due: payment.vbankDate.flatMap { $0 > 0 ? $0 : nil })
            let holdUntil = self.holdUntil(payment, vbankHours: context.current.vbankHours, now: context.now)
            guard context.now < holdUntil else { return .expired(account) }
            return check(payment, context, moneyMoved: false) { .awaitingDeposit($0, account, holdUntil: holdUntil) }
        case "failed":
            return .failed
        case "cancelled":
            if let reason = payment.cancelReason, reason.hasPrefix(refundReasonPrefix) {
                let code = reason.dropFirst(refundReasonPrefix.count).prefix { $0 != ":" && $0 != " " }
                return .rejected(reason: String(code), expectedAmount: nil, refund: false, alreadyRefunded: true)
            }
            return .cancelled
        default:
            return .unpaid
        }
    }

    /// An issued virtual account holds stock until its due time, and never longer than `vbankHours` after it
    /// was issued, whatever due time the page asked for.
    public static func holdUntil(_ payment: ProviderPayment, vbankHours: Int, now: Int) -> Int {
        let issued = [payment.vbankIssuedAt, payment.startedAt].first { $0 > 0 } ?? now
        let cap = issued + vbankHours * 3600
        guard let due = payment.vbankDate, due > 0 else { return cap }
        return min(due, cap)
    }

    private static func check(_ payment: ProviderPayment, _ context: Context, moneyMoved: Bool,
                              accept: (PricedOrder) -> Judgement) -> Judgement {
        func reject(_ reason: String, expected: Int? = nil) -> Judgement {
            .rejected(reason: reason, expectedAmount: expected, refund: moneyMoved, alreadyRefunded: false)
        }
        func rejectCharge(_ reason: String, expected: Int?) -> Judgement { reject(reason, expected: expected) }
        guard payment.currency == context.current.currency else { return reject("currency_mismatch") }
        if let charge = context.charge
            ?? SubscriptionCharge(merchantUID: payment.merchantUID, prefix: context.current.orderPrefix) {
            return checkCharge(charge, payment, context, reject: rejectCharge, accept: accept)
        }
        guard ChannelCheck.accepts(payment, context.current.payment) else { return reject("channel_mismatch") }
        guard let data = OrderData.parse(payment.customData) else { return reject("bad_custom_data") }
        let order: PricedOrder
        do {
            let moment = pricingMoment(claimed: data.pricedAt, started: payment.startedAt > 0 ? payment.startedAt : context.now,
                                       graceMinutes: context.current.priceGraceMinutes)
            order = try priceOrder(data, catalog: context.pricing, held: context.held, redemptions: context.redemptions,
                                   time: moment, postcode: payment.buyerPostcode)
        } catch {
            return reject(error.reason)
        }
        guard payment.amount == order.total else { return reject("amount_mismatch", expected: order.total) }
        // The provider's tax-free figure, where it reports one, must be the order's own (a 면세 split is a tax filing).
        if let taxFree = payment.taxFree, taxFree != order.taxFree {
            return reject("amount_mismatch", expected: order.total)
        }
        // Adult-only binds whichever version says so (SPEC §9): today's rule, like stock, so an earlier version
        // within price_grace cannot drop it, and the pricing version's, so making a product adult-only in a
        // version that then ends is not undone by the next build either.
        if context.needsAdult(order.items.map(\.sku)) {
            guard case .adult? = context.identity else {
                return .rejected(reason: "identity_required", expectedAmount: nil, refund: moneyMoved,
                                 alreadyRefunded: false, taxFree: order.taxFree)
            }
        }
        return accept(order)
    }
}

extension Judgement {
    /// The moment sales and discount codes are judged at: the page's own (`priced_at`) when it is within
    /// `price_grace` of the payment's start — a sale or code that ended while the buyer was paying is honoured,
    /// like a replaced price — otherwise the payment's start.
    public static func pricingMoment(claimed: Int?, started: Int, graceMinutes: Int) -> Int {
        guard let claimed, abs(claimed - started) <= graceMinutes * 60 else { return started }
        return claimed
    }

    /// Prices what the custom data orders: its discount code looked up by hash in the catalog that prices it, and
    /// refused when unknown or used up (`limit` against `redemptions`, counted in the ledger); sales, the code's
    /// window and the postcode's surcharge as of `time`.
    public static func priceOrder(_ data: OrderData, catalog: Catalog, held: [String: Int], redemptions: Int,
                                  time: Int, postcode: String?) throws(PricingError) -> PricedOrder {
        var rule: DiscountRule?
        if let code = data.discountCode {
            guard let found = catalog.discount(code: code) else { throw .discountInvalid(.unknown) }
            if let limit = found.limit, redemptions >= limit { throw .discountInvalid(.usedUp) }
            rule = found
        }
        var order = try Pricing.price(data.items, in: catalog, alreadySold: held,
                                      terms: PricingTerms(time: time, discount: rule, postcode: postcode))
        if rule != nil { order.discountCode = data.discountCode }
        return order
    }

    /// A subscription's charge is judged against the subscription, not against anything the payment says: it must
    /// be a charge of a subscription the ledger holds, with that subscription's billing key and through the shop's
    /// billing PG, for exactly the amount the function charges every delivery (fixed when the buyer subscribed);
    /// the products must still exist and be in stock today. One made after the subscription was cancelled is
    /// refused (and refunded).
    fileprivate static func checkCharge(_ charge: SubscriptionCharge, _ payment: ProviderPayment, _ context: Context,
                                        reject: (String, Int?) -> Judgement,
                                        accept: (PricedOrder) -> Judgement) -> Judgement {
        guard let terms = context.subscription, terms.id == charge.subscriptionID,
              payment.customerUID == terms.customerUID else { return reject("bad_custom_data", nil) }
        guard ChannelCheck.acceptsBilling(payment, context.current.payment) else { return reject("channel_mismatch", nil) }
        if let cancelledAt = terms.cancelledAt, (payment.paidAt > 0 ? payment.paidAt : context.now) >= cancelledAt {
            return reject("subscription_cancelled", nil)
        }
        let wanted = terms.items.map { OrderItem(sku: $0.sku, quantity: $0.quantity, options: $0.options) }
        do {
            _ = try Pricing.price(wanted, in: context.current, alreadySold: context.held)
        } catch {
            return reject(error.reason, nil)
        }
        guard payment.amount == terms.amount else { return reject("amount_mismatch", terms.amount) }
        if context.needsAdult(wanted.map(\.sku)) {
            guard case .adult? = context.identity else { return reject("identity_required", nil) }
        }
        let subtotal = terms.items.reduce(0) { $0 + $1.lineTotal }
        return accept(PricedOrder(items: terms.items, subtotal: subtotal, shipping: terms.amount - subtotal - terms.surcharge,
                                  total: terms.amount, surcharge: terms.surcharge, taxFree: terms.taxFree))
    }
}

/// Only the shop's own channels count: its PG, its MID when `pg` names one, and one of its pay methods.
public enum ChannelCheck {
    /// PGs whose window lets the buyer choose how to pay inside it; what they report is one of these.
    static let easyPayProviders: Set<String> = ["kakaopay", "naverpay", "payco", "tosspay", "ssgpay", "lpay",
                                                "smilepay", "chai", "kpay", "applepay", "samsung"]
    static let easyPayMethods: Set<String> = ["card", "point", "trans"]
    /// How Iamport reports a pay method when it differs from the name `IMP.request_pay` takes.
    static let reportedAs: [String: String] = ["samsungpay": "samsung"]

    /// A charge with a billing key: by card, through the shop's billing PG (and its MID when `billing_pg` names one),
    /// or, V2, through its billing channel.
    public static func acceptsBilling(_ payment: ProviderPayment, _ channels: Catalog.PaymentChannels) -> Bool {
        if channels.api == .portone {
            guard let billing = channels.billingChannelKey else { return false }
            return payment.channelKey == billing && payment.payMethod == "card"
        }
        guard let billing = channels.billingPG,
              payment.pgProvider == Catalog.PaymentChannels.provider(of: billing) else { return false }
        if let mid = Catalog.PaymentChannels.merchantID(of: billing), payment.pgID != mid { return false }
        return payment.payMethod == "card"
    }

    /// A billing key the shop may charge: still issued, for cards, by the shop's billing PG (and MID), or, V2, by its
    /// store's billing channel.
    public static func acceptsBillingKey(_ key: BillingKeyRecord, _ channels: Catalog.PaymentChannels) -> Bool {
        guard key.issued, key.methods.isEmpty || key.methods.contains("card") else { return false }
        if channels.api == .portone {
            guard let billing = channels.billingChannelKey else { return false }
            return key.storeID == channels.storeID && key.channelKey == billing
        }
        guard let billing = channels.billingPG, key.pgProvider == Catalog.PaymentChannels.provider(of: billing) else {
            return false
        }
        return Catalog.PaymentChannels.merchantID(of: billing).map { $0 == key.pgID } ?? true
    }

    public static func accepts(_ payment: ProviderPayment, _ channels: Catalog.PaymentChannels) -> Bool {
        if channels.api == .portone { return acceptsV2(payment, channels) }
        if let easyPay = throughEasyPayButton(payment, channels) { return easyPay }
        guard payment.pgProvider == channels.provider else { return false }
        if let mid = channels.merchantID, payment.pgID != mid { return false }
        guard let method = payment.payMethod else { return false }
        let offered = Set(channels.payMethods.map { reportedAs[$0] ?? $0 })
        if offered.contains(method) { return true }
        let easyPay = easyPayProviders.contains(channels.provider) || !(payment.embPGProvider ?? "").isEmpty
        return easyPay && easyPayMethods.contains(method) && !offered.isDisjoint(with: easyPayProviders.union(["card"]))
    }

    /// V1: whether a payment through one of the shop's easy-pay buttons' own channels (`easy_pay`: its `pg`,
    /// and MID when given) is one the button makes; nil when it came through none of them.
    static func throughEasyPayButton(_ payment: ProviderPayment, _ channels: Catalog.PaymentChannels) -> Bool? {
        for (brand, pg) in (channels.easyPay ?? [:]).sorted(by: { $0.key < $1.key })
        where payment.pgProvider == Catalog.PaymentChannels.provider(of: pg) {
            if let mid = Catalog.PaymentChannels.merchantID(of: pg), payment.pgID != mid { continue }
            // An easy pay's own channel reports the money's source (card, point, trans) or the brand itself.
            guard let method = payment.payMethod else { return false }
            return easyPayMethods.contains(method) || method == brand
        }
        return nil
    }

    /// V2: one of the shop's pay methods, through the channel the shop set up for it. With easy-pay buttons
    /// (`easy_pay_providers`), an EASY_PAY payment must be through one of them.
    static func acceptsV2(_ payment: ProviderPayment, _ channels: Catalog.PaymentChannels) -> Bool {
        let buttons = channels.easyPayProviders ?? []
        guard let method = payment.payMethod.flatMap(PortOnePayMethod.v2Name),
              channels.payMethods.contains(method) || (method == "EASY_PAY" && !buttons.isEmpty),
              let key = payment.channelKey, let expected = channels.channelKey(for: method), key == expected else { return false }
        if method == "EASY_PAY", !buttons.isEmpty { return payment.embPGProvider.map(buttons.contains) ?? false }
        return true
    }
}
