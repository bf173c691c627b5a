import GageCore
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// What the caller asks for. Every field is hostile until it has passed `PaymentReference.init`.
public enum Action: String, Sendable {
    case verify, webhook, prepare
    /// Whether an identity verification qualifies the buyer for adult-only products (SPEC §6).
    case identity
    /// A guest's order lookup by order number and phone (SPEC §8).
    case order
    /// A subscription checkout, and a buyer's view (or cancel) of their subscription (SPEC §5).
    case subscribe, subscription
    /// PortOne V2's confirm request, before it approves a payment (SPEC §7).
    case confirm
    /// What the cart's products have left now (SPEC §9).
    case stock
}

/// How a decision was reached: the page's callback (POST), the mobile redirect (GET), Iamport's webhook,
/// or `gage orders reconcile`. Recorded in the ledger's history.
public enum Channel: String, Sendable, Codable {
    case callback, redirect, webhook, reconcile
}

/// A request's fields, from a JSON object, a form body or a query string.
public struct RequestFields: Sendable {
    public var values: [String: JSONValue]

    public init(values: [String: JSONValue]) { self.values = values }

    public func string(_ name: String) -> String? { values[name]?.stringValue }

    /// `true`/`false` as JSON, or `true`/`1` and `false`/`0` from a form (which has only strings).
    public func bool(_ name: String) -> Bool? {
        switch values[name] {
        case let .bool(value)?: return value
        case let .string(text)?: return ["true", "1"].contains(text) ? true : ["false", "0"].contains(text) ? false : nil
        default: return nil
        }
    }

    /// `{"imp_uid": …}` as JSON, or `imp_uid=…&merchant_uid=…` as a form or query string.
    public static func parse(body: [UInt8], contentType: String?) throws(RequestProblem) -> RequestFields {
        // The media type without parameters: `application/json`, `application/merge-patch+json`, `text/json`;
        // `application/x-www-form-urlencoded`, `multipart/form-data`.
        let media = (contentType?.lowercased() ?? "").split(separator: ";").first?.trimmingWhitespace() ?? ""
        let trimmed = body.drop { $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }
        let isForm = media.hasSuffix("form-urlencoded") || media.hasSuffix("form-data")
        if media.hasSuffix("json") || (!isForm && trimmed.first == UInt8(ascii: "{")) {
            if let object = try? JSONDecoder().decode([String: JSONValue].self, from: Data(body)) {
                return RequestFields(values: object)
            }
            guard (try? JSONDecoder().decode(JSONValue.self, from: Data(body))) != nil else {
                throw .malformed("the body is not valid JSON")
            }
            throw .malformed("the body must be a JSON object")
        }
        guard let text = String(validating: body, as: UTF8.self) else { throw .malformed("the body is not UTF-8") }
        return RequestFields(values: FormDecoding.decode(text).mapValues(JSONValue.string))
    }
}

/// `application/x-www-form-urlencoded` (also query strings): `+` is a space, `%XX` a byte.
enum FormDecoding {
    static func decode(_ text: String) -> [String: String] {
        var result: [String: String] = [:]
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = percentDecode(parts[0]), !name.isEmpty else { continue }
            if result[name] == nil { result[name] = percentDecode(parts.count > 1 ? parts[1] : "") ?? "" }
        }
        return result
    }

    static func percentDecode(_ text: Substring) -> String? {
        var bytes: [UInt8] = []
        var iterator = Array(text.utf8).makeIterator()
        while let byte = iterator.next() {
            switch byte {
            case UInt8(ascii: "+"): bytes.append(0x20)
            case UInt8(ascii: "%"):
                guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else {
                    return nil
                }
                bytes.append(high << 4 | low)
            default: bytes.append(byte)
            }
        }
        return String(validating: bytes, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}

/// A payment to judge: an `imp_uid` safe to put into Iamport's URL, and the `merchant_uid` the caller says it
/// belongs to. Both are required: the merchant_uid is checked against Iamport's record, never trusted, and
/// someone who knows only an imp_uid cannot make the function look at a payment.
public struct PaymentReference: Sendable, Equatable {
    public var impUID: String
    public var merchantUID: String

    public init(fields: RequestFields) throws(RequestProblem) {
        guard let impUID = fields.string("imp_uid"), !impUID.isEmpty else { throw .malformed("imp_uid is required") }
        guard Self.isIMPUID(impUID) else { throw .malformed("imp_uid must be imp_ followed by digits") }
        guard let merchantUID = fields.string("merchant_uid"), !merchantUID.isEmpty else {
            throw .malformed("merchant_uid is required")
        }
        guard Self.isMerchantUID(merchantUID) else {
            throw .malformed("merchant_uid must be 1 to 40 of A-Z a-z 0-9 _ -")
        }
        self.impUID = impUID
        self.merchantUID = merchantUID
    }

    /// V1 takes `imp_uid` and `merchant_uid`; V2 a `payment_id` (the redirect's `paymentId`, or `payment_id` as
    /// an older page wrote it), which is both the payment's id and its order number.
    public init(fields: RequestFields, provider: ProviderKind) throws(RequestProblem) {
        guard provider == .portone else {
            try self.init(fields: fields)
            return
        }
        guard let id = fields.string("payment_id") ?? fields.string("paymentId"), !id.isEmpty else {
            throw .malformed("payment_id is required")
        }
        guard Self.isMerchantUID(id) else { throw .malformed("payment_id must be 1 to 40 of A-Z a-z 0-9 _ -") }
        self.init(impUID: id, merchantUID: id)
    }

    public init(impUID: String, merchantUID: String) {
        self.impUID = impUID
        self.merchantUID = merchantUID
    }

    static func isIMPUID(_ text: String) -> Bool {
        text.hasPrefix("imp_") && (5...36).contains(text.utf8.count)
            && text.utf8.dropFirst(4).allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
    }

    static func isMerchantUID(_ text: String) -> Bool {
        (1...40).contains(text.utf8.count) && text.utf8.allSatisfy(isIDByte)
    }

    /// The alphabet of order numbers and of the ids PortOne makes (`billing-key-…`): A-Z a-z 0-9 _ -.
    static func isIDByte(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
            || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
    }
}

/// Why a request is refused before anything is asked of Iamport.
public enum RequestProblem: Error, Sendable, Equatable {
    case malformed(String)
    case tooLarge
    case unknownAction(String)
    case methodNotAllowed(allowed: [String])
}
