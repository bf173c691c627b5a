import Foundation
import GageCore
import Synchronization
import Yams

/// A discount code as shop.yml declares it (`discounts:`, SPEC §11). The code itself stays in shop.yml: the built
/// site publishes only its keyed hash (`ShopLoader.makeCatalog`).
public struct DiscountSetting: Sendable, Equatable {
    public var code: String
    public var percent: Int?
    public var amount: Int?
    public var freeShipping = false
    public var minSubtotal: Int?
    public var maxDiscount: Int?
    /// Unix seconds (converted from Korean time); `ends` is exclusive: a date alone ends at the next midnight.
    public var starts: Int?
    public var ends: Int?
    public var limit: Int?
    public var products: [String]?
    public var categories: [String]?
    /// Where it is declared, for messages about the SKUs and categories it names.
    public var line: Int?

    /// Hashes made in this process: PBKDF2 is slow on purpose, and `gage serve` makes the catalog on every edit.
    private static let made = Mutex<[String: String]>([:])

    static func hash(_ code: String, key: DiscountKey) -> String {
        let name = "\(key.salt)\u{0}\(key.iterations)\u{0}\(DiscountKey.normalise(code))"
        if let known = made.withLock({ $0[name] }) { return known }
        let hash = key.hash(code)
        made.withLock { $0[name] = hash }
        return hash
    }

    static let keys = ["code", "percent", "amount", "free_shipping", "min_subtotal", "max_discount", "starts", "ends",
                       "limit", "products", "categories"]

    /// The rule as `catalog.json` publishes it: the code's hash, its categories resolved to the SKUs they hold.
    func rule(key: DiscountKey, skusInCategory: (String) -> [String]) -> DiscountRule {
        var eligible: [String]?
        if products != nil || categories != nil {
            var skus = products ?? []
            for category in categories ?? [] { skus += skusInCategory(category) }
            var seen = Set<String>()
            eligible = skus.filter { seen.insert($0).inserted }
        }
        return DiscountRule(hash: Self.hash(code, key: key), percent: percent, amount: amount, freeShipping: freeShipping,
                            minSubtotal: minSubtotal, maxDiscount: maxDiscount, starts: starts, ends: ends,
                            limit: limit, products: eligible)
    }
}

/// Korean time (KST, UTC+9 all year: Korea has kept no daylight saving time since 1988) as shop.yml writes it:
/// `2026-12-01`, `2026-12-01 09:00`, `2026-12-01T09:00:30`.
public enum KoreanTime {
    static let offset = 9 * 3600

    /// Unix seconds of the written moment; a date alone is its midnight, or with `endOfDay` the next midnight (so
    /// an end date includes its whole day). nil when the text is not such a date.
    public static func seconds(_ text: String, endOfDay: Bool = false) -> Int? {
        let text = text.trimmingWhitespace()
        let parts = text.split(omittingEmptySubsequences: true, whereSeparator: { $0 == " " || $0 == "T" })
        guard (1...2).contains(parts.count) else { return nil }
        let date = parts[0].split(separator: "-", omittingEmptySubsequences: false)
        guard date.count == 3, date[0].count == 4, date[1].count == 2, date[2].count == 2,
              let year = Int(date[0]), let month = Int(date[1]), let day = Int(date[2]) else { return nil }
        var hour = 0, minute = 0, second = 0
        if parts.count == 2 {
            let time = parts[1].split(separator: ":", omittingEmptySubsequences: false)
            guard (2...3).contains(time.count), time.allSatisfy({ $0.count == 2 }),
                  let h = Int(time[0]), let m = Int(time[1]), (0...23).contains(h), (0...59).contains(m) else { return nil }
            hour = h
            minute = m
            if time.count == 3 { guard let s = Int(time[2]), (0...59).contains(s) else { return nil }; second = s }
        }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: offset)!
        let components = DateComponents(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
        guard let moment = calendar.date(from: components),
              calendar.component(.day, from: moment) == day, calendar.component(.month, from: moment) == month
        else { return nil }
        let value = Int(moment.timeIntervalSince1970)
        return endOfDay && parts.count == 1 ? value + 86_400 : value
    }

    /// `2026-12-12 23:59` for the moment, in Korean time.
    public static func text(_ seconds: Int) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: offset)!
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute],
                                            from: Date(timeIntervalSince1970: TimeInterval(seconds)))
        func two(_ value: Int?) -> String { let v = value ?? 0; return v < 10 ? "0\(v)" : "\(v)" }
        return "\(parts.year ?? 0)-\(two(parts.month))-\(two(parts.day)) \(two(parts.hour)):\(two(parts.minute))"
    }

    /// ISO 8601 with the Korean offset (`2026-12-12T23:59:00+09:00`), as schema.org and Google's feed take it.
    public static func iso8601(_ seconds: Int) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: offset)!
        let p = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second],
                                        from: Date(timeIntervalSince1970: TimeInterval(seconds)))
        func two(_ value: Int?) -> String { let v = value ?? 0; return v < 10 ? "0\(v)" : "\(v)" }
        return "\(p.year ?? 0)-\(two(p.month))-\(two(p.day))T\(two(p.hour)):\(two(p.minute)):\(two(p.second))+09:00"
    }
}

extension YAMLFields {
    /// A Korean date or date-and-time (see `KoreanTime`), with its line and a fix when it is not one.
    func koreanTime(_ key: String, endOfDay: Bool = false) -> Int? {
        guard let node = value(key) else { return nil }
        guard case .scalar = node, let text = node.string, let seconds = KoreanTime.seconds(text, endOfDay: endOfDay) else {
            log.error(line: line(of: node), "'\(prefix)\(key)' is not a date in Korean time: \(describe(node))",
                      hint: "write \(key): 2026-12-01 or \(key): 2026-12-01 09:00")
            return nil
        }
        return seconds
    }

