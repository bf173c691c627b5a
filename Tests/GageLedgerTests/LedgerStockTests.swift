@testable import GageLedger
import GageCore
import XCTest

final class LedgerStockTests: XCTestCase {
    var folder: String!

    override func setUpWithError() throws {
        folder = NSTemporaryDirectory() + "gage-ledger-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: folder) }

    func paid(_ id: String, sku: String, units: Int) -> LedgerOrder {
        LedgerOrder(impUID: id, merchantUID: "m-\(id)", status: "paid", amount: 1000 * units, currency: "KRW",
                    name: "한정판", items: [PricedItem(sku: sku, title: "한정판", quantity: units, options: [:], price: 1000)])
    }

    /// A ledger written before SKUs were checked may hold a look-alike spelling next to the real one: SQL keeps
    /// them apart, a Swift dictionary does not. Both count; neither overwrites the other.
    func test_units_held_sum_every_row_whatever_its_spelling() throws {
        let ledger = try Ledger(path: folder + "/orders.sqlite")
        try ledger.transaction { () throws(LedgerError) in
            try ledger.save(paid("imp_1", sku: "SKU-K", units: 2), event: LedgerEvent(at: 100, channel: "callback",
                                                                                       iamportStatus: "paid", decision: "paid"))
            try ledger.save(paid("imp_2", sku: "SKU-\u{212A}", units: 1), event: LedgerEvent(at: 101, channel: "callback",
                                                                                              iamportStatus: "paid", decision: "paid"))
            try ledger.save(paid("imp_3", sku: "SKU-K", units: 1), event: LedgerEvent(at: 102, channel: "callback",
                                                                                       iamportStatus: "paid", decision: "paid"))
        }
        let held = try ledger.unitsHeld(excluding: "", at: 200)
        XCTAssertEqual(held.values.reduce(0, +), 4)
        XCTAssertEqual(held["SKU-K"], 4)
    }
}
