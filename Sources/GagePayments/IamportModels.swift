#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Iamport's envelope: `{"code": 0, "message": null, "response": …}`; `code != 0` is an error.
struct Envelope<Response: Decodable>: Decodable {
    var code: Int
    var message: String?
    var response: Response?
}

/// A payment as the decision reads it, whichever provider holds it. It decodes from Iamport's payment object
/// (`PaymentAnnotation`) and speaks V1's vocabulary (`ready`/`paid`/`cancelled`/`failed`, `card`/`vbank`);
/// `PortOnePayment` (PortOneModels.swift) reads a V2 payment into it. Buyer fields are kept only so the ledger
/// can record them; they never reach a reply or a log line.
public struct ProviderPayment: Codable, Sendable, Equatable {
    public var impUID: String
    public var merchantUID: String
    public var payMethod: String?
    public var name: String?
    public var amount: Int
    public var cancelAmount: Int
    public var currency: String
    public var status: String
    public var customData: String?
    public var vbankName: String?
    public var vbankNum: String?
    public var vbankHolder: String?
    public var vbankDate: Int?
    public var cancelReason: String?
    /// The PG, its merchant id (MID) and an easy-pay brand used inside its window.
    public var pgProvider: String?
    public var pgID: String?
    public var embPGProvider: String?
    /// Unix seconds; 0 when it has not happened.
    public var startedAt: Int = 0
    public var paidAt: Int = 0
    public var vbankIssuedAt: Int = 0
    public var buyerName: String?
    public var buyerEmail: String?
    public var buyerTel: String?
    public var buyerAddr: String?
    public var buyerPostcode: String?
    /// The tax-free (면세) part of `amount` as the provider records it: V2's `amount.taxFree`. nil where the provider
    /// does not report it (V1's payment object has no such field).
    public var taxFree: Int?
    /// The tax-free part of what the provider has cancelled so far: V2's `amount.cancelledTaxFree`; nil on V1.
    public var cancelledTaxFree: Int?
    /// Paid through the PG's escrow (구매안전서비스): the delivery must be registered with Iamport.
    public var escrow = false
    /// For a charge with a billing key: the key's alias (a subscription's charge must carry its own).
    public var customerUID: String?
    /// Why a failed payment failed (a declined card: the card company's reason).
    public var failReason: String?
    /// V2: the status as PortOne spelled it (`PARTIAL_CANCELLED`), for the ledger's history; nil for V1.
    public var reportedStatus: String?
    /// V2: the store and the channel the payment went through.
    public var storeID: String?
    public var channelKey: String?
    /// The cancels the provider made of this payment, oldest first (V1 `cancel_history`, V2 `cancellations`).
    public var cancellations: [ProviderCancellation] = []

    enum CodingKeys: String, CodingKey {
        case impUID = "imp_uid", merchantUID = "merchant_uid", payMethod = "pay_method", name, amount
        case cancelAmount = "cancel_amount", currency, status, customData = "custom_data"
        case vbankName = "vbank_name", vbankNum = "vbank_num", vbankHolder = "vbank_holder", vbankDate = "vbank_date"
        case cancelReason = "cancel_reason", pgProvider = "pg_provider", pgID = "pg_id", embPGProvider = "emb_pg_provider"
        case startedAt = "started_at", paidAt = "paid_at", vbankIssuedAt = "vbank_issued_at"
        case buyerName = "buyer_name", buyerEmail = "buyer_email", buyerTel = "buyer_tel", buyerAddr = "buyer_addr"
        case buyerPostcode = "buyer_postcode", escrow, customerUID = "customer_uid"
        case failReason = "fail_reason"
    }

