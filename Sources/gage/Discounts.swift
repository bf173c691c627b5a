import ArgumentParser
import Foundation
import GageCatalog
import GageCore
import GageLedger

/// `gage discounts`: each discount code with its redemptions and what is left of its limit (SPEC §11).
struct Discounts: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Discount codes: redemptions, what is left of each limit, and what they saved buyers.",
        discussion: "Codes come from shop.yml (the built site has only their hashes); codes the ledger holds that "
            + "shop.yml no longer declares are listed too. Limits are the catalog's the function judges with.")

    @Option(name: .shortAndLong, help: "The shop's source folder (with shop.yml).")
    var source: String = "."

    @Option(help: "The catalog.json the function judges with (default: $GAGE_CATALOG, else public/catalog.json).")
    var catalog: String?

    @OptionGroup var ledger: LedgerOption

    @Flag(help: "JSON for scripts instead of a table.")
    var json = false

    struct Line: Encodable {
        var code: String
        var redemptions: Int
        /// Held by checkouts not yet paid: they count against the limit until paid or expired.
        var held: Int
        var limit: Int?
        var left: Int?
        var discount: Int
        var ends: String?
    }

    func run() throws {
        let book = try ledger.open()
        let usage = Dictionary(uniqueKeysWithValues: try book.discountUsage(at: Int(Date().timeIntervalSince1970))
            .map { ($0.code, $0) })
        let published = loadCatalog()
        var declared: [DiscountSetting] = []
        if let text = try? String(contentsOfFile: source + "/shop.yml", encoding: .utf8),
           let settings = ShopSettings.parse(text).0 {
            declared = settings.discounts
        }
        var codes = declared.map { DiscountKey.normalise($0.code) }
        for code in usage.keys.sorted() where !codes.contains(code) { codes.append(code) }
        let lines = codes.map { code -> Line in
            let rule = published?.discount(code: code)
            let setting = declared.first { DiscountKey.normalise($0.code) == code }
            let limit = rule?.limit ?? setting?.limit
            let used = usage[code]?.redemptions ?? 0
            let held = usage[code]?.held ?? 0
            let ends = (rule?.ends ?? setting?.ends).map { KoreanTime.text($0 - 1) }
            return Line(code: code, redemptions: used, held: held, limit: limit,
                        left: limit.map { max(0, $0 - used - held) },
                        discount: usage[code]?.discountGiven ?? 0, ends: ends)
        }
        if json {
            print(try prettyJSON(lines))
            return
        }
        guard !lines.isEmpty else {
            print("할인 코드가 없습니다.")
            return
        }
        print(Table(header: ["코드", "사용", "결제 중", "남음", "할인 합계", "종료"], rightAligned: [1, 2, 3, 4],
                    rows: lines.map { line in
            [line.code, line.limit.map { "\(line.redemptions)/\($0)" } ?? "\(line.redemptions)", "\(line.held)",
             line.left.map(String.init) ?? "무제한", OrderText.won(line.discount), line.ends ?? ""]
        }).render())
    }

    func loadCatalog() -> Catalog? {
        let path = catalog ?? ProcessInfo.processInfo.environment["GAGE_CATALOG"] ?? source + "/public/catalog.json"
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        return try? JSONDecoder().decode(Catalog.self, from: data)
    }
}
