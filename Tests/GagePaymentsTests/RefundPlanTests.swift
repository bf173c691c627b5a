import Testing
@testable import GageCore
@testable import GageLedger
@testable import GagePayments

/// SPEC §10: what a refund gives back, worked out from the order, its earlier refunds and what is left.
@Suite struct RefundPlanTests {
    /// 2 × 원두 (에스프레소용, 18,500) + 1 × 녹차 (12,000) + 3,000 shipping = 52,000.
    let order: LedgerOrder = {
        var order = LedgerOrder(impUID: "imp_1", merchantUID: "shop-1", status: "paid", amount: 52000, currency: "KRW",
                                name: "원두 외 1건", items: [
                                    PricedItem(sku: "BEAN", title: "원두", quantity: 2, options: ["분쇄도": "에스프레소용"],
                                               price: 18500),
                                    PricedItem(sku: "TEA", title: "녹차", quantity: 1, options: [:], price: 12000),
                                ])
        order.payMethod = "card"
        return order
    }()

    func request(_ items: [RefundRequest.Item] = [], amount: Int? = nil, deduct: Int = 0) -> RefundRequest {
        RefundRequest(items: items, amount: amount, deduct: deduct, reason: "test", requestedBy: "seller:test")
    }

    func done(_ lines: [RefundLine], amount: Int, taxFree: Int = 0) -> LedgerRefund {
        var refund = LedgerRefund(impUID: "imp_1", amount: amount, taxFree: taxFree, lines: lines, restock: true,
                                  reason: "earlier", requestedBy: "seller:test", cancelledBefore: 0)
        refund.state = .done
        return refund
    }

    @Test func test_everything_left_is_refunded_with_every_unit() throws {
        let plan = try RefundPlan.make(order: order, refunds: [], left: 52000, request: request())
        #expect(plan.amount == 52000 && plan.refundsAll)
        #expect(plan.lines.map { "\($0.sku)×\($0.quantity)" } == ["BEAN×2", "TEA×1"])
    }

