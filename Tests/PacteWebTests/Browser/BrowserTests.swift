import Fluent
import Foundation
import PacteCore
import PacteStore
@testable import PacteWeb
import Testing
import Vapor

/// Pacte served on a real port of the loopback, for a real browser.
func withServedPacte<T>(_ engine: Engine, settings: PacteSettings = PacteSettings(bcryptCost: 4),
                        _ body: (String, Application) async throws -> T) async throws -> T {
    try await exclusively { try await withFreshDatabase(engine) { fixture in
        try await withPacte(fixture.location, settings: settings) { app in
            try await app.server.start(address: .hostname("127.0.0.1", port: 0))
            do {
                let port = try #require(app.http.server.shared.localAddress?.port)
                let result = try await body("http://127.0.0.1:\(port)", app)
                await app.server.shutdown()
                return result
            } catch {
                await app.server.shutdown()
                throw error
            }
        }
    } }
}

/// Where screenshots go: `PACTE_TEST_ARTEFACTS` (scripts/test sets `artifacts/`), else a temporary folder.
func artefactPath(_ name: String) -> String {
    let folder = ProcessInfo.processInfo.environment["PACTE_TEST_ARTEFACTS"] ?? FileManager.default.temporaryDirectory.appendingPathComponent("pacte-artefacts").path
    return "\(folder)/screenshots/\(name).png"
}

extension Browser {
    func signIn(_ base: String, email: String, password: String = demoPassword) async throws {
        try await go("\(base)/connexion")
        try await type("#f-email", email)
        try await type("#f-password", password)
        try await clickAndLoad("form.stacked button[type=submit]")
        try await waitFor(".user-box", timeout: .seconds(10))
    }

