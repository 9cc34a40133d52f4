import Fluent
import Foundation
import PacteCore
import PacteStore
@testable import PacteWeb
import Testing
import Vapor
import VaporTesting

/// The HTML pages, in-process on SQLite and PostgreSQL (the browser tests drive the same pages in Chromium).
@Suite("Pages HTML : rendu, formulaires, échappement")
struct PageTests {
    @Test("La convention de Sézanne montre les totaux par financeur du document et signale la ligne 3.c", arguments: Engine.available)
    func sezanneFinancingTable(engine: Engine) async throws {
        try await withDemo(engine) { app in
            let token = try await app.token("agent.sezanne.ville@demo.pacte.fr")
            let sezanne = try await app.conventionID(titled: "seed 000")
            let response = try await app.call(.GET, "/conventions/\(sezanne)", token: token)
            #expect(response.status == .ok)
            let html = response.body.string
            #expect(html.contains("<html lang=\"fr\">"))
            let totals = HTMLText.cells(in: html, matching: "data-funder=")
            for figure in ["17 900,00 €", "14 375,00 €", "10 700,00 €", "17 000,00 €"].map(HTMLText.french) {
                #expect(totals.contains(figure), "missing funder total \(figure) in \(totals)")
            }
            #expect(HTMLText.cells(in: html, matching: "id=\"total-cost\"") == [HTMLText.french("59 975,00 €")])
            let flagged = HTMLText.rows(in: html, withClass: "flagged")
            #expect(flagged.contains { $0.contains("3.c Communication") && $0.contains("⚠") }, "3.c is not flagged: \(flagged)")
            #expect(flagged.filter { $0.contains("Coordination") || $0.contains("2.c") }.isEmpty, "only rows with a gap are flagged")
            #expect(html.contains("sur devis"), "the pending 1.a line is shown as pending")
        }
    }

