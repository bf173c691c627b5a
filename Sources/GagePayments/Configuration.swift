import GageCore
import GageLedger
import GageWebhooks
import Glibc
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The function's settings (SPEC §3): from the environment, or from a file named by `GAGE_VERIFY_CONFIG`
/// (`KEY=VALUE` lines) that must not be readable by other users. The environment wins over the file.
public struct Configuration: Sendable {
    /// PortOne V1 (`IAMPORT_API_KEY`, `IAMPORT_API_SECRET`, `IAMPORT_API_URL`), when set.
    public var iamport: IamportCredentials?
    /// PortOne V2 (`PORTONE_API_SECRET`, `PORTONE_WEBHOOK_SECRET`, `PORTONE_API_URL`), when set.
    public var portone: PortOneCredentials?
    public var catalogPath: String
    /// `GAGE_LEDGER`: an SQLite file, or a PostgreSQL URL when several hosts run the function.
    public var ledger: LedgerLocation
    /// All calls to Iamport together must finish within this.
    public var timeout: Duration
    /// Where the access token is cached between invocations (nil: no caching).
    public var cacheDirectory: String?
    /// Whether requests are limited per client (SPEC §9); `GAGE_CLIENT_LIMITS=off` only for a sandbox whose every
    /// request comes from one address (`gage serve --sandbox` sets it).
    public var clientLimits = true

    public struct IamportCredentials: Sendable {
        public var key: String
        public var secret: String
        public var apiURL: String
    }

    public struct PortOneCredentials: Sendable {
        public var secret: String
        /// `whsec_…`; nil: no webhook can be verified, so every webhook is refused.
        public var webhookSecret: String?
        public var apiURL: String
    }

    public enum Problem: Error, Sendable, CustomStringConvertible {
        case missing(String)
        case invalid(String, String)
        case unsafeFile(String)
        case unreadable(String, String)

        public var description: String {
            switch self {
            case let .missing(name): return "\(name) is not set"
            case let .invalid(name, why): return "\(name) is invalid: \(why)"
            case let .unsafeFile(path): return "the config file \(path) is readable by other users; chmod 600 it"
            case let .unreadable(path, why): return "cannot read \(path): \(why)"
            }
        }
    }

    /// The settings as the function sees them: the config file's, overridden by the environment's.
    public static func settings(environment: [String: String]) throws(Problem) -> [String: String] {
        var values: [String: String] = [:]
        if let file = environment["GAGE_VERIFY_CONFIG"], !file.isEmpty {
            values = try readFile(file)
        }
        for (name, value) in environment { values[name] = value }
        return values
    }

    public static func load(environment: [String: String]) throws(Problem) -> Configuration {
        let values = try settings(environment: environment)
        func required(_ name: String) throws(Problem) -> String {
            guard let value = values[name], !value.isEmpty else { throw .missing(name) }
            return value
        }
        func present(_ name: String) -> String? { values[name].flatMap { $0.isEmpty ? nil : $0 } }
        func apiURL(_ name: String, default fallback: String) throws(Problem) -> String {
            let url = present(name) ?? fallback
            guard url.hasPrefix("https://") || (url.hasPrefix("http://") && isLoopback(url)) else {
                throw .invalid(name, "must start with https:// (plain http only to a loopback address)")
            }
            return url
        }
        if present("IAMPORT_API_KEY") == nil && present("IAMPORT_API_SECRET") == nil && present("PORTONE_API_SECRET") == nil {
            // Which one the shop needs is in its catalog, read later; name both, so a V2 seller is not sent to V1.
            throw .missing("IAMPORT_API_KEY and IAMPORT_API_SECRET (PortOne V1) or PORTONE_API_SECRET (V2)")
        }
        var iamport: IamportCredentials?
        if present("IAMPORT_API_KEY") != nil || present("IAMPORT_API_SECRET") != nil {
            iamport = IamportCredentials(key: try required("IAMPORT_API_KEY"), secret: try required("IAMPORT_API_SECRET"),
                                         apiURL: try apiURL("IAMPORT_API_URL", default: "https://api.iamport.kr"))
        }
        var portone: PortOneCredentials?
        if let secret = present("PORTONE_API_SECRET") {
            let webhookSecret = present("PORTONE_WEBHOOK_SECRET")
            if let webhookSecret, StandardWebhook.key(secret: webhookSecret) == nil {
                throw .invalid("PORTONE_WEBHOOK_SECRET", "not whsec_ followed by base64 (copy it from the PortOne console)")
            }
            portone = PortOneCredentials(secret: secret, webhookSecret: webhookSecret,
                                         apiURL: try apiURL("PORTONE_API_URL", default: "https://api.portone.io"))
        }
        let catalog = try required("GAGE_CATALOG")
        let ledgerName = try required("GAGE_LEDGER")
        let ledger: LedgerLocation
        do {
            ledger = try LedgerLocation(ledgerName)
        } catch {
            throw .invalid("GAGE_LEDGER", error.message)
        }
        var timeout = Duration.seconds(10)
        if let text = values["IAMPORT_TIMEOUT"], !text.isEmpty {
            guard let seconds = Double(text), seconds > 0, seconds <= 120 else {
                throw .invalid("IAMPORT_TIMEOUT", "seconds, more than 0 and at most 120")
            }
            timeout = .milliseconds(Int(seconds * 1000))
        }
        var cache: String? = values["GAGE_CACHE_DIR"] ?? defaultCacheDirectory(values)
        if cache == "" || cache == "off" { cache = nil }
        var configuration = Configuration(iamport: iamport, portone: portone, catalogPath: catalog,
                                          ledger: ledger,
                                          timeout: timeout, cacheDirectory: cache)
        configuration.clientLimits = values["GAGE_CLIENT_LIMITS"] != "off"
        return configuration
    }

