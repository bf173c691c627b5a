import Dispatch
import Foundation
import GageCore
import Testing
@testable import GageImages

/// The photo cache: made once per content, shared safely by concurrent builds, and never used for other bytes.
@Suite struct PhotoLibraryTests {
    let folder: String
    /// A 40×30 PNG (one orange colour).
    static let png = Data(base64Encoded: "iVBORw0KGgoAAAANSUhEUgAAACgAAAAeCAIAAADRv8uKAAAALklEQVR4nO3NMQEAMAgAoLlIZjKssazg5wMFiK58F/7JKhaLxWKxWCwWi8XilQEZiwGaaC11rQAAAABJRU5ErkJggg==")!

    init() {
        var template = Array("/tmp/gage-photos-XXXXXX".utf8CString)
        folder = template.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)) }
    }

    @Test func test_concurrent_builds_making_one_photo_agree_and_leave_one_copy() throws {
        let source = folder + "/photo.png"
        try Self.png.write(to: URL(fileURLWithPath: source))
        let made = ResultSlots<Result<Photo, PhotoError>>(count: 8)
        let cache = folder + "/cache"
        DispatchQueue.concurrentPerform(iterations: 8) { index in
            // A library each, as separate `gage` processes would have.
            made[index] = Result { () throws(PhotoError) -> Photo in try PhotoLibrary(folder: cache).photo(at: source) }
        }
        let photos = try made.values.map { try $0.get() }
        #expect(Set(photos.map(\.hash)).count == 1)
        #expect(photos.allSatisfy { $0 == photos[0] })
        #expect(photos[0].variants.map(\.fileName) == ["40.webp", "40.png"])
        let planFolder = try #require(FileManager.default.subpathsOfDirectory(atPath: folder + "/cache")
            .first { !$0.contains("/") && $0.hasPrefix("w") })
        let entries = try FileManager.default.contentsOfDirectory(atPath: folder + "/cache/" + planFolder)
        #expect(entries == [photos[0].hash], "no scratch folders left behind")
    }

    @Test func test_changed_bytes_under_the_same_name_make_a_new_photo() throws {
        let source = folder + "/photo.png"
        try Self.png.write(to: URL(fileURLWithPath: source))
        // Old enough to be remembered by its stamp.
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSince1970: 1_700_000_000)],
                                              ofItemAtPath: source)
        let library = PhotoLibrary(folder: folder + "/cache")
        let first = try library.photo(at: source)
        library.save()
        // A 2×1 PNG written over it at once: the same name, and maybe the same second.
        try Data(base64Encoded: "iVBORw0KGgoAAAANSUhEUgAAAAIAAAABCAIAAAB7QOjdAAAAD0lEQVR4nGNkYPjPwMAAAAQKAQHOAd3hAAAAAElFTkSuQmCC")!
            .write(to: URL(fileURLWithPath: source))
        let second = try PhotoLibrary(folder: folder + "/cache").photo(at: source)
        #expect(second.hash != first.hash)
        #expect(second.width == 2 && second.height == 1)
    }

    @Test func test_a_text_file_is_not_a_photo() throws {
        let source = folder + "/notes.jpg"
        try Data("not a photo\n".utf8).write(to: URL(fileURLWithPath: source))
        #expect(throws: PhotoError.self) { try PhotoLibrary(folder: folder + "/cache").photo(at: source) }
        let missing = folder + "/missing.jpg"
        #expect(throws: PhotoError("cannot be read")) { try PhotoLibrary(folder: folder + "/cache").photo(at: missing) }
    }
}
