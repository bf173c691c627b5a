/// Stock-keeping units (SPEC §9): 1 to 64 bytes of `A-Z a-z 0-9 . _ -`, compared byte for byte everywhere.
///
/// Swift's `String ==` is canonical equivalence: `"\u{212A}"` (KELVIN SIGN) equals `"K"`. A SKU compared that way
/// is one product to one lookup and another key to the next (pricing found the product, the stock sum kept a
/// second row), so SKUs are validated as ASCII at every door and compared by their UTF-8 bytes.
public enum SKU {
    public static let maximumLength = 64

    /// Whether `sku` is a SKU at all: anything else (a look-alike, another normalisation form) names no product.
    public static func isValid(_ sku: String) -> Bool {
        let bytes = sku.utf8
        return (1...maximumLength).contains(bytes.count) && bytes.allSatisfy(isSKUByte)
    }

    /// The two spellings are the same SKU: the same bytes.
    public static func same(_ lhs: String, _ rhs: String) -> Bool {
        lhs.utf8.elementsEqual(rhs.utf8)
    }

    static func isSKUByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "-"):
            return true
        default:
            return false
        }
    }
}
