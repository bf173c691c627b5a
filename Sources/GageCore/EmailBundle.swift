#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The shop as its e-mails name it, written by `gage build` into `emails.json` beside `catalog.json`.
public struct ShopContact: Codable, Sendable, Equatable {
    public var title: String
    public var baseURL: String
    /// Where replies go (business.email).
    public var email: String?
    public var phone: String?
    /// 상호, 대표자, 사업자등록번호, 통신판매업 신고번호, 주소: the footer the law asks of every page, and of mail.
    public var business: [String]
    /// 상호 and 사업장 주소: the sender of an escrow delivery registration.
    public var businessName: String?
    public var address: String?
    /// `business.postcode` (five digits), when shop.yml gives it.
    public var businessPostcode: String?

    enum CodingKeys: String, CodingKey {
        case title, baseURL = "base_url", email, phone, business, businessName = "business_name", address
        case businessPostcode = "postcode"
    }

    public init(title: String, baseURL: String, email: String? = nil, phone: String? = nil, business: [String] = [],
                businessName: String? = nil, address: String? = nil, businessPostcode: String? = nil) {
        self.title = title
        self.baseURL = baseURL
        self.email = email
        self.phone = phone
        self.business = business
        self.businessName = businessName
        self.address = address
        self.businessPostcode = businessPostcode
    }

    /// The sender's postcode: `business.postcode`, else five digits written in the business address.
    public var postcode: String? { businessPostcode ?? Self.postcode(in: address) }

    /// The five-digit postcode written in an address (`(03154)` or `03154 서울…`), if any.
    public static func postcode(in address: String?) -> String? {
        guard let address else { return nil }
        var run = ""
        for character in address + " " {
            if character.isASCII && character.isNumber { run.append(character); continue }
            if run.count == 5 { return run }
            run = ""
        }
        return nil
    }

    /// The guest order lookup page, opened on one order.
    public func lookupURL(order: String) -> String {
        let base = baseURL.hasSuffix("/") ? baseURL : baseURL + "/"
        // Order numbers are letters, digits, `-` and `_`; anything else is percent-encoded byte by byte.
        var number = ""
        for byte in order.utf8 {
            let scalar = Unicode.Scalar(byte)
            if byte < 0x80 && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || "-_.~".unicodeScalars.contains(scalar)) {
                number.unicodeScalars.append(scalar)
            } else {
                number += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return base + "orders/lookup/?order=" + number
    }
}

/// `emails.json`: the shop and its e-mail templates, as the theme (and the shop's overrides) had them at build.
public struct EmailBundle: Codable, Sendable {
    public var shop: ShopContact
    /// `text/order_confirmed`, `html/order_confirmed` → template text, for every file under the theme's `templates/emails/`.
    public var templates: [String: String]

    public init(shop: ShopContact, templates: [String: String]) {
        self.shop = shop
        self.templates = templates
    }

    /// Reads `emails.json`; nil when it is missing or not Gage's.
    public static func load(emailsPath: String?) -> EmailBundle? {
        guard let emailsPath, let data = FileManager.default.contents(atPath: emailsPath) else { return nil }
        return try? JSONDecoder().decode(EmailBundle.self, from: data)
    }
}


extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
