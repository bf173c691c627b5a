import CCrypto
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Standard Webhooks signatures, as PortOne V2 signs its webhooks (and `portone_server_sdk.webhook.verify`
/// checks them): `webhook-signature` holds space-separated `v1,<base64 HMAC-SHA256>` entries over
/// `"{webhook-id}.{webhook-timestamp}.{raw body}"`, keyed with the base64-decoded secret (`whsec_` stripped), and
/// `webhook-timestamp` (Unix seconds) must be within five minutes of now.
public enum StandardWebhook {
    /// Why a webhook is refused. Nothing about the request is trusted before `verify` returns.
    public enum Failure: Error, Sendable, Equatable, CustomStringConvertible {
        case missingHeaders
        case badTimestamp
        case timestampTooOld
        case timestampTooNew
        case noMatchingSignature

        public var description: String {
            switch self {
            case .missingHeaders: return "webhook-id, webhook-timestamp or webhook-signature is missing"
            case .badTimestamp: return "webhook-timestamp is not Unix seconds"
            case .timestampTooOld: return "webhook-timestamp is more than 5 minutes old"
            case .timestampTooNew: return "webhook-timestamp is more than 5 minutes in the future"
            case .noMatchingSignature: return "no v1 signature matches"
            }
        }
    }

    /// Seconds a webhook's timestamp may be away from now, either way.
    public static let tolerance = 5 * 60

    /// The HMAC key of a secret as the PortOne console shows it (`whsec_` + base64); nil when it is not base64.
    public static func key(secret: String) -> [UInt8]? {
        let encoded = secret.hasPrefix("whsec_") ? String(secret.dropFirst(6)) : secret
        guard !encoded.isEmpty, let data = Data(base64Encoded: encoded) else { return nil }
        return Array(data)
    }

    /// `v1,<base64 signature>` of one message.
    public static func sign(id: String, timestamp: String, body: [UInt8], key: [UInt8]) -> String {
        "v1," + Data(mac(id: id, timestamp: timestamp, body: body, key: key)).base64EncodedString()
    }

    /// Passes when the headers are present, the timestamp is within `tolerance` of `now`, and any `v1` entry of
    /// `signatures` is the message's HMAC (compared in constant time).
    public static func verify(id: String?, timestamp: String?, signatures: String?, body: [UInt8], key: [UInt8],
                              now: Int) throws(Failure) {
        guard let id, let timestamp, let signatures, !id.isEmpty, !timestamp.isEmpty, !signatures.isEmpty else {
            throw .missingHeaders
        }
        guard timestamp.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
              let seconds = Int(timestamp) else { throw .badTimestamp }
        if seconds < now - tolerance { throw .timestampTooOld }
        if seconds > now + tolerance { throw .timestampTooNew }
        let expected = mac(id: id, timestamp: timestamp, body: body, key: key)
        var matched = false
        for entry in signatures.split(separator: " ") {
            let parts = entry.split(separator: ",", maxSplits: 1)
            guard parts.count == 2, parts[0] == "v1", let given = Data(base64Encoded: String(parts[1])) else { continue }
            if equalInConstantTime(Array(given), expected) { matched = true }
        }
        guard matched else { throw .noMatchingSignature }
    }

    static func mac(id: String, timestamp: String, body: [UInt8], key: [UInt8]) -> [UInt8] {
        let message = Array("\(id).\(timestamp).".utf8) + body
        var digest = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        let ok = key.withUnsafeBufferPointer { keyBytes in
            message.withUnsafeBufferPointer { messageBytes in
                HMAC(EVP_sha256(), keyBytes.baseAddress, Int32(keyBytes.count), messageBytes.baseAddress,
                     messageBytes.count, &digest, &length)
            }
        }
        precondition(ok != nil, "HMAC-SHA256 failed in libcrypto")
        return Array(digest.prefix(Int(length)))
    }

    /// `CRYPTO_memcmp`: how long it takes says nothing about where the first difference is.
    static func equalInConstantTime(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count, !a.isEmpty else { return false }
        return a.withUnsafeBytes { x in b.withUnsafeBytes { y in CRYPTO_memcmp(x.baseAddress, y.baseAddress, a.count) } } == 0
    }
}
