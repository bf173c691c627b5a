import GageCore
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The function's JSON answer. Never carries buyer names, phone numbers, addresses or e-mails.
public struct Reply: Encodable, Sendable, Equatable {
    public var ok: Bool
    public var status: String?
    public var impUID: String?
    public var merchantUID: String?
    public var amount: Int?
    public var expectedAmount: Int?
    public var currency: String?
    public var name: String?
    public var items: [PricedItem]?
    public var reason: String?
    public var refunded: Bool?
    public var vbank: VirtualAccount?
    public var error: String?

    enum CodingKeys: String, CodingKey {
        case ok, status, impUID = "imp_uid", merchantUID = "merchant_uid", amount, expectedAmount = "expected_amount"
        case currency, name, items, reason, refunded, vbank, error
    }

    public static func failure(_ message: String) -> Reply {
        Reply(ok: false, error: message)
    }

    public init(ok: Bool, status: String? = nil, impUID: String? = nil, merchantUID: String? = nil, amount: Int? = nil,
                expectedAmount: Int? = nil, currency: String? = nil, name: String? = nil, items: [PricedItem]? = nil,
                reason: String? = nil, refunded: Bool? = nil, vbank: VirtualAccount? = nil, error: String? = nil) {
        self.ok = ok
        self.status = status
        self.impUID = impUID
        self.merchantUID = merchantUID
        self.amount = amount
        self.expectedAmount = expectedAmount
        self.currency = currency
        self.name = name
        self.items = items
        self.reason = reason
        self.refunded = refunded
        self.vbank = vbank
        self.error = error
    }

    /// The decision about `payment`, as the page and webhook see it.
    init(judgement: Judgement, payment: IamportPayment, refunded: Bool? = nil) {
        self.init(ok: true, impUID: payment.impUID, merchantUID: payment.merchantUID, amount: payment.amount,
                  currency: payment.currency, name: payment.name)
        switch judgement {
        case let .paid(order):
            status = "paid"
            items = order.items
        case let .awaitingDeposit(order, account):
            status = "awaiting_deposit"
            items = order.items
            vbank = account
        case .ignored: status = "ignored"
        case .unpaid: status = "unpaid"
        case .failed: status = "failed"
        case .cancelled: status = "cancelled"
        case let .rejected(reason, expected, _, alreadyRefunded):
            status = "rejected"
            self.reason = reason
            expectedAmount = expected
            self.refunded = alreadyRefunded ? true : (refunded ?? false)
        }
    }

    public var json: [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Array((try? encoder.encode(self)) ?? Data(#"{"ok":false,"error":"internal error"}"#.utf8))
    }
}
