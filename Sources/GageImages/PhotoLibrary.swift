import CCrypto
import Foundation
import GageCore
import Glibc
import Synchronization

/// Photos made once and kept by content across builds: `<folder>/<plan>/<hash>/` holds one photo's variants and
/// its `photo.json`, and `<plan>/stamps.json` remembers each source file's hash by its stamp, so that a build with
/// unchanged photos neither decodes nor even reads them. Safe to share between threads and between processes
/// (a photo is made in a folder of its own and renamed into place whole).
public final class PhotoLibrary: Sendable {
    public let folder: String
    let plan: PhotoPlan
    private let stamps: Mutex<Stamps>

    struct Stamps {
        var entries: [String: Entry]
        var changed = false
    }

    struct Entry: Codable, Equatable {
        var stamp: String
        var hash: String
    }

    public init(folder: String, plan: PhotoPlan = PhotoPlan()) {
        self.folder = folder
        self.plan = plan
        let saved = (try? Data(contentsOf: URL(fileURLWithPath: folder + "/" + plan.fingerprint + "/stamps.json")))
            .flatMap { try? JSONDecoder().decode([String: Entry].self, from: $0) }
        stamps = Mutex(Stamps(entries: saved ?? [:]))
    }

    /// The photo at `path` (absolute), made now unless these bytes were made before.
    public func photo(at path: String) throws(PhotoError) -> Photo {
        guard let stamp = FileStamp(path: path) else { throw PhotoError("cannot be read") }
        let known = stamps.withLock { $0.entries[path] }
        let hash: String
        if let known, known.stamp == stamp.text {
            hash = known.hash
        } else {
            hash = try Self.hash(of: path, plan: plan)
            if !stamp.isRecent() {
                stamps.withLock {
                    $0.entries[path] = Entry(stamp: stamp.text, hash: hash)
                    $0.changed = true
                }
            }
        }
        let place = photoFolder(hash)
        if let made = Self.manifest(in: place) { return made }
        return try make(path, hash: hash, at: place)
    }

    /// Where a variant of `photo` is kept.
    public func file(_ variant: Photo.Variant, of photo: Photo) -> String {
        photoFolder(photo.hash) + "/" + variant.fileName
    }

    /// Remembers this build's stamps for the next one (a lost write only costs reading the photos again).
    public func save() {
        let entries: [String: Entry]? = stamps.withLock { state in
            guard state.changed else { return nil }
            state.changed = false
            return state.entries
        }
        guard let entries, let data = try? JSONEncoder().encode(entries) else { return }
        let path = folder + "/" + plan.fingerprint + "/stamps.json"
        let scratch = path + ".\(getpid()).tmp"
        if FileManager.default.createFile(atPath: scratch, contents: data), rename(scratch, path) != 0 {
            unlink(scratch)
        }
    }

    // MARK: - Making

    private func photoFolder(_ hash: String) -> String { folder + "/" + plan.fingerprint + "/" + hash }

    private func make(_ path: String, hash: String, at place: String) throws(PhotoError) -> Photo {
        let scratch = folder + "/" + plan.fingerprint + "/.\(hash).\(getpid()).\(UInt32.random(in: 0 ... .max))"
        let files = FileManager.default
        do {
            try files.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        } catch {
            throw PhotoError("cannot be cached: \(folder) is not writable (set GAGE_CACHE_DIR to a folder that is)")
        }
        defer { try? files.removeItem(atPath: scratch) }
        let photo = try PhotoMaker(plan: plan).make(source: path, hash: hash, into: scratch)
        guard let data = try? JSONEncoder().encode(photo),
              files.createFile(atPath: scratch + "/photo.json", contents: data) else {
            throw PhotoError("cannot be cached in \(folder)")
        }
        // Another build may have made the same photo meanwhile: its folder is as good as ours.
        if rename(scratch, place) != 0, Self.manifest(in: place) == nil {
            throw PhotoError("cannot be cached in \(folder): \(String(cString: strerror(errno)))")
        }
        return photo
    }

    private static func manifest(in place: String) -> Photo? {
        guard let data = FileManager.default.contents(atPath: place + "/photo.json") else { return nil }
        return try? JSONDecoder().decode(Photo.self, from: data)
    }

    /// The first 16 hex digits of the SHA-256 of the file's bytes and the plan: published names carry it, so
    /// new bytes or a new way of making them (sizes, qualities) give new addresses.
    static func hash(of path: String, plan: PhotoPlan) throws(PhotoError) -> String {
        guard var data = FileManager.default.contents(atPath: path) else { throw PhotoError("cannot be read") }
        data.append(contentsOf: Array(plan.fingerprint.utf8))
        var digest = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        let done = data.withUnsafeBytes { bytes in
            EVP_Digest(bytes.baseAddress, bytes.count, &digest, &length, EVP_sha256(), nil)
        }
        guard done == 1 else { throw PhotoError("cannot be hashed") }
        return digest.prefix(8).map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    }
}
