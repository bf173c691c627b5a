import Foundation

/// Listing a folder on disk, the one way the pipeline does it.
public enum FileTree {
    /// Paths of the regular files under `root`, relative to it, sorted. Hidden ones (`.well-known/…`) only
    /// with `includingHidden`.
    public static func files(under root: String, includingHidden: Bool = false) -> [String] {
        entries(under: root, includingHidden: includingHidden).filter { !$0.isDirectory }.map(\.path)
    }

    /// Paths of the folders under `root`, relative to it, sorted.
    public static func folders(under root: String) -> [String] {
        entries(under: root, includingHidden: true).filter(\.isDirectory).map(\.path)
    }

    private static func entries(under root: String, includingHidden: Bool) -> [(path: String, isDirectory: Bool)] {
        guard let enumerator = FileManager.default.enumerator(atPath: root) else { return [] }
        var entries: [(path: String, isDirectory: Bool)] = []
        while let relative = enumerator.nextObject() as? String {
            if !includingHidden, relative.split(separator: "/").contains(where: { $0.hasPrefix(".") }) { continue }
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: root + "/" + relative, isDirectory: &isDirectory) else { continue }
            entries.append((relative, isDirectory.boolValue))
        }
        return entries.sorted { $0.path < $1.path }
    }
}
