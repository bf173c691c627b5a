import Glibc
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import GageCore

/// A judged order as the ledger keeps it: one row per `imp_uid`, with the buyer's details for shipping.
public struct LedgerOrder: Sendable, Equatable {
    public var impUID: String
    public var merchantUID: String
    public var status: String
    public var amount: Int
    public var currency: String
    public var name: String?
    public var items: [PricedItem]
    public var reason: String?
    /// For `amount_mismatch`: what the order cost by the catalog.
    public var expectedAmount: Int?
    public var buyer: Buyer
    public var vbank: VirtualAccount?
    /// The catalog version the order was priced with.
    public var catalogVersion: String?
    public var payMethod: String?
    /// What the provider has cancelled of a paid order so far (a partial cancel keeps it `paid`).
    public var cancelledAmount: Int = 0
    /// For a rejected payment whose money moved: where its refund stands.
    public var refundState: ProviderAction?
    /// For an expired virtual account: whether the provider revoked it.
    public var revokeState: ProviderAction?
    /// Why the last refund or revoke did not go through.
    public var actionNote: String?
    /// Until when an issued virtual account holds stock (Unix seconds).
    public var holdUntil: Int?
    public var createdAt: Int = 0
    public var updatedAt: Int = 0
    public var shippedAt: Int?
    public var tracking: String?
    /// The carrier's code (`cj`, `hanjin`, …) when the seller named one at shipping.
    public var carrier: String?
    /// Whether the buyer paid through the PG's escrow (구매안전서비스): its delivery is registered with the provider.
    public var escrow = false
    /// For an order with an adult-only item: the identity verification that passed (never the person's details).
    public var identity: IdentityCheck?
    /// For a subscription's charge: the subscription it delivers.
    public var subscriptionID: String?
    /// The refund that just moved this order (set only while its notifications are written; not stored here —
    /// the refunds table keeps every refund).
    public var latestRefund: LedgerRefund?
    /// The effects of SPEC §11's pricing rules on the order as judged (nil for orders judged before them).
    public var pricing: PricingEffects?

    /// What the pricing rules did to an order: the discount code it redeemed (normalised) and what it saved, the
    /// regional surcharge, and the tax-free (면세) part of its amount.
    public struct PricingEffects: Sendable, Equatable {
        public var discountCode: String?
        /// Won the code saved, items and shipping together.
        public var discount: Int
        public var surcharge: Int
        public var taxFree: Int

        public init(discountCode: String? = nil, discount: Int = 0, surcharge: Int = 0, taxFree: Int = 0) {
            self.discountCode = discountCode
            self.discount = discount
            self.surcharge = surcharge
            self.taxFree = taxFree
        }
    }

    public init(impUID: String, merchantUID: String, status: String, amount: Int, currency: String, name: String?,
                items: [PricedItem], reason: String? = nil, buyer: Buyer = Buyer(), vbank: VirtualAccount? = nil) {
        self.impUID = impUID
        self.merchantUID = merchantUID
        self.status = status
        self.amount = amount
        self.currency = currency
        self.name = name
        self.items = items
        self.reason = reason
        self.buyer = buyer
        self.vbank = vbank
    }

    /// A refund or a revoke with the provider, which can fail and is then retried by every later look.
    public enum ProviderAction: String, Sendable, Equatable {
        /// Not done yet; the next look at the payment tries again.
        case pending
        /// Cannot be done by Gage (a deposited virtual account needs the buyer's refund account): the seller must.
        case manual
        case done
    }

    /// That the buyer passed identity verification as an adult: which certification, through which provider,
    /// and when it was made.
    public struct IdentityCheck: Sendable, Equatable {
        public var certification: String
        public var provider: String?
        public var certifiedAt: Int

        public init(certification: String, provider: String?, certifiedAt: Int) {
            self.certification = certification
            self.provider = provider
            self.certifiedAt = certifiedAt
        }
    }

    /// `true` once refunded, `false` while a refund is owed, nil when none is.
    public var refunded: Bool? { refundState.map { $0 == .done } }

