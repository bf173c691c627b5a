#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import GageCore

/// One line of a refund: which units of which order line went back, and what they were worth.
public struct RefundLine: Codable, Sendable, Equatable {
    public var sku: String
    public var title: String
    public var options: [String: String]
    public var quantity: Int
    /// The unit price paid, options included.
    public var unitPrice: Int

    public var total: Int { unitPrice * quantity }

    public init(sku: String, title: String, options: [String: String], quantity: Int, unitPrice: Int) {
        self.sku = sku
        self.title = title
        self.options = options
        self.quantity = quantity
        self.unitPrice = unitPrice
    }

    enum CodingKeys: String, CodingKey { case sku, title, options, quantity, unitPrice = "unit_price" }
}

/// The bank account a refund of a deposited virtual account (or another payment the provider can only refund by
/// transfer) is paid into.
public struct RefundAccount: Codable, Sendable, Equatable {
    /// The bank's code (`004`, or the provider's own spelling such as `KOOKMIN`).
    public var bank: String
    public var number: String
    public var holder: String

    public init(bank: String, number: String, holder: String) {
        self.bank = bank
        self.number = number
        self.holder = holder
    }
}

/// A refund the seller (or the buyer's cancel) asked for, as the ledger keeps it (SPEC §10). It is written as
/// `intended` before the provider is asked, so a run that dies mid-call leaves a record the next look completes
/// from the provider's own figures: `cancelledBefore` is what the provider had cancelled when the intent was
/// written, so the intent went through exactly when the provider has cancelled `amount` more since.
public struct LedgerRefund: Sendable, Equatable {
    public enum State: String, Sendable {
        /// Written; the provider may or may not have made it yet.
        case intended
        /// The provider made it.
        case done
        /// The provider refused it: nothing was refunded.
        case failed
    }

    public var id: Int
    public var impUID: String
    public var amount: Int
    /// Of `amount`, what is tax-free (면세); 0 unless the order's products are tax-free.
    public var taxFree: Int
    /// What was kept of the lines' value (반품 배송비).
    public var deducted: Int
    public var lines: [RefundLine]
    /// Whether the lines' units went back to stock.
    public var restock: Bool
    public var reason: String
    /// `seller:NAME` or `buyer`.
    public var requestedBy: String
    public var cancelledBefore: Int
    public var state: State
    /// The provider's id of its cancellation, when it names one.
    public var providerCancellation: String?
    /// Why it failed, or what is still unknown about it.
    public var note: String?
    public var refundAccount: RefundAccount?
    public var createdAt: Int
    public var updatedAt: Int

    public init(id: Int = 0, impUID: String, amount: Int, taxFree: Int = 0, deducted: Int = 0, lines: [RefundLine],
                restock: Bool, reason: String, requestedBy: String, cancelledBefore: Int, state: State = .intended,
                refundAccount: RefundAccount? = nil, createdAt: Int = 0) {
        self.id = id
        self.impUID = impUID
        self.amount = amount
        self.taxFree = taxFree
        self.deducted = deducted
        self.lines = lines
        self.restock = restock
        self.reason = reason
        self.requestedBy = requestedBy
        self.cancelledBefore = cancelledBefore
        self.state = state
        self.refundAccount = refundAccount
        self.createdAt = createdAt
        updatedAt = createdAt
    }
}

/// A buyer's request the seller must answer (SPEC §10): a return after shipping, or the cancel of a deposited
/// virtual account (which needs a bank account to refund to).
public struct OrderRequest: Sendable, Equatable {
    public enum Kind: String, Sendable { case cancel, `return` }
    public enum State: String, Sendable { case open, refunded, declined }

    public var id: Int
    public var impUID: String
    public var kind: Kind
    public var reason: String?
    public var state: State
    /// The seller's answer when declined.
    public var answer: String?
    public var createdAt: Int
    public var closedAt: Int?
}

