import Foundation
import GageCore
import Yams

/// A product as its author wrote it in `content/products/…`, decoded and validated. A build passes 10,000 of
/// these through loading, sorting, grouping and rendering: they share one copy of their fields until one is
/// changed (copy-on-write), so passing one along costs a reference count, not twenty, and two products made from
/// the same file compare equal at once.
@dynamicMemberLookup
public struct ProductSource: Sendable, Equatable {
    public struct Fields: Sendable, Equatable {
        public var slug: String
        /// Path relative to the shop folder, for messages.
        public var file: String
        /// For a bundle (`content/products/<slug>/index.md`): the bundle's folder, relative to the shop folder.
        public var bundleFolder: String?
        public var title: String
        public var sku: String
        public var price: Int
        public var compareAt: Int?
        public var summary: String?
        public var images: [String]
        public var category: String?
        public var tags: [String]
        public var stock: Int?
        public var maxQuantity: Int?
        public var options: [Catalog.Option]
        /// 19세 이상 구매 가능: sold only after identity verification (SPEC §6).
        public var adultOnly: Bool = false
        /// 상품정보제공고시 (`notice:`), shown as a table on the product page.
        public var notice: ProductNotice?
        /// 정기배송 (`subscription:`): the intervals offered and the subscriber price (SPEC §5).
        public var subscription: SubscriptionOffer?
        /// 타임세일 (`sale:`): a lower price for a while (SPEC §11).
        public var sale: Sale?
        /// 면세 (`tax_free: true`): 농·축·수산물, 도서 and the other goods 부가가치세법 §26 exempts.
        public var taxFree = false
        public var draft: Bool
        public var weight: Int?
        public var params: [String: FrontMatterValue]
        /// The Markdown description.
        public var body: String
    }

    @usableFromInline final class Storage: @unchecked Sendable {
        @usableFromInline var fields: Fields {
            didSet { if fields.title != oldValue.title { titleOrder = Self.orderKey(fields.title) } }
        }
        /// The title as list order compares it, made once per decoded file: sorting 10,000 Korean titles with
        /// String's `<` normalizes both sides on every comparison.
        private(set) var titleOrder: [UInt8]

        @usableFromInline init(_ fields: Fields) {
            self.fields = fields
            titleOrder = Self.orderKey(fields.title)
        }

        /// Swift orders strings by their NFC-normalized Unicode scalars, which is the byte order of their NFC
        /// UTF-8 form.
        static func orderKey(_ title: String) -> [UInt8] {
            Array(title.precomposedStringWithCanonicalMapping.utf8)
        }
    }

    @usableFromInline var storage: Storage

    init(_ fields: Fields) { storage = Storage(fields) }

    @inlinable public subscript<Value>(dynamicMember path: WritableKeyPath<Fields, Value>) -> Value {
        get { storage.fields[keyPath: path] }
        set {
            if !isKnownUniquelyReferenced(&storage) { storage = Storage(storage.fields) }
            storage.fields[keyPath: path] = newValue
        }
    }

    @inlinable public var isSoldOut: Bool { storage.fields.stock == 0 }

    public static func == (a: ProductSource, b: ProductSource) -> Bool {
        a.storage === b.storage || a.storage.fields == b.storage.fields
    }

    static let keys = ["title", "sku", "price", "compare_at", "summary", "images", "category", "tags", "stock",
                       "max_quantity", "options", "adult_only", "notice", "draft", "weight", "params", "subscription",
                       "sale", "tax_free"]
}

