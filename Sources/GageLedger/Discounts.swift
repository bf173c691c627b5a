import GageCore

/// Discount codes in the ledger (SPEC §11): an order keeps the code it redeemed, and a code's redemptions are the
/// orders that hold it — paid (also partly refunded), or a virtual account still within its hold — and the live
/// holds of orders about to be paid with it (`/prepare`, V2 `/confirm`). A refunded or cancelled order no longer
/// counts, so a refund gives its redemption back; an expired hold gives its back too.
extension Ledger {
    /// Redemptions of `code` (normalised) at `now` by orders other than `impUID` and by live holds other than
    /// `merchantUID`'s (the order's own hold is what it is judged against, never counted against it). Call inside
    /// `transaction`, with the decision it guards, so that two orders racing for a code's last redemption are
    /// judged one after the other.
    public func redemptions(of code: String, excluding impUID: String, merchantUID: String? = nil,
                            at now: Int) throws(LedgerError) -> Int {
        let orders = try database.execute("""
            SELECT COUNT(*) AS n FROM orders
            WHERE discount_code = ? AND imp_uid != ?
              AND (status = 'paid' OR (status = 'awaiting_deposit' AND hold_until > ?))
            """, [.text(code), .text(impUID), .int(now)]).first?.int("n") ?? 0
        // A virtual account's hold (door `vbank`) is counted by its order's row above.
        let holds = try database.execute("""
            SELECT COUNT(*) AS n FROM holds
            WHERE discount_code = ? AND expires_at > ? AND merchant_uid != ? AND door != 'vbank'
            """, [.text(code), .int(now), .text(merchantUID ?? "")]).first?.int("n") ?? 0
        return orders + holds
    }

    /// Every code orders have redeemed or checkouts hold now, with how many redemptions stand, how many are held
    /// by checkouts not yet paid (counted against the limit as `redemptions(of:)` counts them), and what the code
    /// saved in all.
    public func discountUsage(at now: Int) throws(LedgerError) -> [DiscountUsage] {
        var usage: [String: DiscountUsage] = [:]
        for row in try database.execute("""
            SELECT discount_code,
                   SUM(CASE WHEN status = 'paid' OR (status = 'awaiting_deposit' AND hold_until > ?) THEN 1 ELSE 0 END) AS n,
                   SUM(CASE WHEN status = 'paid' THEN discount ELSE 0 END) AS saved,
                   COUNT(*) AS seen
            FROM orders WHERE discount_code IS NOT NULL GROUP BY discount_code
            """, [.int(now)]) {
            let code = row.text("discount_code") ?? ""
            usage[code] = DiscountUsage(code: code, redemptions: row.int("n") ?? 0,
                                        discountGiven: row.int("saved") ?? 0, orders: row.int("seen") ?? 0)
        }
        // A virtual account's hold (door `vbank`) is counted by its order's row above.
        for row in try database.execute("""
            SELECT discount_code, COUNT(*) AS n FROM holds
            WHERE discount_code IS NOT NULL AND expires_at > ? AND door != 'vbank' GROUP BY discount_code
            """, [.int(now)]) {
            let code = row.text("discount_code") ?? ""
            usage[code, default: DiscountUsage(code: code, redemptions: 0, discountGiven: 0, orders: 0)].held = row.int("n") ?? 0
        }
        return usage.values.sorted { $0.code < $1.code }
    }

    func savePricingEffects(of order: LedgerOrder) throws(LedgerError) {
        guard let effects = order.pricing else { return }
        try database.execute("""
            UPDATE orders SET discount_code = ?, discount = ?, surcharge = ?, tax_free = ? WHERE imp_uid = ?
            """, [effects.discountCode.map(SQLValue.text) ?? .null, .int(effects.discount), .int(effects.surcharge),
                  .int(effects.taxFree), .text(order.impUID)])
    }

    static func pricingEffects(from row: SQLRow) -> LedgerOrder.PricingEffects? {
        let code = row.text("discount_code")
        let discount = row.int("discount")
        let surcharge = row.int("surcharge")
        let taxFree = row.int("tax_free")
        guard code != nil || discount != nil || surcharge != nil || taxFree != nil else { return nil }
        return LedgerOrder.PricingEffects(discountCode: code, discount: discount ?? 0, surcharge: surcharge ?? 0,
                                          taxFree: taxFree ?? 0)
    }
}

/// One discount code's use, as `gage discounts` lists it.
public struct DiscountUsage: Sendable, Equatable {
    public var code: String
    /// Redemptions that stand (paid, or a virtual account within its hold).
    public var redemptions: Int
    /// Won the code saved on paid orders.
    public var discountGiven: Int
    /// Orders that named it, whatever became of them.
    public var orders: Int
    /// Redemptions held right now by checkouts not yet paid (`/prepare`, V2 `/confirm`); they count against the
    /// limit until they are paid or expire.
    public var held = 0

    public init(code: String, redemptions: Int, discountGiven: Int, orders: Int, held: Int = 0) {
        self.code = code
        self.redemptions = redemptions
        self.discountGiven = discountGiven
        self.orders = orders
        self.held = held
    }
}
