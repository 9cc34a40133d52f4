import Fluent
import Foundation
import PacteCore
import PacteStore
import Vapor

public struct RegisterTerritoryOut: Content, Sendable {
    /// `epci` or `communes`.
    public var kind: String
    /// The EPCI's SIREN, or the commune codes joined by commas.
    public var code: String
    public var name: String
    /// INSEE codes of the communes.
    public var communes: [String]

    init(_ t: RegisterReports.Territory) {
        kind = t.kind.rawValue; code = t.code; name = t.name; communes = t.communes.map(\.code)
    }

    init(kind: String, code: String, name: String, communes: [String]) {
        self.kind = kind; self.code = code; self.name = name; self.communes = communes
    }
}

public struct RegisterMovementsOut: Documented {
    public var territory: RegisterTerritoryOut
    /// `2024-03`.
    public var month: String
    public var creations: Int
    public var closures: Int

    public static var example: RegisterMovementsOut {
        RegisterMovementsOut(territory: RegisterTerritoryOut(kind: "epci", code: "242100410", name: "Dijon Métropole", communes: ["21231", "21166"]),
                             month: "2024-03", creations: 212, closures: 97)
    }
}

public struct RegisterEstablishmentOut: Content, Sendable {
    public var siret: String
    public var siren: String
    /// The establishment's name, else its legal unit's.
    public var name: String?
    public var naf: String?
    public var nafLabel: String?
    /// SIRENE workforce band code (`21`) and its label.
    public var workforceBand: String?
    public var workforceLabel: String?
    public var workforceYear: Int?
    public var communeCode: String?
    public var communeName: String?
    public var address: String?
    /// AAAA-MM-JJ.
    public var createdOn: String?
    public var closedOn: String?
    public var isHeadOffice: Bool

    init(_ e: RegisterReports.Establishment, territory: RegisterReports.Territory) {
        siret = e.siret; siren = e.siren; name = e.name; naf = e.naf; nafLabel = (try? NafCode(e.naf ?? ""))?.label
        workforceBand = e.workforceBand?.code; workforceLabel = e.workforceBand?.label; workforceYear = e.workforceYear
        communeCode = e.communeCode; communeName = territory.communeName(e.communeCode); address = e.address
        createdOn = e.createdOn?.isoString; closedOn = e.closedOn?.isoString; isHeadOffice = e.isHeadOffice
    }

    init(siret: String, siren: String, name: String?, naf: String?, nafLabel: String?, workforceBand: String?, workforceLabel: String?,
         workforceYear: Int?, communeCode: String?, communeName: String?, address: String?, createdOn: String?, closedOn: String?, isHeadOffice: Bool) {
        self.siret = siret; self.siren = siren; self.name = name; self.naf = naf; self.nafLabel = nafLabel; self.workforceBand = workforceBand
        self.workforceLabel = workforceLabel; self.workforceYear = workforceYear; self.communeCode = communeCode; self.communeName = communeName
        self.address = address; self.createdOn = createdOn; self.closedOn = closedOn; self.isHeadOffice = isHeadOffice
    }

    static var example: RegisterEstablishmentOut {
        RegisterEstablishmentOut(siret: "12345678200010", siren: "123456782", name: "Boulangerie Martin", naf: "10.71C", nafLabel: "Boulangerie et boulangerie-pâtisserie",
                                 workforceBand: "21", workforceLabel: "50 à 99 salariés", workforceYear: 2023, communeCode: "21231", communeName: "Dijon",
                                 address: "12 rue de la Liberté 21000 Dijon", createdOn: "2024-03-05", closedOn: "2024-03-28", isHeadOffice: true)
    }
}

public struct DepartementOut: Documented {
    public var code: String
    public var name: String?
    /// Conventions of the département the caller may see.
    public var conventionCount: Int

    public static var example: DepartementOut { DepartementOut(code: "21", name: "Côte-d'Or", conventionCount: 3) }
}

