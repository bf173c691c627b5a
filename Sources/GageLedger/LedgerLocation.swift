#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Where the ledger lives, as `GAGE_LEDGER` or `--ledger` names it (SPEC §3): an SQLite file, or a PostgreSQL
/// database that several hosts share. Its description never shows a password.
public enum LedgerLocation: Sendable, Equatable, CustomStringConvertible {
    case sqlite(path: String)
    /// A libpq connection URI: `postgres://` or `postgresql://`, with libpq's own parameters (`sslmode`, …).
    case postgres(url: String)

    public init(_ text: String) throws(LedgerError) {
        let lowered = text.lowercased()
        if lowered.hasPrefix("postgres://") || lowered.hasPrefix("postgresql://") {
            self = .postgres(url: text)
        } else if text.isEmpty {
            throw LedgerError(message: "no ledger named: give an SQLite file path or a postgres:// URL")
        } else if let scheme = text.firstRange(of: "://"), text[..<scheme.lowerBound].allSatisfy(\.isLetter) {
            throw LedgerError(message: "the ledger must be an SQLite file path or a postgres:// URL, not "
                                       + "\(text[..<scheme.lowerBound])://…")
        } else {
            self = .sqlite(path: text)
        }
    }

    public var description: String {
        switch self {
        case let .sqlite(path): return path
        case let .postgres(url): return Self.redacting(url, in: url)
        }
    }

    /// `text` with every password `url` carries, as written or percent-decoded, replaced by `***`: for error
    /// messages from libpq, which can quote a part of a malformed URL (`invalid port number: "pa"` when a password
    /// holds an unencoded `/`). So a quoted token that is part of a password, or shares three characters in a row
    /// with one, is hidden too.
    public static func redacting(_ url: String, in text: String) -> String {
        var result = text
        var secrets: [String] = []
        for range in passwordRanges(in: url) {
            let secret = String(url[range])
            secrets += [secret, Self.percentDecoded(secret) ?? secret]
        }
        for form in Set(secrets).sorted(by: { $0.count > $1.count }) where !form.isEmpty {
            result = result.replacing(form, with: "***")
        }
        guard !secrets.isEmpty else { return result }
        var redacted = ""
        var rest = result[...]
        while let open = rest.firstIndex(of: "\""),
              let close = rest[rest.index(after: open)...].firstIndex(of: "\"") {
            let token = String(rest[rest.index(after: open)..<close])
            redacted += rest[...open]
            redacted += secrets.contains { Self.overlaps(token, $0) } ? "***" : token
            redacted += "\""
            rest = rest[rest.index(after: close)...]
        }
        return redacted + rest
    }

    /// Whether `token` gives away some of `secret`: it is a part of it, or shares three characters in a row.
    static func overlaps(_ token: String, _ secret: String) -> Bool {
        guard !token.isEmpty, token != "***" else { return false }
        if secret.contains(token) || token.contains(secret) { return true }
        let characters = Array(token)
        guard characters.count >= 3 else { return false }
        return (0...(characters.count - 3)).contains { secret.contains(String(characters[$0..<($0 + 3)])) }
    }

    /// Where passwords are written in a postgres URL: after `user:` in `scheme://user:password@host`, and in a
    /// `password=` query parameter. A password may hold an unencoded `@`, `/`, `?` or `%`: the userinfo ends at the
    /// last `@` before the first `?`, or, when a `?` comes before every `@` (one in the password), at the last `@`
    /// of all — hiding a little too much in a rare URL rather than a password.
    public static func passwordRanges(in url: String) -> [Range<String.Index>] {
        let lowered = url.lowercased()
        guard lowered.hasPrefix("postgres://") || lowered.hasPrefix("postgresql://"),
              let scheme = url.firstRange(of: "://") else { return [] }
        var ranges: [Range<String.Index>] = []
        let rest = url[scheme.upperBound...]
        let question = rest.firstIndex(of: "?") ?? url.endIndex
        let at = rest[..<question].lastIndex(of: "@") ?? rest.lastIndex(of: "@")
        if let at, let colon = url[scheme.upperBound..<at].firstIndex(of: ":"), url.index(after: colon) < at {
            ranges.append(url.index(after: colon)..<at)
        }
        let query = url[(at ?? scheme.upperBound)...].firstIndex(of: "?") ?? url.endIndex
        if query < url.endIndex {
            var start = url.index(after: query)
            while start < url.endIndex {
                let end = url[start...].firstIndex(of: "&") ?? url.endIndex
                let pair = url[start..<end]
                if pair.lowercased().hasPrefix("password="), pair.count > "password=".count {
                    ranges.append(url.index(start, offsetBy: "password=".count)..<end)
                }
                start = end < url.endIndex ? url.index(after: end) : end
            }
        }
        return ranges
    }

    /// `s3cr%40t` → `s3cr@t`, as libpq reads a URL's password; nil when an escape is malformed.
    static func percentDecoded(_ text: String) -> String? {
        var bytes: [UInt8] = []
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            guard byte == UInt8(ascii: "%") else {
                bytes.append(byte)
                continue
            }
            guard let high = iterator.next(), let low = iterator.next(),
                  let value = UInt8(String(decoding: [high, low], as: UTF8.self), radix: 16) else { return nil }
            bytes.append(value)
        }
        return String(validating: bytes, as: UTF8.self)
    }
}
