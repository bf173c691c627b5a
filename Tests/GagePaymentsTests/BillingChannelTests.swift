import Testing
@testable import GageCore
@testable import GagePayments

/// SPEC §5, §12: only a billing key the shop's own billing channel issued may be subscribed with, and only a charge
/// made with it through that channel is a subscription's charge — on V1 and V2 alike.
@Suite struct BillingChannelTests {
    let v1 = Catalog.PaymentChannels(pg: "html5_inicis.MOI1234567", payMethods: ["card"], billingPG: "html5_inicis.INIBillTst")
    let v2 = Catalog.PaymentChannels(storeID: "store-1", channelKey: "channel-key-card", channelKeys: nil, payMethods: ["CARD"],
                                     billingChannelKey: "channel-key-billing")

    @Test func test_a_v1_key_must_come_from_the_billing_pg_and_its_mid() {
        let key = BillingKeyRecord(key: "shop-bk-1", issued: true, pgProvider: "html5_inicis", pgID: "INIBillTst",
                                   methods: ["card"])
        #expect(ChannelCheck.acceptsBillingKey(key, v1))
        var otherMID = key
        otherMID.pgID = "MOI1234567"
        #expect(!ChannelCheck.acceptsBillingKey(otherMID, v1))
        var otherPG = key
        otherPG.pgProvider = "kcp_billing"
        #expect(!ChannelCheck.acceptsBillingKey(otherPG, v1))
        #expect(!ChannelCheck.acceptsBillingKey(key, v2))
    }

    @Test func test_a_v2_key_must_be_issued_for_cards_by_this_stores_billing_channel() {
        let key = BillingKeyRecord(key: "billing-key-1", issued: true, pgProvider: "INICIS_V2", storeID: "store-1",
                                   channelKey: "channel-key-billing", methods: ["card"])
        #expect(ChannelCheck.acceptsBillingKey(key, v2))
        var deleted = key
        deleted.issued = false
        var otherStore = key
        otherStore.storeID = "store-2"
        var paymentChannel = key
        paymentChannel.channelKey = "channel-key-card"
        var transfer = key
        transfer.methods = ["trans"]
        for refused in [deleted, otherStore, paymentChannel, transfer] {
            #expect(!ChannelCheck.acceptsBillingKey(refused, v2))
        }
        var noBilling = v2
        noBilling.billingChannelKey = nil
        #expect(!ChannelCheck.acceptsBillingKey(key, noBilling))
        #expect(!noBilling.offersSubscriptions && v2.offersSubscriptions && v1.offersSubscriptions)
    }

    @Test func test_a_v2_charge_counts_only_through_the_billing_channel_by_card() {
        var charge = ProviderPayment(impUID: "shop-Sabc-2", merchantUID: "shop-Sabc-2", payMethod: "card", amount: 36000,
                                     status: "paid", pgProvider: "INICIS_V2")
        charge.channelKey = "channel-key-billing"
        #expect(ChannelCheck.acceptsBilling(charge, v2))
        var throughCardChannel = charge
        throughCardChannel.channelKey = "channel-key-card"
        #expect(!ChannelCheck.acceptsBilling(throughCardChannel, v2))
        var byTransfer = charge
        byTransfer.payMethod = "trans"
        #expect(!ChannelCheck.acceptsBilling(byTransfer, v2))
    }
}
