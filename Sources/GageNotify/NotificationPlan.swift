import GageLedger
import GagePayments

/// Who a notification is for.
public enum Audience: String, Sendable {
    case buyer, seller
}

/// What a person must hear of (SPEC §8), one case per e-mail template in `templates/emails/`.
public enum NotificationKind: String, Sendable, CaseIterable {
    /// 주문 확인: a card (or other instant) payment went through.
    case orderConfirmed = "order_confirmed"
    /// 입금 안내: the virtual account to pay into, and until when.
    case vbankIssued = "vbank_issued"
    /// 입금 확인: the deposit arrived; the order is paid.
    case depositReceived = "deposit_received"
    /// 환불 안내: money went back (a rejected payment refunded, or the order cancelled by the provider).
    case refunded
    /// 발송 안내: the parcel left, with the carrier's tracking link.
    case shipped
    /// 새 주문: the seller has something to ship (with the address and phone).
    case newOrder = "new_order"
    /// 환불 대기: a refund Gage owes did not go through, or must be made by hand.
    case refundPending = "refund_pending"
    /// 입금 기한 만료: a virtual account expired unpaid; its stock is free again.
    case vbankExpired = "vbank_expired"
    /// 정기배송 건너뜀: a scheduled delivery could not be made (sold out, gone from the catalog); its charge was
    /// refunded and the subscription goes on.
    case subscriptionSkipped = "subscription_skipped"
    /// 정기배송 중지: the card kept being declined; no more charges until the buyer subscribes again.
    case subscriptionStopped = "subscription_stopped"
    /// 정기배송 관리 링크: a new manage link, sent at the seller's `gage subscriptions resend` (the old one no
    /// longer works).
    case subscriptionLink = "subscription_link"
    /// 반품·취소 요청: a buyer asked to return an order (or to cancel a deposited virtual account).
    case requestOpened = "request_opened"
    /// 요청 거절: the seller declined the buyer's request, with why.
    case requestDeclined = "request_declined"
    /// 교환 발송: the exchange's parcel left, with its tracking link.
    case exchangeShipped = "exchange_shipped"

    public var audience: Audience {
        switch self {
        case .orderConfirmed, .vbankIssued, .depositReceived, .refunded, .shipped, .subscriptionStopped, .requestDeclined,
             .exchangeShipped, .subscriptionLink: return .buyer
        case .newOrder, .refundPending, .vbankExpired, .subscriptionSkipped, .requestOpened: return .seller
        }
    }
}

/// A notification an order's change owes: its kind, and what makes it a different one from an earlier of the
/// same kind (a second partial refund, a corrected tracking number).
public struct Notice: Sendable, Equatable {
    public var kind: NotificationKind
    public var detail: String
    /// What the template shows beside the order (a request's reason, an exchange's parcel).
    public var values: [String: String]

    public init(_ kind: NotificationKind, detail: String = "", values: [String: String] = [:]) {
        self.kind = kind
        self.detail = detail
        self.values = values
    }

    /// The notice an event beside the order's state owes; the detail keeps each one apart in the outbox.
    public static func of(_ event: OrderEvent) -> Notice {
        switch event {
        case let .requestOpened(id, kind, reason):
            return Notice(.requestOpened, detail: "\(id)", values: ["kind": kind == .return ? "반품" : "주문 취소",
                                                                    "reason": reason ?? ""])
        case let .requestDeclined(answer, at):
            return Notice(.requestDeclined, detail: "\(at)", values: ["answer": answer])
        case let .exchangeShipped(carrier, tracking, at):
            return Notice(.exchangeShipped, detail: "\(carrier ?? "")-\(tracking ?? String(at))",
                          values: ["carrier": carrier ?? "", "tracking": tracking ?? ""])
        }
    }
}

/// Which notifications an order's move from `before` to `after` owes. Pure: the same change always owes the
/// same notices, and the outbox's dedupe key makes a change seen twice (a webhook re-sent) owe nothing more.
public enum NotificationPlan {
    public static func notices(before: LedgerOrder?, after: LedgerOrder) -> [Notice] {
        var notices: [Notice] = []
        let was = before?.status
        switch after.status {
        case "paid" where was != "paid":
            notices.append(Notice(was == "awaiting_deposit" ? .depositReceived : .orderConfirmed))
            notices.append(Notice(.newOrder))
        case "awaiting_deposit" where was != "awaiting_deposit":
            notices.append(Notice(.vbankIssued))
        case "expired" where was != "expired" && was == "awaiting_deposit":
            notices.append(Notice(.vbankExpired))
        case "rejected":
            if after.refundState == .done && before?.refundState != .done && refundedAmount(after) > 0 {
                notices.append(Notice(.refunded, detail: "rejected"))
            }
            // A refund Gage makes right after the decision is told of only once it failed; one it cannot make
            // (a deposited virtual account) at once.
            if after.refundState == .manual && before?.refundState != .manual {
                notices.append(Notice(.refundPending, detail: "manual"))
            } else if after.refundState == .pending && before?.refundState == .pending {
                notices.append(Notice(.refundPending, detail: "pending"))
            }
        // A refund Gage made is told with its own lines, once per refund; a cancel seen at the provider by its amount.
        case "cancelled" where was == "paid":
            notices.append(Notice(.refunded, detail: after.latestRefund.map { "refund-\($0.id)" } ?? "cancelled"))
        case "paid" where after.cancelledAmount > (before?.cancelledAmount ?? 0):
            notices.append(Notice(.refunded, detail: after.latestRefund.map { "refund-\($0.id)" }
                                                    ?? "partial-\(after.cancelledAmount)"))
        default:
            break
        }
        if let shipped = after.shippedAt, after.status == "paid",
           before?.shippedAt == nil || before?.tracking != after.tracking || before?.carrier != after.carrier {
            notices.append(Notice(.shipped, detail: "\(after.carrier ?? "")-\(after.tracking ?? String(shipped))"))
        }
        return notices
    }

    /// Which notifications a subscription's move from `before` to `after` owes, on top of its charge's own (a
    /// skipped delivery's refund is told to the buyer as any refund is). Keyed by the charge, so a webhook seen
    /// twice owes nothing more.
    public static func notices(subscription after: LedgerSubscription, before: LedgerSubscription?,
                               order: LedgerOrder?) -> [Notice] {
        guard let before, let order else { return [] }
        var notices: [Notice] = []
        if after.sequence > before.sequence, before.status == .active, order.status == "rejected" {
            notices.append(Notice(.subscriptionSkipped, detail: order.reason ?? ""))
        }
        if after.status == .pastDue, before.status != .pastDue {
            notices.append(Notice(.subscriptionStopped))
        }
        return notices
    }

    /// What went back to the buyer of a rejected order.
    static func refundedAmount(_ order: LedgerOrder) -> Int { order.amount }
}
