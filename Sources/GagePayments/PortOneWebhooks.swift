import GageCore
import GageLedger
import GageWebhooks
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The Standard Webhooks headers of a PortOne V2 delivery, as the web server passed them.
public struct WebhookHeaders: Sendable, Equatable {
    public var id: String?
    public var timestamp: String?
    public var signature: String?

    public init(id: String?, timestamp: String?, signature: String?) {
        self.id = id
        self.timestamp = timestamp
        self.signature = signature
    }

    /// CGI's `HTTP_WEBHOOK_ID`…, or, in stdin mode, the OpenFaaS watchdog's `Http_Webhook_Id`….
    public init(environment: [String: String]) {
        func header(_ name: String) -> String? {
            environment["HTTP_WEBHOOK_" + name.uppercased()] ?? environment["Http_Webhook_" + name]
        }
        self.init(id: header("Id"), timestamp: header("Timestamp"), signature: header("Signature"))
    }

    /// Whether the request carries a signature at all (stdin mode tells a webhook from a verify request by it).
    public var isPresent: Bool { signature != nil }
}

/// PortOne V2's signed deliveries: webhooks (`Transaction.*`, version 2024-04-25) and the confirm request
/// (`Transaction.Confirm`, sent to the page's `confirmUrl` before the payment is approved). Each is verified on
/// its raw body before anything is parsed, fetched or recorded; the payment itself is always fetched from the API.
extension VerifyService {
    public func portOneDelivery(body: [UInt8], headers: WebhookHeaders, confirmDoor: Bool) throws(ServiceError) -> Reply {
        let delivery = try authenticate(body: body, headers: headers)
        if delivery.type == "Transaction.Confirm" { return try confirm(delivery) }
        guard !confirmDoor else { throw .request(.malformed("the confirm URL takes Transaction.Confirm only")) }
        guard PortOneWebhook.transactionTypes.contains(delivery.type) else {
            log.info("webhook \(delivery.type.prefix(60)): not a payment event; acknowledged")
            return Reply(ok: true, status: "ignored")
        }
        guard let paymentID = delivery.data?.paymentId, PaymentReference.isMerchantUID(paymentID) else {
            // Not one of the ids this shop makes: another integration's payment on the same store.
            log.info("webhook \(delivery.type): a paymentId this shop does not make; ignored")
            return Reply(ok: true, status: "ignored")
        }
        if let store = delivery.data?.storeId, store != catalog.payment.storeID {
            log.info("webhook \(delivery.type) \(paymentID): another store's; ignored")
            return Reply(ok: true, status: "ignored")
        }
        return try recheck(impUID: paymentID, channel: .webhook)
    }

    /// Signature, freshness and first delivery; the body is decoded only after all three.
    func authenticate(body: [UInt8], headers: WebhookHeaders) throws(ServiceError) -> PortOneWebhook {
        guard let secret = webhookSecret, let key = StandardWebhook.key(secret: secret) else {
            throw .configuration("PORTONE_WEBHOOK_SECRET is not set: no PortOne webhook can be verified")
        }
        let now = Self.now()
        do {
            try StandardWebhook.verify(id: headers.id, timestamp: headers.timestamp, signatures: headers.signature,
                                       body: body, key: key, now: now)
        } catch {
            log.info("webhook refused: \(error.description)")
            throw .unauthenticWebhook(error.description)
        }
        let ledger = try openLedger()
        let id = String((headers.id ?? "").prefix(200))
        let fresh: Bool
        do {
            fresh = try ledger.takeWebhookDelivery(id: id, signedAt: Int(headers.timestamp ?? "") ?? 0, now: now)
        } catch {
            log.error("ledger: \(error.message)")
            throw .ledgerUnavailable(error.message)
        }
        guard fresh else {
            log.info("webhook refused: delivery \(id.prefix(60)) was taken before (a replay)")
            throw .unauthenticWebhook("this delivery was taken before")
        }
        guard let delivery = try? JSONDecoder().decode(PortOneWebhook.self, from: Data(body)) else {
            throw .request(.malformed("the webhook body is not a PortOne V2 (2024-04-25) webhook"))
        }
        return delivery
    }

