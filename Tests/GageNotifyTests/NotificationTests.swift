import Foundation
import GageCore
import GageLedger
@testable import GageNotify
@testable import GagePayments
import XCTest

final class NotificationPlanTests: XCTestCase {
    func order(_ status: String, refund: LedgerOrder.ProviderAction? = nil, cancelled: Int = 0) -> LedgerOrder {
        var order = LedgerOrder(impUID: "imp_1", merchantUID: "shop-1", status: status, amount: 40000, currency: "KRW",
                                name: "원두", items: [])
        order.refundState = refund
        order.cancelledAmount = cancelled
        return order
    }

    func kinds(_ before: LedgerOrder?, _ after: LedgerOrder) -> [NotificationKind] {
        NotificationPlan.notices(before: before, after: after).map(\.kind)
    }

    func subscription(_ status: LedgerSubscription.Status, sequence: Int) -> LedgerSubscription {
        var subscription = LedgerSubscription(id: "k3x9q2m7ab", customerUID: "shop-c1", manageTokenDigest: "t", status: status,
                                              interval: "4w", amount: 15600, currency: "KRW", name: "원두", items: [],
                                              catalogVersion: nil, anchorAt: 0, createdAt: 0)
        subscription.sequence = sequence
        return subscription
    }

    func test_a_skipped_delivery_tells_the_seller_and_a_stopped_subscription_tells_the_buyer() {
        var soldOut = order("rejected", refund: .done)
        soldOut.reason = "sold_out"
        let skipped = NotificationPlan.notices(subscription: subscription(.active, sequence: 3),
                                               before: subscription(.active, sequence: 2), order: soldOut)
        XCTAssertEqual(skipped, [Notice(.subscriptionSkipped, detail: "sold_out")])
        XCTAssertEqual(NotificationKind.subscriptionSkipped.audience, .seller)
        // A paid delivery moves the subscription on and owes only the order's own notices.
        XCTAssertEqual(NotificationPlan.notices(subscription: subscription(.active, sequence: 3),
                                                before: subscription(.active, sequence: 2), order: order("paid")), [])
        // The last declined retry stops it: the buyer hears once; a webhook seen again moves nothing and owes nothing.
        let stopped = NotificationPlan.notices(subscription: subscription(.pastDue, sequence: 2),
                                               before: subscription(.active, sequence: 2), order: order("failed"))
        XCTAssertEqual(stopped.map(\.kind), [.subscriptionStopped])
        XCTAssertEqual(NotificationKind.subscriptionStopped.audience, .buyer)
        XCTAssertEqual(NotificationPlan.notices(subscription: subscription(.pastDue, sequence: 2),
                                                before: subscription(.pastDue, sequence: 2), order: order("failed")), [])
        // A new subscription, or one cancelled by hand, owes nothing here (its first order has its own notices).
        XCTAssertEqual(NotificationPlan.notices(subscription: subscription(.active, sequence: 2), before: nil,
                                                order: order("paid")), [])
    }

    func test_a_first_paid_decision_confirms_to_the_buyer_and_tells_the_seller() {
        XCTAssertEqual(kinds(nil, order("paid")), [.orderConfirmed, .newOrder])
        XCTAssertEqual(kinds(order("unpaid"), order("paid")), [.orderConfirmed, .newOrder])
    }

    func test_a_deposit_is_a_deposit_notice_not_a_second_confirmation() {
        XCTAssertEqual(kinds(nil, order("awaiting_deposit")), [.vbankIssued])
        XCTAssertEqual(kinds(order("awaiting_deposit"), order("paid")), [.depositReceived, .newOrder])
    }

    func test_a_later_look_at_a_settled_order_owes_nothing() {
        XCTAssertEqual(kinds(order("paid"), order("paid")), [])
        XCTAssertEqual(kinds(order("awaiting_deposit"), order("awaiting_deposit")), [])
        XCTAssertEqual(kinds(order("rejected", refund: .done), order("rejected", refund: .done)), [])
        XCTAssertEqual(kinds(nil, order("unpaid")), [])
        XCTAssertEqual(kinds(nil, order("failed")), [])
    }

    func test_a_refund_is_told_to_the_seller_only_once_it_failed_and_to_the_buyer_once_it_is_made() {
        // Decided with a refund to make next: nothing yet (the refund follows at once).
        XCTAssertEqual(kinds(nil, order("rejected", refund: .pending)), [])
        XCTAssertEqual(kinds(order("rejected", refund: .pending), order("rejected", refund: .pending)), [.refundPending])
        XCTAssertEqual(kinds(order("rejected", refund: .pending), order("rejected", refund: .done)), [.refunded])
        XCTAssertEqual(kinds(nil, order("rejected", refund: .manual)), [.refundPending])
        XCTAssertEqual(kinds(nil, order("rejected")), [], "a virtual account for a wrong amount moved no money")
    }

