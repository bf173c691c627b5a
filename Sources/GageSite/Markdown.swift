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

    /// Plain text for meta descriptions: the Markdown with its markup stripped, cut to `limit` characters.
    public static func plainText(_ markdown: String, limit: Int = 160) -> String {
        var text = ""
        for character in markdown {
            if "#*_`>[]()!|".contains(character) { continue }
            if character.isNewline || character == "\t" {
                if text.last != " " { text.append(" ") }
            } else if !(character == " " && text.last == " ") {
                text.append(character)
            }
            if text.count > limit { break }
        }
        let trimmed = text.split(separator: " ").joined(separator: " ")
        return trimmed.count > limit ? String(trimmed.prefix(limit - 1)) + "…" : trimmed
    }
}
