import GageCore
import GageLedger
import Glibc
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Why no decision could be reached. Each maps to one HTTP status and one stdin-mode exit code.
public enum ServiceError: Error, Sendable, Equatable {
    case request(RequestProblem)
    /// Iamport knows no payment with this imp_uid.
    case unknownPayment
    /// The request's merchant_uid is not the payment's: nothing is judged, refunded or recorded.
    case merchantMismatch
    /// The order in a prepare request cannot be priced.
    case unpriceable(PricingError)
    case configuration(String)
    case iamportUnavailable(String)
    /// The ledger could not be opened or written: nothing is reported as paid.
    case ledgerUnavailable(String)
}

/// Judges payments and prepares orders: the work behind both front doors.
public struct VerifyService {
    let catalog: Catalog
    let client: IamportClient
    let log: Log
    /// Where judged orders are recorded (`GAGE_LEDGER`); nil keeps no ledger.
    let ledgerPath: String?

    public init(catalog: Catalog, client: IamportClient, log: Log, ledgerPath: String? = nil) {
        self.catalog = catalog
        self.client = client
        self.log = log
        self.ledgerPath = ledgerPath
    }

    /// Fetches the payment from Iamport, judges it against the catalog and refunds it if it must.
    public func verify(_ reference: PaymentReference, channel: Channel) throws(ServiceError) -> Reply {
        let payment = try fetch(reference.impUID)
        if let claimed = reference.merchantUID, claimed != payment.merchantUID {
            log.info("\(channel.rawValue) \(payment.impUID): merchant_uid \(claimed) is not the payment's; nothing changed")
            throw .merchantMismatch
        }
        let ledger = try openLedger()
        let judgement = try judgeAndRecord(payment, channel: channel, ledger: ledger)
        var refunded: Bool?
        if case let .rejected(reason, expected, true, _) = judgement {
            let outcome = try refund(payment, reason: reason, expected: expected)
            refunded = outcome
            if let ledger {
                let event = LedgerEvent(channel: "refund", iamportStatus: outcome ? "cancelled" : payment.status,
                                        decision: outcome ? "refunded" : "refund_refused", reason: reason,
                                        amount: payment.refundableAmount)
                do { try ledger.markRefunded(payment.impUID, refunded: outcome, event: event) } catch {
                    throw .ledgerUnavailable(error.message)
                }
            }
        }
        let reply = Reply(judgement: judgement, payment: payment, refunded: refunded)
        log.info("\(channel.rawValue) \(payment.impUID) \(payment.merchantUID): \(reply.status ?? "?")"
                 + (reply.reason.map { " (\($0)\(reply.refunded == true ? ", refunded" : ""))" } ?? ""))
        return reply
    }

    /// Judges the payment; with a ledger, inside one write transaction so stock counts other orders exactly
    /// (two buyers racing for the last unit are judged one after the other), and the decision is durable
    /// before any answer is given.
    func judgeAndRecord(_ payment: IamportPayment, channel: Channel, ledger: Ledger?) throws(ServiceError) -> Judgement {
        guard let ledger else { return Judgement.judge(payment, catalog: catalog) }
        do {
            return try ledger.transaction { () throws(LedgerError) -> Judgement in
                let sold = try ledger.unitsSold(excluding: payment.impUID)
                let judgement = Judgement.judge(payment, catalog: catalog, alreadySold: sold)
                if judgement != .ignored {
                    let reply = Reply(judgement: judgement, payment: payment)
                    try ledger.record(LedgerOrder(payment: payment, judgement: judgement, status: reply.status ?? "unpaid"),
                                      event: LedgerEvent(channel: channel.rawValue, iamportStatus: payment.status,
                                                         decision: reply.status ?? "unpaid", reason: reply.reason,
                                                         amount: payment.amount))
                }
                return judgement
            }
        } catch {
            log.error("ledger: \(error.message)")
            throw .ledgerUnavailable(error.message)
        }
    }

    func openLedger() throws(ServiceError) -> Ledger? {
        guard let ledgerPath else { return nil }
        do {
            return try Ledger(path: ledgerPath)
        } catch {
            log.error("ledger: \(error.message)")
            throw .ledgerUnavailable(error.message)
        }
    }

