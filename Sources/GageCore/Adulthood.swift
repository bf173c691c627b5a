#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Who counts as an adult for buying alcohol: 청소년보호법 §2(1) — a person under 19, except one who has reached
/// 1 January of the year they turn 19. A year rule, not 만 나이, and the year is the one in Korea.
public enum Adulthood {
    /// The Gregorian calendar in Korean time, which keeps one offset all year (no daylight saving since 1988).
    static let korean: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: 9 * 3600)!
        return calendar
    }()

    /// `birthday` as Iamport gives it (`YYYY-MM-DD`); nil when it cannot be read.
    public static func isAdult(birthday: String, at now: Int) -> Bool? {
        let parts = birthday.split(separator: "-")
        guard parts.count == 3, parts[0].count == 4, let birthYear = Int(parts[0]) else { return nil }
        return koreanYear(at: now) - birthYear >= 19
    }

    /// The calendar year in Korea at Unix time `now`.
    public static func koreanYear(at now: Int) -> Int {
        korean.component(.year, from: Date(timeIntervalSince1970: TimeInterval(now)))
    }
}