    @Test func test_a_line_is_its_unit_price_with_options_times_quantity_less_the_deduction() throws {
        let plan = try RefundPlan.make(order: order, refunds: [], left: 52000,
                                       request: request([.init(sku: "BEAN", quantity: 2)], deduct: 3000))
        #expect(plan.amount == 34000 && plan.deducted == 3000)
        #expect(plan.lines == [RefundLine(sku: "BEAN", title: "원두", options: ["분쇄도": "에스프레소용"], quantity: 2,
                                          unitPrice: 18500)])
    }

    @Test func test_units_refunded_before_are_not_refunded_again() throws {
        let earlier = done([RefundLine(sku: "BEAN", title: "원두", options: ["분쇄도": "에스프레소용"], quantity: 1,
                                       unitPrice: 18500)], amount: 18500)
        let plan = try RefundPlan.make(order: order, refunds: [earlier], left: 33500, request: request())
        #expect(plan.amount == 33500 && plan.lines.map(\.quantity) == [1, 1])
        #expect(throws: RefundProblem.tooManyUnits(sku: "BEAN", asked: 2, left: 1)) {
            try RefundPlan.make(order: order, refunds: [earlier], left: 33500,
                                request: request([.init(sku: "BEAN", quantity: 2)]))
        }
    }

    @Test func test_more_than_is_left_is_refused() {
        #expect(throws: RefundProblem.exceedsRemaining(asked: 52001, left: 52000)) {
            try RefundPlan.make(order: order, refunds: [], left: 52000, request: request(amount: 52001))
        }
        #expect(throws: RefundProblem.exceedsRemaining(asked: 18500, left: 10000)) {
            try RefundPlan.make(order: order, refunds: [], left: 10000, request: request([.init(sku: "BEAN", quantity: 1)]))
        }
        #expect(throws: RefundProblem.nothingToRefund) {
            try RefundPlan.make(order: order, refunds: [], left: 52000,
                                request: request([.init(sku: "TEA", quantity: nil)], deduct: 12000))
        }
        #expect(throws: RefundProblem.unknownLine("GONE")) {
            try RefundPlan.make(order: order, refunds: [], left: 52000, request: request([.init(sku: "GONE", quantity: 1)]))
        }
    }

    @Test func test_an_order_not_paid_cannot_be_refunded() {
        var cancelled = order
        cancelled.status = "cancelled"
        #expect(throws: RefundProblem.nothingLeft) {
            try RefundPlan.make(order: cancelled, refunds: [], left: 0, request: request())
        }
        var waiting = order
        waiting.status = "awaiting_deposit"
        #expect(throws: RefundProblem.notRefundable(status: "awaiting_deposit")) {
            try RefundPlan.make(order: waiting, refunds: [], left: 52000, request: request())
        }
    }

    @Test func test_there_is_no_tax_free_share_while_products_carry_no_tax_free_flag() throws {
        let plan = try RefundPlan.make(order: order, refunds: [], left: 52000, request: request())
        #expect(plan.taxFree == 0)
    }

    @Test func test_a_tax_free_line_is_refunded_tax_free_less_its_share_of_the_deduction() throws {
        // 녹차 tax-free: the line (12,000) less 12,000/12,000 of a 2,000 deduction = 10,000 tax-free of 10,000.
        let tea = try RefundPlan.make(order: order, refunds: [], left: 52000,
                                      request: request([.init(sku: "TEA", quantity: 1)], deduct: 2000),
                                      isTaxFree: { $0 == "TEA" })
        #expect(tea.amount == 10000 && tea.taxFree == 10000)
        // Both lines, 3,000 kept: 12,000 of 49,000 is tax-free, so 12,000 × 46,000 / 49,000 = 11,265.
        let both = try RefundPlan.make(order: order, refunds: [], left: 52000,
                                       request: request([.init(sku: "BEAN", quantity: nil), .init(sku: "TEA", quantity: nil)],
                                                        deduct: 3000), isTaxFree: { $0 == "TEA" })
        #expect(both.amount == 46000 && both.taxFree == 11265)
        // An amount: the order's proportion, 12,000 / 52,000 of 5,200 = 1,200.
        let amount = try RefundPlan.make(order: order, refunds: [], left: 52000, request: request(amount: 5200),
                                         isTaxFree: { $0 == "TEA" })
        #expect(amount.taxFree == 1200)
    }

    /// SPEC §11: 쌀 (면세) 2 × 30,000 and 컵 1 × 10,000 with a 7,000 discount split 6,000 / 1,000, + 3,000 shipping
    /// = 66,000, of which 54,000 is tax-free.
    let discounted: LedgerOrder = {
        var order = LedgerOrder(impUID: "imp_2", merchantUID: "shop-2", status: "paid", amount: 66000, currency: "KRW",
                                name: "쌀 외 1건", items: [
                                    PricedItem(sku: "RICE", title: "쌀", quantity: 2, options: [:], price: 30000,
                                               discount: 6000, taxFree: true),
                                    PricedItem(sku: "CUP", title: "컵", quantity: 1, options: [:], price: 10000, discount: 1000),
                                ])
        order.payMethod = "card"
        order.pricing = .init(discountCode: "WELCOME", discount: 7000, surcharge: 0, taxFree: 54000)
        return order
    }()

    @Test func test_a_line_refund_gives_back_what_was_paid_for_it_after_its_discount_share_with_its_tax_free_part() throws {
        let rice = try RefundPlan.make(order: discounted, refunds: [], left: 66000,
                                       request: request([.init(sku: "RICE", quantity: 1)]))
        #expect(rice.amount == 27000 && rice.taxFree == 27000)      // 30,000 less half of 6,000
        let cup = try RefundPlan.make(order: discounted, refunds: [], left: 66000, request: request([.init(sku: "CUP", quantity: 1)]))
        #expect(cup.amount == 9000 && cup.taxFree == 0)
        let all = try RefundPlan.make(order: discounted, refunds: [], left: 66000, request: request())
        #expect(all.amount == 66000 && all.taxFree == 54000)
    }

    @Test func test_what_is_left_after_the_taxable_line_went_back_is_refunded_as_the_tax_free_part_it_is() throws {
        // 66,000 = 54,000 면세 + 12,000 과세 (컵 9,000 + shipping 3,000). The 컵 went back (9,000, 과세): of the 57,000
        // left only 3,000 is taxable, so refunding it all is 54,000 tax-free — not 57,000 × 54/66 = 46,636, which
        // would ask the PG to cancel 10,364 of taxable money it no longer holds.
        let cup = try RefundPlan.make(order: discounted, refunds: [], left: 66000, request: request([.init(sku: "CUP", quantity: 1)]))
        let earlier = done(cup.lines, amount: cup.amount, taxFree: cup.taxFree)
        let rest = try RefundPlan.make(order: discounted, refunds: [earlier], left: 57000, request: request())
        #expect(rest.amount == 57000 && rest.taxFree == 54000)
        // An amount out of what is left keeps within both parts: 56,000 needs at least 53,000 of it tax-free.
        let most = try RefundPlan.make(order: discounted, refunds: [earlier], left: 57000, request: request(amount: 56000))
        #expect(most.taxFree == 53000)
        // After the 면세 lines went back, what is left is taxable: nothing of it is tax-free.
        let rice = try RefundPlan.make(order: discounted, refunds: [], left: 66000, request: request([.init(sku: "RICE", quantity: 2)]))
        #expect(rice.amount == 54000 && rice.taxFree == 54000)
        let after = try RefundPlan.make(order: discounted, refunds: [done(rice.lines, amount: 54000, taxFree: 54000)],
                                        left: 12000, request: request())
        #expect(after.amount == 12000 && after.taxFree == 0)
    }
}
