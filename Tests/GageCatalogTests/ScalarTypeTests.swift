import GageTestSupport
import Testing
import Yams
@testable import GageCatalog

@Suite struct ScalarTypeTests {
    /// Pieces of plain scalars: texts, and everything Yams' default resolver reads as another type.
    static let pieces = ["원두", "콜롬비아", "a", "Z", "x", "yes", "No", "ON", "off", "true", "False", "null", "NULL", "~",
                         "0", "7", "-3", "+12", "0x1F", "0o17", "0b101", "1_000", "3.5", ".5", "-.inf", ".NaN", "1e3",
                         "12:30", "2026-11-24", "2026-11-24 09:15:00", "<<", "=", " ", "-", ".", "_", "(", "!"]

    static func scalar(_ yaml: String) throws -> Node? {
        try Yams.compose(yaml: "key: \(yaml)")?.mapping?["key"]
    }

    @Test func test_plain_scalars_get_the_type_yams_resolves_for_them() throws {
        var random = SplitMix(seed: 24)
        var checked = 0
        for _ in 0..<3000 {
            let text = (0..<Int.random(in: 1...3, using: &random)).map { _ in Self.pieces.randomElement(using: &random)! }.joined()
            // Texts YAML would not read as one plain scalar (a trailing space, "- " or ": ") are not the question here.
            guard let ours = try? Self.scalar(text), let theirs = try? Self.scalar(text),
                  case .scalar = ours else { continue }
            #expect(ours.tagName == Tag.Name(rawValue: theirs.tag.rawValue), "\(text)")
            checked += 1
        }
        #expect(checked > 2000)
    }

    @Test func test_texts_are_strings_and_typed_values_are_not() throws {
        #expect(try Self.scalar("에티오피아 예가체프")?.tagName == .str)
        #expect(try Self.scalar("18000")?.tagName == .int)
        #expect(try Self.scalar("yes")?.tagName == .bool)
        #expect(try Self.scalar("~")?.tagName == .null)
        #expect(try Self.scalar("'18000'")?.tagName == .str)
        #expect(try Self.scalar("!!int 7")?.tagName == .int)
        #expect(try Self.scalar("!!str 7")?.tagName == .str)
    }
}
