import Foundation
import GageCore
import GageLedger
import GagePayments

/// The notifier the verify function and `gage orders ship` hand the ledger: turns an order's change into the
/// e-mails and chat messages it owes, rendered now (so the outbox row is what will be sent, whoever sends it).
public final class Notifier: OrderNotifier {
    public let settings: NotifySettings
    let log: Log
    /// The imp_uids this process wrote notifications for, to deliver once the answer is out.
    public private(set) var touchedOrders: Set<String> = []
    private var loaded: (templates: EmailTemplates, shop: ShopContact)??

    public init(settings: NotifySettings, log: Log = Log(enabled: true)) {
        self.settings = settings
        self.log = log
    }

    public func notifications(before: LedgerOrder?, after: LedgerOrder) -> [OutgoingNotification] {
        messages(NotificationPlan.notices(before: before, after: after), order: after)
    }

    public func notifications(before: LedgerOrder?, after: LedgerOrder,
                              delivery: SubscriptionDelivery?) -> [OutgoingNotification] {
        messages(NotificationPlan.notices(before: before, after: after), order: after,
                 subscription: delivery?.subscription, delivery: delivery)
    }

    /// The mail carrying a subscription's new manage link (`gage subscriptions resend`), about its latest order; one
    /// per token (the end of its digest keeps each apart in the outbox). Empty when the subscriber cannot be mailed.
    public func manageLinkNotifications(subscription: LedgerSubscription, order: LedgerOrder,
                                        token: String) -> [OutgoingNotification] {
        var addressed = order
        addressed.buyer.email = subscription.buyer.email ?? order.buyer.email
        let delivery = SubscriptionDelivery(subscription: subscription, number: subscription.sequence, manageToken: token)
        return messages([Notice(.subscriptionLink, detail: String(ManageToken.digest(token).suffix(16)))], order: addressed,
                        subscription: subscription, delivery: delivery)
    }

    public func notifications(subscription: LedgerSubscription, before: LedgerSubscription?,
                              order: LedgerOrder?) -> [OutgoingNotification] {
        guard let order else { return [] }
        return messages(NotificationPlan.notices(subscription: subscription, before: before, order: order), order: order,
                        subscription: subscription)
    }

    public func notifications(_ event: OrderEvent, order: LedgerOrder) -> [OutgoingNotification] {
        messages([Notice.of(event)], order: order)
    }

    /// The e-mails and chat lines of `notices`, all about `order` (and the subscription it is a charge of).
    func messages(_ notices: [Notice], order after: LedgerOrder, subscription: LedgerSubscription? = nil,
                  delivery: SubscriptionDelivery? = nil) -> [OutgoingNotification] {
        guard !notices.isEmpty else { return [] }
        var messages: [OutgoingNotification] = []
        for notice in notices {
            let key = "\(after.impUID):\(notice.kind.rawValue)" + (notice.detail.isEmpty ? "" : ":\(notice.detail)")
            if settings.emailEnabled, let recipient = recipient(for: notice.kind, order: after),
               let (templates, shop) = emailTemplates() {
                // Only the first order's confirmation and a resent link carry the manage token (as a placeholder in
                // the bodies; the token itself rides beside the mail until it is sent).
                let token = Self.carriesManageLink(notice.kind) ? delivery?.manageToken : nil
                let context = EmailContext.make(order: after, notice: notice, shop: shop, subscription: subscription,
                                                delivery: delivery?.number, carriesManageLink: token != nil)
                let mail = templates.render(notice.kind, context: context)
                messages.append(OutgoingNotification(
                    dedupeKey: key + ":email", impUID: after.impUID, kind: notice.kind.rawValue, channel: .email,
                    recipient: recipient, subject: mail.subject.isEmpty ? shop.title : mail.subject,
                    text: mail.text, html: mail.html, secret: token))
            }
            if settings.chatEnabled, let line = ChatLine.line(notice, order: after) {
                messages.append(OutgoingNotification(
                    dedupeKey: key + ":chat", impUID: after.impUID, kind: notice.kind.rawValue, channel: .chat,
                    recipient: "webhook", subject: line.subject, text: line.text))
            }
        }
        if !messages.isEmpty { touchedOrders.insert(after.impUID) }
        return messages
    }

