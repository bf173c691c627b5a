import Foundation
import GageCore
import Yams

/// `shop.yml`: the shop's settings (SPEC §1). Everything but `title` and `iamport.merchant_code` has a default.
public struct ShopSettings: Sendable, Equatable {
    public var title: String
    public var description: String?
    /// Absolute URL of the shop's root, always ending in `/`.
    public var baseURL: String
    public var language: Language
    public var currency: String
    /// PortOne V1 (`iamport:`). A V2 shop keeps the defaults here and its store in `portone`.
    public var iamport: Iamport
    /// PortOne V2 (`portone:`); nil for a V1 shop. Exactly one of the two blocks is in shop.yml.
    public var portone: PortOne? = nil
    /// How buyers prove their age for adult-only products (`identity:`); nil when not set up.
    public var identity: Catalog.Identity?
    public var checkout: Checkout
    public var business: Business
    public var categories: [Category]
    /// Products per list page (home, categories, tags).
    public var paginate: Int
    /// Pass raw HTML in Markdown through (off: it is dropped, as are `javascript:` links).
    public var markdownRawHTML: Bool
    /// Where the buyer form loads the address search from; nil: Kakao's own script. Not a shop.yml key:
    /// `gage serve --sandbox` points it at an offline stand-in.
    public var postcodeURL: String?
    /// Shopping-search feeds `build` writes (`feeds:`).
    public var feeds = Feeds()
    /// Discount codes (`discounts:`, SPEC §11).
    public var discounts: [DiscountSetting] = []

    public struct Feeds: Sendable, Equatable {
        /// `feeds/naver.tsv`: Naver Shopping EP 3.0.
        public var naver = false
        /// `feeds/google.xml`: Google Merchant Center RSS 2.0.
        public var google = false
    }

    public enum Language: String, Sendable, CaseIterable { case ko, en }

    public struct Iamport: Sendable, Equatable {
        public var merchantCode: String
        public var pg: String
        public var payMethods: [String]
        public var sdkURL: String
        /// The PG (and MID) that issues billing keys for subscriptions, e.g. `html5_inicis.INIBillTst`.
        public var billingPG: String?
        /// (wave 3) The easy-pay buttons beside the PG window, each its own channel: brand (`kakaopay`,
        /// `naverpay`, `tosspay`) → the `pg` Iamport gives it (`kakaopay.TC0ONETIME`).
        public var easyPay: [String: String] = [:]
        public static let defaultSDKURL = "https://cdn.iamport.kr/v1/iamport.js"
        /// The easy pays a V1 shop may offer as buttons of their own.
        public static let easyPayBrands = ["kakaopay", "naverpay", "tosspay"]
    }

    public struct PortOne: Sendable, Equatable {
        public var storeID: String
        /// One channel for every pay method, or one per pay method (V2 names).
        public var channelKey: String?
        public var channelKeys: [String: String]?
        public var payMethods: [String]
        public var sdkURL: String
        /// The channel that issues billing keys for subscriptions (`billing_channel_key`).
        public var billingChannelKey: String? = nil
        /// (wave 3) The easy-pay buttons (`KAKAOPAY`, `NAVERPAY`, `TOSSPAY`), paid with EASY_PAY on its channel.
        public var easyPay: [String] = []
        public static let defaultSDKURL = "https://cdn.portone.io/v2/browser-sdk.js"
        /// The easy pays a V2 shop may offer as buttons of their own (`easyPay.easyPayProvider`).
        public static let easyPayProviders = ["KAKAOPAY", "NAVERPAY", "TOSSPAY"]

        /// The channel the page opens for `method`.
        public func channelKey(for method: String) -> String? { channelKeys.map { $0[method] } ?? channelKey }
    }

    public struct Checkout: Sendable, Equatable {
        public var verifyURL: String
        public var shipping: ShippingRule
        public var maxQuantity: Int?
        /// Set in shop.yml; nil: derived from the shop's id (see `ShopSettings.orderPrefix`).
        public var explicitOrderPrefix: String?
        /// Ask the verify function to check the order, hold its units and pre-register the amount before opening
        /// the payment window (SPEC §9; on unless `prepare: false`).
        public var prepare: Bool
        /// Minutes the units `/prepare` checked stay held for the order.
        public var holdMinutes: Int = Catalog.defaultHoldMinutes
        /// Minutes a replaced price is still honoured for orders priced before the change.
        public var priceGraceMinutes: Int = Catalog.defaultPriceGraceMinutes
        /// Hours an issued virtual account may wait for its deposit (and hold stock).
        public var vbankHours: Int = Catalog.defaultVbankHours
        /// Cash payments (계좌이체, 가상계좌) go through the PG's 구매안전서비스 (`escrow: true` in the request).
        public var escrow = false
        /// Kakao (Daum) postcode search in the buyer form; nil: on for Korean shops.
        public var addressSearch: Bool?
    }

