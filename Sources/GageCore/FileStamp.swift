#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What identifies one state of a file's contents without reading them: device, inode, size, and the
/// modification and change times to the nanosecond (what git trusts). The change time cannot be set back, so a
/// copy that keeps the old modification time and size (`cp -p`, rsync) or a file renamed in still differs.
public struct FileStamp: Equatable, Sendable, Codable {
    public var text: String
    /// The later of the modification and change times, in nanoseconds.
    public var changedAt: Int
    /// The modification time, in seconds.
    public var modifiedAt: Int

    public init(_ info: stat) {
        text = [UInt64(info.st_dev), UInt64(info.st_ino), UInt64(info.st_size),
                UInt64(info.st_mtim.tv_sec), UInt64(info.st_mtim.tv_nsec),
                UInt64(info.st_ctim.tv_sec), UInt64(info.st_ctim.tv_nsec)].map(String.init).joined(separator: ":")
        changedAt = max(info.st_mtim.tv_sec * 1_000_000_000 + info.st_mtim.tv_nsec,
                        info.st_ctim.tv_sec * 1_000_000_000 + info.st_ctim.tv_nsec)
        modifiedAt = info.st_mtim.tv_sec
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
