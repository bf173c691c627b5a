import CCrypto

/// A subscription's manage token (SPEC §5): the buyer's only key to their 정기배송 on `/subscription`, so it is made
/// from 256 random bits and the ledger keeps only its SHA-256 (`sha256:<hex>`). Someone who reads a copy of the
/// ledger (a backup, a leaked file) therefore cannot open or cancel anyone's subscription through the shop, and a
/// token revoked by `gage subscriptions resend` is gone for good. No salt or slow hash is needed: a guess of a
/// 256-bit random value costs the same with or without one.
public enum ManageToken {
    /// What the ledger's digests start with; a value without it is a token from before digests (migrated on open).
    public static let digestPrefix = "sha256:"

    /// What a mail kept in the outbox holds where its manage link's token goes: the token itself travels beside
    /// the mail (`notifications.secret`) only until it is sent, and is put in at sending.
    public static let placeholder = "MANAGE-TOKEN-WITHHELD"

    /// 64 lower-case hex digits from the system's secure random source.
    public static func make() -> String {
        var random = SystemRandomNumberGenerator()
        return (0..<4).map { _ in
            let digits = String(random.next() as UInt64, radix: 16)
            return String(repeating: "0", count: 16 - digits.count) + digits
        }.joined()
    }

    public static func isWellFormed(_ text: String) -> Bool {
        text.utf8.count == 64 && text.utf8.allSatisfy {
            ($0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9")) || ($0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "f"))
        }
    }

    /// `sha256:` and the token's SHA-256 in lower-case hex: what the ledger keeps and looks tokens up by.
    public static func digest(_ token: String) -> String {
        let bytes = Array(token.utf8)
        var output = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        let ok = bytes.withUnsafeBufferPointer { buffer in
            EVP_Digest(buffer.baseAddress, buffer.count, &output, &length, EVP_sha256(), nil)
        }
        precondition(ok == 1 && length == 32, "SHA-256 failed in libcrypto")
        return digestPrefix + output.prefix(32).map { byte in
            let hex = String(byte, radix: 16)
            return hex.count == 1 ? "0" + hex : hex
        }.joined()
    }

    /// The manage page's address for a token, as the shop's pages link it: the token in the fragment, which
    /// browsers never send to a server, so no access log keeps it.
    public static func manageURL(baseURL: String, token: String) -> String {
        (baseURL.hasSuffix("/") ? baseURL : baseURL + "/") + "subscription/#" + token
    }
}