/// A further parcel sent for an order (교환: an exchange).
public struct LedgerShipment: Sendable, Equatable {
    public var impUID: String
    public var kind: String
    public var carrier: String?
    public var tracking: String?
    public var shippedAt: Int

    public init(impUID: String, kind: String, carrier: String?, tracking: String?, shippedAt: Int) {
        self.impUID = impUID
        self.kind = kind
        self.carrier = carrier
        self.tracking = tracking
        self.shippedAt = shippedAt
    }
}

extension Ledger {
    // MARK: - Refunds

    /// The refund of this order still in flight, if one is.
    public func openRefund(_ impUID: String) throws(LedgerError) -> LedgerRefund? {
        try database.execute("SELECT * FROM refunds WHERE imp_uid = ? AND state = 'intended' ORDER BY id LIMIT 1",
                             [.text(impUID)]).first.map(Self.refund(from:))
    }

    /// Every refund of an order, oldest first (`nil`: of every order).
    public func refunds(_ impUID: String? = nil) throws(LedgerError) -> [LedgerRefund] {
        if let impUID {
            return try database.execute("SELECT * FROM refunds WHERE imp_uid = ? ORDER BY id", [.text(impUID)])
                .map(Self.refund(from:))
        }
        return try database.execute("SELECT * FROM refunds ORDER BY id").map(Self.refund(from:))
    }

    /// Writes a refund as intended. Call inside `transaction`; the unique index on open refunds makes a second
    /// intent for the same order fail even if the caller forgot to look.
    public func recordRefundIntent(_ refund: LedgerRefund) throws(LedgerError) -> LedgerRefund {
        func text(_ value: String?) -> SQLValue { value.map(SQLValue.text) ?? .null }
        let lines = String(decoding: (try? JSONEncoder.sorted.encode(refund.lines)) ?? Data("[]".utf8), as: UTF8.self)
        let account = refund.refundAccount.flatMap { try? JSONEncoder.sorted.encode($0) }
            .map { String(decoding: $0, as: UTF8.self) }
        let rows = try database.execute("""
            INSERT INTO refunds (imp_uid, amount, tax_free, deducted, lines_json, restock, reason, requested_by,
                cancelled_before, state, refund_account_json, created_at, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'intended', ?, ?, ?) RETURNING id
            """, [.text(refund.impUID), .int(refund.amount), .int(refund.taxFree), .int(refund.deducted), .text(lines),
                  .int(refund.restock ? 1 : 0), .text(refund.reason), .text(refund.requestedBy),
                  .int(refund.cancelledBefore), text(account), .int(refund.createdAt), .int(refund.createdAt)])
        var written = refund
        written.id = rows.first?.int("id") ?? 0
        written.state = .intended
        return written
    }

    /// Ends an intended refund, once: false when another run ended it first (nothing is changed then).
    /// `order` is the order as it stands after the refund, written with its `event` and notifications.
    /// The buyer's bank account is forgotten: only a refund still in flight may need to send it again.
    public func finishRefund(_ refund: LedgerRefund, state: LedgerRefund.State, providerCancellation: String?,
                             note: String?, order: LedgerOrder?, event: LedgerEvent?,
                             notifications: [OutgoingNotification], at now: Int) throws(LedgerError) -> Bool {
        let changed = try database.execute("""
            UPDATE refunds SET state = ?, provider_cancellation = ?, note = ?, refund_account_json = NULL, updated_at = ?
            WHERE id = ? AND state = 'intended' RETURNING id
            """, [.text(state.rawValue), providerCancellation.map(SQLValue.text) ?? .null,
                  note.map(SQLValue.text) ?? .null, .int(now), .int(refund.id)])
        guard !changed.isEmpty else { return false }
        if let order {
            try database.execute("""
                UPDATE orders SET status = ?, cancelled_amount = ?, updated_at = ? WHERE imp_uid = ?
                """, [.text(order.status), .int(order.cancelledAmount), .int(now), .text(order.impUID)])
        }
        if let event { try append(event, to: refund.impUID) }
        try enqueue(notifications, at: now)
        if state == .done {
            try database.execute("""
                UPDATE order_requests SET state = 'refunded', closed_at = ? WHERE imp_uid = ? AND state = 'open'
                """, [.int(now), .text(refund.impUID)])
        }
        return true
    }