    public init(impUID: String, merchantUID: String, payMethod: String? = "card", name: String? = nil, amount: Int,
                cancelAmount: Int = 0, currency: String = "KRW", status: String, customData: String? = nil,
                pgProvider: String? = "html5_inicis", pgID: String? = nil) {
        self.impUID = impUID
        self.merchantUID = merchantUID
        self.payMethod = payMethod
        self.name = name
        self.amount = amount
        self.cancelAmount = cancelAmount
        self.currency = currency
        self.status = status
        self.customData = customData
        self.pgProvider = pgProvider
        self.pgID = pgID
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        impUID = try container.decode(String.self, forKey: .impUID)
        merchantUID = try container.decode(String.self, forKey: .merchantUID)
        payMethod = try? container.decodeIfPresent(String.self, forKey: .payMethod)
        name = try? container.decodeIfPresent(String.self, forKey: .name)
        amount = try Self.wholeNumber(container, .amount)
        cancelAmount = (try? Self.wholeNumber(container, .cancelAmount)) ?? 0
        currency = (try? container.decodeIfPresent(String.self, forKey: .currency)) ?? "KRW"
        status = try container.decode(String.self, forKey: .status)
        // custom_data is a JSON string on the REST API; tolerate an object too.
        if let text = try? container.decodeIfPresent(String.self, forKey: .customData) {
            customData = text
        } else if let object = try? container.decodeIfPresent(JSONValue.self, forKey: .customData) {
            customData = object.jsonText
        }
        vbankName = try? container.decodeIfPresent(String.self, forKey: .vbankName)
        vbankNum = try? container.decodeIfPresent(String.self, forKey: .vbankNum)
        vbankHolder = try? container.decodeIfPresent(String.self, forKey: .vbankHolder)
        vbankDate = try? Self.wholeNumber(container, .vbankDate)
        cancelReason = try? container.decodeIfPresent(String.self, forKey: .cancelReason)
        pgProvider = try? container.decodeIfPresent(String.self, forKey: .pgProvider)
        pgID = try? container.decodeIfPresent(String.self, forKey: .pgID)
        embPGProvider = try? container.decodeIfPresent(String.self, forKey: .embPGProvider)
        startedAt = (try? Self.wholeNumber(container, .startedAt)) ?? 0
        paidAt = (try? Self.wholeNumber(container, .paidAt)) ?? 0
        vbankIssuedAt = (try? Self.wholeNumber(container, .vbankIssuedAt)) ?? 0
        buyerName = try? container.decodeIfPresent(String.self, forKey: .buyerName)
        buyerEmail = try? container.decodeIfPresent(String.self, forKey: .buyerEmail)
        buyerTel = try? container.decodeIfPresent(String.self, forKey: .buyerTel)
        escrow = ((try? container.decodeIfPresent(Bool.self, forKey: .escrow)) ?? nil) ?? false
        buyerAddr = try? container.decodeIfPresent(String.self, forKey: .buyerAddr)
        buyerPostcode = try? container.decodeIfPresent(String.self, forKey: .buyerPostcode)
        customerUID = try? container.decodeIfPresent(String.self, forKey: .customerUID)
        failReason = try? container.decodeIfPresent(String.self, forKey: .failReason)
        let history = try decoder.container(keyedBy: Key.self)
        cancellations = ((try? history.decodeIfPresent([IamportCancellation].self, forKey: Key(stringValue: "cancel_history")!)) ?? nil)?
            .map { ProviderCancellation(id: $0.cancellationID ?? $0.pgTID, amount: $0.amount, reason: $0.reason) } ?? []
    }

    /// Amounts are JSON numbers; KRW has no fractions, so `1000.0` is 1000 and `1000.5` is malformed.
    private static func wholeNumber(_ container: KeyedDecodingContainer<CodingKeys>, _ key: CodingKeys) throws -> Int {
        if let value = try? container.decode(Int.self, forKey: key) { return value }
        let value = try container.decode(Double.self, forKey: key)
        guard value == value.rounded(), abs(value) < 1e15 else {
            throw DecodingError.dataCorruptedError(forKey: key, in: container, debugDescription: "not a whole amount")
        }
        return Int(value)
    }

