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

    static func escape(_ json: String) -> String {
        var result = ""
        result.reserveCapacity(json.utf8.count)
        for scalar in json.unicodeScalars {
            switch scalar {
            case "<": result += "\\u003c"
            case ">": result += "\\u003e"
            case "&": result += "\\u0026"
            case "\u{2028}": result += "\\u2028"
            case "\u{2029}": result += "\\u2029"
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
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
