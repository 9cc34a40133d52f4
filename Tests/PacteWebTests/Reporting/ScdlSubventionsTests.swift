import CSV
import Fluent
import Foundation
import PacteCore
import PacteStore
@testable import PacteWeb
import Testing
import Vapor
import VaporTesting

@Suite("Export SCDL « Subventions » : colonnes et formats du schéma")
struct ScdlSubventionsTests {
    /// The schema's rules (schema.data.gouv.fr, scdl/subventions 2.1), written here from the schema,
    /// independently of the export's code.
    static func violations(_ rows: [[String]]) -> [String] {
        let columns = ["nomAttribuant", "idAttribuant", "dateConvention", "referenceDecision", "nomBeneficiaire", "idBeneficiaire",
                       "rnaBeneficiaire", "objet", "montant", "nature", "conditionsVersement", "datesPeriodeVersement", "idRAE",
                       "notificationUE", "pourcentageSubvention", "dispositifAide"]
        guard rows.first == columns else { return ["en-tête : \(rows.first ?? [])"] }
        let required: Set<String> = ["nomAttribuant", "idAttribuant", "dateConvention", "nomBeneficiaire", "objet", "montant", "nature",
                                     "conditionsVersement", "datesPeriodeVersement", "notificationUE", "pourcentageSubvention"]
        func matches(_ value: String, _ pattern: String) -> Bool { value.range(of: "^" + pattern + "$", options: .regularExpression) != nil }
        let date = #"\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])"#
        var problems: [String] = []
        for (index, row) in rows.dropFirst().enumerated() {
            guard row.count == columns.count else { problems.append("ligne \(index + 2) : \(row.count) colonnes"); continue }
            let value = Dictionary(uniqueKeysWithValues: zip(columns, row))
            for name in required where value[name]!.isEmpty { problems.append("ligne \(index + 2) : \(name) vide") }
            if !matches(value["idAttribuant"]!, #"\d{14}"#) { problems.append("ligne \(index + 2) : idAttribuant") }
            if !value["idBeneficiaire"]!.isEmpty, !matches(value["idBeneficiaire"]!, #"\d{14}"#) { problems.append("ligne \(index + 2) : idBeneficiaire") }
            if !matches(value["dateConvention"]!, date) { problems.append("ligne \(index + 2) : dateConvention") }
            if !matches(value["montant"]!, #"\d+(\.\d+)?"#) { problems.append("ligne \(index + 2) : montant") }
            if !value["nature"]!.split(separator: ";").allSatisfy({ ["aide en numéraire", "aide en nature"].contains(String($0)) }) {
                problems.append("ligne \(index + 2) : nature")
            }
            if !["unique", "échelonné"].contains(value["conditionsVersement"]!) { problems.append("ligne \(index + 2) : conditionsVersement") }
            if !matches(value["datesPeriodeVersement"]!, "\(date)(_\(date))?(;\(date)(_\(date))?)*") { problems.append("ligne \(index + 2) : datesPeriodeVersement") }
            if !["oui", "non"].contains(value["notificationUE"]!) { problems.append("ligne \(index + 2) : notificationUE") }
            if let share = Double(value["pourcentageSubvention"]!), (0...1).contains(share) {} else { problems.append("ligne \(index + 2) : pourcentageSubvention") }
        }
        return problems
    }

    /// A SIRET that passes the Luhn checks, for an organisation that has (or gets) this SIREN.
    static func siret(for siren: String?, from start: Int) throws -> Siret {
        var base = siren
        if base == nil {
            for n in start... where (try? Siren(String(n))) != nil { base = String(n); break }
        }
        for nic in 10...9_999 {
            if let siret = try? Siret(base! + String(format: "%05d", nic)) { return siret }
        }
        throw Abort(.internalServerError)
    }

    @Test("Seed 000 : sans SIRET rien n'est publié ; avec, la Ville et la Région subventionnent la CCIM, lignes conformes au schéma", arguments: Engine.available)
    func seed000(engine: Engine) async throws {
        try await withDemo(engine) { app in
            let admin = try await app.token("admin@demo.pacte.fr")
            func export() async throws -> (rows: [[String]], incomplete: Int) {
                let response = try await app.call(.GET, "/subventions/scdl.csv", token: admin)
                #expect(response.status == .ok)
                let reader = try CSVReader(string: response.body.string, hasHeaderRow: false)
                var rows: [[String]] = []
                while let row = reader.next() { rows.append(row) }
                return (rows, Int(response.headers.first(name: "X-Pacte-Lignes-Incompletes") ?? "") ?? -1)
            }
            let sezanneID = try await app.conventionID(titled: "seed 000")
            let before = try await export()
            #expect(before.rows.count == 1, "the header only: nothing can be published without SIRETs")
            #expect(before.incomplete > 0)

            for (index, name) in ["Ville de Sézanne", "Région Grand Est", "Chambre de commerce et d'industrie territoriale de la Marne"].enumerated() {
                let organisation = try #require(try await OrganisationModel.query(on: app.db).all().first { $0.name.hasPrefix(name) }, "\(name)")
                let siret = try Self.siret(for: organisation.siren?.digits, from: 987_654_000 + 1_000 * index)
                let patched = try await app.call(.PATCH, "/api/v1/organisations/\(organisation.id!)", token: admin, json: #"{"siret":"\#(siret.digits)"}"#)
                #expect(patched.status == .ok, "\(name) \(siret.digits): \(patched.body.string)")
            }
            // The document gives no date: the convention's date is required by the schema.
            #expect(try await app.call(.PATCH, "/api/v1/conventions/\(sezanneID)", token: admin,
                                       json: #"{"signedOn":"2020-06-15","startsOn":"2020-07-01","endsOn":"2021-06-30"}"#).status == .ok)
            let after = try await export()
            #expect(Self.violations(after.rows).isEmpty, "\(Self.violations(after.rows))")
            let sezanne = after.rows.filter { $0.count > 8 && $0[4].hasPrefix("Chambre de commerce et d'industrie territoriale de la Marne") }
            #expect(Set(sezanne.map { "\($0[0])=\($0[8])=\($0[14])" }) == ["Ville de Sézanne=14375.00=0.2397", "Région Grand Est=17000.00=0.2835"], "\(sezanne)")
            let high = try await app.call(.GET, "/subventions/scdl.csv?seuil=23000", token: admin)
            #expect(!high.body.string.contains("Ville de Sézanne"), "the 23 000 € threshold of the décret filters the rows")
        }
    }
}