extension ProductSource {
    /// Decodes one product file. Returns nil only when nothing usable could be read; every problem is logged.
    static func decode(_ text: String, slug: String, file: String, bundleFolder: String?,
                       log: DiagnosticLog) -> ProductSource? {
        guard let (fields, body) = FrontMatterDocument.fields(of: text, file: file, allowedKeys: keys, what: "product",
                                                               log: log) else { return nil }

        let title = fields.string("title")
        if !fields.has("title") {
            fields.missing("title", hint: "add title: 상품 이름")
        } else if let title, title.trimmingWhitespace().isEmpty {
            log.error(line: fields.value("title").flatMap(fields.line(of:)), "title is empty", hint: "write the product's name")
        }
        let price = fields.int("price")
        if !fields.has("price") {
            fields.missing("price", hint: "add price: 18000 (a whole number of won)")
        } else if let price, price <= 0 {
            log.error(line: fields.value("price").flatMap(fields.line(of:)), "price must be more than 0, not \(price)",
                      hint: "write the price in won, e.g. price: 18000")
        }
        let sku = fields.string("sku") ?? slug
        if !SKU.isValid(sku) {
            let written = fields.value("sku").flatMap(fields.line(of:))
            log.error(line: written ?? 1,
                      written == nil ? "the SKU defaults to the file name '\(slug)', which is not a valid SKU"
                                     : "sku '\(sku)' is not a valid SKU",
                      hint: "add sku: with 1 to 64 of A-Z a-z 0-9 . _ - (e.g. sku: ETH-YIRG-200)")
        }
        let compareAt = fields.int("compare_at")
        if let compareAt, let price, compareAt <= price {
            log.error(line: fields.value("compare_at").flatMap(fields.line(of:)),
                      "compare_at (\(compareAt)) is not more than price (\(price))",
                      hint: "compare_at is the list price shown struck through; raise it or remove it")
        }
        let stock = fields.int("stock")
        if let stock, stock < 0 {
            log.error(line: fields.value("stock").flatMap(fields.line(of:)), "stock cannot be negative",
                      hint: "write stock: 0 for sold out")
        }
        let maxQuantity = fields.int("max_quantity")
        if let maxQuantity, maxQuantity < 1 {
            log.error(line: fields.value("max_quantity").flatMap(fields.line(of:)), "max_quantity must be at least 1",
                      hint: "leave it out for no per-order limit")
        }
        let options = decodeOptions(fields)
        if let price, price > 0, !options.isEmpty {
            let cheapest = price + options.reduce(0) { $0 + ($1.values.map(\.price).min() ?? 0) }
            if cheapest <= 0 {
                log.error(line: fields.value("options").flatMap(fields.line(of:)),
                          "with the cheapest options the price would be \(cheapest)원",
                          hint: "option prices are added to price; the total must stay above 0")
            }
        }
        var params: [String: FrontMatterValue] = [:]
        if let node = fields.value("params") {
            if case let .map(map) = FrontMatterValue(node) {
                params = map
            } else {
                log.error(line: fields.line(of: node), "'params' must be a set of keys",
                          hint: "e.g. params: { origin: Ethiopia }")
            }
        }
        let adultOnly = fields.bool("adult_only")
        if fields.has("adult_only"), adultOnly == nil {
            log.error(line: fields.value("adult_only").flatMap(fields.line(of:)), "adult_only must be true or false",
                      hint: "write adult_only: true for 전통주 and other 19세 이상 products")
        }
        var product = ProductSource(.init(
            slug: slug, file: file, bundleFolder: bundleFolder, title: title ?? "", sku: sku, price: price ?? 0,
            compareAt: compareAt, summary: fields.string("summary"), images: fields.stringList("images") ?? [],
            category: fields.string("category"), tags: fields.stringList("tags") ?? [], stock: stock,
            maxQuantity: maxQuantity, options: options, draft: fields.bool("draft") ?? false,
            weight: fields.int("weight"), params: params, body: body))
        product.adultOnly = adultOnly ?? false
        product.notice = ProductNotice.decode(fields)
        if let notice = product.notice { checkNotice(notice, fields: fields) }
        product.subscription = decodeSubscription(fields, price: price)
        product.sale = decodeSale(fields, price: price)
        let taxFree = fields.bool("tax_free")
        if fields.has("tax_free"), taxFree == nil {
            log.error(line: fields.value("tax_free").flatMap(fields.line(of:)), "tax_free must be true or false",
                      hint: "write tax_free: true for 면세 goods (농·축·수산물, 도서)")
        }
        product.taxFree = taxFree ?? false
        if product.subscription != nil, product.adultOnly {
            log.error(line: fields.value("subscription").flatMap(fields.line(of:)),
                      "an adult_only product cannot be sold as a subscription",
                      hint: "every adult_only order needs the buyer's identity verification, which a scheduled charge "
                          + "cannot ask for; remove subscription: or adult_only:")
        }
        return product
    }

