import Foundation
import Testing
@testable import GageSite

@Suite struct FileTreeTests {
    @Test func test_lists_files_and_folders_in_byte_order_following_links_without_walking_into_them() throws {
        let base = NSTemporaryDirectory() + "gage-filetree-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: base) }
        let root = base + "/root", other = base + "/other"
        let manager = FileManager.default
        for folder in [root + "/a/b", root + "/.hidden", root + "/한글", other + "/sub"] {
            try manager.createDirectory(atPath: folder, withIntermediateDirectories: true)
        }
        for file in [root + "/a/b/f.txt", root + "/.hidden/q", root + "/한글/p.md", root + "/Z.txt", other + "/h.txt",
                     other + "/sub/g.txt"] {
            try Data("x".utf8).write(to: URL(fileURLWithPath: file))
        }
        try manager.createSymbolicLink(atPath: root + "/linkdir", withDestinationPath: other)
        try manager.createSymbolicLink(atPath: root + "/linkfile", withDestinationPath: other + "/h.txt")
        try manager.createSymbolicLink(atPath: root + "/broken", withDestinationPath: base + "/nowhere")

        #expect(FileTree.files(under: root) == ["Z.txt", "a/b/f.txt", "linkfile", "한글/p.md"])
        #expect(FileTree.files(under: root, includingHidden: true)
                == [".hidden/q", "Z.txt", "a/b/f.txt", "linkfile", "한글/p.md"])
        #expect(FileTree.folders(under: root) == [".hidden", "a", "a/b", "linkdir", "한글"])
        #expect(FileTree.files(under: base + "/missing").isEmpty)
    }
}
