import Foundation

/// JSON that is safe to place inside an HTML `<script>` element (JSON-LD, inline data): `<`, `>` and `&`
/// become `\u003c`/`\u003e`/`\u0026`, so text such as `</script>` cannot end the element, and U+2028/U+2029
/// are escaped for old JavaScript parsers. The result is still exactly the same JSON value.
public enum ScriptJSON {
    public static func encode(_ value: Any) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: value,
                                                options: [.sortedKeys, .withoutEscapingSlashes, .fragmentsAllowed]))
            ?? Data("null".utf8)
        return escape(String(decoding: data, as: UTF8.self))
    }

    public static func encode<Value: Encodable>(encodable value: Value) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(value)) ?? Data("null".utf8)
        return escape(String(decoding: data, as: UTF8.self))
    }

    /// `<`, `>`, `&`, U+2028 and U+2029 as `\uXXXX`, so the JSON can sit in a `<script>` element. Over UTF-8
    /// bytes (3 % of a large build went to appending scalar by scalar): the three ASCII characters are single bytes,
    /// and in valid UTF-8 the bytes E2 80 A8 / E2 80 A9 are those two separators and nothing else.
    static func escape(_ json: String) -> String {
        let bytes = Array(json.utf8)
        guard bytes.contains(where: { $0 == 0x3C || $0 == 0x3E || $0 == 0x26 || $0 == 0xE2 }) else { return json }
        var result: [UInt8] = []
        result.reserveCapacity(bytes.count + 32)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case 0x3C: result += "\\u003c".utf8
            case 0x3E: result += "\\u003e".utf8
            case 0x26: result += "\\u0026".utf8
            case 0xE2 where index + 2 < bytes.count && bytes[index + 1] == 0x80
                && (bytes[index + 2] == 0xA8 || bytes[index + 2] == 0xA9):
                result += (bytes[index + 2] == 0xA8 ? "\\u2028" : "\\u2029").utf8
                index += 2
            default: result.append(byte)
            }
            index += 1
        }
        return String(decoding: result, as: UTF8.self)
    }
}

/// Escaping for XML text and attributes (sitemap.xml, the Google feed). Characters XML 1.0 cannot carry at
/// all (control characters other than tab and line breaks, U+FFFE/U+FFFF) are dropped, so a stray one pasted
/// into a product's text cannot make a feed unreadable.
enum XMLText {
    static func escape(_ text: String) -> String {
        var result = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&apos;"
            case "\t", "\n", "\r": result.unicodeScalars.append(scalar)
            case _ where scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF: continue
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }
}
