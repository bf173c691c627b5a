import GageCore
import GageLedger
@testable import GageNotify
import XCTest

/// The order in a buyer's mail adds up (SPEC §11): items, the shipping fee before a code's discount, the regional
/// surcharge, the code's discount, the amount — and says what part of it is 면세.
final class ReceiptTests: XCTestCase {
    let shop = ShopContact(title: "온기", baseURL: "https://x.kr/")

    func confirmation(_ order: LedgerOrder) throws -> (text: String, html: String) {
        let templates = try EmailTemplates(EmailBundle.builtIn(shop: shop))
        let mail = templates.render(.orderConfirmed, context: EmailContext.make(order: order, notice: Notice(.orderConfirmed), shop: shop))
        return (mail.text, mail.html)
    }

    func test_a_discounted_jeju_order_lists_the_surcharge_the_discount_and_its_tax_free_part() throws {
        // 30,000 (면세 rice) + 12,000 − 10 % (4,200) + 3,000 shipping + 3,000 제주 = 43,800; 면세 30,000 − 3,000 = 27,000.
        var order = LedgerOrder(impUID: "imp_1", merchantUID: "shop-1", status: "paid", amount: 43800, currency: "KRW",
                                name: "쌀 외 1건", items: [
                                    PricedItem(sku: "RICE", title: "쌀 10kg", quantity: 1, options: [:], price: 30000, taxFree: true),
                                    PricedItem(sku: "TEA", title: "녹차", quantity: 1, options: [:], price: 12000)])
        order.pricing = .init(discountCode: "WELCOME10", discount: 4200, surcharge: 3000, taxFree: 27000)
        let (text, html) = try confirmation(order)
        XCTAssertTrue(text.contains("  배송비  3,000원\n  추가 배송비 (제주·도서산간)  3,000원\n  할인 (WELCOME10)  -4,200원\n  결제 금액  43,800원\n  (면세 27,000원 포함)\n"), text)
        XCTAssertTrue(html.contains(">할인 (WELCOME10)</td><td style=\"padding:8px 0;text-align:right\">-4,200원<"), html)
        XCTAssertTrue(html.contains("면세 27,000원 포함"))
    }

    func test_an_order_without_pricing_rules_reads_as_before() throws {
        let order = LedgerOrder(impUID: "imp_2", merchantUID: "shop-2", status: "paid", amount: 15000, currency: "KRW",
                                name: "녹차", items: [PricedItem(sku: "TEA", title: "녹차", quantity: 1, options: [:], price: 12000)])
        let (text, _) = try confirmation(order)
        XCTAssertTrue(text.contains("  배송비  3,000원\n  결제 금액  15,000원\n"), text)
        XCTAssertFalse(text.contains("할인") || text.contains("추가 배송비") || text.contains("면세"), text)
    }

    func test_a_free_shipping_code_shows_the_fee_it_waived() throws {
        // 12,000 + 3,000 shipping − 3,000 (배송비 무료 code) = 12,000.
        var order = LedgerOrder(impUID: "imp_3", merchantUID: "shop-3", status: "paid", amount: 12000, currency: "KRW",
                                name: "녹차", items: [PricedItem(sku: "TEA", title: "녹차", quantity: 1, options: [:], price: 12000)])
        order.pricing = .init(discountCode: "SHIPFREE", discount: 3000)
        let (text, _) = try confirmation(order)
        XCTAssertTrue(text.contains("  배송비  3,000원\n  할인 (SHIPFREE)  -3,000원\n  결제 금액  12,000원\n"), text)
    }
}
