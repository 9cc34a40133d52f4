import Foundation
import Testing
@testable import PacteCore

@Suite struct CalendarTests {
    static func date(_ day: Int, _ month: Int, _ year: Int) -> CivilDate {
        try! CivilDate(year: year, month: month, day: day)
    }

    // MARK: - Validation

    @Test("29/02/2021 n'existe pas : 2021 n'est pas bissextile")
    func feb29NonLeap() {
        #expect(throws: CivilDateError.invalid(year: 2021, month: 2, day: 29)) {
            try CivilDate(year: 2021, month: 2, day: 29)
        }
    }

    @Test("29/02/2024 existe : 2024 est bissextile")
    func feb29Leap() throws {
        let d = try CivilDate(year: 2024, month: 2, day: 29)
        #expect(d.day == 29)
        #expect(d.isLastDayOfMonth)
    }

    @Test("Années bissextiles : 2000 oui, 1900 non, 2024 oui, 2023 non")
    func leapYears() {
        #expect(CivilDate.isLeap(2000))
        #expect(!CivilDate.isLeap(1900))
        #expect(CivilDate.isLeap(2024))
        #expect(!CivilDate.isLeap(2023))
    }

    @Test("Mois et jours hors bornes sont refusés", arguments: [(2021, 13, 1), (2021, 0, 10), (2021, 4, 31), (2021, 1, 0), (2021, 1, 32)])
    func outOfRange(_ y: Int, _ m: Int, _ d: Int) {
        #expect(throws: CivilDateError.self) { try CivilDate(year: y, month: m, day: d) }
    }

    @Test("L'erreur de date invalide est en français")
    func invalidDateMessage() {
        do {
            _ = try CivilDate(year: 2021, month: 2, day: 29)
            Issue.record("29/02/2021 aurait dû être refusé")
        } catch {
            let text = String(describing: error)
            #expect(text.contains("29/2/2021"))
            #expect(text.contains("n'existe pas"))
        }
    }

    // MARK: - Parsing and formatting

    @Test("« 24/12/2020 » se lit comme le 24 décembre 2020")
    func parseFrench() throws {
        #expect(try CivilDate.parse("24/12/2020") == Self.date(24, 12, 2020))
    }

    @Test("« 2020-12-24 » se lit comme le 24 décembre 2020")
    func parseISO() throws {
        #expect(try CivilDate.parse("2020-12-24") == Self.date(24, 12, 2020))
    }

    @Test("« 1/2/2021 » sans zéros se lit comme le 1er février 2021")
    func parseFrenchNoPadding() throws {
        #expect(try CivilDate.parse("1/2/2021") == Self.date(1, 2, 2021))
    }

    @Test("Un texte qui n'est pas une date est refusé avec un message en français", arguments: ["24.12.2020", "demain", "12/24", "2020-12", ""])
    func parseUnreadable(_ text: String) {
        do {
            _ = try CivilDate.parse(text)
            Issue.record("« \(text) » aurait dû être refusé")
        } catch {
            #expect(error == .unreadable(text))
            #expect(String(describing: error).contains("n'est pas une date"))
        }
    }

    @Test("« 31/04/2021 » est lisible mais n'existe pas")
    func parseImpossible() {
        #expect(throws: CivilDateError.invalid(year: 2021, month: 4, day: 31)) { try CivilDate.parse("31/04/2021") }
    }

    @Test("Une date s'affiche 24/12/2020 à la française")
    func frenchFormat() {
        #expect(Self.date(24, 12, 2020).description == "24/12/2020")
        #expect(Self.date(1, 2, 2021).description == "01/02/2021")
        #expect(FrenchFormat.date(Self.date(5, 7, 2025)) == "05/07/2025")
    }

    @Test("Une date s'écrit 2020-12-24 en ISO")
    func isoFormat() {
        #expect(Self.date(24, 12, 2020).isoString == "2020-12-24")
        #expect(Self.date(1, 2, 2021).isoString == "2021-02-01")
    }

    @Test("Une date fait l'aller-retour en JSON sous forme ISO")
    func codable() throws {
        let data = try JSONEncoder().encode([Self.date(24, 12, 2020)])
        #expect(String(decoding: data, as: UTF8.self) == "[\"2020-12-24\"]")
        #expect(try JSONDecoder().decode([CivilDate].self, from: data) == [Self.date(24, 12, 2020)])
    }

    @Test("Les dates se comparent dans l'ordre du calendrier")
    func ordering() {
        #expect(Self.date(31, 12, 2020) < Self.date(1, 1, 2021))
        #expect(Self.date(30, 1, 2021) < Self.date(1, 2, 2021))
        #expect(!(Self.date(2, 2, 2021) < Self.date(1, 2, 2021)))
    }

    // MARK: - Days since epoch

    @Test("Jours depuis le 1er janvier 1970 : valeurs de référence")
    func epochAnchors() {
        #expect(Self.date(1, 1, 1970).daysSinceEpoch == 0)
        #expect(Self.date(31, 12, 1969).daysSinceEpoch == -1)
        #expect(Self.date(1, 1, 2000).daysSinceEpoch == 10957)
        #expect(Self.date(24, 12, 2020).daysSinceEpoch == 18620)
        #expect(Self.date(29, 2, 2024).daysSinceEpoch == 19782)
        #expect(Self.date(1, 3, 1900).daysSinceEpoch == -25508)
    }

    @Test("Jours depuis 1970 : chaque jour de 1899 à 2101 suit le précédent et fait l'aller-retour")
    func epochRoundTripLoop() throws {
        var current = Self.date(1, 1, 1899)
        var expected = current.daysSinceEpoch
        let end = Self.date(31, 12, 2101)
        var count = 0
        while current <= end {
            #expect(current.daysSinceEpoch == expected)
            let back = CivilDate(daysSinceEpoch: expected)
            #expect(back == current)
            // Next day, computed by hand: day + 1, rolling over month and year.
            if current.day < CivilDate.daysIn(month: current.month, year: current.year) {
                current = try CivilDate(year: current.year, month: current.month, day: current.day + 1)
            } else if current.month < 12 {
                current = try CivilDate(year: current.year, month: current.month + 1, day: 1)
            } else {
                current = try CivilDate(year: current.year + 1, month: 1, day: 1)
            }
            expected += 1
            count += 1
        }
        // 203 years, 49 of them leap (1900 and 2100 are not).
        #expect(count == 203 * 365 + 49)
    }

    @Test("adding(days:) et days(until:) franchissent les fins de mois et d'année")
    func addingDays() {
        #expect(Self.date(28, 2, 2024).adding(days: 1) == Self.date(29, 2, 2024))
        #expect(Self.date(28, 2, 2023).adding(days: 1) == Self.date(1, 3, 2023))
        #expect(Self.date(31, 12, 2020).adding(days: 1) == Self.date(1, 1, 2021))
        #expect(Self.date(1, 1, 2021).adding(days: -1) == Self.date(31, 12, 2020))
        #expect(Self.date(1, 1, 2024).days(until: Self.date(1, 1, 2025)) == 366)
        #expect(Self.date(1, 1, 2025).days(until: Self.date(1, 1, 2024)) == -366)
    }

    // MARK: - Weekday

    @Test("Le 17/12/2020 était un jeudi (4)")
    func weekdayThursday() {
        #expect(Self.date(17, 12, 2020).weekday == 4)
    }

    @Test("Jours de la semaine ISO : 1 = lundi … 7 = dimanche")
    func weekdays() {
        #expect(Self.date(1, 1, 1970).weekday == 4)  // jeudi
        #expect(Self.date(31, 12, 1969).weekday == 3) // mercredi, avant l'époque
        #expect(Self.date(3, 11, 2025).weekday == 1)  // lundi
        #expect(Self.date(1, 11, 2025).weekday == 6)  // samedi
        #expect(Self.date(2, 11, 2025).weekday == 7)  // dimanche
    }

    // MARK: - Months (end-of-month rule)

    @Test("31 janvier + 1 mois = dernier jour de février (28/02/2021)")
    func jan31PlusOneMonth2021() {
        #expect(Self.date(31, 1, 2021).adding(months: 1) == Self.date(28, 2, 2021))
    }

    @Test("31 janvier 2024 + 1 mois = 29/02/2024 (année bissextile)")
    func jan31PlusOneMonth2024() {
        #expect(Self.date(31, 1, 2024).adding(months: 1) == Self.date(29, 2, 2024))
    }

    @Test("31 janvier + 3 mois = 30 avril")
    func jan31PlusThreeMonths() {
        #expect(Self.date(31, 1, 2021).adding(months: 3) == Self.date(30, 4, 2021))
    }

    @Test("30 novembre 2020 + 3 mois = 28/02/2021 (changement d'année)")
    func nov30PlusThreeMonths() {
        #expect(Self.date(30, 11, 2020).adding(months: 3) == Self.date(28, 2, 2021))
    }

    @Test("15 mars + 3 mois = 15 juin")
    func mar15PlusThreeMonths() {
        #expect(Self.date(15, 3, 2021).adding(months: 3) == Self.date(15, 6, 2021))
    }

    @Test("Soustraire des mois recule d'année : 31/03/2021 − 2 mois = 31/01/2021, 31/03/2021 − 1 mois = 28/02/2021")
    func subtractingMonths() {
        #expect(Self.date(31, 3, 2021).adding(months: -2) == Self.date(31, 1, 2021))
        #expect(Self.date(31, 3, 2021).adding(months: -1) == Self.date(28, 2, 2021))
        #expect(Self.date(15, 1, 2021).adding(months: -1) == Self.date(15, 12, 2020))
    }

    @Test("29/02/2024 + 1 an = 28/02/2025")
    func addingYears() {
        #expect(Self.date(29, 2, 2024).adding(years: 1) == Self.date(28, 2, 2025))
        #expect(Self.date(29, 2, 2024).adding(years: 4) == Self.date(29, 2, 2028))
    }

    // MARK: - Notice periods

    @Test("Seeds 000 et 001 : trois mois après une mise en demeure du 15/03/2021 = 15/06/2021")
    func noticeThreeMonths() {
        #expect(NoticePeriod.months(3).end(startingOn: Self.date(15, 3, 2021)) == Self.date(15, 6, 2021))
    }

    @Test("Seeds 000 et 001 : trois mois après une mise en demeure du 30/11/2020 = 28/02/2021")
    func noticeThreeMonthsEndOfMonth() {
        #expect(NoticePeriod.months(3).end(startingOn: Self.date(30, 11, 2020)) == Self.date(28, 2, 2021))
        #expect(NoticePeriod.months(3).end(startingOn: Self.date(31, 1, 2021)) == Self.date(30, 4, 2021))
    }

    @Test("Seed 002 : retrait au 31/12/2021 avec deux mois de préavis, notifié au plus tard le 31/10/2021")
    func noticeWithdrawalTwoMonths() {
        #expect(NoticePeriod.months(2).latestNotice(before: Self.date(31, 12, 2021)) == Self.date(31, 10, 2021))
    }

    @Test("Préavis en jours et en semaines")
    func noticeDaysWeeks() {
        #expect(NoticePeriod.days(30).end(startingOn: Self.date(15, 12, 2020)) == Self.date(14, 1, 2021))
        #expect(NoticePeriod(2, .weeks).end(startingOn: Self.date(24, 12, 2020)) == Self.date(7, 1, 2021))
        #expect(NoticePeriod.days(30).latestNotice(before: Self.date(14, 1, 2021)) == Self.date(15, 12, 2020))
    }

    @Test("Un préavis s'écrit en français : 3 mois, 30 jours, 1 jour, 2 ans")
    func noticeDescription() {
        #expect(NoticePeriod.months(3).description == "3 mois")
        #expect(NoticePeriod.days(30).description == "30 jours")
        #expect(NoticePeriod.days(1).description == "1 jour")
        #expect(NoticePeriod(2, .years).description == "2 ans")
    }

    // MARK: - Holidays

    @Test("Pâques 2024 = 31/03/2024")
    func easter2024() {
        #expect(FrenchHolidays.easter(2024) == Self.date(31, 3, 2024))
    }

    @Test("Pâques 2025 = 20/04/2025")
    func easter2025() {
        #expect(FrenchHolidays.easter(2025) == Self.date(20, 4, 2025))
    }

    @Test("Ascension 2025 = 29/05/2025, lundi de Pentecôte 2025 = 09/06/2025")
    func ascension2025() {
        let holidays = FrenchHolidays.holidays(in: 2025)
        #expect(holidays.contains(Self.date(29, 5, 2025)))
        #expect(holidays.contains(Self.date(21, 4, 2025)))  // lundi de Pâques
        #expect(holidays.contains(Self.date(9, 6, 2025)))   // lundi de Pentecôte
        #expect(!holidays.contains(Self.date(20, 4, 2025))) // Pâques est un dimanche, pas un férié ajouté
        #expect(holidays.count == 11)
    }

    @Test("Le 14 juillet est férié")
    func bastilleDay() {
        #expect(FrenchHolidays.holidays(in: 2025).contains(Self.date(14, 7, 2025)))
        #expect(!FrenchHolidays.isWorkingDay(Self.date(14, 7, 2025))) // un lundi
        #expect(FrenchHolidays.isWorkingDay(Self.date(15, 7, 2025)))
    }

    @Test("Le samedi 01/11/2025 (Toussaint) renvoie au lundi 03/11/2025")
    func nextWorkingDayAfterAllSaints() {
        #expect(Self.date(1, 11, 2025).weekday == 6)
        #expect(FrenchHolidays.nextWorkingDay(onOrAfter: Self.date(1, 11, 2025)) == Self.date(3, 11, 2025))
    }

    @Test("Un jour ouvré est son propre prochain jour ouvré")
    func nextWorkingDayItself() {
        #expect(FrenchHolidays.nextWorkingDay(onOrAfter: Self.date(17, 12, 2020)) == Self.date(17, 12, 2020))
    }

    @Test("Un férié supplémentaire (Alsace-Moselle, 26 décembre) repousse l'échéance")
    func extraHolidays() {
        // 25/12/2025 is a Thursday (férié), 26/12/2025 a Friday.
        let extra: Set = [Self.date(26, 12, 2025)]
        #expect(FrenchHolidays.nextWorkingDay(onOrAfter: Self.date(25, 12, 2025)) == Self.date(26, 12, 2025))
        #expect(FrenchHolidays.nextWorkingDay(onOrAfter: Self.date(25, 12, 2025), extraHolidays: extra) == Self.date(29, 12, 2025))
    }

    // MARK: - Instants

    @Test("Le jour parisien d'un instant est celui du calendrier grégorien de Paris, toutes les 37 minutes de 2019 à 2027 (changements d'heure compris)")
    func instantMatchesParisCalendar() throws {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = try #require(TimeZone(identifier: "Europe/Paris"))
        var instant = try #require(ISO8601DateFormatter().date(from: "2019-01-01T00:00:00Z"))
        let end = try #require(ISO8601DateFormatter().date(from: "2027-12-31T23:00:00Z"))
        var checked = 0
        while instant < end {
            let parts = calendar.dateComponents([.year, .month, .day], from: instant)
            let expected = try CivilDate(year: parts.year!, month: parts.month!, day: parts.day!)
            guard CivilDate(instant: instant) == expected else {
                Issue.record("\(instant): \(CivilDate(instant: instant)) au lieu de \(expected)")
                return
            }
            checked += 1
            instant = instant.addingTimeInterval(37 * 60)
        }
        #expect(checked > 100_000)
    }

    @Test("L'instant 2020-12-23T23:30:00Z est déjà le 24/12/2020 à Paris")
    func instantInParisWinter() throws {
        let instant = try #require(ISO8601DateFormatter().date(from: "2020-12-23T23:30:00Z"))
        #expect(CivilDate(instant: instant) == Self.date(24, 12, 2020))
        #expect(CivilDate.today(now: instant) == Self.date(24, 12, 2020))
    }

    @Test("En été (UTC+2), 2021-06-30T22:30:00Z est le 01/07/2021 à Paris, 21:30Z encore le 30/06")
    func instantInParisSummer() throws {
        let formatter = ISO8601DateFormatter()
        let late = try #require(formatter.date(from: "2021-06-30T22:30:00Z"))
        let earlier = try #require(formatter.date(from: "2021-06-30T21:30:00Z"))
        #expect(CivilDate(instant: late) == Self.date(1, 7, 2021))
        #expect(CivilDate(instant: earlier) == Self.date(30, 6, 2021))
    }
}
