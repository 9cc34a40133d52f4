/// The deliverables a convention promises (a monthly note, a quarterly bulletin, an annual study):
/// their due dates, and whether each was delivered on time, late, or is still awaited.
public enum Periodicity: String, Hashable, Sendable, Codable, CaseIterable {
    case once, monthly, quarterly, yearly

    public var label: String {
        switch self {
        case .once: "une fois"
        case .monthly: "chaque mois"
        case .quarterly: "chaque trimestre"
        case .yearly: "chaque année"
        }
    }

    var months: Int? {
        switch self {
        case .once: nil
        case .monthly: 1
        case .quarterly: 3
        case .yearly: 12
        }
    }
}

public enum DeliveryStatus: String, Hashable, Sendable {
    case onTime, late, awaited, overdue

    public var label: String {
        switch self {
        case .onTime: "livré à temps"
        case .late: "livré en retard"
        case .awaited: "à venir"
        case .overdue: "en retard, non livré"
        }
    }
}

public enum DeliverableSchedule {
    /// Every due date from `first` to `last` (included). A first date at a month's end stays at the
    /// end of the following months (31/01, 28/02, 31/03…).
    public static func dueDates(first: CivilDate, every periodicity: Periodicity, through last: CivilDate) -> [CivilDate] {
        guard let step = periodicity.months else { return [first] }
        var dates: [CivilDate] = []
        var index = 0
        while index < 1_200 {
            var date = first.adding(months: step * index)
            if first.isLastDayOfMonth { date = date.adding(days: CivilDate.daysIn(month: date.month, year: date.year) - date.day) }
            if date > last { break }
            dates.append(date)
            index += 1
        }
        return dates
    }

    public static func status(due: CivilDate, deliveredOn: CivilDate?, today: CivilDate) -> DeliveryStatus {
        if let deliveredOn { return deliveredOn <= due ? .onTime : .late }
        return today > due ? .overdue : .awaited
    }
}
