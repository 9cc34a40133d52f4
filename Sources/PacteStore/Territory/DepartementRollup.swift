import Fluent
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
/// shares, caps and prorata only split that cost. So the cost lines alone are read: the database
/// sums the amounts stored as they count (stated amounts, forfaits in the convention's regime), and
/// the other lines go through the same `CostLine` and `TaxedAmount` code as `PlanEvaluation`, which
/// keeps the figure exact to the cent (a test compares it with the engine for every demo convention).
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
        let conventions = try await conventions(ids, on: sql)

        // A commitment's service belongs to the same convention: saying so lets PostgreSQL read the
        // département's services through their index instead of hashing all two million of them.
        struct Money4: Decodable { var id: UUID; var committed: Int64; var delivered: Int64; var invoiced: Int64; var paid: Int64 }
        let money = Dictionary(uniqueKeysWithValues: try await sql.raw("""
            SELECT cm.convention_id AS id, CAST(SUM(cm.amount_cents) AS BIGINT) AS committed,
                   CAST(SUM(CASE WHEN i.delivered_on IS NOT NULL THEN cm.amount_cents ELSE 0 END) AS BIGINT) AS delivered,
                   CAST(SUM(CASE WHEN i.invoiced_on IS NOT NULL THEN cm.amount_cents ELSE 0 END) AS BIGINT) AS invoiced,
                   CAST(SUM(CASE WHEN i.paid_on IS NOT NULL THEN cm.amount_cents ELSE 0 END) AS BIGINT) AS paid
            FROM commitments cm
            LEFT JOIN interventions i ON i.id = cm.intervention_id AND i.convention_id IN (\(binds: ids))
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
            let id = convention.id
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

    /// What the cost query needs of a convention: its tax regime and VAT rate, and its row.
    struct Convention: Sendable {
        var id: UUID
        var title: String
        var reference: String?
        var status: ConventionStatus
        var regime: TaxRegime
        var vat: Rate
    }

    static func conventions(_ ids: [UUID], on sql: any SQLDatabase) async throws -> [Convention] {
        struct Row: Decodable { var id: UUID; var title: String; var reference: String?; var status: String; var tax_regime: String; var vat_rate: String }
        return try await sql.raw("SELECT id, title, reference, status, tax_regime, vat_rate FROM conventions WHERE id IN (\(binds: ids))")
            .all(decoding: Row.self).map { row in
                guard let status = ConventionStatus(rawValue: row.status), let regime = TaxRegime(rawValue: row.tax_regime),
                      let vat = try? Rate(codedText: row.vat_rate) else { throw StoreError.corrupt("convention \(row.id)") }
                return Convention(id: row.id, title: row.title, reference: row.reference, status: status, regime: regime, vat: vat)
            }
    }

    /// Each convention's planned cost from its cost lines (see the type's comment); a convention
    /// without lines costs zero. One statement sums, per convention, the lines in the convention's
    /// own tax regime: a stated amount or a forfait as stored, a price times a quantity or days
    /// rounded half up to the cent exactly as `Money.multiplied(by:)` does (non-negative integers:
    /// ⌊(2 · price · numerator + denominator) / (2 · denominator)⌋, bounded so that no engine
    /// overflows). Any other line (another regime, a negative price) comes back once per distinct
    /// line with its count, to go through `CostLine` and `TaxedAmount` in Swift.
    static func plannedCosts(of conventions: [Convention], on sql: any SQLDatabase) async throws -> [UUID: Money?] {
        let byID = Dictionary(uniqueKeysWithValues: conventions.map { ($0.id, $0) })
        var costs: [UUID: Money?] = Dictionary(uniqueKeysWithValues: byID.keys.map { ($0, .some(.zero)) })
        let ids = Array(byID.keys)
        let postgres = sql.dialect.name == "postgresql"
        // The quantity is stored as `numerator/denominator`.
        let numerator = postgres ? "CAST(split_part(cl.quantity, '/', 1) AS BIGINT)" : "CAST(substr(cl.quantity, 1, instr(cl.quantity, '/') - 1) AS INTEGER)"
        let denominator = postgres ? "CAST(split_part(cl.quantity, '/', 2) AS BIGINT)" : "CAST(substr(cl.quantity, instr(cl.quantity, '/') + 1) AS INTEGER)"
        let stored = "(cl.tax_regime = c.tax_regime AND (cl.stated_amount_cents IS NOT NULL OR cl.pricing = '\(PricingKind.forfait.rawValue)'))"
        let computed = "(cl.tax_regime = c.tax_regime AND cl.stated_amount_cents IS NULL AND cl.pricing IN ('\(PricingKind.quantity.rawValue)', '\(PricingKind.days.rawValue)')"
            + " AND cl.quantity LIKE '%/%' AND cl.unit_price_cents BETWEEN 0 AND 100000000000"
            + " AND \(numerator) BETWEEN 0 AND 1000000 AND \(denominator) BETWEEN 1 AND 1000000)"
        let kind = "CASE WHEN \(stored) THEN 1 WHEN \(computed) THEN 2 ELSE 0 END"
        let amount = "CASE WHEN \(stored) THEN COALESCE(cl.stated_amount_cents, cl.amount_cents)"
            + " WHEN \(computed) THEN (2 * cl.unit_price_cents * \(numerator) + \(denominator)) / (2 * \(denominator)) END"
        let columns = ["pricing", "quantity", "unit_price_cents", "amount_cents", "stated_amount_cents", "tax_regime"]
        struct Group: Decodable {
            var id: UUID; var kind: Int; var pricing: String?; var quantity: String?; var unit_price_cents: Int64?; var amount_cents: Int64?
            var stated_amount_cents: Int64?; var tax_regime: String?; var cents: Int64?; var n: Int64
        }
        let groups = try await sql.raw("SELECT a.convention_id AS id, \(unsafeRaw: kind) AS kind, "
            + SQLQueryString(columns.map { "CASE WHEN \(kind) = 0 THEN cl.\($0) END AS \($0)" }.joined(separator: ", "))
            + ", CAST(SUM(\(unsafeRaw: amount)) AS BIGINT) AS cents, COUNT(*) AS n"
            + " FROM cost_lines cl JOIN actions a ON a.id = cl.action_id JOIN conventions c ON c.id = a.convention_id"
            + " WHERE a.convention_id IN (\(binds: ids)) AND c.id IN (\(binds: ids)) GROUP BY 1, 2, 3, 4, 5, 6, 7, 8").all(decoding: Group.self)
        for row in groups {
            guard let convention = byID[row.id], case .some(.some(let running)) = costs[row.id] else { continue }
            if row.kind != 0 {
                costs[row.id] = .some(try running.adding(Money(cents: row.cents ?? 0)))
                continue
            }
            guard let pricing = row.pricing.flatMap(PricingKind.init(rawValue:)), let regime = row.tax_regime.flatMap(TaxRegime.init(rawValue:)) else {
                throw StoreError.corrupt("ligne de coût : « \(row.pricing ?? "") », « \(row.tax_regime ?? "") »")
            }
            let model = CostLineModel()
            model.lineKey = ""
            model.label = ""
            model.pricing = pricing
            model.taxRegime = regime
            model.quantityText = row.quantity
            model.unitPriceCents = row.unit_price_cents
            model.amountCents = row.amount_cents
            model.statedAmountCents = row.stated_amount_cents
            let line = try model.costLine()
            do {
                guard let amount = try line.retainedAmount() else { continue }
                let converted = try TaxedAmount(amount, line.regime).converted(to: convention.regime, vat: convention.vat).amount
                costs[row.id] = .some(try running.adding(try converted.multiplied(by: row.n)))
            } catch {
                costs[row.id] = .some(nil)
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
