import Glibc

/// A port on 127.0.0.1 that something else is already listening on.
public struct PortInUse: Error, Sendable, CustomStringConvertible {
    public var port: UInt16
    public var description: String { "127.0.0.1:\(port) is already in use" }
}

/// Tells, before a server starts, whether its port is free: a bind that fails later surfaces only as the
/// server's start-up time-out, which names neither the port nor the fix.
public enum PortCheck {
    public static func ensureFree(_ port: UInt16) throws(PortInUse) {
        guard port != 0 else { return }
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { return }
        defer { close(descriptor) }
        // As the server itself binds: a socket in TIME_WAIT does not count as in use, a listening one does.
        var yes: Int32 = 1
        setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        if result != 0 && errno == EADDRINUSE { throw PortInUse(port: port) }
    }
}
