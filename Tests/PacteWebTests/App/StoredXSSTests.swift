import Fluent
import Foundation
import PacteStore
import SQLKit
import Testing
import Vapor
import VaporTesting

/// Stored cross-site scripting: hostile text in every free-text column the forms and the API write,
/// then every page of the walk read back. Pacte escapes on output (Plot), so what was typed shows
/// as text; the Content-Security-Policy forbids inline script should an escape ever be missed.
@Suite("XSS stockée : balises, attributs cassés et liens javascript: dans tous les textes, échappés sur chaque page")
struct StoredXSSTests {
    static let payload = #"<script>alert("xss")</script>"><img src=x onerror=alert(1)><a href="javascript:alert(1)">javascript:alert(1)</a> "#

    /// The free-text columns of what the forms and the API write (identifiers, codes, dates and
    /// hashes are typed values that cannot hold markup).
    static let columns: [(table: String, column: String)] = [
        ("organisations", "name"), ("organisations", "short_name"), ("organisations", "address"),
        ("people", "name"), ("people", "function"), ("people", "phone"),
        ("conventions", "title"), ("conventions", "object"), ("conventions", "source"),
        ("convention_parties", "designation"), ("articles", "title"), ("articles", "body"), ("axes", "title"),
        ("actions", "title"), ("actions", "context"), ("actions", "objectives"), ("actions", "content"), ("actions", "method"),
        ("actions", "calendar"), ("actions", "co_financing"), ("actions", "technical_partners"), ("actions", "evaluation"),
        ("cost_lines", "label"), ("financing_shares", "cap_label"), ("financing_shares", "condition"), ("indicators", "label"), ("indicators", "unit"),
        ("envelopes", "name"), ("commitments", "label"), ("services", "name"), ("services", "description"),
        ("companies", "name"), ("companies", "address"), ("companies", "contact_name"), ("establishments", "address"),
        ("de_minimis_grants", "grantor"), ("interventions", "label"), ("interventions", "programme"), ("interventions", "deliverable"),
        ("committees", "name"), ("meetings", "title"), ("meetings", "place"), ("meetings", "agenda"),
        ("deliberations", "subject"), ("deliberations", "place"), ("deliberations", "rapporteur"), ("users", "display_name"),
    ]

    @Test(arguments: Engine.available)
    func hostileTextIsEscapedOnEveryPage(engine: Engine) async throws {
        try await withDemo(engine) { app in
            var paths = try await PageWalk.accessibilityPaths(app)
            let organisation = try #require(try await OrganisationModel.query(on: app.db).first()?.id)
            // Reflected too: what a link's query carries back into the page.
            let reflected = "%22%3E%3Cscript%3Ealert(1)%3C%2Fscript%3E%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E"
            paths += ["/connexion?retour=javascript:alert(1)", "/organisations/\(organisation)/facturation?retour=javascript:alert(1)",
                      "/connexion?retour=\(reflected)", "/organisations/\(organisation)/facturation?retour=\(reflected)",
                      "/organisations?q=\(reflected)", "/entreprises?q=\(reflected)", "/aides-de-minimis?du=\(reflected)"]
            let token = try await app.token("admin@demo.pacte.fr")
            // Through the API as a user would type it, then every other column at once.
            let convention = try await app.conventionID(titled: "seed 000")
            let typed = try await app.call(.PATCH, "/api/v1/conventions/\(convention)", token: token,
                                           json: #"{"object":\#(String(decoding: try JSONEncoder().encode(Self.payload), as: UTF8.self))}"#)
            #expect(typed.status == .ok, "the API stores the text as typed: \(typed.body.string)")
            let sql = app.db as! any SQLDatabase
            for (table, column) in Self.columns {
                try await sql.raw("UPDATE \(ident: table) SET \(ident: column) = \(bind: Self.payload) || \(ident: column) WHERE \(ident: column) IS NOT NULL").run()
            }

            var raw: [String] = []
            var shown = 0
            var missingPolicy: [String] = []
            for path in paths {
                let response = try await app.call(.GET, path, token: token, headers: ["Accept": "text/html"])
                #expect(response.status.code < 500, "\(path): \(response.status)")
                let body = response.body.string
                let lowered = body.lowercased()
                // A `javascript:` link is one inside a real tag (`<a …href="javascript:`), not in escaped text.
                let scriptLink = lowered.firstRange(of: /<[a-z][^<>]*\s(href|src|action|formaction)\s*=\s*["']?\s*javascript:/)
                for danger in ["<script>alert(", "<img src=x onerror", "javascript-link"]
                where danger == "javascript-link" ? scriptLink != nil : lowered.contains(danger) {
                    // The markup around the first occurrence, to find the page part that wrote it.
                    let at = danger == "javascript-link" ? scriptLink!.lowerBound : lowered.range(of: danger)!.lowerBound
                    let offset = lowered.distance(from: lowered.startIndex, to: at)
                    let start = body.index(body.startIndex, offsetBy: max(0, offset - 120))
                    let end = body.index(body.startIndex, offsetBy: min(body.count, offset + 60))
                    raw.append("\(path): \(danger) — …\(body[start..<end])…")
                }
                if body.contains("&lt;script&gt;alert(") { shown += 1 }
                if response.headers.contentType?.subType == "html" {
                    let policy = response.headers.first(name: "Content-Security-Policy") ?? ""
                    if !policy.contains("script-src 'self'") || policy.contains("unsafe-inline") || policy.contains("unsafe-eval") || !policy.contains("object-src 'none'") {
                        missingPolicy.append("\(path): \(policy)")
                    }
                }
            }
            #expect(raw.isEmpty, "markup or javascript: links written as such: \(raw)")
            #expect(missingPolicy.isEmpty, "pages without a strict Content-Security-Policy: \(missingPolicy)")
            // The walk did read the hostile text back, escaped, on most pages.
            #expect(shown > paths.count / 2, "escaped payload on \(shown) of \(paths.count) pages")
            print("XSS stockée : \(Self.columns.count) colonnes de texte, \(paths.count) pages lues, le texte hostile affiché échappé sur \(shown).")
        }
    }
}