    func test_provider_cancels_and_partial_cancels_tell_the_buyer_each_amount_once() {
        XCTAssertEqual(kinds(order("paid"), order("cancelled", cancelled: 40000)), [.refunded])
        let partial = NotificationPlan.notices(before: order("paid"), after: order("paid", cancelled: 10000))
        XCTAssertEqual(partial, [Notice(.refunded, detail: "partial-10000")])
        XCTAssertEqual(kinds(order("paid", cancelled: 10000), order("paid", cancelled: 10000)), [])
    }

    func test_an_expired_account_tells_the_seller_and_shipping_tells_the_buyer_per_tracking_number() {
        XCTAssertEqual(kinds(order("awaiting_deposit"), order("expired")), [.vbankExpired])
        var shipped = order("paid")
        shipped.shippedAt = 1_800_000_000
        shipped.carrier = "cj"
        shipped.tracking = "1"
        XCTAssertEqual(kinds(order("paid"), shipped), [.shipped])
        XCTAssertEqual(kinds(shipped, shipped), [])
        var corrected = shipped
        corrected.tracking = "2"
        XCTAssertEqual(NotificationPlan.notices(before: shipped, after: corrected), [Notice(.shipped, detail: "cj-2")])
    }
}

final class MailFormatTests: XCTestCase {
    func test_korean_header_text_is_encoded_in_words_that_never_split_a_character() {
        XCTAssertEqual(RFC2047.encode("주문"), "=?UTF-8?B?7KO866y4?=")
        XCTAssertEqual(RFC2047.encode("Order 123"), "Order 123")
        let long = String(repeating: "가", count: 40)  // 120 bytes: three words of 15 characters or fewer
        let words = RFC2047.encode(long).split(separator: " ")
        XCTAssertEqual(words.count, 3)
        for word in words {
            XCTAssertLessThanOrEqual(word.count, 75)
            let base64 = word.dropFirst("=?UTF-8?B?".count).dropLast(2)
            XCTAssertNotNil(String(data: Data(base64Encoded: String(base64))!, encoding: .utf8), "each word is whole UTF-8")
        }
    }

    func test_a_header_cannot_be_split_into_two_by_a_line_break() {
        XCTAssertFalse(RFC2047.encode("안녕\r\nBcc: victim@example.com").contains("\n"))
        XCTAssertNil(MailAddress.address(in: "a@b.kr\r\nBcc: x@y.kr"))
        XCTAssertEqual(MailAddress.address(in: "온기 로스터리 <shop@onggi.kr>"), "shop@onggi.kr")
        XCTAssertEqual(MailAddress.displayName(in: "온기 로스터리 <shop@onggi.kr>"), "온기 로스터리")
        XCTAssertEqual(MailAddress.displayName(in: " \"온기 로스터리\"  <shop@onggi.kr>"), "온기 로스터리")
        XCTAssertNil(MailAddress.displayName(in: "\"\" <shop@onggi.kr>"))
        XCTAssertNil(MailAddress.address(in: "no-at-sign"))
    }

    func test_dates_are_rfc_5322_in_english() {
        XCTAssertEqual(MailMessage.rfc5322Date(Date(timeIntervalSince1970: 1_795_000_000)), "Wed, 18 Nov 2026 11:06:40 +0000")
    }

    func test_money_and_korean_time() {
        XCTAssertEqual(EmailContext.won(1_234_500), "1,234,500원")
        XCTAssertEqual(EmailContext.won(0), "0원")
        // 2026-12-31 15:30 UTC is already 1 January in Seoul.
        XCTAssertEqual(EmailContext.koreanTime(1_798_731_000), "2027년 1월 1일 00:30")
    }
}

final class LookupAndCarrierTests: XCTestCase {
    func test_phone_numbers_match_however_they_are_written() {
        for written in ["010-1234-5678", "01012345678", "010 1234 5678", "+82 10-1234-5678", "+821012345678"] {
            XCTAssertEqual(OrderLookup.normalizedPhone(written), "01012345678", written)
        }
        XCTAssertEqual(OrderLookup.normalizedPhone("02-123-4567"), "021234567")
        XCTAssertNil(OrderLookup.normalizedPhone("1234"))
        XCTAssertNil(OrderLookup.normalizedPhone("전화 없음"))
    }

    func test_tracking_links_keep_only_the_waybill_digits() {
        let cj = Carrier.named("CJ")!
        XCTAssertEqual(cj.trackingLink("6543-2109"), "https://trace.cjlogistics.com/next/tracking.html?wblNo=6543-2109")
        XCTAssertEqual(cj.trackingLink("1&x=<script>"), "https://trace.cjlogistics.com/next/tracking.html?wblNo=1")
        XCTAssertNil(Carrier.named("fedx"))
        XCTAssertEqual(Set(Carrier.all.map(\.code)).count, Carrier.all.count)
    }
}