    /// `subscription: {intervals: [2w, 4w], price: 16200}`: every interval `Nw` or `Nm` (N ≥ 1, at most a year),
    /// listed once, and a subscriber price above 0 (default: the product's price).
    private static func decodeSubscription(_ fields: YAMLFields, price: Int?) -> SubscriptionOffer? {
        guard fields.has("subscription") else { return nil }
        guard let subscription = fields.fields("subscription") else { return nil }
        subscription.rejectUnknownKeys(allowed: ["intervals", "price"], what: "subscription")
        let line = subscription.value("intervals").flatMap(subscription.line(of:)) ?? subscription.line
        guard let written = subscription.stringList("intervals") else {
            if !subscription.has("intervals") {
                subscription.missing("intervals", hint: "list how often it can be delivered, e.g. intervals: [2w, 4w, 1m]")
            }
            return nil
        }
        var intervals: [String] = []
        var valid = true
        for text in written {
            guard let interval = SubscriptionInterval(text.trimmingWhitespace()) else {
                valid = false
                let hint: String
                if let count = Int(text.filter(\.isNumber)), count == 0 {
                    hint = "an interval needs at least 1 week or month, e.g. 2w"
                } else if text.last.map({ "dDyY".contains($0) }) == true {
                    hint = "use weeks or months: Nw (every N weeks, up to 52w) or Nm (every N months, up to 12m)"
                } else {
                    hint = "write Nw (every N weeks, 1–52) or Nm (every N months, 1–12), e.g. [2w, 4w, 1m]"
                }
                fields.log.error(line: line, "subscription interval '\(text)' is not an interval", hint: hint)
                continue
            }
            if intervals.contains(interval.description) {
                fields.log.error(line: line, "subscription interval '\(text)' is listed twice", hint: "keep one")
                continue
            }
            intervals.append(interval.description)
        }
        if written.isEmpty {
            valid = false
            fields.log.error(line: line, "subscription.intervals is empty", hint: "list at least one, e.g. intervals: [4w]")
        }
        var subscriberPrice = price ?? 0
        if subscription.has("price") {
            guard let written = subscription.int("price") else { return nil }
            guard written > 0 else {
                fields.log.error(line: subscription.value("price").flatMap(subscription.line(of:)),
                                 "subscription.price must be more than 0, not \(written)",
                                 hint: "write the price of one delivery in won, e.g. price: 16200, or leave it out to charge price:")
                return nil
            }
            subscriberPrice = written
        }
        return valid ? SubscriptionOffer(intervals: intervals, price: subscriberPrice) : nil
    }

    /// Warns (the law is the seller's to follow, not the build's to enforce) when the 고시's group is missing or
    /// unknown, or when a checked group lacks a required field.
    private static func checkNotice(_ notice: ProductNotice, fields: YAMLFields) {
        guard case let .mapping(mapping)? = fields.value("notice") else { return }
        let noticeLine = fields.mapping.first { $0.key.string == "notice" }.flatMap { fields.line(of: $0.key) }
        let typeLine = mapping.first { $0.key.string == "type" }.flatMap { fields.line(of: $0.key) } ?? noticeLine
        guard let type = notice.type else {
            fields.log.warning(line: noticeLine, "notice has no type, so its required fields cannot be checked",
                               hint: "add type: 가공식품 (the 고시's product group: 가공식품, 농수축산물, 의류, 화장품, 기타 재화, …)")
            return
        }
        guard let group = NoticeGroup.checkedGroup(for: type) else {
            if !NoticeGroup.isKnown(type) {
                let guess = Suggestion.closest(to: type, among: NoticeGroup.allNames)
                fields.log.warning(line: typeLine, "notice type '\(type)' is not a product group of the 고시",
                                   hint: guess.map { "did you mean '\($0)'?" }
                                       ?? "use the 고시's group name, e.g. 가공식품, 농수축산물, 의류, 화장품, 기타 재화")
            }
            return
        }
        for field in group.missingFields(among: notice.rows.map(\.label)) {
            fields.log.warning(line: typeLine, "notice for \(group.name) lacks '\(field)', which the 고시 requires",
                               hint: "add \(field): … under notice: (or '상세페이지 참조' when the description gives it)")
        }
    }

