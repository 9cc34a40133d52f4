import Fluent
import FluentSQL
import Foundation
import PacteCore
import SQLKit

/// Every convention of one département on one page: a convention is in a département when one of
/// its parties' organisations has that `departement_code`.
///
/// At national scale a département holds about a hundred conventions and twenty thousand services,
/// so execution figures are SQL aggregates grouped by convention (one statement each for the
/// commitments and the services), never rows loaded into Swift. The planned cost needs no plan
/// engine: a plan's cost is the sum, line by line, of each line's retained amount (the stated one,
/// else quantity × price rounded half up to the cent) brought to the convention's tax regime;
/// shares, caps and prorata only split that cost. So the cost lines alone are read (a few thousand
/// rows) and each goes through the same `CostLine` and `TaxedAmount` code as `PlanEvaluation`,
/// which keeps the figure exact to the cent.
public enum DepartementRollup {
    public struct Line: Sendable, Hashable {
        public var conventionID: UUID
        public var title: String
        public var reference: String?
        public var status: ConventionStatus
        /// The financing plan's known cost (sur devis lines apart), in the convention's tax regime;
        /// nil when a line cannot be brought to that regime (the convention page reports why).
        public var plannedCost: Money?
        /// Funds held by active commitments.
        public var committed: Money
        /// Of those, the parts of services delivered, invoiced, paid (as the tracking table counts them).
        public var delivered: Money
        public var invoiced: Money
        public var paid: Money
        /// Services prescribed and not cancelled.
        public var services: Int
        /// Distinct companies those services went to.
        public var companies: Int
    }

    public struct Totals: Sendable, Hashable {
        public var plannedCost: Money
        /// Some convention's planned cost could not be computed: `plannedCost` leaves it out.
        public var plannedCostIncomplete: Bool
        public var committed: Money
        public var delivered: Money
        public var invoiced: Money
        public var paid: Money
        public var services: Int
        /// Distinct companies over the whole département: a company served under two conventions counts once.
        public var companies: Int
    }

    public struct Rollup: Sendable {
        public var code: String
        public var name: String?
        public var lines: [Line]
        public var totals: Totals
    }

    public struct Entry: Sendable, Hashable {
        public var code: String
        public var name: String?
        public var conventionCount: Int
    }

    /// Départements with at least one convention the reader may see, in the COG order (01 … 19,
    /// 2A, 2B, 21 … 95, 971 …). `memberOf` nil: every convention (platform administrators); else
    /// only the conventions one of these organisations is party to (the rule of `Access`).
    public static func index(memberOf: [UUID]?, on db: any Database) async throws -> [Entry] {
        if let memberOf, memberOf.isEmpty { return [] }
        let sql = try sqlDatabase(db)
        struct Row: Decodable { var code: String; var n: Int }
        let rows = try await sql.raw("""
            SELECT o.departement_code AS code, COUNT(DISTINCT cp.convention_id) AS n
            FROM convention_parties cp JOIN organisations o ON o.id = cp.organisation_id
            WHERE o.departement_code IS NOT NULL
            """ + visible("cp", memberOf) + " GROUP BY o.departement_code").all(decoding: Row.self)
        let names = try await ReferenceData.departementNames(on: db)
        return rows.map { Entry(code: $0.code, name: names[$0.code], conventionCount: $0.n) }.sorted { $0.code < $1.code }
    }

