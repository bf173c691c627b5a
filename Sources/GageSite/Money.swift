import GageCatalog

/// Prices as Korean buyers read them: `18,000원` (ko) or `₩18,000` (en).
public struct MoneyFormat: Sendable {
    public var language: ShopSettings.Language

    public init(language: ShopSettings.Language) {
        self.language = language
    }

    public func format(_ amount: Int) -> String {
        let digits = Self.grouped(amount)
        return language == .ko ? digits + "원" : "₩" + digits
    }

    /// An option's price change: `+500원`, `-1,000원`.
    public func delta(_ amount: Int) -> String {
        (amount < 0 ? "-" : "+") + format(abs(amount))
    }

    /// `18000` → `18,000`.
    public static func grouped(_ amount: Int) -> String {
        let digits = String(amount.magnitude)
        var result = ""
        for (index, digit) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { result.append(",") }
            result.append(digit)
        }
        return (amount < 0 ? "-" : "") + result
    }
}
