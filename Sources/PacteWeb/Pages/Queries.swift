import Fluent
import Foundation
import PacteCore
import PacteStore

/// What a search box holds: the digits of an identifier (SIREN or SIRET, spaces allowed), or words,
/// compared without case or accents through `key`.
enum SearchTerm {
    case digits(String)
    case words(text: String, key: String)

    init?(_ search: String?, minimumDigits: Int = 3) {
        guard let text = search?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
        let digits = text.filter(\.isNumber)
        if digits.count >= minimumDigits, digits.count == text.filter({ !$0.isWhitespace }).count {
            self = .digits(digits)
        } else {
            self = .words(text: text, key: ReferenceData.searchKey(text))
        }
    }
}

/// What each page shows, read apart from its handler so that tests and the benchmark call it directly.
enum PageQueries {
    /// Organisation id → name, for the organisations a page names (one query, duplicates ignored).
    static func organisationNames(_ ids: [UUID], on db: any Database) async throws -> [UUID: String] {
        guard !ids.isEmpty else { return [:] }
        return Dictionary(uniqueKeysWithValues: try await OrganisationModel.query(on: db).filter(\.$id ~~ Array(Set(ids))).all().map { ($0.id!, $0.name) })
    }

    // MARK: Dashboard

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

    // MARK: Directory

    struct DirectoryEntry: Sendable {
        var id: UUID
        var name: String
        var kind: OrganisationKind
        var siren: Siren?
        var conventionCount: Int
    }

    /// Organisations whose name or short name contains the search, ignoring case and accents
    /// (« sezanne » finds « Sézanne »), or whose SIREN contains the digits typed (spaces allowed).
    /// The directory holds the organisations of the partnerships, a few thousand at most: it is
    /// filtered in memory, the same way on both engines.
    static func directory(search: String?, on db: any Database, limit: Int = 200) async throws -> [DirectoryEntry] {
        var organisations = try await OrganisationModel.query(on: db).sort(\.$name).all()
        switch SearchTerm(search) {
        case .digits(let digits)?: organisations = organisations.filter { $0.siren?.digits.contains(digits) ?? false }
        case .words(_, let key)?: organisations = organisations.filter { ReferenceData.searchKey($0.name, $0.shortName).contains(key) }
        case nil: break
        }
        organisations = Array(organisations.prefix(limit))
        let ids = try organisations.map { try $0.requireID() }
        let parties = try await ConventionPartyModel.query(on: db).filter(\.$organisation.$id ~~ ids).all()
        var counts: [UUID: Int] = [:]
        for party in parties { counts[party.$organisation.id, default: 0] += 1 }
        return try organisations.map { org in
            DirectoryEntry(id: try org.requireID(), name: org.name, kind: org.kind, siren: org.siren, conventionCount: counts[try org.requireID()] ?? 0)
        }
    }

    /// How many companies a form's company list offers, the first by name: a million companies make
    /// no list, so the rest are reached from the companies page (its search) at national scale.
    static let companyChoices = 500

