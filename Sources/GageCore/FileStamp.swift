#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What identifies one state of a file's contents without reading them: device, inode, size, and the
/// modification and change times to the nanosecond (what git trusts). The change time cannot be set back, so a
/// copy that keeps the old modification time and size (`cp -p`, rsync) or a file renamed in still differs.
public struct FileStamp: Equatable, Sendable {
    // Kept as plain numbers, no array and no text: `gage serve` stamps 10,000 product files per edit.
    private let device: UInt64, inode: UInt64, size: UInt64
    private let modified: timespec, changed: timespec
    /// The later of the modification and change times, in nanoseconds.
    public let changedAt: Int
    /// The modification time, in seconds.
    public let modifiedAt: Int

    public init(_ info: stat) {
        (device, inode, size) = (UInt64(info.st_dev), UInt64(info.st_ino), UInt64(info.st_size))
        (modified, changed) = (info.st_mtim, info.st_ctim)
        changedAt = max(info.st_mtim.tv_sec * 1_000_000_000 + info.st_mtim.tv_nsec,
                        info.st_ctim.tv_sec * 1_000_000_000 + info.st_ctim.tv_nsec)
        modifiedAt = info.st_mtim.tv_sec
    }

    /// The stamp as text, for caches that store it (`dev:ino:size:mtime s:ns:ctime s:ns`).
    public var text: String {
        [device, inode, size, UInt64(modified.tv_sec), UInt64(modified.tv_nsec), UInt64(changed.tv_sec),
         UInt64(changed.tv_nsec)].map(String.init).joined(separator: ":")
    }

    public static func == (a: FileStamp, b: FileStamp) -> Bool {
        (a.device, a.inode, a.size) == (b.device, b.inode, b.size)
            && (a.modified.tv_sec, a.modified.tv_nsec, a.changed.tv_sec, a.changed.tv_nsec)
                == (b.modified.tv_sec, b.modified.tv_nsec, b.changed.tv_sec, b.changed.tv_nsec)
    }

    /// The stamp of the file at `path` now, or nil when it cannot be read.
    public init?(path: String) {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        self.init(info)
    }

    /// Whether the file may still be written inside the clock tick of its stamp: file times move in ticks of a
    /// few milliseconds, so a second write of the same size within one would keep the stamp ("racily clean").
    /// Such a file is not remembered by its stamp.
    public func isRecent() -> Bool {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return changedAt >= (now.tv_sec - 2) * 1_000_000_000 + now.tv_nsec
    }
}
