import GageCore
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// What a payment is, judged from Iamport's record and the catalog alone (SPEC §3, "The decision").
public enum Judgement: Sendable, Equatable {
    case paid(PricedOrder)
    case awaitingDeposit(PricedOrder, VirtualAccount)
    /// Not this shop's order (its merchant_uid lacks the shop's prefix).
    case ignored
    case unpaid
    case failed
    case cancelled
    /// `refund`: money moved and must go back. `refunded`: it already went back (an earlier decision of ours).
    case rejected(reason: String, expectedAmount: Int?, refund: Bool, alreadyRefunded: Bool)

    /// Prefix of the cancel reason Gage writes, so a later look at a refunded payment tells the same story.
    public static let refundReasonPrefix = "[gage] "

    /// The items of the order, as the page put them in `custom_data`.
    struct CustomData: Decodable {
        var items: [OrderItem]
    }

    public static func judge(_ payment: IamportPayment, catalog: Catalog, alreadySold: [String: Int] = [:]) -> Judgement {
        guard payment.merchantUID.hasPrefix(catalog.orderPrefix) else { return .ignored }
        switch payment.status {
        case "paid":
            return check(payment, catalog: catalog, alreadySold: alreadySold, moneyMoved: true) { .paid($0) }
        case "ready":
            guard payment.payMethod == "vbank", let number = payment.vbankNum, !number.isEmpty else { return .unpaid }
            let account = VirtualAccount(bank: payment.vbankName ?? "", number: number, holder: payment.vbankHolder,
                                         due: payment.vbankDate.flatMap { $0 > 0 ? $0 : nil })
            return check(payment, catalog: catalog, alreadySold: alreadySold, moneyMoved: false) {
                .awaitingDeposit($0, account)
            }
        case "failed":
            return .failed
        case "cancelled":
            if let reason = payment.cancelReason, reason.hasPrefix(refundReasonPrefix) {
                let code = reason.dropFirst(refundReasonPrefix.count).prefix { $0 != ":" && $0 != " " }
                return .rejected(reason: String(code), expectedAmount: nil, refund: false, alreadyRefunded: true)
            }
            return .cancelled
        default:
            return .unpaid
        }
    }

    private static func check(_ payment: IamportPayment, catalog: Catalog, alreadySold: [String: Int], moneyMoved: Bool,
                              accept: (PricedOrder) -> Judgement) -> Judgement {
        func reject(_ reason: String, expected: Int? = nil) -> Judgement {
            .rejected(reason: reason, expectedAmount: expected, refund: moneyMoved, alreadyRefunded: false)
        }
        guard payment.currency == catalog.currency else { return reject("currency_mismatch") }
        guard let text = payment.customData,
              let data = try? JSONDecoder().decode(CustomData.self, from: Data(text.utf8)) else {
            return reject("bad_custom_data")
        }
        let order: PricedOrder
        do {
            order = try Pricing.price(data.items, in: catalog, alreadySold: alreadySold)
        } catch {
            return reject(error.reason)
        }
        guard payment.amount == order.total else { return reject("amount_mismatch", expected: order.total) }
        return accept(order)
    }
}