public struct DepartementConventionOut: Content, Sendable {
    public var id: UUID
    public var title: String
    public var reference: String?
    public var status: ConventionStatus
    /// Decimal strings (« 7500.00 »); `plannedCost` absent when a line cannot be brought to the convention's tax regime.
    public var plannedCost: String?
    public var committed: String
    public var delivered: String
    public var invoiced: String
    public var paid: String
    public var services: Int
    public var companies: Int
}

public struct DepartementTotalsOut: Content, Sendable {
    public var plannedCost: String
    public var plannedCostIncomplete: Bool
    public var committed: String
    public var delivered: String
    public var invoiced: String
    public var paid: String
    public var services: Int
    /// Distinct companies over the département.
    public var companies: Int
}

public struct DepartementRollupOut: Documented {
    public var code: String
    public var name: String?
    public var conventions: [DepartementConventionOut]
    public var totals: DepartementTotalsOut

    init(_ r: DepartementRollup.Rollup) {
        code = r.code; name = r.name
        conventions = r.lines.map {
            DepartementConventionOut(id: $0.conventionID, title: $0.title, reference: $0.reference, status: $0.status,
                                     plannedCost: $0.plannedCost?.decimalString, committed: $0.committed.decimalString,
                                     delivered: $0.delivered.decimalString, invoiced: $0.invoiced.decimalString, paid: $0.paid.decimalString,
                                     services: $0.services, companies: $0.companies)
        }
        let t = r.totals
        totals = DepartementTotalsOut(plannedCost: t.plannedCost.decimalString, plannedCostIncomplete: t.plannedCostIncomplete,
                                      committed: t.committed.decimalString, delivered: t.delivered.decimalString, invoiced: t.invoiced.decimalString,
                                      paid: t.paid.decimalString, services: t.services, companies: t.companies)
    }

    init(code: String, name: String?, conventions: [DepartementConventionOut], totals: DepartementTotalsOut) {
        self.code = code; self.name = name; self.conventions = conventions; self.totals = totals
    }

    public static var example: DepartementRollupOut {
        DepartementRollupOut(code: "51", name: "Marne", conventions: [
            DepartementConventionOut(id: UUID(uuidString: "3F2504E0-4F89-11D3-9A0C-0305E82C3301")!, title: "Convention de partenariat Sézanne",
                                     reference: "2024-01", status: .inForce, plannedCost: "59975.00", committed: "1300.00", delivered: "650.00",
                                     invoiced: "650.00", paid: "0.00", services: 2, companies: 2),
        ], totals: DepartementTotalsOut(plannedCost: "59975.00", plannedCostIncomplete: false, committed: "1300.00", delivered: "650.00",
                                        invoiced: "650.00", paid: "0.00", services: 2, companies: 2))
    }
}

/// The register's reports and the département roll-up in the JSON API.
enum TerritoryRoutes {
    /// One of the two is needed; OpenAPI cannot say « one of two parameters », the summary does.
    static let territoryQuery = [QueryParameter(name: "epci", description: "SIREN d'une intercommunalité (ou communes)"),
                                 QueryParameter(name: "communes", description: "codes INSEE séparés par des virgules (ou epci)")]
    static let monthQuery = QueryParameter(name: "month", description: "AAAA-MM, par défaut le mois écoulé")

