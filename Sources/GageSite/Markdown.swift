import CCmark
import GageCore
import Glibc

/// CommonMark to HTML through cmark. Safe by default: raw HTML is dropped and `javascript:`/`vbscript:`/
/// `file:`/`data:` (except images) links lose their target, so product descriptions cannot carry script.
public struct MarkdownRenderer: Sendable {
    public var allowsRawHTML: Bool

    public init(allowsRawHTML: Bool = false) {
        self.allowsRawHTML = allowsRawHTML
    }

    public func html(_ markdown: String) -> String {
        var options = CMARK_OPT_DEFAULT | CMARK_OPT_VALIDATE_UTF8
        if allowsRawHTML { options |= CMARK_OPT_UNSAFE }
        let length = markdown.utf8.count
        guard let output = markdown.withCString({ cmark_markdown_to_html($0, length, options) }) else { return "" }
        defer { free(output) }
        return String(cString: output)
    }

    /// Plain text for meta descriptions, the search index and feeds: the text nodes of the parsed document (no
    /// markup, no raw HTML), white space runs as one space, cut to `limit` characters (with "…" when cut).
    public static func plainText(_ markdown: String, limit: Int = 160) -> String {
        let length = markdown.utf8.count
        guard let document = markdown.withCString({ cmark_parse_document($0, length, CMARK_OPT_DEFAULT) }) else {
            return ""
        }
        defer { cmark_node_free(document) }
        guard let iterator = cmark_iter_new(document) else { return "" }
        defer { cmark_iter_free(iterator) }
        var text = CollapsedText()
        // Only as much of the document as the cut needs: reading stops once the text has more than `limit`
        // characters. Scalars are counted as they come; Characters (grapheme clusters, slow to count on Hangul)
        // only once the scalars pass a mark, which doubles each time so that counting stays linear.
        var countMark = limit
        while cmark_iter_next(iterator) != CMARK_EVENT_DONE {
            guard let node = cmark_iter_get_node(iterator) else { continue }
            let type = cmark_node_get_type(node)
            let entering = cmark_iter_get_event_type(iterator) == CMARK_EVENT_ENTER
            if entering, type == CMARK_NODE_TEXT || type == CMARK_NODE_CODE, let literal = cmark_node_get_literal(node) {
                text.append(String(cString: literal))
            } else if type == CMARK_NODE_SOFTBREAK || type == CMARK_NODE_LINEBREAK
                        || (!entering && (type == CMARK_NODE_PARAGRAPH || type == CMARK_NODE_HEADING)) {
                text.append(" ")
            } else {
                continue
            }
            if text.scalars > countMark {
                if text.string.count > limit { break }
                countMark = text.scalars * 2
            }
        }
        let collapsed = text.string
        // No more scalars than the limit means no more characters either: count Characters only past it.
        guard text.scalars > limit, collapsed.count > limit else { return collapsed }
        return String(collapsed.prefix(limit - 1)) + "…"
    }
}

/// Text whose white space runs become one space, with none leading or trailing, kept as UTF-8 bytes: appending
/// scalar by scalar to a `String` was most of the search index's time.
struct CollapsedText {
    private(set) var bytes: [UInt8] = []
    /// Unicode scalars in `bytes`.
    private(set) var scalars = 0
    private var pendingSpace = false

    mutating func append(_ piece: String) {
        for scalar in piece.unicodeScalars {
            if scalar.isWhiteSpace {
                pendingSpace = !bytes.isEmpty
                continue
            }
            if pendingSpace {
                bytes.append(0x20)
                scalars += 1
                pendingSpace = false
            }
            if scalar.isASCII {
                bytes.append(UInt8(scalar.value))
            } else {
                bytes.append(contentsOf: scalar.utf8)
            }
            scalars += 1
        }
    }

    var string: String { String(decoding: bytes, as: UTF8.self) }
}
