import GageCore
import Glibc
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Iamport access tokens kept between invocations in a folder only this user can use, so most invocations
/// skip `getToken`. Writes go to a fresh temporary file (never through a link) renamed into place, so concurrent
/// invocations never read a half-written token. A token is used until a minute before Iamport said it expires.
///
/// The folder is created with its missing parents, owner-only. A folder that is a symbolic link, belongs to
/// someone else or can be written by others (a shared /tmp planted by another user) is not used: the function
/// says why once on stderr and goes on without a cache.
public struct TokenCache: Sendable {
    /// The token file, or nil when caching is off or the folder cannot be trusted.
    public let path: String?

    /// `directory` nil disables caching. The file name depends on the API URL and key (never the secret).
    public init(directory: String?, apiURL: String, key: String, log: Log = Log(enabled: false)) {
        guard let directory else {
            path = nil
            return
        }
        if let problem = Self.prepare(directory) {
            log.error("token cache \(directory) not used (\(problem)); every call asks Iamport for a token")
            path = nil
            return
        }
        var hash = ContentHash()
        hash.add(Array((apiURL + "\u{0}" + key).utf8))
        path = directory + "/iamport-token-" + hash.hex + ".json"
    }

    /// Creates `directory` and its missing parents (0700) and checks that it is this user's alone. Returns why
    /// it cannot be used, or nil.
    static func prepare(_ directory: String) -> String? {
        guard directory.hasPrefix("/") else { return "not an absolute path" }
        var current = ""
        for component in directory.split(separator: "/") {
            current += "/" + component
            if mkdir(current, 0o700) != 0 && errno != EEXIST {
                return "cannot create \(current): \(String(cString: strerror(errno)))"
            }
        }
        var info = stat()
        guard lstat(directory, &info) == 0 else { return String(cString: strerror(errno)) }
        guard info.st_mode & S_IFMT != S_IFLNK else { return "it is a symbolic link" }
        guard info.st_mode & S_IFMT == S_IFDIR else { return "it is not a folder" }
        guard info.st_uid == getuid() else { return "it belongs to another user" }
        if info.st_mode & 0o077 != 0, chmod(directory, 0o700) != 0 {
            return "it is open to other users and cannot be made private"
        }
        return nil
    }

    struct Entry: Codable {
        var token: String
        /// Wall-clock Unix seconds: Iamport's `expired_at - now` added to our clock when it was issued.
        var expiresAt: Int
    }

    public func read() -> String? {
        guard let entry = readEntry() else { return nil }
        return entry.expiresAt - 60 > Self.now() ? entry.token : nil
    }

    private func readEntry() -> Entry? {
        guard let path else { return nil }
        let descriptor = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var bytes = [UInt8](repeating: 0, count: 4096)
        let count = bytes.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
        guard count > 0 else { return nil }
        return try? JSONDecoder().decode(Entry.self, from: Data(bytes[0..<count]))
    }

    public func write(_ token: String, lifetime: Int) {
        guard let path else { return }
        guard let data = try? JSONEncoder().encode(Entry(token: token, expiresAt: Self.now() + lifetime)) else { return }
        var random = SystemRandomNumberGenerator()
        let temporary = path + ".\(getpid()).\(String(random.next() as UInt32, radix: 36)).tmp"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
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
        guard let path, let entry = readEntry(), entry.token == token else { return }
        unlink(path)
    }

    static func now() -> Int { Int(time(nil)) }
}
