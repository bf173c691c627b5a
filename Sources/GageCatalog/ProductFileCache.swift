import GageCore

/// Product files as decoded by the last build, for `gage serve`: an edit re-reads the one file it touched, not
/// all 10,000. A file counts as unchanged while its `FileStamp` is (editors that save by writing a new file and
/// renaming it change the inode).
public final class ProductFileCache: @unchecked Sendable {
    typealias Stamp = FileStamp

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

    /// The files whose decoding is kept.
    var count: Int { entries.count }

    func entry(_ relativePath: String, stamp: Stamp, bundleFolder: String?) -> (ProductSource?, [Diagnostic], [Diagnostic])? {
        guard let entry = entries[relativePath], entry.stamp == stamp, entry.bundleFolder == bundleFolder else { return nil }
        return entry.result
    }

    /// The files of this load, replacing the last one's (files gone since are forgotten). A recently changed file
    /// is not kept (`FileStamp.isRecent`: a second save within one clock tick could keep the stamp).
    func replace(_ loaded: [(String, Entry)]) {
        entries = Dictionary(loaded.filter { !$0.1.stamp.isRecent() }, uniquingKeysWith: { _, last in last })
    }

    /// After a load of `fileCount` files that found all but `decoded` in the cache: records those, and keeps the
    /// rest as they are (rebuilding 10,000 entries was ~7 ms of every `gage serve` edit). False when files are
    /// gone since the last load: only `replace` forgets them.
    func update(decoded: [(String, Entry)], fileCount: Int) -> Bool {
        var recent = 0
        for (path, entry) in decoded {
            if entry.stamp.isRecent() {
                entries[path] = nil
                recent += 1
            } else {
                entries[path] = entry
            }
        }
        // Every listed file that is not recent now has its entry; any other entry belongs to a file gone since.
        return entries.count + recent == fileCount
    }
}