    /// Leaves a note on a refund still in flight (why its outcome is not known yet).
    public func noteRefund(_ refund: LedgerRefund, note: String, at now: Int) throws(LedgerError) {
        try database.execute("UPDATE refunds SET note = ?, updated_at = ? WHERE id = ? AND state = 'intended'",
                             [.text(note), .int(now), .int(refund.id)])
    }

    /// Units that refunds changed the holding of, per SKU: units restocked from a paid order (it no longer holds
    /// them) count negative; units kept out of stock from an order that is cancelled now (it no longer holds
    /// anything, but the goods are gone) count positive. Added to what orders hold.
    func refundedUnitAdjustments(excluding impUID: String) throws(LedgerError) -> [String: Int] {
        let rows = try database.execute("""
            SELECT refunds.lines_json AS lines_json, refunds.restock AS restock, orders.status AS status
            FROM refunds JOIN orders ON orders.imp_uid = refunds.imp_uid
            WHERE refunds.state = 'done' AND refunds.imp_uid != ?
              AND ((orders.status = 'paid' AND refunds.restock = 1) OR (orders.status = 'cancelled' AND refunds.restock = 0))
            """, [.text(impUID)])
        var adjustments: [String: Int] = [:]
        for row in rows {
            let lines = row.text("lines_json").flatMap { try? JSONDecoder().decode([RefundLine].self, from: Data($0.utf8)) } ?? []
            let sign = row.text("status") == "paid" ? -1 : 1
            for line in lines { adjustments[line.sku, default: 0] += sign * line.quantity }
        }
        return adjustments
    }

    static func refund(from row: SQLRow) -> LedgerRefund {
        let lines = row.text("lines_json").flatMap { try? JSONDecoder().decode([RefundLine].self, from: Data($0.utf8)) } ?? []
        let account = row.text("refund_account_json")
            .flatMap { try? JSONDecoder().decode(RefundAccount.self, from: Data($0.utf8)) }
        var refund = LedgerRefund(
            id: row.int("id") ?? 0, impUID: row.text("imp_uid") ?? "", amount: row.int("amount") ?? 0,
            taxFree: row.int("tax_free") ?? 0, deducted: row.int("deducted") ?? 0, lines: lines,
            restock: (row.int("restock") ?? 1) != 0, reason: row.text("reason") ?? "",
            requestedBy: row.text("requested_by") ?? "", cancelledBefore: row.int("cancelled_before") ?? 0,
            state: row.text("state").flatMap(LedgerRefund.State.init(rawValue:)) ?? .intended,
            refundAccount: account, createdAt: row.int("created_at") ?? 0)
        refund.providerCancellation = row.text("provider_cancellation")
        refund.note = row.text("note")
        refund.updatedAt = row.int("updated_at") ?? refund.createdAt
        return refund
    }

    // MARK: - Buyers' requests

    /// Records a buyer's request unless one of the same kind is open already; returns the open one either way,
    /// and whether it is new.
    public func openRequest(_ impUID: String, kind: OrderRequest.Kind, reason: String?, at now: Int,
                            notifications: [OutgoingNotification]) throws(LedgerError) -> (OrderRequest, Bool) {
        try transaction { () throws(LedgerError) -> (OrderRequest, Bool) in
            if let open = try requests(impUID: impUID).first(where: { $0.state == .open && $0.kind == kind }) {
                return (open, false)
            }
            try database.execute("""
                INSERT INTO order_requests (imp_uid, kind, reason, state, created_at) VALUES (?, ?, ?, 'open', ?)
                """, [.text(impUID), .text(kind.rawValue), reason.map(SQLValue.text) ?? .null, .int(now)])
            try append(LedgerEvent(at: now, channel: "buyer", iamportStatus: "", decision: "\(kind.rawValue)_requested",
                                   reason: reason), to: impUID)
            try enqueue(notifications, at: now)
            let made = try requests(impUID: impUID).last { $0.state == .open && $0.kind == kind }
            guard let made else { throw LedgerError(message: "the request of \(impUID) was not recorded") }
            return (made, true)
        }
    }

