import Fluent
import Foundation
import PacteCore
import PacteStore
import SQLKit

/// How big a synthetic dataset is. `national` is the issue's target: every EPCI, département and
/// région of the reference data plus about 250 chambers, 10 000 conventions, 100 000 actions,
/// 2 000 000 services over five years, 1 000 000 companies.
public struct DatasetScale: Sendable, Equatable {
    public var name: String
    public var chambers: Int
    public var conventions: Int
    public var actionsPerConvention: Int
    public var interventions: Int
    public var companies: Int

    public static let national = DatasetScale(name: "national", chambers: 250, conventions: 10_000, actionsPerConvention: 10,
                                              interventions: 2_000_000, companies: 1_000_000)
    public static let regional = DatasetScale(name: "regional", chambers: 250, conventions: 1_000, actionsPerConvention: 10,
                                              interventions: 200_000, companies: 100_000)
    public static let small = DatasetScale(name: "small", chambers: 250, conventions: 100, actionsPerConvention: 10,
                                           interventions: 20_000, companies: 10_000)
    public static let tiny = DatasetScale(name: "tiny", chambers: 250, conventions: 20, actionsPerConvention: 4,
                                          interventions: 1_000, companies: 1_000)

    public static let all = [national, regional, small, tiny]

    public static func named(_ name: String) -> DatasetScale? { all.first { $0.name == name } }
}

/// Figures of a generated dataset, for the benchmark's report.
public struct DatasetReport: Sendable {
    public var organisations = 0
    public var conventions = 0
    public var actions = 0
    public var costLines = 0
    public var shares = 0
    public var envelopes = 0
    public var interventions = 0
    public var commitments = 0
    public var companies = 0
    public var accounts = 0
    public var duration: Duration = .zero
}

/// A deterministic, realistic synthetic dataset written with plain multi-row inserts (the
/// models' own column encodings: the same Swift values are bound, so pages read it back exactly
/// as if it had been entered). The same seed gives the same rows, identifiers included.
///
/// Shape: each convention joins a chamber and an EPCI of the same département, usually with the
/// département and the région as co-funders; each action has a day-priced line, a forfait and a
/// quantity line, financed 40 % by the EPCI, 30 % by the département or the région, the chamber
/// paying the rest. Services go to companies of the convention's département, over the five years
/// before the reference date; the older a service, the further along it is (quoted → paid).
public struct SyntheticDataset: Sendable {
    public var scale: DatasetScale
    public var seed: UInt64
    /// The last day of the five years of services.
    public var until: CivilDate

    public init(scale: DatasetScale, seed: UInt64 = 2026, until: CivilDate = CivilDate(daysSinceEpoch: 20_757)) {
        self.scale = scale
        self.seed = seed
        self.until = until
    }

    /// The e-mail of the generated platform administrator (benchmarks sign in as this account).
    public static let adminEmail = "admin@bench.pacte.fr"

    struct Territory {
        var code: String
        var organisationID: UUID
        var regionCode: String
        var epcis: [(id: UUID, name: String)] = []
        var chambers: [UUID] = []
        var companies: [Int] = []
    }

    /// Writes the dataset into an empty, migrated database whose reference tables are loaded.
    /// `progress` gets French sentences. `companiesCSV`, when given, receives the companies as a
    /// SIRENE StockEtablissement file (`SyntheticCompanies.write`).
    /// The dataset's companies (the same as in the database), to write them as a SIRENE file.
    public func companies(on db: any Database) async throws -> SyntheticCompanies {
        guard let sql = db as? any SQLDatabase else { throw StoreError.corrupt("base sans SQL") }
        var byDepartement: [String: [String]] = [:]
        for row in try await sql.raw("SELECT code, departement_code FROM ref_communes ORDER BY code").all() {
            guard !(try row.decodeNil(column: "departement_code")) else { continue }
            byDepartement[try row.decode(column: "departement_code", as: String.self), default: []].append(try row.decode(column: "code", as: String.self))
        }
        let withEPCI = Set(try await sql.raw("SELECT DISTINCT departement_code FROM ref_epci").all().map { try $0.decode(column: "departement_code", as: String.self) })
        let departements = try await sql.raw("SELECT code FROM ref_departements ORDER BY code").all().map { try $0.decode(column: "code", as: String.self) }
        return SyntheticCompanies(seed: seed, territories: departements.filter { withEPCI.contains($0) && byDepartement[$0] != nil }.map { ($0, byDepartement[$0]!) })
    }

