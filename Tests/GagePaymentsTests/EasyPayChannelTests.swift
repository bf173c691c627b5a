import Testing
@testable import GageCore
@testable import GagePayments
import Foundation

/// SPEC §1 `easy_pay` (wave 3): a payment through an easy-pay button the shop enabled passes the channel check;
/// any other easy pay does not.
@Suite struct EasyPayChannelTests {
    func v1Shop(_ easyPay: [String: String]) -> Catalog.PaymentChannels {
        var channels = Catalog.PaymentChannels(pg: "html5_inicis.MOI1234567", payMethods: ["card", "vbank"])
        channels.easyPay = easyPay
        return channels
    }

    func v1Payment(pg: String, mid: String?, method: String, embedded: String? = nil) -> ProviderPayment {
        var payment = ProviderPayment(impUID: "imp_1", merchantUID: "shop-1", payMethod: method, amount: 1000,
                                      status: "paid", pgProvider: pg, pgID: mid)
        payment.embPGProvider = embedded
        return payment
    }

    static let v1Brands: [(brand: String, pg: String, mid: String, methods: [String])] = [
        ("kakaopay", "kakaopay.TC0ONETIME", "TC0ONETIME", ["card", "point", "kakaopay"]),
        ("naverpay", "naverpay.np_test01", "np_test01", ["card", "point", "naverpay"]),
        ("tosspay", "tosspay.tosstest", "tosstest", ["card", "trans", "point", "tosspay"]),
    ]

    @Test func each_enabled_v1_easy_pay_is_accepted_through_its_own_channel() {
        let all = v1Shop(Dictionary(uniqueKeysWithValues: Self.v1Brands.map { ($0.brand, $0.pg) }))
        for entry in Self.v1Brands {
            for method in entry.methods {
                #expect(ChannelCheck.accepts(v1Payment(pg: entry.brand, mid: entry.mid, method: method), all),
                        "\(entry.brand) by \(method)")
            }
            // Through its channel but by a method no easy pay reports, or another MID of the same brand: refused.
            #expect(!ChannelCheck.accepts(v1Payment(pg: entry.brand, mid: entry.mid, method: "vbank"), all))
            #expect(!ChannelCheck.accepts(v1Payment(pg: entry.brand, mid: "OTHERMID", method: "card"), all))
        }
    }

    @Test func an_easy_pay_the_shop_did_not_enable_is_refused() {
        for enabled in Self.v1Brands {
            let shop = v1Shop([enabled.brand: enabled.pg])
            for other in Self.v1Brands where other.brand != enabled.brand {
                #expect(!ChannelCheck.accepts(v1Payment(pg: other.brand, mid: other.mid, method: "card"), shop),
                        "\(other.brand) with only \(enabled.brand) enabled")
            }
            #expect(!ChannelCheck.accepts(v1Payment(pg: "payco", mid: "PARTNERTEST", method: "card"), shop))
        }
        // A shop without buttons refuses them all, and still takes its own PG's window.
        let none = v1Shop([:])
        #expect(!ChannelCheck.accepts(v1Payment(pg: "kakaopay", mid: "TC0ONETIME", method: "card"), none))
        #expect(ChannelCheck.accepts(v1Payment(pg: "html5_inicis", mid: "MOI1234567", method: "card"), none))
        #expect(ChannelCheck.accepts(v1Payment(pg: "html5_inicis", mid: "MOI1234567", method: "vbank"),
                                     v1Shop(["kakaopay": "kakaopay.TC0ONETIME"])))
    }

    func v2Shop(payMethods: [String], easyPay: [String]) -> Catalog.PaymentChannels {
        var channels = Catalog.PaymentChannels(storeID: "store-1", channelKey: nil,
                                               channelKeys: ["CARD": "channel-key-card", "EASY_PAY": "channel-key-easy"],
                                               payMethods: payMethods)
        channels.easyPayProviders = easyPay.isEmpty ? nil : easyPay
        return channels
    }

    func v2Payment(channel: String, provider: String?) -> ProviderPayment {
        var payment = ProviderPayment(impUID: "p-1", merchantUID: "p-1", payMethod: provider == nil ? "card" : "easy_pay",
                                      amount: 1000, status: "paid", pgProvider: "TOSSPAYMENTS")
        payment.channelKey = channel
        payment.embPGProvider = provider
        return payment
    }

    @Test(arguments: ["KAKAOPAY", "NAVERPAY", "TOSSPAY"])
    func a_v2_easy_pay_is_accepted_only_when_enabled_and_on_the_easy_pay_channel(_ provider: String) {
        let only = v2Shop(payMethods: ["CARD"], easyPay: [provider])
        #expect(ChannelCheck.accepts(v2Payment(channel: "channel-key-easy", provider: provider), only))
        #expect(!ChannelCheck.accepts(v2Payment(channel: "channel-key-card", provider: provider), only))
        for other in ["KAKAOPAY", "NAVERPAY", "TOSSPAY", "PAYCO", "SAMSUNGPAY"] where other != provider {
            #expect(!ChannelCheck.accepts(v2Payment(channel: "channel-key-easy", provider: other), only), "\(other)")
        }
        #expect(!ChannelCheck.accepts(v2Payment(channel: "channel-key-easy", provider: nil), only))      // a card payment there
        #expect(ChannelCheck.accepts(v2Payment(channel: "channel-key-card", provider: nil), only))
        // Without buttons and without EASY_PAY among the pay methods, no easy pay is the shop's.
        #expect(!ChannelCheck.accepts(v2Payment(channel: "channel-key-easy", provider: provider), v2Shop(payMethods: ["CARD"], easyPay: [])))
    }

    @Test func the_catalog_carries_the_buttons_and_an_old_catalog_has_none() throws {
        var channels = v1Shop(["kakaopay": "kakaopay.TC0ONETIME"])
        channels.easyPayProviders = nil
        let encoded = try JSONEncoder().encode(channels)
        let decoded = try JSONDecoder().decode(Catalog.PaymentChannels.self, from: encoded)
        #expect(decoded.easyPay == ["kakaopay": "kakaopay.TC0ONETIME"])
        let old = try JSONDecoder().decode(Catalog.PaymentChannels.self, from: Data(#"{"pg":"html5_inicis","pay_methods":["card"]}"#.utf8))
        #expect(old.easyPay == nil && old.easyPayProviders == nil)
        #expect(!String(decoding: try JSONEncoder().encode(old), as: UTF8.self).contains("easy_pay"))
    }
}
