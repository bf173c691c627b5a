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
    /// messages from libpq, which can quote a part of a malformed URL.
    public static func redacting(_ url: String, in text: String) -> String {
        var result = text
        for range in passwordRanges(in: url) {
            let secret = String(url[range])
            for form in Set([secret, Self.percentDecoded(secret) ?? secret]) where !form.isEmpty {
                result = result.replacing(form, with: "***")
            }
        }
        return result
    }

    /// Where passwords are written in a postgres URL: after `user:` in `scheme://user:password@host`, and in a
    /// `password=` query parameter. The userinfo ends at the last `@` before the query, so an unencoded `@` or
    /// `/` in a password is still found.
    public static func passwordRanges(in url: String) -> [Range<String.Index>] {
        let lowered = url.lowercased()
        guard lowered.hasPrefix("postgres://") || lowered.hasPrefix("postgresql://"),
              let scheme = url.firstRange(of: "://") else { return [] }
        var ranges: [Range<String.Index>] = []
        let query = url[scheme.upperBound...].firstIndex(of: "?") ?? url.endIndex
        if let at = url[scheme.upperBound..<query].lastIndex(of: "@"),
           let colon = url[scheme.upperBound..<at].firstIndex(of: ":"), url.index(after: colon) < at {
            ranges.append(url.index(after: colon)..<at)
        }
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
