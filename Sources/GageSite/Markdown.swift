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

    /// Plain text for meta descriptions: the text nodes of the parsed document (no markup, no raw HTML),
    /// cut to `limit` characters.
    public static func plainText(_ markdown: String, limit: Int = 160) -> String {
        let length = markdown.utf8.count
        guard let document = markdown.withCString({ cmark_parse_document($0, length, CMARK_OPT_DEFAULT) }) else {
            return ""
        }
        defer { cmark_node_free(document) }
        guard let iterator = cmark_iter_new(document) else { return "" }
        defer { cmark_iter_free(iterator) }
        var text = ""
        // Counted as pieces are added: `String.count` walks the whole string, so asking it each turn made a long
        // Korean description quadratic (2.2 s for a 10,000-product search index).
        var characters = 0
        while true {
            let event = cmark_iter_next(iterator)
            if event == CMARK_EVENT_DONE { break }
            guard let node = cmark_iter_get_node(iterator) else { continue }
            let type = cmark_node_get_type(node)
            if event == CMARK_EVENT_ENTER, type == CMARK_NODE_TEXT || type == CMARK_NODE_CODE,
               let literal = cmark_node_get_literal(node) {
                let piece = String(cString: literal)
                text += piece
                characters += piece.count
            } else if type == CMARK_NODE_SOFTBREAK || type == CMARK_NODE_LINEBREAK
                        || (event == CMARK_EVENT_EXIT && type == CMARK_NODE_PARAGRAPH)
                        || (event == CMARK_EVENT_EXIT && type == CMARK_NODE_HEADING) {
                text += " "
                characters += 1
            }
            if characters > limit * 2 { break }
        }
        // Whitespace runs collapsed on Unicode scalars (walking Characters is several times slower on Hangul).
        var words = String.UnicodeScalarView()
        var pendingSpace = false
        for scalar in text.unicodeScalars {
            if scalar.isWhiteSpace {
                pendingSpace = !words.isEmpty
            } else {
                if pendingSpace { words.append(" ") }
                pendingSpace = false
                words.append(scalar)
            }
        }
        let collapsed = String(words)
        // No more scalars than the limit means no more characters either: count Characters only past it.
        guard collapsed.unicodeScalars.count > limit, collapsed.count > limit else { return collapsed }
        return String(collapsed.prefix(limit - 1)) + "…"
    }
}
