import GageCore
import GageLedger
import Glibc
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Why no decision could be reached. Each maps to one HTTP status and one stdin-mode exit code.
public enum ServiceError: Error, Sendable, Equatable {
    case request(RequestProblem)
    /// Iamport knows no payment with this imp_uid.
    case unknownPayment
    /// The request's merchant_uid is not the payment's: nothing is judged, refunded or recorded.
    case merchantMismatch
    /// The order in a prepare request cannot be priced.
    case unpriceable(PricingError)
    /// `/prepare` refuses the order as it stands now (sold out, over a limit, gone from the catalog): the page
    /// shows why before any payment window opens. `title` is the product's, when the catalog has it.
    case orderRefused(PricingError, title: String?)
    /// Too many requests of this kind from this client: try again after `retryAfter` seconds.
    case tooManyRequests(retryAfter: Int)
    case configuration(String)
    case providerUnavailable(String)
    /// The ledger could not be opened or written: nothing is reported as paid.
    case ledgerUnavailable(String)
    /// A guest order lookup matched no order: the number, or the phone, is not one the ledger holds.
    case noSuchOrder
    /// Too many failed guest lookups for this order number or from this address.
    case tooManyTries
    /// No subscription has this manage token.
    case noSuchSubscription
    /// A PortOne V2 delivery whose signature does not verify, is stale, or was taken before: nothing is done.
    case unauthenticWebhook(String)
    /// PortOne's confirm request for a payment that would not be paid: PortOne does not approve it.
    case confirmRefused(reason: String, message: String)
    /// A buyer's cancel or return that the order's state does not allow now (`already_shipped`, `not_shipped`,
    /// `not_returnable`, `not_cancellable`, `changed`): nothing changed.
    case orderActionRefused(reason: String, message: String)
    /// `/subscribe` priced a delivery at `now`, not the `shown` amount the page showed: nothing was charged.
    case amountChanged(shown: Int, now: Int)
}

/// `catalog.json` as the function read it: decoded, its text (kept in the ledger for later pricing), and when it
/// was written (a new version is taken to be current from then on).
public struct CatalogFile: Sendable {
    public var catalog: Catalog
    public var modifiedAt: Int
    /// The file's text, which the ledger keeps once per catalog version; read only when a version is new to it.
    private let text: @Sendable () throws(LedgerError) -> String

    public init(catalog: Catalog, json: String, modifiedAt: Int) {
        self.init(catalog: catalog, modifiedAt: modifiedAt) { () throws(LedgerError) -> String in json }
    }

    public init(catalog: Catalog, modifiedAt: Int, json: @escaping @Sendable () throws(LedgerError) -> String) {
        self.catalog = catalog
        self.modifiedAt = modifiedAt
        text = json
    }

    public func json() throws(LedgerError) -> String { try text() }

    /// Why the catalog's index could not answer a lookup in this invocation, if it could not.
    var indexFailure: String? { (catalog.shelf?.source as? IndexedProducts)?.failure.withLock { $0 } }

    /// Notes in the ledger that this catalog is being served from now on (its text kept once per version).
    func note(in ledger: Ledger, now: Int) throws(LedgerError) {
        try ledger.noteCatalog(version: catalog.version, since: min(now, modifiedAt)) { () throws(LedgerError) -> String in
            try json()
        }
        try ledger.rememberShopName(orderPrefix: catalog.orderPrefix, shop: catalog.shop)
    }
}

/// Judges payments and prepares orders: the work behind both front doors.
public struct VerifyService {
    let catalogFile: CatalogFile
    /// The shop's payment provider (V1 or V2, as catalog.json says): payments, billing keys, identity verifications.
    let client: any ShopProvider
    let log: Log
    /// Where decisions are kept (`GAGE_LEDGER`); every decision is final because it is kept there.
    let ledger: LedgerLocation
    /// Writes the notifications each change owes into the outbox, with the change (nil: none are kept).
    let notifier: (any OrderNotifier)?
    /// `PORTONE_WEBHOOK_SECRET` (V2): the key of every signed delivery.
    let webhookSecret: String?

    var catalog: Catalog { catalogFile.catalog }

    public init(catalogFile: CatalogFile, client: any ShopProvider, log: Log, ledger: LedgerLocation,
                notifier: (any OrderNotifier)? = nil, webhookSecret: String? = nil) {
        self.webhookSecret = webhookSecret
        self.catalogFile = catalogFile
        self.client = client
        self.log = log
        self.ledger = ledger
        self.notifier = notifier
    }

