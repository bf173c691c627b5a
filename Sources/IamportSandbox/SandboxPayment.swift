import Foundation

/// A payment as the real API returns it (`PaymentAnnotation`): every documented field, nulls included.
public struct SandboxPayment: Codable, Sendable, Equatable {
    public var impUID: String
    public var merchantUID: String
    public var payMethod: String
    public var channel: String = "pc"
    public var pgProvider: String = "html5_inicis"
    public var pgTID: String
    /// The PG's merchant id (MID) the payment went through.
    public var pgID: String? = "INIpayTest"
    /// An easy pay chosen inside the PG's window (`kakaopay`, …); null for a payment through an easy pay's own
    /// channel, which reports it as `pg_provider`.
    public var embPGProvider: String?
    public var sandbox = true
    public var name: String?
    public var amount: Int
    public var cancelAmount = 0
    public var currency: String
    public var status: String
    public var customData: String?
    /// Paid through the PG's 구매안전서비스 (`escrow: true` in the request).
    public var escrow = false
    public var buyerName: String?
    public var buyerEmail: String?
    public var buyerTel: String?
    public var buyerAddr: String?
    public var buyerPostcode: String?
    public var vbankCode: String?
    public var vbankName: String?
    public var vbankNum: String?
    public var vbankHolder: String?
    public var vbankDate = 0
    public var vbankIssuedAt = 0
    public var startedAt: Int
    public var paidAt = 0
    public var failedAt = 0
    public var cancelledAt = 0
    public var failReason: String?
    public var cancelReason: String?
    public var cancelHistory: [Cancellation] = []
    public var receiptURL: String
    /// For a payment made with a billing key: the key's alias, and how it was used (`issue`, `payment`,
    /// `payment.scheduled`); null otherwise.
    public var customerUID: String?
    public var customerUIDUsage: String?

    public struct Cancellation: Codable, Sendable, Equatable {
        public var pgTID: String
    /// The PG's merchant id (MID) the payment went through.
    public var pgID: String? = "INIpayTest"
        public var amount: Int
        public var cancelledAt: Int
        public var reason: String
        public var cancellationID: String
        enum CodingKeys: String, CodingKey {
            case pgTID = "pg_tid", amount, cancelledAt = "cancelled_at", reason, cancellationID = "cancellation_id"
        }
    }

    enum CodingKeys: String, CodingKey {
        case impUID = "imp_uid", merchantUID = "merchant_uid", payMethod = "pay_method", channel
        case pgProvider = "pg_provider", pgTID = "pg_tid", pgID = "pg_id", sandbox, name, amount, cancelAmount = "cancel_amount"
        case embPGProvider = "emb_pg_provider"
        case currency, status, customData = "custom_data", escrow, buyerName = "buyer_name", buyerEmail = "buyer_email"
        case buyerTel = "buyer_tel", buyerAddr = "buyer_addr", buyerPostcode = "buyer_postcode"
        case vbankCode = "vbank_code", vbankName = "vbank_name", vbankNum = "vbank_num", vbankHolder = "vbank_holder"
        case vbankDate = "vbank_date", vbankIssuedAt = "vbank_issued_at", startedAt = "started_at", paidAt = "paid_at"
        case failedAt = "failed_at", cancelledAt = "cancelled_at", failReason = "fail_reason"
        case cancelReason = "cancel_reason", cancelHistory = "cancel_history", receiptURL = "receipt_url"
        case customerUID = "customer_uid", customerUIDUsage = "customer_uid_usage"
    }

    public func encode(to encoder: any Encoder) throws {
        // The real API sends null for absent values rather than leaving keys out.
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(impUID, forKey: .impUID); try c.encode(merchantUID, forKey: .merchantUID)
        try c.encode(payMethod, forKey: .payMethod); try c.encode(channel, forKey: .channel)
        try c.encode(pgProvider, forKey: .pgProvider); try c.encode(pgTID, forKey: .pgTID)
        try c.encode(pgID, forKey: .pgID); try c.encode(embPGProvider, forKey: .embPGProvider)
        try c.encode(sandbox, forKey: .sandbox); try c.encode(name, forKey: .name)
        try c.encode(amount, forKey: .amount); try c.encode(cancelAmount, forKey: .cancelAmount)
        try c.encode(currency, forKey: .currency); try c.encode(status, forKey: .status)
        try c.encode(customData, forKey: .customData); try c.encode(escrow, forKey: .escrow)
        try c.encode(buyerName, forKey: .buyerName)
        try c.encode(buyerEmail, forKey: .buyerEmail); try c.encode(buyerTel, forKey: .buyerTel)
        try c.encode(buyerAddr, forKey: .buyerAddr); try c.encode(buyerPostcode, forKey: .buyerPostcode)
        try c.encode(vbankCode, forKey: .vbankCode); try c.encode(vbankName, forKey: .vbankName)
        try c.encode(vbankNum, forKey: .vbankNum); try c.encode(vbankHolder, forKey: .vbankHolder)
        try c.encode(vbankDate, forKey: .vbankDate); try c.encode(vbankIssuedAt, forKey: .vbankIssuedAt)
        try c.encode(startedAt, forKey: .startedAt); try c.encode(paidAt, forKey: .paidAt)
        try c.encode(failedAt, forKey: .failedAt); try c.encode(cancelledAt, forKey: .cancelledAt)
        try c.encode(failReason, forKey: .failReason); try c.encode(cancelReason, forKey: .cancelReason)
        try c.encode(cancelHistory, forKey: .cancelHistory); try c.encode(receiptURL, forKey: .receiptURL)
        try c.encode(customerUID, forKey: .customerUID); try c.encode(customerUIDUsage, forKey: .customerUIDUsage)
    }
}

/// A stand-in identity verification result, in the shape of Iamport's `CertificationAnnotation`: the personal
/// fields are filled with obviously fake values so tests can prove none of them leaks.
public struct SandboxCertification: Codable, Sendable, Equatable {
    public var impUID: String
    public var merchantUID: String?
    public var pgTID: String
    public var pgProvider: String
    public var name: String
    public var gender: String
    public var birthday: String
    public var foreigner: Bool
    public var phone: String
    public var carrier: String
    public var certified: Bool
    public var certifiedAt: Int
    public var uniqueKey: String
    public var uniqueInSite: String
    public var origin: String?

    enum CodingKeys: String, CodingKey {
        case impUID = "imp_uid", merchantUID = "merchant_uid", pgTID = "pg_tid", pgProvider = "pg_provider"
        case name, gender, birthday, foreigner, phone, carrier, certified, certifiedAt = "certified_at"
        case uniqueKey = "unique_key", uniqueInSite = "unique_in_site", origin
    }
}
