/// A notice period (préavis) as conventions write it: "trois mois après mise en demeure",
/// "au moins deux mois avant", "dans les 30 jours".
public struct NoticePeriod: Hashable, Sendable, Codable, CustomStringConvertible {
    public enum Unit: String, Codable, Sendable { case days, weeks, months, years }

    public let count: Int
    public let unit: Unit

    public init(_ count: Int, _ unit: Unit) {
        precondition(count >= 0, "a notice period cannot be negative")
        self.count = count
        self.unit = unit
    }

    public static func months(_ n: Int) -> NoticePeriod { NoticePeriod(n, .months) }
    public static func days(_ n: Int) -> NoticePeriod { NoticePeriod(n, .days) }

    /// The day the period ends when it starts on `start` (the day of the formal notice, of the
    /// notification…). Months follow the end-of-month rule of `CivilDate.adding(months:)`:
    /// three months after 30 November is 28 (or 29) February, three months after 31 January is 30 April.
    public func end(startingOn start: CivilDate) -> CivilDate {
        switch unit {
        case .days: start.adding(days: count)
        case .weeks: start.adding(days: 7 * count)
        case .months: start.adding(months: count)
        case .years: start.adding(years: count)
        }
    }

    /// The last day on which notice can be given for it to take effect on `effective`
    /// ("notifiée au moins deux mois avant l'entrée en vigueur"). When `effective` is the last day
    /// of its month, so is the answer: notice on 31 March ends one month later on 30 April.
    public func latestNotice(before effective: CivilDate) -> CivilDate {
        switch unit {
        case .days: return effective.adding(days: -count)
        case .weeks: return effective.adding(days: -7 * count)
        case .months, .years:
            let months = unit == .months ? count : 12 * count
            let start = effective.adding(months: -months)
            guard effective.isLastDayOfMonth else { return start }
            return start.adding(days: CivilDate.daysIn(month: start.month, year: start.year) - start.day)
        }
    }

    /// `3 mois`, `2 mois`, `30 jours`
    public var description: String {
        switch unit {
        case .days: count > 1 ? "\(count) jours" : "\(count) jour"
        case .weeks: count > 1 ? "\(count) semaines" : "\(count) semaine"
        case .months: "\(count) mois"
        case .years: count > 1 ? "\(count) ans" : "\(count) an"
        }
    }
}
