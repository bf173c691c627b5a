import Testing
@testable import GageCore
@testable import GageLedger
@testable import GagePayments

/// How a judged charge moves a subscription: only its expected charge, only when made with its own key, once.
@Suite struct SubscriptionProgressTests {
    let anchor = 1_800_000_000
    let fourWeeks = SubscriptionInterval(count: 4, unit: .week)

    func subscription(_ status: LedgerSubscription.Status = .active, sequence: Int = 2, attempt: Int = 1) -> LedgerSubscription {
        var subscription = LedgerSubscription(id: "k3x9q2m7ab", customerUID: "shop-bk-1", manageTokenDigest: "t", status: status,
                                              interval: "4w", amount: 36_000, currency: "KRW", name: "원두", items: [],
                                              catalogVersion: nil, anchorAt: anchor, createdAt: anchor)
        subscription.sequence = sequence
        subscription.attempt = attempt
        return subscription
    }

    func order(_ status: String, reason: String? = nil) -> LedgerOrder {
        LedgerOrder(impUID: "imp_1", merchantUID: "m", status: status, amount: 36_000, currency: "KRW", name: nil,
                    items: [], reason: reason)
    }

    func after(_ subscription: LedgerSubscription, _ order: LedgerOrder, charge: SubscriptionCharge? = nil,
               genuine: Bool = true) -> LedgerSubscription? {
        SubscriptionProgress.after(subscription, charge: charge ?? subscription.expectedCharge, order: order,
                                   genuine: genuine, interval: fourWeeks, now: anchor + 28 * 86_400 + 3600)
    }

    @Test func test_a_paid_charge_moves_to_the_next_delivery_counted_from_the_anchor() throws {
        let moved = try #require(after(subscription(sequence: 2), order("paid")))
        #expect(moved.sequence == 3 && moved.attempt == 1 && moved.scheduleState == .pending)
        #expect(moved.nextChargeAt == anchor + 2 * 28 * 86_400)
    }

    @Test func test_the_first_charge_starts_the_subscription_or_ends_it() throws {
        let first = subscription(.pending, sequence: 1)
        #expect(try #require(after(first, order("paid"))).status == .active)
        let declined = try #require(after(first, order("failed")))
        #expect(declined.status == .declined && declined.keyState == .pending && declined.nextChargeAt == nil)
        let refused = try #require(after(first, order("rejected", reason: "sold_out")))
        #expect(refused.status == .rejected && refused.endedReason == "sold_out")
    }

    @Test func test_a_delivery_refused_for_stock_is_skipped_and_the_subscription_goes_on() throws {
        let skipped = try #require(after(subscription(sequence: 5), order("rejected", reason: "sold_out")))
        #expect(skipped.status == .active && skipped.sequence == 6)
    }

    @Test func test_a_payment_that_is_not_the_subscriptions_charge_moves_nothing() {
        let live = subscription(sequence: 3)
        // Someone else's key or PG, paid or failed.
        #expect(after(live, order("paid"), genuine: false) == nil)
        #expect(after(live, order("failed"), genuine: false) == nil)
        // A refusal that says the payment was not the charge (amount, channel, data).
        #expect(after(live, order("rejected", reason: "amount_mismatch")) == nil)
        #expect(after(live, order("rejected", reason: "bad_custom_data")) == nil)
        // A charge it no longer waits for (a duplicate webhook of the one before), or of another subscription.
        #expect(after(live, order("paid"), charge: SubscriptionCharge(subscriptionID: "k3x9q2m7ab", sequence: 2)) == nil)
        #expect(after(live, order("paid"), charge: SubscriptionCharge(subscriptionID: "k3x9q2m7ab", sequence: 3, attempt: 2)) == nil)
        // Nothing has happened yet.
        #expect(after(live, order("unpaid")) == nil)
        // An ended subscription.
        #expect(after(subscription(.cancelled, sequence: 3), order("paid")) == nil)
    }

    @Test func test_declines_are_retried_a_day_and_three_days_after_the_due_date_then_past_due() throws {
        let due = anchor + 28 * 86_400
        let once = try #require(after(subscription(sequence: 2), order("failed")))
        #expect(once.attempt == 2 && once.sequence == 2 && once.nextChargeAt == due + 86_400)
        let twice = try #require(after(once, order("failed")))
        #expect(twice.attempt == 3 && twice.nextChargeAt == due + 3 * 86_400)
        let stopped = try #require(after(twice, order("failed")))
        #expect(stopped.status == .pastDue && stopped.nextChargeAt == nil && stopped.keyState == .pending)
        // A retry that goes through resumes the normal dates.
        let recovered = try #require(after(twice, order("paid")))
        #expect(recovered.sequence == 3 && recovered.attempt == 1 && recovered.nextChargeAt == anchor + 2 * 28 * 86_400)
    }

    @Test func test_any_sequence_of_charge_outcomes_moves_forward_only_and_never_schedules_an_ended_one() {
        // Property over generated sequences: whatever arrives (duplicates, stale charges, forged ones), the expected
        // charge only grows, an ended subscription stays ended, and a live one always has a next charge date.
        var generator = SystemRandomNumberGenerator()
        let outcomes = ["paid", "failed", "rejected", "unpaid", "cancelled"]
        let reasons = ["sold_out", "amount_mismatch", "bad_custom_data", "unknown_item"]
        for _ in 0..<300 {
            var current = subscription(.pending, sequence: 1)
            for _ in 0..<40 {
                let status = outcomes.randomElement(using: &generator)!
                let reason = status == "rejected" ? reasons.randomElement(using: &generator) : nil
                var charge = current.expectedCharge
                if Bool.random(using: &generator) {
                    charge = SubscriptionCharge(subscriptionID: current.id, sequence: max(1, charge.sequence - Int.random(in: 0...1, using: &generator)),
                                                attempt: Int.random(in: 1...3, using: &generator))
                }
                let genuine = Int.random(in: 0..<5, using: &generator) > 0
                guard let next = after(current, order(status, reason: reason), charge: charge, genuine: genuine) else { continue }
                #expect(current.isLive)
                #expect((next.sequence, next.attempt) > (current.sequence, current.attempt) || !next.isLive)
                #expect(next.isLive == (next.nextChargeAt != nil))
                if !next.isLive { #expect(next.keyState == .pending && next.scheduleState == nil) }
                current = next
            }
        }
    }
}
