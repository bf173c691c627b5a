import Testing
@testable import GageCore
@testable import GageLedger
@testable import GagePayments

/// Channels, virtual-account holds, and how later looks move an order the ledger holds (decisions are final).
@Suite struct ChannelAndHoldTests {
    @Test func test_another_pg_mid_or_pay_method_is_a_channel_mismatch_refunded() {
        let reject = Judgement.rejected(reason: "channel_mismatch", expectedAmount: nil, refund: true, alreadyRefunded: false)
        #expect(Judgement.judge(payment(pg: "kcp"), catalog: catalog) == reject)
        #expect(Judgement.judge(payment(mid: "INIpayTest"), catalog: catalog) == reject)
        #expect(Judgement.judge(payment(mid: nil), catalog: catalog) == reject)
        #expect(Judgement.judge(payment(method: "phone"), catalog: catalog) == reject)
        #expect(Judgement.judge(payment(pg: nil), catalog: catalog) == reject)
    }

    @Test func test_without_a_mid_any_mid_of_the_pg_counts() {
        var open = catalog
        open.payment = .init(pg: "html5_inicis", payMethods: ["card"])
        guard case .paid = Judgement.judge(payment(mid: "INIpayTest"), catalog: open) else {
            Issue.record("a shop that names no MID takes any MID of its PG")
            return
        }
    }

    @Test func test_easy_pay_reports_point_for_its_own_money() {
        var kakao = catalog
        kakao.payment = .init(pg: "kakaopay", payMethods: ["card"])
        guard case .paid = Judgement.judge(payment(method: "point", pg: "kakaopay", mid: nil), catalog: kakao) else {
            Issue.record("Kakao Money through the shop's kakaopay channel is paid")
            return
        }
    }

    @Test func test_another_shops_payment_is_ignored_even_with_the_same_prefix() {
        let foreign = payment(amount: 1, customData: #"{"items":[],"shop":"other-999999"}"#)
        #expect(Judgement.judge(foreign, catalog: catalog) == .ignored)
    }

    @Test func test_a_virtual_account_holds_until_its_due_time_capped_by_vbank_hours() {
        var record = payment(status: "ready", method: "vbank")
        record.vbankNum = "T123"
        record.vbankIssuedAt = now - 3600
        record.vbankDate = now + 30 * 86_400  // a page edited to ask for 30 days
        #expect(Judgement.holdUntil(record, vbankHours: 72, now: now) == now - 3600 + 72 * 3600)
        record.vbankDate = now + 600
        #expect(Judgement.holdUntil(record, vbankHours: 72, now: now) == now + 600)
        guard case .awaitingDeposit(_, _, let until) = Judgement.judge(record, catalog: catalog) else {
            Issue.record("an account within its hold awaits the deposit")
            return
        }
        #expect(until == now + 600)
        record.vbankDate = now - 1
        guard case .expired = Judgement.judge(record, catalog: catalog) else {
            Issue.record("an account past its due time is expired")
            return
        }
    }

    @Test func test_a_partial_cancel_still_holds_money_and_is_judged_as_paid() {
        var record = payment(status: "cancelled")
        record.paidAt = now - 60
        record.cancelAmount = 5000
        guard case .paid = Judgement.judge(record, catalog: catalog) else {
            Issue.record("partly cancelled is still paid")
            return
        }
    }
}

@Suite struct SettlementTests {
    func order(_ status: String, refund: LedgerOrder.ProviderAction? = nil) -> LedgerOrder {
        var order = LedgerOrder(impUID: "imp_1", merchantUID: "shop-1", status: status, amount: 15000, currency: "KRW",
                                name: nil, items: [PricedItem(sku: "TEA", title: "녹차", quantity: 1, options: [:], price: 12000)])
        order.refundState = refund
        return order
    }

    func settle(_ existing: LedgerOrder?, _ record: ProviderPayment, catalog current: Catalog = catalog) -> LedgerOrder? {
        Settlement.next(existing: existing, judged: Judgement.judge(record, catalog: current), payment: record,
                        catalogVersion: "v1")
    }

    @Test func test_a_paid_order_is_never_rejected_by_a_later_look_at_a_changed_catalog() {
        var dearer = catalog
        dearer.products[0].price = 20000
        dearer.products[0].stock = 0
        let after = settle(order("paid"), payment(), catalog: dearer)
        #expect(after?.status == "paid")
        #expect(after?.refundState == nil)
        #expect(after?.items.count == 1)
    }

    @Test func test_a_paid_order_partly_cancelled_stays_paid_with_its_items() {
        var record = payment(status: "cancelled")
        record.paidAt = now - 60
        record.cancelAmount = 5000
        let after = settle(order("paid"), record)
        #expect(after?.status == "paid")
        #expect(after?.cancelledAmount == 5000)
        #expect(after?.items.count == 1)
        record.cancelAmount = 15000
        #expect(settle(after, record)?.status == "cancelled")
    }

    @Test func test_a_revoked_virtual_account_with_a_cancel_on_record_holds_no_money() {
        var revoked = payment(status: "cancelled", method: "vbank")
        revoked.vbankNum = "T1"
        revoked.cancelAmount = 1000  // paid_at 0: never paid
        #expect(settle(order("expired"), revoked)?.status == "expired")
    }

    @Test func test_a_stale_ready_never_takes_back_a_deposit() {
        var ready = payment(status: "ready", method: "vbank")
        ready.vbankNum = "T1"
        ready.vbankDate = now + 3600
        #expect(settle(order("paid"), ready)?.status == "paid")
        #expect(settle(order("rejected", refund: .done), ready)?.status == "rejected")
    }

    @Test func test_a_rejection_is_final_and_its_refund_is_marked_done_when_the_provider_shows_it() {
        var refunded = payment(status: "cancelled")
        refunded.cancelAmount = 15000
        let after = settle(order("rejected", refund: .pending), refunded)
        #expect(after?.status == "rejected")
        #expect(after?.refundState == .done)
        #expect(settle(order("rejected", refund: .pending), payment())?.refundState == .pending)
    }

    @Test func test_a_deposit_into_an_account_rejected_for_its_amount_is_owed_back_by_hand() {
        var deposited = payment(amount: 1, method: "vbank")
        deposited.vbankNum = "T1"
        #expect(settle(order("rejected"), deposited)?.refundState == .manual)
    }

    @Test func test_first_looks_record_what_the_provider_says() {
        #expect(settle(nil, payment())?.status == "paid")
        #expect(settle(nil, payment(amount: 1))?.refundState == .pending)
        #expect(settle(nil, payment(status: "ready"))?.status == "unpaid")
        #expect(settle(order("unpaid"), payment())?.status == "paid")
        #expect(settle(order("failed"), payment(status: "ready"))?.status == "failed")
    }
}
