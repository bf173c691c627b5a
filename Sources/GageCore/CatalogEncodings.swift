import Dispatch
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Encodes catalogs whose products mostly repeat from one build to the next (`gage serve`): each product's JSON
/// is kept, by SKU, while the product stays equal, and the catalog's text is put together around the kept pieces.
/// The result is the whole catalog's encoding byte for byte: the frame is the catalog encoded with one placeholder
/// product, and when the placeholder's own encoding is not found in it exactly once, the whole catalog is encoded.
public final class CatalogEncodings: @unchecked Sendable {
    public enum Style: Sendable {
        /// `[.sortedKeys]`: what the price fingerprint (`version`) is taken over.
        case compact
        /// `[.sortedKeys, .withoutEscapingSlashes, .prettyPrinted]`: catalog.json as `build` writes it.
        case pretty
    }

    private var kept: [Style: [String: (product: Catalog.Product, text: String)]] = [:]

    public init() {}

    public func encode(_ catalog: Catalog, style: Style) -> String {
        let encoder = Self.encoder(style)
        var frame = catalog
        frame.products = [Self.placeholder]
        guard !catalog.products.isEmpty, let frameText = Self.text(frame, encoder),
              let marker = Self.text(Self.placeholder, encoder).map({ Self.element($0, style) }),
              let range = frameText.firstRange(of: marker), frameText[range.upperBound...].firstRange(of: marker) == nil else {
            return Self.text(catalog, encoder) ?? ""
        }
        // Taken out while in use, so that updating it in place does not copy 10,000 entries.
        var known = kept.removeValue(forKey: style) ?? [:]
        let products = catalog.products
        let slots = ResultSlots<(text: String, made: Bool)>(count: products.count)
        do {
            let reading = known  // released at the end of this block, before `known` changes
            DispatchQueue.concurrentPerform(iterations: products.count) { index in
                if let entry = reading[products[index].sku], entry.product == products[index] {
                    slots[index] = (entry.text, false)
                } else {
                    slots[index] = (Self.text(products[index], encoder).map { Self.element($0, style) } ?? "", true)
                }
            }
        }
        let made = slots.values
        for (product, piece) in zip(products, made) where piece.made { known[product.sku] = (product, piece.text) }
        if known.count != products.count {
            let current = Set(products.map(\.sku))
            known = known.filter { current.contains($0.key) }
        }
        kept[style] = known
        // Appended to a String made to size: `Substring + String` counts the 3 MB's characters first.
        let separator = style == .pretty ? ",\n" : ","
        var result = String(frameText[..<range.lowerBound])
        result.reserveCapacity(frameText.utf8.count + made.reduce(0) { $0 + $1.text.utf8.count + separator.utf8.count })
        for (index, piece) in made.enumerated() {
            if index > 0 { result += separator }
            result += piece.text
        }
        result += frameText[range.upperBound...]
        return result
    }

    /// A product no real catalog has (SKUs are printable), standing in for the list in the frame.
    static let placeholder = Catalog.Product(sku: "\u{1}gage-placeholder\u{1}", title: "", price: 1, url: "",
                                             stock: nil, maxQuantity: nil, options: [])

    public static func encoder(_ style: Style) -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = style == .compact ? [.sortedKeys] : [.sortedKeys, .withoutEscapingSlashes, .prettyPrinted]
        return encoder
    }

    static func text<Value: Encodable>(_ value: Value, _ encoder: JSONEncoder) -> String? {
        (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) }
    }

    /// A product's text as an element of the catalog's `products` array: pretty-printed elements sit two levels
    /// deep (empty containers print an empty line, which stays empty).
    static func element(_ text: String, _ style: Style) -> String {
        guard style == .pretty else { return text }
        return text.split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.isEmpty ? "" : "    " + $0 }.joined(separator: "\n")
    }
}
