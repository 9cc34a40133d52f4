import Foundation

/// A calendar day with no time and no time zone: a signature date, a deadline, a session date.
/// Legal dates in conventions are days in the Europe/Paris calendar, so they are kept as such.
public struct CivilDate: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let year: Int
    public let month: Int
    public let day: Int

    public init(year: Int, month: Int, day: Int) throws(CivilDateError) {
        guard (1...9999).contains(year), (1...12).contains(month) else {
            throw CivilDateError.invalid(year: year, month: month, day: day)
        }
        guard (1...CivilDate.daysIn(month: month, year: year)).contains(day) else {
            throw CivilDateError.invalid(year: year, month: month, day: day)
        }
        self.year = year
        self.month = month
        self.day = day
    }

    /// For values already known valid (the first day of a month, arithmetic results) inside the core.
    package init(unchecked year: Int, _ month: Int, _ day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    public static func isLeap(_ year: Int) -> Bool { (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 }

    public static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    public var isLastDayOfMonth: Bool { day == CivilDate.daysIn(month: month, year: year) }

    public static func < (lhs: CivilDate, rhs: CivilDate) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }

    /// `24/12/2020`
    public var description: String { FrenchFormat.date(self) }

    /// `2020-12-24`
    public var isoString: String {
        func pad(_ n: Int, _ width: Int) -> String { String(repeating: "0", count: max(0, width - String(n).count)) + String(n) }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))"
    }

    /// Reads `2020-12-24` or `24/12/2020`.
    public static func parse(_ text: String) throws(CivilDateError) -> CivilDate {
        let body = text.trimmingSpaces
        let iso = body.split(separator: "-", omittingEmptySubsequences: false)
        let french = body.split(separator: "/", omittingEmptySubsequences: false)
        let parts: (Substring, Substring, Substring)
        if iso.count == 3, iso[0].count == 4 {
            parts = (iso[0], iso[1], iso[2])
        } else if french.count == 3, french[2].count == 4 {
            parts = (french[2], french[1], french[0])
        } else {
            throw CivilDateError.unreadable(text)
        }
        guard [parts.0, parts.1, parts.2].allSatisfy({ !$0.isEmpty && $0.count <= 4 && $0.allSatisfy(\.isASCIIDigit) }),
              let y = Int(parts.0), let m = Int(parts.1), let d = Int(parts.2)
        else { throw CivilDateError.unreadable(text) }
        return try CivilDate(year: y, month: m, day: d)
    }

    // MARK: - Arithmetic

    /// Days since 1970-01-01 (proleptic Gregorian calendar).
    public var daysSinceEpoch: Int {
        // Howard Hinnant's days_from_civil.
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    public init(daysSinceEpoch days: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        self.init(unchecked: yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    public func adding(days: Int) -> CivilDate { CivilDate(daysSinceEpoch: daysSinceEpoch + days) }

    /// Calendar months later. When the target month is shorter, the result is its last day:
    /// 31 January + 1 month = 28 (or 29) February. This is the rule of article 641 of the French
    /// code of civil procedure for periods counted in months.
    public func adding(months: Int) -> CivilDate {
        let index = year * 12 + (month - 1) + months
        let y = index / 12
        let m = index % 12 + 1
        return CivilDate(unchecked: y, m, min(day, CivilDate.daysIn(month: m, year: y)))
    }

    public func adding(years: Int) -> CivilDate { adding(months: years * 12) }

    /// Days from `self` to `other` (positive when `other` is later).
    public func days(until other: CivilDate) -> Int { other.daysSinceEpoch - daysSinceEpoch }

    /// ISO weekday: 1 = Monday … 7 = Sunday.
    public var weekday: Int {
        let w = (daysSinceEpoch + 3) % 7 // 1970-01-01 was a Thursday
        return (w < 0 ? w + 7 : w) + 1
    }

    /// Today in the Europe/Paris calendar, whatever the server's time zone.
    public static func today(now: Date = Date()) -> CivilDate { CivilDate(instant: now) }

    /// The Paris calendar day of an instant.
    public init(instant: Date) {
        // The zone's offset at that instant, then plain day arithmetic: pages convert hundreds of
        // timestamps, and a Calendar per conversion cost milliseconds.
        let seconds = instant.timeIntervalSince1970 + Double(CivilDate.paris.secondsFromGMT(for: instant))
        self.init(daysSinceEpoch: Int((seconds / 86_400).rounded(.down)))
    }

    static let paris = TimeZone(identifier: "Europe/Paris") ?? TimeZone(secondsFromGMT: 3600)!
}

public enum CivilDateError: Error, Equatable, Sendable, CustomStringConvertible {
    case invalid(year: Int, month: Int, day: Int)
    case unreadable(String)

    public var description: String {
        switch self {
        case let .invalid(y, m, d): "La date \(d)/\(m)/\(y) n'existe pas."
        case let .unreadable(text): "« \(text) » n'est pas une date (attendu JJ/MM/AAAA ou AAAA-MM-JJ)."
        }
    }
}

extension CivilDate: TextCodable {
    /// Dates travel as ISO strings, `2020-12-24`.
    public init(codedText: String) throws { self = try CivilDate.parse(codedText) }
    public var codedText: String { isoString }
}
