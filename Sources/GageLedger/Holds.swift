import GageCore

/// Units put aside for an order before its payment is decided (SPEC §9): by `/prepare` when the buyer is about to
/// open the payment window, by PortOne V2's `/confirm` just before it approves. A hold counts against stock like a
/// paid order until it expires or the order is decided; the order's own hold never counts against it.
public struct LedgerHold: Sendable, Equatable {
    public var merchantUID: String
    /// Who asked (the client's address; empty when unknown): holds are limited per client.
    public var clientKey: String
    /// `prepare`, `confirm`, or `vbank` (an issued virtual account's, kept only to count against its client).
    public var door: String
    /// What the order costs as priced when it was held.
    public var amount: Int
    public var items: [HeldUnits]
    public var createdAt: Int
    public var expiresAt: Int
    /// The discount code (normalised) the order was priced with: a live hold counts as one of its redemptions
    /// (SPEC §11), so the last redemption is given once, like the last unit.
    public var discountCode: String?

    public init(merchantUID: String, clientKey: String, door: String, amount: Int, items: [HeldUnits], createdAt: Int,
                expiresAt: Int, discountCode: String? = nil) {
        self.discountCode = discountCode
        self.merchantUID = merchantUID
        self.clientKey = clientKey
        self.door = door
        self.amount = amount
        self.items = items
        self.createdAt = createdAt
        self.expiresAt = expiresAt
    }

    /// Units of one SKU, in the catalog's own spelling.
    public struct HeldUnits: Sendable, Equatable {
        public var sku: String
        public var quantity: Int

        public init(sku: String, quantity: Int) {
            self.sku = sku
            self.quantity = quantity
        }
    }
}

extension Ledger {
    /// Puts `hold` aside, replacing any hold its order had. Call inside `transaction`, after checking the units
    /// against `unitsHeld(…)` in the same transaction, so two buyers of the last unit are held one after the other.
    public func hold(_ hold: LedgerHold) throws(LedgerError) {
        try releaseHold(merchantUID: hold.merchantUID)
        try database.execute("""
            INSERT INTO holds (merchant_uid, client_key, door, amount, created_at, expires_at, discount_code)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            """, [.text(hold.merchantUID), .text(hold.clientKey), .text(hold.door), .int(hold.amount),
                  .int(hold.createdAt), .int(hold.expiresAt), hold.discountCode.map(SQLValue.text) ?? .null])
        for item in hold.items {
            try database.execute("INSERT INTO hold_items (merchant_uid, sku, quantity) VALUES (?, ?, ?)",
                                 [.text(hold.merchantUID), .text(item.sku), .int(item.quantity)])
        }
    }

    /// Frees an order's held units (its payment was decided, or it is held anew).
    public func releaseHold(merchantUID: String) throws(LedgerError) {
        try database.execute("DELETE FROM hold_items WHERE merchant_uid = ?", [.text(merchantUID)])
        try database.execute("DELETE FROM holds WHERE merchant_uid = ?", [.text(merchantUID)])
    }

    /// An issued virtual account waits for its deposit: its hold stays, as door `vbank`, until the account's own
    /// hold ends — counted by `liveHolds(client:)`, not by `unitsHeld` (the order's row holds the units).
    public func keepHoldForVirtualAccount(merchantUID: String, until: Int) throws(LedgerError) {
        try database.execute("UPDATE holds SET door = 'vbank', expires_at = ? WHERE merchant_uid = ?",
                             [.int(until), .text(merchantUID)])
    }

    /// The hold an order has, live or expired.
    public func hold(merchantUID: String) throws(LedgerError) -> LedgerHold? {
        guard let row = try database.execute("SELECT * FROM holds WHERE merchant_uid = ?", [.text(merchantUID)]).first
        else { return nil }
        let items = try database.execute("SELECT sku, quantity FROM hold_items WHERE merchant_uid = ? ORDER BY sku",
                                          [.text(merchantUID)])
            .map { LedgerHold.HeldUnits(sku: $0.text("sku") ?? "", quantity: $0.int("quantity") ?? 0) }
        return LedgerHold(merchantUID: merchantUID, clientKey: row.text("client_key") ?? "", door: row.text("door") ?? "",
                          amount: row.int("amount") ?? 0, items: items, createdAt: row.int("created_at") ?? 0,
                          expiresAt: row.int("expires_at") ?? 0, discountCode: row.text("discount_code"))
    }

    /// How many holds `client` has live at `now`.
    public func liveHolds(client: String, at now: Int) throws(LedgerError) -> Int {
        try database.execute("SELECT COUNT(*) AS n FROM holds WHERE client_key = ? AND expires_at > ?",
                             [.text(client), .int(now)]).first?.int("n") ?? 0
    }

    /// Deletes holds that expired before `before`: they count for nothing already; this only keeps the table small.
    public func dropExpiredHolds(before: Int) throws(LedgerError) {
        try database.execute("""
            DELETE FROM hold_items WHERE merchant_uid IN (SELECT merchant_uid FROM holds WHERE expires_at < ?)
            """, [.int(before)])
        try database.execute("DELETE FROM holds WHERE expires_at < ?", [.int(before)])
    }

    // MARK: - Requests per client

    /// Counts a request by `client` for `action` and says whether it is within `limit` per `window` seconds: the
    /// count and the insert are one step under the writer lock, so forty concurrent requests cannot all read "4".
    /// Returns the seconds until the oldest counted request leaves the window when the limit is reached (nothing
    /// is counted then), nil when the request may go on.
    public func countRequest(action: String, client: String, limit: Int, window: Int, at now: Int,
                             counted: Bool = true) throws(LedgerError) -> Int? {
        try transaction { () throws(LedgerError) -> Int? in
            try database.execute("DELETE FROM client_requests WHERE action = ? AND at <= ?", [.text(action), .int(now - window)])
            let rows = try database.execute("""
                SELECT COUNT(*) AS n, MIN(at) AS oldest FROM client_requests WHERE action = ? AND client_key = ? AND at > ?
                """, [.text(action), .text(client), .int(now - window)])
            let count = rows.first?.int("n") ?? 0
            if count >= limit { return max(1, (rows.first?.int("oldest") ?? now) + window - now) }
            if counted {
                try database.execute("INSERT INTO client_requests (action, client_key, at) VALUES (?, ?, ?)",
                                     [.text(action), .text(client), .int(now)])
            }
            return nil
        }
    }

    /// Counts a request that failed (a lookup that matched nothing) without asking whether it may go on.
    public func noteRequest(action: String, client: String, at now: Int) throws(LedgerError) {
        try database.execute("INSERT INTO client_requests (action, client_key, at) VALUES (?, ?, ?)",
                             [.text(action), .text(client), .int(now)])
    }
}
