#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import GageCore

/// A subscription (정기배송, SPEC §5) as the ledger keeps it. Each charge is an order of its own (`orders.subscription_id`);
/// this row says what every delivery costs, which charge comes next and whether the provider has it scheduled.
public struct LedgerSubscription: Sendable, Equatable {
    public enum Status: String, Sendable, CaseIterable {
        /// The first charge is being made: not a subscription yet.
        case pending
        case active
        /// The last retry of a declined charge failed: no more charges until the buyer subscribes again.
        case pastDue = "past_due"
        /// Ended by the buyer or the seller.
        case cancelled
        /// The first charge was declined: it never started.
        case declined
        /// The first charge was refused by the decision (sold out, …) and refunded: it never started.
        case rejected
    }

    /// Where an action owed to the provider stands (scheduling the next charge, deleting the billing key).
    public enum ActionState: String, Sendable {
        /// Owed; every later look (the next webhook, reconcile) tries again.
        case pending
        case done
    }

    public var id: String
    /// The billing key's alias with the provider.
    public var customerUID: String
    /// The SHA-256 of the buyer's secret for the manage page (`ManageToken.digest`); the token itself is never kept.
    public var manageTokenDigest: String
    /// The manage token in clear, kept only from `/subscribe` until the first charge is decided: whichever process
    /// decides it (the `/subscribe` call, a webhook that came first, reconcile) moves it into that order's
    /// confirmation mail in the outbox, in the same transaction, and clears it here.
    public var mailToken: String?
    public var status: Status
    /// `2w`, `1m`, …
    public var interval: String
    /// What each delivery is charged (subscriber prices at the time of subscribing, shipping included).
    public var amount: Int
    /// The 제주/도서산간 surcharge `amount` includes (SPEC §11), so each delivery's order records it.
    public var surcharge = 0
    public var currency: String
    public var name: String?
    public var items: [PricedItem]
    public var catalogVersion: String?
    /// The first charge's time: every later charge date is counted from it.
    public var anchorAt: Int
    /// The charge waited for: its sequence number, and which try of it (retries after a decline).
    public var sequence: Int
    public var attempt: Int
    /// When that charge is (to be) made; nil when none is coming.
    public var nextChargeAt: Int?
    /// Whether the provider has the next charge scheduled (`pending`: still to be asked).
    public var scheduleState: ActionState?
    /// For an ended subscription: whether its billing key was deleted with the provider.
    public var keyState: ActionState?
    public var buyer: LedgerOrder.Buyer
    /// Why it ended (`cancelled_by_buyer`, `cancelled_by_seller`, `card_declined`, `sold_out`, …).
    public var endedReason: String?
    /// Why the last action with the provider did not go through.
    public var actionNote: String?
    public var createdAt: Int
    public var updatedAt: Int
    public var cancelledAt: Int?
    /// The order prefix and shop id it was made under: its charges keep them whatever the shop is renamed to later
    /// (nil only for a subscription whose catalog version the ledger never kept).
    public var orderPrefix: String?
    public var shop: String?

    public init(id: String, customerUID: String, manageTokenDigest: String, status: Status, interval: String, amount: Int,
                currency: String, name: String?, items: [PricedItem], catalogVersion: String?, anchorAt: Int,
                buyer: LedgerOrder.Buyer = .init(), createdAt: Int, orderPrefix: String? = nil, shop: String? = nil) {
        self.orderPrefix = orderPrefix
        self.shop = shop
        self.id = id
        self.customerUID = customerUID
        self.manageTokenDigest = manageTokenDigest
        self.status = status
        self.interval = interval
        self.amount = amount
        self.currency = currency
        self.name = name
        self.items = items
        self.catalogVersion = catalogVersion
        self.anchorAt = anchorAt
        sequence = 1
        attempt = 1
        nextChargeAt = anchorAt
        self.buyer = buyer
        self.createdAt = createdAt
        updatedAt = createdAt
    }

    /// The charge this subscription waits for.
    public var expectedCharge: SubscriptionCharge {
        SubscriptionCharge(subscriptionID: id, sequence: sequence, attempt: attempt)
    }

    /// Whether charges still come (or the first is under way).
    public var isLive: Bool { status == .active || status == .pending }
}

