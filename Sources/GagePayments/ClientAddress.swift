import Glibc

/// The address a request came from, as limits count it (SPEC §9). The socket's address (`REMOTE_ADDR`) counts,
/// unless it is one of the reverse proxies `GAGE_TRUSTED_PROXIES` names (comma-separated CIDRs): then
/// `X-Forwarded-For` is read from its right end, skipping trusted proxies, and the first address that is not one is
/// the client. Anything to its left was written by the client itself and is not believed.
public enum ClientAddress {
    public static func resolve(environment: [String: String]) -> String? {
        guard let remote = environment["REMOTE_ADDR"].flatMap(IPAddress.init) else {
            return environment["REMOTE_ADDR"]
        }
        let trusted = (environment["GAGE_TRUSTED_PROXIES"] ?? "").split(separator: ",").compactMap {
            CIDR(String($0).trimmingPrefix(while: \.isWhitespace).split(separator: " ").first.map(String.init) ?? "")
        }
        guard trusted.contains(where: { $0.contains(remote) }) else { return remote.text }
        let hops = (environment["HTTP_X_FORWARDED_FOR"] ?? "").split(separator: ",").map {
            $0.trimmingPrefix(while: \.isWhitespace).prefix { !$0.isWhitespace }
        }
        for hop in hops.reversed() {
            guard let address = IPAddress(String(hop)) else { return String(hop.prefix(64)) }  // garbage: its own key
            if !trusted.contains(where: { $0.contains(address) }) { return address.text }
        }
        return remote.text  // every hop is a trusted proxy: the request started at one of them
    }

    /// An IPv4 or IPv6 address, as 16 bytes (IPv4 mapped into IPv6), parsed by the C library.
    struct IPAddress: Equatable {
        var bytes: [UInt8]
        var text: String

        init?(_ text: String) {
            var v4 = in_addr()
            var v6 = in6_addr()
            if inet_pton(AF_INET, text, &v4) == 1 {
                let octets = withUnsafeBytes(of: &v4) { Array($0) }
                bytes = [UInt8](repeating: 0, count: 10) + [0xFF, 0xFF] + octets
            } else if inet_pton(AF_INET6, text, &v6) == 1 {
                bytes = withUnsafeBytes(of: &v6) { Array($0) }
            } else {
                return nil
            }
            self.text = text
        }
    }

    /// `10.0.0.0/8`, `::1/128`, or one address (all its bits).
    struct CIDR {
        var network: IPAddress
        var bits: Int

        init?(_ text: String) {
            let parts = text.split(separator: "/", maxSplits: 1)
            guard let first = parts.first, let network = IPAddress(String(first)) else { return nil }
            let isV4 = !first.contains(":")
            let full = isV4 ? 32 : 128
            var bits = full
            if parts.count == 2 {
                guard let written = Int(parts[1]), (0...full).contains(written) else { return nil }
                bits = written
            }
            self.network = network
            self.bits = isV4 ? bits + 96 : bits
        }

        func contains(_ address: IPAddress) -> Bool {
            for bit in 0..<bits {
                let mask = UInt8(0x80) >> UInt8(bit % 8)
                if network.bytes[bit / 8] & mask != address.bytes[bit / 8] & mask { return false }
            }
            return true
        }
    }
}
