import CCrypto
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A discount code's rules as `catalog.json` publishes them (SPEC §11): under the keyed hash of the code, never
/// the code itself. Times are Unix seconds, already converted from the Korean time shop.yml gives.
public struct DiscountRule: Codable, Equatable, Sendable {
    /// `DiscountKey.hash(_:)` of the normalised code.
    public var hash: String
    /// Percent off the eligible items (1…100), or `amount` won off them, or the shipping fee waived.
    public var percent: Int?
    public var amount: Int?
    public var freeShipping: Bool
    /// The eligible items' subtotal must reach it.
    public var minSubtotal: Int?
    /// The cap of a percent discount.
    public var maxDiscount: Int?
    /// In effect from `starts` (inclusive) until `ends` (exclusive).
    public var starts: Int?
    public var ends: Int?
    /// Redemptions in all, across buyers and hosts (counted by the function's ledger).
    public var limit: Int?
    /// Only these SKUs count towards the discount (a rule's `categories` are resolved to SKUs at build time);
    /// nil: every item.
    public var products: [String]?

    public init(hash: String, percent: Int? = nil, amount: Int? = nil, freeShipping: Bool = false,
                minSubtotal: Int? = nil, maxDiscount: Int? = nil, starts: Int? = nil, ends: Int? = nil,
                limit: Int? = nil, products: [String]? = nil) {
        self.hash = hash
        self.percent = percent
        self.amount = amount
        self.freeShipping = freeShipping
        self.minSubtotal = minSubtotal
        self.maxDiscount = maxDiscount
        self.starts = starts
        self.ends = ends
        self.limit = limit
        self.products = products
    }

    enum CodingKeys: String, CodingKey {
        case hash, percent, amount, starts, ends, limit, products
        case freeShipping = "free_shipping", minSubtotal = "min_subtotal", maxDiscount = "max_discount"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        hash = try container.decode(String.self, forKey: .hash)
        percent = try container.decodeIfPresent(Int.self, forKey: .percent)
        amount = try container.decodeIfPresent(Int.self, forKey: .amount)
        freeShipping = try container.decodeIfPresent(Bool.self, forKey: .freeShipping) ?? false
        minSubtotal = try container.decodeIfPresent(Int.self, forKey: .minSubtotal)
        maxDiscount = try container.decodeIfPresent(Int.self, forKey: .maxDiscount)
        starts = try container.decodeIfPresent(Int.self, forKey: .starts)
        ends = try container.decodeIfPresent(Int.self, forKey: .ends)
        limit = try container.decodeIfPresent(Int.self, forKey: .limit)
        products = try container.decodeIfPresent([String].self, forKey: .products)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(hash, forKey: .hash)
        try container.encodeIfPresent(percent, forKey: .percent)
        try container.encodeIfPresent(amount, forKey: .amount)
        if freeShipping { try container.encode(true, forKey: .freeShipping) }
        try container.encodeIfPresent(minSubtotal, forKey: .minSubtotal)
        try container.encodeIfPresent(maxDiscount, forKey: .maxDiscount)
        try container.encodeIfPresent(starts, forKey: .starts)
        try container.encodeIfPresent(ends, forKey: .ends)
        try container.encodeIfPresent(limit, forKey: .limit)
        try container.encodeIfPresent(products, forKey: .products)
    }

    /// Why the code is not in effect at `time`, or nil when it is.
    public func outOfWindow(at time: Int) -> DiscountProblem? {
        if let starts, time < starts { return .notStarted }
        if let ends, time >= ends { return .expired }
        return nil
    }

    /// Whether an item of this SKU counts towards the discount.
    public func covers(_ sku: String) -> Bool { products.map { $0.contains(sku) } ?? true }
}

/// Why a discount code takes nothing off an order. The first four refuse an order that names the code
/// (`discount_invalid`); the last two only mean the code gives nothing to this cart.
public enum DiscountProblem: String, Sendable, Equatable, CaseIterable {
    case unknown = "unknown"
    case notStarted = "not_started"
    case expired = "expired"
    case usedUp = "used_up"
    case belowMinimum = "min_subtotal"
    case noEligibleItems = "no_eligible_items"
}