    /// The status in the provider's own words, as the ledger's history keeps it.
    public var statusAsReported: String { reportedStatus ?? status }

    /// What is left to refund.
    public var refundableAmount: Int { max(0, amount - cancelAmount) }

    /// The tax-free part of what is left to refund, by the provider's own figures; nil where it reports none (V1).
    public var refundableTaxFree: Int? {
        guard let taxFree else { return nil }
        return min(refundableAmount, max(0, taxFree - (cancelledTaxFree ?? 0)))
    }

    /// Money the provider holds for the shop: paid, or paid and then cancelled only in part (a partial cancel
    /// reads `cancelled` on Iamport, with something left). A revoked virtual account reads `cancelled` too, but
    /// was never paid.
    public var holdsMoney: Bool {
        status == "paid" || (status == "cancelled" && paidAt > 0 && cancelAmount > 0 && refundableAmount > 0)
    }

    /// An issued virtual account waiting for its deposit.
    public var isIssuedVirtualAccount: Bool {
        status == "ready" && payMethod == "vbank" && !(vbankNum ?? "").isEmpty
    }
}

struct TokenGrant: Decodable {
    var accessToken: String
    var now: Int
    var expiredAt: Int

    enum CodingKeys: String, CodingKey {
        case accessToken = "access_token", now, expiredAt = "expired_at"
    }
}

/// Any JSON value: for `custom_data` sent as an object, and for request bodies of unknown shape.
public enum JSONValue: Codable, Sendable, Equatable {
    case string(String), number(Double), bool(Bool), object([String: JSONValue]), array([JSONValue]), null

    public init(from decoder: any Decoder) throws {
        // The commonest kinds first: each kind that does not match costs a thrown DecodingError.
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .null }
        else if let value = try? container.decode(String.self) { self = .string(value) }
        else if let value = try? container.decode(Double.self) { self = .number(value) }
        else if let value = try? container.decode(Bool.self) { self = .bool(value) }
        else if let value = try? container.decode([String: JSONValue].self) { self = .object(value) }
        else { self = .array(try container.decode([JSONValue].self)) }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case let .string(value): try container.encode(value)
        case let .number(value): try container.encode(value)
        case let .bool(value): try container.encode(value)
        case let .object(value): try container.encode(value)
        case let .array(value): try container.encode(value)
        case .null: try container.encodeNil()
        }
    }

    var jsonText: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return (try? encoder.encode(self)).map { String(decoding: $0, as: UTF8.self) } ?? "null"
    }

    public var stringValue: String? {
        switch self {
        case let .string(value): return value
        case let .number(value) where value == value.rounded() && abs(value) < 1e15: return String(Int(value))
        default: return nil
        }
    }
}

/// The body of `POST /escrows/logis/{imp_uid}`: who sent the parcel, who receives it, and the parcel.
public struct EscrowDelivery: Encodable, Sendable, Equatable {
    public struct Person: Encodable, Sendable, Equatable {
        public var name: String
        public var tel: String
        public var addr: String
        public var postcode: String

        public init(name: String, tel: String, addr: String, postcode: String) {
            self.name = name
            self.tel = tel
            self.addr = addr
            self.postcode = postcode
        }
    }

    public struct Logis: Encodable, Sendable, Equatable {
        /// Iamport's carrier code (`CJGLS`, `HANJIN`, …).
        public var company: String
        public var invoice: String
        /// Unix seconds.
        public var sentAt: Int

        enum CodingKeys: String, CodingKey { case company, invoice, sentAt = "sent_at" }

        public init(company: String, invoice: String, sentAt: Int) {
            self.company = company
            self.invoice = invoice
            self.sentAt = sentAt
        }
    }

    public var sender: Person
    public var receiver: Person
    public var logis: Logis

    public init(sender: Person, receiver: Person, logis: Logis) {
        self.sender = sender
        self.receiver = receiver
        self.logis = logis
    }
}

