import GageLedger

/// Who hears of an order's changes (SPEC §8). Every change the ledger records asks the notifier which
/// notifications it owes, and writes them in the same transaction as the change itself: a notification exists
/// exactly when its change does. Delivery is someone else's job, after the answer is out.
public protocol OrderNotifier: AnyObject {
    /// The notifications owed when an order moves from `before` (nil: first seen) to `after`. Must not fail or
    /// block: a notification that cannot be written must never cost a decision.
    func notifications(before: LedgerOrder?, after: LedgerOrder) -> [OutgoingNotification]

    /// The notifications owed when a subscription moves from `before` to `subscription` (nil `before`: it was just
    /// recorded), with the charge's order that moved it, if one did.
    func notifications(subscription: LedgerSubscription, before: LedgerSubscription?,
                       order: LedgerOrder?) -> [OutgoingNotification]
}

extension OrderNotifier {
    public func notifications(subscription: LedgerSubscription, before: LedgerSubscription?,
                              order: LedgerOrder?) -> [OutgoingNotification] { [] }
}
