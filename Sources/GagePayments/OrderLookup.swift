import GageCore
import GageLedger

/// 비회원 주문조회 (SPEC §8): a buyer without an account sees an order by its number and the phone it was placed
/// with. The answer holds the order's status, items, amount, the virtual account while it awaits the deposit and
/// the parcel's tracking — never the buyer's name, phone, address or e-mail. Lookups that match nothing count
/// against the order number and against the client's address, so numbers cannot be tried out.
public enum OrderLookup {
    /// Failed tries allowed per order number, and per client address, in `window` seconds.
    public static let triesPerOrder = 5
    public static let triesPerClient = 20
    public static let window = 3600

    /// `010-1234-5678`, `010 1234 5678`, `+82 10-1234-5678` → `01012345678`; nil for anything that is not a phone
    /// number (too few digits).
    public static func normalizedPhone(_ text: String) -> String? {
        var digits = String(text.unicodeScalars.filter { ("0"..."9").contains($0) }.map(Character.init))
        if text.trimmingPrefix(while: \.isWhitespace).hasPrefix("+82") || (digits.hasPrefix("82") && digits.count >= 11) {
            digits = "0" + digits.dropFirst(2)
        }
        return digits.count >= 9 && digits.count <= 12 ? digits : nil
    }

    /// Of the payments made under one order number, the one the buyer means: the paid one, else the newest.
    static func chosen(_ orders: [LedgerOrder]) -> LedgerOrder? {
        let rank = ["paid": 0, "awaiting_deposit": 1, "cancelled": 2, "rejected": 3, "expired": 4]
        return orders.min { (rank[$0.status] ?? 9, -$0.createdAt) < (rank[$1.status] ?? 9, -$1.createdAt) }
    }
}

/// What a guest lookup shows of an order.
public struct OrderSummary: Encodable, Sendable, Equatable {
    public var number: String
    public var status: String
    public var name: String?
    public var items: [PricedItem]
    public var amount: Int
    public var currency: String
    public var cancelledAmount: Int?
    /// Unix seconds.
    public var orderedAt: Int
    public var vbank: VirtualAccount?
    public var shipment: Shipment?
    /// For a rejected order: whether its money went back.
    public var refunded: Bool?

    public struct Shipment: Encodable, Sendable, Equatable {
        public var shippedAt: Int
        public var carrier: String?
        public var carrierName: String?
        public var tracking: String?
        public var trackingURL: String?

        enum CodingKeys: String, CodingKey {
            case shippedAt = "shipped_at", carrier, carrierName = "carrier_name", tracking, trackingURL = "tracking_url"
        }
    }

    enum CodingKeys: String, CodingKey {
        case number, status, name, items, amount, currency, cancelledAmount = "cancelled_amount"
        case orderedAt = "ordered_at", vbank, shipment, refunded
    }

    public init(_ order: LedgerOrder) {
        number = order.merchantUID
        status = order.status
        name = order.name
        items = order.items
        amount = order.amount
        currency = order.currency
        cancelledAmount = order.cancelledAmount > 0 ? order.cancelledAmount : nil
        orderedAt = order.createdAt
        vbank = order.status == "awaiting_deposit" ? order.vbank : nil
        refunded = order.status == "rejected" ? order.refunded : nil
        if let shippedAt = order.shippedAt {
            let carrier = order.carrier.flatMap(Carrier.named)
            shipment = Shipment(shippedAt: shippedAt, carrier: order.carrier, carrierName: carrier?.name,
                                tracking: order.tracking,
                                trackingURL: order.tracking.flatMap { tracking in carrier?.trackingLink(tracking) })
        }
    }
}

extension VerifyService {
    /// `/order` `{"order": merchant_uid, "phone": …}` from `client` (the request's address; nil in stdin mode).
    public func lookup(_ fields: RequestFields, client: String?) throws(ServiceError) -> Reply {
        guard let number = fields.string("order")?.trimmingPrefix(while: \.isWhitespace), !number.isEmpty,
              number.count <= 80 else {
            throw .request(.malformed("order (the order number) is required"))
        }
        guard let phone = fields.string("phone").flatMap(OrderLookup.normalizedPhone) else {
            throw .request(.malformed("phone must be the phone number the order was placed with"))
        }
        let orderKey = String(number)
        let clientKey = client ?? ""
        let ledger = try openLedger()
        let now = Self.now()
        do {
            // Counted and checked in one write transaction: forty concurrent guesses are judged one after the
            // other, so no more than the limit ever get an answer.
            let outcome = try ledger.transaction { () throws(LedgerError) -> Result<LedgerOrder, ServiceError> in
                let failures = try ledger.lookupFailures(order: orderKey, client: clientKey, since: now - OrderLookup.window)
                guard failures.order < OrderLookup.triesPerOrder,
                      clientKey.isEmpty || failures.client < OrderLookup.triesPerClient else {
                    return .failure(.tooManyTries)
                }
                let found = OrderLookup.chosen(try ledger.orders(merchantUID: orderKey).filter { order in
                    order.buyer.tel.flatMap(OrderLookup.normalizedPhone) == phone
                        && !["unpaid", "failed"].contains(order.status)
                })
                guard let found else {
                    try ledger.noteLookupFailure(order: orderKey, client: clientKey, at: now)
                    return .failure(.noSuchOrder)
                }
                return .success(found)
            }
            switch outcome {
            case let .success(found):
                var reply = Reply(ok: true)
                reply.order = OrderSummary(found)
                return reply
            case let .failure(error):
                if error == .tooManyTries { log.info("order lookup refused: too many failed tries") }
                throw error
            }
        } catch let error as LedgerError {
            log.error("ledger: \(error.message)")
            throw .ledgerUnavailable(error.message)
        } catch let error as ServiceError {
            throw error
        } catch {
            throw .ledgerUnavailable("\(error)")
        }
    }
}