    /// Buyers' requests, oldest first: of one order, or (nil) every open one.
    public func requests(impUID: String? = nil) throws(LedgerError) -> [OrderRequest] {
        let rows = if let impUID {
            try database.execute("SELECT * FROM order_requests WHERE imp_uid = ? ORDER BY id", [.text(impUID)])
        } else {
            try database.execute("SELECT * FROM order_requests WHERE state = 'open' ORDER BY id")
        }
        return rows.map { row in
            OrderRequest(id: row.int("id") ?? 0, impUID: row.text("imp_uid") ?? "",
                         kind: row.text("kind").flatMap(OrderRequest.Kind.init(rawValue:)) ?? .return,
                         reason: row.text("reason"),
                         state: row.text("state").flatMap(OrderRequest.State.init(rawValue:)) ?? .open,
                         answer: row.text("answer"), createdAt: row.int("created_at") ?? 0, closedAt: row.int("closed_at"))
        }
    }

    /// The seller declines an order's open requests, with why, and the notifications that owes. False when none
    /// was open.
    public func declineRequests(_ impUID: String, answer: String, at now: Int,
                                notifications: (LedgerOrder) -> [OutgoingNotification]) throws(LedgerError) -> Bool {
        try transaction { () throws(LedgerError) -> Bool in
            let closed = try database.execute("""
                UPDATE order_requests SET state = 'declined', answer = ?, closed_at = ?
                WHERE imp_uid = ? AND state = 'open' RETURNING id
                """, [.text(answer), .int(now), .text(impUID)])
            guard !closed.isEmpty, let order = try order(impUID) else { return false }
            try append(LedgerEvent(at: now, channel: "seller", iamportStatus: order.status, decision: "request_declined",
                                   reason: answer), to: impUID)
            try enqueue(notifications(order), at: now)
            return true
        }
    }

    // MARK: - Further shipments

    /// Records a further parcel (an exchange) with the notifications it owes, in one transaction.
    public func recordShipment(_ shipment: LedgerShipment, notifications: [OutgoingNotification]) throws(LedgerError) {
        try transaction { () throws(LedgerError) in
            try database.execute("""
                INSERT INTO shipments (imp_uid, kind, carrier, tracking, shipped_at) VALUES (?, ?, ?, ?, ?)
                """, [.text(shipment.impUID), .text(shipment.kind), shipment.carrier.map(SQLValue.text) ?? .null,
                      shipment.tracking.map(SQLValue.text) ?? .null, .int(shipment.shippedAt)])
            try append(LedgerEvent(at: shipment.shippedAt, channel: "seller", iamportStatus: "paid",
                                   decision: "\(shipment.kind)_shipped",
                                   reason: [shipment.carrier, shipment.tracking].compactMap { $0 }.joined(separator: " ")),
                       to: shipment.impUID)
            try enqueue(notifications, at: shipment.shippedAt)
        }
    }

    public func shipments(_ impUID: String) throws(LedgerError) -> [LedgerShipment] {
        try database.execute("SELECT * FROM shipments WHERE imp_uid = ? ORDER BY id", [.text(impUID)]).map { row in
            LedgerShipment(impUID: row.text("imp_uid") ?? "", kind: row.text("kind") ?? "", carrier: row.text("carrier"),
                           tracking: row.text("tracking"), shippedAt: row.int("shipped_at") ?? 0)
        }
    }
}