    /// Fetches the payment from Iamport and settles it, if the caller named the payment's own merchant_uid.
    public func verify(_ reference: PaymentReference, channel: Channel) throws(ServiceError) -> Reply {
        let payment = try fetch(reference.impUID)
        guard reference.merchantUID == payment.merchantUID else {
            log.info("\(channel.rawValue) \(payment.impUID): merchant_uid \(reference.merchantUID) is not the payment's; nothing changed")
            throw .merchantMismatch
        }
        return try settle(payment, channel: channel)
    }

    /// Fetches and settles a payment the provider itself listed (`gage orders reconcile`).
    public func recheck(impUID: String, channel: Channel) throws(ServiceError) -> Reply {
        try settle(try fetch(impUID), channel: channel)
    }

    /// Judges the payment and records the outcome, then makes the refund or revoke the order owes.
    func settle(_ payment: ProviderPayment, channel: Channel, again: Bool = true) throws(ServiceError) -> Reply {
        let ledger = try openLedger()
        guard try owns(payment, ledger: ledger) else {
            log.info("\(channel.rawValue) \(payment.impUID) \(payment.merchantUID): ignored (not this shop's)")
            return .ignored(payment)
        }
        // A refund left in flight (its run died, or its answer was lost) is completed from the provider's record
        // before the look is judged, so the order moves once, with the refund's lines and 환불 안내.
        if (try? ledger.openRefund(payment.impUID)) != nil {
            completeRefundInFlight(payment.impUID, ledger: ledger)
        }
        // A settled order's later looks (webhook re-sends, reloads) need no certification: nothing they judge counts.
        let identity = Settlement.isSettled(try recorded(payment.impUID, in: ledger)) ? nil
            : try identityEvidence(for: payment, ledger: ledger)
        var order = try decide(payment, channel: channel, ledger: ledger, identity: identity)
        if order.status == "rejected", order.refundState == .pending, payment.refundableAmount > 0 {
            order = try refund(order, payment: payment, ledger: ledger)
        }
        if order.status == "expired", order.revokeState == .pending {
            if let deposited = try revoke(order, payment: payment, ledger: ledger) {
                // The deposit landed before the revoke: settle what the provider now holds.
                return again ? try settle(deposited, channel: channel, again: false) : Reply(order: order)
            }
            order.revokeState = .done
        }
        if let id = order.subscriptionID { followUp(subscriptionID: id) }
        var reply = Reply(order: order)
        if order.status == "paid" || order.status == "awaiting_deposit", notifier?.mailsBuyer(of: order) == true {
            reply.mailed = true
        }
        log.info("\(channel.rawValue) \(payment.impUID) \(payment.merchantUID): \(order.status)"
                 + (order.reason.map { " (\($0)\(order.refundState.map { ", refund \($0.rawValue)" } ?? ""))" } ?? ""))
        return reply
    }

