import GageLedger

/// Who hears of an order's changes (SPEC §8). Every change the ledger records asks the notifier which
/// notifications it owes, and writes them in the same transaction as the change itself: a notification exists
/// exactly when its change does. Delivery is someone else's job, after the answer is out.
public protocol OrderNotifier: AnyObject {
    /// The notifications owed when an order moves from `before` (nil: first seen) to `after`. Must not fail or
    /// block: a notification that cannot be written must never cost a decision.
    func notifications(before: LedgerOrder?, after: LedgerOrder) -> [OutgoingNotification]

    /// The same, for an order that is one of a subscription's deliveries: its mails say so.
    func notifications(before: LedgerOrder?, after: LedgerOrder, delivery: SubscriptionDelivery?) -> [OutgoingNotification]

    /// The notifications owed when a subscription moves from `before` to `subscription` (nil `before`: it was just
    /// recorded), with the charge's order that moved it, if one did.
    func notifications(subscription: LedgerSubscription, before: LedgerSubscription?,
                       order: LedgerOrder?) -> [OutgoingNotification]

    /// The notifications an event beside the order's state owes (a buyer's request, its answer, a second parcel).
    func notifications(_ event: OrderEvent, order: LedgerOrder) -> [OutgoingNotification]

    /// Whether the buyer of `order` is sent e-mails: the function mails and the order has an address to mail to.
    /// The page says "a confirmation mail went to …" only then.
    func mailsBuyer(of order: LedgerOrder) -> Bool
}

/// What happens to an order beside its state (SPEC §10), and who hears of it.
public enum OrderEvent: Sendable, Equatable {
    /// The buyer asked for a return (after shipping) or for the cancel of a deposited virtual account: the seller.
    case requestOpened(id: Int, kind: OrderRequest.Kind, reason: String?)
    /// The seller declined the buyer's request: the buyer, with why.
    case requestDeclined(answer: String, at: Int)
    /// A second parcel (교환) left: the buyer, with its tracking link.
    case exchangeShipped(carrier: String?, tracking: String?, at: Int)
}

/// A subscription's charge as its order's mails tell of it: the subscription (as the charge left it), which
/// delivery this is, and — for the first delivery only, whose confirmation carries the manage link — the manage
/// token in clear.
public struct SubscriptionDelivery: Sendable, Equatable {
    public var subscription: LedgerSubscription
    /// 1 for the first delivery, 2, 3, … after.
    public var number: Int
    public var manageToken: String?

    public init(subscription: LedgerSubscription, number: Int, manageToken: String? = nil) {
        self.subscription = subscription
        self.number = number
        self.manageToken = manageToken
    }
}

extension OrderNotifier {
    public func notifications(before: LedgerOrder?, after: LedgerOrder,
                              delivery: SubscriptionDelivery?) -> [OutgoingNotification] {
        notifications(before: before, after: after)
    }

    public func notifications(_ event: OrderEvent, order: LedgerOrder) -> [OutgoingNotification] { [] }

    public func mailsBuyer(of order: LedgerOrder) -> Bool { false }

    public func notifications(subscription: LedgerSubscription, before: LedgerSubscription?,
                              order: LedgerOrder?) -> [OutgoingNotification] { [] }
}
