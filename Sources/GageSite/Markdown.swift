import CCmark
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
        while true {
            let event = cmark_iter_next(iterator)
            if event == CMARK_EVENT_DONE { break }
            guard let node = cmark_iter_get_node(iterator) else { continue }
            let type = cmark_node_get_type(node)
            if event == CMARK_EVENT_ENTER, type == CMARK_NODE_TEXT || type == CMARK_NODE_CODE,
               let literal = cmark_node_get_literal(node) {
                text += String(cString: literal)
            } else if type == CMARK_NODE_SOFTBREAK || type == CMARK_NODE_LINEBREAK
                        || (event == CMARK_EVENT_EXIT && type == CMARK_NODE_PARAGRAPH)
                        || (event == CMARK_EVENT_EXIT && type == CMARK_NODE_HEADING) {
                text += " "
            }
            if text.count > limit * 2 { break }
        }
        let words = text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        return words.count > limit ? String(words.prefix(limit - 1)) + "…" : words
    }
}
