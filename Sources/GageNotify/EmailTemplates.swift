import Foundation
import GageCore
import GageMustache
import Mustache

extension EmailBundle {
    /// The built-in templates, for a function deployed without `emails.json`.
    public static func builtIn(shop: ShopContact) -> EmailBundle {
        var templates: [String: String] = [:]
        for (path, text) in DefaultTheme.files where path.hasSuffix(".mustache") {
            templates[String(path.dropLast(".mustache".count))] = text
        }
        return EmailBundle(shop: shop, templates: templates)
    }
}

/// Why an e-mail template cannot be used.
public struct TemplateError: Error, Sendable, CustomStringConvertible {
    public var template: String
    public var line: Int?
    public var message: String
    public var description: String {
        "templates/emails/\(template).mustache" + (line.map { ":\($0)" } ?? "") + ": \(message)"
    }
}

/// The e-mail templates compiled with swift-mustache. `text/<kind>` is the plain-text part, whose first line is
/// `Subject: …`; `html/<kind>` is the HTML part. Text templates are rendered without HTML escaping.
public struct EmailTemplates: Sendable {
    let library: MustacheLibrary

    public init(_ bundle: EmailBundle) throws(TemplateError) {
        var library = MustacheLibrary()
        for (name, text) in bundle.templates.sorted(by: { $0.key < $1.key }) {
            // Text parts are not escaped: the pragma goes on the template's first line, so error line numbers
            // stay the author's. HTML parts escape byte by byte (`HTMLEscaping`: the library's own lets a quote
            // followed by a combining mark — a buyer's name can hold one — out of an attribute).
            let (source, added) = name.hasPrefix("text/") ? ("{{% CONTENT_TYPE: TEXT}}" + text, 0)
                : (HTMLEscaping.firstLine + text, HTMLEscaping.linesAdded)
            do {
                library.register(try MustacheTemplate(string: source), named: "emails/" + name)
            } catch let error as MustacheTemplate.ParserError {
                throw TemplateError(template: name, line: error.context.lineNumber - added, message: "\(error.error)")
            } catch {
                throw TemplateError(template: name, line: nil, message: "\(error)")
            }
        }
        for kind in NotificationKind.allCases {
            for part in ["text", "html"] where library.getTemplate(named: "emails/\(part)/\(kind.rawValue)") == nil {
                throw TemplateError(template: "\(part)/\(kind.rawValue)", line: nil, message: "missing template")
            }
        }
        self.library = library
    }

    /// The subject, text and HTML of one notification.
    public func render(_ kind: NotificationKind, context: [String: Any]) -> (subject: String, text: String, html: String) {
        let rendered = library.render(context, withTemplate: "emails/text/\(kind.rawValue)") ?? ""
        var lines = rendered.split(separator: "\n", omittingEmptySubsequences: false)[...]
        while let first = lines.first, first.allSatisfy(\.isWhitespace) { lines = lines.dropFirst() }
        var subject = ""
        if let first = lines.first, first.lowercased().hasPrefix("subject:") {
            subject = first.dropFirst("subject:".count).trimmingCharacters(in: .whitespaces)
            lines = lines.dropFirst()
            while let next = lines.first, next.allSatisfy(\.isWhitespace) { lines = lines.dropFirst() }
        }
        let text = lines.joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines) + "\n"
        let html = library.render(context, withTemplate: "emails/html/\(kind.rawValue)") ?? ""
        return (subject.replacingOccurrences(of: "\r", with: ""), text, html)
    }
}