    /// The conventions of département `code` the reader may see, with their figures and the totals.
    public static func rollup(_ code: String, memberOf: [UUID]?, on db: any Database) async throws -> Rollup {
        let sql = try sqlDatabase(db)
        let name = try await ReferenceData.departementNames(on: db)[code]
        var ids: [UUID] = []
        if memberOf.map({ !$0.isEmpty }) ?? true {
            struct IDRow: Decodable { var convention_id: UUID }
            ids = try await sql.raw("""
                SELECT DISTINCT cp.convention_id FROM convention_parties cp JOIN organisations o ON o.id = cp.organisation_id
                WHERE o.departement_code = \(bind: code)
                """ + visible("cp", memberOf)).all(decoding: IDRow.self).map(\.convention_id)
        }
        guard !ids.isEmpty else {
            return Rollup(code: code, name: name, lines: [], totals: Totals(plannedCost: .zero, plannedCostIncomplete: false, committed: .zero,
                                                                           delivered: .zero, invoiced: .zero, paid: .zero, services: 0, companies: 0))
        }
        let conventions = try await ConventionModel.query(on: db).filter(\.$id ~~ ids).all()

        struct Money4: Decodable { var id: UUID; var committed: Int64; var delivered: Int64; var invoiced: Int64; var paid: Int64 }
        let money = Dictionary(uniqueKeysWithValues: try await sql.raw("""
            SELECT cm.convention_id AS id, CAST(SUM(cm.amount_cents) AS BIGINT) AS committed,
                   CAST(SUM(CASE WHEN i.delivered_on IS NOT NULL THEN cm.amount_cents ELSE 0 END) AS BIGINT) AS delivered,
                   CAST(SUM(CASE WHEN i.invoiced_on IS NOT NULL THEN cm.amount_cents ELSE 0 END) AS BIGINT) AS invoiced,
                   CAST(SUM(CASE WHEN i.paid_on IS NOT NULL THEN cm.amount_cents ELSE 0 END) AS BIGINT) AS paid
            FROM commitments cm LEFT JOIN interventions i ON i.id = cm.intervention_id
            WHERE cm.convention_id IN (\(binds: ids)) AND cm.status = \(bind: CommitmentStatus.committed.rawValue)
            GROUP BY cm.convention_id
            """).all(decoding: Money4.self).map { ($0.id, $0) })

        struct Counts: Decodable { var id: UUID; var services: Int; var companies: Int }
        let cancelled = InterventionStatus.cancelled.rawValue
        let counts = Dictionary(uniqueKeysWithValues: try await sql.raw("""
            SELECT convention_id AS id, COUNT(*) AS services, COUNT(DISTINCT company_id) AS companies
            FROM interventions WHERE convention_id IN (\(binds: ids)) AND status <> \(bind: cancelled)
            GROUP BY convention_id
            """).all(decoding: Counts.self).map { ($0.id, $0) })
        struct Distinct: Decodable { var n: Int }
        let companies = try await sql.raw("""
            SELECT COUNT(DISTINCT company_id) AS n FROM interventions WHERE convention_id IN (\(binds: ids)) AND status <> \(bind: cancelled)
            """).first(decoding: Distinct.self)?.n ?? 0

        let costs = try await plannedCosts(of: conventions, on: sql)

        var lines: [Line] = []
        for convention in conventions {
            let id = try convention.requireID()
            let m = money[id]
            let c = counts[id]
            lines.append(Line(conventionID: id, title: convention.title, reference: convention.reference, status: convention.status,
                              plannedCost: costs[id] ?? nil,
                              committed: Money(cents: m?.committed ?? 0), delivered: Money(cents: m?.delivered ?? 0),
                              invoiced: Money(cents: m?.invoiced ?? 0), paid: Money(cents: m?.paid ?? 0),
                              services: c?.services ?? 0, companies: c?.companies ?? 0))
        }
        lines.sort { (ReferenceData.searchKey($0.title), $0.conventionID.uuidString) < (ReferenceData.searchKey($1.title), $1.conventionID.uuidString) }
        func sum(_ amount: (Line) -> Money?) throws -> Money { try Money.sum(lines.compactMap(amount)) }
        let totals = Totals(plannedCost: try sum(\.plannedCost), plannedCostIncomplete: lines.contains { $0.plannedCost == nil },
                            committed: try sum(\.committed), delivered: try sum(\.delivered), invoiced: try sum(\.invoiced),
                            paid: try sum(\.paid), services: lines.map(\.services).reduce(0, +), companies: companies)
        return Rollup(code: code, name: name, lines: lines, totals: totals)
    }

    /// Each convention's planned cost from its cost lines (see the type's comment); a convention
    /// without lines costs zero.
    static func plannedCosts(of conventions: [ConventionModel], on sql: any SQLDatabase) async throws -> [UUID: Money?] {
        let byID = Dictionary(uniqueKeysWithValues: try conventions.map { (try $0.requireID(), $0) })
        var costs: [UUID: Money?] = Dictionary(uniqueKeysWithValues: byID.keys.map { ($0, .some(.zero)) })
        let rows = try await sql.raw("""
            SELECT cl.*, a.convention_id AS rollup_convention_id
            FROM cost_lines cl JOIN actions a ON a.id = cl.action_id
            WHERE a.convention_id IN (\(binds: Array(byID.keys)))
            """).all()
        for row in rows {
            let conventionID = try row.decode(column: "rollup_convention_id", as: UUID.self)
            guard let convention = byID[conventionID], case .some(.some(let running)) = costs[conventionID] else { continue }
            let line = try row.decode(fluentModel: CostLineModel.self).costLine()
            do {
                guard let amount = try line.retainedAmount() else { continue }
                let converted = try TaxedAmount(amount, line.regime).converted(to: convention.taxRegime, vat: convention.vatRate).amount
                costs[conventionID] = .some(try running.adding(converted))
            } catch {
                costs[conventionID] = .some(nil)
            }
        }
        return costs
    }

    /// Restricts `alias.convention_id` to the conventions one of `memberOf` is party to.
    static func visible(_ alias: String, _ memberOf: [UUID]?) -> SQLQueryString {
        guard let memberOf else { return "" }
        return " AND \(unsafeRaw: alias).convention_id IN (SELECT v.convention_id FROM convention_parties v WHERE v.organisation_id IN (\(binds: memberOf)))"
    }

    static func sqlDatabase(_ db: any Database) throws -> any SQLDatabase {
        guard let sql = db as? any SQLDatabase else { throw StoreError.corrupt("base sans SQL") }
        return sql
    }
}
