#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import GageCore

/// The transactional outbox (SPEC §8): a decision writes the notifications it owes in its own transaction, so a
/// notification exists exactly when the change it tells of does. Delivery claims rows one at a time; a claim is
/// a lease, so a process killed mid-send leaves its row to be claimed again later (at most one more send).

/// A message to deliver: rendered when the change was decided, so it tells of the order as it then was.
public struct OutgoingNotification: Sendable, Equatable {
    public enum Channel: String, Sendable, Equatable {
        case email
        /// A Slack- or Discord-compatible incoming webhook; `text` is the line posted.
        case chat
    }

    /// One notification per (order, kind, channel, detail) ever: a second look at the same change adds nothing.
    public var dedupeKey: String
    public var impUID: String
    /// `order_confirmed`, `vbank_issued`, `deposit_received`, `refunded`, `shipped`, `new_order`, …
    public var kind: String
    public var channel: Channel
    /// An e-mail address, or the webhook's name for chat.
    public var recipient: String
    public var subject: String
    public var text: String
    public var html: String?
    /// A subscription's manage token, for the one mail that carries its link (`ManageToken.placeholder` in the
    /// bodies stands for it): kept beside the mail only until it is sent or given up on, then cleared, so the
    /// ledger does not keep a token that opens a subscription.
    public var secret: String?

    public init(dedupeKey: String, impUID: String, kind: String, channel: Channel, recipient: String, subject: String,
                text: String, html: String? = nil, secret: String? = nil) {
        self.secret = secret
        self.dedupeKey = dedupeKey
        self.impUID = impUID
        self.kind = kind
        self.channel = channel
        self.recipient = recipient
        self.subject = subject
        self.text = text
        self.html = html
    }
}

extension OutgoingNotification {
    /// The message as it is sent: a manage link's token, kept beside the mail rather than in it, put in its place.
    public var filledIn: OutgoingNotification {
        guard let secret else { return self }
        var filled = self
        filled.subject = subject.replacing(ManageToken.placeholder, with: secret)
        filled.text = text.replacing(ManageToken.placeholder, with: secret)
        filled.html = html?.replacing(ManageToken.placeholder, with: secret)
        return filled
    }
}

/// A notification as the outbox keeps it, with where its delivery stands.
public struct StoredNotification: Sendable, Equatable {
    public enum State: String, Sendable {
        /// Waiting for its first or next try (`nextAttemptAt`).
        case pending
        /// Claimed by a process that is sending it now (or was killed doing so).
        case sending
        case sent
        /// Given up on: tried too often, or refused for good (an address the server will never take).
        case failed
    }

    public var id: Int
    public var message: OutgoingNotification
    public var state: State
    public var attempts: Int
    public var nextAttemptAt: Int
    public var lastError: String?
    public var createdAt: Int
    public var sentAt: Int?
}

extension Ledger {
    /// Adds notifications to the outbox; one that was added before (same dedupe key) is left as it is. Called
    /// inside the transaction that records the change they tell of.
    public func enqueue(_ notifications: [OutgoingNotification], at now: Int) throws(LedgerError) {
        for message in notifications {
            try database.execute("""
                INSERT INTO notifications (dedupe_key, imp_uid, kind, channel, recipient, subject, text_body, html_body,
                    state, attempts, next_attempt_at, created_at, secret)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'pending', 0, ?, ?, ?)
                ON CONFLICT (dedupe_key) DO NOTHING
                """, [.text(message.dedupeKey), .text(message.impUID), .text(message.kind), .text(message.channel.rawValue),
                      .text(message.recipient), .text(message.subject), .text(message.text),
                      message.html.map(SQLValue.text) ?? .null, .int(now), .int(now),
                      message.secret.map(SQLValue.text) ?? .null])
        }
    }

    /// Claims the notifications due at `now` (optionally only one order's, or one channel's) for this process to
    /// send: pending ones whose time has come, and ones claimed longer than `lease` seconds ago by a process that
    /// never finished. Each claim counts as a try.
    /// `ignoringBackoff` also claims pending ones waiting for a later try (the seller fixed the mail server).
    public func claimDue(at now: Int, lease: Int, impUID: String? = nil, channels: [OutgoingNotification.Channel]? = nil,
                         ignoringBackoff: Bool = false, excluding: Set<Int> = [],
                         limit: Int = 100) throws(LedgerError) -> [StoredNotification] {
        try transaction { () throws(LedgerError) -> [StoredNotification] in
            var sql = """
                SELECT * FROM notifications
                WHERE ((state = 'pending' AND next_attempt_at <= ?) OR (state = 'sending' AND claimed_at <= ?))
                """
            var parameters: [SQLValue] = [.int(ignoringBackoff ? Int.max : now), .int(now - lease)]
            if let impUID {
                sql += " AND imp_uid = ?"
                parameters.append(.text(impUID))
            }
            if let channels {
                sql += " AND channel IN (" + channels.map { _ in "?" }.joined(separator: ", ") + ")"
                parameters += channels.map { .text($0.rawValue) }
            }
            if !excluding.isEmpty {
                sql += " AND id NOT IN (" + excluding.sorted().map(String.init).joined(separator: ", ") + ")"
            }
            sql += " ORDER BY id LIMIT \(limit)"
            var claimed: [StoredNotification] = []
            for row in try database.execute(sql, parameters) {
                var notification = Self.notification(from: row)
                try database.execute("UPDATE notifications SET state = 'sending', claimed_at = ?, attempts = attempts + 1 WHERE id = ?",
                                       [.int(now), .int(notification.id)])
                notification.state = .sending
                notification.attempts += 1
                claimed.append(notification)
            }
            return claimed
        }
    }