    /// `Transaction.Confirm`: approve (200) only a payment that would be judged `paid` as it stands, for the amount
    /// PortOne is about to approve. No decision is recorded (the payment is judged again when it is paid), but the
    /// approved order's units are held for it (SPEC §9).
    func confirm(_ delivery: PortOneWebhook) throws(ServiceError) -> Reply {
        guard let paymentID = delivery.data?.paymentId, PaymentReference.isMerchantUID(paymentID),
              let total = delivery.data?.totalAmount else {
            throw .confirmRefused(reason: "bad_custom_data", message: "주문 정보를 확인할 수 없습니다.")
        }
        var payment = try fetch(paymentID)
        let ledger = try openLedger()
        guard try owns(payment, ledger: ledger) else {
            throw .confirmRefused(reason: "ignored", message: "이 상점의 주문이 아닙니다.")
        }
        guard payment.amount == total, payment.status == "ready" else {
            throw .confirmRefused(reason: "amount_mismatch", message: "결제 금액이 주문 금액과 다릅니다.")
        }
        payment.status = "paid"
        // An adult-only order is approved only with its verification, as it would be judged once paid.
        let identity = try identityEvidence(for: payment, ledger: ledger)
        let judged: Judgement
        do {
            judged = try ledger.transaction { () throws(LedgerError) -> Judgement in
                let now = Self.now()
                if Settlement.isSettled(try ledger.order(paymentID)) { return .rejected(reason: "already_settled",
                    expectedAmount: nil, refund: false, alreadyRefunded: false) }
                let (pricing, _) = try pricingCatalog(for: payment, existing: nil, ledger: ledger, now: now)
                // Judged against its own hold (from /prepare), never against it; every other hold counts.
                let held = try ledger.unitsHeld(excluding: paymentID, merchantUID: paymentID, at: now)
                let code = Judgement.OrderData.parse(payment.customData)?.discountCode
                let redemptions = try code.map { code throws(LedgerError) in
                    try ledger.redemptions(of: code, excluding: paymentID, merchantUID: paymentID, at: now)
                } ?? 0
                let judged = Judgement.judge(payment, .init(pricing: pricing, current: catalog, held: held, now: now,
                                                            identity: identity, redemptions: redemptions))
                if case let .paid(order) = judged {
                    // Approved: the units, and the code's redemption, stay this order's until its payment is decided
                    // (or the hold runs out), so of two buyers confirming the last unit or the last redemption the
                    // second is refused here, before any charge.
                    let client = try ledger.hold(merchantUID: paymentID)?.clientKey ?? ""
                    try ledger.hold(LedgerHold(merchantUID: paymentID, clientKey: client, door: "confirm",
                                               amount: order.total, items: Self.units(order.items), createdAt: now,
                                               expiresAt: now + catalog.holdMinutes * 60,
                                               discountCode: order.discountCode))
                }
                return judged
            }
        } catch {
            log.error("ledger: \(error.message)")
            throw .ledgerUnavailable(error.message)
        }
        guard case let .paid(order) = judged else {
            let reason = judged.rejectionReason ?? judged.status
            log.info("confirm \(paymentID): refused (\(reason))")
            throw .confirmRefused(reason: reason, message: Self.confirmMessage(reason))
        }
        log.info("confirm \(paymentID): approved (\(order.total) \(catalog.currency))")
        return Reply(ok: true, status: "confirmed", merchantUID: paymentID, amount: order.total, currency: catalog.currency)
    }

    /// What PortOne shows the buyer in its window when the shop refuses (`errorMessage`).
    static func confirmMessage(_ reason: String) -> String {
        switch reason {
        case "amount_mismatch": return "결제 금액이 주문 금액과 다릅니다."
        case "sold_out": return "재고가 모두 소진되었습니다."
        case "quantity_limit": return "주문 가능한 수량을 넘었습니다."
        case "unknown_item": return "판매하지 않는 상품이 포함되어 있습니다."
        case "channel_mismatch": return "이 상점에서 받지 않는 결제 수단입니다."
        case "discount_invalid": return "사용할 수 없는 할인 코드입니다."
        case "address_required": return "배송지 우편번호가 필요합니다."
        default: return "주문을 확인할 수 없어 결제를 승인하지 않았습니다."
        }
    }
}

extension Judgement {
    /// The reason of a rejection; nil for every other judgement.
    var rejectionReason: String? {
        if case let .rejected(reason, _, _, _, _) = self { return reason }
        return nil
    }
}