    /// 사업자 정보: what Korean e-commerce law requires in every page's footer.
    public struct Business: Sendable, Equatable {
        public var name: String?
        public var representative: String?
        public var registrationNumber: String?
        public var mailOrderNumber: String?
        public var address: String?
        /// 사업장 우편번호 (five digits): the sender's postcode an escrow delivery registration needs.
        public var postcode: String?
        public var phone: String?
        public var email: String?
        /// 호스팅 서비스 제공자 (시행규칙: shown with the other seller facts).
        public var hosting: String?

        public var isEmpty: Bool {
            [name, representative, registrationNumber, mailOrderNumber, address, postcode, phone, email, hosting]
                .allSatisfy { $0 == nil }
        }

        /// `business.postcode`, else five digits written in the address (`(03154) 서울…`).
        public var senderPostcode: String? { postcode ?? ShopContact.postcode(in: address) }

        /// 사업자등록번호 as the FTC's 사업자정보 공개 page takes it: its 10 digits, or nil when it has not 10.
        public var registrationDigits: String? {
            guard let number = registrationNumber else { return nil }
            let digits = number.filter { $0.isASCII && $0.isNumber }
            return digits.count == 10 ? digits : nil
        }
    }

    public struct Category: Sendable, Equatable {
        public var slug: String
        public var title: String
        public var description: String?
    }

    public static let knownPayMethods = ["card", "trans", "vbank", "phone", "samsung", "kakaopay", "naverpay",
                                         "payco", "tosspay", "applepay", "paypal", "point", "ssgpay", "lpay",
                                         "cultureland", "smartculture", "booknlife"]

    /// The path part of `baseURL` (`/` or `/shop/`): where the shop's pages live on the server.
    public var basePath: String {
        guard let scheme = baseURL.firstRange(of: "://") else { return "/" }
        let afterHost = baseURL[scheme.upperBound...]
        guard let slash = afterHost.firstIndex(of: "/") else { return "/" }
        return String(afterHost[slash...])
    }

    /// The scheme, host and port of `baseURL` (the origin the verify function allows for CORS).
    public var origin: String {
        String(baseURL.dropLast(basePath.count))
    }

    func category(slug: String) -> Category? { categories.first { $0.slug == slug } }

    /// The shop's id in `catalog.json` and every payment's `custom_data`: derived from `base_url`, so two shops
    /// (or a staging copy) on one Iamport account never judge each other's payments.
    public var shopID: String { ShopID.derive(from: baseURL) }

    /// Every merchant_uid the shop makes starts with it: `checkout.order_prefix`, or the shop's id and `-`.
    public var orderPrefix: String { checkout.explicitOrderPrefix ?? shopID + "-" }

    /// Pay methods that move cash rather than card credit (계좌이체, 가상계좌): the ones 전자상거래법 §13② asks
    /// 구매안전서비스 for.
    public var cashPayMethods: [String] { payMethods.filter { Self.cashPayMethods.contains($0) } }
    static let cashPayMethods: Set<String> = ["trans", "vbank", "TRANSFER", "VIRTUAL_ACCOUNT"]

    /// Which PortOne API the shop's pages and function use.
    public var provider: ProviderKind { portone == nil ? .iamport : .portone }

    /// The pay methods the checkout offers, in the provider's own names (`card`, or V2's `CARD`).
    public var payMethods: [String] { portone?.payMethods ?? iamport.payMethods }

    /// Where pages load the provider's browser SDK from.
    public var sdkURL: String { portone?.sdkURL ?? iamport.sdkURL }

    /// Whether products may be subscribed to: the shop has a channel that issues billing keys.
    public var offersSubscriptions: Bool { paymentChannels.offersSubscriptions }

    /// Whether the buyer form offers the Kakao postcode search.
    public var addressSearch: Bool { checkout.addressSearch ?? (language == .ko) }

    /// The price manifest's view of the payment channels.
    public var paymentChannels: Catalog.PaymentChannels {
        if let portone {
            var channels = Catalog.PaymentChannels(storeID: portone.storeID, channelKey: portone.channelKey,
                                                   channelKeys: portone.channelKeys, payMethods: portone.payMethods,
                                                   billingChannelKey: portone.billingChannelKey)
            if !portone.easyPay.isEmpty {
                channels.easyPayProviders = portone.easyPay
            }
            return channels
        }
        var channels = Catalog.PaymentChannels(pg: iamport.pg, payMethods: iamport.payMethods, billingPG: iamport.billingPG)
        if !iamport.easyPay.isEmpty { channels.easyPay = iamport.easyPay }
        return channels
    }
}

