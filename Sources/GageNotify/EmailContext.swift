import Foundation
import GageCore
import GageLedger

/// The values an e-mail template sees (documented in docs/notifications.md): the shop, the order as the ledger holds it,
/// the buyer's details for the seller's mail, the virtual account, the shipment. Money is written out
/// (`40,000원`) and times in Korean time.
enum EmailContext {
    /// `[A-Za-z0-9_-]`, what the shop's pages make order numbers of.
    static func isOrderNumberByte(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")
    }

    /// `delivery`: which of the subscription's deliveries the order is; `carriesManageLink`: the mail shows the
    /// manage link, its token a placeholder that is filled in only when the mail is sent.
    static func make(order: LedgerOrder, notice: Notice, shop: ShopContact, subscription: LedgerSubscription? = nil,
                     delivery: Int? = nil, carriesManageLink: Bool = false) -> [String: Any] {
        let subtotal = order.items.reduce(0) { $0 + $1.price * $1.quantity }
        // A receipt that adds up: items at their price, the shipping fee before a code's discount, the regional
        // surcharge, less the code's discount (SPEC §11) — so the fee is what is left of the amount.
        let effects = order.pricing ?? LedgerOrder.PricingEffects()
        let shippingFee = max(0, order.amount - subtotal - effects.surcharge + effects.discount)
        var context: [String: Any] = [
            "shop": present([
                "title": shop.title, "url": shop.baseURL, "email": shop.email, "phone": shop.phone,
                "business": shop.business,
            ]),
            "order": [
                "number": order.merchantUID, "imp_uid": order.impUID, "name": order.name ?? "",
                "amount": won(order.amount), "subtotal": won(subtotal), "shipping_fee": won(shippingFee),
                "free_shipping": shippingFee == 0, "ordered_at": koreanTime(order.createdAt),
                "pay_method": payMethodName(order.payMethod),
                "items": order.items.map { item -> [String: Any] in
                    let options = item.options.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }
                    return ["title": item.title, "sku": item.sku, "quantity": item.quantity, "price": won(item.price),
                            "total": won(item.price * item.quantity), "options": options.joined(separator: ", "),
                            "has_options": !options.isEmpty]
                },
                "cancelled_amount": won(order.cancelledAmount), "escrow": order.escrow,
                // Absent is `false`, not "": swift-mustache opens a section for any text, even an empty one.
                "discount": effects.discount > 0 ? "-" + won(effects.discount) : false,
                "discount_code": effects.discount > 0 ? effects.discountCode.map { $0 as Any } ?? false : false,
                "surcharge": effects.surcharge > 0 ? won(effects.surcharge) : false,
                "tax_free": effects.taxFree > 0 ? won(effects.taxFree) : false,
            ] as [String: Any],
            "lookup_url": shop.lookupURL(order: order.merchantUID),
            "buyer": present([
                "name": order.buyer.name, "phone": order.buyer.tel, "email": order.buyer.email,
                "postcode": order.buyer.postcode, "address": order.buyer.addr,
            ]),
        ]
        if notice.kind == .vbankIssued {
            // Issuing a virtual account costs nothing and its e-mail goes to any address the page names: before a
            // deposit the buyer's mail carries only what the shop wrote (the account, amount, items from the
            // catalog), nothing the buyer typed — no name, no order number that is not one of ours.
            context["buyer"] = [String: Any]()
            if !order.merchantUID.utf8.allSatisfy(Self.isOrderNumberByte) || order.merchantUID.utf8.count > 40 {
                var safe = context["order"] as? [String: Any] ?? [:]
                safe["number"] = ""
                context["order"] = safe
                context["lookup_url"] = shop.lookupURL(order: "")
            }
        }
        if let vbank = order.vbank {
            context["vbank"] = ["bank": vbank.bank, "number": vbank.number, "holder": vbank.holder ?? "",
                                "due": vbank.due.map(koreanTime) ?? ""]
        }
        if order.shippedAt != nil {
            let carrier = order.carrier.flatMap(Carrier.named)
            context["shipment"] = [
                "carrier": carrier?.name ?? order.carrier ?? "", "tracking": order.tracking ?? "",
                "tracking_url": order.tracking.flatMap { carrier?.trackingLink($0) } ?? "",
                "shipped_at": order.shippedAt.map(koreanTime) ?? "",
            ]
        }
        if let subscription {
            context["subscription"] = present([
                "id": subscription.id,
                "interval": SubscriptionInterval(subscription.interval)?.korean ?? subscription.interval,
                "amount": won(subscription.amount),
                "next_charge": subscription.isLive ? subscription.nextChargeAt.map(koreanTime) : nil,
                "skip_reason": notice.kind == .subscriptionSkipped ? skipReason(order.reason) : nil,
                "delivery": delivery, "first": delivery == 1,
                "manage_url": carriesManageLink
                    ? ManageToken.manageURL(baseURL: shop.baseURL, token: ManageToken.placeholder) : nil,
            ])
        }
        switch notice.kind {
        case .refunded:
            if let refund = order.latestRefund {
                context["refund"] = [
                    "amount": won(refund.amount), "partial": refund.amount < order.amount,
                    "reason": refund.requestedBy.hasPrefix("buyer") ? "요청하신 주문 취소가 처리되었습니다."
                        : "판매자가 환불했습니다 (\(refund.reason)).",
                    "lines": refund.lines.map { line -> [String: Any] in
                        let options = line.options.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }
                        return ["title": line.title, "quantity": line.quantity, "total": won(line.total),
                                "options": options.joined(separator: ", "), "has_options": !options.isEmpty]
                    },
                    "has_lines": !refund.lines.isEmpty, "deducted": refund.deducted > 0 ? won(refund.deducted) : "",
                    "has_deduction": refund.deducted > 0, "arrival": arrival(order.payMethod),
                ] as [String: Any]
            } else {
                let partial = notice.detail.hasPrefix("partial")
                context["refund"] = [
                    "amount": won(partial || order.status == "cancelled" ? max(order.cancelledAmount, 0) : order.amount),
                    "partial": partial, "reason": refundReason(order, detail: notice.detail),
                    "arrival": arrival(order.payMethod),
                ] as [String: Any]
            }
        case .requestOpened, .requestDeclined:
            context["request"] = present(["kind": notice.values["kind"], "reason": notice.values["reason"],
                                          "answer": notice.values["answer"]])
        case .exchangeShipped:
            let carrier = notice.values["carrier"].flatMap(Carrier.named)
            let tracking = notice.values["tracking"] ?? ""
            context["exchange"] = present([
                "carrier": carrier?.name ?? notice.values["carrier"], "tracking": tracking,
                "tracking_url": tracking.isEmpty ? nil : carrier?.trackingLink(tracking),
            ])
        case .refundPending:
            context["refund"] = ["manual": order.refundState == .manual, "note": order.actionNote ?? "",
                                 "reason": order.reason ?? ""] as [String: Any]
        default:
            break
        }
        return context
    }

    /// The values that are there: a missing (or empty) one is left out, so `{{#shop.phone}}…{{/shop.phone}}`
    /// shows nothing for it.
    static func present(_ values: [String: Any?]) -> [String: Any] {
        values.compactMapValues { value -> Any? in
            guard let value else { return nil }
            if let text = value as? String, text.isEmpty { return nil }
            return value
        }
    }

    /// What the buyer is told about why their money went back.
    static func refundReason(_ order: LedgerOrder, detail: String) -> String {
        if detail != "rejected" { return "판매자가 주문을 취소했습니다." }
        switch order.reason {
        case "amount_mismatch": return "결제 금액이 주문 금액과 달라 결제를 취소했습니다."
        case "sold_out": return "결제하는 사이에 상품이 품절되어 결제를 취소했습니다."
        case "quantity_limit": return "한 번에 주문할 수 있는 수량을 넘어 결제를 취소했습니다."
        case "unknown_item": return "판매하지 않는 상품이 담겨 있어 결제를 취소했습니다."
        case "identity_required": return "성인인증이 확인되지 않아 결제를 취소했습니다."
        default: return "주문을 확인할 수 없어 결제를 취소했습니다."
        }
    }

    /// When refunded money reaches the buyer: a card's cancel shows on the card within days; money paid by
    /// transfer goes back to a bank account.
    static func arrival(_ method: String?) -> String {
        switch method {
        case "vbank": return "환불 금액은 알려 주신 환불 계좌로 영업일 기준 1~3일 안에 입금됩니다."
        case "trans": return "환불 금액은 결제하신 계좌로 영업일 기준 1~3일 안에 입금됩니다."
        case "phone": return "휴대폰 결제는 결제한 달 안의 취소는 청구되지 않고, 다음 달 이후의 취소는 계좌로 환불됩니다."
        default: return "카드 결제는 카드사에 따라 영업일 기준 3~7일 안에 취소가 반영됩니다."
        }
    }

    /// Why a subscription's delivery was skipped, for the seller.
    static func skipReason(_ reason: String?) -> String {
        switch reason {
        case "sold_out": return "품절"
        case "unknown_item": return "판매 중지된 상품"
        case "quantity_limit": return "구매 한도 초과"
        default: return reason ?? "확인 필요"
        }
    }

    static func payMethodName(_ method: String?) -> String {
        switch method {
        case "card": return "신용카드"
        case "trans": return "실시간 계좌이체"
        case "vbank": return "가상계좌"
        case "phone": return "휴대폰 소액결제"
        default: return method ?? ""
        }
    }

    /// 40000 → `40,000원`.
    static func won(_ amount: Int) -> String {
        let digits = String(abs(amount))
        var grouped = ""
        for (index, digit) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { grouped += "," }
            grouped.append(digit)
        }
        return (amount < 0 ? "-" : "") + grouped + "원"
    }

    /// Unix seconds → `2026년 11월 23일 14:05` in Korean time (UTC+9, no daylight saving).
    static func koreanTime(_ seconds: Int) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: 9 * 3600)!
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute],
                                            from: Date(timeIntervalSince1970: TimeInterval(seconds)))
        return "\(parts.year!)년 \(parts.month!)월 \(parts.day!)일 "
            + String(format: "%02d:%02d", parts.hour!, parts.minute!)
    }
}
