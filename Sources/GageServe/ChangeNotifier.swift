import Foundation
import Glibc
import GageSite

/// Tells `gage serve` that something under the shop's source folders changed, as soon as it does: inotify on
/// every watched folder (new folders are watched as they appear). Nil where inotify is not available; the
/// server then polls with `SourceWatcher`.
final class ChangeNotifier: @unchecked Sendable {
    private let descriptor: Int32
    private let root: String
    private var folders: [Int32: String] = [:]
    private static let mask = UInt32(IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_CREATE | IN_DELETE
                                     | IN_DELETE_SELF | IN_ATTRIB)

    init?(root: String) {
        descriptor = inotify_init1(Int32(IN_CLOEXEC | IN_NONBLOCK))
        guard descriptor >= 0 else { return nil }
        self.root = root
        // The shop folder itself (for shop.yml, and content/ or templates/ made later), then each watched tree.
        watch(root)
        for name in SourceWatcher.watched where name != "shop.yml" { watchTree(root + "/" + name) }
        // Out of watches (fs.inotify.max_user_watches) some folders would go unnoticed: poll instead.
        guard !failed else { return nil }
    }

    /// Whether a folder could not be watched (at the start, or one made later): changes in it would go unnoticed.
    private(set) var failed = false

    deinit { close(descriptor) }

    private func watch(_ folder: String) {
        let id = inotify_add_watch(descriptor, folder, Self.mask)
        if id >= 0 { folders[id] = folder } else { failed = true }
    }

    private func watchTree(_ folder: String) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else { return }
        watch(folder)
        for relative in FileTree.folders(under: folder) { watch(folder + "/" + relative) }
    }

    /// Waits up to `timeout` for a change; true when one came. Events arriving within `settle` of the first are
    /// taken together (an editor's save is often a write, a rename and an attribute change).
    func waitForChange(timeout: Duration, settle: Duration = .milliseconds(5)) -> Bool {
        guard poll(milliseconds: Self.milliseconds(timeout)) else { return false }
        var changed = drain()
        while poll(milliseconds: Self.milliseconds(settle)) { changed = drain() || changed }
        return changed
    }

    private func poll(milliseconds: Int32) -> Bool {
        var request = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        return Glibc.poll(&request, 1, milliseconds) > 0
    }

    /// Reads the pending events; true when one concerns the shop's sources (not the server's own files).
    private func drain() -> Bool {
        var relevant = false
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            guard count > 0 else { return relevant }
            var offset = 0
            while offset + MemoryLayout<inotify_event>.size <= count {
                let (id, mask, nameLength) = buffer.withUnsafeBytes { raw in
                    let event = raw.loadUnaligned(fromByteOffset: offset, as: inotify_event.self)
                    return (event.wd, event.mask, Int(event.len))
                }
                let nameStart = offset + MemoryLayout<inotify_event>.size
                let name = String(decoding: buffer[nameStart..<nameStart + nameLength].prefix { $0 != 0 }, as: UTF8.self)
                offset = nameStart + nameLength
                guard let folder = folders[id] else { continue }
                if folder == root {
                    // In the shop folder only shop.yml and the watched folders matter.
                    guard SourceWatcher.watched.contains(name) else { continue }
                    if mask & UInt32(IN_ISDIR) != 0 { watchTree(root + "/" + name) }
                } else if mask & UInt32(IN_ISDIR) != 0, mask & UInt32(IN_CREATE | IN_MOVED_TO) != 0 {
                    watchTree(folder + "/" + name)
                }
                relevant = true
            }
        }
    }

    static func milliseconds(_ duration: Duration) -> Int32 {
        Int32(duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000)
    }
}
