import Foundation

/// A shop source folder in a fresh temporary directory, removed when the value is discarded.
public final class TemporaryShop {
    public let root: String

    public static let minimalSettings = """
        title: 테스트 가게
        base_url: https://shop.example.kr/
        iamport:
          merchant_code: imp12345678
        checkout:
          shipping: { fee: 3000, free_over: 50000 }
        categories:
          - slug: coffee
            title: 커피
          - slug: tea
            title: 차
        business:
          name: 테스트 상회
          registration_number: 123-45-67890

        """

    public init(settings: String? = TemporaryShop.minimalSettings, files: [String: String] = [:]) throws {
        root = FileManager.default.temporaryDirectory
            .appendingPathComponent("gage-test-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: root + "/content/products", withIntermediateDirectories: true)
        if let settings { try write("shop.yml", settings) }
        for (path, text) in files { try write(path, text) }
    }

    deinit { try? FileManager.default.removeItem(atPath: root) }

    public func write(_ path: String, _ text: String) throws {
        let url = URL(fileURLWithPath: root + "/" + path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: url, atomically: true, encoding: .utf8)
    }

    public func read(_ path: String) -> String? {
        try? String(contentsOfFile: root + "/" + path, encoding: .utf8)
    }

    /// A product file with the given front-matter lines and a short body.
    public static func product(_ frontMatter: String, body: String = "설명입니다.") -> String {
        "---\n" + frontMatter + (frontMatter.hasSuffix("\n") ? "" : "\n") + "---\n" + body + "\n"
    }
}
