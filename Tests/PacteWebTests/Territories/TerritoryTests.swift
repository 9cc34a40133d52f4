import Fluent
import Foundation
import PacteCore
import PacteStore
@testable import PacteWeb
import SQLKit
import Testing
import Vapor
import VaporTesting

/// A number completed with its Luhn check digit (SIREN from 8 digits, SIRET from 13).
func luhnCompleted(_ prefix: String) -> String { CheckDigits.luhnCompleted(prefix) }

/// Register rows written with plain SQL, as `pacte companies import` writes them.
struct RegisterFixture {
    struct Row {
        var key: String
        var name: String?
        var commune: String
        var created: String?
        var closed: String? = nil
        var band: String? = nil
        var naf: String? = "62.01Z"
        var headOffice = true
    }

    /// Dijon Métropole (21231 Dijon, 21166 Chenôve), Beaune (CA Beaune) and Paris 8e, around February 2024.
    static let rows: [Row] = [
        Row(key: "first-day", name: "Atelier du Premier", commune: "21231", created: "2024-02-01"),
        Row(key: "leap-day", name: "Bissextile SARL", commune: "21166", created: "2024-02-29", band: "01"),
        Row(key: "january", name: "Janvier et Fils", commune: "21231", created: "2024-01-31"),
        Row(key: "march", name: "Mars Conseil", commune: "21231", created: "2024-03-01"),
        Row(key: "closed-big", name: "Grande Fermeture", commune: "21231", created: "2019-05-10", closed: "2024-02-15", band: "22"),
        Row(key: "beaune", name: "Caves de Beaune", commune: "21054", created: "2024-02-10", band: "21"),
        Row(key: "unit-named", name: nil, commune: "21231", created: "2010-01-04", band: "21", naf: "10.71C"),
        Row(key: "non-employer", name: "Sans Salarié", commune: "21231", created: "2015-06-01", band: "NN"),
        Row(key: "twenty-to-49", name: "Moyenne Entreprise", commune: "21166", created: "2012-09-12", band: "12"),
        Row(key: "giant", name: "Géant Industriel", commune: "21231", created: "1990-01-02", band: "53", headOffice: false),
        Row(key: "paris", name: "Bureau Parisien", commune: "75108", created: "2024-02-05", band: "32"),
        Row(key: "short-lived", name: "Éphémère", commune: "21231", created: "2024-02-03", closed: "2024-02-20"),
    ]

    var sirets: [String: String] = [:]

    static func insert(_ app: Application, extraCreations: Int = 0) async throws -> RegisterFixture {
        let sql = app.db as! any SQLDatabase
        var fixture = RegisterFixture()
        var rows = rows
        for index in 0..<extraCreations {
            rows.append(Row(key: "extra-\(index)", name: String(format: "Lot %03d", index), commune: "21166", created: "2024-02-14"))
        }
        for (index, row) in rows.enumerated() {
            let siren = luhnCompleted(String(format: "9%07d", index + 1))
            let siret = luhnCompleted(siren + "0001")
            fixture.sirets[row.key] = siret
            try await sql.insert(into: RegisterTables.establishments)
                .columns("siret", "siren", "name", "naf", "workforce_band", "workforce_year", "commune_code", "address", "created_on", "closed_on",
                         "is_head_office", "updated_at_source")
                .values(SQLBind(siret), SQLBind(siren), SQLBind(row.name), SQLBind(row.naf), SQLBind(row.band), SQLBind(row.band == nil ? nil : 2022),
                        SQLBind(row.commune), SQLBind("\(index + 1) rue de l'Essai"), SQLBind(row.created), SQLBind(row.closed),
                        SQLBind(row.headOffice), SQLBind("2024-03-31T00:00:00"))
                .run()
            try await sql.insert(into: RegisterTables.units).columns("siren", "name", "workforce_band")
                .values(SQLBind(siren), SQLBind(row.key == "unit-named" ? "Unité Légale Sept" : "Unité \(index)"), SQLBind(row.band)).run()
        }
        return fixture
    }
}