    @Test("Chaque page répond en français avec un seul titre de niveau 1", arguments: Engine.available)
    func everyPageRenders(engine: Engine) async throws {
        try await withDemo(engine) { app in
            let admin = try await app.token("admin@demo.pacte.fr")
            let company = try await app.call(.POST, "/api/v1/companies", token: admin, json: #"{"siret":"12345678200010","name":"Boulangerie Martin","naf":"10.71C"}"#)
            let companyID = try #require((try json(company) as? [String: Any])?["id"] as? String)
            _ = try await app.call(.POST, "/api/v1/companies/\(companyID)/de-minimis-grants", token: admin, json: #"{"grantedOn":"2025-02-01","amount":"1200","grantor":"CCST"}"#)
            var paths = ["/", "/conventions", "/organisations", "/organisations?q=S%C3%A9zanne", "/organisations?q=215104985", "/conventions/nouvelle",
                         "/prestations", "/entreprises", "/entreprises?q=martin", "/entreprises?q=123456782", "/entreprises/\(companyID)"]
            for convention in try await ConventionModel.query(on: app.db).all() {
                let base = "/conventions/\(try convention.requireID())"
                paths += [base, base + "/imprimer", base + "/modifier", base + "/parties/nouvelle", base + "/actions/nouvelle",
                          base + "/articles/nouvelle", base + "/axes/nouvelle"]
                for article in try await ArticleModel.query(on: app.db).filter(\.$convention.$id == convention.requireID()).all() {
                    paths.append(base + "/articles/\(try article.requireID())/modifier")
                }
                for axis in try await AxisModel.query(on: app.db).filter(\.$convention.$id == convention.requireID()).all() {
                    paths.append(base + "/axes/\(try axis.requireID())/modifier")
                }
                for party in try await ConventionPartyModel.query(on: app.db).filter(\.$convention.$id == convention.requireID()).all() {
                    paths.append(base + "/parties/\(try party.requireID())/modifier")
                }
                let actions = try await ActionModel.query(on: app.db).filter(\.$convention.$id == convention.requireID()).all()
                for action in actions {
                    let actionBase = base + "/actions/\(try action.requireID())"
                    paths += [actionBase, actionBase + "/modifier", actionBase + "/lignes/nouvelle", actionBase + "/parts/nouvelle",
                              actionBase + "/indicateurs/nouvelle"]
                    for line in try await CostLineModel.query(on: app.db).filter(\.$action.$id == action.requireID()).all() {
                        paths.append(actionBase + "/lignes/\(try line.requireID())/modifier")
                    }
                    for share in try await ShareModel.query(on: app.db).filter(\.$action.$id == action.requireID()).all() {
                        paths.append(actionBase + "/parts/\(try share.requireID())/modifier")
                    }
                    for indicator in try await IndicatorModel.query(on: app.db).filter(\.$action.$id == action.requireID()).all() {
                        paths.append(actionBase + "/indicateurs/\(try indicator.requireID())/modifier")
                    }
                }
            }
            #expect(paths.count > 100)
            for path in paths {
                let response = try await app.call(.GET, path, token: admin)
                #expect(response.status == .ok, "\(path): \(response.status)")
                let html = response.body.string
                #expect(html.hasPrefix("<!DOCTYPE html><html lang=\"fr\">"), "\(path)")
                #expect(html.components(separatedBy: "<h1").count == 2, "\(path) has not exactly one h1")
                #expect(!html.contains("Optional("), "\(path) prints a Swift optional")
            }
            for search in ["215104985", "215%20104%20985", "sezanne", "S%C3%89ZANNE"] {
                let directory = try await app.call(.GET, "/organisations?q=\(search)", token: admin).body.string
                #expect(directory.contains("<th scope=\"row\">Ville de Sézanne <a"), "\(search)")
                #expect(directory.contains("1 organisation pour"), "\(search)")
            }
        }
    }

    @Test("Un montant illisible est signalé en français à côté de son champ et rien n'est enregistré", arguments: Engine.available)
    func invalidAmountSavesNothing(engine: Engine) async throws {
        try await withDemo(engine) { app in
            let token = try await app.token("agent.sezanne.ccim@demo.pacte.fr")
            let sezanne = try await app.conventionID(titled: "seed 000")
            let action = try #require(try await ActionModel.query(on: app.db).filter(\.$convention.$id == sezanne).filter(\.$code == "2.b").first())
            let path = "/conventions/\(sezanne)/actions/\(try action.requireID())/lignes/nouvelle"
            let lines = try await CostLineModel.query(on: app.db).count()
            let events = try await app.auditCount()

            let response = try await app.call(.POST, path, token: token, headers: ["Content-Type": "application/x-www-form-urlencoded"],
                                              form: ["label": "Diagnostic complémentaire", "pricing": "quantity", "quantity": "2",
                                                     "unitPrice": "12,345 €", "taxRegime": "HT"])
            #expect(response.status == .unprocessableEntity)
            let html = response.body.string
            let error = try #require(HTMLText.element(in: html, id: "f-unitPrice-error"))
            #expect(error.contains("Montant illisible"), "\(error)")
            #expect(html.contains("aria-describedby=\"f-unitPrice-hint f-unitPrice-error\""))
            #expect(html.contains("aria-invalid=\"true\""))
            #expect(html.contains("value=\"12,345 €\""), "what the user typed is kept")
            #expect(html.contains("value=\"Diagnostic complémentaire\""))
            #expect(try await CostLineModel.query(on: app.db).count() == lines)
            #expect(try await app.auditCount() == events)

            // The same form with a readable amount saves one line and one audit event.
            let saved = try await app.call(.POST, path, token: token, headers: ["Content-Type": "application/x-www-form-urlencoded"],
                                           form: ["label": "Diagnostic complémentaire", "pricing": "quantity", "quantity": "2",
                                                  "unitPrice": "1 400,00 €", "taxRegime": "HT"])
            #expect(saved.status == .seeOther)
            #expect(try await CostLineModel.query(on: app.db).count() == lines + 1)
            #expect(try await app.auditCount() == events + 1)
        }
    }

    @Test("Modifier une partie : au moins un rôle, désignation effacée si le champ est vidé, un événement d'audit", arguments: Engine.available)
    func editParty(engine: Engine) async throws {
        try await withDemo(engine) { app in
            let token = try await app.token("agent.sezanne.ccim@demo.pacte.fr")
            let sezanne = try await app.conventionID(titled: "seed 000")
            let ville = try #require(try await OrganisationModel.query(on: app.db).filter(\.$name == "Ville de Sézanne").first()?.id)
            let party = try #require(try await ConventionPartyModel.query(on: app.db).filter(\.$convention.$id == sezanne)
                .filter(\.$organisation.$id == ville).first())
            let path = "/conventions/\(sezanne)/parties/\(try party.requireID())/modifier"
            let events = try await app.auditCount()

            let refused = try await app.call(.POST, path, token: token, form: ["designation": "la Ville"])
            #expect(refused.status == .unprocessableEntity)
            #expect(HTMLText.element(in: refused.body.string, id: "f-roles-error") == "Cochez au moins un rôle.")
            #expect(try await app.auditCount() == events)

            // Two checked boxes arrive as one repeated field; `+` and percent-escapes are read as the browser sent them.
            var headers = HTTPHeaders()
            headers.bearerAuthorization = BearerAuthorization(token: token)
            headers.contentType = .urlEncodedForm
            let both = try await app.testing().sendRequest(.POST, path, headers: headers,
                                                           body: ByteBuffer(string: "roles=signatory&roles=funder&designation=la+Ville+de+S%C3%A9zanne"))
            #expect(both.status == .seeOther)
            let updated = try #require(try await ConventionPartyModel.find(party.requireID(), on: app.db))
            #expect(updated.roles == [.signatory, .funder])
            #expect(updated.designation == "la Ville de Sézanne")

            let saved = try await app.call(.POST, path, token: token, form: ["roles": "funder", "designation": ""])
            #expect(saved.status == .seeOther)
            let stored = try #require(try await ConventionPartyModel.find(party.requireID(), on: app.db))
            #expect(stored.roles == [.funder])
            #expect(stored.designation == nil)
            #expect(try await app.auditCount() == events + 2)
        }
    }

    @Test("Articles, axes et indicateurs : créés, modifiés (un champ vidé est effacé) et supprimés par formulaire", arguments: Engine.available)
    func articlesAxesIndicators(engine: Engine) async throws {
        try await withDemo(engine) { app in
            let token = try await app.token("agent.sezanne.ccim@demo.pacte.fr")
            let sezanne = try await app.conventionID(titled: "seed 000")
            let base = "/conventions/\(sezanne)"
            let articles = try await ArticleModel.query(on: app.db).filter(\.$convention.$id == sezanne).count()

            let missing = try await app.call(.POST, base + "/articles/nouvelle", token: token, form: ["number": "12", "title": "Litiges"])
            #expect(missing.status == .unprocessableEntity)
            #expect(HTMLText.element(in: missing.body.string, id: "f-body-error") == "Renseignez « Texte ».")
            #expect(try await ArticleModel.query(on: app.db).filter(\.$convention.$id == sezanne).count() == articles)

            let created = try await app.call(.POST, base + "/articles/nouvelle", token: token,
                                             form: ["number": "12", "title": "Litiges", "body": "Le tribunal administratif de Châlons-en-Champagne est compétent."])
            #expect(created.status == .seeOther)
            let article = try #require(try await ArticleModel.query(on: app.db).filter(\.$convention.$id == sezanne).filter(\.$number == "12").first())
            #expect(article.position == articles + 1)
            let edited = try await app.call(.POST, base + "/articles/\(try article.requireID())/modifier", token: token,
                                            form: ["number": "12", "title": "", "body": "Texte revu."])
            #expect(edited.status == .seeOther)
            let stored = try #require(try await ArticleModel.find(article.requireID(), on: app.db))
            #expect(stored.title == nil && stored.body == "Texte revu.")
            #expect(try await app.call(.GET, base, token: token).body.string.contains("Texte revu."))
            #expect(try await app.call(.POST, base + "/articles/\(try article.requireID())/supprimer", token: token, form: [:]).status == .seeOther)
            #expect(try await ArticleModel.find(article.requireID(), on: app.db) == nil)

            #expect(try await app.call(.POST, base + "/axes/nouvelle", token: token, form: ["code": "Axe 4", "title": "Commerce de centre-ville"]).status == .seeOther)
            #expect(try await AxisModel.query(on: app.db).filter(\.$convention.$id == sezanne).filter(\.$code == "Axe 4").count() == 1)

            let action = try #require(try await ActionModel.query(on: app.db).filter(\.$convention.$id == sezanne).filter(\.$code == "2.b").first())
            let actionBase = base + "/actions/\(try action.requireID())"
            let badTarget = try await app.call(.POST, actionBase + "/indicateurs/nouvelle", token: token, form: ["label": "Diagnostics", "target": "cinq"])
            #expect(badTarget.status == .unprocessableEntity)
            #expect(HTMLText.element(in: badTarget.body.string, id: "f-target-error")?.hasPrefix("Quantité illisible") == true)
            #expect(try await app.call(.POST, actionBase + "/indicateurs/nouvelle", token: token,
                                       form: ["label": "Diagnostics", "target": "5", "unit": "entreprises", "year": "2024"]).status == .seeOther)
            let indicator = try #require(try await IndicatorModel.query(on: app.db).filter(\.$action.$id == action.requireID()).filter(\.$label == "Diagnostics").first())
            #expect(indicator.targetText == "5/1")
            let form = try await app.call(.GET, actionBase + "/indicateurs/\(try indicator.requireID())/modifier", token: token).body.string
            #expect(form.contains("value=\"5\""))
        }
    }

    @Test("Sans session, une page renvoie vers la connexion puis revient", arguments: [Engine.sqlite])
    func anonymousIsSentToSignIn(engine: Engine) async throws {
        try await withDemo(engine) { app in
            let response = try await app.call(.GET, "/conventions?tri=titre")
            #expect(response.status == .seeOther)
            #expect(response.headers.first(name: .location) == "/connexion?retour=%2Fconventions%3Ftri%3Dtitre")
            let signIn = try await app.call(.GET, "/connexion?retour=//ailleurs.example")
            #expect(signIn.body.string.contains("name=\"retour\" value=\"/\""), "a foreign return address is dropped")
            #expect(SignInPages.safeReturn("https://ailleurs.example") == "/")
            #expect(SignInPages.safeReturn("/conventions") == "/conventions")
        }
    }

    @Test("Le texte saisi par un utilisateur est échappé dans les pages et les attributs", arguments: [Engine.sqlite])
    func userTextIsEscaped(engine: Engine) async throws {
        try await withDemo(engine) { app in
            let token = try await app.token("agent.sezanne.ccim@demo.pacte.fr")
            let title = #"Test "><script>alert(1)</script> & 'co'"#
            let body = try JSONSerialization.data(withJSONObject: ["title": title])
            let created = try await app.call(.POST, "/api/v1/conventions", token: token, json: String(decoding: body, as: UTF8.self))
            #expect(created.status == .created)
            let id = try #require((try json(created) as? [String: Any])?["id"] as? String)
            for path in ["/conventions/\(id)", "/conventions/\(id)/modifier", "/"] {
                let html = try await app.call(.GET, path, token: token).body.string
                #expect(!html.contains("<script>alert"), "\(path) lets a script through")
                #expect(!html.contains(#""><script"#), "\(path) breaks out of an attribute")
            }
            let form = try await app.call(.GET, "/conventions/\(id)/modifier", token: token).body.string
            #expect(form.contains("value=\"Test &quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt; &amp; &#39;co&#39;\""))
        }
    }

    @Test("Connexion par formulaire : jeton anti-falsification exigé, session, déconnexion", arguments: [Engine.sqlite])
    func signInByForm(engine: Engine) async throws {
        try await withDemo(engine) { app in
            let page = try await app.call(.GET, "/connexion")
            let loginCookie = try #require(page.headers.setCookie?["pacte_connexion"]?.string)
            let token = try #require(page.body.string.components(separatedBy: "name=\"_csrf\" value=\"").dropFirst().first?.components(separatedBy: "\"").first)
            #expect(token == loginCookie)

            // Without the form's token: refused, and the password is not sent back into the page.
            let forged = try await app.call(.POST, "/connexion", form: ["email": "agent.sezanne.ville@demo.pacte.fr", "password": demoPassword])
            #expect(forged.status == .forbidden)
            #expect(forged.body.string.contains("Le formulaire a expiré"))
            #expect(!forged.body.string.contains(demoPassword))

            let wrong = try await app.call(.POST, "/connexion", headers: ["Cookie": "pacte_connexion=\(token)"],
                                           form: ["_csrf": token, "email": "agent.sezanne.ville@demo.pacte.fr", "password": "pas le bon mot de passe"])
            #expect(wrong.status == .unauthorized)
            #expect(wrong.body.string.contains("Adresse électronique ou mot de passe incorrect."))
            #expect(wrong.body.string.contains("value=\"agent.sezanne.ville@demo.pacte.fr\""), "the address typed is kept")

            let signedIn = try await app.call(.POST, "/connexion", headers: ["Cookie": "pacte_connexion=\(token)"],
                                              form: ["_csrf": token, "email": "agent.sezanne.ville@demo.pacte.fr", "password": demoPassword, "retour": "/organisations"])
            #expect(signedIn.status == .seeOther)
            #expect(signedIn.headers.first(name: .location) == "/organisations")
            let session = try #require(signedIn.headers.setCookie?["pacte_session"]?.string)
            let cookie: HTTPHeaders = ["Cookie": "pacte_session=\(session)"]
            let home = try await app.call(.GET, "/", headers: cookie)
            #expect(home.status == .ok)
            let csrf = try #require(home.body.string.components(separatedBy: "name=\"_csrf\" value=\"").dropFirst().first?.components(separatedBy: "\"").first)

            // A cookie-authenticated form without the session's token is refused with a French page.
            let sezanne = try await app.conventionID(titled: "seed 000")
            let noToken = try await app.call(.POST, "/conventions/\(sezanne)/modifier", headers: cookie, form: ["title": "Piratée", "status": "draft", "taxRegime": "HT"])
            #expect(noToken.status == .forbidden)
            #expect(noToken.headers.contentType?.subType == "html")
            #expect(noToken.body.string.contains("Jeton anti-falsification"))
            #expect(try await ConventionModel.find(sezanne, on: app.db)?.title != "Piratée")

            let out = try await app.call(.POST, "/deconnexion", headers: cookie, form: ["_csrf": csrf])
            #expect(out.headers.first(name: .location) == "/connexion?fin=1")
            #expect(try await app.call(.GET, "/", headers: cookie).status == .seeOther, "the session is gone")
        }
    }

    @Test("Un élu lit la convention sans bouton d'écriture et ses formulaires lui sont refusés ; un tiers ne la voit pas", arguments: [Engine.sqlite])
    func readersAndOutsiders(engine: Engine) async throws {
        try await withDemo(engine) { app in
            let reader = try await app.token("elu.sezanne.ccim@demo.pacte.fr")
            let sezanne = try await app.conventionID(titled: "seed 000")
            let page = try await app.call(.GET, "/conventions/\(sezanne)", token: reader)
            #expect(page.status == .ok)
            #expect(!page.body.string.contains("Modifier la convention"))
            #expect(!page.body.string.contains(">Retirer<"))
            let form = try await app.call(.GET, "/conventions/\(sezanne)/modifier", token: reader)
            #expect(form.status == .forbidden)
            #expect(form.body.string.contains("Votre rôle (lecteur) ne permet que la lecture."))
            let outsider = try await app.token("agent.dijon.dijon@demo.pacte.fr")
            let hidden = try await app.call(.GET, "/conventions/\(sezanne)", token: outsider)
            #expect(hidden.status == .notFound)
            #expect(hidden.body.string.contains("Convention introuvable."))
        }
    }

    @Test("La vérification d'un champ à la volée répond en français avec le même analyseur que l'enregistrement")
    func fieldCheck() {
        #expect(FieldCheck.check(kind: "amount", value: "1 400,00 €").ok)
        let refused = FieldCheck.check(kind: "amount", value: "1,400 €")
        #expect(!refused.ok)
        #expect(refused.message?.hasPrefix("Montant illisible") == true)
        #expect(!FieldCheck.check(kind: "date", value: "31/02/2024").ok)
        #expect(FieldCheck.check(kind: "date", value: "24/12/2020").normalized == "24/12/2020")
        #expect(FieldCheck.check(kind: "rate", value: "33,33").normalized == HTMLText.french("33,33 %"))
        #expect(!FieldCheck.check(kind: "quantity", value: "-2").ok)
    }

    @Test("Les couleurs de texte de la feuille de style ont un contraste d'au moins 4,5:1 sur leurs fonds")
    func stylesheetContrast() throws {
        let css = StaticAssets.stylesheet
        let colours = ColourContrast.customProperties(in: css)
        #expect(colours.count >= 15)
        // Pairs that no single rule declares together (text inherits its colour; the background is the page's).
        var pairs: [(String, String)] = [("ink", "paper"), ("ink", "panel"), ("ink", "stripe"), ("ink", "error-soft"),
                                         ("muted", "paper"), ("muted", "panel"), ("muted", "stripe"), ("muted", "error-soft"),
                                         ("accent", "paper"), ("accent", "stripe"), ("accent", "panel"), ("accent", "error-soft"),
                                         ("accent-dark", "paper"), ("error", "paper"), ("error", "stripe")]
        pairs += ColourContrast.declaredPairs(in: css)
        #expect(pairs.count > 20)
        for (foreground, background) in pairs {
            let fg = try #require(colours[foreground], "--\(foreground) is not defined")
            let bg = try #require(colours[background], "--\(background) is not defined")
            let ratio = ColourContrast.ratio(fg, bg)
            #expect(ratio >= 4.5, "--\(foreground) on --\(background): \(ratio)")
        }
    }
}