    /// Companies found by name (without case or accents), or by the digits of their SIREN or of one
    /// of their SIRETs. Companies number a million at national scale, so the list without search is
    /// the first ones by name (the name index, read no further than `limit`), and a SIREN or SIRET
    /// is looked up by the SIREN index.
    static func companies(search: String?, on db: any Database, limit: Int = 200) async throws -> [CompanyModel] {
        let term = SearchTerm(search)
        func matches(_ company: CompanyModel) -> Bool {
            switch term {
            case .digits(let digits)?: company.siren.digits.contains(digits) || company.establishments.contains { $0.siret.digits.contains(digits) }
            case .words(_, let key)?: ReferenceData.searchKey(company.name).contains(key)
            case nil: true
            }
        }
        switch term {
        case nil:
            return try await CompanyModel.query(on: db).sort(\.$name).limit(limit).with(\.$establishments).all()
        case .digits(let digits)? where digits.count >= 9 && (try? Siren(String(digits.prefix(9)))) != nil:
            // A SIRET begins with its SIREN.
            let siren = try Siren(String(digits.prefix(9)))
            return try await CompanyModel.query(on: db).filter(\.$siren == siren).with(\.$establishments).all().filter(matches)
        default:
            // A fragment of a name, without case or accents, or a few digits: no index can find a
            // fragment, so the names and SIRENs alone are read (narrow rows), and only the companies
            // found are loaded whole (QueryPlans.allowances).
            let candidates = try await CompanyModel.query(on: db).field(\.$id).field(\.$name).field(\.$siren).sort(\.$name).all()
            var ids: [UUID] = []
            if case .words(_, let key)? = term {
                ids = candidates.filter { ReferenceData.searchKey($0.name).contains(key) }.prefix(limit).compactMap(\.id)
            } else if case .digits(let digits)? = term {
                let bySiren = Set(candidates.filter { $0.siren.digits.contains(digits) }.compactMap(\.id))
                // Digits inside a SIRET but not in its SIREN: the establishment's NIC.
                let bySiret = try await EstablishmentModel.query(on: db).field(\.$id).field(\.$company.$id).field(\.$siret).all()
                    .filter { $0.siret.digits.contains(digits) }.map(\.$company.id)
                let found = bySiren.union(bySiret)
                ids = candidates.compactMap(\.id).filter(found.contains).prefix(limit).map { $0 }
            }
            guard !ids.isEmpty else { return [] }
            return try await CompanyModel.query(on: db).filter(\.$id ~~ ids).with(\.$establishments).sort(\.$name).all().filter(matches)
        }
    }

    // MARK: Convention

    struct PartyRow: Sendable {
        var id: UUID
        var organisationID: UUID
        var name: String
        var kind: OrganisationKind
        var siren: Siren?
        var roles: [PartyRole]
        var designation: String?
        var representative: String?
    }

    struct ConventionView: Sendable {
        var id: UUID
        var convention: ConventionModel
        var parties: [PartyRow]
        var articles: [(id: UUID, number: String, title: String?, body: String)]
        var axes: [(id: UUID, code: String, title: String)]
        /// In plan order: `evaluation.actions[i]` is `actions[i]`.
        var actions: [(id: UUID, displayName: String, axisCode: String?)]
        var evaluation: PlanEvaluation
        var table: FinancingTable
        var envelopes: [Commitments.EnvelopeState]
        /// Active commitments by the month they were made, for the planned-against-committed chart.
        var committedByMonth: [YearMonth: Money]
        var canWrite: Bool
    }

    static func convention(_ model: ConventionModel, principal: Principal, on db: any Database) async throws -> ConventionView {
        let id = try model.requireID()
        let parties = try await ConventionPartyModel.query(on: db).filter(\.$convention.$id == id)
            .with(\.$organisation).with(\.$representative).all()
        let articles = try await ArticleModel.query(on: db).filter(\.$convention.$id == id).sort(\.$position).all()
        let axes = try await AxisModel.query(on: db).filter(\.$convention.$id == id).sort(\.$position).all()
        let actions = try await ActionModel.query(on: db).filter(\.$convention.$id == id).with(\.$axis).sort(\.$position).all()
        let evaluation = try await PlanMapping.plan(for: model, on: db).evaluate()
        var committedByMonth: [YearMonth: Money] = [:]
        // Two columns rather than whole models: a convention at scale holds thousands of commitments.
        for commitment in try await CommitmentModel.query(on: db).filter(\.$convention.$id == id).filter(\.$status == .committed)
            .field(\.$createdAt).field(\.$amountCents).all() {
            let month = YearMonth(CivilDate(instant: commitment.createdAt ?? Date()))
            committedByMonth[month] = try (committedByMonth[month] ?? .zero).adding(Money(cents: commitment.amountCents))
        }
        return ConventionView(
            id: id,
            convention: model,
            parties: try parties.map { party in
                PartyRow(id: try party.requireID(), organisationID: party.$organisation.id, name: party.organisation.name,
                         kind: party.organisation.kind, siren: party.organisation.siren, roles: party.roles,
                         designation: party.designation,
                         representative: party.representative.map { person in person.function.map { "\(person.name), \($0)" } ?? person.name })
            }.sorted { $0.name < $1.name },
            articles: try articles.map { (try $0.requireID(), $0.number, $0.title, $0.body) },
            axes: try axes.map { (try $0.requireID(), $0.code, $0.title) },
            actions: try actions.map { (try $0.requireID(), $0.displayName, $0.axis?.code) },
            evaluation: evaluation,
            table: FinancingTable(evaluation),
            envelopes: try await Commitments.envelopes(of: id, on: db),
            committedByMonth: committedByMonth,
            canWrite: try await Access.canWrite(principal, conventionID: id, on: db))
    }