@Suite("Registre des entreprises et départements : intégration sur SQLite et PostgreSQL")
struct TerritoryTests {
    @Test("Registre : créations et fermetures d'un mois, bornes du mois, EPCI ou communes, commune inconnue", arguments: Engine.available)
    func movements(engine: Engine) async throws {
        try await withDemo(engine) { app in
            _ = try await ReferenceData.load(on: app.db)
            let f = try await RegisterFixture.insert(app)
            let dijon = try await RegisterReports.territory(epci: "242 100 410", on: app.db)
            #expect(dijon.name == "Dijon Métropole" && dijon.communes.count == 23 && dijon.communes.contains { $0 == ("21166", "Chenôve") })
            let february = YearMonth(year: 2024, month: 2)

            // The first and the last day of the month (29 February) are in it; the days around are not.
            let created = try await RegisterReports.list(.creations, in: february, on: dijon, db: app.db)
            #expect(created.map(\.siret) == [f.sirets["first-day"], f.sirets["short-lived"], f.sirets["leap-day"]])
            #expect(try await RegisterReports.count(.creations, in: february, on: dijon, db: app.db) == 3)
            #expect(try await RegisterReports.list(.creations, in: YearMonth(year: 2024, month: 1), on: dijon, db: app.db).map(\.siret) == [f.sirets["january"]])
            #expect(try await RegisterReports.list(.creations, in: YearMonth(year: 2024, month: 3), on: dijon, db: app.db).map(\.siret) == [f.sirets["march"]])
            // Closures by their closing date; an establishment opened and closed in the month is in both lists.
            let closed = try await RegisterReports.list(.closures, in: february, on: dijon, db: app.db)
            #expect(closed.map(\.siret) == [f.sirets["closed-big"], f.sirets["short-lived"]])
            #expect(closed.first?.closedOn == (try CivilDate(year: 2024, month: 2, day: 15)))

            // Beaune is not in Dijon Métropole; a commune list reaches it, and Paris reaches its arrondissements.
            let beaune = try await RegisterReports.territory(communes: "21054", on: app.db)
            #expect(try await RegisterReports.list(.creations, in: february, on: beaune, db: app.db).map(\.siret) == [f.sirets["beaune"]])
            let paris = try await RegisterReports.territory(communes: "75056", on: app.db)
            let parisRows = try await RegisterReports.list(.creations, in: february, on: paris, db: app.db)
            #expect(parisRows.map(\.siret) == [f.sirets["paris"]] && paris.communeName("75108") == "Paris 8e arrondissement")
            let both = try await RegisterReports.territory(communes: "21231; 21054 21231", on: app.db)
            #expect(both.communes.map(\.code) == ["21231", "21054"] && both.name == "Dijon (21231), Beaune (21054)")
            #expect(try await RegisterReports.count(.creations, in: february, on: both, db: app.db) == 3)

            // Unknown communes are named, in French.
            await #expect { try await RegisterReports.territory(communes: "21231, 99999, 21A00", on: app.db) } throws: { error in
                guard case StoreError.invalid(let field, let message) = error else { return false }
                return field == "communes" && message.contains("mal formé") && message.contains("« 21A00 »")
            }
            await #expect { try await RegisterReports.territory(communes: "21231, 99999", on: app.db) } throws: { error in
                guard case StoreError.invalid(let field, let message) = error else { return false }
                return field == "communes" && message == "Code commune inconnu du Code officiel géographique 2026 : « 99999 »."
            }
            await #expect { try await RegisterReports.territory(epci: "200041631", on: app.db) } throws: { error in
                guard case StoreError.invalid("epci", let message) = error else { return false }
                return message.contains("SIREN")
            }

            // The API: counts, then the lists page by page, and the unknown commune as a 422 naming it.
            let token = try await app.token("agent.sezanne.ville@demo.pacte.fr")
            let summary = try #require(try json(try await app.call(.GET, "/api/v1/register/movements?epci=242100410&month=2024-02", token: token)) as? [String: Any])
            #expect(summary["creations"] as? Int == 3 && summary["closures"] as? Int == 2 && summary["month"] as? String == "2024-02")
            #expect((summary["territory"] as? [String: Any])?["name"] as? String == "Dijon Métropole")
            let second = try #require(try json(try await app.call(.GET, "/api/v1/register/movements/creations?epci=242100410&month=02/2024&per=2&page=2",
                                                                 token: token)) as? [String: Any])
            #expect(second["total"] as? Int == 3)
            let items = try #require(second["items"] as? [[String: Any]])
            #expect(items.map { $0["siret"] as? String } == [f.sirets["leap-day"]])
            #expect(items.first?["createdOn"] as? String == "2024-02-29" && items.first?["communeName"] as? String == "Chenôve")
            let unknown = try await app.call(.GET, "/api/v1/register/movements?communes=21231,99999&month=2024-02", token: token)
            #expect(unknown.status == .unprocessableEntity)
            #expect(try problemDetail(unknown).field == "communes" && problemDetail(unknown).detail.contains("« 99999 »"))
            #expect(try await app.call(.GET, "/api/v1/register/movements?month=2024-02", token: token).status == .unprocessableEntity)
            let badMonth = try await app.call(.GET, "/api/v1/register/movements?epci=242100410&month=février", token: token)
            #expect(try badMonth.status == .unprocessableEntity && (problemDetail(badMonth).field) == "month")
            #expect(try await app.call(.GET, "/api/v1/register/movements?epci=242100410").status == .unauthorized)

            // The page: a name finds the EPCI, the counts and both lists are shown.
            let page = try await app.call(.GET, "/registre?epci=dijon%20metropole&mois=02%2F2024", token: token)
            #expect(page.status == .ok)
            let html = page.body.string
            #expect(html.contains("Dijon Métropole (23 communes), février 2024 : 3 créations et 2 fermetures d'établissements."))
            #expect(html.contains("Bissextile SARL") && html.contains("Grande Fermeture") && !html.contains("Janvier et Fils"))
            #expect(html.contains("/registre/mouvements.csv?epci=242100410&amp;mois=02%2F2024") || html.contains("/registre/mouvements.csv?epci=242100410&mois=02%2F2024"))
            let ambiguous = try await app.call(.GET, "/registre?epci=pays&mois=02%2F2024", token: token)
            #expect(ambiguous.body.string.contains("Plusieurs intercommunalités correspondent"))
            let wrong = try await app.call(.GET, "/registre?communes=21231%2C99999", token: token)
            #expect(wrong.status == .unprocessableEntity && wrong.body.string.contains("« 99999 »") && wrong.body.string.contains("aria-invalid=\"true\""))
        }
    }

    @Test("Registre : effectifs à partir d'une tranche, dans l'ordre SIRENE, établissements ouverts, nom de l'unité légale", arguments: Engine.available)
    func workforce(engine: Engine) async throws {
        try await withDemo(engine) { app in
            _ = try await ReferenceData.load(on: app.db)
            let f = try await RegisterFixture.insert(app)
            let dijon = try await RegisterReports.territory(epci: "242100410", on: app.db)

            // « 21 » and above: the closed « 22 » is left out, « NN » (above « 53 » as text) too.
            let big = try await RegisterReports.listWorkforce(from: RegisterReports.defaultBand, on: dijon, db: app.db)
            #expect(big.map(\.siret) == [f.sirets["giant"], f.sirets["unit-named"]])
            #expect(big.last?.name == "Unité Légale Sept", "an establishment without a name takes its legal unit's")
            #expect(try await RegisterReports.countWorkforce(from: RegisterReports.defaultBand, on: dijon, db: app.db) == 2)
            #expect(RegisterReports.bands(from: try WorkforceBand("21")) == ["21", "22", "31", "32", "41", "42", "51", "52", "53"])
            let from12 = try await RegisterReports.listWorkforce(from: try WorkforceBand("12"), on: dijon, db: app.db)
            #expect(from12.map(\.siret) == [f.sirets["giant"], f.sirets["unit-named"], f.sirets["twenty-to-49"]])
            let all = try await RegisterReports.listWorkforce(from: try WorkforceBand("NN"), on: dijon, db: app.db)
            #expect(all.map(\.workforceBand?.code) == ["53", "21", "12", "01", "NN"] && all.last?.siret == f.sirets["non-employer"])
            let byBand = try await RegisterReports.workforceByBand(from: try WorkforceBand("12"), on: dijon, db: app.db)
            #expect(byBand.map { "\($0.band.code):\($0.count)" } == ["53:1", "21:1", "12:1"])

            let token = try await app.token("elu.dijon.dijon@demo.pacte.fr")
            let page = try #require(try json(try await app.call(.GET, "/api/v1/register/workforce?epci=242100410&band=12&per=2", token: token)) as? [String: Any])
            #expect(page["total"] as? Int == 3)
            let items = try #require(page["items"] as? [[String: Any]])
            #expect(items.map { $0["workforceBand"] as? String } == ["53", "21"] && items.last?["nafLabel"] as? String == "Boulangerie et boulangerie-pâtisserie")
            let badBand = try await app.call(.GET, "/api/v1/register/workforce?epci=242100410&band=99", token: token)
            #expect(try badBand.status == .unprocessableEntity && (problemDetail(badBand).field) == "band")

            let html = try await app.call(.GET, "/registre/effectifs?epci=242100410", token: token).body.string
            #expect(html.contains("Dijon Métropole (23 communes) : 2 établissements ouverts de la tranche « 50 à 99 salariés » ou au-dessus."))
            #expect(html.contains("Géant Industriel") && html.contains("Unité Légale Sept") && !html.contains("Moyenne Entreprise"))
        }
    }

    @Test("Registre : l'écran est paginé, les téléchargements CSV, XLSX et ODS donnent toute la liste, colonnes au choix", arguments: Engine.available)
    func pagedScreenWholeExports(engine: Engine) async throws {
        try await withDemo(engine) { app in
            _ = try await ReferenceData.load(on: app.db)
            let f = try await RegisterFixture.insert(app, extraCreations: 55)
            let token = try await app.token("agent.sezanne.ville@demo.pacte.fr")
            let first = try await app.call(.GET, "/registre?epci=242100410&mois=02%2F2024", token: token).body.string
            #expect(first.contains("Créations (58)") && first.contains("Page 1 sur 2") && first.contains("page-creations=2"))
            #expect(first.components(separatedBy: "Lot 0").count - 1 == 48, "50 rows on the first page, two of them not lots")
            let second = try await app.call(.GET, "/registre?epci=242100410&mois=02%2F2024&page-creations=2", token: token).body.string
            #expect(second.contains("Page 2 sur 2") && second.contains("Lot 054") && second.contains("Bissextile SARL"))
            #expect(try await app.call(.GET, "/registre?epci=242100410&mois=02%2F2024&page-creations=99", token: token).body.string.contains("Page 2 sur 2"))

            let csv = try await app.call(.GET, "/registre/mouvements.csv?epci=242100410&mois=02%2F2024", token: token)
            #expect(csv.status == .ok && csv.headers.first(name: .contentDisposition)?.contains("registre-mouvements-epci-242100410-2024-02.csv") == true)
            let records = try Office.records(csv.body.string)
            #expect(records.first == RegisterExport.header(movements: true))
            #expect(records.count == 1 + 58 + 2, "every creation and closure, unpaginated")
            let leap = try #require(records.first { $0[1] == f.sirets["leap-day"] })
            #expect(leap[0] == "Création" && leap[3] == "Bissextile SARL" && leap[6] == "01" && leap[12] == "29/02/2024" && leap[10] == "Chenôve")
            let closure = try #require(records.first { $0[0] == "Fermeture" && $0[1] == f.sirets["closed-big"] })
            #expect(closure[13] == "15/02/2024")

            let picked = try Office.records(try await app.call(.GET, "/registre/effectifs.csv?epci=242100410&tranche=12&colonnes=1&colonnes=3", token: token).body.string)
            #expect(picked == [["SIRET", "Nom"], [f.sirets["giant"]!, "Géant Industriel"], [f.sirets["unit-named"]!, "Unité Légale Sept"],
                               [f.sirets["twenty-to-49"]!, "Moyenne Entreprise"]])
            let byName = try await app.call(.GET, "/registre/effectifs.csv?epci=Dijon%20M%C3%A9tropole", token: token)
            #expect(try byName.status == .ok && (Office.records(byName.body.string)).count == 3)

            for format in ["xlsx", "ods"] {
                let file = try await app.call(.GET, "/registre/effectifs.\(format)?epci=242100410&tranche=12", token: token)
                #expect(file.status == .ok && file.body.readableBytes > 500)
            }
            if Office.isInstalled || Office.isRequired {
                var files: [(fileExtension: String, data: Data)] = []
                for format in ["xlsx", "ods"] {
                    files.append((format, Data(try await app.call(.GET, "/registre/effectifs.\(format)?epci=242100410&tranche=12", token: token).body.readableBytesView)))
                }
                for text in try await Office.convertToCSV(files) {
                    let rows = try Office.records(text)
                    #expect(rows.count == 4 && rows[1][0] == f.sirets["giant"], "the SIRET is text, read back whole")
                }
            }
            #expect(try await app.call(.GET, "/registre/effectifs.csv", token: token).status == .unprocessableEntity)
        }
    }

    @Test("Départements : chaque convention de démonstration dans son département, coût prévu exact, visibilité", arguments: Engine.available)
    func rollupOfDemoConventions(engine: Engine) async throws {
        try await withDemo(engine) { app in
            let admin = try await app.token("admin@demo.pacte.fr")
            let index = try #require(try json(try await app.call(.GET, "/api/v1/departements", token: admin)) as? [[String: Any]])
            #expect(index.map { "\($0["code"] as? String ?? ""):\($0["conventionCount"] as? Int ?? 0)" } == ["08:1", "21:1", "51:1", "52:1", "90:1"])

            let marne = try await DepartementRollup.rollup("51", memberOf: nil, on: app.db)
            #expect(marne.lines.count == 1 && marne.totals.plannedCost == Money(cents: 59_975_00))
            let ardennes = try await DepartementRollup.rollup("08", memberOf: nil, on: app.db)
            #expect(ardennes.totals.plannedCost == Money(cents: 44_143_58))

            // Lines the database rounds (a price times a quantity, half up to the cent) and one it
            // leaves to Swift (TTC in an HT convention), added to Sézanne's 2.c.
            let sezanne = try await app.conventionID(titled: "seed 000")
            let parcours = try #require(try await ActionModel.query(on: app.db).filter(\.$convention.$id == sezanne).filter(\.$code == "2.c").first()?.id)
            for (index, line) in [#""pricing": "quantity", "quantity": "0,5", "unitPrice": "0,01""#, #""pricing": "quantity", "quantity": "2,5", "unitPrice": "0,03""#,
                                  #""pricing": "days", "quantity": "1,5", "unitPrice": "700""#, #""pricing": "quantity", "quantity": "0,333", "unitPrice": "10""#,
                                  #""pricing": "quantity", "quantity": "0,125", "unitPrice": "0,05""#,
                                  #""pricing": "quantity", "quantity": "3", "unitPrice": "100", "taxRegime": "TTC""#].enumerated() {
                let added = try await app.call(.POST, "/api/v1/conventions/\(sezanne)/actions/\(parcours)/lines", token: admin,
                                               json: #"{"key": "arrondi-\#(index)", "label": "Arrondi \#(index)", \#(line)}"#)
                #expect(added.status == .created, "\(added.body.string)")
            }
            #expect(try await DepartementRollup.rollup("51", memberOf: nil, on: app.db).totals.plannedCost == Money(cents: 61_278_43),
                     "59 975,00 + 0,01 + 0,08 + 1 050,00 + 3,33 + 0,01 + 250,00 (300 TTC brought to HT)")
            // The planned cost is the plan engine's, to the cent, for every demo convention.
            for convention in try await ConventionModel.query(on: app.db).all() {
                let evaluation = try await PlanMapping.plan(for: convention, on: app.db).evaluate()
                let parties = try await ConventionPartyModel.query(on: app.db).filter(\.$convention.$id == convention.requireID()).with(\.$organisation).all()
                let code = try #require(Set(parties.compactMap(\.organisation.departementCode)).first)
                let rollup = try await DepartementRollup.rollup(code, memberOf: nil, on: app.db)
                let line = try #require(rollup.lines.first { $0.conventionID == convention.id })
                #expect(line.plannedCost == evaluation.cost, "\(convention.title)")
            }

            // Seed 001 played: the figures match the tracking table and the commitments, to the cent.
            let played = try await playSeed001(app)
            let sud = try #require(try json(try await app.call(.GET, "/api/v1/departements/90", token: played.token)) as? [String: Any])
            let line = try #require((sud["conventions"] as? [[String: Any]])?.first)
            let convention = try #require(try await ConventionModel.find(played.convention, on: app.db))
            let tracking = try await Tracking.table(for: convention, on: app.db)
            func total(_ amount: (TrackingTable.Row) -> Money) throws -> String { try Money.sum(tracking.rows.map(amount)).decimalString }
            #expect(line["committed"] as? String == "4450.00")
            #expect(line["committed"] as? String == (try await Commitments.committedByConvention([played.convention], on: app.db))[played.convention]?.decimalString)
            #expect(line["delivered"] as? String == (try total(\.delivered)) && line["delivered"] as? String == "250.00")
            #expect(try line["invoiced"] as? String == (total(\.invoiced)) && line["paid"] as? String == (total(\.paid)) && line["paid"] as? String == "250.00")
            #expect(line["services"] as? Int == 6 && line["companies"] as? Int == 1, "the cancelled service is left out")
            let totals = try #require(sud["totals"] as? [String: Any])
            #expect(totals["committed"] as? String == "4450.00" && totals["services"] as? Int == 6)

            // A party of seed 001 placed in the Côte-d'Or puts seed 001 there too; the company served
            // under both conventions counts once in the total.
            let cma = try #require(try await OrganisationModel.query(on: app.db).all().first { $0.name.hasPrefix("Chambre de Métiers") })
            let patched = try await app.call(.PATCH, "/api/v1/organisations/\(try cma.requireID())", token: played.token, json: #"{"departementCode": "21"}"#)
            #expect(try patched.status == .ok && (json(patched) as? [String: Any])?["departementCode"] as? String == "21", "\(patched.body.string)")
            let seed003 = try await app.conventionID(titled: "seed 003")
            let action = try #require(try await ActionModel.query(on: app.db).filter(\.$convention.$id == seed003).sort(\.$position).first()?.id)
            let quoted = try await app.call(.POST, "/api/v1/conventions/\(seed003)/interventions", token: admin,
                                            json: #"{"actionID":"\#(action)","companyID":"\#(played.company)","label":"Diagnostic","quote":"700"}"#)
            #expect(quoted.status == .created, "\(quoted.body.string)")
            let cote = try await DepartementRollup.rollup("21", memberOf: nil, on: app.db)
            #expect(cote.lines.count == 2 && cote.lines.map(\.companies) == [1, 1])
            #expect(cote.totals.companies == 1 && cote.totals.services == 7)

            // Visibility: the CMA's agent sees seed 001 only, even in the Côte-d'Or; Sézanne's sees none there.
            let cmaView = try #require(try json(try await app.call(.GET, "/api/v1/departements/21", token: played.token)) as? [String: Any])
            #expect((cmaView["conventions"] as? [[String: Any]])?.map { $0["id"] as? String } == [played.convention.uuidString])
            let ville = try await app.token("agent.sezanne.ville@demo.pacte.fr")
            let villeIndex = try #require(try json(try await app.call(.GET, "/api/v1/departements", token: ville)) as? [[String: Any]])
            #expect(villeIndex.map { $0["code"] as? String } == ["51"])
            let hidden = try #require(try json(try await app.call(.GET, "/api/v1/departements/21", token: ville)) as? [String: Any])
            #expect((hidden["conventions"] as? [Any])?.isEmpty == true && (hidden["totals"] as? [String: Any])?["committed"] as? String == "0.00")
            #expect(try await app.call(.GET, "/api/v1/departements/xx", token: ville).status == .notFound)
            #expect(try await app.call(.GET, "/api/v1/departements/21").status == .unauthorized)

            // The page and its download, with the total row.
            let page = try await app.call(.GET, "/territoires/departements/51", token: ville)
            #expect(page.status == .ok && page.body.string.contains("61\u{202F}278,43\u{A0}€") && page.body.string.contains("Total (1 convention)"))
            let records = try Office.records(try await app.call(.GET, "/territoires/departements/90/conventions.csv", token: played.token).body.string)
            #expect(records.first == DepartementPages.header)
            #expect(records.count == 3 && records[2][0] == "Total (1 convention)" && records[1][4] == "4450,00" && records[2][8] == "6")
            #expect(try await app.call(.GET, "/territoires/departements", token: ville).body.string.contains("/territoires/departements/51"))
        }
    }

    @Test("Organisations : le département vient du SIREN d'une collectivité, sinon il est saisi et vérifié", arguments: Engine.available)
    func organisationDepartement(engine: Engine) async throws {
        try await withDemo(engine) { app in
            _ = try await ReferenceData.load(on: app.db)
            // The demo's codes, loaded without the reference data, are the ones the SIRENs give.
            for organisation in try await OrganisationModel.query(on: app.db).all() {
                guard let siren = organisation.siren else { continue }
                let derived = try await ReferenceData.departement(ofSiren: siren, on: app.db)
                #expect(derived != nil && organisation.departementCode == derived, "\(organisation.name)")
            }
            let token = try await app.token("agent.sezanne.ville@demo.pacte.fr")
            let commune = try await app.call(.POST, "/api/v1/organisations", token: token, json: #"{"name": "Ville de Dijon", "kind": "commune", "siren": "212102313"}"#)
            #expect(try commune.status == .created && (json(commune) as? [String: Any])?["departementCode"] as? String == "21", "\(commune.body.string)")
            let conflict = try await app.call(.POST, "/api/v1/organisations", token: token,
                                              json: #"{"name": "Ville de Talant", "kind": "commune", "siren": "212106173", "departementCode": "52"}"#)
            #expect(try conflict.status == .unprocessableEntity && (problemDetail(conflict).field) == "departementCode")
            #expect(try problemDetail(conflict).detail.contains("département 21") && problemDetail(conflict).detail.contains("« 52 »"))
            let chamber = try await app.call(.POST, "/api/v1/organisations", token: token, json: #"{"name": "CCI de Corse-du-Sud", "kind": "cci", "departementCode": "2a"}"#)
            #expect((try json(chamber) as? [String: Any])?["departementCode"] as? String == "2A")
            let unknown = try await app.call(.POST, "/api/v1/organisations", token: token, json: #"{"name": "Nulle part", "kind": "association", "departementCode": "99"}"#)
            #expect(try unknown.status == .unprocessableEntity && (problemDetail(unknown).detail) == "Département inconnu : « 99 » (codes INSEE : 01 à 95, 2A, 2B, 971 à 976).")
            #expect(try await app.call(.GET, "/territoires/departements/99", token: token).status == .notFound)

            // The forms: creation with a typed code, correction that empties it, a reader refused.
            let created = try await app.call(.POST, "/organisations/nouvelle", token: token,
                                             form: ["name": "Initiative Marne", "kind": "association", "departementCode": "51", "siren": "", "shortName": "", "address": ""])
            #expect(created.status == .seeOther || created.status == .found, "\(created.body.string)")
            let initiative = try #require(try await OrganisationModel.query(on: app.db).filter(\.$name == "Initiative Marne").first())
            #expect(initiative.departementCode == "51")
            let admin = try await app.token("admin@demo.pacte.fr")
            #expect(try await app.call(.GET, "/organisations/\(try initiative.requireID())/modifier", token: token).status == .forbidden,
                     "only its members and administrators correct an organisation")
            let edited = try await app.call(.POST, "/organisations/\(try initiative.requireID())/modifier", token: admin,
                                            form: ["name": "Initiative Marne", "departementCode": "", "siren": "", "shortName": "IM", "address": ""])
            #expect(edited.status == .seeOther || edited.status == .found, "\(edited.body.string)")
            let after = try #require(try await OrganisationModel.find(initiative.id, on: app.db))
            #expect(after.departementCode == nil && after.shortName == "IM")
            let wrong = try await app.call(.POST, "/organisations/nouvelle", token: token, form: ["name": "X", "kind": "association", "departementCode": "999"])
            #expect(wrong.status == .unprocessableEntity && wrong.body.string.contains("Département inconnu"))
            let reader = try await app.token("elu.dijon.dijon@demo.pacte.fr")
            #expect(try await app.call(.GET, "/organisations/nouvelle", token: reader).status == .forbidden)
        }
    }

    @Test("Le document OpenAPI décrit les nouvelles routes et leurs réponses réelles", arguments: Engine.available)
    func openAPI(engine: Engine) async throws {
        try await withDemo(engine) { app in
            _ = try await ReferenceData.load(on: app.db)
            _ = try await RegisterFixture.insert(app)
            let document = try #require(try json(try await app.call(.GET, "/api/openapi.json")) as? [String: Any])
            let paths = try #require(document["paths"] as? [String: [String: Any]])
            let parameter = (((paths["/api/v1/departements/{departementCode}"]?["get"] as? [String: Any])?["parameters"] as? [[String: Any]])?.first?["schema"] as? [String: Any])
            #expect(parameter?["format"] == nil && parameter?["type"] as? String == "string")
            let token = try await app.token("admin@demo.pacte.fr")
            for (url, documented) in [
                ("/api/v1/register/movements?epci=242100410&month=2024-02", "/api/v1/register/movements"),
                ("/api/v1/register/movements/closures?epci=242100410&month=2024-02", "/api/v1/register/movements/closures"),
                ("/api/v1/register/workforce?communes=21231,21166&band=NN", "/api/v1/register/workforce"),
                ("/api/v1/departements", "/api/v1/departements"),
                ("/api/v1/departements/51", "/api/v1/departements/{departementCode}"),
                ("/api/v1/organisations?q=Sézanne".addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed)!, "/api/v1/organisations"),
            ] {
                let response = try await app.call(.GET, url, token: token)
                #expect(response.status == .ok, "\(url): \(response.status)")
                let get = try #require(paths[documented]?["get"] as? [String: Any])
                let schema = try #require(((((get["responses"] as? [String: Any])?["200"] as? [String: Any])?["content"] as? [String: Any])?["application/json"] as? [String: Any])?["schema"] as? [String: Any])
                let problems = SchemaCheck.violations(of: try json(response), against: schema, at: url)
                #expect(problems.isEmpty, "\(problems)")
            }
        }
    }
}
