import Fluent
import Foundation
import PacteCore
import PacteStore
@testable import PacteWeb
import SQLKit
import Testing
import Vapor
import VaporTesting

@Suite("Plans des requêtes : aucune lecture complète d'une grande table")
struct QueryPlanTests {
    @Test("Chaque page et chaque route GET de l'API, en administrateur et en partenaire, sans lecture complète", arguments: Engine.available)
    func everyPageUsesIndexes(engine: Engine) async throws {
        try await withDemo(engine) { app in
            var paths = try await PageWalk.accessibilityPaths(app)
            // The searches, filters and periods pages and API take.
            paths += ["/organisations?q=S%C3%A9zanne", "/organisations?q=215104985", "/entreprises?q=martin", "/entreprises?q=123456782",
                      "/aides-de-minimis?du=01/01/2024&au=31/12/2025", "/aides-de-minimis/registre.csv?du=01/01/2024&au=31/12/2025",
                      "/api/v1/conventions?q=Dijon", "/api/v1/conventions?status=signed", "/api/v1/organisations?q=Marne",
                      "/api/v1/organisations?kind=epci", "/api/v1/organisations?siren=215104985", "/api/v1/companies?q=martin"]
            // The PDF prints the printable page (walked) through Chromium.
            let routes = try await PageWalk.routePaths(app, skipping: [])
            #expect(routes.unknownParameters.isEmpty, "route parameters the walk does not fill: \(routes.unknownParameters.sorted())")
            paths += routes.paths.filter { !paths.contains($0) && !$0.hasSuffix("/convention.pdf") }
            let tokens = [try await app.token("admin@demo.pacte.fr"), try await app.token("agent.sezanne.ccim@demo.pacte.fr")]

            let log = StatementLog()
            var failed: [String] = []
            var answered = 0
            try await log.recording(app) {
                for token in tokens {
                    for path in paths {
                        let response = try await app.call(.GET, path, token: token)
                        if response.status.code >= 500 { failed.append("\(path): \(response.status)") }
                        if response.status == .ok { answered += 1 }
                    }
                }
            }
            #expect(failed.isEmpty, "\(failed)")
            // The walk reaches the pages themselves, not only their « not found »: the administrator sees them all.
            #expect(answered > paths.count, "\(answered) pages answered for \(paths.count) addresses walked twice")
            #expect(paths.count > 300)
            #expect(log.statements.count > 1000, "the drivers' statements were recorded")

            let report = try await QueryPlans.check(log.statements, on: app.db)
            print("[\(engine)] \(paths.count) adresses, \(log.statements.count) requêtes, \(report.explained) distinctes expliquées, \(report.allowed.count) lectures complètes admises")
            #expect(report.explained > 100)
            #expect(report.isClean, "\(report)")
        }
    }

    @Test("La recherche d'entreprises, lue par les index, trouve ce qu'elle trouvait", arguments: Engine.available)
    func companySearch(engine: Engine) async throws {
        try await withDemo(engine) { app in
            let admin = try await app.token("admin@demo.pacte.fr")
            let martin = try await app.call(.POST, "/api/v1/companies", token: admin, json: #"{"siret":"12345678200010","name":"Boulangerie Martin"}"#)
            let martinID = try #require((try json(martin) as? [String: Any])?["id"] as? String)
            _ = try await app.call(.POST, "/api/v1/companies/\(martinID)/establishments", token: admin, json: #"{"siret":"12345678200028"}"#)
            _ = try await app.call(.POST, "/api/v1/companies", token: admin, json: #"{"siret":"98765432400001","name":"Épicerie de Sézanne"}"#)
            func names(_ search: String?) async throws -> [String] {
                try await PageQueries.companies(search: search, on: app.db).map(\.name)
            }
            #expect(try await names(nil) == ["Boulangerie Martin", "Épicerie de Sézanne"])
            #expect(try await names(nil).count == 2)
            // Words, without case or accents.
            #expect(try await names("EPICERIE de sézanne") == ["Épicerie de Sézanne"])
            #expect(try await names("martin") == ["Boulangerie Martin"])
            // A SIREN, a SIRET (of the second establishment), a few digits of a SIREN or of a SIRET's NIC.
            #expect(try await names("123 456 782") == ["Boulangerie Martin"])
            #expect(try await names("12345678200028") == ["Boulangerie Martin"])
            #expect(try await names("5432") == ["Épicerie de Sézanne"])
            #expect(try await names("00028") == ["Boulangerie Martin"])
            #expect(try await names("boucherie").isEmpty)
            // The list is cut at its limit, first names first.
            #expect(try await PageQueries.companies(search: nil, on: app.db, limit: 1).map(\.name) == ["Boulangerie Martin"])
            #expect(try await PageQueries.companies(search: nil, on: app.db).first?.establishments.count == 2, "establishments loaded")
        }
    }

    @Test("Le contrôle voit une lecture complète, et un index qui l'évite", arguments: Engine.available)
    func checkerSeesFullReads(engine: Engine) async throws {
        try await withDemo(engine) { app in
            let log = StatementLog()
            try await log.recording(app) {
                // No index on a label: the whole table is read.
                _ = try await InterventionModel.query(on: app.db).filter(\.$label == "Circuits courts").all()
                // The interventions of one convention: through the index on convention_id.
                _ = try await InterventionModel.query(on: app.db).filter(\.$convention.$id == UUID()).all()
            }
            #expect(log.statements.count == 2)
            #expect(log.statements.first?.binds.count == 1, "the binds are recorded")
            let report = try await QueryPlans.check(log.statements, on: app.db)
            #expect(report.explained == 2)
            #expect(report.failures.isEmpty, "\(report)")
            #expect(report.findings.map(\.tables) == [["interventions"]], "\(report)")
            #expect(report.findings.first?.statement.sql.contains("label") == true)

            // An allowance with its reason takes the finding out.
            let allowed = try await QueryPlans.check(log.statements, on: app.db, allowances: [
                .init(table: "interventions", fragment: "\"label\"", reason: "test"),
            ])
            #expect(allowed.findings.isEmpty && allowed.allowed.map(\.reason) == ["test"])
        }
    }
}