extension Ledger {
    /// Records a new subscription, unless its billing key was seen before (then nothing is written and false is
    /// returned). Call inside `transaction`, so two requests with one key are decided one after the other.
    public func insertSubscription(_ subscription: LedgerSubscription) throws(LedgerError) -> Bool {
        guard try database.execute("SELECT id FROM subscriptions WHERE customer_uid = ?",
                                   [.text(subscription.customerUID)]).isEmpty else { return false }
        try database.execute("""
            INSERT INTO subscriptions (id, customer_uid, manage_token, status, interval_spec, amount, currency, name,
                items_json, catalog_version, anchor_at, charge_sequence, charge_attempt, created_at, updated_at,
                order_prefix, shop, surcharge)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, [.text(subscription.id), .text(subscription.customerUID), .text(subscription.manageTokenDigest),
                  .text(subscription.status.rawValue), .text(subscription.interval), .int(subscription.amount),
                  .text(subscription.currency), subscription.name.map(SQLValue.text) ?? .null,
                  .text(Self.itemsJSON(subscription.items)), subscription.catalogVersion.map(SQLValue.text) ?? .null,
                  .int(subscription.anchorAt), .int(subscription.sequence), .int(subscription.attempt),
                  .int(subscription.createdAt), .int(subscription.updatedAt),
                  subscription.orderPrefix.map(SQLValue.text) ?? .null, subscription.shop.map(SQLValue.text) ?? .null,
                  .int(subscription.surcharge)])
        try saveSubscription(subscription)
        return true
    }

    /// Writes everything about a subscription that can change after it was recorded.
    public func saveSubscription(_ subscription: LedgerSubscription) throws(LedgerError) {
        func text(_ value: String?) -> SQLValue { value.map(SQLValue.text) ?? .null }
        func int(_ value: Int?) -> SQLValue { value.map(SQLValue.int) ?? .null }
        try database.execute("""
            UPDATE subscriptions SET status = ?, charge_sequence = ?, charge_attempt = ?, next_charge_at = ?,
                schedule_state = ?, key_state = ?, anchor_at = ?,
                buyer_name = COALESCE(?, buyer_name), buyer_tel = COALESCE(?, buyer_tel),
                buyer_email = COALESCE(?, buyer_email), buyer_addr = COALESCE(?, buyer_addr),
                buyer_postcode = COALESCE(?, buyer_postcode),
                ended_reason = ?, action_note = ?, updated_at = ?, cancelled_at = ?, mail_token = ?
            WHERE id = ?
            """, [.text(subscription.status.rawValue), .int(subscription.sequence), .int(subscription.attempt),
                  int(subscription.nextChargeAt), text(subscription.scheduleState?.rawValue),
                  text(subscription.keyState?.rawValue), .int(subscription.anchorAt),
                  text(subscription.buyer.name), text(subscription.buyer.tel), text(subscription.buyer.email),
                  text(subscription.buyer.addr), text(subscription.buyer.postcode),
                  text(subscription.endedReason), text(subscription.actionNote), .int(subscription.updatedAt),
                  int(subscription.cancelledAt), text(subscription.mailToken), .text(subscription.id)])
    }

    public func subscription(id: String) throws(LedgerError) -> LedgerSubscription? {
        try database.execute("SELECT * FROM subscriptions WHERE id = ?", [.text(id)]).first.map(Self.subscription(from:))
    }

    /// The subscription a manage token opens: looked up by the token's digest, so a revoked token (or one never
    /// made) finds nothing.
    public func subscription(manageToken: String) throws(LedgerError) -> LedgerSubscription? {
        try database.execute("SELECT * FROM subscriptions WHERE manage_token = ?", [.text(ManageToken.digest(manageToken))])
            .first.map(Self.subscription(from:))
    }

    /// How `replaceManageToken` went.
    public enum TokenReplacement: Sendable, Equatable {
        /// The subscription now answers only to the new token; the mail carrying it is in the outbox.
        case replaced(LedgerSubscription)
        case notFound
        /// Not active (ended, or its first charge still being made): nothing changed.
        case notActive(LedgerSubscription)
    }

    /// Gives an active subscription a new manage token (`gage subscriptions resend`), in one transaction: the old
    /// token stops opening it at once, mails still waiting in the outbox with the old token carry the new one
    /// instead (so no unsent mail delivers a dead link), and the `notifications` carrying the new link are written.
    public func replaceManageToken(subscriptionID: String, token: String, at now: Int,
                                   notifications: (LedgerSubscription) -> [OutgoingNotification])
        throws(LedgerError) -> TokenReplacement {
        try transaction { () throws(LedgerError) -> TokenReplacement in
            guard var subscription = try subscription(id: subscriptionID) else { return .notFound }
            guard subscription.status == .active else { return .notActive(subscription) }
            subscription.manageTokenDigest = ManageToken.digest(token)
            subscription.updatedAt = now
            try database.execute("UPDATE subscriptions SET manage_token = ?, updated_at = ? WHERE id = ?",
                                 [.text(subscription.manageTokenDigest), .int(now), .text(subscription.id)])
            try database.execute("""
                UPDATE notifications SET secret = ?
                WHERE secret IS NOT NULL AND state IN ('pending', 'sending')
                  AND imp_uid IN (SELECT imp_uid FROM orders WHERE subscription_id = ?)
                """, [.text(token), .text(subscription.id)])
            try enqueue(notifications(subscription), at: now)
            return .replaced(subscription)
        }
    }

    /// Replaces manage tokens kept in clear by ledgers from before digests with their digests (run with the
    /// migrations, inside their transaction): links buyers already hold keep working, and the file no longer
    /// holds them.
    func digestClearManageTokens() throws(LedgerError) {
        let rows = try database.execute("SELECT id, manage_token FROM subscriptions WHERE manage_token NOT LIKE ?",
                                        [.text(ManageToken.digestPrefix + "%")])
        for row in rows {
            guard let id = row.text("id"), let token = row.text("manage_token") else { continue }
            try database.execute("UPDATE subscriptions SET manage_token = ? WHERE id = ?",
                                 [.text(ManageToken.digest(token)), .text(id)])
        }
    }

    /// Subscriptions, newest first; only those with one of `statuses` when given.
    public func subscriptions(statuses: [LedgerSubscription.Status] = []) throws(LedgerError) -> [LedgerSubscription] {
        let filter = statuses.isEmpty ? "" : "WHERE status IN (" + statuses.map { _ in "?" }.joined(separator: ", ") + ")"
        return try database.execute("SELECT * FROM subscriptions \(filter) ORDER BY created_at DESC, id",
                                    statuses.map { .text($0.rawValue) }).map(Self.subscription(from:))
    }

    /// Subscriptions that may owe the provider something or have a charge due by `now`: live ones whose next charge
    /// is not scheduled yet or is due, and ended ones whose billing key is not deleted yet.
    public func subscriptionsToReconcile(now: Int) throws(LedgerError) -> [LedgerSubscription] {
        try database.execute("""
            SELECT * FROM subscriptions
            WHERE (status IN ('active', 'pending') AND (schedule_state = 'pending' OR next_charge_at <= ?))
               OR key_state = 'pending'
            ORDER BY created_at, id
            """, [.int(now)]).map(Self.subscription(from:))
    }

    /// A subscription's charges (its orders), oldest first.
    public func orders(subscriptionID: String) throws(LedgerError) -> [LedgerOrder] {
        try database.execute("SELECT * FROM orders WHERE subscription_id = ? ORDER BY created_at, imp_uid",
                             [.text(subscriptionID)]).map(Self.order(from:))
    }

    static func itemsJSON(_ items: [PricedItem]) -> String {
        String(decoding: (try? JSONEncoder.sorted.encode(items)) ?? Data("[]".utf8), as: UTF8.self)
    }

    static func subscription(from row: SQLRow) -> LedgerSubscription {
        let items = row.text("items_json").flatMap { try? JSONDecoder().decode([PricedItem].self, from: Data($0.utf8)) } ?? []
        var subscription = LedgerSubscription(
            id: row.text("id") ?? "", customerUID: row.text("customer_uid") ?? "", manageTokenDigest: row.text("manage_token") ?? "",
            status: row.text("status").flatMap(LedgerSubscription.Status.init(rawValue:)) ?? .pending,
            interval: row.text("interval_spec") ?? "", amount: row.int("amount") ?? 0, currency: row.text("currency") ?? "KRW",
            name: row.text("name"), items: items, catalogVersion: row.text("catalog_version"),
            anchorAt: row.int("anchor_at") ?? 0,
            buyer: .init(name: row.text("buyer_name"), tel: row.text("buyer_tel"), email: row.text("buyer_email"),
                         addr: row.text("buyer_addr"), postcode: row.text("buyer_postcode")),
            createdAt: row.int("created_at") ?? 0)
        subscription.sequence = row.int("charge_sequence") ?? 1
        subscription.attempt = row.int("charge_attempt") ?? 1
        subscription.nextChargeAt = row.int("next_charge_at")
        subscription.scheduleState = row.text("schedule_state").flatMap(LedgerSubscription.ActionState.init(rawValue:))
        subscription.keyState = row.text("key_state").flatMap(LedgerSubscription.ActionState.init(rawValue:))
        subscription.endedReason = row.text("ended_reason")
        subscription.actionNote = row.text("action_note")
        subscription.updatedAt = row.int("updated_at") ?? 0
        subscription.cancelledAt = row.int("cancelled_at")
        subscription.orderPrefix = row.text("order_prefix")
        subscription.shop = row.text("shop")
        subscription.mailToken = row.text("mail_token")
        subscription.surcharge = row.int("surcharge") ?? 0
        return subscription
    }
}
