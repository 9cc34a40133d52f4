/// A month of the calendar (`2024-03`).
public struct YearMonth: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let year: Int
    public let month: Int

    public init(year: Int, month: Int) {
        self.year = year + (month - 1).floorDivided(by: 12)
        self.month = (month - 1).floorModulo(12) + 1
    }

    public init(_ date: CivilDate) { self.init(year: date.year, month: date.month) }

    public func adding(months: Int) -> YearMonth { YearMonth(year: year, month: month + months) }

    public static func < (lhs: YearMonth, rhs: YearMonth) -> Bool { (lhs.year, lhs.month) < (rhs.year, rhs.month) }

    /// Months from `self` to `other`, both included.
    public func count(through other: YearMonth) -> Int { (other.year - year) * 12 + other.month - month + 1 }

    /// `03/2024`, as French tables write it.
    public var description: String { (month < 10 ? "0" : "") + "\(month)/\(year)" }

    /// `mars 2024`.
    public var longLabel: String { "\(YearMonth.frenchMonths[month - 1]) \(year)" }

    static let frenchMonths = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
                               "septembre", "octobre", "novembre", "décembre"]
}

extension Int {
    fileprivate func floorDivided(by divisor: Int) -> Int { self >= 0 ? self / divisor : -((-self + divisor - 1) / divisor) }
    fileprivate func floorModulo(_ divisor: Int) -> Int { self - floorDivided(by: divisor) * divisor }
}

/// Planned spending spread over the months: each period's cost is split evenly (largest remainder,
/// to the cent) over the months of its year that fall within the convention, or over the whole
/// convention when the period has no year. The planned curve of the convention page starts here.
public enum MonthlySchedule {
    public struct Month: Hashable, Sendable {
        public var month: YearMonth
        public var amount: Money
        /// Running total up to and including this month.
        public var cumulative: Money
    }

    public static func planned(_ evaluation: PlanEvaluation, from start: CivilDate, to end: CivilDate) throws -> [Month] {
        let first = YearMonth(start)
        let last = YearMonth(end)
        guard first <= last else { return [] }
        let span = first.count(through: last)
        var amounts = [Money](repeating: .zero, count: span)
        for period in evaluation.actions.flatMap(\.periods) where !period.cost.isZero {
            var from = first, to = last
            if let year = period.year {
                from = max(first, YearMonth(year: year, month: 1))
                to = min(last, YearMonth(year: year, month: 12))
                // A year outside the convention still counts: in the convention's nearest month.
                if from > to { from = year < first.year ? first : last; to = from }
            }
            let months = from.count(through: to)
            let parts = try Allocation.split(period.cost, weights: [Int64](repeating: 1, count: months))
            let offset = first.count(through: from) - 1
            for (index, part) in parts.enumerated() { amounts[offset + index] = try amounts[offset + index].adding(part) }
        }
        var running = Money.zero
        return try amounts.enumerated().map { index, amount in
            running = try running.adding(amount)
            return Month(month: first.adding(months: index), amount: amount, cumulative: running)
        }
    }
}