final class CourierTests: XCTestCase {
    /// A mail server that refuses connections: every try fails and waits longer, until it is given up on.
    func test_failed_deliveries_back_off_and_are_given_up_after_the_last_try() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("gage-courier-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let ledger = try Ledger(path: folder.appendingPathComponent("orders.sqlite").path)
        let start = 1_800_000_000
        try ledger.transaction { () throws(LedgerError) in
            try ledger.enqueue([OutgoingNotification(dedupeKey: "imp_1:new_order:email", impUID: "imp_1", kind: "new_order",
                                                     channel: .email, recipient: "seller@onggi.kr", subject: "새 주문",
                                                     text: "…")], at: start)
        }
        let settings = NotifySettings(smtpURL: "smtp://127.0.0.1:9", mailFrom: "shop@onggi.kr")
        var courier = Courier(settings: settings, ledger: ledger)
        courier.log = Log(enabled: false)
        var now = start
        var waits: [Int] = []
        for _ in 1...Courier.maximumAttempts {
            let report = try courier.deliver(now: now)
            XCTAssertEqual(report.sent, 0)
            let stored = try ledger.notifications(impUID: "imp_1")[0]
            if stored.state == .failed { break }
            XCTAssertEqual(try courier.deliver(now: now + 1).retrying, 0, "not tried again before its time")
            waits.append(stored.nextAttemptAt - now)
            now = stored.nextAttemptAt
        }
        XCTAssertEqual(waits, Courier.retryDelays)
        let last = try ledger.notifications(impUID: "imp_1")[0]
        XCTAssertEqual(last.state, .failed)
        XCTAssertEqual(last.attempts, Courier.maximumAttempts)
        XCTAssertNotNil(last.lastError)
    }

    func test_the_same_change_seen_twice_is_written_once() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("gage-outbox-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let ledger = try Ledger(path: folder.appendingPathComponent("orders.sqlite").path)
        let message = OutgoingNotification(dedupeKey: "imp_1:shipped:cj-1:email", impUID: "imp_1", kind: "shipped",
                                           channel: .email, recipient: "buyer@x.kr", subject: "발송", text: "…")
        for _ in 0..<3 {
            try ledger.transaction { () throws(LedgerError) in try ledger.enqueue([message], at: 1) }
        }
        XCTAssertEqual(try ledger.notifications().count, 1)
    }
}

final class ManageLinkOutboxTests: XCTestCase {
    /// The token rides beside its mail (the bodies hold a placeholder), is put in only at sending, and is gone from
    /// the ledger once the mail is sent or given up on.
    func test_a_manage_token_is_kept_beside_its_mail_only_until_it_is_sent_or_given_up() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("gage-secret-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let ledger = try Ledger(path: folder.appendingPathComponent("orders.sqlite").path)
        let token = String(repeating: "ab", count: 32)
        func mail(_ key: String) -> OutgoingNotification {
            OutgoingNotification(dedupeKey: key, impUID: "imp_1", kind: "order_confirmed", channel: .email,
                                 recipient: "buyer@x.kr", subject: "정기배송",
                                 text: "관리: https://x.kr/subscription/#MANAGE-TOKEN-WITHHELD\n",
                                 html: "<a href=\"https://x.kr/subscription/#MANAGE-TOKEN-WITHHELD\">관리</a>", secret: token)
        }
        try ledger.transaction { () throws(LedgerError) in try ledger.enqueue([mail("a"), mail("b")], at: 1) }
        let stored = try ledger.notifications()
        XCTAssertEqual(stored.map(\.message.secret), [token, token])
        XCTAssertFalse(stored[0].message.text.contains(token))
        let sent = stored[0].message.filledIn
        XCTAssertEqual(sent.text, "관리: https://x.kr/subscription/#\(token)\n")
        XCTAssertEqual(sent.html, "<a href=\"https://x.kr/subscription/#\(token)\">관리</a>")
        try ledger.markSent(stored[0].id, at: 2)
        try ledger.markFailed(stored[1].id, error: "550", retryAt: 100)
        XCTAssertEqual(try ledger.notifications().map(\.message.secret), [nil, token], "a retry still needs it")
        try ledger.markFailed(stored[1].id, error: "550", retryAt: nil)
        XCTAssertEqual(try ledger.notifications().map(\.message.secret), [nil, nil])
        // A mail without a token is sent as it was written.
        XCTAssertEqual(try ledger.notifications()[0].message.filledIn.text,
                       "관리: https://x.kr/subscription/#MANAGE-TOKEN-WITHHELD\n")
    }
}

