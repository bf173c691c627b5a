import GageCore
import GageLedger
import Glibc
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// What a subscription's charge is judged against (SPEC §5): the subscription the ledger holds.
public struct SubscriptionTerms: Sendable, Equatable {
    public var id: String
    public var customerUID: String
    public var amount: Int
    public var items: [PricedItem]
    public var cancelledAt: Int?
    /// The regional surcharge `amount` includes.
    public var surcharge: Int

    /// The tax-free (면세) part of each delivery: its 면세 lines (no code or sale applies to a subscription).
    public var taxFree: Int { items.filter(\.taxFree).reduce(0) { $0 + $1.lineTotal } }

    public init(_ subscription: LedgerSubscription) {
        id = subscription.id
        customerUID = subscription.customerUID
        amount = subscription.amount
        items = subscription.items
        cancelledAt = subscription.cancelledAt
        surcharge = subscription.surcharge
    }
}

/// How a judged charge moves its subscription on. Pure, so every rule is tested on its own; `VerifyService`
/// applies it in the transaction that records the charge's order, so twenty copies of one webhook move it once:
/// only the charge the subscription waits for moves it, and afterwards it waits for another.
public enum SubscriptionProgress {
    /// Retries of a declined charge, counted from the charge's own date: a day later, then three days later.
    public static let retryDelays = [86_400, 3 * 86_400]
    /// Refusals that say the delivery cannot be made today (the catalog's doing): the charge is refunded and the
    /// delivery skipped. Any other refusal means the payment was not the subscription's charge at all, and moves
    /// nothing.
    public static let skippedDeliveryReasons: Set<String> = ["sold_out", "unknown_item", "quantity_limit",
                                                             "identity_required"]

    /// `genuine`: the payment was made with the subscription's own billing key through the shop's billing PG. A
    /// payment someone else opened under the charge's merchant_uid (paid or failed) must not move it.
    public static func after(_ subscription: LedgerSubscription, charge: SubscriptionCharge, order: LedgerOrder,
                             genuine: Bool, interval: SubscriptionInterval?, now: Int) -> LedgerSubscription? {
        guard genuine, subscription.isLive, charge == subscription.expectedCharge, let interval else { return nil }
        if order.status == "rejected", subscription.status == .active,
           !skippedDeliveryReasons.contains(order.reason ?? "") { return nil }
        var next = subscription
        next.updatedAt = now
        let first = subscription.status == .pending
        switch order.status {
        case "paid", "rejected":
            if first {
                guard order.status == "paid" else {
                    return ended(next, status: .rejected, reason: order.reason ?? "rejected")
                }
                next.status = .active
            }
            // A delivery refused at charge time (sold out, gone from the catalog) is refunded and skipped; the
            // subscription goes on with the next one.
            next.sequence += 1
            next.attempt = 1
            next.nextChargeAt = interval.chargeDate(next.sequence, anchor: subscription.anchorAt)
            next.scheduleState = .pending
            return next
        case "failed", "cancelled":
            if first { return ended(next, status: .declined, reason: "card_declined") }
            guard next.attempt <= retryDelays.count else { return ended(next, status: .pastDue, reason: "card_declined") }
            let due = interval.chargeDate(next.sequence, anchor: subscription.anchorAt)
            next.nextChargeAt = max(due + retryDelays[next.attempt - 1], now + 60)
            next.attempt += 1
            next.scheduleState = .pending
            return next
        default:
            return nil  // unpaid: nothing has happened yet
        }
    }

    /// No more charges: nothing scheduled, and the billing key to be deleted with the provider.
    public static func ended(_ subscription: LedgerSubscription, status: LedgerSubscription.Status,
                             reason: String) -> LedgerSubscription {
        var ended = subscription
        ended.status = status
        ended.endedReason = reason
        ended.nextChargeAt = nil
        ended.scheduleState = nil
        ended.keyState = .pending
        ended.mailToken = nil
        return ended
    }
}

/// A subscription as its buyer's manage page and the `/subscribe` answer show it: never the billing key, the
/// token or the buyer's details.
public struct SubscriptionSummary: Encodable, Sendable, Equatable {
    public var id: String
    public var status: String
    public var interval: String
    public var intervalLabel: String
    public var amount: Int
    public var currency: String
    public var name: String?
    public var items: [PricedItem]
    public var nextChargeAt: Int?
    public var createdAt: Int
    public var cancelledAt: Int?
    public var endedReason: String?
    public var charges: [Charge]?

