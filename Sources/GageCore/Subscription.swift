#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// How often a subscription (정기배송) delivers: every N weeks (`2w`) or every N months (`1m`), as a product's
/// `subscription.intervals` spells it.
public struct SubscriptionInterval: Hashable, Sendable, CustomStringConvertible {
    public enum Unit: String, Sendable {
        case week = "w"
        case month = "m"
    }

    public var count: Int
    public var unit: Unit

    /// The longest intervals offered: a year either way.
    public static let maximumWeeks = 52
    public static let maximumMonths = 12

    public init(count: Int, unit: Unit) {
        self.count = count
        self.unit = unit
    }

    /// `2w`, `4w`, `1m`; nil for anything else (no unit, another unit, zero, or more than a year).
    public init?(_ text: String) {
        guard let last = text.last, let unit = Unit(rawValue: String(last)),
              let count = Int(text.dropLast()), text.dropLast().allSatisfy(\.isASCII), text.first != "+" else { return nil }
        guard count >= 1, count <= (unit == .week ? Self.maximumWeeks : Self.maximumMonths) else { return nil }
        self.init(count: count, unit: unit)
    }

    public var description: String { "\(count)\(unit.rawValue)" }

    /// `2주마다`, `1개월마다`: how the shop's pages and e-mails say it.
    public var korean: String { unit == .week ? "\(count)주마다" : "\(count)개월마다" }

    /// When charge number `sequence` (1 is the first, made at `anchor`) falls, in Unix seconds. Counted from the
    /// anchor in Korean time, never from the previous charge, so a month step keeps the anchor's day of the month
    /// and takes the month's last day when it is shorter: 31 Jan → 28 (29) Feb → 31 Mar, not 28 Mar.
    public func chargeDate(_ sequence: Int, anchor: Int) -> Int {
        let steps = max(0, sequence - 1) * count
        let start = Date(timeIntervalSince1970: TimeInterval(anchor))
        let next: Date?
        switch unit {
        case .week: next = Self.korean.date(byAdding: .day, value: steps * 7, to: start)
        case .month: next = Self.korean.date(byAdding: .month, value: steps, to: start)
        }
        return Int((next ?? start).timeIntervalSince1970)
    }

    /// The Gregorian calendar in Korean time (one offset all year).
    static let korean: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: 9 * 3600)!
        return calendar
    }()
}

/// A product's offer to subscribers, as `catalog.json` carries it: the intervals a buyer may pick and the price of
/// one delivery.
public struct SubscriptionOffer: Codable, Equatable, Sendable {
    public var intervals: [String]
    public var price: Int

    public init(intervals: [String], price: Int) {
        self.intervals = intervals
        self.price = price
    }

    public func offers(_ interval: SubscriptionInterval) -> Bool {
        intervals.contains { SubscriptionInterval($0) == interval }
    }
}

/// One charge of a subscription, named by its `merchant_uid`: the shop's prefix, `S`, the subscription's id, the
/// charge's sequence number and, for a retry after a decline, the attempt (`myshop-Sk3x9q2m7ab-4r2`). Derived, never
/// random, so the provider itself refuses a second schedule or charge of the same delivery.
public struct SubscriptionCharge: Hashable, Sendable {
    public var subscriptionID: String
    /// 1 for the first delivery (charged at once), then 2, 3, … as scheduled.
    public var sequence: Int
    /// 1, then 2, 3, … for the retries of a declined charge.
    public var attempt: Int

    public static let idLength = 10

    public init(subscriptionID: String, sequence: Int, attempt: Int = 1) {
        self.subscriptionID = subscriptionID
        self.sequence = sequence
        self.attempt = attempt
    }

    public func merchantUID(prefix: String) -> String {
        prefix + "S" + subscriptionID + "-" + String(sequence) + (attempt > 1 ? "r" + String(attempt) : "")
    }

    /// The charge a merchant_uid names, or nil when it is not one of the shop's subscription charges.
    public init?(merchantUID: String, prefix: String) {
        guard merchantUID.hasPrefix(prefix + "S") else { return nil }
        let rest = merchantUID.dropFirst(prefix.count + 1)
        let parts = rest.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, Self.isID(parts[0]) else { return nil }
        let numbers = parts[1].split(separator: "r", omittingEmptySubsequences: false)
        guard (1...2).contains(numbers.count), numbers.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isASCII) && $0.first != "0" }),
              let sequence = Int(numbers[0]), sequence >= 1 else { return nil }
        var attempt = 1
        if numbers.count == 2 {
            guard let retry = Int(numbers[1]), retry >= 2 else { return nil }
            attempt = retry
        }
        self.init(subscriptionID: String(parts[0]), sequence: sequence, attempt: attempt)
    }

    /// A fresh subscription id: 10 of [a-z0-9] from the system's random source.
    public static func newID() -> String {
        var random = SystemRandomNumberGenerator()
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789")
        return String((0..<idLength).map { _ in alphabet[Int(random.next() % UInt64(alphabet.count))] })
    }

    public static func isID<Text: StringProtocol>(_ text: Text) -> Bool {
        text.utf8.count == idLength && text.utf8.allSatisfy {
            ($0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z")) || ($0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9"))
        }
    }
}
