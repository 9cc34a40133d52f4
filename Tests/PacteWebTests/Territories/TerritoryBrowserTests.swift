import Fluent
import Foundation
import PacteCore
import PacteStore
@testable import PacteWeb
import Testing
import Vapor

extension BrowserTests {
    @Test("Registre et départements au navigateur : une intercommunalité par son nom, un mois, la page suivante ; le département ; une organisation",
          arguments: Engine.available)
    func registerAndDepartementsInTheBrowser(engine: Engine) async throws {
        try await withServedPacte(engine) { base, app in
            _ = try await ReferenceData.load(on: app.db)
            let fixture = try await RegisterFixture.insert(app, extraCreations: 55)
            try await Browser.withSession { browser in
                try await browser.signIn(base, email: "agent.sezanne.ville@demo.pacte.fr")
                var report: [String] = []

                // From the navigation to the monthly report, the EPCI typed by its name.
                try await browser.clickAndLoad("nav.site-nav a[href='/registre']")
                #expect(try await browser.text("h1") == "Registre des entreprises")
                report += try await browser.accessibilityViolations().map { "registre vide: \($0)" }
                try await browser.type("#f-epci", "dijon métropole")
                try await browser.type("#f-mois", "02/2024")
                try await browser.clickAndLoad("form.search-form button[type=submit]")
                let status = try await browser.text("main p[role=status]")
                #expect(status == "Dijon Métropole (23 communes), février 2024 : 58 créations et 2 fermetures d'établissements.", "\(status)")
                #expect(try await browser.value("#f-epci") == "Dijon Métropole")
                report += try await browser.accessibilityViolations().map { "registre: \($0)" }
                try await browser.screenshot(to: artefactPath("30-registre-mouvements-\(engine)"))

                // The next page of creations keeps the closures' page and the territory.
                try await browser.clickAndLoad("nav[aria-label='Pages des créations'] a[rel=next]")
                #expect(try await browser.text("nav[aria-label='Pages des créations'] span") == "Page 2 sur 2")
                #expect(try await browser.mainText().contains("Bissextile SARL"))
                #expect(try await browser.mainText().contains(RegisterPages.formatSiret(fixture.sirets["leap-day"]!).replacingOccurrences(of: "\u{00A0}", with: " ")))

                // The workforce list from the link under the report, then a lower band chosen.
                try await browser.clickAndLoad("main a[href^='/registre/effectifs?epci=242100410']")
                try await browser.select("#f-tranche", value: "12")
                try await browser.clickAndLoad("form.search-form button[type=submit]")
                #expect(try await browser.text("main p[role=status]").hasPrefix("Dijon Métropole (23 communes) : 3 établissements ouverts"))
                report += try await browser.accessibilityViolations().map { "effectifs: \($0)" }
                try await browser.screenshot(to: artefactPath("31-registre-effectifs-\(engine)"))

                // A commune code that does not exist: the error next to the field, the text kept.
                try await browser.go("\(base)/registre")
                try await browser.type("#f-communes", "21231, 99999")
                try await browser.clickAndLoad("form.search-form button[type=submit]")
                #expect(try await browser.text("#f-communes-error").contains("« 99999 »"))
                #expect(try await browser.value("#f-communes") == "21231, 99999")
                report += try await browser.accessibilityViolations().map { "registre en erreur: \($0)" }

                // The département of the user's convention, from the navigation.
                try await browser.clickAndLoad("nav.site-nav a[href='/territoires/departements']")
                try await browser.clickAndLoad("main a[href='/territoires/departements/51']")
                #expect(try await browser.text("h1") == "Conventions du département : Marne (51)")
                #expect(try await browser.textContent("main tfoot td.num").contains("59\u{202F}975,00\u{A0}€"))
                report += try await browser.accessibilityViolations().map { "département: \($0)" }
                try await browser.screenshot(to: artefactPath("32-departement-marne-\(engine)"))

                // A chamber added to the directory with its département typed in lower case.
                try await browser.clickAndLoad("nav.site-nav a[href='/organisations']")
                try await browser.clickAndLoad("main a[href='/organisations/nouvelle']")
                try await browser.type("#f-name", "CCI de Corse-du-Sud")
                try await browser.select("#f-kind", value: "cci")
                try await browser.type("#f-departementCode", "2a")
                try await browser.clickAndLoad("form.stacked button[type=submit]")
                #expect(try await browser.mainText().contains("CCI de Corse-du-Sud"))
                report += try await browser.accessibilityViolations().map { "annuaire: \($0)" }
                #expect(report.isEmpty, "\(report.count) violations:\n\(report.prefix(30).joined(separator: "\n"))")
            }
            #expect(try await OrganisationModel.query(on: app.db).filter(\.$name == "CCI de Corse-du-Sud").first()?.departementCode == "2A")
        }
    }
}