    public struct Charge: Encodable, Sendable, Equatable {
        public var number: String
        public var status: String
        public var amount: Int
        public var at: Int
        public var reason: String?
    }

    enum CodingKeys: String, CodingKey {
        case id, status, interval, intervalLabel = "interval_label", amount, currency, name, items
        case nextChargeAt = "next_charge_at", createdAt = "created_at", cancelledAt = "cancelled_at"
        case endedReason = "ended_reason", charges
    }

    public init(_ subscription: LedgerSubscription, orders: [LedgerOrder]? = nil) {
        id = subscription.id
        status = subscription.status.rawValue
        interval = subscription.interval
        intervalLabel = SubscriptionInterval(subscription.interval)?.korean ?? subscription.interval
        amount = subscription.amount
        currency = subscription.currency
        name = subscription.name
        items = subscription.items
        nextChargeAt = subscription.isLive ? subscription.nextChargeAt : nil
        createdAt = subscription.createdAt
        cancelledAt = subscription.cancelledAt
        endedReason = subscription.endedReason
        charges = orders?.map { Charge(number: $0.merchantUID, status: $0.status, amount: $0.amount, at: $0.createdAt,
                                       reason: $0.reason) }
    }
}

/// Who ended a subscription.
public enum SubscriptionCanceller: String, Sendable {
    case buyer, seller
}

extension VerifyService {
    // MARK: - /subscribe

    /// `/subscribe` (SPEC §5, §12): checks the billing key the page had issued, prices one delivery with the
    /// catalog, records the subscription (a key is taken once, ever), charges the first delivery, judges it like
    /// every payment, and schedules the next one.
    public func subscribe(_ fields: RequestFields) throws(ServiceError) -> Reply {
        let request = try SubscribeRequest(fields: fields, catalog: catalog)
        guard catalog.payment.offersSubscriptions else {
            throw .request(.malformed(catalog.payment.api == .portone
                ? "this shop offers no subscriptions (no portone.billing_channel_key)"
                : "this shop offers no subscriptions (no iamport.billing_pg)"))
        }
        let keyName = SubscribeRequest.keyField(catalog.payment.api)
        let ledger = try openLedger()
        let priced: PricedOrder
        do {
            let held = try ledger.unitsHeld(excluding: "", at: Self.now())
            // The subscriber price, fixed for the subscription's life: no sale or code applies to it, but the
            // regional surcharge of the address it delivers to does (SPEC §11), on every delivery.
            priced = try Pricing.price(request.items, in: catalog, alreadySold: held, subscription: request.interval,
                                       terms: PricingTerms(time: Self.now(), postcode: request.buyer.postcode))
        } catch let error as PricingError {
            throw .unpriceable(error)
        } catch {
            throw .ledgerUnavailable("\(error)")
        }
        // Every delivery is charged the amount fixed now: never one the buyer was not shown (a page built with an
        // older catalog.json, a surcharge the page did not know). Nothing is charged or recorded.
        if let shown = request.shownAmount, shown != priced.total {
            log.info("subscribe: the page showed \(shown), a delivery costs \(priced.total); refused before any charge")
            throw .amountChanged(shown: shown, now: priced.total)
        }
        let key: BillingKeyRecord
        do {
            key = try client.billingKey(request.customerUID)
        } catch .notFound {
            throw .request(.malformed("no billing key was issued under this \(keyName)"))
        } catch {
            throw serviceError(error)
        }
        guard ChannelCheck.acceptsBillingKey(key, catalog.payment) else {
            log.info("subscribe: a billing key not issued (or no longer) through this shop's billing channel; nothing changed")
            throw .request(.malformed(catalog.payment.api == .portone
                ? "the billing key was not issued through this store's billing channel, or was deleted"
                : "the billing key was not issued through this shop's billing PG"))
        }

        let now = Self.now()
        let token = ManageToken.make()
        var subscription = LedgerSubscription(
            id: SubscriptionCharge.newID(), customerUID: request.customerUID, manageTokenDigest: ManageToken.digest(token),
            status: .pending, interval: request.interval.description, amount: priced.total, currency: catalog.currency,
            name: OrderName.make(priced.items), items: priced.items, catalogVersion: catalog.version, anchorAt: now,
            buyer: request.buyer, createdAt: now, orderPrefix: catalog.orderPrefix, shop: catalog.shop)
        subscription.surcharge = priced.surcharge
        // Kept in clear only for the first order's mail, and only when there is someone to mail it to.
        if notifier != nil, request.buyer.email != nil { subscription.mailToken = token }
        do {
            let taken = try ledger.transaction { () throws(LedgerError) -> Bool in
                try catalogFile.note(in: ledger, now: now)
                guard try ledger.insertSubscription(subscription) else { return false }
                try ledger.enqueue(notifier?.notifications(subscription: subscription, before: nil, order: nil) ?? [], at: now)
                return true
            }
            guard taken else {
                log.info("subscribe: a \(keyName) that was used before; refused")
                throw ServiceError.request(.malformed("this \(keyName) was used before; issue a new billing key"))
            }
        } catch let error as ServiceError {
            throw error
        } catch {
            log.error("ledger: \(error)")
            throw .ledgerUnavailable("\(error)")
        }

        let charge = chargeDetails(subscription, at: nil)
        let payment: ProviderPayment
        let outcome: BillingChargeOutcome
        do {
            outcome = try client.charge(key: subscription.customerUID, charge)
        } catch {
            // Whether the card was charged is unknown: the subscription stays pending for reconcile to settle.
            throw serviceError(error)
        }
        switch outcome {
        case let .made(made):
            payment = made
        case let .declined(message):
            // The card company said no before any payment was recorded: no subscription.
            log.info("subscribe \(subscription.id): the first charge was declined")
            subscription = try endFirstCharge(subscription, reason: "card_declined")
            followUp(subscriptionID: subscription.id)
            var reply = Reply(ok: true, status: "failed", merchantUID: charge.merchantUID, amount: charge.amount,
                              currency: catalog.currency, name: charge.name, reason: "card_declined")
            reply.declineMessage = Self.declineText(message)
            return reply
        }
        var reply = try settle(payment, channel: .callback)
        let after = try recordedSubscription(subscription.id, in: ledger)
        if reply.status == "failed" { reply.reason = "card_declined"; reply.declineMessage = Self.declineText(payment.failReason) }
        if let after, after.status == .active {
            reply.subscription = SubscriptionSummary(after)
            reply.manageToken = token
            reply.status = "subscribed"
        }
        return reply
    }

