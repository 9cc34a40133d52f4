/// When a dated item (a decision deadline, a notice period ending, a meeting) is recalled to the
/// people concerned: a month, a week and a day before, and on the day.
public enum ReminderSchedule {
    public static let daysBefore = [30, 7, 1, 0]

    /// The number of days before `date` that makes `today` a reminder day, nil otherwise.
    public static func due(_ date: CivilDate, today: CivilDate, daysBefore: [Int] = daysBefore) -> Int? {
        let left = today.days(until: date)
        return daysBefore.contains(left) ? left : nil
    }

    /// `dans 30 jours`, `demain`, `aujourd'hui`.
    public static func label(_ days: Int) -> String {
        switch days {
        case 0: "aujourd'hui"
        case 1: "demain"
        default: "dans \(days) jours"
        }
    }
}