    public func generate(on db: any Database, passwordHash: String,
                         progress: @escaping @Sendable (String) -> Void = { _ in }) async throws -> DatasetReport {
        let clock = ContinuousClock()
        let start = clock.now
        guard let sql = db as? any SQLDatabase else { throw StoreError.corrupt("base sans SQL") }
        var rng = SplitMix64(seed: seed)
        var report = DatasetReport()
        let now = Date()

        // Reference data: régions, départements, EPCI, communes.
        let regionRows = try await sql.raw("SELECT code, name FROM ref_regions ORDER BY code").all()
        let departementRows = try await sql.raw("SELECT code, region_code, name FROM ref_departements ORDER BY code").all()
        let epciRows = try await sql.raw("SELECT siren, name, nature, departement_code, population FROM ref_epci ORDER BY siren").all()
        guard !epciRows.isEmpty else {
            throw StoreError.corrupt("les tables de référence sont vides : lancez d'abord « pacte reference load ».")
        }

        progress("Organisations (régions, départements, intercommunalités, chambres)…")
        let organisations = BulkInsert(sql, OrganisationModel.schema,
                                       ["id", "name", "short_name", "kind", "siren", "population", "population_year", "departement_code", "is_demo", "created_at", "updated_at"])
        var regionIDs: [String: UUID] = [:]
        for row in regionRows {
            let code = try row.decode(column: "code", as: String.self)
            let id = rng.uuid()
            regionIDs[code] = id
            try await organisations.add([id, "Région " + (try row.decode(column: "name", as: String.self)), nil as String?,
                                         OrganisationKind.region.rawValue, nil as Siren?, nil as Int64?, nil as Int?, nil as String?, false, now, now])
        }
        var territories: [String: Territory] = [:]
        for row in departementRows {
            let code = try row.decode(column: "code", as: String.self)
            let id = rng.uuid()
            territories[code] = Territory(code: code, organisationID: id, regionCode: try row.decode(column: "region_code", as: String.self))
            try await organisations.add([id, "Département " + (try row.decode(column: "name", as: String.self)), nil as String?,
                                         OrganisationKind.departement.rawValue, nil as Siren?, nil as Int64?, nil as Int?, code, false, now, now])
        }
        for row in epciRows {
            let departement = try row.decode(column: "departement_code", as: String.self)
            guard territories[departement] != nil else { continue }
            let id = rng.uuid()
            let name = try row.decode(column: "name", as: String.self)
            let kind: OrganisationKind = switch try row.decode(column: "nature", as: String.self) {
            case "METRO", "MET69": .metropole
            case "CU": .communauteUrbaine
            case "CA": .communauteAgglomeration
            default: .communauteDeCommunes
            }
            territories[departement]!.epcis.append((id, name))
            try await organisations.add([id, name, nil as String?, kind.rawValue, try Siren(try row.decode(column: "siren", as: String.self)),
                                         try row.decode(column: "population", as: Int64.self), 2025, departement, false, now, now])
        }
        let codes = territories.keys.filter { !territories[$0]!.epcis.isEmpty }.sorted()
        var chamberNames: [UUID: String] = [:]
        for index in 0..<scale.chambers {
            let departement = codes[index % codes.count]
            let kind: OrganisationKind = [.cci, .cma, .chambreAgriculture][(index / codes.count) % 3]
            let id = rng.uuid()
            let label = switch kind {
            case .cci: "CCI"
            case .cma: "CMA"
            default: "Chambre d'agriculture"
            }
            let name = "\(label) \(departement) (synthétique \(index + 1))"
            chamberNames[id] = name
            territories[departement]!.chambers.append(id)
            try await organisations.add([id, name, "\(label) \(departement)", kind.rawValue, try Siren.completing(13_000_000 + index),
                                         nil as Int64?, nil as Int?, departement, false, now, now])
        }
        try await organisations.flush()
        report.organisations = organisations.count

        progress("Comptes (un administrateur, un agent par chambre)…")
        let users = BulkInsert(sql, UserModel.schema, ["id", "email", "display_name", "password_hash", "is_platform_admin", "is_demo", "created_at"])
        let memberships = BulkInsert(sql, MembershipModel.schema, ["id", "user_id", "organisation_id", "role"])
        try await users.add([rng.uuid(), Self.adminEmail, "Administrateur (jeu synthétique)", passwordHash, true, false, now])
        for (index, chamber) in chamberNames.keys.sorted().enumerated() {
            let user = rng.uuid()
            try await users.add([user, "agent\(index + 1)@bench.pacte.fr", "Agent \(chamberNames[chamber]!)", passwordHash, false, false, now])
            try await memberships.add([rng.uuid(), user, chamber, MembershipRole.agent.rawValue])
        }
        try await users.flush()
        try await memberships.flush()
        report.accounts = users.count

        progress("Entreprises (\(FrenchFormat.grouped(scale.companies)))…")
        let synthetic = try await companies(on: db)
        let companyIDs = (0..<scale.companies).map { _ in rng.uuid() }
        let companies = BulkInsert(sql, CompanyModel.schema,
                                   ["id", "siren", "name", "naf", "workforce_band", "address", "commune_code", "undertaking_id", "is_demo", "created_at"])
        for index in 0..<scale.companies {
            let company = synthetic.company(index)
            territories[synthetic.departement(of: index)]?.companies.append(index)
            try await companies.add([companyIDs[index], company.siren, company.name, try NafCode(company.naf), company.band,
                                     company.street, company.communeCode, companyIDs[index], false, now])
            if index % 100_000 == 99_999 { progress("  \(FrenchFormat.grouped(index + 1)) entreprises…") }
        }
        try await companies.flush()
        report.companies = companies.count

        progress("Conventions, actions, plans, prestations et engagements…")
        let writer = try PlanWriter(sql: sql, now: now)
        // Conventions go to départements in proportion to their EPCIs.
        var weighted: [String] = []
        for code in codes where !territories[code]!.chambers.isEmpty && !territories[code]!.companies.isEmpty {
            weighted += Array(repeating: code, count: territories[code]!.epcis.count)
        }
        let perConvention = max(1, scale.interventions / max(1, scale.conventions))
        var remaining = scale.interventions
        for index in 0..<scale.conventions {
            let territory = territories[weighted[Int(rng.next(below: UInt64(weighted.count)))]]!
            let count = index == scale.conventions - 1 ? remaining : min(remaining, perConvention / 2 + Int(rng.next(below: UInt64(perConvention + 1))))
            remaining -= count
            try await writer.convention(index: index, territory: territory, regionID: regionIDs[territory.regionCode],
                                        chamberNames: chamberNames, companyIDs: companyIDs, interventions: count,
                                        scale: scale, until: until, rng: &rng)
            if writer.isFull { try await writer.flush() }
            if index % 500 == 499 { progress("  \(FrenchFormat.grouped(index + 1)) conventions…") }
        }
        try await writer.flush()
        report.conventions = writer.conventions.count
        report.actions = writer.actions.count
        report.costLines = writer.lines.count
        report.shares = writer.shares.count
        report.envelopes = writer.envelopes.count
        report.interventions = writer.interventions.count
        report.commitments = writer.commitments.count
        report.duration = clock.now - start
        return report
    }
}

