@testable import GageLedger
import GageCore
import XCTest

final class LedgerCopyTests: XCTestCase {
    var folder: String!

    override func setUpWithError() throws {
        folder = NSTemporaryDirectory() + "gage-ledger-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: folder) }

    func paidOrder(_ id: String, units: Int) -> LedgerOrder {
        LedgerOrder(impUID: id, merchantUID: "m-\(id)", status: "paid", amount: 1000 * units, currency: "KRW",
                    name: "원두", items: [PricedItem(sku: "BEAN", title: "원두", quantity: units, options: [:], price: 1000)],
                    buyer: .init(name: "홍길동", tel: "010-1234-5678"))
    }

    func test_a_copy_holds_every_row_and_new_ids_follow_the_copied_ones() throws {
        let source = try Ledger(path: folder + "/a.sqlite")
        try source.transaction { () throws(LedgerError) in
            try source.noteCatalog(version: "v1", json: "{}", since: 100)
            try source.save(paidOrder("imp_1", units: 2), event: LedgerEvent(at: 200, channel: "callback",
                                                                             iamportStatus: "paid", decision: "paid"))
            try source.save(paidOrder("imp_2", units: 1), event: LedgerEvent(at: 300, channel: "webhook",
                                                                             iamportStatus: "paid", decision: "paid"))
        }
        _ = try source.ship("imp_1", carrier: "cj", tracking: "6012", at: 400) { _, after in
            [OutgoingNotification(dedupeKey: "imp_1:shipped", impUID: after.impUID, kind: "shipped", channel: .email,
                                  recipient: "buyer@example.kr", subject: "발송", text: after.tracking ?? "")]
        }
        try source.noteLookupFailure(order: "shop-x", client: "192.0.2.1", at: 500)
        XCTAssertTrue(try source.takeWebhookDelivery(id: "msg_1", signedAt: 600, now: 600))
        // A refund of imp_2's unit (back in stock), a return request and an exchange's parcel for imp_1.
        try source.transaction { () throws(LedgerError) in
            let intent = try source.recordRefundIntent(LedgerRefund(
                impUID: "imp_2", amount: 1000, lines: [RefundLine(sku: "BEAN", title: "원두", options: [:], quantity: 1,
                                                                  unitPrice: 1000)],
                restock: true, reason: "반품", requestedBy: "seller:test", cancelledBefore: 0, createdAt: 700))
            var after = paidOrder("imp_2", units: 1)
            after.cancelledAmount = 1000
            XCTAssertTrue(try source.finishRefund(intent, state: .done, providerCancellation: "cancel-1", note: nil,
                                                  order: after, event: nil, notifications: [], at: 710))
        }
        _ = try source.openRequest("imp_1", kind: .return, reason: "색이 달라요", at: 800, notifications: [])
        try source.recordShipment(LedgerShipment(impUID: "imp_1", kind: "exchange", carrier: "cj", tracking: "7012",
                                                 shippedAt: 900), notifications: [])
        let held = LedgerHold(merchantUID: "m-held", clientKey: "192.0.2.1", door: "prepare", amount: 1000,
                              items: [.init(sku: "BEAN", quantity: 1)], createdAt: 700, expiresAt: 1600)
        try source.transaction { () throws(LedgerError) in try source.hold(held) }
        XCTAssertNil(try source.countRequest(action: "prepare", client: "192.0.2.1", limit: 5, window: 600, at: 700))
        try source.rememberShopName(orderPrefix: "shop-", shop: "shop-a1b2c3")
        let destination = try Ledger(path: folder + "/b.sqlite")
        let counts = try source.copy(into: destination)
        XCTAssertEqual(counts.map(\.rows), [1, 1, 0, 2, 2, 5, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1])
        XCTAssertEqual(try destination.refunds(), try source.refunds())
        XCTAssertEqual(try destination.requests(impUID: "imp_1"), try source.requests(impUID: "imp_1"))
        XCTAssertEqual(try destination.shipments("imp_1"), try source.shipments("imp_1"))
        XCTAssertEqual(try destination.hold(merchantUID: "m-held"), held)
        XCTAssertEqual(try destination.orderPrefixes(ofShop: "shop-a1b2c3"), ["shop-"])
        // A delivery taken before the copy is still taken after it: a replay stays refused on the new ledger.
        XCTAssertFalse(try destination.takeWebhookDelivery(id: "msg_1", signedAt: 600, now: 610))
        XCTAssertEqual(try destination.notifications(), try source.notifications())
        XCTAssertEqual(try destination.order("imp_1")?.carrier, "cj")
        XCTAssertEqual(try destination.orders(), try source.orders())
        XCTAssertEqual(try destination.history("imp_1"), try source.history("imp_1"))
        XCTAssertEqual(try destination.unitsHeld(excluding: "", at: 500), ["BEAN": 3])   // 3 sold, 1 returned, 1 held
        try destination.append(LedgerEvent(at: 600, channel: "seller", iamportStatus: "paid", decision: "shipped"), to: "imp_2")
        XCTAssertEqual(try destination.history("imp_2").map(\.at), [300, 600])
    }

    func test_a_ledger_that_holds_orders_is_never_copied_into() throws {
        let source = try Ledger(path: folder + "/a.sqlite")
        let destination = try Ledger(path: folder + "/b.sqlite")
        try destination.transaction { () throws(LedgerError) in
            try destination.save(paidOrder("imp_9", units: 1), event: LedgerEvent(at: 1, channel: "callback",
                                                                                  iamportStatus: "paid", decision: "paid"))
        }
        XCTAssertThrowsError(try source.copy(into: destination)) { error in
            XCTAssertTrue("\(error)".contains("not empty"), "\(error)")
        }
        XCTAssertEqual(try destination.orders().map(\.impUID), ["imp_9"])
    }
}