/// Iamport's answer to a delivery registration (`EscrowLogisAnnotation`).
public struct EscrowLogis: Decodable, Sendable, Equatable {
    public var company: String?
    public var invoice: String?
    public var sentAt: Int?

    enum CodingKeys: String, CodingKey { case company, invoice, sentAt = "sent_at" }
}

/// A billing key as Iamport describes it (`CustomerAnnotation`): which PG (and MID) issued it. The card and the
/// customer's details are not read.
public struct IamportCustomer: Decodable, Sendable, Equatable {
    public var customerUID: String
    public var pgProvider: String?
    public var pgID: String?

    enum CodingKeys: String, CodingKey { case customerUID = "customer_uid", pgProvider = "pg_provider", pgID = "pg_id" }
}

/// A scheduled charge as Iamport reports it (`ScheduleResultAnnotation`): `imp_uid` is null until it ran.
public struct IamportSchedule: Decodable, Sendable, Equatable {
    public var customerUID: String?
    public var merchantUID: String
    public var impUID: String?
    public var scheduleAt: Int?
    public var scheduleStatus: String?
    public var paymentStatus: String?

    enum CodingKeys: String, CodingKey {
        case customerUID = "customer_uid", merchantUID = "merchant_uid", impUID = "imp_uid", scheduleAt = "schedule_at"
        case scheduleStatus = "schedule_status", paymentStatus = "payment_status"
    }
}

/// One charge to schedule (`ScheduleAnnotation`) or make now with a billing key.
public struct BillingCharge: Encodable, Sendable, Equatable {
    public var merchantUID: String
    public var amount: Int
    public var name: String?
    public var currency: String
    /// Unix seconds; only for a schedule.
    public var scheduleAt: Int?
    public var customData: String
    public var buyerName: String?
    public var buyerEmail: String?
    public var buyerTel: String?
    public var buyerAddr: String?
    public var buyerPostcode: String?
    /// The tax-free (면세) part of `amount` (V1 `tax_free`, V2 `amount.taxFree`); 0 is not sent.
    public var taxFree: Int = 0

    enum CodingKeys: String, CodingKey {
        case merchantUID = "merchant_uid", amount, name, currency, scheduleAt = "schedule_at", customData = "custom_data"
        case buyerName = "buyer_name", buyerEmail = "buyer_email", buyerTel = "buyer_tel", buyerAddr = "buyer_addr"
        case buyerPostcode = "buyer_postcode", taxFree = "tax_free"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(merchantUID, forKey: .merchantUID)
        try container.encode(amount, forKey: .amount)
        try container.encodeIfPresent(name, forKey: .name)
        try container.encode(currency, forKey: .currency)
        try container.encodeIfPresent(scheduleAt, forKey: .scheduleAt)
        try container.encode(customData, forKey: .customData)
        try container.encodeIfPresent(buyerName, forKey: .buyerName)
        try container.encodeIfPresent(buyerEmail, forKey: .buyerEmail)
        try container.encodeIfPresent(buyerTel, forKey: .buyerTel)
        try container.encodeIfPresent(buyerAddr, forKey: .buyerAddr)
        try container.encodeIfPresent(buyerPostcode, forKey: .buyerPostcode)
        if taxFree > 0 { try container.encode(taxFree, forKey: .taxFree) }
    }
}

/// One cancel the provider made of a payment: its id (V1 `cancellation_id`, else the PG's id; V2 `id`) and amount.
public struct ProviderCancellation: Codable, Sendable, Equatable {
    public var id: String?
    public var amount: Int
    public var reason: String?

    public init(id: String?, amount: Int, reason: String? = nil) {
        self.id = id
        self.amount = amount
        self.reason = reason
    }
}

/// An entry of V1's `cancel_history`.
struct IamportCancellation: Decodable {
    var pgTID: String?
    var amount: Int
    var cancellationID: String?
    var reason: String?
    enum CodingKeys: String, CodingKey { case pgTID = "pg_tid", amount, cancellationID = "cancellation_id", reason }
}
