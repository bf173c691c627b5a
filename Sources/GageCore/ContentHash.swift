/// FNV-1a, 64-bit: a stable fingerprint for `catalog.json`'s `version` (not a security hash).
public struct ContentHash {
    private var state: UInt64 = 0xcbf2_9ce4_8422_2325

    public init() {}

    public mutating func add<Bytes: Sequence>(_ bytes: Bytes) where Bytes.Element == UInt8 {
        // A string's or Data's bytes are read in place: walking a 3 MB catalog through String.UTF8View's
        // iterator cost several times the hashing itself.
        if bytes.withContiguousStorageIfAvailable({ add(buffer: $0) }) != nil { return }
        for byte in bytes { mix(byte) }
    }

    private mutating func add(buffer: UnsafeBufferPointer<UInt8>) {
        for byte in buffer { mix(byte) }
    }

    @inline(__always) private mutating func mix(_ byte: UInt8) {
        state ^= UInt64(byte)
        state = state &* 0x0000_0100_0000_01b3
    }

    /// The fingerprint of a text's UTF-8 bytes.
    public static func of(_ text: String) -> String {
        var hash = ContentHash()
        hash.add(Array(text.utf8))
        return hash.hex
    }

    public var hex: String {
        let digits = String(state, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
