import Dispatch
import Foundation
import Glibc
import GageCatalog
import GageCore

/// Writes the rendered files into the output folder: only files whose bytes changed are written, and files
/// left from an earlier build that the new one no longer makes are removed.
public struct SiteWriter: Sendable {
    public let output: String

    public init(output: String) {
        self.output = URL(fileURLWithPath: output).standardizedFileURL.path
    }

    public struct Summary: Sendable {
        public var written = 0
        public var unchanged = 0
        public var removed = 0

        public init() {}
    }

    /// Folders always made whole: when `files` has any file under one of them, that is all of it (the sharded
    /// search index, whose files are named by their contents: an edit of a product renames some).
    static let wholeFolders = [SearchShards.folder]

    /// Writes `files`; with `prune` (a whole site), files of an earlier build that are not among them go; without
    /// (an edit under `gage serve`), only those in a `wholeFolders` folder that `files` makes again.
    /// Files already `.written` by a `PageStream` are counted, not touched.
    public func write(_ files: [OutputFile], prune: Bool = true) throws(BuildErrors) -> Summary {
        try checkOutputFolder()
        return try writeIntoCheckedFolder(files, prune: prune)
    }

    /// `earlier`: the files already in the folder, when listed before (nil: list them now).
    private func writeIntoCheckedFolder(_ files: [OutputFile], prune: Bool,
                                        earlier: [String]? = nil) throws(BuildErrors) -> Summary {
        let fileManager = FileManager.default
        let remade = Self.wholeFolders.filter { folder in files.contains { $0.path.hasPrefix(folder) } }
        let existing = prune ? Set(earlier ?? listFiles())
            : Set(remade.flatMap { folder in FileTree.files(under: output + "/" + folder, includingHidden: true).map { folder + $0 } })
        let outcomes = ResultSlots<Result<Bool, Diagnostic>>(count: files.count)
        DispatchQueue.concurrentPerform(iterations: files.count) { index in
            outcomes[index] = writeIfChanged(files[index])
        }
        var summary = Summary()
        var problems: [Diagnostic] = []
        for outcome in outcomes.values {
            switch outcome {
            case .success(true): summary.written += 1
            case .success(false): summary.unchanged += 1
            case let .failure(problem): problems.append(problem)
            }
        }
        guard problems.isEmpty else { throw BuildErrors(problems, whileWriting: true) }
        let stale = existing.subtracting(files.map(\.path))
        // Counted only when removed: a listing taken while pages were written may hold a temporary file since
        // renamed into place.
        for path in stale.sorted() where (try? fileManager.removeItem(atPath: output + "/" + path)) != nil {
            summary.removed += 1
        }
        // After a whole site only: the whole folders are flat, and walking a 10,000-product site's folders costs
        // an edit under `gage serve` 100 ms.
        if summary.removed > 0, prune { removeEmptyFolders() }
        return summary
    }

    /// Returns whether the file was written (false: already had these bytes).
    private func writeIfChanged(_ file: OutputFile) -> Result<Bool, Diagnostic> {
        let destination = output + "/" + file.path
        let bytes: Data
        switch file.content {
        case let .written(changed):
            return .success(changed)
        case let .text(text):
            bytes = Data(text.utf8)
        case let .named(text):
            var there = stat()
            if stat(destination, &there) == 0, there.st_size == text.utf8.count { return .success(false) }
            bytes = Data(text.utf8)
        case let .stored(source):
            var there = stat(), here = stat()
            if stat(destination, &there) == 0, stat(source, &here) == 0, there.st_size == here.st_size {
                return .success(false)
            }
            guard let data = FileManager.default.contents(atPath: source) else {
                return .failure(Diagnostic(file: source, line: nil, message: "cannot be read to copy",
                                           hint: "the photo cache changed during the build: build again"))
            }
            bytes = data
        case let .copy(source):
            guard let data = FileManager.default.contents(atPath: source) else {
                return .failure(Diagnostic(file: source, line: nil, message: "cannot be read to copy"))
            }
            bytes = data
        }
        let current = FileManager.default.contents(atPath: destination)
        if let current, current == bytes { return .success(false) }
        // A file that changes goes through a temporary file and a rename, so that a reader (the browser of
        // `gage serve`) gets its old bytes or its new ones, never half of each. A file that was not there has no
        // old bytes to keep whole: it is written in place, which spares a fresh build a rename per page.
        func put() -> Bool {
            if current == nil {
                let failure = Self.create(destination, with: bytes)
                if failure == 0 { return true }
                if failure == ENOENT { return false }  // its folder is missing
            }
            return Self.replace(destination, with: bytes)
        }
        if put() { return .success(true) }
        // The folder is new: make it (here, in the parallel loop) and write again.
        let folder = String(destination[..<(destination.lastIndex(of: "/") ?? destination.endIndex)])
        // Usually only the last folder is missing (products/<slug>/): one mkdir, and FileManager's walk up the
        // path only when that is not enough.
        if mkdir(folder, 0o755) != 0, errno != EEXIST {
            try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        }
        if put() { return .success(true) }
        return .failure(Diagnostic(file: file.path, line: nil,
                                   message: "cannot be written to \(output): \(String(cString: strerror(errno)))"))
    }