    /// The shop's provider must have its credentials: V1 shops Iamport's key pair, V2 shops PortOne's secret.
    public func checkCredentials(for catalog: Catalog) throws(Problem) {
        switch catalog.payment.api {
        case .iamport where iamport == nil: throw .missing("IAMPORT_API_KEY")
        case .portone where portone == nil: throw .missing("PORTONE_API_SECRET")
        default: break
        }
    }

    /// `$XDG_CACHE_HOME/gage`, `$HOME/.cache/gage`, else a per-user folder under /tmp (which `TokenCache`
    /// uses only if this user owns it).
    static func defaultCacheDirectory(_ values: [String: String]) -> String {
        if let xdg = values["XDG_CACHE_HOME"], xdg.hasPrefix("/") { return xdg + "/gage" }
        if let home = values["HOME"], home.hasPrefix("/"), home != "/", access(home, W_OK) == 0 {
            return home + "/.cache/gage"
        }
        return "/tmp/gage-verify-\(getuid())"
    }

    /// `http://127.0.0.1:8080`, `http://localhost`, `http://[::1]/`: a server on this machine.
    public static func isLoopback(_ url: String) -> Bool {
        guard let scheme = url.firstRange(of: "://") else { return false }
        let authority = url[scheme.upperBound...].prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        guard !authority.contains("@") else { return false }
        let host: Substring
        if authority.hasPrefix("[") {
            host = authority.prefix { $0 != "]" }.dropFirst()
        } else {
            host = authority.prefix { $0 != ":" }
        }
        if host.lowercased() == "localhost" || host == "::1" { return true }
        let octets = host.split(separator: ".", omittingEmptySubsequences: false)
        return octets.count == 4 && octets[0] == "127" && octets.allSatisfy { UInt8($0) != nil }
    }

    static func readFile(_ path: String) throws(Problem) -> [String: String] {
        var info = stat()
        guard stat(path, &info) == 0 else { throw .unreadable(path, String(cString: strerror(errno))) }
        if info.st_mode & 0o004 != 0 { throw .unsafeFile(path) }
        guard let data = FileManager.default.contents(atPath: path) else { throw .unreadable(path, "permission denied") }
        var values: [String: String] = [:]
        for line in String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline) {
            let trimmed = line.drop(while: \.isWhitespace)
            guard !trimmed.hasPrefix("#"), let equals = trimmed.firstIndex(of: "=") else { continue }
            let name = trimmed[..<equals].trimmingWhitespace()
            var value = trimmed[trimmed.index(after: equals)...].trimmingWhitespace()
            if value.count >= 2, let first = value.first, first == "\"" || first == "'", value.last == first {
                value = String(value.dropFirst().dropLast())
            }
            values[name] = value
        }
        return values
    }

    /// The catalog at `GAGE_CATALOG`: from its index in the cache folder while the file is unchanged, else
    /// decoded whole (and indexed for the next invocation).
    public func loadCatalog() throws(Problem) -> CatalogFile {
        let descriptor = open(catalogPath, O_RDONLY | O_CLOEXEC)
        var before = stat()
        guard descriptor >= 0, fstat(descriptor, &before) == 0 else {
            if descriptor >= 0 { close(descriptor) }
            throw .unreadable(catalogPath, "no such file, or not readable (GAGE_CATALOG)")
        }
        defer { close(descriptor) }
        let stamp = CatalogIndex.Stamp(before)
        let index = CatalogIndex(catalogPath: catalogPath, cacheDirectory: cacheDirectory)
        if let index, let file = index.open(stamp: stamp) { return file }

        var bytes = [UInt8](repeating: 0, count: max(Int(before.st_size), 0) + 1)
        var count = 0
        while true {
            if count == bytes.count { bytes += [UInt8](repeating: 0, count: bytes.count) }
            let got = bytes[count...].withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            if got == 0 { break }
            guard got > 0 else { throw .unreadable(catalogPath, String(cString: strerror(errno))) }
            count += got
        }
        let data = Data(bytes[..<count])
        let catalog: Catalog
        do {
            catalog = try JSONDecoder().decode(Catalog.self, from: data)
        } catch {
            throw .invalid("GAGE_CATALOG", "\(catalogPath) is not a Gage catalog.json")
        }
        let json = String(decoding: data, as: UTF8.self)
        let file = CatalogFile(catalog: catalog, json: json, modifiedAt: stamp.modifiedAt)
        var after = stat()
        if let index, fstat(descriptor, &after) == 0, CatalogIndex.Stamp(after) == stamp,
           !stamp.isRecent() {
            try? index.write(file, json: json, stamp: stamp)
        }
        return file
    }
}