    /// The charge of a subscription's expected delivery, as `again` or `schedule` takes it: the amount and items are
    /// the subscription's, the custom data names it, and the buyer's details go with it for the ledger.
    func chargeDetails(_ subscription: LedgerSubscription, at scheduleAt: Int?) -> BillingCharge {
        struct Data: Encodable {
            var shop: String
            var subscription: String
            var items: [OrderItem]
            var catalog: String?
        }
        let data = Data(shop: subscription.shop ?? catalog.shop, subscription: subscription.id,
                        items: subscription.items.map { OrderItem(sku: $0.sku, quantity: $0.quantity, options: $0.options) },
                        catalog: subscription.catalogVersion)
        let custom = (try? JSONEncoder.sortedKeys.encode(data)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        let name = subscription.name.map { "[정기배송] " + $0 } ?? "정기배송"
        return BillingCharge(merchantUID: subscription.expectedCharge.merchantUID(prefix: orderPrefix(of: subscription)),
                             amount: subscription.amount, name: name, currency: subscription.currency, scheduleAt: scheduleAt,
                             customData: custom, buyerName: subscription.buyer.name, buyerEmail: subscription.buyer.email,
                             buyerTel: subscription.buyer.tel, buyerAddr: subscription.buyer.addr,
                             buyerPostcode: subscription.buyer.postcode,
                             taxFree: SubscriptionTerms(subscription).taxFree)
    }

    /// A first charge that never became a payment: the subscription did not start, and its key goes.
    func endFirstCharge(_ subscription: LedgerSubscription, reason: String) throws(ServiceError) -> LedgerSubscription {
        let ledger = try openLedger()
        do {
            return try ledger.transaction { () throws(LedgerError) -> LedgerSubscription in
                guard let current = try ledger.subscription(id: subscription.id) else { return subscription }
                guard current.status == .pending else { return current }
                var ended = SubscriptionProgress.ended(current, status: .declined, reason: reason)
                ended.updatedAt = Self.now()
                try ledger.saveSubscription(ended)
                try ledger.enqueue(notifier?.notifications(subscription: ended, before: current, order: nil) ?? [],
                                   at: ended.updatedAt)
                return ended
            }
        } catch {
            log.error("ledger: \(error.message)")
            throw .ledgerUnavailable(error.message)
        }
    }

    // MARK: - Provider follow-up

    /// What a subscription owes the provider after a change was recorded: its next charge scheduled, or (once it
    /// ended) its schedules revoked and its billing key deleted. Failures are logged and left for the next look
    /// (a later webhook, `gage orders reconcile`); they never change the answer already decided.
    public func followUp(subscriptionID: String) {
        guard let ledger = try? openLedger(), let subscription = try? ledger.subscription(id: subscriptionID) else { return }
        if subscription.isLive, subscription.status == .active, subscription.scheduleState == .pending {
            scheduleNext(subscription, ledger: ledger)
        }
        if !subscription.isLive, subscription.keyState == .pending {
            deleteKey(subscription, ledger: ledger)
        }
    }

    private func scheduleNext(_ subscription: LedgerSubscription, ledger: Ledger) {
        let at = max(subscription.nextChargeAt ?? Self.now(), Self.now() + 60)
        let charge = chargeDetails(subscription, at: at)
        var scheduled = false
        var note: String?
        do {
            try client.schedule(key: subscription.customerUID, charge)
            scheduled = true
            log.info("subscription \(subscription.id): charge \(charge.merchantUID) scheduled for \(at)")
        } catch {
            // The derived merchant_uid makes a second schedule of one charge impossible: if another look scheduled
            // it first, the provider refuses ours and already has it.
            if let existing = try? client.scheduledCharge(merchantUID: charge.merchantUID, key: subscription.customerUID),
               existing.state != .revoked {
                scheduled = true
            } else {
                note = actionNote(error)
                log.error("subscription \(subscription.id): scheduling \(charge.merchantUID) failed, will retry: \(error.description)")
            }
        }
        updateSubscription(subscription.id, ledger: ledger) { current in
            // Only if it still waits for this charge: a cancel or a newer charge meanwhile wins.
            guard current.isLive, current.expectedCharge == subscription.expectedCharge else { return false }
            if scheduled { current.scheduleState = .done; current.nextChargeAt = at }
            current.actionNote = note
            return true
        }
    }

    private func deleteKey(_ subscription: LedgerSubscription, ledger: Ledger) {
        var note: String?
        do {
            // Revoke first: PortOne asks that no schedule be left on a key that is deleted.
            try client.revokeSchedules(key: subscription.customerUID)
            try client.deleteBillingKey(subscription.customerUID)
            log.info("subscription \(subscription.id): schedules revoked and billing key deleted")
        } catch {
            note = actionNote(error)
            log.error("subscription \(subscription.id): deleting the billing key failed, will retry: \(error.description)")
        }
        updateSubscription(subscription.id, ledger: ledger) { current in
            guard !current.isLive else { return false }
            if note == nil { current.keyState = .done }
            current.actionNote = note
            return true
        }
    }

    private func updateSubscription(_ id: String, ledger: Ledger, _ change: (inout LedgerSubscription) -> Bool) {
        do {
            try ledger.transaction { () throws(LedgerError) in
                guard var current = try ledger.subscription(id: id), change(&current) else { return }
                current.updatedAt = Self.now()
                try ledger.saveSubscription(current)
            }
        } catch {
            log.error("ledger: \(error.message)")
        }
    }

    // MARK: - Ending

    /// Ends a live (or past-due) subscription: nothing more is charged, its schedules are revoked and its billing
    /// key deleted. Ending an ended one changes nothing. Returns it as it now stands, or nil if there is none.
    public func cancelSubscription(id: String, by who: SubscriptionCanceller) throws(ServiceError) -> LedgerSubscription? {
        let ledger = try openLedger()
        let now = Self.now()
        let result: LedgerSubscription?
        do {
            result = try ledger.transaction { () throws(LedgerError) -> LedgerSubscription? in
                guard let current = try ledger.subscription(id: id) else { return nil }
                guard current.status == .active || current.status == .pastDue || current.status == .pending else {
                    return current
                }
                var ended = SubscriptionProgress.ended(current, status: .cancelled, reason: "cancelled_by_\(who.rawValue)")
                ended.cancelledAt = now
                ended.updatedAt = now
                try ledger.saveSubscription(ended)
                try ledger.enqueue(notifier?.notifications(subscription: ended, before: current, order: nil) ?? [], at: now)
                return ended
            }
        } catch {
            log.error("ledger: \(error.message)")
            throw .ledgerUnavailable(error.message)
        }
        guard let result else { return nil }
        log.info("subscription \(id): cancelled by the \(who.rawValue)")
        followUp(subscriptionID: id)
        return try recordedSubscription(id, in: ledger) ?? result
    }

    func recordedSubscription(_ id: String, in ledger: Ledger) throws(ServiceError) -> LedgerSubscription? {
        do { return try ledger.subscription(id: id) } catch {
            log.error("ledger: \(error.message)")
            throw .ledgerUnavailable(error.message)
        }
    }

    // MARK: - /subscription

    /// `/subscription` (SPEC §5): the buyer's view of their subscription by its manage token, and `cancel: true`
    /// to end it. An unknown token is a 404 that says nothing more.
    public func manage(_ fields: RequestFields) throws(ServiceError) -> Reply {
        guard let token = fields.string("manage_token"), ManageToken.isWellFormed(token) else {
            throw .request(.malformed("manage_token is required"))
        }
        let ledger = try openLedger()
        let found: LedgerSubscription?
        do { found = try ledger.subscription(manageToken: token) } catch { throw .ledgerUnavailable(error.message) }
        guard var subscription = found else { throw .noSuchSubscription }
        if case .bool(true)? = fields.values["cancel"] {
            subscription = try cancelSubscription(id: subscription.id, by: .buyer) ?? subscription
        }
        let orders: [LedgerOrder]
        do { orders = try ledger.orders(subscriptionID: subscription.id) } catch { throw .ledgerUnavailable(error.message) }
        var reply = Reply(ok: true, status: subscription.status.rawValue)
        reply.subscription = SubscriptionSummary(subscription, orders: orders)
        return reply
    }

    // MARK: - Reconcile

    /// What `gage orders reconcile` does for subscriptions: a first charge whose outcome was never heard is looked
    /// up, a due charge whose webhook was lost is found through the schedule lookup and judged, a charge that is
    /// not scheduled with the provider (revoked, lost, or never asked) is scheduled, and ended subscriptions' keys
    /// are deleted. Returns a line for each subscription that changed.
    public func reconcileSubscriptions(now: Int, changed: (String, String) -> Void,
                                       failed: (String, String) -> Void) throws(ServiceError) {
        let ledger = try openLedger()
        let owing: [LedgerSubscription]
        do { owing = try ledger.subscriptionsToReconcile(now: now) } catch { throw .ledgerUnavailable(error.message) }
        for subscription in owing {
            client.renewTimeBudget()
            do throws(ServiceError) {
                try reconcile(subscription, ledger: ledger, now: now)
                if let after = try recordedSubscription(subscription.id, in: ledger), Self.describe(after) != Self.describe(subscription) {
                    changed(subscription.id, Self.describe(subscription) + " → " + Self.describe(after))
                }
            } catch {
                failed(subscription.id, "\(error)")
            }
        }
    }

    private func reconcile(_ subscription: LedgerSubscription, ledger: Ledger, now: Int) throws(ServiceError) {
        guard subscription.isLive else { return followUp(subscriptionID: subscription.id) }
        let merchantUID = subscription.expectedCharge.merchantUID(prefix: orderPrefix(of: subscription))
        if subscription.status == .pending {
            let payment: ProviderPayment
            do {
                payment = try client.payment(merchantUID: merchantUID)
            } catch .notFound {
                // Never made (the call to charge it never reached the provider): it did not start.
                if now - subscription.createdAt > 600 {
                    _ = try endFirstCharge(subscription, reason: "charge_not_made")
                    followUp(subscriptionID: subscription.id)
                }
                return
            } catch {
                throw serviceError(error)
            }
            _ = try settle(payment, channel: .reconcile)
            return
        }
        if subscription.scheduleState == .done, let due = subscription.nextChargeAt, due <= now {
            let schedule: ScheduledCharge?
            do {
                schedule = try client.scheduledCharge(merchantUID: merchantUID, key: subscription.customerUID)
            } catch {
                throw serviceError(error)
            }
            switch schedule?.state {
            case let .ran(paymentID)?:
                _ = try recheck(impUID: paymentID, channel: .reconcile)
                return
            case .waiting?:
                return  // not run yet
            case .revoked?, nil:
                break
            }
            // Revoked or lost at the provider while the subscription goes on: schedule it again.
            updateSubscription(subscription.id, ledger: ledger) { current in
                guard current.isLive, current.expectedCharge == subscription.expectedCharge else { return false }
                current.scheduleState = .pending
                return true
            }
        }
        followUp(subscriptionID: subscription.id)
    }

    static func describe(_ subscription: LedgerSubscription) -> String {
        var text = subscription.status.rawValue
        if subscription.isLive {
            text += ", charge \(subscription.sequence)" + (subscription.attempt > 1 ? " try \(subscription.attempt)" : "")
            text += subscription.scheduleState == .done ? " scheduled" : " not scheduled"
        } else if subscription.keyState == .pending {
            text += ", billing key not deleted"
        }
        return text
    }

    // MARK: - Helpers

    /// The card company's reason for a decline, for the buyer (who sees it in the PG's window anyway), short.
    static func declineText(_ message: String?) -> String? {
        guard let message, !message.isEmpty else { return nil }
        return String(message.prefix(120))
    }
}

/// `/subscribe`'s body: `{"customer_uid" (V1) | "billing_key" (V2), "items", "interval", "buyer"?}`.
struct SubscribeRequest {
    /// V1: the `customer_uid` alias the page made; V2: the `billingKey` PortOne issued. The ledger keeps either as
    /// the subscription's key, once ever.
    var customerUID: String
    var items: [OrderItem]
    var interval: SubscriptionInterval
    var buyer: LedgerOrder.Buyer
    /// The amount per delivery the page showed the buyer, when it says (a page from before it did says nothing).
    var shownAmount: Int?

