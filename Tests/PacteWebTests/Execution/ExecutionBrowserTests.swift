import Fluent
import Foundation
import PacteCore
import PacteStore
@testable import PacteWeb
import Testing
import Vapor

extension BrowserTests {
    @Test("Seed 001 au navigateur : enveloppe, entreprise, prestation prescrite puis acceptée, avis de financement, suivi et registre", arguments: Engine.available)
    func executionInTheBrowser(engine: Engine) async throws {
        try await withServedPacte(engine) { base, app in
            let convention = try await app.conventionID(titled: "seed 001")
            let ccst = try #require(try await OrganisationModel.query(on: app.db).filter(\.$shortName == "CCST").first()?.id)
            let action = try #require(try await ActionModel.query(on: app.db).filter(\.$convention.$id == convention).all().first { $0.code == "FA3" }?.id)
            let service = try #require(try await ServiceModel.query(on: app.db).filter(\.$unitPriceCents == 600_00).first()?.id)
            try await Browser.withSession { browser in
                try await browser.signIn(base, email: "agent.sud-territoire.cma@demo.pacte.fr")
                try await browser.go("\(base)/conventions/\(convention)")
                try await browser.clickAndLoad("a[href$='/execution']")
                #expect(try await browser.text("h1").hasPrefix("Exécution"))

                // The envelope of seed 001: 5 000 € for the CCST.
                try await browser.clickAndLoad("a[href$='/enveloppes/nouvelle']")
                try await browser.type("#f-name", "CCST — prestations CMA")
                try await browser.select("#f-funderID", value: ccst.uuidString)
                try await browser.type("#f-cap", "5 000 €")
                try await browser.clickAndLoad("form.stacked button[type=submit]")
                try await browser.waitFor(".notice.ok")
                #expect(try await browser.textContent("#enveloppes + .table-wrap tbody").contains(HTMLText.french("5 000,00 €")))

                // The company, with a SIRET typed with spaces.
                try await browser.go("\(base)/entreprises/nouvelle")
                try await browser.type("#f-siret", "123 456 782 00010")
                try await browser.type("#f-name", "Boulangerie Martin")
                try await browser.clickAndLoad("form.stacked button[type=submit]")
                try await browser.waitFor(".notice.ok")
                #expect(try await browser.text("h1") == "Boulangerie Martin")
                let company = try #require(try await CompanyModel.query(on: app.db).filter(\.$name == "Boulangerie Martin").first()?.id)

                // Prescribe the 600 € service, then accept the quote.
                try await browser.go("\(base)/conventions/\(convention)/prestations/nouvelle")
                try await browser.select("#f-actionID", value: action.uuidString)
                try await browser.select("#f-companyID", value: company.uuidString)
                try await browser.select("#f-serviceID", value: service.uuidString)
                try await browser.clickAndLoad("form.stacked button[type=submit]")
                try await browser.waitFor(".notice.ok")
                try await browser.screenshot(to: artefactPath("10-execution-devis-\(engine)"))
                try await browser.clickAndLoad("a[href$='/accepter']")
                try await browser.type("#f-date", "01/03/2021")
                try await browser.clickAndLoad("form.stacked button[type=submit]")
                try await browser.waitFor(".notice.ok")
                let row = try await browser.textContent("#prestations + .table-wrap tbody")
                #expect(row.contains("acceptée"), "\(row)")
                #expect(try await browser.textContent("#enveloppes + .table-wrap tbody").contains(HTMLText.french("4 400,00 €")), "5 000 − 600 left")
                #expect(try await browser.textContent("#suivi ~ .table-wrap tbody").contains("mars 2021"))
                try await browser.screenshot(to: artefactPath("11-execution-acceptee-\(engine)"))

                // The funding notice for the company.
                try await browser.clickAndLoad("a[href$='/avis']")
                #expect(try await browser.text("h1") == "Avis de financement")
                #expect(try await browser.mainText().contains("Communauté de Communes du Sud Territoire"))
                try await browser.screenshot(to: artefactPath("12-avis-de-financement-\(engine)"))

                // The company's de minimis statement and the register.
                try await browser.go("\(base)/entreprises/\(company)/attestation-de-minimis?date=2021-12-31")
                #expect(try await browser.textContent("main").contains(HTMLText.french("600,00 €")))
                try await browser.screenshot(to: artefactPath("13-releve-de-minimis-\(engine)"))
                try await browser.go("\(base)/aides-de-minimis?du=01/01/2021&au=31/12/2021")
                #expect(try await browser.mainText().contains("Boulangerie Martin"))
                try await browser.screenshot(to: artefactPath("14-registre-de-minimis-\(engine)"))
            }
        }
    }
}