    // MARK: Action sheet

    struct LineRow: Sendable {
        var id: UUID
        var line: CostLine
        var computed: Money?
        var pricing: PricingKind
        var year: Int?
    }

    struct ShareRow: Sendable {
        var id: UUID
        var share: Share
        var funderName: String
    }

    struct ActionView: Sendable {
        var conventionID: UUID
        var convention: ConventionModel
        var actionID: UUID
        var action: ActionModel
        var statedDays: Quantity?
        var axisTitle: String?
        var operatorName: String?
        var lines: [LineRow]
        var shares: [ShareRow]
        var indicators: [(id: UUID, label: String, target: Quantity?, measured: Quantity?, unit: String?, year: Int?)]
        /// Each indicator's value and status today.
        var readings: [UUID: IndicatorReadings.Reading]
        var result: ActionResult?
        var funders: [Funder]
        var canWrite: Bool
    }

    static func action(_ action: ActionModel, in convention: ConventionModel, principal: Principal, on db: any Database) async throws -> ActionView {
        let actionID = try action.requireID()
        let conventionID = try convention.requireID()
        let lines = try await CostLineModel.query(on: db).filter(\.$action.$id == actionID).sort(\.$position).all()
        let shares = try await ShareModel.query(on: db).filter(\.$action.$id == actionID).with(\.$prorataMembers).sort(\.$position).all()
        let indicators = try await IndicatorModel.query(on: db).filter(\.$action.$id == actionID).sort(\.$position).all()
        let axis = try await action.$axis.get(on: db)
        let operatorModel = try await action.$operator.get(on: db)
        let evaluation = try await PlanMapping.plan(for: convention, on: db).evaluate()
        let position = try await ActionModel.query(on: db).filter(\.$convention.$id == conventionID).sort(\.$position).all()
            .firstIndex { $0.id == actionID }
        let names = Dictionary(uniqueKeysWithValues: evaluation.plan.funders.map { ($0.id, $0.displayName) })
        return ActionView(
            conventionID: conventionID,
            convention: convention,
            actionID: actionID,
            action: action,
            statedDays: try StoredFraction.quantity(action.statedDaysText),
            axisTitle: axis.map { "\($0.code) — \($0.title)" },
            operatorName: operatorModel?.name,
            lines: try lines.map { m in
                let line = try m.costLine()
                return LineRow(id: try m.requireID(), line: line, computed: try line.computedAmount(), pricing: m.pricing, year: m.year)
            },
            shares: try shares.map { m in
                let share = try PlanMapping.share(m)
                let name: String
                switch share.payer {
                case .funder(let id): name = names[id] ?? "Organisation inconnue"
                case .prorata(let group): name = "Prorata (\(group.quantity), \(group.members.count) membres)"
                }
                return ShareRow(id: try m.requireID(), share: share, funderName: name)
            },
            indicators: try indicators.map {
                (try $0.requireID(), $0.label, try StoredFraction.quantity($0.targetText), try StoredFraction.quantity($0.measuredText), $0.unit, $0.year)
            },
            readings: Dictionary(uniqueKeysWithValues: try await IndicatorReadings.read(action: action, on: .today(), db: db).map { ($0.indicatorID, $0) }),
            result: position.flatMap { evaluation.actions.indices.contains($0) ? evaluation.actions[$0] : nil },
            funders: evaluation.plan.funders,
            canWrite: try await Access.canWrite(principal, conventionID: conventionID, on: db))
    }
}