    /// One write transaction: the catalog being served is noted, the order priced against what other orders hold
    /// (two buyers racing for the last unit are judged one after the other), moved forward from what the ledger
    /// already holds, and durable before any answer is given.
    func decide(_ payment: ProviderPayment, channel: Channel, ledger: Ledger,
                identity: IdentityEvidence? = nil) throws(ServiceError) -> LedgerOrder {
        do {
            return try ledger.transaction { () throws(LedgerError) -> LedgerOrder in
                let now = Self.now()
                try catalogFile.note(in: ledger, now: now)
                let existing = try ledger.order(payment.impUID)
                let (pricing, version) = try pricingCatalog(for: payment, existing: existing, ledger: ledger, now: now)
                // Other orders' units, and other orders' holds: this order's own hold is what it is judged against.
                let held = try ledger.unitsHeld(excluding: payment.impUID, merchantUID: payment.merchantUID, at: now)
                let owner = try ownership(of: payment, in: ledger)
                // A charge of a subscription the ledger holds, under whatever prefix it was made with; else one
                // under today's prefix (judged, and refused, when the ledger holds no such subscription).
                let charge = owner.charge?.charge
                    ?? SubscriptionCharge(merchantUID: payment.merchantUID, prefix: catalog.orderPrefix)
                var subscription = owner.charge?.subscription
                if subscription == nil, let charge { subscription = try ledger.subscription(id: charge.subscriptionID) }
                var delivery: SubscriptionDelivery?
                var context = Judgement.Context(pricing: pricing, current: catalog, held: held, now: now,
                                                identity: identity,
                                                subscription: subscription.map(SubscriptionTerms.init))
                context.heldByLedger = owner.isHeld
                context.charge = charge
                // Counted in the same transaction as the decision: of orders racing for a code's last redemption,
                // one is judged after the other has it. The order's own hold (and its redemption) is not counted.
                if let code = Judgement.OrderData.parse(payment.customData)?.discountCode {
                    context.redemptions = try ledger.redemptions(of: code, excluding: payment.impUID,
                                                                 merchantUID: payment.merchantUID, at: now)
                }
                let judged = Judgement.judge(payment, context)
                // A product the index failed to read looked missing to the judgement: decide nothing.
                if let failure = catalogFile.indexFailure { throw LedgerError(message: failure) }
                guard var next = Settlement.next(existing: existing, judged: judged, payment: payment,
                                                 catalogVersion: version) else {
                    throw LedgerError(message: "nothing to record for \(payment.impUID)")
                }
                if let subscription, let charge {
                    // Only a charge made with the subscription's own key is one of its orders; a payment someone
                    // else opened under its order number is judged (and refunded) on its own.
                    let genuine = payment.customerUID == subscription.customerUID
                        && ChannelCheck.acceptsBilling(payment, catalog.payment)
                    if genuine { next.subscriptionID = subscription.id }
                    var token: String?
                    var moved = SubscriptionProgress.after(subscription, charge: charge, order: next, genuine: genuine,
                                                           interval: SubscriptionInterval(subscription.interval), now: now)
                    if var changed = moved {
                        // The first charge decided: the manage token in clear leaves the subscription's row for the
                        // first order's mail (its outbox row keeps it until sent), in this transaction.
                        if subscription.status == .pending {
                            token = subscription.mailToken
                            changed.mailToken = nil
                        }
                        try ledger.saveSubscription(changed)
                        try ledger.enqueue(notifier?.notifications(subscription: changed, before: subscription,
                                                                   order: next) ?? [], at: now)
                        moved = changed
                    }
                    if genuine {
                        delivery = SubscriptionDelivery(subscription: moved ?? subscription, number: charge.sequence,
                                                        manageToken: token)
                    }
                }
                if next.createdAt == 0 { next.createdAt = now }
                next.updatedAt = now
                if case let .adult(certification, provider, certifiedAt)? = identity, next.identity == nil,
                   next.status == "paid" || next.status == "awaiting_deposit" {
                    next.identity = .init(certification: certification, provider: provider, certifiedAt: certifiedAt)
                }
                try ledger.save(next, event: LedgerEvent(at: now, channel: channel.rawValue, iamportStatus: payment.statusAsReported,
                                                         decision: next.status, reason: next.reason,
                                                         amount: payment.amount))
                try ledger.enqueue(notifier?.notifications(before: existing, after: next, delivery: delivery) ?? [],
                                   at: now)
                // Decided: the order (paid, awaiting its deposit) holds its units itself from now on, or (refused,
                // failed) holds none. Only a window still open keeps its hold until it expires. An issued virtual
                // account keeps its hold's row as long as it waits, counted against its client's holds but not
                // against stock (the order counts there), so one buyer cannot hold the stock with accounts either.
                switch next.status {
                case "unpaid": break
                case "awaiting_deposit":
                    try ledger.keepHoldForVirtualAccount(merchantUID: payment.merchantUID, until: next.holdUntil ?? now)
                default: try ledger.releaseHold(merchantUID: payment.merchantUID)
                }
                return next
            }
        } catch {
            log.error("ledger: \(error.message)")
            throw .ledgerUnavailable(error.message)
        }
    }

