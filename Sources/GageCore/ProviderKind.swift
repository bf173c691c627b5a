/// PortOne V1 (Iamport) or PortOne V2.
public enum ProviderKind: String, Sendable, Codable {
    case iamport, portone

    /// As messages name it.
    public var displayName: String { self == .iamport ? "Iamport" : "PortOne" }

    /// What the shop's pages and the reply call a payment's id.
    public var idName: String { self == .iamport ? "imp_uid" : "payment_id" }
}

/// PortOne V2's pay methods (`payMethod` in `PortOne.requestPayment`, `pay_methods` in a `portone:` block) and the
/// V1 names the decision speaks (a V2 payment's method is read into these).
public enum PortOnePayMethod {
    public static let all = ["CARD", "TRANSFER", "VIRTUAL_ACCOUNT", "MOBILE", "EASY_PAY"]
    static let v1Names = ["CARD": "card", "TRANSFER": "trans", "VIRTUAL_ACCOUNT": "vbank", "MOBILE": "phone",
                          "EASY_PAY": "easy_pay", "GIFT_CERTIFICATE": "gift_certificate",
                          "CONVENIENCE_STORE": "convenience_store"]

    /// `VIRTUAL_ACCOUNT` → `vbank`.
    public static func v1Name(_ method: String) -> String? { v1Names[method] }

    /// `vbank` → `VIRTUAL_ACCOUNT`.
    public static func v2Name(_ method: String) -> String? { v1Names.first { $0.value == method }?.key }
}
