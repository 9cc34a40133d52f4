import Fluent
import Foundation
import PacteCore
import PacteStore
@testable import PacteWeb
import Testing
import Vapor

extension BrowserTests {
    @Test("Import au navigateur : téléverser seed 003, relire à côté du texte, un montant illisible puis corrigé, la convention en brouillon", arguments: Engine.available)
    func importInTheBrowser(engine: Engine) async throws {
        try await withServedPacte(engine) { base, app in
            let seed = try seedDocument("003")
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("pacte-import-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: folder) }
            let file = folder.appendingPathComponent(seed.name)
            try seed.data.write(to: file)
            let conventions = try await ConventionModel.query(on: app.db).count()
            try await Browser.withSession { browser in
                try await browser.signIn(base, email: "agent.dijon.dijon@demo.pacte.fr")
                try await browser.clickAndLoad("a[href='/imports/nouveau']")
                #expect(try await browser.text("h1") == "Importer un document")
                try await browser.attach("#f-file", file: file.path)
                try await browser.clickAndLoad("form.stacked button[type=submit]")
                try await browser.waitFor("#L556", timeout: .seconds(10))
                #expect(try await browser.text("h1").contains(seed.name))
                #expect(try await ConventionModel.query(on: app.db).count() == conventions, "reading a document creates no convention")
                try await browser.screenshot(to: artefactPath("20-import-relecture-\(engine)"))

                // A finding leads to its line of the text.
                try await browser.click("a[href='#L556']")
                let target: String = try await browser.execute("return (document.querySelector(':target') || {}).id || ''")
                #expect(target == "L556")
                var report = try await browser.accessibilityViolations().map { "relecture: \($0)" }

                // La Fabrik's first line made unreadable: the error next to the field, the value kept.
                let record = try #require(try await DocumentImportModel.query(on: app.db).first())
                let fabrik = try #require(try record.draft.actions.firstIndex { $0.title.contains("FABRIK") })
                let amount = "#f-actions-\(fabrik)-lines-0-amount"
                try await browser.type(amount, "douze")
                try await browser.clickAndLoad(".import-form .form-actions button.secondary")
                try await browser.waitFor("#erreurs")
                #expect(try await browser.value(amount) == "douze")
                #expect(try await browser.text(amount + "-error").contains("Montant illisible"))
                report += try await browser.accessibilityViolations().map { "relecture en erreur: \($0)" }
                try await browser.screenshot(to: artefactPath("21-import-erreur-\(engine)"))
                try await browser.run("document.getElementById('action-\(fabrik)').scrollIntoView()")
                try await browser.screenshot(to: artefactPath("21b-import-action-\(engine)"))
                #expect(report.isEmpty, "\(report.count) violations:\n\(report.prefix(30).joined(separator: "\n"))")

                // Corrected, then saved: the draft convention's page.
                try await browser.type(amount, "71 000,00")
                try await browser.clickAndLoad(".import-form button[formaction$='/enregistrer']")
                try await browser.waitFor(".notice.ok")
                #expect(try await browser.text(".notice.ok").contains("document importé"))
                #expect(try await browser.mainText().contains("LA FABRIK"))
                try await browser.screenshot(to: artefactPath("22-import-convention-\(engine)"))
            }
            #expect(try await ConventionModel.query(on: app.db).count() == conventions + 1)
        }
    }
}