    /// Prices the order on the server and registers the amount with Iamport under a fresh merchant_uid.
    public func prepare(_ fields: RequestFields) throws(ServiceError) -> Reply {
        guard case let .array(values)? = fields.values["items"],
              let data = try? JSONEncoder().encode(values),
              let items = try? JSONDecoder().decode([OrderItem].self, from: data) else {
            throw .request(.malformed("items must be a list of {sku, quantity, options}"))
        }
        let order: PricedOrder
        do {
            order = try Pricing.price(items, in: catalog)
        } catch {
            throw .unpriceable(error)
        }
        let merchantUID = MerchantUID.make(prefix: catalog.orderPrefix)
        do {
            _ = try client.prepare(merchantUID: merchantUID, amount: order.total, currency: catalog.currency)
        } catch {
            throw Self.serviceError(error)
        }
        log.info("prepare \(merchantUID): \(order.total) \(catalog.currency)")
        return Reply(ok: true, merchantUID: merchantUID, amount: order.total, currency: catalog.currency,
                     name: OrderName.make(order.items))
    }

    private func fetch(_ impUID: String) throws(ServiceError) -> IamportPayment {
        do {
            return try client.payment(impUID: impUID)
        } catch {
            throw Self.serviceError(error)
        }
    }

    /// Refunds what is left of `payment`. "Already cancelled" (a racing callback and webhook) is success:
    /// after a refused cancel, Iamport's own record decides.
    private func refund(_ payment: IamportPayment, reason: String, expected: Int?) throws(ServiceError) -> Bool {
        guard payment.refundableAmount > 0 else { return true }
        var text = Judgement.refundReasonPrefix + reason
        if let expected { text += ": paid \(payment.amount), order costs \(expected)" }
        do {
            _ = try client.cancel(impUID: payment.impUID, checksum: payment.refundableAmount, reason: text)
            log.info("refunded \(payment.impUID): \(payment.refundableAmount) \(payment.currency) (\(reason))")
            return true
        } catch .refused(let code, let message) {
            let now = try fetch(payment.impUID)
            if now.status == "cancelled" && now.refundableAmount == 0 { return true }
            log.error("refund of \(payment.impUID) refused by Iamport (code \(code)): \(message)")
            return false
        } catch {
            throw Self.serviceError(error)
        }
    }

    static func serviceError(_ error: IamportError) -> ServiceError {
        switch error {
        case .notFound: return .unknownPayment
        case .unauthorized: return .configuration("Iamport refused IAMPORT_API_KEY/IAMPORT_API_SECRET")
        case let .refused(code, message): return .iamportUnavailable("Iamport refused the call (code \(code)): \(message)")
        case let .unavailable(detail): return .iamportUnavailable(detail)
        }
    }
}

/// Fresh merchant_uids: the prefix, the time, and random digits; at most 40 of [A-Za-z0-9_-].
enum MerchantUID {
    static func make(prefix: String) -> String {
        var random = SystemRandomNumberGenerator()
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789")
        let tail = String((0..<10).map { _ in alphabet[Int(random.next() % UInt64(alphabet.count))] })
        return String((prefix + String(Int(time(nil)) * 1000, radix: 36) + "-" + tail).prefix(40))
    }
}

/// "첫 상품 외 2건", as the checkout page names orders.
enum OrderName {
    static func make(_ items: [PricedItem]) -> String {
        guard let first = items.first?.title else { return "" }
        let title = first.count > 30 ? String(first.prefix(29)) + "…" : first
        return items.count > 1 ? "\(title) 외 \(items.count - 1)건" : title
    }
}

/// Log lines on stderr: decisions and failures, never secrets, tokens or buyer data.
public struct Log: Sendable {
    public var enabled: Bool

    public init(enabled: Bool = true) { self.enabled = enabled }

    public func info(_ message: String) { write("gage-verify: " + message) }
    public func error(_ message: String) { write("gage-verify: error: " + message) }

    private func write(_ line: String) {
        guard enabled else { return }
        var bytes = Array((line + "\n").utf8)
        _ = bytes.withUnsafeMutableBytes { Glibc.write(2, $0.baseAddress, $0.count) }
    }
}

extension LedgerOrder {
    /// The ledger's row for a judged payment: Iamport's record, the priced items, the buyer's details.
    init(payment: IamportPayment, judgement: Judgement, status: String) {
        var items: [PricedItem] = []
        var vbank: VirtualAccount?
        var reason: String?
        var refunded: Bool?
        switch judgement {
        case let .paid(order): items = order.items
        case let .awaitingDeposit(order, account):
            items = order.items
            vbank = account
        case let .rejected(why, _, _, alreadyRefunded):
            reason = why
            refunded = alreadyRefunded ? true : nil
        default: break
        }
        self.init(impUID: payment.impUID, merchantUID: payment.merchantUID, status: status, amount: payment.amount,
                  currency: payment.currency, name: payment.name, items: items, reason: reason, refunded: refunded,
                  buyer: .init(name: payment.buyerName, tel: payment.buyerTel, email: payment.buyerEmail,
                               addr: payment.buyerAddr, postcode: payment.buyerPostcode),
                  vbank: vbank)
    }
}
