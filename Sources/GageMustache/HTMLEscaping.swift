import Mustache

/// How `{{value}}` is escaped in every theme template: `<`, `>`, `&`, `"` and `'` replaced by the same entities
/// as swift-mustache's own HTML content type, byte by byte over UTF-8.
///
/// Why not the library's: it compares whole `Character`s, so a quote followed by a combining mark (`"` + U+0301
/// is one Character) is not escaped and ends an attribute value early — `title="{{title}}"` could be given
/// attributes of the seller's (or an imported feed's, or in an e-mail a buyer's) choosing. It also hashed every
/// Character of every value into a dictionary: a tenth of a 10,000-product build. Registered with the library as
/// a content type, and chosen by a standalone first line put before a template's text (`template(_:)`).
public struct HTMLEscaping: MustacheContentType {
    public static let name = "GAGE_HTML"

    /// Registers the content type once per process; templates can name it after this.
    private static let registered: Void = MustacheContentTypes.register(HTMLEscaping(), named: name)

    /// The line that makes a template escape with this content type. Standalone, it renders nothing; a parse
    /// error's line number is one more than in the author's file (`linesAdded`).
    public static var firstLine: String {
        _ = registered
        return "{{%CONTENT_TYPE:\(name)}}\n"
    }

    public static let linesAdded = 1

    public init() {}

    public func escapeText(_ text: String) -> String {
        var text = text
        return text.withUTF8 { bytes in
            // Most values (prices, slugs, Korean titles) need nothing: hand them back without a copy.
            guard var next = bytes.firstIndex(where: Self.needsEscaping) else { return nil }
            var escaped: [UInt8] = []
            escaped.reserveCapacity(bytes.count + 16)
            var start = bytes.startIndex
            while true {
                escaped.append(contentsOf: bytes[start..<next])
                escaped.append(contentsOf: Self.entity(for: bytes[next]))
                start = next + 1
                guard let found = bytes[start...].firstIndex(where: Self.needsEscaping) else { break }
                next = found
            }
            escaped.append(contentsOf: bytes[start...])
            return String(decoding: escaped, as: UTF8.self)
        } ?? text
    }

    private static func needsEscaping(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "<") || byte == UInt8(ascii: ">") || byte == UInt8(ascii: "&")
            || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'")
    }

    private static func entity(for byte: UInt8) -> String.UTF8View {
        switch byte {
        case UInt8(ascii: "<"): return "&lt;".utf8
        case UInt8(ascii: ">"): return "&gt;".utf8
        case UInt8(ascii: "&"): return "&amp;".utf8
        case UInt8(ascii: "\""): return "&quot;".utf8
        default: return "&#39;".utf8
        }
    }
}