/// Just enough HTML reading for assertions (the pages are generated, so their shape is regular).
enum HTMLText {
    /// French number spacing: the narrow no-break space between thousands, the no-break space before € and %.
    static func french(_ text: String) -> String {
        var out = ""
        let characters = Array(text)
        for (index, character) in characters.enumerated() {
            if character == " " {
                let next = index + 1 < characters.count ? characters[index + 1] : " "
                out.append(next == "€" || next == "%" ? "\u{00A0}" : "\u{202F}")
            } else {
                out.append(character)
            }
        }
        return out
    }

    /// Text of the `<td>` elements whose opening tag contains `marker`.
    static func cells(in html: String, matching marker: String) -> [String] {
        html.components(separatedBy: "<td").dropFirst().compactMap { chunk -> String? in
            guard let close = chunk.firstIndex(of: ">"), chunk[..<close].contains(marker) else { return nil }
            let rest = chunk[chunk.index(after: close)...]
            return text(String(rest.components(separatedBy: "</td>")[0]))
        }
    }

    /// Text of the `<tr>` elements with a class.
    static func rows(in html: String, withClass name: String) -> [String] {
        html.components(separatedBy: "<tr class=\"\(name)\"").dropFirst().map { text($0.components(separatedBy: "</tr>")[0]) }
    }

