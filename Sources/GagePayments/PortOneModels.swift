import GageCore
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The fields of PortOne V2's payment object (`GET /payments/{paymentId}`, the `Payment` schema of the V2 OpenAPI)
/// that the decision reads. Unknown fields and statuses are tolerated: PortOne adds to both.
struct PortOnePayment: Decodable {
    struct Method: Decodable {
        var type: String
        /// Virtual account.
        var bank: String?
        var accountNumber: String?
        var remitteeName: String?
        var expiredAt: String?
        var issuedAt: String?
        /// Easy pay: `KAKAOPAY`, `NAVERPAY`, `TOSSPAY`, …
        var provider: String?
    }

    struct Channel: Decodable {
        var key: String?
        var pgProvider: String?
        var pgMerchantId: String?
    }

    struct Amount: Decodable {
        var total: Int
        var cancelled: Int?
        var taxFree: Int?
        var cancelledTaxFree: Int?
    }

    struct Customer: Decodable {
        struct Address: Decodable { var oneLine: String? }
        /// V2 writes the name as a string; the browser SDK's request takes `fullName`.
        var name: String?
        var email: String?
        var phoneNumber: String?
        var address: Address?
        var zipcode: String?
    }

    struct Cancellation: Decodable {
        var status: String?
        var reason: String?
        var id: String?
        var totalAmount: Int?
        var taxFreeAmount: Int?
    }

    struct Failure: Decodable {
        var reason: String?
        var pgMessage: String?
    }

    struct Escrow: Decodable { var status: String? }

    var status: String
    var id: String
    var transactionId: String?
    var storeId: String?
    var method: Method?
    var channel: Channel?
    var requestedAt: String?
    var orderName: String?
    var amount: Amount
    var currency: String?
    var customer: Customer?
    var customData: String?
    var paidAt: String?
    var cancellations: [Cancellation]?
    var failure: Failure?
    var escrow: Escrow?
    /// A charge made with a billing key (a subscription's).
    var billingKey: String?

    /// V2's method types, as the decision names pay methods (V1's words).
    static let methodNames = ["PaymentMethodCard": "card", "PaymentMethodTransfer": "trans",
                              "PaymentMethodVirtualAccount": "vbank", "PaymentMethodMobile": "phone",
                              "PaymentMethodEasyPay": "easy_pay", "PaymentMethodGiftCertificate": "gift_certificate",
                              "PaymentMethodConvenienceStore": "convenience_store"]

    /// V2's statuses in the decision's words. A partial cancel reads `cancelled` with money left, as on V1.
    static let statuses = ["READY": "ready", "PAY_PENDING": "ready", "VIRTUAL_ACCOUNT_ISSUED": "ready", "PAID": "paid",
                           "PARTIAL_CANCELLED": "cancelled", "CANCELLED": "cancelled", "FAILED": "failed"]