    static func carriesManageLink(_ kind: NotificationKind) -> Bool {
        kind == .orderConfirmed || kind == .subscriptionLink
    }

    func recipient(for kind: NotificationKind, order: LedgerOrder) -> String? {
        switch kind.audience {
        case .buyer: return order.buyer.email.flatMap(MailAddress.address(in:))
        case .seller: return settings.sellerEmail.flatMap(MailAddress.address(in:))
        }
    }

    /// The shop as the e-mails name it (its title and address): from `emails.json`, else the catalog.
    public var shop: ShopContact? { emailTemplates()?.1 }

    /// `emails.json` as built with the shop, else the built-in templates; loaded once, on the first e-mail.
    func emailTemplates() -> (EmailTemplates, ShopContact)? {
        if let loaded { return loaded }
        let bundle = EmailBundle.load(emailsPath: settings.emailsPath)
        if bundle == nil, let path = settings.emailsPath, FileManager.default.fileExists(atPath: path) {
            log.error("notifications: \(path) is not a Gage emails.json; using the built-in e-mails")
        }
        let catalog = settings.catalogPath.flatMap { FileManager.default.contents(atPath: $0) }
            .flatMap { try? JSONDecoder().decode(Catalog.self, from: $0) }
        let fallbackShop = ShopContact(title: settings.mailFrom.flatMap(MailAddress.displayName(in:)) ?? "쇼핑몰",
                                       baseURL: catalog?.baseURL ?? "/")
        var result: (EmailTemplates, ShopContact)?
        do {
            let chosen = bundle ?? EmailBundle.builtIn(shop: fallbackShop)
            result = (try EmailTemplates(chosen), chosen.shop)
        } catch {
            log.error("notifications: \(error); using the built-in e-mails")
            let builtIn = EmailBundle.builtIn(shop: bundle?.shop ?? fallbackShop)
            result = (try? EmailTemplates(builtIn)).map { ($0, builtIn.shop) }
        }
        loaded = .some(result)
        return result
    }
}

/// The seller's chat line for a new paid order: what, how much, which order — short enough for a phone's lock screen.
enum ChatLine {
    /// The seller's chat line for a notice, if the seller hears of it by chat too (the events to act on).
    static func line(_ notice: Notice, order: LedgerOrder) -> (subject: String, text: String)? {
        switch notice.kind {
        case .requestOpened:
            // The buyer's words stay out of the chat (they could carry markup or mentions): the seller reads them
            // in the mail and in gage orders show.
            return ("\(notice.values["kind"] ?? "반품") 요청", "↩️ \(notice.values["kind"] ?? "반품") 요청 · 주문번호 \(order.merchantUID) · "
                    + "\(EmailContext.won(order.amount)) · gage orders list --requests")
        case .newOrder: return ("새 주문", newOrder(order))
        case .subscriptionSkipped:
            return ("정기배송 건너뜀", "⚠️ 정기배송 배송분 건너뜀 (\(EmailContext.skipReason(order.reason))) · 결제 \(EmailContext.won(order.amount)) 환불 · 주문번호 \(order.merchantUID)")
        default: return nil
        }
    }

    static func newOrder(_ order: LedgerOrder) -> String {
        let units = order.items.reduce(0) { $0 + $1.quantity }
        let what = order.name.flatMap { $0.isEmpty ? nil : $0 } ?? "\(units)개 상품"
        return "🛒 새 주문 \(EmailContext.won(order.amount)) · \(what) · 주문번호 \(order.merchantUID)"
    }
}
