/// What a shop's source alone tells about whether it is ready to take real money (SPEC §13): the values
/// `gage init` writes still in place, products without their 상품정보제공고시, and escrow without the sender's
/// postcode the PG needs to register a parcel. `gage check` and `gage build` print them as warnings (a shop being
/// built is allowed to be unfinished); `gage doctor` counts them as blocking.
public enum GoingLive {
    /// What `gage init` writes into shop.yml for the seller to replace: key path → placeholder value.
    public static let placeholders: [(key: String, value: String)] = [
        ("title", "내 가게"),
        ("base_url", "https://shop.example.kr/"),
        ("iamport.merchant_code", "imp00000000"),
        ("portone.store_id", "store-00000000-0000-0000-0000-000000000000"),
        ("portone.channel_key", "channel-key-00000000-0000-0000-0000-000000000000"),
        ("business.name", "상호"),
        ("business.representative", "대표자"),
        ("business.registration_number", "000-00-00000"),
        ("business.mail_order_number", "제0000-서울-0000호"),
        ("business.address", "주소"),
        ("business.postcode", "00000"),
        ("business.phone", "010-0000-0000"),
        ("business.email", "hello@example.kr"),
        ("business.hosting", "호스팅 서비스 제공자"),
    ]

    /// The seller facts 전자상거래법 §10 and its 시행령 ask every page to show (`business:` keys).
    static let requiredBusiness: [(key: String, what: String)] = [
        ("name", "상호"), ("representative", "대표자"), ("registration_number", "사업자등록번호"),
        ("mail_order_number", "통신판매업 신고번호"), ("address", "사업장 주소"), ("phone", "전화번호"),
        ("email", "이메일"),
    ]

    /// Every finding, in the shop's language (`ko`: Korean).
    public static func findings(settings: ShopSettings, products: [ProductSource], root: String,
                                shopFile: String = "shop.yml") -> [Diagnostic] {
        let korean = settings.language == .ko
        func say(_ ko: String, _ en: String) -> String { korean ? ko : en }
        var found: [Diagnostic] = []
        let values = currentValues(settings)
        for (key, placeholder) in placeholders where values[key] == placeholder {
            found.append(Diagnostic(
                file: shopFile, line: line(of: key, in: root + "/" + shopFile),
                message: say("\(key) 값이 아직 gage init 의 자리표시 '\(placeholder)' 그대로입니다",
                             "\(key) is still gage init's placeholder '\(placeholder)'"),
                hint: say("실제 값으로 바꾸세요 (결제를 받기 전에 꼭)", "write the real value before taking payments")))
        }
        if !settings.business.isEmpty {
            for (key, what) in requiredBusiness where values["business." + key] == nil {
                found.append(Diagnostic(
                    file: shopFile, line: line(of: "business", in: root + "/" + shopFile),
                    message: say("business 에 \(key) (\(what)) 항목이 없습니다", "business has no \(key) (\(what))"),
                    hint: say("전자상거래법이 모든 페이지 하단에 요구합니다: business: 아래에 \(key): 를 넣으세요",
                              "전자상거래법 asks every page's footer for it: add \(key): under business:")))
            }
        } else {
            found.append(Diagnostic(
                file: shopFile, line: nil,
                message: say("shop.yml 에 business: (사업자 정보)가 없습니다", "shop.yml has no business: (seller facts)"),
                hint: say("상호, 대표자, 사업자등록번호, 통신판매업 신고번호, 주소, 전화, 이메일을 business: 아래에 적으세요",
                          "add name, representative, registration_number, mail_order_number, address, phone and email under business:")))
        }
        if settings.checkout.escrow, settings.business.senderPostcode == nil {
            found.append(Diagnostic(
                file: shopFile, line: line(of: "business", in: root + "/" + shopFile) ?? line(of: "checkout", in: root + "/" + shopFile),
                message: say("에스크로(checkout.escrow)를 쓰는데 사업장 우편번호가 없습니다",
                             "checkout.escrow is on but the business address has no postcode"),
                hint: say("PG에 배송을 등록할 때(gage orders ship) 보내는 사람의 우편번호가 필요합니다: business: 아래에 postcode: \"04001\" 처럼 넣으세요",
                          "the PG needs the sender's postcode to register a parcel (gage orders ship): add postcode: \"04001\" under business:")))
        }
        for product in products where !product.draft && product.notice == nil {
            found.append(Diagnostic(
                file: product.file, line: 1,
                message: say("상품정보제공고시(notice:)가 없습니다", "has no 상품정보제공고시 (notice:)"),
                hint: say("notice: 아래에 type: (예: 가공식품) 과 그 품목이 요구하는 항목을 적으세요 — gage check 가 빠진 항목을 알려 줍니다",
                          "add notice: with its type: (e.g. 가공식품) and the fields that group requires; gage check names any missing")))
        }
        return found
    }

    /// shop.yml's values by key path, as the settings read them.
    static func currentValues(_ settings: ShopSettings) -> [String: String] {
        let business = settings.business
        var values: [String: String?] = [
            "title": settings.title, "base_url": settings.baseURL,
            "business.name": business.name, "business.representative": business.representative,
            "business.registration_number": business.registrationNumber,
            "business.mail_order_number": business.mailOrderNumber, "business.address": business.address,
            "business.postcode": business.postcode, "business.phone": business.phone, "business.email": business.email,
            "business.hosting": business.hosting,
        ]
        if let portone = settings.portone {
            values["portone.store_id"] = portone.storeID
            values["portone.channel_key"] = portone.channelKey
        } else {
            values["iamport.merchant_code"] = settings.iamport.merchantCode
        }
        return values.compactMapValues { $0 }
    }

    /// The line of `key`'s last path component in shop.yml (`business.name` → the `name:` line under `business:`).
    static func line(of key: String, in path: String) -> Int? {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        let parts = key.split(separator: ".").map(String.init)
        var number = 0
        var inside = parts.count == 1
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            number += 1
            let trimmed = line.drop { $0 == " " }
            let indented = trimmed.count != line.count
            if parts.count > 1, !indented, !line.isEmpty, !line.hasPrefix("#") { inside = line.hasPrefix(parts[0] + ":") }
            if inside, trimmed.hasPrefix(parts[parts.count - 1] + ":"), indented == (parts.count > 1) { return number }
        }
        return nil
    }
}