    static func keyField(_ api: ProviderKind) -> String { api == .portone ? "billing_key" : "customer_uid" }

    init(fields: RequestFields, catalog: Catalog) throws(ServiceError) {
        let field = Self.keyField(catalog.payment.api)
        guard let customerUID = fields.string(field) else { throw .request(.malformed("\(field) is required")) }
        if catalog.payment.api == .portone {
            // PortOne makes it (`billing-key-…`); the store and channel it belongs to are checked with PortOne.
            guard (8...200).contains(customerUID.utf8.count), customerUID.utf8.allSatisfy(PaymentReference.isIDByte) else {
                throw .request(.malformed("billing_key must be 8 to 200 of A-Z a-z 0-9 _ -, as PortOne issued it"))
            }
        } else {
            // The page makes it: the shop's prefix and at least 16 random characters, so nobody can guess another's.
            guard customerUID.hasPrefix(catalog.orderPrefix), customerUID.utf8.count <= 80,
                  customerUID.utf8.count >= catalog.orderPrefix.utf8.count + 16,
                  PaymentReference.isMerchantUID(String(customerUID.prefix(40))),
                  PaymentReference.isMerchantUID(String(customerUID.dropFirst(40).isEmpty ? "x" : customerUID.dropFirst(40))) else {
                throw .request(.malformed("customer_uid must be the shop's order prefix and 16 to 60 of A-Z a-z 0-9 _ -"))
            }
        }
        guard let written = fields.string("interval"), let interval = SubscriptionInterval(written) else {
            throw .request(.malformed("interval must be one the products offer, e.g. 2w or 1m"))
        }
        guard case let .array(values)? = fields.values["items"],
              let data = try? JSONEncoder().encode(values),
              let items = try? JSONDecoder().decode([OrderItem].self, from: data) else {
            throw .request(.malformed("items must be a list of {sku, quantity, options}"))
        }
        var buyer = LedgerOrder.Buyer()
        if case let .object(object)? = fields.values["buyer"] {
            func text(_ key: String, _ limit: Int) -> String? {
                guard let value = object[key]?.stringValue, !value.isEmpty else { return nil }
                return String(value.prefix(limit))
            }
            buyer = .init(name: text("name", 60), tel: text("tel", 30), email: text("email", 120), addr: text("addr", 300),
                          postcode: text("postcode", 10))
        }
        self.customerUID = customerUID
        self.items = items
        self.interval = interval
        self.buyer = buyer
        if let value = fields.values["amount"] {
            guard case let .number(number) = value, number >= 1, number <= 1e12, number == number.rounded() else {
                throw .request(.malformed("amount must be the whole amount per delivery the page showed"))
            }
            shownAmount = Int(number)
        }
    }
}

extension JSONEncoder {
    static var sortedKeys: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }
}