    public struct Buyer: Codable, Sendable, Equatable {
        public var name: String?
        public var tel: String?
        public var email: String?
        public var addr: String?
        public var postcode: String?

        public init(name: String? = nil, tel: String? = nil, email: String? = nil, addr: String? = nil,
                    postcode: String? = nil) {
            self.name = name
            self.tel = tel
            self.email = email
            self.addr = addr
            self.postcode = postcode
        }
    }
}

/// One decision in an order's append-only history.
public struct LedgerEvent: Sendable, Equatable {
    public var at: Int
    /// `callback`, `redirect`, `webhook`, `reconcile`, `refund`, `seller`.
    public var channel: String
    /// What Iamport said the payment's status was.
    public var iamportStatus: String
    /// What was decided (`paid`, `rejected`, …, `refunded`, `shipped`).
    public var decision: String
    public var reason: String?
    public var amount: Int?

    public init(at: Int = Int(Date().timeIntervalSince1970), channel: String, iamportStatus: String, decision: String,
                reason: String? = nil, amount: Int? = nil) {
        self.at = at
        self.channel = channel
        self.iamportStatus = iamportStatus
        self.decision = decision
        self.reason = reason
        self.amount = amount
    }
}

/// The order ledger (SPEC §4): one row per `imp_uid` and an append-only history, in an SQLite file or a
/// PostgreSQL database (`LedgerLocation`). Everything above `LedgerDatabase` is written once for both; the schema
/// is created and migrated here, by code, on first use.
public final class Ledger {
    let database: any LedgerDatabase
    public let location: LedgerLocation

    public init(location: LedgerLocation) throws(LedgerError) {
        self.location = location
        switch location {
        case let .sqlite(path): database = try SQLiteConnection(path: path)
        case let .postgres(url): database = try PostgresConnection(url: url)
        }
        try Self.retryingWhileLocked { () throws(LedgerError) in try migrate() }
    }

    public convenience init(path: String) throws(LedgerError) {
        try self.init(location: .sqlite(path: path))
    }

    static func retryingWhileLocked(_ body: () throws(LedgerError) -> Void) throws(LedgerError) {
        var attempt = 0
        while true {
            do {
                return try body()
            } catch {
                attempt += 1
                guard attempt < 40, error.message.contains("locked") || error.message.contains("busy") else { throw error }
                usleep(50_000)
            }
        }
    }

    private func migrate() throws(LedgerError) {
        let migrations = LedgerSchema.migrations(database.dialect)
        guard try database.schemaVersion() < migrations.count else { return }
        try transaction { () throws(LedgerError) in
            // Again under the writer lock: another invocation may have migrated meanwhile.
            let version = try database.schemaVersion()
            guard version < migrations.count else { return }
            for (index, migration) in migrations.enumerated() where index >= version {
                for statement in migration.split(separator: ";") where statement.contains(where: { !$0.isWhitespace }) {
                    try database.execute(String(statement))
                }
            }
            // What SQL alone cannot do (SQLite has no SHA-256): idempotent, so it runs after any migration.
            try digestClearManageTokens()
            try database.setSchemaVersion(migrations.count)
        }
    }

    // MARK: - Writing

    /// Runs `body` in one write transaction that excludes every other writer from its start, so two invocations
    /// racing for the last unit of a product, or for one payment — on one host or several — are judged one after
    /// the other.
    public func transaction<T>(_ body: () throws(LedgerError) -> T) throws(LedgerError) -> T {
        try database.beginExclusive()
        do {
            let result = try body()
            try database.execute("COMMIT")
            return result
        } catch {
            _ = try? database.execute("ROLLBACK")
            throw error
        }
    }

    /// Runs `body` reading one consistent snapshot of the ledger while writers carry on.
    public func reading<T>(_ body: () throws(LedgerError) -> T) throws(LedgerError) -> T {
        try database.beginSnapshot()
        defer { _ = try? database.execute("COMMIT") }
        return try body()
    }

