import Foundation
import GageCatalog
import GageMustache
import Mustache

/// The templates and assets a shop is rendered with: the built-in default theme, overridden file by file by
/// the shop's own `templates/` folder.
public struct Theme: Sendable {
    public let library: MustacheLibrary
    /// Non-template theme files (`assets/gage.css`, the script modules under `assets/js/`) by path, copied to the output.
    public let assets: [String: String]
    /// The e-mail templates (`emails/order_confirmed.txt` → text), which the verify function renders from
    /// `emails.json`.
    public var emailTemplates: [String: String] = [:]
    /// Every theme file's text by path, built-in and overridden: two themes with equal sources render alike.
    public var sources: [String: String] = [:]

    /// Templates every shop page needs.
    static let requiredTemplates = ["index", "product", "list", "page", "cart", "complete", "lookup", "subscription", "404"]

    /// Reads the theme; `last` (`gage serve`'s previous build) is returned as it is when no file changed, so an
    /// edit to a product does not parse every template again.
    public static func load(shopRoot: String, reusing last: Theme? = nil) throws(BuildErrors) -> Theme {
        var files = DefaultTheme.files.mapValues { (text: $0, origin: "built-in theme") }
        let overrides = shopRoot + "/templates"
        for relative in FileTree.files(under: overrides) {
            guard let text = try? String(contentsOfFile: overrides + "/" + relative, encoding: .utf8) else {
                throw BuildErrors([Diagnostic(file: "templates/" + relative, line: nil,
                                              message: "is not UTF-8 text", hint: "save it as UTF-8")])
            }
            files[relative] = (text, "templates/" + relative)
        }
        if let last, last.sources == files.mapValues(\.text) { return last }
        var library = MustacheLibrary()
        var assets: [String: String] = [:]
        var problems: [Diagnostic] = []
        // Page templates escape with `HTMLEscaping`, through a standalone first line (which renders nothing and
        // is taken off the line numbers of errors) — unless a page template picks content types itself: then the
        // library's rules stand untouched, a partial inheriting its includer's. (E-mail templates are rendered
        // by `EmailTemplates`, which chooses for them.)
        let picksContentTypes = files.contains { path, file in
            // Over the UTF-8 bytes: Foundation's `String.contains` took 86 ms over a theme's files.
            path.hasSuffix(".mustache") && !path.hasPrefix("emails/")
                && file.text.utf8.firstRange(of: "CONTENT_TYPE".utf8) != nil
        }
        let escaping = picksContentTypes ? "" : HTMLEscaping.firstLine
        for (path, file) in files.sorted(by: { $0.key < $1.key }) {
            guard path.hasSuffix(".mustache") else {
                assets[path] = file.text
                continue
            }
            let prefix = path.hasPrefix("emails/") ? "" : escaping
            do {
                library.register(try MustacheTemplate(string: prefix + file.text),
                                 named: String(path.dropLast(".mustache".count)))
            } catch let error as MustacheTemplate.ParserError {
                let line = error.context.lineNumber - (prefix.isEmpty ? 0 : HTMLEscaping.linesAdded)
                problems.append(Diagnostic(file: file.origin, line: line,
                                           message: "template error: \(error.error)",
                                           hint: "check that every {{#section}} has its {{/section}}"))
            } catch {
                problems.append(Diagnostic(file: file.origin, line: nil, message: "template error: \(error)"))
            }
        }
        for name in requiredTemplates where library.getTemplate(named: name) == nil && problems.isEmpty {
            problems.append(Diagnostic(file: "templates/\(name).mustache", line: nil, message: "missing template",
                                       hint: "restore it, or delete the override folder to use the built-in theme"))
        }
        guard problems.isEmpty else { throw BuildErrors(problems) }
        var theme = Theme(library: library, assets: assets)
        theme.sources = files.mapValues(\.text)
        for (path, file) in files where path.hasPrefix("emails/") && path.hasSuffix(".mustache") {
            theme.emailTemplates[String(path.dropFirst("emails/".count).dropLast(".mustache".count))] = file.text
        }
        return theme
    }

    func render(_ context: [String: Any], template: String) -> String {
        library.render(context, withTemplate: template) ?? ""
    }
}