/// A shop's id: a readable part of the host and a fingerprint of the whole address, short enough to start an
/// order number (`onggiroast-1f2e3d`).
public enum ShopID {
    public static func derive(from baseURL: String) -> String {
        let normalized = baseURL.lowercased()
        let afterScheme = normalized.firstRange(of: "://").map { normalized[$0.upperBound...] } ?? normalized[...]
        let firstLabel = afterScheme.prefix { $0 != "." && $0 != "/" && $0 != ":" }
        var readable = String(firstLabel.filter { ($0.isASCII && ($0.isLetter || $0.isNumber)) }.prefix(10))
        if readable.isEmpty { readable = "shop" }
        let fingerprint = ContentHash.of(normalized.hasSuffix("/") ? String(normalized.dropLast()) : normalized)
        return readable + "-" + String(fingerprint.prefix(6))
    }
}

extension ShopSettings {
    static let topLevelKeys = ["title", "description", "base_url", "language", "currency", "iamport", "portone", "checkout",
                               "business", "categories", "paginate", "markdown", "identity", "feeds", "discounts"]

    /// Reads `shop.yml`. Returns nil (with diagnostics logged) when it cannot be used at all.
    public static func parse(_ text: String, file: String = "shop.yml") -> (ShopSettings?, [Diagnostic]) {
        let (settings, errors, _) = parseWithWarnings(text, file: file)
        return (settings, errors)
    }

    /// `parse`, and the warnings that do not stop a build.
    public static func parseWithWarnings(_ text: String, file: String = "shop.yml")
        -> (ShopSettings?, [Diagnostic], warnings: [Diagnostic]) {
        let log = DiagnosticLog(file: file)
        let mapping: Node.Mapping
        do {
            let node = try Yams.compose(yaml: text)
            guard case let .mapping(found)? = node else {
                return (nil, [Diagnostic(file: file, line: 1, message: "shop.yml must be a set of 'key: value' lines",
                                         hint: "start with title: 내 가게")], [])
            }
            mapping = found
        } catch let error as YamlError {
            return (nil, [FrontMatterDocument.diagnostic(for: error, file: file, lineOffset: 0)], [])
        } catch {
            return (nil, [Diagnostic(file: file, line: nil, message: "malformed YAML: \(error)")], [])
        }
        let fields = YAMLFields(mapping, log: log, lineOffset: 0, line: 1)
        fields.rejectUnknownKeys(allowed: topLevelKeys, what: "shop.yml")

        let title = fields.string("title") ?? ""
        if !fields.has("title") { fields.missing("title", hint: "add title: 내 가게 이름") }
        let baseURL = normalizedBaseURL(fields)
        let language = language(fields)
        let currency = fields.string("currency") ?? "KRW"
        if currency != "KRW", let node = fields.value("currency") {
            log.error(line: fields.line(of: node), "currency '\(currency)' is not supported",
                      hint: "Gage prices in won: write currency: KRW or leave it out")
        }
        var settings = ShopSettings(
            title: title, description: fields.string("description"), baseURL: baseURL, language: language,
            currency: "KRW", iamport: fields.has("portone") ? defaultIamport : iamport(fields), identity: identity(fields),
            checkout: checkout(fields), business: business(fields), categories: categories(fields),
            paginate: paginate(fields), markdownRawHTML: markdownRawHTML(fields))
        settings.portone = portone(fields)
        settings.feeds = feeds(fields)
        settings.discounts = discounts(fields)
        lawWarnings(settings, fields: fields)
        return (settings, log.diagnostics, log.warnings)
    }

    private static func normalizedBaseURL(_ fields: YAMLFields) -> String {
        guard var url = fields.string("base_url") else { return "http://localhost:1313/" }
        let line = fields.value("base_url").flatMap(fields.line(of:))
        guard url.hasPrefix("http://") || url.hasPrefix("https://"),
              url.split(separator: "/", omittingEmptySubsequences: false).count >= 3,
              !url.contains(where: { $0.isWhitespace || $0 == "?" || $0 == "#" }) else {
            fields.log.error(line: line, "base_url '\(url)' is not an absolute URL",
                             hint: "write the address the shop is served from, e.g. base_url: https://shop.example.kr/")
            return "http://localhost:1313/"
        }
        if !url.hasSuffix("/") { url += "/" }
        if url.dropFirst(url.hasPrefix("https://") ? 8 : 7).first == "/" {
            fields.log.error(line: line, "base_url '\(url)' has no host", hint: "e.g. base_url: https://shop.example.kr/")
        }
        return url
    }

    private static func language(_ fields: YAMLFields) -> Language {
        guard let code = fields.string("language") else { return .ko }
        guard let language = Language(rawValue: code) else {
            fields.log.error(line: fields.value("language").flatMap(fields.line(of:)),
                             "language '\(code)' is not supported", hint: "write language: ko or language: en")
            return .ko
        }
        return language
    }