/// How codes are hashed for `catalog.json`. The hash is keyed with the shop's salt (so a table made for one shop
/// is useless for another) and slow (PBKDF2-HMAC-SHA256, many iterations), so that guessing a code from the
/// published hashes costs real time per guess. It cannot make a short, guessable code secret: the salt is public,
/// as it must be for the page to check a typed code (see README, "Discount codes").
public struct DiscountKey: Codable, Equatable, Sendable {
    public var salt: String
    public var iterations: Int

    public static let defaultIterations = 100_000

    public init(salt: String, iterations: Int = DiscountKey.defaultIterations) {
        self.salt = salt
        self.iterations = iterations
    }

    /// A shop's key: its salt is derived from its id, so it stays the same from one build to the next.
    public static func forShop(_ shop: String) -> DiscountKey { DiscountKey(salt: "gage-discount:" + shop) }

    /// The code as buyers may type it: surrounding white space dropped, ASCII letters upper-cased. Shop codes are
    /// ASCII (`gage check` says so), so case folding never depends on a locale or Unicode version.
    public static func normalise(_ code: String) -> String {
        String(code.trimmingWhitespace().unicodeScalars.map { scalar -> Character in
            (scalar.value >= 0x61 && scalar.value <= 0x7A) ? Character(Unicode.Scalar(scalar.value - 32)!) : Character(scalar)
        })
    }

    /// PBKDF2-HMAC-SHA256(normalised code, salt, iterations), 32 bytes as lower-case hex.
    public func hash(_ code: String) -> String {
        let password = Array(Self.normalise(code).utf8)
        let saltBytes = Array(salt.utf8)
        var output = [UInt8](repeating: 0, count: 32)
        let status = password.withUnsafeBufferPointer { passwordBuffer in
            saltBytes.withUnsafeBufferPointer { saltBuffer in
                PKCS5_PBKDF2_HMAC(passwordBuffer.baseAddress.map { UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self) },
                                  Int32(password.count), saltBuffer.baseAddress, Int32(saltBytes.count),
                                  Int32(iterations), EVP_sha256(), Int32(output.count), &output)
            }
        }
        precondition(status == 1, "PBKDF2 failed")
        return output.map { byte in
            let hex = String(byte, radix: 16)
            return hex.count == 1 ? "0" + hex : hex
        }.joined()
    }
}

/// A timed sale on a product (`sale: {price, from, until}`): `price` replaces the product's price from `from`
/// (inclusive) until `until` (exclusive); either end may be open.
public struct Sale: Codable, Equatable, Sendable {
    public var price: Int
    public var from: Int?
    public var until: Int?

    public init(price: Int, from: Int? = nil, until: Int? = nil) {
        self.price = price
        self.from = from
        self.until = until
    }

    public func isOn(at time: Int) -> Bool {
        if let from, time < from { return false }
        if let until, time >= until { return false }
        return true
    }
}

/// Where a postcode ships to, for the regional surcharges (SPEC §11).
public enum Region: String, Sendable, Equatable {
    case mainland, jeju, remote

    /// 제주특별자치도: 63000–63644.
    public static let jejuPostcodes: ClosedRange<Int> = 63000...63644

    /// The 5-digit 국가기초구역 postcode in `text` (digits only, other characters dropped); nil if there is none.
    public static func postcode(_ text: String?) -> Int? {
        guard let text else { return nil }
        let digits = text.unicodeScalars.filter { $0.value >= 0x30 && $0.value <= 0x39 }
        guard digits.count == 5, let value = Int(String(String.UnicodeScalarView(digits))) else { return nil }
        return value
    }

    /// Jeju first (its islands are Jeju's too), then the shop's 도서산간 ranges.
    public static func of(postcode: Int, remote: [PostcodeRange]) -> Region {
        if jejuPostcodes.contains(postcode) { return .jeju }
        if remote.contains(where: { $0.contains(postcode) }) { return .remote }
        return .mainland
    }
}

/// An inclusive range of postcodes, written `[first, last]` in `catalog.json`.
public struct PostcodeRange: Codable, Equatable, Sendable {
    public var first: Int
    public var last: Int

    public init(_ first: Int, _ last: Int) {
        self.first = first
        self.last = last
    }

    public func contains(_ postcode: Int) -> Bool { postcode >= first && postcode <= last }

    public init(from decoder: any Decoder) throws {
        var container = try decoder.unkeyedContainer()
        first = try container.decode(Int.self)
        last = try container.decode(Int.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.unkeyedContainer()
        try container.encode(first)
        try container.encode(last)
    }
}
