import Foundation

/// Where inotify is missing (see `ChangeNotifier`): notices changes under the shop's source folders by comparing
/// a fingerprint of every file's path, size and modification time, a few times a second.
struct SourceWatcher {
    let root: String
    static let watched = ["shop.yml", "content", "templates", "static"]

    struct Fingerprint: Equatable {
        var entries: [String: String] = [:]
    }

    func fingerprint() -> Fingerprint {
        var print = Fingerprint()
        let fileManager = FileManager.default
        for name in Self.watched {
            let top = root + "/" + name
            var isDirectory: ObjCBool = false
            guard fileManager.fileExists(atPath: top, isDirectory: &isDirectory) else { continue }
            let paths = isDirectory.boolValue
                ? (fileManager.enumerator(atPath: top)?.allObjects as? [String] ?? []).map { top + "/" + $0 } : [top]
            for path in paths {
                guard let attributes = try? fileManager.attributesOfItem(atPath: path) else { continue }
                let size = (attributes[.size] as? NSNumber)?.intValue ?? 0
                let modified = (attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
                print.entries[path] = "\(size):\(modified)"
            }
        }
        return print
    }
}
