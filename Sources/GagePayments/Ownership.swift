import GageCore
import GageLedger

/// Whose a payment is (SPEC §9, "The ledger remembers whose orders it holds"). The catalog says which payments are
/// the shop's now (its order prefix, its shop id); the ledger remembers the rest: an order or a hold it has, a
/// charge of a subscription it holds, and a payment made under a name (order prefix and shop id, both) the shop
/// sold under before — a buyer whose page was built before a rename of `order_prefix` or `base_url` is judged, not
/// ignored. Another shop's payment (another shop id) is never taken on, whatever its prefix.
struct Ownership {
    /// The subscription a charge's merchant_uid names, with the charge, when the ledger holds that subscription.
    var charge: (charge: SubscriptionCharge, subscription: LedgerSubscription)?
    /// The ledger already holds an order (or a hold) under this payment's id or merchant_uid, or the payment was
    /// made under a name the shop sold under before.
    var heldByLedger: Bool

    var isHeld: Bool { heldByLedger || charge != nil }
}

extension VerifyService {
    /// What the ledger knows of `payment`'s owner. Read inside or outside a transaction.
    func ownership(of payment: ProviderPayment, in ledger: Ledger) throws(LedgerError) -> Ownership {
        let charge = try heldCharge(payment.merchantUID, in: ledger)
        var held = try ledger.order(payment.impUID) != nil
        if !held { held = !(try ledger.orders(merchantUID: payment.merchantUID)).isEmpty }
        if !held { held = try ledger.hold(merchantUID: payment.merchantUID) != nil }
        if !held, let claimed = Judgement.shopClaim(payment.customData), !claimed.isEmpty {
            held = try ledger.orderPrefixes(ofShop: claimed).contains { payment.merchantUID.utf8.starts(with: $0.utf8) }
        }
        return Ownership(charge: charge, heldByLedger: held)
    }

    /// Whether the shop judges `payment`: the catalog's rule, or the ledger already holds it.
    func owns(_ payment: ProviderPayment, ledger: Ledger) throws(ServiceError) -> Bool {
        if Judgement.belongs(payment, to: catalog) { return true }
        do {
            return try ownership(of: payment, in: ledger).isHeld
        } catch {
            log.error("ledger: \(error.message)")
            throw .ledgerUnavailable(error.message)
        }
    }

    /// The charge a merchant_uid names under whichever prefix its subscription was made with: `<prefix>S<id>-<n>`
    /// is tried at every `S`, and taken only when the ledger holds that subscription under that very prefix.
    func heldCharge(_ merchantUID: String, in ledger: Ledger)
        throws(LedgerError) -> (charge: SubscriptionCharge, subscription: LedgerSubscription)? {
        var index = merchantUID.startIndex
        while let s = merchantUID[index...].firstIndex(of: "S") {
            let prefix = String(merchantUID[..<s])
            if let charge = SubscriptionCharge(merchantUID: merchantUID, prefix: prefix),
               let subscription = try ledger.subscription(id: charge.subscriptionID),
               SKU.same(orderPrefix(of: subscription), prefix) {
                return (charge, subscription)
            }
            index = merchantUID.index(after: s)
        }
        return nil
    }

    /// The prefix a subscription's charges are made under: its own, or (a subscription older than the ledger's
    /// memory of it) today's.
    func orderPrefix(of subscription: LedgerSubscription) -> String {
        subscription.orderPrefix ?? catalog.orderPrefix
    }
}
