import Fluent
import Foundation
import PacteCore
import PacteStore
@testable import PacteWeb
import Testing
import Vapor

extension BrowserTests {
    @Test("Gouvernance au navigateur : le constat du registre de seed 001, une délibération inscrite, un retrait et sa date d'effet", arguments: Engine.available)
    func governanceInTheBrowser(engine: Engine) async throws {
        try await withServedPacte(engine) { base, app in
            let sud = try await app.conventionID(titled: "seed 001")
            let ccst = try #require(try await OrganisationModel.query(on: app.db).filter(\.$shortName == "CCST").first()?.id)
            try await Browser.withSession { browser in
                try await browser.signIn(base, email: "agent.sud-territoire.ccst@demo.pacte.fr")
                try await browser.go("\(base)/conventions/\(sud)")
                try await browser.clickAndLoad("a[href$='/gouvernance']")
                #expect(try await browser.text("h1").hasPrefix("Vie et gouvernance"))
                #expect(try await browser.mainText().contains("Le registre compte 37 votants, mais 31 présents + 7 représentés = 38."))
                try await browser.screenshot(to: artefactPath("15-gouvernance-\(engine)"))

                // A bureau's deliberation typed in: counts, then the verdict and no finding.
                try await browser.clickAndLoad("a[href$='/deliberations/nouvelle']")
                try await browser.select("#f-organisationID", value: ccst.uuidString)
                try await browser.select("#f-body", value: "bureau")
                try await browser.type("#f-sessionDate", "10/03/2021")
                try await browser.type("#f-itemNumber", "B2021-03")
                try await browser.type("#f-subject", "Avenant n° 1 à la convention")
                try await browser.type("#f-membersInOffice", "12")
                try await browser.type("#f-present", "9")
                try await browser.type("#f-represented", "1")
                try await browser.type("#f-votants", "10")
                try await browser.type("#f-votesFor", "8")
                try await browser.type("#f-votesAgainst", "1")
                try await browser.type("#f-abstentions", "1")
                try await browser.clickAndLoad("form.stacked button[type=submit]")
                try await browser.waitFor(".notice.ok")
                let text = try await browser.mainText()
                #expect(text.contains("Communauté de Communes du Sud Territoire — Bureau, séance du 10/03/2021 — délibération n° B2021-03"), "\(text.prefix(400))")
                #expect(text.contains("Délibération adoptée, quorum atteint (9 présents pour 4 requis)."))
                try await browser.screenshot(to: artefactPath("16-deliberation-saisie-\(engine)"))
            }
        }
    }
}
