import Testing
@testable import GageCore

/// 청소년보호법 §2(1): adult from 1 January of the year one turns 19, in Korean time.
@Suite struct AdulthoodTests {
    // 2026-06-15 12:00 KST and the last/first seconds around New Year in Seoul.
    let midYear2026 = 1_781_492_400
    let lastSecondOf2026InSeoul = 1_798_729_199     // 2026-12-31 23:59:59 KST = 14:59:59 UTC
    let firstSecondOf2027InSeoul = 1_798_729_200    // 2027-01-01 00:00:00 KST = 2026-12-31 15:00:00 UTC

    @Test func test_born_on_the_first_and_last_day_of_this_year_minus_19_are_adults() {
        #expect(Adulthood.isAdult(birthday: "2007-01-01", at: midYear2026) == true)
        #expect(Adulthood.isAdult(birthday: "2007-12-31", at: midYear2026) == true)
    }

    @Test func test_born_in_this_year_minus_18_are_not() {
        #expect(Adulthood.isAdult(birthday: "2008-01-01", at: midYear2026) == false)
        #expect(Adulthood.isAdult(birthday: "2008-12-31", at: midYear2026) == false)
    }

    @Test func test_the_year_is_seouls_even_when_utc_is_still_on_31_december() {
        #expect(Adulthood.koreanYear(at: lastSecondOf2026InSeoul) == 2026)
        #expect(Adulthood.koreanYear(at: firstSecondOf2027InSeoul) == 2027)
        // At 15:00 UTC on 31 December 2026 it is already 2027 in Seoul: someone born in 2008 is now an adult.
        #expect(Adulthood.isAdult(birthday: "2008-12-31", at: lastSecondOf2026InSeoul) == false)
        #expect(Adulthood.isAdult(birthday: "2008-12-31", at: firstSecondOf2027InSeoul) == true)
    }

    @Test(arguments: ["", "2007", "07-01-01", "birthday", "2007/01/01"])
    func test_an_unreadable_birthday_is_no_answer(text: String) {
        #expect(Adulthood.isAdult(birthday: text, at: midYear2026) == nil)
    }
}
