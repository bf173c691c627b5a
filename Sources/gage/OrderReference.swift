import ArgumentParser
import Foundation
import GageLedger

/// The order a seller names on the command line: the provider's payment id (V1 `imp_uid`; in V2 the paymentId is
/// the order number) or the 주문번호 buyers see in their mails and on the lookup page (`merchant_uid`). Shared by
/// `gage orders show`, `ship` and `refund`.
enum OrderReference {
    static func find(_ reference: String, in book: Ledger) throws -> LedgerOrder {
        if let order = try book.order(reference) { return order }
        let placed = try book.orders(merchantUID: reference)
        // A buyer may retry a failed payment under the same 주문번호: the paid (or still open) one is the order.
        let live = placed.filter { ["paid", "awaiting_deposit"].contains($0.status) }
        if live.count == 1 { return live[0] }
        if placed.count == 1 { return placed[0] }
        if placed.isEmpty {
            throw ValidationError(Say.text(ko: "원장에 \(reference) 주문이 없습니다 (주문번호 또는 결제 ID를 확인하세요)",
                                           en: "no order \(reference) in the ledger (give its order number or payment id)"))
        }
        let ids = placed.map { "\($0.impUID) (\($0.status))" }.joined(separator: ", ")
        throw ValidationError(Say.text(ko: "주문번호 \(reference) 로 결제가 여러 건 있습니다: \(ids). 결제 ID로 지정하세요",
                                       en: "order number \(reference) has several payments: \(ids); name one by its payment id"))
    }
}

/// `--utc`: times are printed in Korean time (KST, +09:00) unless asked for UTC.
struct TimeZoneOption: ParsableArguments {
    @Flag(help: "Print times in UTC instead of Korean time (KST, +09:00).")
    var utc = false

    /// Sets the zone every time printed by this command is shown in.
    func apply() { OrderText.zone = utc ? .utc : .korea }
}

/// The zone `OrderText.time` prints in, and how it is marked.
enum PrintedZone: Sendable {
    case korea, utc

    var timeZone: TimeZone { self == .utc ? TimeZone(identifier: "UTC")! : TimeZone(identifier: "Asia/Seoul")! }
    var mark: String { self == .utc ? "UTC" : "KST" }
}
