import GageLedger
import GagePayments

extension Notifier {
    /// E-mail is configured and the order names an address it can be sent to (the same check every buyer mail
    /// passes before it is written).
    public func mailsBuyer(of order: LedgerOrder) -> Bool {
        settings.emailEnabled && recipient(for: .orderConfirmed, order: order) != nil
    }
}