    private static func decodeOptions(_ fields: YAMLFields) -> [Catalog.Option] {
        guard let list = fields.sequence("options") else { return [] }
        var options: [Catalog.Option] = []
        for (index, node) in list.enumerated() {
            guard case let .mapping(mapping) = node else {
                fields.log.error(line: fields.line(of: node), "options[\(index)] must have a name and values",
                                 hint: "write - name: 사이즈\n    values: [S, M, L]")
                continue
            }
            let option = YAMLFields(mapping, log: fields.log, lineOffset: fields.lineOffset,
                                    prefix: "options[\(index)].")
            option.rejectUnknownKeys(allowed: ["name", "values"], what: "option")
            guard let name = option.string("name"), !name.isEmpty else {
                option.missing("name", hint: "add name: 사이즈")
                continue
            }
            if options.contains(where: { $0.name == name }) {
                fields.log.error(line: option.line, "option '\(name)' is listed twice", hint: "merge their values")
            }
            let values = decodeValues(option, optionName: name)
            if values.isEmpty {
                if option.has("values") {
                    fields.log.error(line: option.line, "option '\(name)' has no values",
                                     hint: "list the choices under values:, e.g. values: [S, M, L]")
                } else {
                    option.missing("values", hint: "list the choices of '\(name)', e.g. values: [S, M, L]")
                }
                continue
            }
            options.append(Catalog.Option(name: name, values: values))
        }
        return options
    }

    private static func decodeValues(_ option: YAMLFields, optionName: String) -> [Catalog.Option.Value] {
        guard let list = option.sequence("values") else { return [] }
        var values: [Catalog.Option.Value] = []
        for (index, node) in list.enumerated() {
            var value: Catalog.Option.Value?
            switch node {
            case .scalar:
                // Shorthand: a plain label with no price change.
                if let label = node.string, node.tagName != .null { value = .init(label: label) }
            case let .mapping(mapping):
                let fields = YAMLFields(mapping, log: option.log, lineOffset: option.lineOffset,
                                        prefix: "\(option.prefix)values[\(index)].")
                fields.rejectUnknownKeys(allowed: ["label", "price"], what: "option value")
                if let label = fields.string("label") {
                    value = .init(label: label, price: fields.int("price") ?? 0)
                } else {
                    fields.missing("label", hint: "add label: 홀빈")
                    continue
                }
            default:
                break
            }
            guard let value else {
                option.log.error(line: option.line(of: node), "values[\(index)] of option '\(optionName)' is empty",
                                 hint: "write - label: 홀빈, optionally with price: 500")
                continue
            }
            if values.contains(where: { $0.label == value.label }) {
                option.log.error(line: option.line(of: node),
                                 "option '\(optionName)' lists '\(value.label)' twice", hint: "keep one")
            }
            values.append(value)
        }
        return values
    }
}

/// A plain page (`content/*.md`): about, shipping and refund policy, terms, privacy.
public struct PageSource: Sendable, Equatable {
    public var slug: String
    public var file: String
    public var title: String
    public var description: String?
    public var draft: Bool
    public var weight: Int?
    public var body: String

    static let keys = ["title", "description", "draft", "weight"]

    static func decode(_ text: String, slug: String, file: String, log: DiagnosticLog) -> PageSource? {
        guard let (fields, body) = FrontMatterDocument.fields(of: text, file: file, allowedKeys: keys, what: "page",
                                                               log: log) else { return nil }
        let title = fields.string("title")
        if title == nil { fields.missing("title", hint: "add title: 배송 안내") }
        return PageSource(slug: slug, file: file, title: title ?? slug, description: fields.string("description"),
                          draft: fields.bool("draft") ?? false, weight: fields.int("weight"), body: body)
    }
}
