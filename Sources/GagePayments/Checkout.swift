import GageCore
import GageLedger
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Checking an order before the payment window opens (SPEC §9): `/prepare` prices it, checks stock and limits
/// against what the ledger holds, holds its units under a fresh merchant_uid and registers the amount with the
/// provider; `/stock` tells the cart what can be bought now. Both are limited per client.
extension VerifyService {
    /// Live holds one client may have at once: a buyer retrying is fine, one holding the whole stock is not.
    static let holdsPerClient = 5

    /// `/prepare` `{"items": [...]}` from `client`: the order checked and held, or refused with what is left.
    public func prepare(_ fields: RequestFields, client clientKey: String? = nil) throws(ServiceError) -> Reply {
        // The same rules as the judgement after payment: the discount code (its limit against the ledger's count,
        // live holds included), sales as of the page's moment within price_grace, the postcode's surcharge.
        let wanted = Judgement.OrderData(items: try Self.orderItems(fields), discount: fields.string("discount"),
                                         pricedAt: fields.string("priced_at").flatMap { Int($0) })
        let postcode = fields.string("postcode")
        let ledger = try openLedger()
        let merchantUID = MerchantUID.make(prefix: catalog.orderPrefix)
        let now = Self.now()
        let expires = now + catalog.holdMinutes * 60
        let outcome: Result<PricedOrder, ServiceError>
        do {
            outcome = try ledger.transaction { () throws(LedgerError) -> Result<PricedOrder, ServiceError> in
                try catalogFile.note(in: ledger, now: now)
                try ledger.dropExpiredHolds(before: now - 3600)
                let held = try ledger.unitsHeld(excluding: "", at: now)
                // Counted with the hold in one transaction: of two buyers racing for a code's last redemption,
                // one holds it and the other is refused before any window opens.
                let redemptions = try wanted.discountCode.map { code throws(LedgerError) in
                    try ledger.redemptions(of: code, excluding: "", at: now)
                } ?? 0
                let moment = Judgement.pricingMoment(claimed: wanted.pricedAt, started: now,
                                                     graceMinutes: catalog.priceGraceMinutes)
                let order: PricedOrder
                do throws(PricingError) {
                    order = try Judgement.priceOrder(wanted, catalog: catalog, held: held, redemptions: redemptions,
                                                     time: moment, postcode: postcode)
                } catch {
                    return .failure(.orderRefused(error, title: error.sku.flatMap { catalog.product(sku: $0)?.title }))
                }
                if let failure = catalogFile.indexFailure { throw LedgerError(message: failure) }
                if let clientKey, try ledger.liveHolds(client: clientKey, at: now) >= Self.holdsPerClient {
                    return .failure(.tooManyRequests(retryAfter: catalog.holdMinutes * 60))
                }
                try ledger.hold(LedgerHold(merchantUID: merchantUID, clientKey: clientKey ?? "", door: "prepare",
                                           amount: order.total, items: Self.units(order.items), createdAt: now,
                                           expiresAt: expires, discountCode: order.discountCode))
                return .success(order)
            }
        } catch {
            log.error("ledger: \(error.message)")
            throw .ledgerUnavailable(error.message)
        }
        let order: PricedOrder
        switch outcome {
        case let .success(priced): order = priced
        case let .failure(refusal):
            if case let .orderRefused(problem, _) = refusal { log.info("prepare refused: \(problem.reason) (\(problem))") }
            throw refusal
        }
        do throws(ProviderError) {
            try client.prepare(merchantUID: merchantUID, amount: order.total, currency: catalog.currency)
        } catch {
            // Not registered: the page cannot open the window with this merchant_uid, so its units go back.
            try? ledger.transaction { () throws(LedgerError) in try ledger.releaseHold(merchantUID: merchantUID) }
            throw serviceError(error)
        }
        log.info("prepare \(merchantUID): \(order.total) \(catalog.currency), held until \(expires)")
        var reply = Reply(ok: true, merchantUID: merchantUID, amount: order.total, currency: catalog.currency,
                          name: OrderName.make(order.items))
        reply.holdUntil = expires
        reply.setEffects(discount: order.savedByCode, surcharge: order.surcharge, taxFree: order.taxFree)
        return reply
    }

