import Testing
@testable import GagePayments

/// Order numbers a buyer can read out on the phone (SPEC §2): the shop's prefix, the day, two groups of four.
@Suite struct MerchantUIDTests {
    let shape = /onggi-(\d{6})-([0-9A-HJKMNP-TV-Z]{4})-([0-9A-HJKMNP-TV-Z]{4})/

    @Test func an_order_number_is_prefix_day_and_two_groups_of_crockford_base32() throws {
        var seen = Set<String>()
        for _ in 0..<2000 {
            let uid = MerchantUID.make(prefix: "onggi-", now: 1_796_526_000)   // 2026-12-06 12:00 KST
            let match = try #require(uid.wholeMatch(of: shape))
            #expect(match.1 == "261206")
            #expect(uid.count <= 24)
            seen.insert(uid)
        }
        #expect(seen.count == 2000)
    }

    @Test func the_day_is_the_korean_one_which_starts_at_fifteen_utc() {
        #expect(MerchantUID.koreanDay(1_796_569_199) == "261206")   // 2026-12-06 14:59:59 UTC
        #expect(MerchantUID.koreanDay(1_796_569_200) == "261207")   // 15:00 UTC = midnight in Seoul
        #expect(MerchantUID.koreanDay(1_798_729_200) == "270101")   // 2026-12-31 15:00 UTC
    }

    @Test func every_code_character_is_drawn() {
        var counts: [Character: Int] = [:]
        for _ in 0..<4000 {
            for character in MerchantUID.make(prefix: "").dropFirst(7) where character != "-" { counts[character, default: 0] += 1 }
        }
        #expect(counts.count == 32)
        #expect(counts.values.allSatisfy { $0 > 700 && $0 < 1300 })      // 1,000 expected each
    }

    @Test func the_longest_prefix_still_makes_a_valid_reference() {
        let uid = MerchantUID.make(prefix: "a-long-shop-prefix-2")
        #expect(uid.count == 36)
        #expect(PaymentReference.isMerchantUID(uid))
    }
}
