import Foundation
import GageCatalog
import GageCore

/// `emails.json`, written beside `catalog.json`: the shop's name, address and footer, and the theme's e-mail
/// templates (with the shop's overrides), which the verify function renders its notifications from. Templates
/// are checked at build like every other; a broken one stops the build, not a payment.
enum EmailsFile {
    static func json(shop: Shop, theme: Theme) -> String {
        let settings = shop.settings
        let business = settings.business
        let text = InterfaceText.table(for: settings.language)
        var footer: [String] = []
        func add(_ key: String, _ value: String?) { if let value { footer.append("\(text[key] ?? key) \(value)") } }
        add("business_name", business.name)
        add("representative", business.representative)
        add("registration_number", business.registrationNumber)
        add("mail_order_number", business.mailOrderNumber)
        add("address", business.address)
        let contact = ShopContact(title: settings.title, baseURL: settings.baseURL, email: business.email,
                                  phone: business.phone, business: footer, businessName: business.name,
                                  address: business.address, businessPostcode: business.postcode)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        let data = (try? encoder.encode(EmailBundle(shop: contact, templates: theme.emailTemplates))) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}
