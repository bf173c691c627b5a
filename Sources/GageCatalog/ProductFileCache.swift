import Foundation
import Glibc

/// Product files as decoded by the last build, for `gage serve`: an edit re-reads the one file it touched, not
/// all 10,000. A file counts as unchanged while its size, modification time (to the nanosecond) and inode are;
/// editors that save by writing a new file and renaming it change the inode.
public final class ProductFileCache: @unchecked Sendable {
    struct Stamp: Equatable {
        var size: Int
        var seconds: Int
        var nanoseconds: Int
        var inode: UInt

        init?(path: String) {
            var info = stat()
            guard stat(path, &info) == 0 else { return nil }
            self.init(info)
        }

        init(_ info: stat) {
            size = Int(info.st_size)
            seconds = Int(info.st_mtim.tv_sec)
            nanoseconds = Int(info.st_mtim.tv_nsec)
            inode = UInt(info.st_ino)
        }
    }

    struct Entry {
        var stamp: Stamp
        var bundleFolder: String?
        var result: (ProductSource?, [Diagnostic], [Diagnostic])
    }

    /// Read from many threads during a load and replaced only after it, never both at once (`ShopLoader`).
    private var entries: [String: Entry] = [:]

    /// The last load's list order, patched by the next.
    let listOrder = ListOrderMemo()

    public init() {}

    func entry(_ relativePath: String, stamp: Stamp, bundleFolder: String?) -> (ProductSource?, [Diagnostic], [Diagnostic])? {
        guard let entry = entries[relativePath], entry.stamp == stamp, entry.bundleFolder == bundleFolder else { return nil }
        return entry.result
    }

    /// The files of this load, replacing the last one's (files gone since are forgotten). A file changed in the
    /// last two seconds is not kept: file times tick coarsely (a few milliseconds), so a second save of the same
    /// size within one tick would look unchanged (git's "racily clean" files).
    func replace(_ loaded: [(String, Entry)]) {
        let settled = Int(Date().timeIntervalSince1970) - 2
        entries = Dictionary(loaded.filter { $0.1.stamp.seconds < settled }, uniquingKeysWith: { _, last in last })
    }
}