    /// Units of each SKU held at `now` by other orders: paid (partly cancelled ones keep their items), a virtual
    /// account still within its hold, or a live hold (`/prepare`, `/confirm`) — all but the order's own, named by
    /// its payment (`impUID`) and its merchant_uid.
    public func unitsHeld(excluding impUID: String, merchantUID: String? = nil, at now: Int) throws(LedgerError) -> [String: Int] {
        let orders = try database.execute("""
            SELECT order_items.sku AS sku, SUM(order_items.quantity) AS units FROM order_items
            JOIN orders ON orders.imp_uid = order_items.imp_uid
            WHERE orders.imp_uid != ?
              AND (orders.status = 'paid' OR (orders.status = 'awaiting_deposit' AND orders.hold_until > ?))
            GROUP BY order_items.sku
            """, [.text(impUID), .int(now)])
        let holds = try database.execute("""
            SELECT hold_items.sku AS sku, SUM(hold_items.quantity) AS units FROM hold_items
            JOIN holds ON holds.merchant_uid = hold_items.merchant_uid
            WHERE holds.expires_at > ? AND holds.merchant_uid != ? AND holds.door != 'vbank'
            GROUP BY hold_items.sku
            """, [.int(now), .text(merchantUID ?? "")])
        // Every row counts: SQL groups by bytes, a Swift dictionary by canonical equivalence, so two spellings that
        // SQL keeps apart (a look-alike a ledger recorded before SKUs were checked) are added up, never overwritten.
        var held: [String: Int] = [:]
        for row in orders + holds { if let sku = row.text("sku") { held[sku, default: 0] += row.int("units") ?? 0 } }
        // Refunded units: back in stock unless the seller kept them out (damaged goods).
        for (sku, units) in try refundedUnitAdjustments(excluding: impUID) { held[sku, default: 0] += units }
        return held
    }

    /// Writes the order's row as it now stands and appends the event that brought it there.
    public func save(_ order: LedgerOrder, event: LedgerEvent) throws(LedgerError) {
        let items = String(decoding: (try? JSONEncoder.sorted.encode(order.items)) ?? Data("[]".utf8), as: UTF8.self)
        let vbank = order.vbank.flatMap { try? JSONEncoder.sorted.encode($0) }.map { String(decoding: $0, as: UTF8.self) }
        func text(_ value: String?) -> SQLValue { value.map(SQLValue.text) ?? .null }
        func int(_ value: Int?) -> SQLValue { value.map(SQLValue.int) ?? .null }
        try database.execute("""
            INSERT INTO orders (imp_uid, merchant_uid, status, amount, currency, name, items_json, reason,
                buyer_name, buyer_tel, buyer_email, buyer_addr, buyer_postcode, vbank_json, catalog_version, pay_method,
                cancelled_amount, refund_state, revoke_state, action_note, hold_until, expected_amount,
                identity_certification, identity_provider, identity_certified_at, escrow, subscription_id, created_at,
                updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT(imp_uid) DO UPDATE SET
                status = excluded.status, amount = excluded.amount, currency = excluded.currency,
                name = excluded.name, items_json = excluded.items_json, reason = excluded.reason,
                buyer_name = COALESCE(excluded.buyer_name, orders.buyer_name),
                buyer_tel = COALESCE(excluded.buyer_tel, orders.buyer_tel),
                buyer_email = COALESCE(excluded.buyer_email, orders.buyer_email),
                buyer_addr = COALESCE(excluded.buyer_addr, orders.buyer_addr),
                buyer_postcode = COALESCE(excluded.buyer_postcode, orders.buyer_postcode),
                vbank_json = COALESCE(excluded.vbank_json, orders.vbank_json),
                catalog_version = excluded.catalog_version, pay_method = excluded.pay_method,
                cancelled_amount = excluded.cancelled_amount, refund_state = excluded.refund_state,
                revoke_state = excluded.revoke_state, action_note = excluded.action_note,
                hold_until = excluded.hold_until, expected_amount = excluded.expected_amount,
                identity_certification = COALESCE(orders.identity_certification, excluded.identity_certification),
                identity_provider = COALESCE(orders.identity_provider, excluded.identity_provider),
                identity_certified_at = COALESCE(orders.identity_certified_at, excluded.identity_certified_at),
                escrow = excluded.escrow, updated_at = excluded.updated_at,
                subscription_id = COALESCE(orders.subscription_id, excluded.subscription_id)
            """, [
                .text(order.impUID), .text(order.merchantUID), .text(order.status), .int(order.amount),
                .text(order.currency), text(order.name), .text(items), text(order.reason),
                text(order.buyer.name), text(order.buyer.tel), text(order.buyer.email), text(order.buyer.addr),
                text(order.buyer.postcode), text(vbank), text(order.catalogVersion), text(order.payMethod),
                .int(order.cancelledAmount), text(order.refundState?.rawValue), text(order.revokeState?.rawValue),
                text(order.actionNote), int(order.holdUntil), int(order.expectedAmount),
                text(order.identity?.certification), text(order.identity?.provider), int(order.identity?.certifiedAt),
                .int(order.escrow ? 1 : 0), text(order.subscriptionID), .int(event.at), .int(event.at),
            ])
        try savePricingEffects(of: order)
        try database.execute("DELETE FROM order_items WHERE imp_uid = ?", [.text(order.impUID)])
        for item in order.items {
            try database.execute("INSERT INTO order_items (imp_uid, sku, quantity) VALUES (?, ?, ?)",
                                   [.text(order.impUID), .text(item.sku), .int(item.quantity)])
        }
        try append(event, to: order.impUID)
    }