    static let defaultIamport = Iamport(merchantCode: "", pg: "html5_inicis", payMethods: ["card", "trans", "vbank", "phone"],
                                        sdkURL: Iamport.defaultSDKURL)

    private static func iamport(_ fields: YAMLFields) -> Iamport {
        var result = defaultIamport
        guard let iamport = fields.fields("iamport") else {
            fields.missing("iamport.merchant_code",
                           hint: "add iamport:\n    merchant_code: imp12345678   # 가맹점 식별코드 from the PortOne console\n"
                               + "(or, for a PortOne V2 store, portone:\n    store_id: store-…\n    channel_key: channel-key-…)")
            return result
        }
        iamport.rejectUnknownKeys(allowed: ["merchant_code", "pg", "pay_methods", "sdk_url", "billing_pg", "easy_pay"], what: "iamport")
        if let code = iamport.string("merchant_code") {
            if code.hasPrefix("imp"), code.count > 3, code.dropFirst(3).allSatisfy({ $0.isASCII && $0.isNumber }) {
                result.merchantCode = code
            } else {
                fields.log.error(line: iamport.value("merchant_code").flatMap(iamport.line(of:)),
                                 "iamport.merchant_code '\(code)' is not a merchant code",
                                 hint: "it is 'imp' followed by digits (가맹점 식별코드), e.g. imp12345678")
            }
        } else {
            iamport.missing("merchant_code", hint: "add merchant_code: imp12345678 (가맹점 식별코드 from the PortOne console)")
        }
        if let pg = iamport.string("pg") { result.pg = pg }
        if !result.pg.contains(".") {
            fields.log.warning(line: iamport.value("pg").flatMap(iamport.line(of:)) ?? iamport.line,
                               "iamport.pg '\(result.pg)' names no MID, so payments through a test MID or another "
                               + "store on the same PG count as this shop's",
                               hint: "write the MID as Iamport does, e.g. pg: \(result.pg).MOI1234567")
        }
        if let methods = iamport.stringList("pay_methods") {
            for method in methods where !knownPayMethods.contains(method) {
                let guess = Suggestion.closest(to: method, among: knownPayMethods)
                fields.log.error(line: iamport.value("pay_methods").flatMap(iamport.line(of:)),
                                 "unknown pay method '\(method)'",
                                 hint: guess.map { "did you mean '\($0)'?" } ?? "use card, trans, vbank, phone, …")
            }
            if methods.isEmpty {
                fields.log.error(line: iamport.value("pay_methods").flatMap(iamport.line(of:)),
                                 "iamport.pay_methods is empty", hint: "list at least one, e.g. [card]")
            } else {
                result.payMethods = methods
            }
        }
        if let url = iamport.string("sdk_url") { result.sdkURL = url }
        if let billing = iamport.string("billing_pg") {
            let provider = Catalog.PaymentChannels.provider(of: billing)
            if provider.isEmpty || !provider.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }) {
                fields.log.error(line: iamport.value("billing_pg").flatMap(iamport.line(of:)),
                                 "iamport.billing_pg '\(billing)' is not a PG code",
                                 hint: "write the PG that issues billing keys, with its MID, e.g. billing_pg: html5_inicis.INIBillTst")
            } else {
                result.billingPG = billing
            }
        }
        if iamport.has("easy_pay") {
            let line = iamport.value("easy_pay").flatMap(iamport.line(of:)) ?? iamport.line
            if let brands = iamport.fields("easy_pay") {
                brands.rejectUnknownKeys(allowed: Iamport.easyPayBrands, what: "iamport.easy_pay")
                for brand in Iamport.easyPayBrands {
                    guard let pg = brands.string(brand) else { continue }
                    let provider = Catalog.PaymentChannels.provider(of: pg)
                    if provider.isEmpty || !provider.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }) {
                        fields.log.error(line: brands.value(brand).flatMap(brands.line(of:)) ?? line,
                                         "iamport.easy_pay.\(brand) '\(pg)' is not a PG code",
                                         hint: "write the pg Iamport gives the channel, e.g. \(brand): \(brand).TC0ONETIME")
                    } else {
                        result.easyPay[brand] = pg
                    }
                }
            } else {
                fields.log.error(line: line, "iamport.easy_pay must be a set of keys",
                                 hint: "write easy_pay:\n      kakaopay: kakaopay.TC0ONETIME")
            }
        }
        return result
    }

    /// `portone:` (PortOne V2): the store, its channel(s) and pay methods. nil when absent or unusable.
    private static func portone(_ fields: YAMLFields) -> PortOne? {
        guard fields.has("portone") else { return nil }
        let blockLine = fields.quietLine(of: "portone")
        if fields.has("iamport") {
            fields.log.error(line: blockLine, "shop.yml has both iamport: and portone:",
                             hint: "keep one: iamport: for a PortOne V1 (imp…) account, portone: for a V2 store (store-…)")
        }
        guard let block = fields.fields("portone") else {
            fields.log.error(line: blockLine, "portone must be a set of keys",
                             hint: "write portone:\n    store_id: store-…\n    channel_key: channel-key-…")
            return nil
        }
        block.rejectUnknownKeys(allowed: ["store_id", "channel_key", "channel_keys", "pay_methods", "sdk_url",
                                         "billing_channel_key", "easy_pay"], what: "portone")
        func line(_ key: String) -> Int? { block.value(key).flatMap(block.line(of:)) ?? block.line }
        var result = PortOne(storeID: "", payMethods: ["CARD"], sdkURL: PortOne.defaultSDKURL)
        if let store = block.string("store_id") {
            if store.hasPrefix("store-"), store.count > 6, store.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }) {
                result.storeID = store
            } else {
                fields.log.error(line: line("store_id"), "portone.store_id '\(store)' is not a store id",
                                 hint: "copy it from the PortOne console (결제 연동 → 식별코드): store-…")
            }
        } else {
            block.missing("store_id", hint: "add store_id: store-… (상점 아이디 from the PortOne console)")
        }
        if let methods = block.stringList("pay_methods") {
            for method in methods where !PortOnePayMethod.all.contains(method) {
                let guess = Suggestion.closest(to: method.uppercased(), among: PortOnePayMethod.all)
                fields.log.error(line: line("pay_methods"), "unknown PortOne V2 pay method '\(method)'",
                                 hint: guess.map { "did you mean '\($0)'?" } ?? "use CARD, TRANSFER, VIRTUAL_ACCOUNT, MOBILE or EASY_PAY")
            }
            if methods.isEmpty {
                fields.log.error(line: line("pay_methods"), "portone.pay_methods is empty", hint: "list at least one, e.g. [CARD]")
            } else {
                result.payMethods = methods
            }
        }
        let single = block.string("channel_key")
        let perMethod = block.fields("channel_keys").map { keys in
            Dictionary(uniqueKeysWithValues: PortOnePayMethod.all.compactMap { method in keys.string(method).map { (method, $0) } })
        }
        if block.has("channel_keys") {
            block.fields("channel_keys")?.rejectUnknownKeys(allowed: PortOnePayMethod.all, what: "portone.channel_keys")
        }
        switch (single, perMethod) {
        case (nil, nil):
            block.missing("channel_key", hint: "add channel_key: channel-key-… (the channel from the PortOne console), "
                          + "or channel_keys: with one per pay method")
        case (.some, .some):
            fields.log.error(line: fields.quietLine(of: "portone", "channel_keys"), "portone has both channel_key and channel_keys",
                             hint: "keep channel_key for one channel, or channel_keys for one per pay method")
        case let (nil, keys?):
            for method in result.payMethods where keys[method] == nil {
                fields.log.error(line: fields.quietLine(of: "portone", "channel_keys"), "portone.channel_keys has no channel for \(method)",
                                 hint: "add \(method): channel-key-… under channel_keys, or drop \(method) from pay_methods")
            }
            result.channelKeys = keys
        case let (key?, nil):
            result.channelKey = key
        }
        if let url = block.string("sdk_url") { result.sdkURL = url }
        result.billingChannelKey = block.string("billing_channel_key")
        if let providers = block.stringList("easy_pay") {
            for provider in providers where !PortOne.easyPayProviders.contains(provider) {
                let guess = Suggestion.closest(to: provider.uppercased(), among: PortOne.easyPayProviders)
                fields.log.error(line: line("easy_pay"), "portone.easy_pay '\(provider)' is not an easy pay Gage offers",
                                 hint: guess.map { "did you mean '\($0)'?" } ?? "use KAKAOPAY, NAVERPAY or TOSSPAY")
            }
            result.easyPay = providers.filter(PortOne.easyPayProviders.contains)
            if !result.easyPay.isEmpty, result.channelKey(for: "EASY_PAY") == nil {
                fields.log.error(line: line("easy_pay"), "portone.easy_pay needs the channel easy pays go through",
                                 hint: "add EASY_PAY: channel-key-… under channel_keys")
            }
        } else if block.has("easy_pay") {
            fields.log.error(line: line("easy_pay"), "portone.easy_pay must be a list", hint: "e.g. easy_pay: [KAKAOPAY, TOSSPAY]")
        }
        return result
    }

    /// V1 identity verification channels (`IMP.certification`'s `pg`).
    static let identityPGs = ["danal", "inicis_unified", "inicis"]

    private static func identity(_ fields: YAMLFields) -> Catalog.Identity? {
        guard fields.has("identity") else { return nil }
        guard let identity = fields.fields("identity") else {
            fields.log.error(line: fields.value("identity").flatMap(fields.line(of:)), "identity must be a set of keys",
                             hint: "write identity:\n    pg: danal   # 휴대폰 본인인증")
            return nil
        }
        identity.rejectUnknownKeys(allowed: ["pg", "channel_key"], what: "identity")
        let pg = identity.string("pg")
        if let pg, !identityPGs.contains(pg) {
            let guess = Suggestion.closest(to: pg, among: identityPGs)
            fields.log.error(line: identity.value("pg").flatMap(identity.line(of:)),
                             "identity.pg '\(pg)' is not an identity verification channel",
                             hint: guess.map { "did you mean '\($0)'?" } ?? "use danal (휴대폰) or inicis_unified (통합인증)")
            return nil
        }
        let channelKey = identity.string("channel_key")
        if fields.has("portone") {
            // V2 opens PortOne.requestIdentityVerification with the identity channel; a V1 pg means nothing there.
            guard channelKey != nil else {
                identity.missing("channel_key", hint: "add channel_key: channel-key-… (the 본인인증 channel from the PortOne console)")
                return nil
            }
        } else if pg == nil {
            identity.missing("pg", hint: "add pg: danal (휴대폰 본인인증) or pg: inicis_unified (통합인증)")
            return nil
        }
        return Catalog.Identity(pg: pg, channelKey: channelKey)
    }

    /// `checkout.shipping.remote_postcodes`: the 도서산간 postcodes the shop's carrier charges for, replacing Gage's
    /// list — each a five-digit postcode or a range (`59137-59166`). Nil when absent or wrong (after saying why).
    private static func remotePostcodes(_ shipping: YAMLFields) -> [PostcodeRange]? {
        guard let written = shipping.stringList("remote_postcodes") else { return nil }
        let line = shipping.value("remote_postcodes").flatMap(shipping.line(of:))
        var ranges: [PostcodeRange] = []
        for item in written {
            let ends = item.split(whereSeparator: { "-–~".contains($0) }).map { $0.trimmingCharacters(in: .whitespaces) }
            let numbers = ends.compactMap { $0.count == 5 && $0.allSatisfy(\.isASCII) ? Int($0) : nil }
            guard (1...2).contains(ends.count), numbers.count == ends.count, numbers[0] <= numbers[numbers.count - 1] else {
                shipping.log.error(line: line, "'\(item)' in checkout.shipping.remote_postcodes is not a postcode or a range",
                                   hint: "write five-digit postcodes or ranges, e.g. remote_postcodes: [\"40200-40240\", \"54000\"]")
                return nil
            }
            ranges.append(PostcodeRange(numbers[0], numbers[numbers.count - 1]))
        }
        if ranges.isEmpty {
            shipping.log.error(line: line, "checkout.shipping.remote_postcodes is empty",
                               hint: "list your carrier's 도서산간 postcodes, or leave the key out for Gage's list")
            return nil
        }
        return ranges
    }

    private static func checkout(_ fields: YAMLFields) -> Checkout {
        var result = Checkout(verifyURL: "/verify", shipping: ShippingRule(), maxQuantity: nil,
                              explicitOrderPrefix: nil, prepare: true)
        guard let checkout = fields.fields("checkout") else { return result }
        checkout.rejectUnknownKeys(allowed: ["verify_url", "shipping", "max_quantity", "order_prefix", "prepare",
                                             "price_grace", "vbank_hours", "hold_minutes", "escrow", "address_search"],
                                   what: "checkout")
        if let escrow = checkout.bool("escrow") { result.escrow = escrow }
        result.addressSearch = checkout.bool("address_search")
        if let url = checkout.string("verify_url") { result.verifyURL = url }
        if let shipping = checkout.fields("shipping") {
            shipping.rejectUnknownKeys(allowed: ["fee", "free_over", "jeju", "remote", "remote_postcodes"],
                                       what: "checkout.shipping")
            result.shipping.jeju = shipping.positiveAmount("jeju", hint: "the 제주 surcharge in won, e.g. jeju: 3000")
            result.shipping.remote = shipping.positiveAmount("remote", hint: "the 도서산간 surcharge in won, e.g. remote: 5000")
            if result.shipping.remote != nil {
                result.shipping.remotePostcodes = remotePostcodes(shipping) ?? RemotePostcodes.ranges
            } else if shipping.has("remote_postcodes") {
                fields.log.warning(line: shipping.value("remote_postcodes").flatMap(shipping.line(of:)),
                                   "checkout.shipping.remote_postcodes is not used without a remote surcharge",
                                   hint: "add remote: 5000 (the 도서산간 surcharge in won), or leave the list out")
            }
            if let fee = shipping.int("fee") {
                if fee < 0 {
                    fields.log.error(line: shipping.value("fee").flatMap(shipping.line(of:)),
                                     "checkout.shipping.fee is negative", hint: "write 0 for free shipping")
                } else {
                    result.shipping.fee = fee
                }
            }
            result.shipping.freeOver = shipping.int("free_over")
        }
        if let limit = checkout.int("max_quantity") {
            if limit < 1 {
                fields.log.error(line: checkout.value("max_quantity").flatMap(checkout.line(of:)),
                                 "checkout.max_quantity must be at least 1", hint: "leave it out for no limit")
            } else {
                result.maxQuantity = limit
            }
        }
        if let prefix = checkout.string("order_prefix") {
            if prefix.isEmpty || prefix.count > 20 || !prefix.allSatisfy(isMerchantUIDCharacter) {
                fields.log.error(line: checkout.value("order_prefix").flatMap(checkout.line(of:)),
                                 "checkout.order_prefix '\(prefix)' cannot start an order number",
                                 hint: "use 1 to 20 of A-Z a-z 0-9 _ -, e.g. order_prefix: myshop-")
            } else {
                result.explicitOrderPrefix = prefix
            }
        }
        if let prepare = checkout.bool("prepare") { result.prepare = prepare }
        if let minutes = checkout.int("price_grace") {
            if minutes < 0 || minutes > 7 * 24 * 60 {
                fields.log.error(line: checkout.value("price_grace").flatMap(checkout.line(of:)),
                                 "checkout.price_grace must be from 0 to 10080 minutes",
                                 hint: "minutes a replaced price is still honoured, e.g. price_grace: 60")
            } else {
                result.priceGraceMinutes = minutes
            }
        }
        if let minutes = checkout.int("hold_minutes") {
            if minutes < 1 || minutes > 24 * 60 {
                fields.log.error(line: checkout.value("hold_minutes").flatMap(checkout.line(of:)),
                                 "checkout.hold_minutes must be from 1 to 1440 minutes",
                                 hint: "how long a checked order keeps its units while the buyer pays, e.g. hold_minutes: 15")
            } else {
                result.holdMinutes = minutes
            }
        }
        if let hours = checkout.int("vbank_hours") {
            if hours < 1 || hours > 30 * 24 {
                fields.log.error(line: checkout.value("vbank_hours").flatMap(checkout.line(of:)),
                                 "checkout.vbank_hours must be from 1 to 720 hours",
                                 hint: "how long a virtual account waits for its deposit, e.g. vbank_hours: 72")
            } else {
                result.vbankHours = hours
            }
        }
        return result
    }

    private static func business(_ fields: YAMLFields) -> Business {
        var result = Business()
        guard let business = fields.fields("business") else { return result }
        business.rejectUnknownKeys(allowed: ["name", "representative", "registration_number", "mail_order_number",
                                             "address", "postcode", "phone", "email", "hosting"], what: "business")
        result.name = business.string("name")
        result.representative = business.string("representative")
        result.registrationNumber = business.string("registration_number")
        result.mailOrderNumber = business.string("mail_order_number")
        result.address = business.string("address")
        result.postcode = business.string("postcode")
        if let postcode = result.postcode, postcode.count != 5 || !postcode.allSatisfy({ $0.isASCII && $0.isNumber }) {
            fields.log.error(line: business.value("postcode").flatMap(business.line(of:)),
                             "business.postcode '\(postcode)' is not a 우편번호",
                             hint: "it is the five-digit 우편번호 of the business address, e.g. postcode: \"03154\"")
        }
        result.phone = business.string("phone")
        result.email = business.string("email")
        result.hosting = business.string("hosting")
        if let number = result.registrationNumber, result.registrationDigits == nil {
            fields.log.error(line: business.value("registration_number").flatMap(business.line(of:)),
                             "business.registration_number '\(number)' is not a 사업자등록번호",
                             hint: "it has 10 digits, e.g. registration_number: 123-45-67890")
        }
        return result
    }

    private static func feeds(_ fields: YAMLFields) -> Feeds {
        var result = Feeds()
        guard let feeds = fields.fields("feeds") else { return result }
        feeds.rejectUnknownKeys(allowed: ["naver", "google"], what: "feeds")
        result.naver = feeds.bool("naver") ?? false
        result.google = feeds.bool("google") ?? false
        return result
    }

    /// What 전자상거래법 asks of a shop's pages that shop.yml alone can tell is missing: warnings, since some
    /// sellers are exempt (통신판매업 신고 면제, 구매안전서비스 through 소비자피해보상보험 instead of escrow).
    private static func lawWarnings(_ settings: ShopSettings, fields: YAMLFields) {
        let cash = settings.cashPayMethods
        if !cash.isEmpty, !settings.checkout.escrow {
            let line = fields.quietLine(of: "checkout", "escrow") ?? fields.quietLine(of: "iamport", "pay_methods")
            fields.log.warning(line: line,
                               "the shop takes cash payments (\(cash.joined(separator: ", "))) without checkout.escrow",
                               hint: "전자상거래법 §13② asks for 구매안전서비스 on cash payments: set checkout: { escrow: true } "
                                   + "if your PG contract has escrow, or keep your 소비자피해보상보험 and ignore this")
        }
        if !settings.business.isEmpty, settings.business.hosting == nil {
            fields.log.warning(line: fields.quietLine(of: "business"),
                               "business has no hosting (호스팅 서비스 제공자), which the footer must show",
                               hint: "add hosting: 호스팅 회사 이름 under business:")
        }
    }

    private static func categories(_ fields: YAMLFields) -> [Category] {
        guard let list = fields.sequence("categories") else { return [] }
        var result: [Category] = []
        for (index, node) in list.enumerated() {
            guard case let .mapping(mapping) = node else {
                fields.log.error(line: fields.line(of: node), "categories[\(index)] must be a set of keys",
                                 hint: "write - slug: coffee\n    title: 커피")
                continue
            }
            let category = YAMLFields(mapping, log: fields.log, lineOffset: 0, prefix: "categories[\(index)].")
            category.rejectUnknownKeys(allowed: ["slug", "title", "description"], what: "category")
            guard let slug = category.string("slug") else {
                category.missing("slug", hint: "add slug: coffee (used in the page address /categories/coffee/)")
                continue
            }
            if !Slug.isValid(slug) {
                fields.log.error(line: category.line, "category slug '\(slug)' cannot be part of a page address",
                                 hint: "use lower-case letters, digits and '-', e.g. \(Slug.make(from: slug))")
            }
            if result.contains(where: { $0.slug == slug }) {
                fields.log.error(line: category.line, "category '\(slug)' is declared twice", hint: "keep one")
            }
            result.append(Category(slug: slug, title: category.string("title") ?? slug,
                                   description: category.string("description")))
        }
        return result
    }

    private static func paginate(_ fields: YAMLFields) -> Int {
        guard let size = fields.int("paginate") else { return 24 }
        guard size >= 1 else {
            fields.log.error(line: fields.value("paginate").flatMap(fields.line(of:)),
                             "paginate must be at least 1", hint: "e.g. paginate: 24")
            return 24
        }
        return size
    }

    private static func markdownRawHTML(_ fields: YAMLFields) -> Bool {
        guard let markdown = fields.fields("markdown") else { return false }
        markdown.rejectUnknownKeys(allowed: ["raw_html"], what: "markdown")
        return markdown.bool("raw_html") ?? false
    }
}

