/// The ledger's tables, as a list of migrations applied in order by `Ledger` on first use. Both databases get
/// the same migrations; only the spelling of generated keys and wide integers differs (`SQLDialect`). A new
/// migration is appended, never edited: ledgers in use have run the earlier ones.
enum LedgerSchema {
    static func migrations(_ sql: SQLDialect) -> [String] {
        let integer = sql.integer
        return [
            // 1: orders, their items (for stock sums), and the history of decisions.
            """
            CREATE TABLE orders (
                imp_uid TEXT PRIMARY KEY,
                merchant_uid TEXT NOT NULL,
                status TEXT NOT NULL,
                amount \(integer) NOT NULL,
                currency TEXT NOT NULL,
                name TEXT,
                items_json TEXT NOT NULL,
                reason TEXT,
                refunded \(integer),
                buyer_name TEXT, buyer_tel TEXT, buyer_email TEXT, buyer_addr TEXT, buyer_postcode TEXT,
                vbank_json TEXT,
                created_at \(integer) NOT NULL,
                updated_at \(integer) NOT NULL,
                shipped_at \(integer),
                tracking TEXT
            );
            CREATE INDEX orders_by_status ON orders(status, created_at);
            CREATE INDEX orders_by_merchant_uid ON orders(merchant_uid);
            CREATE TABLE order_items (
                imp_uid TEXT NOT NULL REFERENCES orders(imp_uid) ON DELETE CASCADE,
                sku TEXT NOT NULL,
                quantity \(integer) NOT NULL
            );
            CREATE INDEX order_items_by_sku ON order_items(sku);
            CREATE TABLE history (
                id \(sql.serialKey),
                imp_uid TEXT NOT NULL REFERENCES orders(imp_uid),
                at \(integer) NOT NULL,
                channel TEXT NOT NULL,
                iamport_status TEXT NOT NULL,
                decision TEXT NOT NULL,
                reason TEXT,
                amount \(integer)
            );
            CREATE INDEX history_by_order ON history(imp_uid, id);
            """,
            // 2: final decisions. The catalog version an order was priced with, partial cancels, refunds and
            // revokes that are owed, how long a virtual account holds stock, and every catalog version served.
            """
            ALTER TABLE orders ADD COLUMN catalog_version TEXT;
            ALTER TABLE orders ADD COLUMN pay_method TEXT;
            ALTER TABLE orders ADD COLUMN cancelled_amount \(integer) NOT NULL DEFAULT 0;
            ALTER TABLE orders ADD COLUMN refund_state TEXT;
            ALTER TABLE orders ADD COLUMN revoke_state TEXT;
            ALTER TABLE orders ADD COLUMN action_note TEXT;
            ALTER TABLE orders ADD COLUMN hold_until \(integer);
            ALTER TABLE orders ADD COLUMN expected_amount \(integer);
            UPDATE orders SET refund_state = CASE refunded WHEN 1 THEN 'done' WHEN 0 THEN 'pending' END;
            UPDATE orders SET hold_until = created_at + 72 * 3600 WHERE status = 'awaiting_deposit';
            ALTER TABLE orders DROP COLUMN refunded;
            CREATE INDEX orders_owing_action ON orders(refund_state, revoke_state);
            CREATE TABLE catalog_versions (
                version TEXT PRIMARY KEY,
                catalog_json TEXT NOT NULL
            );
            CREATE TABLE catalog_periods (
                id \(sql.serialKey),
                version TEXT NOT NULL REFERENCES catalog_versions(version),
                since \(integer) NOT NULL
            );
            CREATE INDEX catalog_periods_by_version ON catalog_periods(version, since);
            """,
            // 3: identity verification (성인인증): which certification vouched for an adult-only order, and when.
            """
            ALTER TABLE orders ADD COLUMN identity_certification TEXT;
            ALTER TABLE orders ADD COLUMN identity_provider TEXT;
            ALTER TABLE orders ADD COLUMN identity_certified_at \(integer);
            """,
            // 4: notifications. The outbox every decision writes its e-mails and chat messages into (delivered after
            // the answer, retried by `gage orders notify`), the carrier of a shipment and whether the payment went
            // through escrow (its delivery is registered with the provider), and failed guest order lookups
            // (limited per order and per client address).
            """
            ALTER TABLE orders ADD COLUMN carrier TEXT;
            ALTER TABLE orders ADD COLUMN escrow \(integer) NOT NULL DEFAULT 0;
            CREATE TABLE notifications (
                id \(sql.serialKey),
                dedupe_key TEXT NOT NULL UNIQUE,
                imp_uid TEXT NOT NULL,
                kind TEXT NOT NULL,
                channel TEXT NOT NULL,
                recipient TEXT NOT NULL,
                subject TEXT NOT NULL,
                text_body TEXT NOT NULL,
                html_body TEXT,
                state TEXT NOT NULL,
                attempts \(integer) NOT NULL DEFAULT 0,
                next_attempt_at \(integer) NOT NULL,
                claimed_at \(integer),
                last_error TEXT,
                created_at \(integer) NOT NULL,
                sent_at \(integer)
            );
            CREATE INDEX notifications_due ON notifications(state, next_attempt_at);
            CREATE INDEX notifications_by_order ON notifications(imp_uid, id);
            CREATE TABLE lookup_failures (
                id \(sql.serialKey),
                order_key TEXT NOT NULL,
                client_key TEXT NOT NULL,
                at \(integer) NOT NULL
            );
            CREATE INDEX lookup_failures_by_order ON lookup_failures(order_key, at);
            CREATE INDEX lookup_failures_by_client ON lookup_failures(client_key, at);
            """,
            // 5: subscriptions (정기배송). One row per subscription: its billing key (`customer_uid`, unique, so a key
            // is never used for two), what one delivery costs (fixed for its life), the charge it waits for and
            // whether that charge is scheduled with the provider; each charge is an order naming its subscription.
            """
            CREATE TABLE subscriptions (
                id TEXT PRIMARY KEY,
                customer_uid TEXT NOT NULL UNIQUE,
                manage_token TEXT NOT NULL UNIQUE,
                status TEXT NOT NULL,
                interval_spec TEXT NOT NULL,
                amount \(integer) NOT NULL,
                currency TEXT NOT NULL,
                name TEXT,
                items_json TEXT NOT NULL,
                catalog_version TEXT,
                anchor_at \(integer) NOT NULL,
                charge_sequence \(integer) NOT NULL,
                charge_attempt \(integer) NOT NULL,
                next_charge_at \(integer),
                schedule_state TEXT,
                key_state TEXT,
                buyer_name TEXT, buyer_tel TEXT, buyer_email TEXT, buyer_addr TEXT, buyer_postcode TEXT,
                ended_reason TEXT,
                action_note TEXT,
                created_at \(integer) NOT NULL,
                updated_at \(integer) NOT NULL,
                cancelled_at \(integer)
            );
            CREATE INDEX subscriptions_by_status ON subscriptions(status, next_charge_at);
            ALTER TABLE orders ADD COLUMN subscription_id TEXT;
            CREATE INDEX orders_by_subscription ON orders(subscription_id, created_at);
            """,
            // 6: PortOne V2 webhook deliveries already taken (id and signed timestamp), so a captured delivery
            // replayed within its five signed minutes is refused.
            """
            CREATE TABLE webhook_receipts (
                webhook_id TEXT NOT NULL,
                signed_at \(integer) NOT NULL,
                received_at \(integer) NOT NULL,
                PRIMARY KEY (webhook_id, signed_at)
            );
            """,
            // 7: integrity (SPEC §9). Every name (order prefix and shop id) the shop's catalogs have had, so a payment
            // made under an earlier one is still the shop's after a rename; whose a subscription is (the order prefix and shop id it was made under, so a
            // later rename of base_url or order_prefix does not orphan it; earlier rows take them from the catalog
            // version they were priced with); units held for an order before its payment (`/prepare`, V2
            // `/confirm`) until they expire; and requests counted per client for the actions that are limited.
            """
            ALTER TABLE subscriptions ADD COLUMN order_prefix TEXT;
            ALTER TABLE subscriptions ADD COLUMN shop TEXT;
            UPDATE subscriptions SET
                order_prefix = (SELECT \(sql.jsonText("catalog_json", "order_prefix")) FROM catalog_versions
                                WHERE catalog_versions.version = subscriptions.catalog_version),
                shop = (SELECT \(sql.jsonText("catalog_json", "shop")) FROM catalog_versions
                        WHERE catalog_versions.version = subscriptions.catalog_version);
            CREATE TABLE holds (
                merchant_uid TEXT PRIMARY KEY,
                client_key TEXT NOT NULL,
                door TEXT NOT NULL,
                amount \(integer) NOT NULL,
                created_at \(integer) NOT NULL,
                expires_at \(integer) NOT NULL
            );
            CREATE INDEX holds_by_expiry ON holds(expires_at);
            CREATE INDEX holds_by_client ON holds(client_key, expires_at);
            CREATE TABLE hold_items (
                merchant_uid TEXT NOT NULL REFERENCES holds(merchant_uid) ON DELETE CASCADE,
                sku TEXT NOT NULL,
                quantity \(integer) NOT NULL
            );
            CREATE INDEX hold_items_by_order ON hold_items(merchant_uid);
            CREATE TABLE client_requests (
                id \(sql.serialKey),
                action TEXT NOT NULL,
                client_key TEXT NOT NULL,
                at \(integer) NOT NULL
            );
            CREATE INDEX client_requests_by_client ON client_requests(action, client_key, at);
            CREATE TABLE shop_names (
                order_prefix TEXT NOT NULL,
                shop TEXT NOT NULL,
                PRIMARY KEY (order_prefix, shop)
            );
            INSERT INTO shop_names (order_prefix, shop)
                SELECT DISTINCT \(sql.jsonText("catalog_json", "order_prefix")), \(sql.jsonText("catalog_json", "shop"))
                FROM catalog_versions
                WHERE \(sql.jsonText("catalog_json", "order_prefix")) IS NOT NULL
                  AND \(sql.jsonText("catalog_json", "shop")) IS NOT NULL;
            """,
            // 8: giving money back (SPEC §10). Every refund the seller or a buyer's cancel makes, written as intended
            // before the provider is asked (at most one in flight per order), with what the provider had cancelled
            // then, so a run that dies mid-call is completed from the provider's own record; buyers' return and
            // cancel requests; further parcels of an order (exchanges).
            """
            CREATE TABLE refunds (
                id \(sql.serialKey),
                imp_uid TEXT NOT NULL REFERENCES orders(imp_uid),
                amount \(integer) NOT NULL,
                tax_free \(integer) NOT NULL DEFAULT 0,
                deducted \(integer) NOT NULL DEFAULT 0,
                lines_json TEXT NOT NULL,
                restock \(integer) NOT NULL,
                reason TEXT NOT NULL,
                requested_by TEXT NOT NULL,
                cancelled_before \(integer) NOT NULL,
                state TEXT NOT NULL,
                provider_cancellation TEXT,
                note TEXT,
                refund_account_json TEXT,
                created_at \(integer) NOT NULL,
                updated_at \(integer) NOT NULL
            );
            CREATE INDEX refunds_by_order ON refunds(imp_uid, id);
            CREATE UNIQUE INDEX refunds_one_in_flight ON refunds(imp_uid) WHERE state = 'intended';
            CREATE TABLE order_requests (
                id \(sql.serialKey),
                imp_uid TEXT NOT NULL REFERENCES orders(imp_uid),
                kind TEXT NOT NULL,
                reason TEXT,
                state TEXT NOT NULL,
                answer TEXT,
                created_at \(integer) NOT NULL,
                closed_at \(integer)
            );
            CREATE INDEX order_requests_open ON order_requests(state, id);
            CREATE TABLE shipments (
                id \(sql.serialKey),
                imp_uid TEXT NOT NULL REFERENCES orders(imp_uid),
                kind TEXT NOT NULL,
                carrier TEXT,
                tracking TEXT,
                shipped_at \(integer) NOT NULL
            );
            CREATE INDEX shipments_by_order ON shipments(imp_uid, id);
            """,
            // 9 (issue 37): what SPEC §11's pricing rules did to each order: the discount code it redeemed
            // (normalised; redemptions are counted from it), what the code saved, the regional surcharge, and the
            // tax-free part of the amount; and the code a hold was priced with, so a held order holds its redemption.
            """
            ALTER TABLE orders ADD COLUMN discount_code TEXT;
            ALTER TABLE orders ADD COLUMN discount \(integer);
            ALTER TABLE orders ADD COLUMN surcharge \(integer);
            ALTER TABLE orders ADD COLUMN tax_free \(integer);
            CREATE INDEX orders_by_discount_code ON orders(discount_code, status);
            ALTER TABLE holds ADD COLUMN discount_code TEXT;
            """,
            // 10 (issue 39): a subscription's manage token is kept only as its SHA-256 (`sha256:<hex>`; earlier
            // rows are digested in code right after this migration). The token in clear lives only as long as it
            // must to reach the buyer's mail: `mail_token` from `/subscribe` until the first charge is decided,
            // then `secret` on that mail's outbox row until it is sent (or given up on).
            """
            ALTER TABLE subscriptions ADD COLUMN mail_token TEXT;
            ALTER TABLE notifications ADD COLUMN secret TEXT;
            """,
            // 11 (issue 37): the 제주/도서산간 surcharge a subscription's fixed amount includes, recorded on each
            // delivery's order like a one-off order's (earlier subscriptions had none: 0).
            """
            ALTER TABLE subscriptions ADD COLUMN surcharge \(integer) NOT NULL DEFAULT 0;
            """,
        ]
    }

    /// Every table that holds ledger data, parents before the rows that refer to them, with the order a copy
    /// reads them in (`gage orders migrate`). A table added by a migration is added here too.
    static let tables: [(name: String, order: String)] = [
        ("catalog_versions", "version"),
        ("catalog_periods", "id"),
        ("subscriptions", "id"),
        ("orders", "imp_uid"),
        ("order_items", "imp_uid, sku, quantity"),
        ("history", "id"),
        ("notifications", "id"),
        ("lookup_failures", "id"),
        ("webhook_receipts", "webhook_id, signed_at"),
        ("holds", "merchant_uid"),
        ("hold_items", "merchant_uid, sku, quantity"),
        ("client_requests", "id"),
        ("shop_names", "order_prefix, shop"),
        ("refunds", "id"),
        ("order_requests", "id"),
        ("shipments", "id"),
    ]

    /// Tables whose `id` the database generates.
    static let tablesWithSerialID: Set<String> = ["catalog_periods", "history", "notifications", "lookup_failures",
                                                     "client_requests", "refunds", "order_requests", "shipments"]
}
