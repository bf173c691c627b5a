import GageCore
import GageLedger
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// `gage orders reconcile`: asks Iamport for the shop's payments and brings the ledger up to date, so a paid
/// order is not lost when the buyer closed the browser and the webhook never came; re-checks virtual accounts
/// awaiting their deposit (expiring them when their hold is over) and retries refunds and revokes still owed.
public struct Reconciler {
    let service: VerifyService
    let ledger: Ledger

    public init(configuration: Configuration, catalogFile: CatalogFile, log: Log,
                notifier: (any OrderNotifier)? = nil) throws(ServiceError) {
        service = VerifyFunction.makeService(configuration: configuration, catalogFile: catalogFile, log: log,
                                             notifier: notifier)
        do { ledger = try Ledger(location: configuration.ledger) } catch { throw .ledgerUnavailable(error.message) }
    }

    public struct Change: Sendable, Equatable {
        public var impUID: String
        public var merchantUID: String
        public var before: String?
        public var after: String
        public var amount: Int
    }

    public struct Failure: Sendable, Equatable {
        public var impUID: String
        public var problem: String
    }

    public struct Report: Sendable {
        public var checked = 0
        public var changes: [Change] = []
        /// Payments that could not be checked this time; the rest were.
        public var failures: [Failure] = []
        /// Subscriptions whose state changed (id, "before → after"), and those that could not be brought up to date.
        public var subscriptionChanges: [(id: String, change: String)] = []
        public var subscriptionFailures: [(id: String, problem: String)] = []
    }

    /// Checks every paid, cancelled or issued payment started since `since`, and every order the ledger says
    /// still waits for a deposit or is owed a refund or revoke, judging each as the verify function would.
    /// Listing Iamport's payments failing stops the run; one payment failing does not.
    public func run(since: Int, until: Int = Int(Date().timeIntervalSince1970) + 60) throws(ServiceError) -> Report {
        var candidates: [String: ProviderPayment] = [:]
        let listed: [ProviderPayment]
        do {
            listed = try service.client.recentPayments(from: since, until: until)
        } catch {
            throw service.serviceError(error)
        }
        // The shop's payments by today's names, and those the ledger took on under earlier ones (SPEC §9).
        for payment in listed where try service.owns(payment, ledger: ledger) {
            candidates[payment.impUID] = payment
        }
        let owing: [LedgerOrder]
        do { owing = try ledger.ordersToRecheck() } catch { throw .ledgerUnavailable(error.message) }
        var impUIDs = Set(candidates.keys)
        for order in owing { impUIDs.insert(order.impUID) }

        var report = Report()
        for impUID in impUIDs.sorted() {
            service.client.renewTimeBudget()
            do throws(ServiceError) {
                try check(impUID, listed: candidates[impUID], report: &report)
            } catch {
                report.failures.append(Failure(impUID: impUID, problem: Self.describe(error)))
            }
        }
        // Then subscriptions: charges whose webhook was lost, charges not scheduled, keys not deleted.
        var changes: [(id: String, change: String)] = []
        var failures: [(id: String, problem: String)] = []
        try service.reconcileSubscriptions(now: until - 60, changed: { changes.append(($0, $1)) },
                                           failed: { failures.append(($0, $1)) })
        report.subscriptionChanges = changes
        report.subscriptionFailures = failures
        return report
    }

    private func check(_ impUID: String, listed: ProviderPayment?, report: inout Report) throws(ServiceError) {
        let before: LedgerOrder?
        do { before = try ledger.order(impUID) } catch { throw .ledgerUnavailable(error.message) }
        // A cancelled payment the ledger never heard of is no order to ship: leave it.
        if before == nil, let listed, listed.status == "cancelled", !listed.holdsMoney { return }
        let inFlight: Bool
        do { inFlight = try ledger.openRefund(impUID) != nil } catch { throw .ledgerUnavailable(error.message) }
        if let before, let listed, !inFlight, Self.settled(before, as: listed) { return }
        report.checked += 1
        _ = try service.recheck(impUID: impUID, channel: .reconcile)
        let after: LedgerOrder?
        do { after = try ledger.order(impUID) } catch { throw .ledgerUnavailable(error.message) }
        guard let after, Self.summary(after) != before.map(Self.summary) else { return }
        report.changes.append(Change(impUID: impUID, merchantUID: after.merchantUID, before: before.map(Self.summary),
                                     after: Self.summary(after), amount: after.amount))
    }

    /// Whether the ledger already has all that Iamport's listing says, with nothing owed.
    static func settled(_ order: LedgerOrder, as payment: ProviderPayment) -> Bool {
        guard order.refundState != .pending, order.refundState != .manual, order.revokeState != .pending else { return false }
        switch (payment.status, order.status) {
        case ("paid", "paid"): return order.cancelledAmount == payment.cancelAmount
        case ("cancelled", "cancelled"), ("cancelled", "rejected"), ("cancelled", "expired"): return true
        default: return false
        }
    }

    /// How an order reads in the report: its status, and what is owed or was cancelled.
    static func summary(_ order: LedgerOrder) -> String {
        var text = order.status
        if order.cancelledAmount > 0 && order.status == "paid" { text += ", \(order.cancelledAmount) cancelled" }
        switch order.refundState {
        case .done?: text += ", refunded"
        case .pending?: text += ", refund pending"
        case .manual?: text += ", manual refund needed"
        case nil: break
        }
        if order.revokeState == .pending { text += ", revoke pending" }
        return text
    }

    static func describe(_ error: ServiceError) -> String {
        switch error {
        case .unknownPayment: return "Iamport knows no such payment"
        case let .providerUnavailable(detail): return "Iamport failed: \(detail)"
        case let .ledgerUnavailable(detail): return "the ledger failed: \(detail)"
        case let .configuration(detail): return detail
        default: return "\(error)"
        }
    }
}