/// Writes one convention with its parties, actions, plan, envelopes, services and commitments.
final class PlanWriter {
    let conventions, parties, actions, lines, shares, envelopes, interventions, commitments: BulkInsert
    let now: Date

    init(sql: any SQLDatabase, now: Date) throws {
        self.now = now
        func owned(_ table: String, _ columns: [String]) -> BulkInsert { BulkInsert(sql, table, columns, flushesItself: false) }
        conventions = owned(ConventionModel.schema,
                                 ["id", "title", "reference", "status", "signed_on", "starts_on", "ends_on", "duration_months",
                                  "tax_regime", "vat_rate", "day_rate_cents", "notes", "is_demo", "created_at", "updated_at"])
        parties = owned(ConventionPartyModel.schema, ["id", "convention_id", "organisation_id", "roles", "designation"])
        actions = owned(ActionModel.schema, ["id", "convention_id", "position", "code", "title", "objectives", "operator_id", "notes"])
        lines = owned(CostLineModel.schema,
                           ["id", "action_id", "position", "line_key", "label", "pricing", "quantity", "unit_price_cents", "amount_cents", "tax_regime", "year"])
        shares = owned(ShareModel.schema, ["id", "action_id", "position", "funder_id", "size_kind", "rate"])
        envelopes = owned(EnvelopeModel.schema, ["id", "convention_id", "funder_id", "name", "cap_cents", "created_at"])
        interventions = owned(InterventionModel.schema,
                                   ["id", "convention_id", "action_id", "company_id", "label", "quote_cents", "status",
                                    "accepted_on", "delivered_on", "invoice_number", "invoiced_on", "invoice_cents", "paid_on", "created_at"])
        commitments = owned(CommitmentModel.schema,
                                 ["id", "convention_id", "funder_id", "action_id", "label", "amount_cents", "status", "created_at", "intervention_id"])
    }