    static func element(in html: String, id: String) -> String? {
        guard let start = html.range(of: "id=\"\(id)\"") else { return nil }
        let rest = html[start.upperBound...]
        guard let close = rest.firstIndex(of: ">") else { return nil }
        return text(String(rest[rest.index(after: close)...].components(separatedBy: "</")[0]))
    }

    static func text(_ fragment: String) -> String {
        fragment.replacingOccurrences(of: "<[^>]+>", with: "", options: .regularExpression)
            .replacingOccurrences(of: "&amp;", with: "&").trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

/// WCAG contrast of the stylesheet's colours.
enum ColourContrast {
    struct RGB { var r, g, b: Double }

    /// `--name: #rrggbb;` declarations.
    static func customProperties(in css: String) -> [String: RGB] {
        var result: [String: RGB] = [:]
        let pattern = try! NSRegularExpression(pattern: "--([a-z-]+):\\s*#([0-9a-fA-F]{6})")
        for match in pattern.matches(in: css, range: NSRange(css.startIndex..., in: css)) {
            let name = String(css[Range(match.range(at: 1), in: css)!])
            let hex = String(css[Range(match.range(at: 2), in: css)!])
            let value = Int(hex, radix: 16)!
            result[name] = RGB(r: Double((value >> 16) & 0xFF), g: Double((value >> 8) & 0xFF), b: Double(value & 0xFF))
        }
        return result
    }

    /// Rules that set both `color: var(--a)` and `background(-color): var(--b)`.
    static func declaredPairs(in css: String) -> [(String, String)] {
        let rule = try! NSRegularExpression(pattern: "\\{([^}]*)\\}")
        let colour = try! NSRegularExpression(pattern: "(?:^|[;\\s])color:\\s*var\\(--([a-z-]+)\\)")
        let background = try! NSRegularExpression(pattern: "background(?:-color)?:\\s*var\\(--([a-z-]+)\\)")
        var pairs: [(String, String)] = []
        for match in rule.matches(in: css, range: NSRange(css.startIndex..., in: css)) {
            let body = String(css[Range(match.range(at: 1), in: css)!])
            let range = NSRange(body.startIndex..., in: body)
            guard let fg = colour.firstMatch(in: body, range: range), let bg = background.firstMatch(in: body, range: range) else { continue }
            pairs.append((String(body[Range(fg.range(at: 1), in: body)!]), String(body[Range(bg.range(at: 1), in: body)!])))
        }
        return pairs
    }

    static func luminance(_ c: RGB) -> Double {
        func channel(_ v: Double) -> Double {
            let s = v / 255
            return s <= 0.03928 ? s / 12.92 : pow((s + 0.055) / 1.055, 2.4)
        }
        return 0.2126 * channel(c.r) + 0.7152 * channel(c.g) + 0.0722 * channel(c.b)
    }

    static func ratio(_ a: RGB, _ b: RGB) -> Double {
        let (l1, l2) = (luminance(a), luminance(b))
        return (max(l1, l2) + 0.05) / (min(l1, l2) + 0.05)
    }
}