    /// The catalog an order is priced with (SPEC §3 "Prices over time"): the version its page priced with when
    /// that was being served within `price_grace` minutes of the payment, or, for the deposit into a virtual
    /// account still within its hold, the version it was accepted with; otherwise today's. Stock is always today's.
    func pricingCatalog(for payment: ProviderPayment, existing: LedgerOrder?, ledger: Ledger,
                        now: Int) throws(LedgerError) -> (Catalog, String) {
        let current = catalog
        var wanted: String?
        if let existing, existing.status == "awaiting_deposit", (existing.holdUntil ?? 0) > now {
            wanted = existing.catalogVersion
        } else if let claimed = Judgement.OrderData.parse(payment.customData)?.catalog, claimed != current.version {
            let anchor = [payment.startedAt, payment.paidAt].first { $0 > 0 } ?? now
            let grace = current.priceGraceMinutes * 60
            let honoured = try ledger.catalogPeriods(of: claimed).contains { period in
                anchor >= period.since - grace && anchor <= (period.until.map { $0 + grace } ?? Int.max)
            }
            if honoured { wanted = claimed }
        }
        guard let wanted, wanted != current.version, let json = try ledger.catalogJSON(of: wanted),
              let earlier = try? JSONDecoder().decode(Catalog.self, from: Data(json.utf8)) else {
            return (current, current.version)
        }
        return (earlier.withStock(of: current), wanted)
    }

    /// The identity verification an order with an adult-only item names, looked up before the decision (SPEC §6).
    /// nil when the order needs none, or could not be paid anyway. Iamport failing is a 502: nothing is decided.
    func identityEvidence(for payment: ProviderPayment, ledger: Ledger) throws(ServiceError) -> IdentityEvidence? {
        guard payment.holdsMoney || payment.isIssuedVirtualAccount,
              let data = Judgement.OrderData.parse(payment.customData) else { return nil }
        let skus = data.items.map(\.sku)
        // Today's rule or the rule of the version the page priced with: the judgement applies both (SPEC §9).
        var needed = catalog.needsAdult(skus)
        if !needed, let claimed = data.catalog, claimed != catalog.version {
            do {
                needed = try ledger.catalogJSON(of: claimed)
                    .flatMap { try? JSONDecoder().decode(Catalog.self, from: Data($0.utf8)) }?.needsAdult(skus) ?? false
            } catch {
                log.error("ledger: \(error.message)")
                throw .ledgerUnavailable(error.message)
            }
        }
        guard needed else { return nil }
        guard let claimed = IdentityEvidence.claimedCertification(payment.customData, kind: client.kind,
                                                                  prefix: catalog.orderPrefix) else { return .missing }
        do {
            let verification = try client.identityVerification(id: claimed)
            let evidence = IdentityEvidence.assess(verification, for: payment, now: Self.now())
            if case .adult = evidence {} else {
                log.info("identity \(payment.impUID): verification \(claimed) does not qualify (\(evidence))")
            }
            return evidence
        } catch .notFound {
            return .unknown
        } catch {
            throw serviceError(error)
        }
    }

    /// `/identity`: whether a verification makes its buyer an adult, so a page can stop a minor before any money
    /// moves. Answers nothing but `adult`; the payment is still checked on its own when it arrives. V1 names the
    /// certification `imp_uid`; V2 `identity_verification_id` (one this shop's pages make).
    public func identity(_ fields: RequestFields) throws(ServiceError) -> Reply {
        let field = client.kind == .iamport ? "imp_uid" : "identity_verification_id"
        guard let id = fields.string(field),
              IdentityVerificationID.isValid(id, kind: client.kind, prefix: catalog.orderPrefix) else {
            throw .request(.malformed(client.kind == .iamport ? "imp_uid must be imp_ followed by digits"
                : "identity_verification_id must be an order number of this shop followed by \(IdentityVerificationID.suffix)"))
        }
        var reply = Reply(ok: true)
        do {
            let verification = try client.identityVerification(id: id)
            // Only verifications made for this shop's own orders are answered about (SPEC §9): the account may hold
            // other sales' certifications, and this door must not tell anyone about those.
            let ours = verification.merchantUID.map { $0.utf8.starts(with: catalog.orderPrefix.utf8) } ?? false
            if !ours { log.info("identity \(id): not made for one of this shop's orders") }
            reply.adult = ours && verification.isAdult(now: Self.now())
        } catch .notFound {
            reply.adult = false
        } catch {
            throw serviceError(error)
        }
        log.info("identity \(id): adult \(reply.adult == true)")
        return reply
    }

    func openLedger() throws(ServiceError) -> Ledger {
        do {
            return try Ledger(location: ledger)
        } catch {
            log.error("ledger: \(error.message)")
            throw .ledgerUnavailable(error.message)
        }
    }

    /// The order the ledger holds for a payment now (it can only move forward afterwards).
    func recorded(_ impUID: String, in ledger: Ledger) throws(ServiceError) -> LedgerOrder? {
        do {
            return try ledger.order(impUID)
        } catch {
            log.error("ledger: \(error.message)")
            throw .ledgerUnavailable(error.message)
        }
    }

