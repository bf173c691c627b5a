import GageCore
import GageLedger
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// `gage orders reconcile`: asks Iamport for the shop's payments and brings the ledger up to date, so a paid
/// order is not lost when the buyer closed the browser and the webhook never came.
public struct Reconciler {
    let service: VerifyService
    let ledger: Ledger

    public init(configuration: Configuration, catalog: Catalog, log: Log) throws(ServiceError) {
        guard let path = configuration.ledgerPath else {
            throw .configuration("GAGE_LEDGER (or --ledger) names no ledger")
        }
        service = VerifyFunction.makeService(configuration: configuration, catalog: catalog, log: log)
        do { ledger = try Ledger(path: path) } catch { throw .ledgerUnavailable(error.message) }
    }

    public struct Change: Sendable, Equatable {
        public var impUID: String
        public var merchantUID: String
        public var before: String?
        public var after: String
        public var amount: Int
    }

    public struct Report: Sendable {
        public var checked = 0
        public var changes: [Change] = []
    }

    /// Checks every paid payment and issued virtual account started since `since`, and every order still
    /// awaiting a deposit, judging each as the verify function would.
    public func run(since: Int, until: Int = Int(Date().timeIntervalSince1970) + 60) throws(ServiceError) -> Report {
        var candidates: [String: IamportPayment] = [:]
        for status in ["paid", "ready", "cancelled"] {
            var page = 1
            while true {
                let listing: IamportClient.PaymentPage
                do {
                    listing = try service.client.payments(status: status, from: since, to: until, page: page)
                } catch {
                    throw VerifyService.serviceError(error)
                }
                for payment in listing.list where payment.merchantUID.hasPrefix(service.catalog.orderPrefix) {
                    // A ready payment matters only as an issued virtual account.
                    if status == "ready" && payment.payMethod != "vbank" { continue }
                    candidates[payment.impUID] = payment
                }
                guard listing.next > page else { break }
                page = listing.next
            }
        }
        let waiting: [LedgerOrder]
        do { waiting = try ledger.orders(status: "awaiting_deposit") } catch { throw .ledgerUnavailable(error.message) }
        var impUIDs = Set(candidates.keys)
        for order in waiting { impUIDs.insert(order.impUID) }

        var report = Report()
        for impUID in impUIDs.sorted() {
            let before: LedgerOrder?
            do { before = try ledger.order(impUID) } catch { throw .ledgerUnavailable(error.message) }
            // A cancelled payment the ledger never heard of is no order to ship: leave it.
            if before == nil, candidates[impUID]?.status == "cancelled" { continue }
            // Already recorded as Iamport has it: nothing to re-judge (waiting deposits are always re-checked).
            if let before, let payment = candidates[impUID], before.status != "awaiting_deposit",
               Self.agree(iamport: payment.status, ledger: before.status) { continue }
            report.checked += 1
            let reply = try service.verify(PaymentReference(impUID: impUID, merchantUID: nil), channel: .reconcile)
            guard let after = reply.status, after != before?.status || (reply.refunded == true && before?.refunded != true)
            else { continue }
            report.changes.append(Change(impUID: impUID, merchantUID: reply.merchantUID ?? "", before: before?.status,
                                         after: reply.refunded == true ? "rejected, refunded" : after,
                                         amount: reply.amount ?? 0))
        }
        return report
    }

    /// Whether the ledger's status already reflects Iamport's.
    static func agree(iamport: String, ledger: String) -> Bool {
        switch iamport {
        case "paid": return ledger == "paid"
        case "cancelled": return ledger == "cancelled" || ledger == "rejected"
        default: return false
        }
    }
}
