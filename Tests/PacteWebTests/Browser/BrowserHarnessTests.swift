import Foundation
import Testing

/// Proves the WebDriver harness and the accessibility checker on small self-contained pages.
/// Skipped without Chromium, unless PACTE_TEST_BROWSER=required (scripts/test), where launching fails loudly.
@Suite(.serialized, .enabled(if: Browser.isInstalled || Browser.isRequired))
struct BrowserHarnessTests {
    @Test func accessiblePageHasNoViolation() async throws {
        try await Browser.withSession { browser in
            try await browser.go(dataURL(accessiblePage))
            #expect(try await browser.title == "Page accessible")
            let violations = try await browser.accessibilityViolations()
            #expect(violations == [])
        }
    }

    @Test func eachFaultIsReportedOnce() async throws {
        try await Browser.withSession { browser in
            try await browser.go(dataURL(faultyPage))
            let violations = try await browser.accessibilityViolations()
            let rules = violations.map { String($0.prefix { $0 != ":" }) }
            let expected = ["aria-invalid-description", "contrast", "form-label", "heading-order", "html-lang", "table-caption"]
            #expect(rules.sorted() == expected, "\(violations.joined(separator: "\n"))")
            #expect(violations.contains { $0.hasPrefix("contrast:") && $0.contains("#aaaaaa on #ffffff") })
            #expect(violations.contains { $0.hasPrefix("form-label:") && $0.contains("input#sans-etiquette") })
        }
    }

    @Test func otherRulesAreChecked() async throws {
        try await Browser.withSession { browser in
            try await browser.go(dataURL(otherFaultsPage))
            let violations = try await browser.accessibilityViolations()
            let rules = violations.map { String($0.prefix { $0 != ":" }) }
            let expected = [
                "accessible-name", "accessible-name", "document-title", "duplicate-id", "focus-visible", "img-alt",
                "single-h1", "skip-link", "svg-name", "table-header", "th-scope",
            ]
            #expect(rules.sorted() == expected, "\(violations.joined(separator: "\n"))")
        }
    }