    public func append(_ event: LedgerEvent, to impUID: String) throws(LedgerError) {
        try database.execute("""
            INSERT INTO history (imp_uid, at, channel, iamport_status, decision, reason, amount)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            """, [.text(impUID), .int(event.at), .text(event.channel), .text(event.iamportStatus),
                  .text(event.decision), event.reason.map(SQLValue.text) ?? .null,
                  event.amount.map(SQLValue.int) ?? .null])
    }

    /// How a refund or revoke with the provider went: only those columns change, so a decision recorded by
    /// another invocation meanwhile is kept.
    public func settleAction(_ impUID: String, refund: LedgerOrder.ProviderAction? = nil,
                             revoke: LedgerOrder.ProviderAction? = nil, note: String?, event: LedgerEvent,
                             notifications: [OutgoingNotification] = []) throws(LedgerError) {
        try transaction { () throws(LedgerError) in
            if let refund {
                try database.execute("UPDATE orders SET refund_state = ? WHERE imp_uid = ? AND refund_state != 'done'",
                                       [.text(refund.rawValue), .text(impUID)])
            }
            if let revoke {
                try database.execute("UPDATE orders SET revoke_state = ? WHERE imp_uid = ? AND revoke_state != 'done'",
                                       [.text(revoke.rawValue), .text(impUID)])
            }
            try database.execute("UPDATE orders SET action_note = ?, updated_at = ? WHERE imp_uid = ?",
                                   [note.map(SQLValue.text) ?? .null, .int(event.at), .text(impUID)])
            try append(event, to: impUID)
            try enqueue(notifications, at: event.at)
        }
    }

    /// The seller's fulfilment mark, with the notifications it owes the buyer, in one transaction. Returns the
    /// order as it was and as it now is, or nil when there is no such order.
    public func ship(_ impUID: String, carrier: String?, tracking: String?, at: Int = Int(Date().timeIntervalSince1970),
                     notifications: (_ before: LedgerOrder, _ after: LedgerOrder) -> [OutgoingNotification] = { _, _ in [] })
        throws(LedgerError) -> (before: LedgerOrder, after: LedgerOrder)? {
        try transaction { () throws(LedgerError) -> (before: LedgerOrder, after: LedgerOrder)? in
            guard let order = try order(impUID) else { return nil }
            try database.execute("UPDATE orders SET shipped_at = ?, carrier = ?, tracking = ?, updated_at = ? WHERE imp_uid = ?",
                                   [.int(at), carrier.map(SQLValue.text) ?? .null, tracking.map(SQLValue.text) ?? .null,
                                    .int(at), .text(impUID)])
            try append(LedgerEvent(at: at, channel: "seller", iamportStatus: order.status, decision: "shipped",
                                   reason: [carrier, tracking].compactMap { $0 }.joined(separator: " ")), to: impUID)
            var shipped = order
            shipped.shippedAt = at
            shipped.carrier = carrier
            shipped.tracking = tracking
            try enqueue(notifications(order, shipped), at: at)
            return (order, shipped)
        }
    }