    func fetch(_ impUID: String) throws(ServiceError) -> ProviderPayment {
        do {
            return try client.payment(id: impUID)
        } catch {
            throw serviceError(error)
        }
    }

    /// Refunds what is left of a rejected payment and records how it went. "Already cancelled" (a racing
    /// callback and webhook) is success: after a refused cancel, Iamport's own record decides. A refund that
    /// cannot be made now stays owed, with why, for the next look.
    private func refund(_ order: LedgerOrder, payment: ProviderPayment, ledger: Ledger) throws(ServiceError) -> LedgerOrder {
        var text = Judgement.refundReasonPrefix + (order.reason ?? "rejected")
        if let expected = order.expectedAmount { text += ": paid \(payment.amount), order costs \(expected)" }
        var outcome: LedgerOrder.ProviderAction = .pending
        var note: String?
        let taxFree = Self.taxFreeShare(refunding: payment, of: order)
        do {
            do {
                try client.cancel(id: payment.impUID, CancelRequest(amount: nil, checksum: payment.refundableAmount,
                                                                    taxFree: taxFree, reason: text))
            } catch .refused where taxFree > 0 && payment.taxFree == nil {
                // V1 keeps whatever tax-free part the page sent, which Gage cannot read; ours refused, the whole
                // balance is cancelled without one (the checksum still refuses a second cancel of the same money).
                log.info("refund of \(payment.impUID) refused with a tax-free part of \(taxFree); cancelling without one")
                try client.cancel(id: payment.impUID, CancelRequest(amount: nil, checksum: payment.refundableAmount,
                                                                    reason: text))
            }
            outcome = .done
            log.info("refunded \(payment.impUID): \(payment.refundableAmount) \(payment.currency) (\(order.reason ?? ""))")
        } catch {
            if let now = try? client.payment(id: payment.impUID), now.status == "cancelled", now.refundableAmount == 0 {
                outcome = .done
            } else {
                note = actionNote(error)
                log.error("refund of \(payment.impUID) not made, will retry: \(error.description)")
            }
        }
        try recordAction(order, ledger: ledger, refund: outcome, note: note, iamportStatus: payment.statusAsReported,
                         decision: outcome == .done ? "refunded" : "refund_pending", amount: payment.refundableAmount)
        var updated = order
        updated.refundState = outcome
        updated.actionNote = note
        return updated
    }

    /// The tax-free part of a rejected payment's whole refund (SPEC §11: every refund carries its share). V2
    /// reports it: what is left of the payment's `taxFree`. V1 does not, so it is the order's own figure, and
    /// only where that is also what an honest page sent: the amount paid is what the order costs and nothing was
    /// cancelled before. Otherwise 0: the cancel is still of the whole balance, which the PG reverses in full.
    static func taxFreeShare(refunding payment: ProviderPayment, of order: LedgerOrder) -> Int {
        if let share = payment.refundableTaxFree { return share }
        guard order.expectedAmount == nil, payment.cancelAmount == 0, payment.amount == order.amount else { return 0 }
        return min(order.pricing?.taxFree ?? 0, payment.refundableAmount)
    }

    /// Revokes an expired virtual account so no deposit can land. Returns the payment when a deposit landed first.
    private func revoke(_ order: LedgerOrder, payment: ProviderPayment, ledger: Ledger) throws(ServiceError) -> ProviderPayment? {
        var note: String?
        var outcome: LedgerOrder.ProviderAction = .pending
        do {
            try client.revokeVirtualAccount(id: payment.impUID)
            outcome = .done
            log.info("revoked the expired virtual account of \(payment.impUID)")
        } catch {
            if let now = try? client.payment(id: payment.impUID), now.status != "ready" {
                outcome = .done  // nothing left to revoke
                if now.holdsMoney {
                    try recordAction(order, ledger: ledger, revoke: .done, note: nil, iamportStatus: now.statusAsReported,
                                     decision: "deposited_after_expiry", amount: now.amount)
                    return now
                }
            } else {
                note = actionNote(error)
                log.error("revoke of \(payment.impUID) not made, will retry: \(error.description)")
            }
        }
        try recordAction(order, ledger: ledger, revoke: outcome, note: note, iamportStatus: payment.statusAsReported,
                         decision: outcome == .done ? "revoked" : "revoke_pending", amount: payment.amount)
        return nil
    }

