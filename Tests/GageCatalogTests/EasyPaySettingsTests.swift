import Testing
@testable import GageCatalog

/// shop.yml `easy_pay` (SPEC §1, wave 3): the buttons a shop offers, each its own channel, checked as the author writes them.
@Suite struct EasyPaySettingsTests {
    @Test func v1_easy_pays_are_read_into_the_catalog_channels() throws {
        let (settings, problems) = ShopSettings.parse("""
            title: 가게
            iamport:
              merchant_code: imp00000001
              pg: html5_inicis.MOI1234567
              easy_pay:
                kakaopay: kakaopay.TC0ONETIME
                tosspay: tosspay.tosstest
            """)
        #expect(problems.isEmpty)
        let parsed = try #require(settings)
        #expect(parsed.iamport.easyPay == ["kakaopay": "kakaopay.TC0ONETIME", "tosspay": "tosspay.tosstest"])
        #expect(parsed.paymentChannels.easyPay == ["kakaopay": "kakaopay.TC0ONETIME", "tosspay": "tosspay.tosstest"])
    }

    @Test func a_shop_without_easy_pay_keeps_its_catalog_as_it_was() throws {
        let (settings, _) = ShopSettings.parse("title: 가게\niamport: { merchant_code: imp00000001, pg: html5_inicis.M }\n")
        #expect(try #require(settings).paymentChannels.easyPay == nil)
    }

    @Test func an_easy_pay_gage_does_not_offer_or_a_bad_pg_is_an_error_with_its_line() {
        let (_, problems) = ShopSettings.parse("""
            title: 가게
            iamport:
              merchant_code: imp00000001
              pg: html5_inicis.MOI1234567
              easy_pay:
                kakaopay: "kakao pay"
                payco: payco.PARTNERTEST
            """)
        let messages = problems.map(\.description)
        #expect(messages.contains { $0.hasPrefix("shop.yml:6: iamport.easy_pay.kakaopay 'kakao pay' is not a PG code") })
        #expect(messages.contains { $0.contains("payco") })
    }

    @Test func v2_easy_pays_need_the_easy_pay_channel_and_known_providers() throws {
        let good = ShopSettings.parse("""
            title: 가게
            portone:
              store_id: store-1
              pay_methods: [CARD]
              channel_keys: { CARD: channel-key-card, EASY_PAY: channel-key-easy }
              easy_pay: [KAKAOPAY, NAVERPAY, TOSSPAY]
            """)
        #expect(good.1.isEmpty)
        let channels = try #require(good.0).paymentChannels
        #expect(channels.easyPayProviders == ["KAKAOPAY", "NAVERPAY", "TOSSPAY"])
        #expect(channels.channelKey(for: "EASY_PAY") == "channel-key-easy")

        let (_, problems) = ShopSettings.parse("""
            title: 가게
            portone:
              store_id: store-1
              pay_methods: [CARD]
              channel_keys: { CARD: channel-key-card }
              easy_pay: [KAKAOPAY, KAKAOPY]
            """)
        let messages = problems.map(\.description)
        #expect(messages.contains { $0.contains("portone.easy_pay 'KAKAOPY' is not an easy pay Gage offers — did you mean 'KAKAOPAY'?") })
        #expect(messages.contains { $0.contains("portone.easy_pay needs the channel easy pays go through") })
    }
}
