import Foundation
import Testing
@testable import GageCore

/// Unix seconds of a wall-clock time in Korea (UTC+9), written out by hand.
private func korea(_ year: Int, _ month: Int, _ day: Int, _ hour: Int = 10, _ minute: Int = 0) -> Int {
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = TimeZone(secondsFromGMT: 9 * 3600)!
    let date = calendar.date(from: DateComponents(year: year, month: month, day: day, hour: hour, minute: minute))!
    return Int(date.timeIntervalSince1970)
}

@Suite struct SubscriptionIntervalTests {
    @Test func test_intervals_are_weeks_or_months_from_one_to_a_year() {
        #expect(SubscriptionInterval("2w") == SubscriptionInterval(count: 2, unit: .week))
        #expect(SubscriptionInterval("1m") == SubscriptionInterval(count: 1, unit: .month))
        #expect(SubscriptionInterval("52w") != nil)
        #expect(SubscriptionInterval("12m") != nil)
        for bad in ["0w", "0m", "53w", "13m", "2d", "w", "2", "", "-1w", "+2w", "2W", "1.5m", "٢w"] {
            #expect(SubscriptionInterval(bad) == nil, "\(bad)")
        }
        #expect(SubscriptionInterval("4w")?.korean == "4주마다")
        #expect(SubscriptionInterval("1m")?.description == "1m")
    }

    @Test func test_a_month_after_the_31st_of_january_is_the_last_day_of_february_and_then_the_31st_again() {
        let anchor = korea(2027, 1, 31)
        let monthly = SubscriptionInterval(count: 1, unit: .month)
        #expect(monthly.chargeDate(1, anchor: anchor) == anchor)
        #expect(monthly.chargeDate(2, anchor: anchor) == korea(2027, 2, 28))
        #expect(monthly.chargeDate(3, anchor: anchor) == korea(2027, 3, 31))
        #expect(monthly.chargeDate(4, anchor: anchor) == korea(2027, 4, 30))
        // A leap year keeps the 29th.
        #expect(monthly.chargeDate(2, anchor: korea(2028, 1, 31)) == korea(2028, 2, 29))
        #expect(SubscriptionInterval(count: 2, unit: .month).chargeDate(2, anchor: korea(2027, 12, 31)) == korea(2028, 2, 29))
    }

    @Test func test_dates_follow_the_korean_calendar_not_utc() {
        // 31 Jan 07:30 in Korea is still 30 Jan in UTC; the month step must keep Korea's 31st.
        let anchor = korea(2027, 1, 31, 7, 30)
        #expect(SubscriptionInterval(count: 1, unit: .month).chargeDate(2, anchor: anchor) == korea(2027, 2, 28, 7, 30))
        // Just before midnight in Korea on the last day of the month.
        let lateNight = korea(2027, 3, 31, 23, 59)
        #expect(SubscriptionInterval(count: 1, unit: .month).chargeDate(2, anchor: lateNight) == korea(2027, 4, 30, 23, 59))
    }

    @Test func test_weeks_are_seven_days_each_counted_from_the_first_charge() {
        let anchor = korea(2026, 12, 29)
        let fortnightly = SubscriptionInterval(count: 2, unit: .week)
        #expect(fortnightly.chargeDate(2, anchor: anchor) == korea(2027, 1, 12))
        #expect(fortnightly.chargeDate(27, anchor: anchor) == anchor + 26 * 14 * 86_400)
    }

    @Test func test_a_charge_merchant_uid_round_trips_and_nothing_else_parses_as_one() {
        let charge = SubscriptionCharge(subscriptionID: "k3x9q2m7ab", sequence: 4, attempt: 2)
        #expect(charge.merchantUID(prefix: "shop-") == "shop-Sk3x9q2m7ab-4r2")
        #expect(SubscriptionCharge(merchantUID: "shop-Sk3x9q2m7ab-4r2", prefix: "shop-") == charge)
        #expect(SubscriptionCharge(merchantUID: "shop-Sk3x9q2m7ab-1", prefix: "shop-")
                == SubscriptionCharge(subscriptionID: "k3x9q2m7ab", sequence: 1))
        for other in ["shop-lq3k2-abcdefghij", "shop-Sk3x9q2m7ab-0", "shop-Sk3x9q2m7ab-01", "shop-Sk3x9q2m7ab-2r1",
                      "shop-Sk3x9q2m7ab-2r", "shop-SK3X9Q2M7AB-2", "shop-Sshort-2", "other-Sk3x9q2m7ab-2",
                      "shop-Sk3x9q2m7ab-2-3", "shop-Sk3x9q2m7ab-"] {
            #expect(SubscriptionCharge(merchantUID: other, prefix: "shop-") == nil, "\(other)")
        }
        let fresh = SubscriptionCharge.newID()
        #expect(SubscriptionCharge.isID(fresh) && fresh != SubscriptionCharge.newID())
        #expect(SubscriptionCharge(subscriptionID: fresh, sequence: 9999, attempt: 3)
            .merchantUID(prefix: String(repeating: "p", count: 20) + "-").count <= 40)
    }

    @Test func test_subscriber_prices_replace_the_product_price_only_for_offered_intervals() throws {
        let catalog = Catalog(baseURL: "https://shop.example.kr/", shipping: ShippingRule(fee: 3000, freeOver: 50000),
                              products: [
            Catalog.Product(sku: "BEAN", title: "원두", price: 18000, url: "", options: [
                Catalog.Option(name: "분쇄도", values: [.init(label: "홀빈"), .init(label: "에스프레소용", price: 500)]),
            ], subscription: SubscriptionOffer(intervals: ["2w", "1m"], price: 16000)),
            Catalog.Product(sku: "TEA", title: "녹차", price: 12000, url: ""),
        ])
        let items = [OrderItem(sku: "BEAN", quantity: 2, options: ["분쇄도": "에스프레소용"])]
        // 2 × (16,000 + 500) + 3,000 shipping = 36,000
        #expect(try Pricing.price(items, in: catalog, subscription: SubscriptionInterval("2w")).total == 36_000)
        #expect(try Pricing.price(items, in: catalog).total == 40_000)
        #expect(throws: PricingError.notSubscribable(sku: "BEAN", interval: "4w")) {
            try Pricing.price(items, in: catalog, subscription: SubscriptionInterval("4w"))
        }
        #expect(throws: PricingError.notSubscribable(sku: "TEA", interval: "2w")) {
            try Pricing.price([OrderItem(sku: "TEA", quantity: 1)], in: catalog, subscription: SubscriptionInterval("2w"))
        }
    }
}