    // MARK: - Catalog versions

    /// Records that `version` is the catalog being served, from `since` on, unless it already is. Keeps its
    /// content so that orders priced with it can be priced again with it later (SPEC §3 "Prices over time").
    public func noteCatalog(version: String, json: String, since: Int) throws(LedgerError) {
        try noteCatalog(version: version, since: since) { () throws(LedgerError) -> String in json }
    }

    /// `json` is asked for only when the ledger does not hold this version's text yet.
    public func noteCatalog(version: String, since: Int, json: () throws(LedgerError) -> String) throws(LedgerError) {
        let latest = try database.execute("SELECT version, since FROM catalog_periods ORDER BY id DESC LIMIT 1").first
        if latest?.text("version") == version { return }
        if try database.execute("SELECT 1 AS held FROM catalog_versions WHERE version = ?", [.text(version)]).isEmpty {
            try database.execute("INSERT INTO catalog_versions (version, catalog_json) VALUES (?, ?) ON CONFLICT (version) DO NOTHING",
                                   [.text(version), .text(try json())])
        }
        // Periods stay in order even if a copied file carries an older time than the period before it.
        let start = max(since, latest?.int("since") ?? since)
        try database.execute("INSERT INTO catalog_periods (version, since) VALUES (?, ?)", [.text(version), .int(start)])
    }

    /// Remembers that the shop has sold under this order prefix and shop id (SPEC §9): payments made under it stay
    /// the shop's after a rename of `order_prefix` or `base_url`.
    public func rememberShopName(orderPrefix: String, shop: String) throws(LedgerError) {
        guard !orderPrefix.isEmpty, !shop.isEmpty else { return }
        try database.execute("INSERT INTO shop_names (order_prefix, shop) VALUES (?, ?) ON CONFLICT DO NOTHING",
                             [.text(orderPrefix), .text(shop)])
    }

    /// The order prefixes the shop has sold under with this shop id.
    public func orderPrefixes(ofShop shop: String) throws(LedgerError) -> [String] {
        try database.execute("SELECT order_prefix FROM shop_names WHERE shop = ? ORDER BY order_prefix", [.text(shop)])
            .compactMap { $0.text("order_prefix") }
    }

    /// Takes a verified webhook delivery once: false when this delivery (its id and signed timestamp) was taken
    /// before. Receipts older than an hour are dropped; their signatures have expired anyway.
    public func takeWebhookDelivery(id: String, signedAt: Int, now: Int) throws(LedgerError) -> Bool {
        try database.execute("DELETE FROM webhook_receipts WHERE received_at < ?", [.int(now - 3600)])
        let taken = try database.execute("""
            INSERT INTO webhook_receipts (webhook_id, signed_at, received_at) VALUES (?, ?, ?)
            ON CONFLICT (webhook_id, signed_at) DO NOTHING RETURNING webhook_id
            """, [.text(id), .int(signedAt), .int(now)])
        return !taken.isEmpty
    }

    /// When `version` was the catalog served: each period's start and end (nil: it still is).
    public func catalogPeriods(of version: String) throws(LedgerError) -> [(since: Int, until: Int?)] {
        try database.execute("""
            SELECT p.since AS since, (SELECT n.since FROM catalog_periods n WHERE n.id > p.id ORDER BY n.id LIMIT 1) AS until
            FROM catalog_periods p WHERE p.version = ? ORDER BY p.id
            """, [.text(version)]).map { ($0.int("since") ?? 0, $0.int("until")) }
    }

    /// The catalog.json text of a version the function served.
    public func catalogJSON(of version: String) throws(LedgerError) -> String? {
        try database.execute("SELECT catalog_json FROM catalog_versions WHERE version = ?", [.text(version)])
            .first?.text("catalog_json")
    }

    // MARK: - Reading

