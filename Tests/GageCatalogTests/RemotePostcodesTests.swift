import GageCore
import Testing
@testable import GageCatalog

/// `checkout.shipping.remote` and the 도서산간 postcodes it is charged for (SPEC §11): Gage's list by default, the
/// carrier's own when the shop lists it, and a clear error with the line for one that is not a postcode.
@Suite struct RemotePostcodesTests {
    func shipping(_ lines: String) -> (ShippingRule?, [String]) {
        let (settings, problems) = ShopSettings.parse("title: 가게\niamport: { merchant_code: imp00000001 }\ncheckout:\n  shipping:\n" + lines)
        return (settings?.checkout.shipping, problems.map(\.description))
    }

    @Test func test_gage_ships_the_published_list_when_the_shop_names_none() {
        let (rule, problems) = shipping("    fee: 3000\n    remote: 5000\n")
        #expect(problems.isEmpty)
        let ranges = rule?.remotePostcodes ?? []
        // 울릉 and 신안's islands are on the published list; a Seoul postcode and a Jeju one (its own surcharge) are not.
        #expect(ranges.contains { $0.contains(40240) } && ranges.contains { $0.contains(58850) })
        #expect(!ranges.contains { $0.contains(3154) } && !ranges.contains { $0.contains(63309) })
        #expect(ranges.count == 29)
    }

    @Test func test_a_shops_own_list_replaces_gages() {
        let (rule, problems) = shipping("    remote: 5000\n    remote_postcodes: [\"40200-40240\", 59421, \"23100 – 23116\"]\n")
        #expect(problems.isEmpty)
        #expect(rule?.remotePostcodes == [PostcodeRange(40200, 40240), PostcodeRange(59421, 59421), PostcodeRange(23100, 23116)])
    }

    @Test func test_a_postcode_that_is_not_one_names_its_line() {
        let (_, problems) = shipping("    remote: 5000\n    remote_postcodes: [\"40200-40240\", \"5942\"]\n")
        #expect(problems == ["shop.yml:6: '5942' in checkout.shipping.remote_postcodes is not a postcode or a range — write five-digit postcodes or ranges, e.g. remote_postcodes: [\"40200-40240\", \"54000\"]"])
        let (_, backwards) = shipping("    remote: 5000\n    remote_postcodes: [\"40240-40200\"]\n")
        #expect(backwards.count == 1)
    }

    @Test func test_a_list_without_a_remote_surcharge_is_a_warning() {
        let (settings, errors, warnings) = ShopSettings.parseWithWarnings(
            "title: 가게\niamport: { merchant_code: imp00000001 }\ncheckout:\n  shipping:\n    fee: 3000\n    remote_postcodes: [\"40200-40240\"]\n")
        #expect(errors.isEmpty && settings?.checkout.shipping.remotePostcodes == nil)
        #expect(warnings.map(\.description).contains { $0.hasPrefix("shop.yml:6: checkout.shipping.remote_postcodes is not used without a remote surcharge") })
    }
}