/// Characters allowed in an Iamport `merchant_uid` (and so in the shop's order prefix).
public func isMerchantUIDCharacter(_ character: Character) -> Bool {
    character.isASCII && (character.isLetter || character.isNumber || character == "_" || character == "-")
}

/// Page-address slugs: lower-case letters (any script), digits, `-` and `_`.
public enum Slug {
    public static func isValid(_ slug: String) -> Bool {
        !slug.isEmpty && slug.allSatisfy { ($0.isLetter && !$0.isUppercase) || $0.isNumber || $0 == "-" || $0 == "_" }
    }

    /// An address for new content named `name` (`gage new product "제주 감귤 5kg"`): the name romanised by ICU's
    /// transliteration (`jeju-gamgyul-5kg`), or `product-N` when nothing readable is left; never one `isTaken`.
    public static func forNewContent(named name: String, isTaken: (String) -> Bool) -> String {
        let latin = name.applyingTransform(StringTransform("Any-Latin; Latin-ASCII"), reverse: false) ?? ""
        let romanised = String(make(from: latin).filter { $0.isASCII }.prefix(60))
        let base = romanised.trimmingCharacters(in: CharacterSet(charactersIn: "-"))
        if !base.isEmpty, isValid(base) {
            if !isTaken(base) { return base }
            for number in 2... where !isTaken("\(base)-\(number)") { return "\(base)-\(number)" }
        }
        var number = 1
        while isTaken("product-\(number)") { number += 1 }
        return "product-\(number)"
    }

    /// A slug for free text such as a tag: lower-cased, spaces to `-`, other punctuation dropped.
    public static func make(from text: String) -> String {
        var slug = ""
        for character in text.lowercased() {
            if character.isLetter || character.isNumber || character == "_" {
                slug.append(character)
            } else if (character.isWhitespace || character == "-") && !slug.isEmpty && slug.last != "-" {
                slug.append("-")
            }
        }
        while slug.last == "-" { slug.removeLast() }
        return slug
    }
}
