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
    public static func chosen(_ orders: [LedgerOrder]) -> LedgerOrder? {
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
    /// What SPEC §11's rules did to the amount: the code and what it saved, the regional surcharge (nil: none).
    public var discount: Int?
    public var discountCode: String?
    public var surcharge: Int?
    /// Unix seconds.
    public var orderedAt: Int
    public var vbank: VirtualAccount?
    public var shipment: Shipment?
    /// For a rejected order: whether its money went back.
    public var refunded: Bool?
    /// What the buyer may ask for now (SPEC §10): 주문 취소 before shipping, 반품 요청 after it.
    public var canCancel = false
    public var canReturn = false
    /// The buyer's return or cancel request still waiting for the seller, if one is.
    public var openRequest: String?

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
        case discount, discountCode = "discount_code", surcharge
        case orderedAt = "ordered_at", vbank, shipment, refunded, canCancel = "can_cancel", canReturn = "can_return"
        case openRequest = "open_request"
    }

    public init(_ order: LedgerOrder, requests: [OrderRequest] = []) {
        let open = requests.last { $0.state == .open }
        openRequest = open?.kind.rawValue
        let left = order.status == "paid" && order.cancelledAmount < order.amount
        canCancel = open == nil && order.shippedAt == nil && (left || order.status == "awaiting_deposit")
        canReturn = open == nil && order.shippedAt != nil && left
        number = order.merchantUID
        status = order.status
        name = order.name
        items = order.items
        amount = order.amount
        currency = order.currency
        cancelledAmount = order.cancelledAmount > 0 ? order.cancelledAmount : nil
        if let effects = order.pricing {
            discount = effects.discount > 0 ? effects.discount : nil
            discountCode = effects.discount > 0 ? effects.discountCode : nil
            surcharge = effects.surcharge > 0 ? effects.surcharge : nil
        }
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
            // Counted, matched and noted in one write transaction (Ledger.attemptLookup): forty concurrent guesses
            // are judged one after the other, so no more than the limit ever get an answer.
            let matching = try ledger.attemptLookup(
                order: orderKey, client: clientKey, since: now - OrderLookup.window, at: now,
                triesPerOrder: OrderLookup.triesPerOrder, triesPerClient: clientKey.isEmpty ? nil : OrderLookup.triesPerClient
            ) { order in
                order.buyer.tel.flatMap(OrderLookup.normalizedPhone) == phone && !["unpaid", "failed"].contains(order.status)
            }
            guard let matching else {
                log.info("order lookup refused: too many failed tries")
                throw ServiceError.tooManyTries
            }
            guard let found = OrderLookup.chosen(matching) else { throw ServiceError.noSuchOrder }
            if fields.bool("cancel") == true || fields.bool("return") == true {
                return try act(on: found, returning: fields.bool("return") == true, reason: Self.buyerReason(fields),
                               ledger: ledger)
            }
            var reply = Reply(ok: true)
            reply.order = OrderSummary(found, requests: try ledger.requests(impUID: found.impUID))
            return reply
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

/// What a buyer's cancel or return did: `refunded` (the money went back), `closed` (a virtual account without a
/// deposit was closed), `requested` (the seller decides: a return, or a deposited virtual account's cancel),
/// `pending` (the refund is made but the provider's answer was lost: it completes on the next look).
public struct OrderActionResult: Encodable, Sendable, Equatable {
    public var kind: String
    public var result: String
    public var amount: Int?
}

extension VerifyService {
    /// The buyer's optional reason: one line of at most 200 characters (longer is cut).
    static func buyerReason(_ fields: RequestFields) -> String? {
        // Line breaks and other control characters go: the reason is shown on one line in mails and terminals.
        let kept = (fields.string("reason") ?? "").filter { character in
            !character.unicodeScalars.contains { $0.properties.generalCategory == .control }
        }
        let text = String(kept.trimmingPrefix(while: \.isWhitespace).prefix(200))
        return text.isEmpty ? nil : text
    }

    /// 주문 취소 and 반품 요청 (SPEC §10), after the lookup's proof. Before shipping a cancel refunds everything at
    /// once through the seller's refund path (a virtual account without its deposit is closed instead; a deposited
    /// one needs a bank account, so it becomes a request); after shipping a return is recorded and the seller told.
    func act(on order: LedgerOrder, returning: Bool, reason: String?, ledger: Ledger) throws(ServiceError) -> Reply {
        let now = Self.now()
        var action: OrderActionResult
        let requests: [OrderRequest]
        do { requests = try ledger.requests(impUID: order.impUID) } catch { throw .ledgerUnavailable(error.message) }
        if let open = requests.last(where: { $0.state == .open }) {
            action = OrderActionResult(kind: open.kind.rawValue, result: "requested")
            return try actionReply(order.impUID, action: action, ledger: ledger)
        }
        if returning {
            guard order.status == "paid", order.cancelledAmount < order.amount else {
                throw .orderActionRefused(reason: "not_returnable", message: "this order has nothing left to return")
            }
            guard order.shippedAt != nil else {
                throw .orderActionRefused(reason: "not_shipped", message: "the order was not shipped yet: cancel it instead")
            }
            try openRequest(order, kind: .return, reason: reason, ledger: ledger, at: now)
            action = OrderActionResult(kind: "return", result: "requested")
            return try actionReply(order.impUID, action: action, ledger: ledger)
        }
        if order.status == "cancelled" {
            return try actionReply(order.impUID, action: OrderActionResult(kind: "cancel", result: "refunded",
                                                                          amount: order.cancelledAmount), ledger: ledger)
        }
        guard order.shippedAt == nil else {
            throw .orderActionRefused(reason: "already_shipped", message: "the order was shipped: ask for a return instead")
        }
        switch order.status {
        case "awaiting_deposit":
            let payment = try fetch(order.impUID)
            if payment.isIssuedVirtualAccount {
                do { try client.revokeVirtualAccount(id: order.impUID) } catch { throw serviceError(error) }
            }
            // The provider's record decides: closed, or deposited after all (then it is a paid order's cancel).
            let now = try settle(try fetch(order.impUID), channel: .reconcile)
            if now.status == "paid" {
                return try act(on: try recorded(order.impUID, in: ledger) ?? order, returning: false, reason: reason,
                               ledger: ledger)
            }
            action = OrderActionResult(kind: "cancel", result: "closed")
        case "paid" where order.payMethod == "vbank":
            try openRequest(order, kind: .cancel, reason: reason, ledger: ledger, at: now)
            action = OrderActionResult(kind: "cancel", result: "requested")
        case "paid":
            let request = RefundRequest(reason: reason.map { "구매자 취소: \($0)" } ?? "구매자 주문 취소", requestedBy: "buyer")
            do {
                let outcome = try refund(order.impUID, request: request)
                action = OrderActionResult(kind: "cancel", result: outcome.refund.state == .done ? "refunded" : "pending",
                                           amount: outcome.refund.amount)
            } catch {
                switch error {
                case .unknownOutcome: action = OrderActionResult(kind: "cancel", result: "pending")
                case .ledger(let detail): throw .ledgerUnavailable(detail)
                case .provider(let detail): throw .providerUnavailable(detail)
                case .changed:
                    // Another tap (or the seller) refunded it at the same moment: say where that refund stands.
                    if let current = (try? ledger.order(order.impUID)) ?? nil, current.status == "cancelled" {
                        action = OrderActionResult(kind: "cancel", result: "refunded", amount: current.cancelledAmount)
                    } else if (try? ledger.openRefund(order.impUID)) ?? nil != nil {
                        action = OrderActionResult(kind: "cancel", result: "pending")
                    } else {
                        throw .orderActionRefused(reason: "changed", message: "the order just changed; look again")
                    }
                case .nothingLeft: action = OrderActionResult(kind: "cancel", result: "refunded")
                default:
                    // The provider refused: the seller decides, so the cancel becomes a request they are told of.
                    log.info("order \(order.impUID): the buyer's cancel was not made, asked of the seller: \(error)")
                    try openRequest(order, kind: .cancel, reason: reason, ledger: ledger, at: now)
                    action = OrderActionResult(kind: "cancel", result: "requested")
                }
            }
        default:
            throw .orderActionRefused(reason: "not_cancellable", message: "this order cannot be cancelled")
        }
        return try actionReply(order.impUID, action: action, ledger: ledger)
    }

    private func openRequest(_ order: LedgerOrder, kind: OrderRequest.Kind, reason: String?, ledger: Ledger,
                             at now: Int) throws(ServiceError) {
        do {
            // The request's id is known only once written; the notice is keyed by the time instead.
            _ = try ledger.openRequest(order.impUID, kind: kind, reason: reason, at: now,
                                       notifications: notifier?.notifications(.requestOpened(id: now, kind: kind,
                                                                                             reason: reason),
                                                                              order: order) ?? [])
        } catch {
            throw .ledgerUnavailable(error.message)
        }
        log.info("order \(order.impUID): the buyer asked for a \(kind.rawValue)")
    }

    private func actionReply(_ impUID: String, action: OrderActionResult, ledger: Ledger) throws(ServiceError) -> Reply {
        do {
            guard let order = try ledger.order(impUID) else { throw ServiceError.noSuchOrder }
            var reply = Reply(ok: true)
            reply.order = OrderSummary(order, requests: try ledger.requests(impUID: impUID))
            reply.action = action
            return reply
        } catch let error as LedgerError {
            throw .ledgerUnavailable(error.message)
        } catch let error as ServiceError {
            throw error
        } catch {
            throw .ledgerUnavailable("\(error)")
        }
    }
}