    /// Clicks something that leads to another page and waits until that page has loaded: a mark left
    /// on the old document must be gone (a new document) and the new one complete. Waiting for an
    /// element instead could find it on the old page while the navigation is still under way.
    func clickAndLoad(_ css: String, timeout: Duration = .seconds(30)) async throws {
        try await run("window.__pacteOldPage = true")
        try await click(css)
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        while clock.now < deadline {
            let loaded: Bool = (try? await execute("return window.__pacteOldPage === undefined && document.readyState === 'complete'")) ?? false
            if loaded { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw BrowserError("`\(css)` did not lead to a new page within \(timeout) (still on \((try? await currentURL) ?? "?"))")
    }

    /// The exact text of an element, keeping the no-break spaces of French figures (WebDriver's own
    /// text command turns them into plain spaces).
    func textContent(_ css: String) async throws -> String {
        try await execute("return document.querySelector(arguments[0]).textContent", [css])
    }

    /// The visible text of the page's main region.
    func mainText() async throws -> String { try await text("main") }
}

@Suite("Navigateur : Chromium sans interface, via WebDriver", .serialized, .enabled(if: Browser.isInstalled || Browser.isRequired))
struct BrowserTests {
    @Test("Créer une convention à deux parties, une action à deux lignes et trois financeurs, voir les totaux par financeur", arguments: Engine.available)
    func createConventionEndToEnd(engine: Engine) async throws {
        try await withServedPacte(engine) { base, app in
            let ville = try #require(try await OrganisationModel.query(on: app.db).filter(\.$name == "Ville de Sézanne").first()?.id)
            let region = try #require(try await OrganisationModel.query(on: app.db).filter(\.$name == "Région Grand Est").first()?.id)
            let ccim = try #require(try await OrganisationModel.query(on: app.db).filter(\.$shortName == "CCIM").first()?.id)
            try await Browser.withSession { browser in
                try await browser.signIn(base, email: "agent.sezanne.ccim@demo.pacte.fr")
                #expect(try await browser.text("h1") == "Tableau de bord")
                try await browser.screenshot(to: artefactPath("01-tableau-de-bord-\(engine)"))

                // A new convention, drafted for the CCIM (its only writable organisation, chosen already).
                try await browser.clickAndLoad("a[href='/conventions/nouvelle']")
                try await browser.waitFor("#f-title")
                try await browser.type("#f-title", "Convention d'essai navigateur")
                try await browser.type("#f-startsOn", "01/01/2026")
                try await browser.type("#f-endsOn", "31/12/2027")
                try await browser.clickAndLoad("form.stacked button[type=submit]")
                try await browser.waitFor(".notice.ok")
                #expect(try await browser.text("h1") == "Convention d'essai navigateur")
                let conventionURL = try await browser.currentURL.components(separatedBy: "?")[0]

                // The second party: the Ville de Sézanne, signatory and funder.
                try await browser.clickAndLoad("a[href$='/parties/nouvelle']")
                try await browser.select("#f-organisationID", value: ville.uuidString)
                try await browser.click("#f-roles-funder")
                try await browser.clickAndLoad("form.stacked button[type=submit]")
                try await browser.waitFor(".notice.ok")
                let parties = try await browser.text("#parties + .table-wrap tbody")
                #expect(parties.contains("Ville de Sézanne") && parties.contains("Chambre de commerce"))

                // An action with two cost lines.
                try await browser.clickAndLoad("a[href$='/actions/nouvelle']")
                try await browser.type("#f-code", "1.a")
                try await browser.type("#f-title", "Diagnostics numériques")
                try await browser.clickAndLoad("form.stacked button[type=submit]")
                try await browser.waitFor(".notice.ok")
                let actionURL = try await browser.currentURL.components(separatedBy: "?")[0]
                try await addLine(browser, label: "Diagnostic Digipilote", pricing: "quantity", quantity: "5", price: "650 €")
                try await addLine(browser, label: "Animation d'ateliers", pricing: "days", quantity: "3", price: "700,00")

                // An unreadable amount: a French error next to its field, and nothing saved.
                let lines = try await CostLineModel.query(on: app.db).count()
                let events = try await AuditEventModel.query(on: app.db).count()
                try await browser.go(actionURL + "/lignes/nouvelle")
                try await browser.type("#f-label", "Ligne fautive")
                try await browser.type("#f-quantity", "2")
                try await browser.type("#f-unitPrice", "12,345 €")
                // Leaving the field asks the server at once (progressive enhancement)…
                try await browser.pressTab()
                try await browser.waitFor("#f-unitPrice-error")
                #expect(try await browser.text("#f-unitPrice-error").contains("Montant illisible"))
                // …and submitting anyway gets the same answer from the form's own validation.
                try await browser.clickAndLoad("form.stacked button[type=submit]")
                try await browser.waitFor("#f-unitPrice-error")
                let error = try await browser.text("#f-unitPrice-error")
                #expect(error.contains("Montant illisible"), "\(error)")
                #expect(try await browser.attribute("#f-unitPrice", "aria-invalid") == "true")
                #expect(try await browser.value("#f-unitPrice") == "12,345 €", "what was typed stays in the field")
                #expect(try await browser.text("#erreurs").contains("Rien n'a été enregistré"))
                try await browser.screenshot(to: artefactPath("02-erreur-montant-\(engine)"))
                #expect(try await CostLineModel.query(on: app.db).count() == lines)
                #expect(try await AuditEventModel.query(on: app.db).count() == events)

                // Three funders: the CCIM half, the Ville 1 000 €, the Région the rest.
                try await browser.go(actionURL)
                try await addShare(browser, funder: ccim, kind: "percentage", rate: "50 %")
                try await addShare(browser, funder: ville, kind: "fixed", amount: "1 000 €")
                try await addShare(browser, funder: region, kind: "remainder")
                #expect(try await browser.textContent("#cout-action") == HTMLText.french("5 350,00 €"))
                try await browser.screenshot(to: artefactPath("03-fiche-action-\(engine)"))

                try await browser.go(conventionURL)
                let totals = try await browser.execute(
                    "return Array.from(document.querySelectorAll('tfoot td[data-funder]')).map(td => td.dataset.funder + '=' + td.textContent)") as [String]
                #expect(Set(totals) == Set([("CCIM", "2 675,00 €"), ("Ville de Sézanne", "1 000,00 €"), ("Région GE", "1 675,00 €")].map { "\($0.0)=\(HTMLText.french($0.1))" }),
                        "\(totals)")
                #expect(try await browser.textContent("#total-cost") == HTMLText.french("5 350,00 €"))
                try await browser.screenshot(to: artefactPath("04-convention-creee-\(engine)"))

                // Keyboard: the first Tab reaches the skip link, which leads to the content.
                try await browser.pressTab()
                #expect(try await browser.activeElementDescription().contains("Aller au contenu"))
            }
        }
    }

    func addLine(_ browser: Browser, label: String, pricing: String, quantity: String, price: String) async throws {
        try await browser.clickAndLoad("a[href$='/lignes/nouvelle']")
        try await browser.type("#f-label", label)
        try await browser.select("#f-pricing", value: pricing)
        try await browser.type("#f-quantity", quantity)
        try await browser.type("#f-unitPrice", price)
        try await browser.clickAndLoad("form.stacked button[type=submit]")
        try await browser.waitFor(".notice.ok")
    }

    func addShare(_ browser: Browser, funder: UUID, kind: String, rate: String? = nil, amount: String? = nil) async throws {
        try await browser.clickAndLoad("a[href$='/parts/nouvelle']")
        try await browser.select("#f-funderID", value: funder.uuidString)
        try await browser.select("#f-kind", value: kind)
        if let rate { try await browser.type("#f-rate", rate) }
        if let amount { try await browser.type("#f-amount", amount) }
        try await browser.clickAndLoad("form.stacked button[type=submit]")
        try await browser.waitFor(".notice.ok")
    }

    @Test("La convention de Sézanne : totaux 17 900 / 14 375 / 10 700 / 17 000 €, ligne 3.c signalée, version imprimable et PDF", arguments: Engine.available)
    func sezanneInTheBrowser(engine: Engine) async throws {
        try await withServedPacte(engine) { base, app in
            let sezanne = try await app.conventionID(titled: "seed 000")
            try await Browser.withSession { browser in
                try await browser.signIn(base, email: "agent.sezanne.ville@demo.pacte.fr")
                try await browser.go("\(base)/conventions/\(sezanne)")
                let totals = try await browser.execute(
                    "return Array.from(document.querySelectorAll('tfoot td[data-funder]')).map(td => td.textContent)") as [String]
                for figure in ["17 900,00 €", "14 375,00 €", "10 700,00 €", "17 000,00 €"].map(HTMLText.french) {
                    #expect(totals.contains(figure), "\(figure) not in \(totals)")
                }
                let flagged = try await browser.execute(
                    "return Array.from(document.querySelectorAll('table.financing tr.flagged th')).map(th => th.textContent)") as [String]
                #expect(flagged.count == 1 && flagged[0].contains("3.c Communication") && flagged[0].contains("écart"), "\(flagged)")
                try await browser.screenshot(to: artefactPath("05-sezanne-\(engine)"))
                try await browser.run("document.getElementById('financement').scrollIntoView()")
                try await browser.screenshot(to: artefactPath("05b-sezanne-plan-de-financement-\(engine)"))
                try await browser.go("\(base)/conventions/\(sezanne)/imprimer")
                #expect(try await browser.mainText().contains("Annexe — Plan de financement"))
                try await browser.screenshot(to: artefactPath("06-sezanne-imprimable-\(engine)"))
            }
            // The PDF goes through the same headless Chromium.
            let token = try await app.token("agent.sezanne.ville@demo.pacte.fr")
            let pdf = try await app.call(.GET, "/conventions/\(sezanne)/convention.pdf", token: token)
            #expect(pdf.status == .ok)
            #expect(pdf.headers.contentType == HTTPMediaType(type: "application", subType: "pdf"))
            #expect(Data(pdf.body.readableBytesView).starts(with: Array("%PDF".utf8)))
        }
    }

    @Test("Au clavier seul : l'ordre de tabulation de la connexion, puis la connexion par la touche Entrée", arguments: [Engine.sqlite])
    func keyboardOnly(engine: Engine) async throws {
        try await withServedPacte(engine) { base, _ in
            try await Browser.withSession { browser in
                try await browser.go("\(base)/connexion")
                var order: [String] = []
                for _ in 0..<5 {
                    try await browser.pressTab()
                    order.append(try await browser.activeElementDescription())
                }
                #expect(order.count == 5)
                #expect(order[0].contains("Aller au contenu"), "\(order)")
                #expect(order[1] == "a \"Pacte\"", "\(order)")
                #expect(order[2].hasPrefix("input#f-email"), "\(order)")
                #expect(order[3].hasPrefix("input#f-password"), "\(order)")
                #expect(order[4].hasPrefix("button") && order[4].contains("Se connecter"), "\(order)")
                // Typing goes to the focused field; Enter submits the form.
                try await browser.type("#f-email", "agent.sezanne.ville@demo.pacte.fr")
                try await browser.type("#f-password", demoPassword + "\u{E007}")
                try await browser.waitFor(".user-box", timeout: .seconds(10))
                #expect(try await browser.text("h1") == "Tableau de bord")
            }
        }
    }

    @Test("Contrôle d'accessibilité de chaque page (libellés, titres, contrastes, langue, tableaux)", arguments: Engine.available)
    func accessibilityOfEveryPage(engine: Engine) async throws {
        try await withServedPacte(engine) { base, app in
            let paths = try await PageWalk.accessibilityPaths(app)
            try await Browser.withSession { browser in
                try await browser.go("\(base)/connexion")
                var report: [String] = try await browser.accessibilityViolations().map { "/connexion: \($0)" }
                try await browser.signIn(base, email: "admin@demo.pacte.fr")
                try await browser.screenshot(to: artefactPath("00-tableau-de-bord-administrateur-\(engine)"))
                for path in paths {
                    try await browser.go(base + path)
                    report += try await browser.accessibilityViolations().map { "\(path): \($0)" }
                    if path == "/prestations" { try await browser.screenshot(to: artefactPath("08-prestations-\(engine)")) }
                    if path.hasPrefix("/entreprises/") { try await browser.screenshot(to: artefactPath("09-entreprise-\(engine)")) }
                }
                // A form that came back with errors: every error tied to its field.
                try await browser.go(base + "/conventions/nouvelle")
                try await browser.type("#f-dayRate", "douze euros")
                try await browser.clickAndLoad("form.stacked button[type=submit]")
                try await browser.waitFor("#erreurs")
                report += try await browser.accessibilityViolations().map { "formulaire en erreur: \($0)" }
                #expect(report.isEmpty, "\(report.count) violations:\n\(report.prefix(40).joined(separator: "\n"))")
                #expect(paths.count > 60)
            }
            // The narrow window of a tablet.
            try await Browser.withSession(width: 768, height: 1024) { tablet in
                try await tablet.signIn(base, email: "agent.sezanne.ccim@demo.pacte.fr")
                let sezanne = try await app.conventionID(titled: "seed 000")
                try await tablet.go("\(base)/conventions/\(sezanne)")
                let report = try await tablet.accessibilityViolations()
                #expect(report.isEmpty, "tablette : \(report)")
                try await tablet.screenshot(to: artefactPath("07-tablette-\(engine)"))
            }
        }
    }
}