    public func markSent(_ id: Int, at now: Int) throws(LedgerError) {
        try database.execute("UPDATE notifications SET state = 'sent', sent_at = ?, last_error = NULL, secret = NULL WHERE id = ?",
                               [.int(now), .int(id)])
    }

    /// A try that failed: the notification waits until `retryAt`, or is given up on when that is nil.
    public func markFailed(_ id: Int, error: String, retryAt: Int?) throws(LedgerError) {
        if let retryAt {
            try database.execute("UPDATE notifications SET state = 'pending', next_attempt_at = ?, last_error = ? WHERE id = ?",
                                   [.int(retryAt), .text(error), .int(id)])
        } else {
            try database.execute("UPDATE notifications SET state = 'failed', last_error = ?, secret = NULL WHERE id = ?",
                                   [.text(error), .int(id)])
        }
    }

    /// Every notification of one order, oldest first; or every one in the given states.
    public func notifications(impUID: String? = nil, states: [StoredNotification.State]? = nil) throws(LedgerError)
        -> [StoredNotification] {
        var conditions: [String] = []
        var parameters: [SQLValue] = []
        if let impUID {
            conditions.append("imp_uid = ?")
            parameters.append(.text(impUID))
        }
        if let states {
            conditions.append("state IN (" + states.map { _ in "?" }.joined(separator: ", ") + ")")
            parameters += states.map { .text($0.rawValue) }
        }
        let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        return try database.execute("SELECT * FROM notifications \(filter) ORDER BY id", parameters).map(Self.notification(from:))
    }

    static func notification(from row: SQLRow) -> StoredNotification {
        let message = OutgoingNotification(
            dedupeKey: row.text("dedupe_key") ?? "", impUID: row.text("imp_uid") ?? "", kind: row.text("kind") ?? "",
            channel: row.text("channel").flatMap(OutgoingNotification.Channel.init(rawValue:)) ?? .email,
            recipient: row.text("recipient") ?? "", subject: row.text("subject") ?? "", text: row.text("text_body") ?? "",
            html: row.text("html_body"), secret: row.text("secret"))
        return StoredNotification(id: row.int("id") ?? 0, message: message,
                                  state: row.text("state").flatMap(StoredNotification.State.init(rawValue:)) ?? .pending,
                                  attempts: row.int("attempts") ?? 0, nextAttemptAt: row.int("next_attempt_at") ?? 0,
                                  lastError: row.text("last_error"), createdAt: row.int("created_at") ?? 0,
                                  sentAt: row.int("sent_at"))
    }

    // MARK: - Guest order lookup

    /// Records a lookup that matched no order (wrong number or wrong phone).
    /// Call inside `transaction`, with the `lookupFailures` count it follows, so that the count and the insert are one
    /// step for every concurrent lookup.
    public func noteLookupFailure(order: String, client: String, at now: Int) throws(LedgerError) {
        try database.execute("INSERT INTO lookup_failures (order_key, client_key, at) VALUES (?, ?, ?)",
                               [.text(order), .text(client), .int(now)])
        // Old attempts count for nothing; keep the table small.
        try database.execute("DELETE FROM lookup_failures WHERE at < ?", [.int(now - 7 * 86_400)])
    }

    /// One guest lookup under its limits, in one write transaction, so that tries made at once are counted one
    /// after the other (none passes the check before the others are noted): nil when the limits refuse it;
    /// otherwise the orders of the number that `matches` accepts, the try noted as failed when there are none.
    /// `triesPerClient` nil: the client's address is unknown (stdin mode) and only the number's limit applies.
    public func attemptLookup(order: String, client: String, since: Int, at now: Int, triesPerOrder: Int,
                              triesPerClient: Int?,
                              matches: (LedgerOrder) -> Bool) throws(LedgerError) -> [LedgerOrder]? {
        try transaction { () throws(LedgerError) -> [LedgerOrder]? in
            let failures = try lookupFailures(order: order, client: client, since: since)
            guard failures.order < triesPerOrder, triesPerClient.map({ failures.client < $0 }) ?? true else {
                return nil
            }
            let found = try orders(merchantUID: order).filter(matches)
            if found.isEmpty {
                try database.execute("INSERT INTO lookup_failures (order_key, client_key, at) VALUES (?, ?, ?)",
                                     [.text(order), .text(client), .int(now)])
                try database.execute("DELETE FROM lookup_failures WHERE at < ?", [.int(now - 7 * 86_400)])
            }
            return found
        }
    }

    /// Failed lookups since `since`: for this order number, and from this client address.
    public func lookupFailures(order: String, client: String, since: Int) throws(LedgerError) -> (order: Int, client: Int) {
        let byOrder = try database.execute("SELECT COUNT(*) AS n FROM lookup_failures WHERE order_key = ? AND at >= ?",
                                           [.text(order), .int(since)]).first?.int("n") ?? 0
        let byClient = try database.execute("SELECT COUNT(*) AS n FROM lookup_failures WHERE client_key = ? AND at >= ?",
                                            [.text(client), .int(since)]).first?.int("n") ?? 0
        return (byOrder, byClient)
    }

    /// The orders placed under one order number (a buyer may have retried a failed payment), newest first.
    public func orders(merchantUID: String) throws(LedgerError) -> [LedgerOrder] {
        try database.execute("SELECT * FROM orders WHERE merchant_uid = ? ORDER BY created_at DESC, imp_uid",
                             [.text(merchantUID)]).map(Self.order(from:))
    }
}
