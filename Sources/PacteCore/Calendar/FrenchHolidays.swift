/// French public holidays (jours fériés) of metropolitan France, for deadlines that move to the
/// next working day (article 642 of the code of civil procedure).
/// Alsace-Moselle's two extra days are left to the caller's `extraHolidays`.
public enum FrenchHolidays {
    /// Easter Sunday (anonymous Gregorian algorithm).
    public static func easter(_ year: Int) -> CivilDate {
        let a = year % 19, b = year / 100, c = year % 100
        let d = b / 4, e = b % 4, f = (b + 8) / 25, g = (b - f + 1) / 3
        let h = (19 * a + b - d - g + 15) % 30
        let i = c / 4, k = c % 4
        let l = (32 + 2 * e + 2 * i - h - k) % 7
        let m = (a + 11 * h + 22 * l) / 451
        let month = (h + l - 7 * m + 114) / 31
        let day = (h + l - 7 * m + 114) % 31 + 1
        return (try? CivilDate(year: year, month: month, day: day)) ?? CivilDate(daysSinceEpoch: 0)
    }

    public static func holidays(in year: Int) -> Set<CivilDate> {
        let fixed = [(1, 1), (5, 1), (5, 8), (7, 14), (8, 15), (11, 1), (11, 11), (12, 25)]
        var days = Set(fixed.compactMap { try? CivilDate(year: year, month: $0.0, day: $0.1) })
        let easter = easter(year)
        days.insert(easter.adding(days: 1))  // lundi de Pâques
        days.insert(easter.adding(days: 39)) // Ascension
        days.insert(easter.adding(days: 50)) // lundi de Pentecôte
        return days
    }

    public static func isWorkingDay(_ date: CivilDate, extraHolidays: Set<CivilDate> = []) -> Bool {
        date.weekday <= 5 && !holidays(in: date.year).contains(date) && !extraHolidays.contains(date)
    }

    /// `date` itself when it is a working day, else the next one.
    public static func nextWorkingDay(onOrAfter date: CivilDate, extraHolidays: Set<CivilDate> = []) -> CivilDate {
        var day = date
        while !isWorkingDay(day, extraHolidays: extraHolidays) { day = day.adding(days: 1) }
        return day
    }
}