    /// `/stock` `{"skus": [...]}` (or `?skus=A,B`): units each product has left now, for the cart.
    public func stock(_ fields: RequestFields) throws(ServiceError) -> Reply {
        var skus: [String] = []
        switch fields.values["skus"] {
        case let .array(values)?: skus = values.compactMap(\.stringValue)
        case let .string(text)?: skus = text.split(separator: ",").map(String.init)
        default: break
        }
        guard !skus.isEmpty, skus.count <= Self.stockSKUsPerRequest else {
            throw .request(.malformed("skus must list 1 to \(Self.stockSKUsPerRequest) SKUs"))
        }
        let ledger = try openLedger()
        let held: [String: Int]
        do {
            held = try ledger.reading { () throws(LedgerError) -> [String: Int] in
                try ledger.unitsHeld(excluding: "", at: Self.now())
            }
        } catch {
            log.error("ledger: \(error.message)")
            throw .ledgerUnavailable(error.message)
        }
        var stock: [String: Int?] = [:]
        var unknown: [String] = []
        for sku in skus {
            // Any other spelling of a SKU (a look-alike, another normalisation form) is unknown, like a removed product.
            guard let product = catalog.product(sku: sku) else {
                unknown.append(sku)
                continue
            }
            // updateValue: assigning nil through the subscript would drop an untracked product instead of naming it.
            stock.updateValue(product.stock.map { max(0, $0 - held[product.sku, default: 0]) }, forKey: product.sku)
        }
        var reply = Reply(ok: true)
        reply.stock = stock
        reply.unknown = unknown
        return reply
    }

    static let stockSKUsPerRequest = 200

    static func orderItems(_ fields: RequestFields) throws(ServiceError) -> [OrderItem] {
        guard case let .array(values)? = fields.values["items"],
              let data = try? JSONEncoder().encode(values),
              let items = try? JSONDecoder().decode([OrderItem].self, from: data) else {
            throw .request(.malformed("items must be a list of {sku, quantity, options}"))
        }
        return items
    }

    static func units(_ items: [PricedItem]) -> [LedgerHold.HeldUnits] {
        var units: [(sku: String, quantity: Int)] = []
        for item in items {
            if let index = units.firstIndex(where: { SKU.same($0.sku, item.sku) }) {
                units[index].quantity += item.quantity
            } else {
                units.append((item.sku, item.quantity))
            }
        }
        return units.map { LedgerHold.HeldUnits(sku: $0.sku, quantity: $0.quantity) }
    }

    // MARK: - Limits per client

    /// How many requests of each limited action one client may make per window: each costs a provider call (or,
    /// for `/stock`, a ledger read) without any proof of payment. Webhooks and verifications are not limited.
    static let requestLimits: [Action: (limit: Int, window: Int)] = [
        .prepare: (30, 600), .identity: (10, 600), .subscribe: (10, 600), .stock: (120, 600),
    ]

    /// Counts the request against its client's limit; 429 with Retry-After when it is over.
    public func admit(_ action: Action, client: String?) throws(ServiceError) {
        guard let client, !client.isEmpty, let rule = Self.requestLimits[action] else { return }
        let ledger = try openLedger()
        let wait: Int?
        do {
            wait = try ledger.countRequest(action: action.rawValue, client: client, limit: rule.limit, window: rule.window,
                                           at: Self.now())
        } catch {
            log.error("ledger: \(error.message)")
            throw .ledgerUnavailable(error.message)
        }
        if let wait {
            log.info("\(action.rawValue) refused: too many requests from one client")
            throw .tooManyRequests(retryAfter: wait)
        }
    }
}

extension PricingError {
    /// The SKU the refusal is about, when it is about one.
    var sku: String? {
        switch self {
        case let .invalidQuantity(sku, _), let .unknownItem(sku), let .unknownOption(sku, _), let .missingOption(sku, _),
             let .unknownOptionValue(sku, _, _), let .soldOut(sku, _, _), let .quantityLimit(sku, _, _),
             let .notSubscribable(sku, _):
            return sku
        case .emptyOrder, .amountOverflow, .discountInvalid, .addressRequired:
            return nil
        }
    }
}