    static func register(_ api: APIBuilder) {
        api.on(.GET, "register", "movements",
               summary: "Registre des entreprises : créations et fermetures d'établissements d'un mois (epci = SIREN ou communes = codes INSEE ; month = AAAA-MM, par défaut le mois écoulé)",
               tag: "Registre des entreprises", response: RegisterMovementsOut.example, query: territoryQuery + [monthQuery]) { req in
            let territory = try await territory(req)
            let month = try RegisterPages.month(req.query[String.self, at: "month"], field: "month")
            return RegisterMovementsOut(territory: RegisterTerritoryOut(territory), month: String(format: "%04d-%02d", month.year, month.month),
                                        creations: try await RegisterReports.count(.creations, in: month, on: territory, db: req.db),
                                        closures: try await RegisterReports.count(.closures, in: month, on: territory, db: req.db))
        }
        for (path, movement, what) in [("creations", RegisterReports.Movement.creations, "créés"), ("closures", .closures, "fermés")] {
            api.on(.GET, "register", "movements", PathComponent(stringLiteral: path),
                   summary: "Registre des entreprises : établissements \(what) au cours du mois (epci ou communes, month), par date puis SIRET",
                   tag: "Registre des entreprises", response: Paged(items: [RegisterEstablishmentOut.example], page: 1, per: 50, total: 1), paged: true,
                   query: territoryQuery + [monthQuery]) { req in
                let territory = try await territory(req)
                let month = try RegisterPages.month(req.query[String.self, at: "month"], field: "month")
                let (page, per) = try Paged<RegisterEstablishmentOut>.parameters(req)
                let total = try await RegisterReports.count(movement, in: month, on: territory, db: req.db)
                let rows = try await RegisterReports.list(movement, in: month, on: territory, limit: per, offset: (page - 1) * per, db: req.db)
                return Paged(items: rows.map { RegisterEstablishmentOut($0, territory: territory) }, page: page, per: per, total: total)
            }
        }
        api.on(.GET, "register", "workforce",
               summary: "Registre des entreprises : établissements ouverts dont la tranche d'effectifs atteint band (par défaut 21, 50 salariés et plus), plus grandes tranches d'abord (epci ou communes)",
               tag: "Registre des entreprises", response: Paged(items: [RegisterEstablishmentOut.example], page: 1, per: 50, total: 1), paged: true,
               query: territoryQuery + [QueryParameter(name: "band", description: "tranche d'effectifs INSEE la plus petite retenue (21 par défaut)")]) { req in
            let territory = try await territory(req)
            let band = try RegisterPages.band(req.query[String.self, at: "band"], field: "band")
            let (page, per) = try Paged<RegisterEstablishmentOut>.parameters(req)
            let total = try await RegisterReports.countWorkforce(from: band, on: territory, db: req.db)
            let rows = try await RegisterReports.listWorkforce(from: band, on: territory, limit: per, offset: (page - 1) * per, db: req.db)
            return Paged(items: rows.map { RegisterEstablishmentOut($0, territory: territory) }, page: page, per: per, total: total)
        }

        api.on(.GET, "departements", summary: "Départements ayant des conventions visibles, avec leur nombre", tag: "Territoires",
               response: [DepartementOut.example]) { req in
            try await DepartementRollup.index(memberOf: DepartementPages.memberOf(try req.requirePrincipal()), on: req.db)
                .map { DepartementOut(code: $0.code, name: $0.name, conventionCount: $0.conventionCount) }
        }
        api.on(.GET, "departements", ":departementCode",
               summary: "Conventions d'un département (une partie y est rattachée) : statut, coût prévu, engagé, réalisé, facturé, payé, prestations, entreprises ; totaux",
               tag: "Territoires", response: DepartementRollupOut.example) { req in
            DepartementRollupOut(try await DepartementPages.rollup(req))
        }
    }

    /// The API names an EPCI by its SIREN (the reference search finds it by name: `/reference/epci?q=`).
    static func territory(_ req: Request) async throws -> RegisterReports.Territory {
        let pick = try await RegisterPages.pick(epci: RegisterPages.nonEmpty(req.query[String.self, at: "epci"]),
                                                communes: RegisterPages.nonEmpty(req.query[String.self, at: "communes"]), byName: false, on: req.db)
        guard case .territory(let territory) = pick else {
            throw Problem.invalid("epci", "Indiquez une intercommunalité (epci = son SIREN) ou des communes (communes = codes INSEE séparés par des virgules).")
        }
        return territory
    }
}
