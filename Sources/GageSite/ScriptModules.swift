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
    /// The addresses of the modules each entry imports, directly or not (`<link rel="modulepreload">`), by entry.
    private let preloads: [String: [String]]

    init(assets: [String: String], basePath: String) {
        var hash = ContentHash()
        for (path, text) in assets.sorted(by: { $0.key < $1.key }) where path.hasPrefix(Self.source) {
            hash.add(Array(path.utf8) + [0] + Array(text.utf8) + [0])
        }
        fingerprint = String(hash.hex.prefix(12))
        folder = Self.source + fingerprint + "/"
        let folderURL = basePath + folder
        self.folderURL = folderURL
        var preloads: [String: [String]] = [:]
        for entry in Set(Self.entries.values).union([Self.defaultEntry]) {
            let imported = Self.imports(of: Self.source + "pages/" + entry + ".js", in: assets)
            preloads[entry] = imported.map { folderURL + Self.encoded($0.dropFirst(Self.source.count)) }
        }
        self.preloads = preloads
    }

    /// The modules `path` imports statically, directly or through others, in the order first met; each
    /// resolved against its importer and present among `assets`. Only a hint for the browser, which finds the
    /// same by itself one level at a time: a module this misses is still loaded, a round trip later.
    static func imports(of path: String, in assets: [String: String]) -> [String] {
        var found: [String] = []
        var seen: Set<String> = [path]
        var queue = [path]
        while !queue.isEmpty {
            let module = queue.removeFirst()
            guard let text = assets[module] else { continue }
            let folder = module.split(separator: "/").dropLast().map(String.init)
            for match in text.matches(of: /(?m)^\s*(?:import|export)\s[^;'"]*?from\s*['"](\.{1,2}\/[^'"]+)['"]/) {
                guard let target = resolve(String(match.output.1), from: folder), assets[target] != nil,
                      seen.insert(target).inserted else { continue }
                found.append(target)
                queue.append(target)
            }
        }
        return found
    }

    /// `../common.js` from `["assets", "js", "pages"]` → `assets/js/common.js`; nil when it climbs out.
    private static func resolve(_ specifier: String, from folder: [String]) -> String? {
        var parts = folder
        for part in specifier.split(separator: "/") {
            switch part {
            case ".": continue
            case "..": guard !parts.isEmpty else { return nil }; parts.removeLast()
            default: parts.append(String(part))
            }
        }
        return parts.joined(separator: "/")
    }

    private static func encoded<Path: StringProtocol>(_ path: Path) -> String {
        path.split(separator: "/").map { URLPath.encode(String($0)) }.joined(separator: "/")
    }

    /// Where a theme asset is published: the modules in the fingerprinted folder, anything else as it is.
    func outputPath(of asset: String) -> String {
        asset.hasPrefix(Self.source) ? folder + asset.dropFirst(Self.source.count) : asset
    }

    /// The address of the entry module a page rendered with `template` loads.
    func entryURL(template: String) -> String {
        folderURL + "pages/" + URLPath.encode(Self.entries[template] ?? Self.defaultEntry) + ".js"
    }

    /// The addresses of the modules that entry imports, for `<link rel="modulepreload">`: the browser fetches
    /// them all at once instead of one level of imports after another.
    func preloadURLs(template: String) -> [String] {
        preloads[Self.entries[template] ?? Self.defaultEntry] ?? []
    }
}