final class EmailTemplateTests: XCTestCase {
    func test_the_built_in_templates_render_every_kind_with_a_subject_and_escape_html_but_not_text() throws {
        let templates = try EmailTemplates(EmailBundle.builtIn(shop: ShopContact(title: "온기 & 친구들", baseURL: "https://x.kr/")))
        var order = LedgerOrder(impUID: "imp_1", merchantUID: "shop-1", status: "paid", amount: 21000, currency: "KRW",
                                name: "<b>원두</b>", items: [PricedItem(sku: "A", title: "<b>원두</b>", quantity: 1, options: [:], price: 18000)])
        order.buyer.name = "홍길동"
        for kind in NotificationKind.allCases {
            let mail = templates.render(kind, context: EmailContext.make(order: order, notice: Notice(kind),
                                                                        shop: ShopContact(title: "온기 & 친구들", baseURL: "https://x.kr/")))
            XCTAssertTrue(mail.subject.hasPrefix("[온기 & 친구들]"), "\(kind): \(mail.subject)")
            XCTAssertFalse(mail.text.contains("&amp;"), "\(kind): text is not HTML-escaped")
            XCTAssertFalse(mail.html.contains("<b>원두</b>"), "\(kind): HTML is escaped")
            XCTAssertTrue(mail.html.contains("</html>"), "\(kind)")
        }
    }

    func test_an_html_template_escapes_a_quote_that_a_combining_mark_follows() throws {
        // `"` + U+0301 is one Character, which swift-mustache's own escaper left raw: out of the attribute.
        var bundle = EmailBundle.builtIn(shop: ShopContact(title: "온기", baseURL: "https://x.kr/"))
        bundle.templates["html/new_order"] = "<a title=\"{{buyer.name}}\">주문</a>\n"
        let templates = try EmailTemplates(bundle)
        var order = LedgerOrder(impUID: "imp_1", merchantUID: "shop-1", status: "paid", amount: 1000, currency: "KRW",
                                name: "차", items: [PricedItem(sku: "A", title: "차", quantity: 1, options: [:], price: 1000)])
        order.buyer.name = "x\"\u{301} onclick=alert(1) y=\"\u{301}"
        let mail = templates.render(.newOrder, context: EmailContext.make(order: order, notice: Notice(.newOrder),
                                                                         shop: ShopContact(title: "온기", baseURL: "https://x.kr/")))
        XCTAssertEqual(Array(mail.html.unicodeScalars),
                       Array("<a title=\"x&quot;\u{301} onclick=alert(1) y=&quot;\u{301}\">주문</a>\n".unicodeScalars))
    }

    func test_a_broken_html_template_is_reported_at_its_own_line() {
        var bundle = EmailBundle.builtIn(shop: ShopContact(title: "온기", baseURL: "https://x.kr/"))
        bundle.templates["html/shipped"] = "<p>\n<p>\n{{/nope}}\n"
        XCTAssertThrowsError(try EmailTemplates(bundle)) { error in
            XCTAssertEqual((error as? TemplateError)?.line, 3, "\(error)")
            XCTAssertEqual((error as? TemplateError)?.template, "html/shipped")
        }
    }
}

/// Text a buyer typed reaches the seller's chat as text (SPEC §9).
final class ChatTextTests: XCTestCase {
    func test_slack_control_sequences_are_escaped() {
        let typed = "<!channel> <@U123> <https://evil.example|쿠폰 받기> & 원두"
        let slack = ChatText.slack(typed)
        XCTAssertEqual(slack, "&lt;!channel&gt; &lt;@U123&gt; &lt;https://evil.example|쿠폰 받기&gt; &amp; 원두")
        XCTAssertFalse(slack.contains("<"))
    }

    func test_discord_mentions_and_markdown_links_stay_text() {
        let discord = ChatText.discord("@everyone @here <@123> [쿠폰](https://evil.example) **굵게**")
        XCTAssertFalse(discord.contains("@everyone"))
        XCTAssertFalse(discord.contains("@here"))
        XCTAssertTrue(discord.contains("\\<@\u{200B}123\\>"))
        XCTAssertTrue(discord.contains("\\[쿠폰\\]\\(https://evil.example\\)"))
        XCTAssertTrue(discord.contains("\\*\\*굵게\\*\\*"))
    }

    func test_line_breaks_and_control_characters_become_spaces() {
        for text in [ChatText.slack("a\nb\r\u{1B}[2Jc\u{202E}d"), ChatText.discord("a\nb\r\u{1B}c\u{202E}d")] {
            XCTAssertFalse(text.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x202E }, text)
        }
    }

    func test_an_ordinary_line_is_the_same_for_both() {
        let line = "🛒 새 주문 40,000원 · 에티오피아 원두 외 1건 · 주문번호 shop-1a2b3c"
        XCTAssertEqual(ChatText.slack(line), line)
        XCTAssertEqual(ChatText.discord(line), line)
    }
}
