import GageCore
import Glibc
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Iamport access tokens kept between invocations in a file only this user can read, so most invocations
/// skip `getToken`. Writes go to a temporary file renamed into place, so concurrent invocations never read
/// a half-written token. A token is used until a minute before Iamport said it expires.
public struct TokenCache: Sendable {
    public let path: String?

    /// `directory` nil disables caching. The file name depends on the API URL and key (never the secret).
    public init(directory: String?, apiURL: String, key: String) {
        guard let directory else {
            path = nil
            return
        }
        var hash = ContentHash()
        hash.add(Array((apiURL + "\u{0}" + key).utf8))
        path = directory + "/iamport-token-" + hash.hex + ".json"
    }

    struct Entry: Codable {
        var token: String
        /// Wall-clock Unix seconds: Iamport's `expired_at - now` added to our clock when it was issued.
        var expiresAt: Int
    }

    public func read() -> String? {
        guard let path, let data = FileManager.default.contents(atPath: path),
              let entry = try? JSONDecoder().decode(Entry.self, from: data) else { return nil }
        return entry.expiresAt - 60 > Self.now() ? entry.token : nil
    }

    public func write(_ token: String, lifetime: Int) {
        guard let path else { return }
        let directory = String(path[..<(path.lastIndex(of: "/") ?? path.endIndex)])
        mkdir(directory, 0o700)
        guard let data = try? JSONEncoder().encode(Entry(token: token, expiresAt: Self.now() + lifetime)) else { return }
        let temporary = path + ".\(getpid()).tmp"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        guard descriptor >= 0 else { return }
        let written = data.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
        close(descriptor)
        if written == data.count {
            rename(temporary, path)
        } else {
            unlink(temporary)
        }
    }

    /// Forgets `token` if it is still the cached one (Iamport said 401 to it).
    public func discard(_ token: String) {
        guard let path, let data = FileManager.default.contents(atPath: path),
              let entry = try? JSONDecoder().decode(Entry.self, from: data), entry.token == token else { return }
        unlink(path)
    }

    static func now() -> Int { Int(time(nil)) }
}