    public func order(_ impUID: String) throws(LedgerError) -> LedgerOrder? {
        try database.execute("SELECT * FROM orders WHERE imp_uid = ?", [.text(impUID)]).first.map(Self.order(from:))
    }

    /// Orders, newest first, optionally only one status and only from `since` (Unix seconds).
    public func orders(status: String? = nil, since: Int? = nil) throws(LedgerError) -> [LedgerOrder] {
        var conditions: [String] = []
        var parameters: [SQLValue] = []
        if let status {
            conditions.append("status = ?")
            parameters.append(.text(status))
        }
        if let since {
            conditions.append("created_at >= ?")
            parameters.append(.int(since))
        }
        let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        return try database.execute("SELECT * FROM orders \(filter) ORDER BY created_at DESC, imp_uid", parameters)
            .map(Self.order(from:))
    }

    /// Orders the provider still owes an action for: refunds not yet made (or made by hand) and virtual
    /// accounts not yet revoked, virtual accounts still waiting for their deposit, and refunds still in flight.
    public func ordersToRecheck() throws(LedgerError) -> [LedgerOrder] {
        try database.execute("""
            SELECT * FROM orders WHERE refund_state IN ('pending', 'manual') OR revoke_state = 'pending'
               OR status = 'awaiting_deposit' OR imp_uid IN (SELECT imp_uid FROM refunds WHERE state = 'intended')
            ORDER BY created_at, imp_uid
            """).map(Self.order(from:))
    }

    public func history(_ impUID: String) throws(LedgerError) -> [LedgerEvent] {
        try database.execute("SELECT * FROM history WHERE imp_uid = ? ORDER BY id", [.text(impUID)]).map { row in
            LedgerEvent(at: row.int("at") ?? 0, channel: row.text("channel") ?? "", iamportStatus: row.text("iamport_status") ?? "",
                        decision: row.text("decision") ?? "", reason: row.text("reason"), amount: row.int("amount"))
        }
    }

    static func order(from row: SQLRow) -> LedgerOrder {
        let items = row.text("items_json").flatMap { try? JSONDecoder().decode([PricedItem].self, from: Data($0.utf8)) } ?? []
        let vbank = row.text("vbank_json").flatMap { try? JSONDecoder().decode(VirtualAccount.self, from: Data($0.utf8)) }
        var order = LedgerOrder(
            impUID: row.text("imp_uid") ?? "", merchantUID: row.text("merchant_uid") ?? "", status: row.text("status") ?? "",
            amount: row.int("amount") ?? 0, currency: row.text("currency") ?? "KRW", name: row.text("name"), items: items,
            reason: row.text("reason"),
            buyer: .init(name: row.text("buyer_name"), tel: row.text("buyer_tel"), email: row.text("buyer_email"),
                         addr: row.text("buyer_addr"), postcode: row.text("buyer_postcode")),
            vbank: vbank)
        order.catalogVersion = row.text("catalog_version")
        order.payMethod = row.text("pay_method")
        order.cancelledAmount = row.int("cancelled_amount") ?? 0
        order.refundState = row.text("refund_state").flatMap(LedgerOrder.ProviderAction.init(rawValue:))
        order.revokeState = row.text("revoke_state").flatMap(LedgerOrder.ProviderAction.init(rawValue:))
        order.actionNote = row.text("action_note")
        order.holdUntil = row.int("hold_until")
        order.expectedAmount = row.int("expected_amount")
        order.createdAt = row.int("created_at") ?? 0
        order.updatedAt = row.int("updated_at") ?? 0
        order.shippedAt = row.int("shipped_at")
        order.tracking = row.text("tracking")
        order.carrier = row.text("carrier")
        order.escrow = (row.int("escrow") ?? 0) != 0
        order.subscriptionID = row.text("subscription_id")
        order.pricing = pricingEffects(from: row)
        if let certification = row.text("identity_certification") {
            order.identity = .init(certification: certification, provider: row.text("identity_provider"),
                                   certifiedAt: row.int("identity_certified_at") ?? 0)
        }
        return order
    }
}

extension JSONEncoder {
    static var sorted: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }
}