    /// Writes `bytes` to a temporary file beside `path` and renames it over `path`, so a reader (the browser
    /// of `gage serve`) never sees half a page. No fsync: the output can always be built again, and a sync per
    /// file made builds on a real disk many times slower.
    static func replace(_ path: String, with bytes: Data) -> Bool {
        let temporary = path + ".gage-tmp"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { return false }
        guard writeAll(bytes, to: descriptor), rename(temporary, path) == 0 else {
            unlink(temporary)
            return false
        }
        return true
    }

    /// Writes `bytes` to a new file at `path` (nothing may be there). Returns 0, or the `errno` it failed with.
    static func create(_ path: String, with bytes: Data) -> Int32 {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { return errno }
        guard writeAll(bytes, to: descriptor) else {
            let failure = errno
            unlink(path)
            return failure == 0 ? EIO : failure
        }
        return 0
    }

    /// Writes all of `bytes` to `descriptor` and closes it.
    private static func writeAll(_ bytes: Data, to descriptor: Int32) -> Bool {
        defer { close(descriptor) }
        return bytes.withUnsafeBytes { raw -> Bool in
            var written = 0
            while written < raw.count {
                let count = Glibc.write(descriptor, raw.baseAddress! + written, raw.count - written)
                if count <= 0 { return false }
                written += count
            }
            return true
        }
    }

    /// Writes pages as the renderer makes them, so a big site is never held in memory whole. Open it before
    /// rendering (it checks the output folder first), pass `write` as the renderer's stream, then give the
    /// renderer's files to `finish`.
    public struct PageStream: Sendable {
        let writer: SiteWriter
        /// What an earlier build left in the folder, listed in the background while the shop loads (after the
        /// pages are written, the walk would list all of them too: 10,000 entries on a big shop). Pages this build
        /// writes meanwhile may or may not be seen; they are among its files either way.
        private let earlier: EarlierFiles

        public init(_ writer: SiteWriter) throws(BuildErrors) {
            try writer.checkOutputFolder()
            self.writer = writer
            earlier = EarlierFiles(listing: writer)
        }

        /// Writes `page` if its bytes changed and returns it as `.written`, holding no text; a page that could
        /// not be written is returned as it is, for `finish` to try again and report.
        @Sendable public func write(_ page: OutputFile) -> OutputFile {
            guard case let .success(changed) = writer.writeIfChanged(page) else { return page }
            return OutputFile(path: page.path, content: .written(changed: changed))
        }

        /// Writes the rest of `files` and removes what an earlier build left (nothing when a file failed).
        public func finish(_ files: [OutputFile]) throws(BuildErrors) -> Summary {
            // The folder was checked when the stream opened; now it holds new pages but no catalog.json yet.
            try writer.writeIntoCheckedFolder(files, prune: true, earlier: earlier.files)
        }
    }

    private final class EarlierFiles: @unchecked Sendable {
        private let listed = DispatchGroup()
        private var listing: [String] = []

        init(listing writer: SiteWriter) {
            DispatchQueue.global().async(group: listed) { self.listing = writer.listFiles() }
        }

        /// Waits for the listing.
        var files: [String] {
            listed.wait()
            return listing
        }
    }

    /// Refuses to write into a folder that holds something other than an earlier build (it would be pruned).
    private func checkOutputFolder() throws(BuildErrors) {
        let fileManager = FileManager.default
        guard let entries = try? fileManager.contentsOfDirectory(atPath: output), !entries.isEmpty else { return }
        if entries.contains("shop.yml") || entries.contains("content") || !entries.contains("catalog.json") {
            throw BuildErrors([Diagnostic(
                file: output, line: nil, message: "the output folder is not empty and is not an earlier Gage build",
                hint: "choose another --output, or empty the folder (Gage removes files it did not make)")])
        }
    }

    private func listFiles() -> [String] { FileTree.files(under: output, includingHidden: true) }

    private func removeEmptyFolders() {
        for folder in FileTree.folders(under: output).sorted(by: { $0.count > $1.count }) {
            let path = output + "/" + folder
            if (try? FileManager.default.contentsOfDirectory(atPath: path))?.isEmpty == true {
                try? FileManager.default.removeItem(atPath: path)
            }
        }
    }
}
