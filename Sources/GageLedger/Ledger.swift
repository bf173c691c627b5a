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
    public var refunded: Bool?
    public var buyer: Buyer
    public var vbank: VirtualAccount?
    public var createdAt: Int = 0
    public var updatedAt: Int = 0
    public var shippedAt: Int?
    public var tracking: String?

    public init(impUID: String, merchantUID: String, status: String, amount: Int, currency: String, name: String?,
                items: [PricedItem], reason: String?, refunded: Bool?, buyer: Buyer, vbank: VirtualAccount?) {
        self.impUID = impUID
        self.merchantUID = merchantUID
        self.status = status
        self.amount = amount
        self.currency = currency
        self.name = name
        self.items = items
        self.reason = reason
        self.refunded = refunded
        self.buyer = buyer
        self.vbank = vbank
    }

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

/// The order ledger (SPEC §4): an SQLite database in WAL mode with full fsync, one row per `imp_uid` and an
/// append-only history. Its schema is created and migrated here, versioned by `PRAGMA user_version`.
public final class Ledger {
    let connection: SQLiteConnection
    public let path: String

    /// Statuses whose items count against stock: sold, or held for a virtual-account deposit.
    static let stockHoldingStatuses = ["paid", "awaiting_deposit"]

    public init(path: String, readOnly: Bool = false) throws(LedgerError) {
        self.path = path
        connection = try SQLiteConnection(path: path, readOnly: readOnly)
        if !readOnly {
            // Switching a brand-new file to WAL needs an exclusive lock that the busy timeout does not always
            // wait for; invocations racing to create the ledger retry briefly instead of failing.
            try Self.retryingWhileLocked { () throws(LedgerError) in
                try connection.execute("PRAGMA journal_mode = WAL")
                try migrate()
            }
            try connection.execute("PRAGMA synchronous = FULL")
        }
        try connection.execute("PRAGMA foreign_keys = ON")
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

    // MARK: - Schema

    static let migrations: [String] = [
        // 1: orders, their items (for stock sums), and the history of decisions.
        """
        CREATE TABLE orders (
            imp_uid TEXT PRIMARY KEY,
            merchant_uid TEXT NOT NULL,
            status TEXT NOT NULL,
            amount INTEGER NOT NULL,
            currency TEXT NOT NULL,
            name TEXT,
            items_json TEXT NOT NULL,
            reason TEXT,
            refunded INTEGER,
            buyer_name TEXT, buyer_tel TEXT, buyer_email TEXT, buyer_addr TEXT, buyer_postcode TEXT,
            vbank_json TEXT,
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL,
            shipped_at INTEGER,
            tracking TEXT
        );
        CREATE INDEX orders_by_status ON orders(status, created_at);
        CREATE INDEX orders_by_merchant_uid ON orders(merchant_uid);
        CREATE TABLE order_items (
            imp_uid TEXT NOT NULL REFERENCES orders(imp_uid) ON DELETE CASCADE,
            sku TEXT NOT NULL,
            quantity INTEGER NOT NULL
        );
        CREATE INDEX order_items_by_sku ON order_items(sku);
        CREATE TABLE history (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            imp_uid TEXT NOT NULL REFERENCES orders(imp_uid),
            at INTEGER NOT NULL,
            channel TEXT NOT NULL,
            iamport_status TEXT NOT NULL,
            decision TEXT NOT NULL,
            reason TEXT,
            amount INTEGER
        );
        CREATE INDEX history_by_order ON history(imp_uid, id);
        """,
    ]

    private func migrate() throws(LedgerError) {
        try transaction { () throws(LedgerError) in
            let version = try connection.execute("PRAGMA user_version").first?.int("user_version") ?? 0
            guard version < Self.migrations.count else { return }
            for (index, migration) in Self.migrations.enumerated() where index >= version {
                for statement in migration.split(separator: ";") where statement.contains(where: { !$0.isWhitespace }) {
                    try connection.execute(String(statement))
                }
            }
            try connection.execute("PRAGMA user_version = \(Self.migrations.count)")
        }
    }

    // MARK: - Writing

    /// Runs `body` in one write transaction taken at the start (BEGIN IMMEDIATE), so two invocations racing
    /// for the last unit of a product are judged one after the other.
    public func transaction<T>(_ body: () throws(LedgerError) -> T) throws(LedgerError) -> T {
        try connection.execute("BEGIN IMMEDIATE")
        do {
            let result = try body()
            try connection.execute("COMMIT")
            return result
        } catch {
            _ = try? connection.execute("ROLLBACK")
            throw error
        }
    }

    /// Units of each SKU held by other orders (paid, or awaiting a virtual-account deposit).
    public func unitsSold(excluding impUID: String) throws(LedgerError) -> [String: Int] {
        let holding = Self.stockHoldingStatuses.map { "'\($0)'" }.joined(separator: ",")
        let rows = try connection.execute("""
            SELECT order_items.sku AS sku, SUM(order_items.quantity) AS units FROM order_items
            JOIN orders ON orders.imp_uid = order_items.imp_uid
            WHERE orders.status IN (\(holding)) AND orders.imp_uid != ?
            GROUP BY order_items.sku
            """, [.text(impUID)])
        var sold: [String: Int] = [:]
        for row in rows { if let sku = row.text("sku") { sold[sku] = row.int("units") ?? 0 } }
        return sold
    }

    /// Records a decision: the order row is created or brought up to date, and the event is appended.
    public func record(_ order: LedgerOrder, event: LedgerEvent) throws(LedgerError) {
        let items = String(decoding: (try? JSONEncoder.sorted.encode(order.items)) ?? Data("[]".utf8), as: UTF8.self)
        let vbank = order.vbank.flatMap { try? JSONEncoder.sorted.encode($0) }.map { String(decoding: $0, as: UTF8.self) }
        func text(_ value: String?) -> SQLiteConnection.Value { value.map(SQLiteConnection.Value.text) ?? .null }
        try connection.execute("""
            INSERT INTO orders (imp_uid, merchant_uid, status, amount, currency, name, items_json, reason, refunded,
                buyer_name, buyer_tel, buyer_email, buyer_addr, buyer_postcode, vbank_json, created_at, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT(imp_uid) DO UPDATE SET
                status = excluded.status, amount = excluded.amount, currency = excluded.currency,
                name = excluded.name, items_json = excluded.items_json, reason = excluded.reason,
                refunded = excluded.refunded,
                buyer_name = COALESCE(excluded.buyer_name, orders.buyer_name),
                buyer_tel = COALESCE(excluded.buyer_tel, orders.buyer_tel),
                buyer_email = COALESCE(excluded.buyer_email, orders.buyer_email),
                buyer_addr = COALESCE(excluded.buyer_addr, orders.buyer_addr),
                buyer_postcode = COALESCE(excluded.buyer_postcode, orders.buyer_postcode),
                vbank_json = COALESCE(excluded.vbank_json, orders.vbank_json),
                updated_at = excluded.updated_at
            """, [
                .text(order.impUID), .text(order.merchantUID), .text(order.status), .int(order.amount),
                .text(order.currency), text(order.name), .text(items), text(order.reason),
                order.refunded.map { .int($0 ? 1 : 0) } ?? .null,
                text(order.buyer.name), text(order.buyer.tel), text(order.buyer.email), text(order.buyer.addr),
                text(order.buyer.postcode), text(vbank), .int(event.at), .int(event.at),
            ])
        try connection.execute("DELETE FROM order_items WHERE imp_uid = ?", [.text(order.impUID)])
        for item in order.items {
            try connection.execute("INSERT INTO order_items (imp_uid, sku, quantity) VALUES (?, ?, ?)",
                                   [.text(order.impUID), .text(item.sku), .int(item.quantity)])
        }
        try append(event, to: order.impUID)
    }

    public func append(_ event: LedgerEvent, to impUID: String) throws(LedgerError) {
        try connection.execute("""
            INSERT INTO history (imp_uid, at, channel, iamport_status, decision, reason, amount)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            """, [.text(impUID), .int(event.at), .text(event.channel), .text(event.iamportStatus),
                  .text(event.decision), event.reason.map(SQLiteConnection.Value.text) ?? .null,
                  event.amount.map(SQLiteConnection.Value.int) ?? .null])
    }

    /// The outcome of a refund, once Iamport answered.
    public func markRefunded(_ impUID: String, refunded: Bool, event: LedgerEvent) throws(LedgerError) {
        try transaction { () throws(LedgerError) in
            try connection.execute("UPDATE orders SET refunded = ?, updated_at = ? WHERE imp_uid = ?",
                                   [.int(refunded ? 1 : 0), .int(event.at), .text(impUID)])
            try append(event, to: impUID)
        }
    }

    /// The seller's fulfilment mark. Returns false when there is no such order.
    public func ship(_ impUID: String, tracking: String?, at: Int = Int(Date().timeIntervalSince1970)) throws(LedgerError) -> Bool {
        try transaction { () throws(LedgerError) in
            guard let order = try order(impUID) else { return false }
            try connection.execute("UPDATE orders SET shipped_at = ?, tracking = ?, updated_at = ? WHERE imp_uid = ?",
                                   [.int(at), tracking.map(SQLiteConnection.Value.text) ?? .null, .int(at), .text(impUID)])
            try append(LedgerEvent(at: at, channel: "seller", iamportStatus: order.status, decision: "shipped",
                                   reason: tracking), to: impUID)
            return true
        }
    }

    // MARK: - Reading

    public func order(_ impUID: String) throws(LedgerError) -> LedgerOrder? {
        try connection.execute("SELECT * FROM orders WHERE imp_uid = ?", [.text(impUID)]).first.map(Self.order(from:))
    }

    /// Orders, newest first, optionally only one status and only from `since` (Unix seconds).
    public func orders(status: String? = nil, since: Int? = nil) throws(LedgerError) -> [LedgerOrder] {
        var conditions: [String] = []
        var parameters: [SQLiteConnection.Value] = []
        if let status {
            conditions.append("status = ?")
            parameters.append(.text(status))
        }
        if let since {
            conditions.append("created_at >= ?")
            parameters.append(.int(since))
        }
        let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        return try connection.execute("SELECT * FROM orders \(filter) ORDER BY created_at DESC, imp_uid", parameters)
            .map(Self.order(from:))
    }

    public func history(_ impUID: String) throws(LedgerError) -> [LedgerEvent] {
        try connection.execute("SELECT * FROM history WHERE imp_uid = ? ORDER BY id", [.text(impUID)]).map { row in
            LedgerEvent(at: row.int("at") ?? 0, channel: row.text("channel") ?? "", iamportStatus: row.text("iamport_status") ?? "",
                        decision: row.text("decision") ?? "", reason: row.text("reason"), amount: row.int("amount"))
        }
    }

    static func order(from row: [String: SQLiteConnection.Value]) -> LedgerOrder {
        let items = row.text("items_json").flatMap { try? JSONDecoder().decode([PricedItem].self, from: Data($0.utf8)) } ?? []
        let vbank = row.text("vbank_json").flatMap { try? JSONDecoder().decode(VirtualAccount.self, from: Data($0.utf8)) }
        var order = LedgerOrder(
            impUID: row.text("imp_uid") ?? "", merchantUID: row.text("merchant_uid") ?? "", status: row.text("status") ?? "",
            amount: row.int("amount") ?? 0, currency: row.text("currency") ?? "KRW", name: row.text("name"), items: items,
            reason: row.text("reason"), refunded: row.int("refunded").map { $0 != 0 },
            buyer: .init(name: row.text("buyer_name"), tel: row.text("buyer_tel"), email: row.text("buyer_email"),
                         addr: row.text("buyer_addr"), postcode: row.text("buyer_postcode")),
            vbank: vbank)
        order.createdAt = row.int("created_at") ?? 0
        order.updatedAt = row.int("updated_at") ?? 0
        order.shippedAt = row.int("shipped_at")
        order.tracking = row.text("tracking")
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
