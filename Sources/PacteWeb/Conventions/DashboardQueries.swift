import Fluent
import Foundation
import PacteCore
import PacteStore

/// The dashboard: the conventions a user sees and their next deadlines.
extension PageQueries {
    struct ConventionSummary: Sendable {
        var id: UUID
        var title: String
        var reference: String?
        var status: ConventionStatus
        var startsOn: CivilDate?
        var endsOn: CivilDate?
        var partyNames: [String]
        /// Total cost of the known lines.
        var budget: Money
        /// Shares whose amount is known.
        var funded: Money
        /// Funds committed (commitments not released).
        var consumed: Money
        var pendingLines: Int
        var errorCount: Int
    }

    struct Deadline: Sendable {
        var date: CivilDate
        var label: String
        var conventionID: UUID
        var conventionTitle: String
    }

    struct Dashboard: Sendable {
        var conventions: [ConventionSummary]
        var deadlines: [Deadline]
        var today: CivilDate
    }

    static func dashboard(for principal: Principal, on db: any Database, today: CivilDate = .today()) async throws -> Dashboard {
        let query = ConventionModel.query(on: db).sort(\.$title)
        if let visible = try await Access.visibleConventionIDs(principal, on: db) { query.filter(\.$id ~~ visible) }
        let conventions = try await query.with(\.$parties) { $0.with(\.$organisation) }.all()
        var summaries: [ConventionSummary] = []
        var deadlines: [Deadline] = []
        let plans = try await PlanMapping.plans(for: conventions, on: db)
        let consumed = try await Commitments.committedByConvention(try conventions.map { try $0.requireID() }, on: db)
        for convention in conventions {
            let id = try convention.requireID()
            let evaluation = try plans[id]!.evaluate()
            let funded = try evaluation.plan.funders.map { evaluation.amount(for: $0.id) }.reduce(Money.zero) { try $0.adding($1) }
            summaries.append(ConventionSummary(
                id: id, title: convention.title, reference: convention.reference, status: convention.status,
                startsOn: convention.startsOn, endsOn: convention.endsOn,
                partyNames: convention.parties.map { $0.organisation.shortName ?? $0.organisation.name }.sorted(),
                budget: evaluation.cost, funded: funded, consumed: consumed[id] ?? .zero, pendingLines: evaluation.pendingLineCount,
                errorCount: evaluation.findings.filter { $0.severity == .error }.count))
            for (date, label) in milestones(of: convention) where date >= today {
                deadlines.append(Deadline(date: date, label: label, conventionID: id, conventionTitle: convention.title))
            }
        }
        // Meetings and effective endings are reminders too.
        let ids = try conventions.map { try $0.requireID() }
        let titles = Dictionary(uniqueKeysWithValues: conventions.map { ($0.id!, $0.title) })
        for meeting in try await MeetingModel.query(on: db).filter(\.$convention.$id ~~ ids).filter(\.$date >= today).with(\.$committee).all() {
            deadlines.append(Deadline(date: meeting.date, label: "Réunion : \(meeting.committee.name) — \(meeting.title)",
                                      conventionID: meeting.$convention.id, conventionTitle: titles[meeting.$convention.id] ?? ""))
        }
        for event in try await ConventionLife.effectiveEndings(of: ids, from: today, on: db) {
            let ending = event.kind == ConventionLife.EventKind.ending.rawValue
            deadlines.append(Deadline(date: event.effectiveOn!, label: ending ? "Fin effective de la convention" : "Retrait effectif d'un partenaire",
                                      conventionID: event.$convention.id, conventionTitle: titles[event.$convention.id] ?? ""))
        }
        deadlines.sort { ($0.date, $0.conventionTitle) < ($1.date, $1.conventionTitle) }
        return Dashboard(conventions: summaries, deadlines: Array(deadlines.prefix(10)), today: today)
    }

    /// The dates a convention's officer must not miss (`ConventionMilestones`).
    static func milestones(of convention: ConventionModel) -> [(CivilDate, String)] {
        ConventionMilestones.of(startsOn: convention.startsOn, endsOn: convention.endsOn, renewal: convention.renewal,
                                noticeMonths: convention.noticeMonths).map { ($0.date, $0.label) }
    }
}