    @Test func drivesARealPage() async throws {
        try await Browser.withSession(width: 800, height: 600) { browser in
            try await browser.go(dataURL(interactivePage))
            #expect(try await browser.currentURL.hasPrefix("data:text/html"))
            #expect(try await browser.source().contains("Saluer"))

            // Keyboard first: on a fresh page the first Tab starts from the top of the document.
            try await browser.pressTab()
            #expect(try await browser.activeElementDescription() == #"a#evitement "Aller au contenu""#)
            try await browser.pressTab()
            #expect(try await browser.activeElementDescription().hasPrefix("input#nom"))
            try await browser.pressTab(backwards: true)
            #expect(try await browser.activeElementDescription().hasPrefix("a#evitement"))

            try await browser.type("#nom", "Camille")
            #expect(try await browser.value("#nom") == "Camille")
            try await browser.click("#saluer")
            #expect(try await browser.text("#sortie") == "Bonjour Camille")

            try await browser.select("#regime", optionText: "Réel")
            #expect(try await browser.value("#regime") == "reel")
            try await browser.select("#regime", value: "micro")
            #expect(try await browser.value("#regime") == "micro")
            #expect(try await browser.attribute("#saluer", "type") == "button")
            #expect(try await browser.attribute("#saluer", "data-absent") == nil)

            let sum: Int = try await browser.execute("return arguments[0] + arguments[1]", [2, 3])
            #expect(sum == 5)
            let tag: String = try await browser.execute("return arguments[0].localName", [browser.find("#saluer")])
            #expect(tag == "button")

            #expect(try await browser.findAll("label").count == 2)
            #expect(try await !browser.exists("#tardif"))
            try await browser.run("setTimeout(() => { const p = document.createElement('p'); p.id = 'tardif'; document.body.append(p) }, 300)")
            try await browser.waitFor("#tardif", timeout: .seconds(3))

            let path = artefactsDirectory().appendingPathComponent("browser-harness.png").path
            try? FileManager.default.removeItem(atPath: path)
            try await browser.screenshot(to: path)
            let png = try Data(contentsOf: URL(fileURLWithPath: path))
            #expect(Array(png.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        }
    }

    @Test func errorsAreExplicit() async throws {
        try await Browser.withSession { browser in
            try await browser.go(dataURL(interactivePage))
            let missing = await #expect(throws: BrowserError.self) { try await browser.find("#introuvable") }
            #expect(missing?.description.contains("#introuvable") == true)
            #expect(missing?.description.contains("data:text/html") == true)

            let failed = await #expect(throws: WebDriverError.self) { try await browser.run("throw new Error('boum')") }
            #expect(failed?.error == "javascript error")
            #expect(failed?.message.contains("boum") == true)

            await browser.quit()
            await browser.quit()
            await #expect(throws: BrowserError.self) { try await browser.go("about:blank") }
        }
    }

    @Test func launchFailsClearlyWithoutChromedriver() async throws {
        let previous = ProcessInfo.processInfo.environment["PACTE_CHROMEDRIVER"]
        setenv("PACTE_CHROMEDRIVER", "/nonexistent/chromedriver", 1)
        defer { if let previous { setenv("PACTE_CHROMEDRIVER", previous, 1) } else { unsetenv("PACTE_CHROMEDRIVER") } }
        let error = await #expect(throws: BrowserError.self) { try await Browser.launch() }
        #expect(error?.description.contains("chromium-driver") == true)
    }
}

private func dataURL(_ html: String) -> String {
    let unreserved = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~")
    return "data:text/html;charset=utf-8," + html.addingPercentEncoding(withAllowedCharacters: unreserved)!
}

private func artefactsDirectory() -> URL {
    let environment = ProcessInfo.processInfo.environment["PACTE_TEST_ARTEFACTS"] ?? ""
    return environment.isEmpty
        ? FileManager.default.temporaryDirectory.appendingPathComponent("pacte-artefacts")
        : URL(fileURLWithPath: environment)
}

private let accessiblePage = """
    <!doctype html>
    <html lang="fr">
    <head>
    <meta charset="utf-8">
    <title>Page accessible</title>
    <style>
    body { font: 16px/1.5 sans-serif; color: #1a1a1a; background: #fff; margin: 0 1rem; }
    .evitement { position: absolute; left: -10000px; }
    .evitement:focus { left: 1rem; top: 1rem; background: #fff; }
    :focus-visible { outline: 3px solid #0b5394; outline-offset: 2px; }
    .bandeau { background: linear-gradient(#ccc, #eee); color: #ddd; }
    .sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
    button { background: #0b5394; color: #fff; border: 0; padding: .5rem 1rem; }
    .erreur { color: #b00020; }
    .discret { color: #595959; }
    .grand { font-size: 24px; color: #808080; }
    </style>
    </head>
    <body>
    <a class="evitement" href="#contenu">Aller au contenu</a>
    <nav aria-label="Principale"><a href="#formulaire">Formulaire <svg aria-hidden="true" width="10" height="10"><circle cx="5" cy="5" r="4"/></svg></a></nav>
    <main id="contenu">
    <h1>Plan de financement</h1>
    <p class="bandeau">Texte sur un dégradé, non évalué</p>
    <h2 id="formulaire">Formulaire</h2>
    <form>
    <label for="nom">Nom</label> <input id="nom" name="nom">
    <label>Montant <input id="montant" aria-invalid="true" aria-describedby="montant-erreur"></label>
    <p id="montant-erreur" class="erreur">Le montant doit être positif.</p>
    <label for="regime">Régime</label> <select id="regime"><option>Micro</option><option value="reel">Réel</option></select>
    <textarea aria-label="Commentaire"></textarea>
    <span id="code-libelle">Code</span> <input aria-labelledby="code-libelle">
    <input type="hidden" name="jeton" value="x">
    <button type="submit">Enregistrer</button>
    <button type="button" aria-label="Fermer">×</button>
    <a href="#contenu"><img src="data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7" alt="Haut de page" width="8" height="8"></a>
    </form>
    <h3>Échéancier</h3>
    <table>
    <caption>Remboursements par année</caption>
    <thead><tr><th>Année</th><th>Montant</th></tr></thead>
    <tbody><tr><th scope="row">2026</th><td>1 000 €</td></tr></tbody>
    </table>
    <h2>Graphique</h2>
    <svg role="img" width="40" height="20"><title>Courbe de trésorerie</title><rect width="40" height="20" fill="#0b5394"/></svg>
    <p class="discret">Texte secondaire <span class="sr-only">lu seulement par les lecteurs d’écran</span></p>
    <p class="grand">Grand texte gris</p>
    </main>
    </body>
    </html>
    """

/// Exactly six faults: no lang, h2 → h4, #aaa on white, an unlabeled input, aria-invalid without message,
/// a table without caption.
private let faultyPage = """
    <!doctype html>
    <html>
    <head>
    <meta charset="utf-8">
    <title>Page fautive</title>
    <style>
    :focus { outline: 2px solid #000; }
    .evitement { position: absolute; left: -10000px; }
    .pale { color: #aaa; }
    </style>
    </head>
    <body>
    <a class="evitement" href="#contenu">Aller au contenu</a>
    <main id="contenu">
    <h1>Titre</h1>
    <h2>Section</h2>
    <h4>Sous-section trop profonde</h4>
    <p class="pale">Texte trop pâle</p>
    <label for="nom">Nom</label> <input id="nom">
    <input id="sans-etiquette">
    <label for="montant">Montant</label> <input id="montant" aria-invalid="true">
    <table><tr><th scope="col">Année</th></tr><tr><td>2026</td></tr></table>
    </main>
    </body>
    </html>
    """

/// No title, two h1, no skip link (the first stop is a nameless button), a link whose only image has no alt,
/// an unlabelled svg, a duplicated id, a table without th, a th without scope, and no focus style.
private let otherFaultsPage = """
    <!doctype html>
    <html lang="fr">
    <head><meta charset="utf-8"><title> </title></head>
    <body>
    <button type="button"></button>
    <h1>Un</h1>
    <h1 id="double">Deux</h1>
    <p id="double">Même id</p>
    <a href="#double"><img src="data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7" width="8" height="8"></a>
    <svg width="10" height="10"><circle cx="5" cy="5" r="4"/></svg>
    <table><caption>Sans en-tête</caption><tr><td>1</td></tr></table>
    <table><caption>En-tête sans portée</caption><tr><th>A</th></tr><tr><td>1</td></tr></table>
    </body>
    </html>
    """

private let interactivePage = """
    <!doctype html>
    <html lang="fr">
    <head><meta charset="utf-8"><title>Interactions</title></head>
    <body>
    <a id="evitement" href="#contenu">Aller au contenu</a>
    <main id="contenu">
    <h1>Essai</h1>
    <label for="nom">Nom</label> <input id="nom" value="ancien">
    <label for="regime">Régime</label>
    <select id="regime" tabindex="-1"><option value="micro">Micro</option><option value="reel">Réel</option></select>
    <button id="saluer" type="button" tabindex="-1"
        onclick="document.getElementById('sortie').textContent = 'Bonjour ' + document.getElementById('nom').value">Saluer</button>
    <p id="sortie">Rien</p>
    </main>
    </body>
    </html>
    """
