import GageCatalog
import GageCore

/// The theme's JavaScript: native ES modules under `assets/js/` (built-in, or overridden file by file by the
/// shop's `templates/assets/js/`), as pages load them. Each page template has an entry module
/// (`pages/<entry>.js`) that imports what that page uses.
///
/// The modules are published in a folder named by their fingerprint, `assets/js/<fingerprint>/`, where their
/// relative imports (`./pricing.js`) find one another. A browser holding modules of an earlier build in its
/// cache therefore never runs them together with modules of this one: any change to any module moves them all.
struct ScriptModules {
    static let source = "assets/js/"

    /// The entry module of each page template; other templates load `browse`, which only runs the header's
    /// cart count and the search box.
    static let entries = ["product": "product", "cart": "cart", "complete": "complete", "lookup": "lookup",
                          "subscription": "subscription"]
    static let defaultEntry = "browse"

    /// The modules' fingerprint: 12 hex digits of a hash over every module's path and text.
    let fingerprint: String
    /// The published folder, `assets/js/<fingerprint>/`, relative to the site's root.
    let folder: String
    /// The folder's address (`/assets/js/<fingerprint>/`).
    let folderURL: String

    init(assets: [String: String], basePath: String) {
        var hash = ContentHash()
        for (path, text) in assets.sorted(by: { $0.key < $1.key }) where path.hasPrefix(Self.source) {
            hash.add(Array(path.utf8) + [0] + Array(text.utf8) + [0])
        }
        fingerprint = String(hash.hex.prefix(12))
        folder = Self.source + fingerprint + "/"
        folderURL = basePath + folder
    }

    /// Where a theme asset is published: the modules in the fingerprinted folder, anything else as it is.
    func outputPath(of asset: String) -> String {
        asset.hasPrefix(Self.source) ? folder + asset.dropFirst(Self.source.count) : asset
    }

    /// The address of the entry module a page rendered with `template` loads.
    func entryURL(template: String) -> String {
        folderURL + "pages/" + URLPath.encode(Self.entries[template] ?? Self.defaultEntry) + ".js"
    }
}