    /// A whole number of won above zero.
    func positiveAmount(_ key: String, hint: String) -> Int? {
        guard let value = int(key) else { return nil }
        guard value > 0 else {
            log.error(line: self.value(key).flatMap(line(of:)), "'\(prefix)\(key)' must be more than 0, not \(value)",
                      hint: hint)
            return nil
        }
        return value
    }
}

extension ShopSettings {
    /// `discounts:`: each code once (ignoring case), ASCII, with exactly one of percent, amount, free_shipping.
    static func discounts(_ fields: YAMLFields) -> [DiscountSetting] {
        guard let list = fields.sequence("discounts") else { return [] }
        var result: [DiscountSetting] = []
        for (index, node) in list.enumerated() {
            guard case let .mapping(mapping) = node else {
                fields.log.error(line: fields.line(of: node), "discounts[\(index)] must be a set of keys",
                                 hint: "write - code: WELCOME10\n    percent: 10")
                continue
            }
            let entry = YAMLFields(mapping, log: fields.log, lineOffset: 0, prefix: "discounts[\(index)].",
                                   line: fields.line(of: node))
            entry.rejectUnknownKeys(allowed: DiscountSetting.keys, what: "discount")
            guard let code = entry.string("code") else {
                entry.missing("code", hint: "add code: WELCOME10 (what buyers type in the cart)")
                continue
            }
            let codeLine = entry.value("code").flatMap(entry.line(of:))
            if !isValidCode(code) {
                fields.log.error(line: codeLine, "discount code '\(code)' can only hold A-Z a-z 0-9 _ - (3 to 40 of them)",
                                 hint: "buyers type it, and it is matched ignoring case: e.g. code: WELCOME10")
            }
            let normalised = DiscountKey.normalise(code)
            if result.contains(where: { DiscountKey.normalise($0.code) == normalised }) {
                fields.log.error(line: codeLine, "discount code '\(code)' is declared twice (codes ignore case)",
                                 hint: "keep one, or give the other a different code")
            }
            var setting = DiscountSetting(code: code, line: entry.line)
            setting.percent = entry.int("percent")
            setting.amount = entry.positiveAmount("amount", hint: "won off the order, e.g. amount: 3000")
            setting.freeShipping = entry.bool("free_shipping") ?? false
            let kinds = [entry.has("percent"), entry.has("amount"), setting.freeShipping].filter { $0 }.count
            if kinds != 1 {
                fields.log.error(line: entry.line, "discount '\(code)' needs exactly one of percent, amount, free_shipping",
                                 hint: "e.g. percent: 10, or amount: 3000, or free_shipping: true")
            }
            if let percent = setting.percent, !(1...100).contains(percent) {
                fields.log.error(line: entry.value("percent").flatMap(entry.line(of:)),
                                 "percent must be from 1 to 100, not \(percent)", hint: "e.g. percent: 10")
            }
            setting.minSubtotal = entry.positiveAmount("min_subtotal", hint: "e.g. min_subtotal: 30000")
            setting.maxDiscount = entry.positiveAmount("max_discount", hint: "e.g. max_discount: 5000")
            if setting.maxDiscount != nil, setting.percent == nil {
                fields.log.error(line: entry.value("max_discount").flatMap(entry.line(of:)),
                                 "max_discount caps a percent discount; '\(code)' has no percent",
                                 hint: "remove max_discount, or make it a percent discount")
            }
            setting.starts = entry.koreanTime("starts")
            setting.ends = entry.koreanTime("ends", endOfDay: true)
            if let starts = setting.starts, let ends = setting.ends, ends <= starts {
                fields.log.error(line: entry.value("ends").flatMap(entry.line(of:)),
                                 "discount '\(code)' ends before it starts", hint: "ends must come after starts")
            }
            setting.limit = entry.positiveAmount("limit", hint: "redemptions in all, e.g. limit: 100")
            setting.products = entry.stringList("products")
            setting.categories = entry.stringList("categories")
            result.append(setting)
        }
        return result
    }

    static func isValidCode(_ code: String) -> Bool {
        (3...40).contains(code.utf8.count) && code.utf8.allSatisfy {
            ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x61 && $0 <= 0x7A) || $0 == 0x5F || $0 == 0x2D
        }
    }
}

extension ProductSource {
    /// `sale: {price, from, until}`: a price below the product's, in effect from `from` until `until` (Korean time;
    /// a date alone for `until` includes its whole day).
    static func decodeSale(_ fields: YAMLFields, price: Int?) -> Sale? {
        guard fields.has("sale") else { return nil }
        guard let sale = fields.fields("sale") else { return nil }
        sale.rejectUnknownKeys(allowed: ["price", "from", "until"], what: "sale")
        guard sale.has("price") else {
            sale.missing("price", hint: "add price: 15000 (the sale price in won)")
            return nil
        }
        guard let salePrice = sale.positiveAmount("price", hint: "the sale price in won, e.g. price: 15000") else { return nil }
        if let price, salePrice >= price {
            fields.log.error(line: sale.value("price").flatMap(sale.line(of:)),
                             "sale.price (\(salePrice)) is not less than price (\(price))",
                             hint: "the sale price is what buyers pay during the sale; make it lower than price")
        }
        let from = sale.koreanTime("from")
        let until = sale.koreanTime("until", endOfDay: true)
        if let from, let until, until <= from {
            fields.log.error(line: sale.value("until").flatMap(sale.line(of:)), "sale.until is not after sale.from",
                             hint: "e.g. sale: {price: 15000, from: 2026-12-10 09:00, until: 2026-12-12 23:59}")
        }
        return Sale(price: salePrice, from: from, until: until)
    }
}