    /// The payment as the decision reads it. The ledger keeps a V2 order under its `paymentId`, which is also its
    /// order number.
    var record: ProviderPayment {
        var payment = ProviderPayment(impUID: id, merchantUID: id, payMethod: method.flatMap { Self.methodNames[$0.type] },
                                      name: orderName, amount: amount.total, cancelAmount: amount.cancelled ?? 0,
                                      currency: currency ?? "KRW", status: Self.statuses[status] ?? "ready",
                                      customData: customData, pgProvider: channel?.pgProvider, pgID: channel?.pgMerchantId)
        payment.reportedStatus = status
        payment.storeID = storeId
        payment.channelKey = channel?.key
        // The easy pay's brand, where V1 reports it as the brand used inside a PG window.
        if method?.type == "PaymentMethodEasyPay" { payment.embPGProvider = method?.provider }
        payment.startedAt = Self.seconds(requestedAt)
        payment.paidAt = Self.seconds(paidAt)
        if status == "VIRTUAL_ACCOUNT_ISSUED" || method?.type == "PaymentMethodVirtualAccount" {
            // The bank as people read it (신한은행); a code newer than the table is shown as it came.
            payment.vbankName = method?.bank.map { Bank.named($0)?.name ?? $0 }
            payment.vbankNum = method?.accountNumber
            payment.vbankHolder = method?.remitteeName
            payment.vbankDate = method?.expiredAt.map(Self.seconds)
            payment.vbankIssuedAt = Self.seconds(method?.issuedAt)
        }
        // Only an issued account waits for a deposit: READY and PAY_PENDING are windows still open.
        if status != "VIRTUAL_ACCOUNT_ISSUED" && payment.status == "ready" { payment.vbankNum = nil }
        payment.cancelReason = cancellations?.last { $0.status != "FAILED" }?.reason
        payment.cancellations = (cancellations ?? []).filter { $0.status == "SUCCEEDED" && ($0.totalAmount ?? 0) > 0 }
            .map { ProviderCancellation(id: $0.id, amount: $0.totalAmount ?? 0, reason: $0.reason) }
        payment.failReason = failure?.pgMessage ?? failure?.reason
        payment.escrow = escrow != nil
        payment.customerUID = billingKey
        payment.buyerName = customer?.name
        payment.buyerEmail = customer?.email
        payment.buyerTel = customer?.phoneNumber
        payment.buyerAddr = customer?.address?.oneLine
        payment.buyerPostcode = customer?.zipcode
        // Both are required by the schema; one left out is not guessed as 0 (that would refuse an honest 면세 order,
        // or ask a refund for tax-free money already given back): the check is skipped, the cancels are added up.
        payment.taxFree = amount.taxFree
        payment.cancelledTaxFree = amount.cancelledTaxFree ?? (cancellations ?? [])
            .filter { $0.status == "SUCCEEDED" }.reduce(0) { $0 + ($1.taxFreeAmount ?? 0) }
        return payment
    }

    /// RFC 3339 (`2024-04-25T10:00:00.000Z`, `…+09:00`) as Unix seconds; 0 when absent or unreadable.
    static func seconds(_ text: String?) -> Int {
        guard let text, !text.isEmpty else { return 0 }
        for style in [Date.ISO8601FormatStyle(includingFractionalSeconds: true), Date.ISO8601FormatStyle()] {
            if let date = try? style.parse(text) { return Int(date.timeIntervalSince1970) }
        }
        return 0
    }
}

/// V2's error body: `{"type": "PAYMENT_NOT_FOUND", "message": "…"}`; a PG's refusal adds its code and message.
struct PortOneErrorBody: Decodable {
    var type: String?
    var message: String?
    var pgCode: String?
    var pgMessage: String?
}

/// A billing key (`BillingKeyInfo`): status, store, the channel(s) and method(s) it was issued for. The card and the
/// customer are not decoded.
struct PortOneBillingKey: Decodable {
    struct Method: Decodable { var type: String }
    var status: String
    var billingKey: String
    var storeId: String?
    var channels: [PortOnePayment.Channel]?
    var methods: [Method]?

    static let methodNames = ["BillingKeyPaymentMethodCard": "card", "BillingKeyPaymentMethodEasyPay": "easy_pay",
                              "BillingKeyPaymentMethodMobile": "phone", "BillingKeyPaymentMethodTransfer": "trans",
                              "BillingKeyPaymentMethodPaypal": "paypal"]
}

/// An identity verification (`IdentityVerification`) as far as the decision reads it: never the name, phone,
/// gender, CI or DI (those fields are simply not declared, so they are never decoded).
struct PortOneIdentityVerification: Decodable {
    struct VerifiedCustomer: Decodable { var birthDate: String? }
    struct Channel: Decodable { var pgProvider: String? }
    var status: String
    var id: String
    var channel: Channel?
    var verifiedCustomer: VerifiedCustomer?
    var verifiedAt: String?
}

/// A V2 webhook body (version `2024-04-25`): what happened to which payment. Only its ids are used; the payment
/// itself is always fetched from the API.
public struct PortOneWebhook: Decodable, Sendable {
    public struct Data: Decodable, Sendable {
        public var storeId: String?
        public var paymentId: String?
        public var transactionId: String?
        public var totalAmount: Int?
    }

    public var type: String
    public var timestamp: String?
    public var data: Data?

    /// Transaction events Gage acts on by fetching the payment; every other type is acknowledged and ignored.
    public static let transactionTypes: Set<String> = [
        "Transaction.Ready", "Transaction.Paid", "Transaction.VirtualAccountIssued", "Transaction.PartialCancelled",
        "Transaction.Cancelled", "Transaction.Failed", "Transaction.PayPending", "Transaction.CancelPending",
    ]
}