    static let actionTitles = [
        "Diagnostic numérique des commerces", "Accompagnement à la transmission d'entreprise", "Appui à la création d'entreprise",
        "Diagnostic environnemental (PROTECT'EAU)", "Animation du réseau des entreprises", "Formation des dirigeants",
        "Observatoire économique du territoire", "Accompagnement export", "Revitalisation du centre-bourg", "Sensibilisation à la cybersécurité",
        "Accompagnement au recrutement", "Marketplace locale (MyShop)",
    ]

    func convention(index: Int, territory: SyntheticDataset.Territory, regionID: UUID?, chamberNames: [UUID: String],
                    companyIDs: [UUID], interventions count: Int, scale: DatasetScale, until: CivilDate,
                    rng: inout SplitMix64) async throws {
        let id = rng.uuid()
        let chamber = territory.chambers[Int(rng.next(below: UInt64(territory.chambers.count)))]
        let epci = territory.epcis[Int(rng.next(below: UInt64(territory.epcis.count)))]
        // Three-year conventions starting over the five years (and the year before) up to `until`.
        let first = until.adding(years: -6).adding(days: 1)
        let startsOn = first.adding(days: Int(rng.next(below: UInt64(first.days(until: until.adding(months: -3))))))
        let endsOn = startsOn.adding(years: 3).adding(days: -1)
        let status: ConventionStatus = endsOn < until ? .ended : .inForce
        let coFunder = rng.next(below: 2) == 0 ? territory.organisationID : (regionID ?? territory.organisationID)
        let dayRate = Money(cents: Int64(55_000 + 5_000 * Int(rng.next(below: 5))))
        try await conventions.add([id, "Convention de partenariat \(epci.name) – \(chamberNames[chamber] ?? "chambre")",
                                   "SYN-\(String(format: "%05d", index + 1))", status.rawValue, startsOn.adding(days: -10), startsOn, endsOn, 36,
                                   TaxRegime.netDeTaxes.rawValue, Rate.percent(20), dayRate.cents, [String](), false, now, now])
        try await parties.add([rng.uuid(), id, chamber, [PartyRole.signatory, .operator, .funder].map(\.rawValue), nil as String?])
        try await parties.add([rng.uuid(), id, epci.id, [PartyRole.signatory, .funder].map(\.rawValue), nil as String?])
        try await parties.add([rng.uuid(), id, coFunder, [PartyRole.funder].map(\.rawValue), nil as String?])

        var actionIDs: [UUID] = []
        var totals: [Money] = []
        for position in 0..<scale.actionsPerConvention {
            let actionID = rng.uuid()
            actionIDs.append(actionID)
            let title = Self.actionTitles[(index + position) % Self.actionTitles.count]
            try await actions.add([actionID, id, position, "A\(position + 1)", title, "Objectifs de l'action « \(title) ».", chamber, [String]()])
            let days = Int64(5 + rng.next(below: 40))
            let forfait = Money(cents: Int64(100_000 * (1 + rng.next(below: 30))))
            let quantity = Int64(2 + rng.next(below: 20))
            let unitPrice = Money(cents: Int64(20_000 + 10_000 * rng.next(below: 20)))
            try await lines.add([rng.uuid(), actionID, 0, "l1", "Animation et conseil (jours)", PricingKind.days.rawValue, "\(days)/1", dayRate.cents,
                                 nil as Int64?, TaxRegime.netDeTaxes.rawValue, nil as Int?])
            try await lines.add([rng.uuid(), actionID, 1, "l2", "Communication", PricingKind.forfait.rawValue, nil as String?, nil as Int64?,
                                 forfait.cents, TaxRegime.netDeTaxes.rawValue, nil as Int?])
            try await lines.add([rng.uuid(), actionID, 2, "l3", "Diagnostics en entreprise", PricingKind.quantity.rawValue, "\(quantity)/1", unitPrice.cents,
                                 nil as Int64?, TaxRegime.netDeTaxes.rawValue, nil as Int?])
            totals.append(Money(cents: days * dayRate.cents + forfait.cents + quantity * unitPrice.cents))
            try await shares.add([rng.uuid(), actionID, 0, epci.id, ShareSizeKind.percentage.rawValue, Rate.percent(40)])
            try await shares.add([rng.uuid(), actionID, 1, coFunder, ShareSizeKind.percentage.rawValue, Rate.percent(30)])
            try await shares.add([rng.uuid(), actionID, 2, chamber, ShareSizeKind.remainder.rawValue, nil as Rate?])
        }

        // Services: the older, the further along; two public funders' parts committed once accepted.
        var committed: [UUID: Int64] = [epci.id: 0, coFunder: 0]
        let span = max(1, startsOn.days(until: min(endsOn, until)))
        for number in 0..<count {
            let interventionID = rng.uuid()
            let position = Int(rng.next(below: UInt64(actionIDs.count)))
            let company = territory.companies[Int(rng.next(below: UInt64(territory.companies.count)))]
            let prescribed = startsOn.adding(days: Int(rng.next(below: UInt64(span))))
            let age = prescribed.days(until: until)
            let roll = rng.next(below: 100)
            let quote = Money(cents: Int64(50_000 + 10_000 * rng.next(below: 46)))
            var status: InterventionStatus = .paid
            if roll < 3 { status = .cancelled } else if age < 30 { status = .quoted } else if age < 75 { status = .accepted }
            else if age < 120 { status = .delivered } else if age < 180 { status = .invoiced }
            let accepted: CivilDate? = status == .quoted || (status == .cancelled && roll < 1) ? nil : prescribed.adding(days: 7)
            let delivered = [.delivered, .invoiced, .paid].contains(status) ? prescribed.adding(days: 60) : nil
            let invoiced = [.invoiced, .paid].contains(status) ? prescribed.adding(days: 90) : nil
            let paid = status == .paid ? prescribed.adding(days: 130) : nil
            try await interventions.add([interventionID, id, actionIDs[position], companyIDs[company],
                                         Self.actionTitles[(index + position) % Self.actionTitles.count], quote.cents, status.rawValue,
                                         accepted, delivered, invoiced.map { _ in "F-\(index + 1)-\(number + 1)" }, invoiced,
                                         invoiced.map { _ in quote.cents }, paid, prescribed.instant])
            guard let accepted, status != .cancelled else { continue }
            let parts = try Allocation.split(quote, rates: [.percent(40), .percent(30), .percent(30)])
            for (funder, part) in [(epci.id, parts[0]), (coFunder, parts[1])] {
                committed[funder, default: 0] += part.cents
                try await commitments.add([rng.uuid(), id, funder, actionIDs[position], "Prestation \(number + 1)", part.cents,
                                           CommitmentStatus.committed.rawValue, accepted.instant, interventionID])
            }
        }
        // Each public funder's envelope: its share of the plan, never less than what it committed.
        let plan = try Money.sum(totals)
        for (funder, rate) in [(epci.id, Int64(40)), (coFunder, Int64(30))] {
            let cap = max(plan.cents * rate / 100, committed[funder] ?? 0)
            try await envelopes.add([rng.uuid(), id, funder, "Enveloppe \(funder == epci.id ? "EPCI" : "cofinanceur")", cap, now])
        }
    }

    var isFull: Bool { [conventions, parties, actions, lines, shares, envelopes, interventions, commitments].contains { $0.isFull } }

    func flush() async throws {
        for bulk in [conventions, parties, actions, lines, shares, envelopes, interventions, commitments] { try await bulk.flush() }
    }
}

/// A small, fast, seedable generator (SplitMix64): the same seed gives the same dataset.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in 0..<bound (bound > 0).
    public mutating func next(below bound: UInt64) -> UInt64 { next() % bound }

    /// A version-4-shaped UUID drawn from the generator.
    public mutating func uuid() -> UUID {
        let a = next(), b = next()
        var bytes = [UInt8](repeating: 0, count: 16)
        for i in 0..<8 { bytes[i] = UInt8(truncatingIfNeeded: a >> (8 * i)); bytes[8 + i] = UInt8(truncatingIfNeeded: b >> (8 * i)) }
        bytes[6] = (bytes[6] & 0x0F) | 0x40
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        return UUID(uuid: (bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
                           bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]))
    }
}

extension CivilDate {
    /// Noon UTC of the day: a creation instant that falls on this Paris calendar day.
    var instant: Date { Date(timeIntervalSince1970: TimeInterval(daysSinceEpoch) * 86_400 + 43_200) }
}