    private func recordAction(_ order: LedgerOrder, ledger: Ledger, refund: LedgerOrder.ProviderAction? = nil,
                              revoke: LedgerOrder.ProviderAction? = nil, note: String?, iamportStatus: String,
                              decision: String, amount: Int) throws(ServiceError) {
        let event = LedgerEvent(at: Self.now(), channel: refund != nil ? "refund" : "revoke", iamportStatus: iamportStatus,
                                decision: decision, reason: note ?? order.reason, amount: amount)
        var after = order
        if let refund { after.refundState = refund }
        if let revoke { after.revokeState = revoke }
        after.actionNote = note
        do {
            try ledger.settleAction(order.impUID, refund: refund, revoke: revoke, note: note, event: event,
                                    notifications: notifier?.notifications(before: order, after: after) ?? [])
        } catch {
            log.error("ledger: \(error.message)")
            throw .ledgerUnavailable(error.message)
        }
    }

    /// What the seller is shown about a refund or revoke that did not go through (no secrets, no buyer data).
    func actionNote(_ error: ProviderError) -> String {
        let provider = client.kind.displayName
        switch error {
        case .notFound: return "\(provider) knows no such payment"
        case .unauthorized: return "\(provider) refused the API key"
        case let .refused(code, message): return "\(provider) refused (code \(code)): \(message.prefix(200))"
        case let .unavailable(detail): return "\(provider) did not answer: \(detail.prefix(200))"
        }
    }

    static func now() -> Int { Int(time(nil)) }

    func serviceError(_ error: ProviderError) -> ServiceError {
        let provider = client.kind.displayName
        switch error {
        case .notFound: return .unknownPayment
        case .unauthorized:
            return .configuration(client.kind == .iamport ? "Iamport refused IAMPORT_API_KEY/IAMPORT_API_SECRET"
                                                           : "PortOne refused PORTONE_API_SECRET")
        case let .refused(code, message): return .providerUnavailable("\(provider) refused the call (code \(code)): \(message)")
        case let .unavailable(detail): return .providerUnavailable(detail)
        }
    }
}

/// Fresh merchant_uids a buyer can read out on the phone, as the checkout page makes them (orders.js
/// `newMerchantUID`): the prefix, the day in Korean time (YYMMDD) and 8 random characters of Crockford's base32
/// in two groups — `onggi-261206-K7M4-PX2Q`, prefix + 16 characters. 40 random bits a day; the order lookup also
/// needs the phone and allows `OrderLookup.triesPerOrder` failed tries per number an hour. At most 40 of
/// [A-Za-z0-9_-] (a prefix is at most 20).
enum MerchantUID {
    static let codeAlphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ")

    static func make(prefix: String, now: Int = Int(time(nil))) -> String {
        var random = SystemRandomNumberGenerator()
        // 32 divides 2^64: the low 5 bits of each draw are uniform.
        let code = String((0..<8).map { _ in codeAlphabet[Int(random.next() & 31)] })
        return String((prefix + koreanDay(now) + "-" + code.prefix(4) + "-" + code.suffix(4)).prefix(40))
    }

    /// `unixSeconds` as the Korean calendar day, YYMMDD (Korea keeps no daylight saving: UTC+9 all year).
    static func koreanDay(_ unixSeconds: Int) -> String {
        var seconds = time_t(unixSeconds + 9 * 3600)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func two(_ n: Int32) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return two((parts.tm_year + 1900) % 100) + two(parts.tm_mon + 1) + two(parts.tm_mday)
    }
}

/// "첫 상품 외 2건", as the checkout page names orders.
enum OrderName {
    static func make(_ items: [PricedItem]) -> String {
        guard let first = items.first?.title else { return "" }
        let title = first.count > 30 ? String(first.prefix(29)) + "…" : first
        return items.count > 1 ? "\(title) 외 \(items.count - 1)건" : title
    }
}

/// Log lines on stderr: decisions and failures, never secrets, tokens or buyer data.
public struct Log: Sendable {
    public var enabled: Bool

    public init(enabled: Bool = true) { self.enabled = enabled }

    public func info(_ message: String) { write("gage-verify: " + message) }
    public func error(_ message: String) { write("gage-verify: error: " + message) }

    private func write(_ line: String) {
        guard enabled else { return }
        var bytes = Array((line + "\n").utf8)
        _ = bytes.withUnsafeMutableBytes { Glibc.write(2, $0.baseAddress, $0.count) }
    }
}

