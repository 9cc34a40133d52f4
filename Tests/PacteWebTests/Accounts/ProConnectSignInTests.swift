import Fluent
import Foundation
import PacteCore
import PacteStore
@testable import PacteWeb
import Testing
import Vapor
import VaporTesting

/// ProConnect sign-in against a real OpenID Connect provider (scripts/proconnect-test-provider.py):
/// the authorisation code flow with PKCE, state and nonce, the ID token and the signed userinfo
/// checked by Pacte, account linking, invitations, refusals and sign-out at the provider.
@Suite("Connexion ProConnect (fournisseur OpenID Connect réel)")
struct ProConnectSignInTests {
    static let agent = AccountAdministrationTests.agent

    /// Pacte on a fresh demo database, using a provider that knows `users`.
    static func withProConnect(_ engine: Engine, users: [[String: String]],
                               _ body: (Application, ProConnectProvider) async throws -> Void) async throws {
        guard ProConnectProvider.available() else { return }
        try await ProConnectProvider.with(users: users) { provider in
            try await withFreshDatabase(engine) { fixture in
                try await withPacte(fixture.location, settings: PacteSettings(bcryptCost: 4, oidc: provider.settings)) { app in
                    try await body(app, provider)
                }
            }
        }
    }

    struct RoundTrip {
        var final: TestingHTTPResponse
        /// The state cookie and the provider's return, to replay them.
        var returnPath: String
        var stateCookie: String
        var sessionCookie: String?
    }

    /// Clicks « S'identifier avec ProConnect », approves as `sub` at the provider, comes back.
    static func signIn(_ app: Application, _ provider: ProConnectProvider, sub: String, returnTo: String = "/conventions") async throws -> RoundTrip {
        let start = try await app.call(.GET, "/connexion/proconnect?retour=" + returnTo)
        #expect(start.status == .seeOther, "\(start.body.string)")
        let location = try #require(start.headers.first(name: .location))
        #expect(location.hasPrefix(provider.issuer + "/oauth2/authorize?"))
        let query = try #require(URLComponents(string: location)?.queryItems)
        func item(_ name: String) -> String? { query.first { $0.name == name }?.value }
        #expect(item("code_challenge_method") == "S256" && (item("code_challenge")?.count ?? 0) == 43)
        #expect(item("nonce")?.isEmpty == false && item("state")?.isEmpty == false)
        #expect(item("scope") == OIDCSettings.defaultScopes)
        let stateCookie = try #require(start.headers.setCookie?[ProConnectPages.cookieName]?.string)
        #expect(stateCookie == item("state"))

        let back = try await provider.authorize(location, sub: sub)
        #expect(back.path == ProConnectPages.returnPath)
        let returnPath = back.path + "?" + (back.percentEncodedQuery ?? "")
        var headers = HTTPHeaders()
        headers.cookie = HTTPCookies(dictionaryLiteral: (ProConnectPages.cookieName, HTTPCookies.Value(string: stateCookie)))
        let final = try await app.call(.GET, returnPath, headers: headers)
        return RoundTrip(final: final, returnPath: returnPath, stateCookie: stateCookie, sessionCookie: final.headers.setCookie?["pacte_session"]?.string)
    }

    static func session(_ cookie: String?) throws -> HTTPHeaders {
        var headers = HTTPHeaders()
        headers.cookie = HTTPCookies(dictionaryLiteral: ("pacte_session", HTTPCookies.Value(string: try #require(cookie))))
        return headers
    }

    static func me(_ app: Application, _ cookie: String?) async throws -> [String: Any]? {
        let response = try await app.call(.GET, "/api/v1/auth/me", headers: try session(cookie))
        guard response.status == .ok else { return nil }
        return try json(response) as? [String: Any]
    }

    @Test("Un compte existant : lié à ProConnect par son adresse à la première connexion (tracé), retrouvé ensuite par son identifiant",
          arguments: Engine.available)
    func existingAccountIsLinked(engine: Engine) async throws {
        let user = ["sub": "pc-agent-sezanne", "email": Self.agent.uppercased(), "given_name": "Camille", "usual_name": "Martin",
                    "siret": "13002798000007"]
        try await Self.withProConnect(engine, users: [user]) { app, provider in
            let before = try await app.auditCount()
            let trip = try await Self.signIn(app, provider, sub: "pc-agent-sezanne")
            #expect(trip.final.status == .seeOther, "\(trip.final.body.string)")
            #expect(trip.final.headers.first(name: .location) == "/conventions")
            #expect(try await Self.me(app, trip.sessionCookie)?["email"] as? String == Self.agent)

            let account = try #require(try await UserModel.query(on: app.db).filter(\.$email == Self.agent).first())
            #expect(account.oidcSubject == "pc-agent-sezanne")
            #expect(account.lastSignInAt != nil)
            // The link is a change to the account: traced, with the subject before and after.
            #expect(try await app.auditCount() == before + 1)
            let event = try #require(try await AuditEventModel.query(on: app.db).sort(\.$id, .descending).first())
            #expect(event.entityType == "user" && event.actor == Self.agent)
            #expect(event.after?.contains("pc-agent-sezanne") == true && event.before?.contains("pc-agent-sezanne") == false)

            // Later, the provider gives another address: the subject still finds the same account.
            try await provider.setClaims(of: "pc-agent-sezanne", ["email": "camille.martin@nouvelle-adresse.fr"])
            let again = try await Self.signIn(app, provider, sub: "pc-agent-sezanne", returnTo: "/")
            #expect(again.final.status == .seeOther, "\(again.final.body.string)")
            #expect(try await Self.me(app, again.sessionCookie)?["email"] as? String == Self.agent)
            #expect(try await app.auditCount() == before + 1)
        }
    }

    @Test("Une invitation en attente ouvre le compte à la première connexion ProConnect ; le lien d'invitation ne sert plus",
          arguments: Engine.available)
    func invitationOpensTheAccount(engine: Engine) async throws {
        let user = ["sub": "pc-nouvelle", "email": "nouvelle.agente@ville-sezanne.fr", "given_name": "Léa", "usual_name": "Dubois"]
        try await Self.withProConnect(engine, users: [user]) { app, provider in
            let admin = try await app.token("admin@demo.pacte.fr")
            let organisation = try await AccountAdministrationTests.organisation(of: try await app.token(Self.agent), app)
            let invited = try await app.call(.POST, "/api/v1/organisations/\(organisation)/invitations", token: admin,
                                             json: #"{"email": "nouvelle.agente@ville-sezanne.fr", "role": "agent"}"#)
            #expect(invited.status == .created, "\(invited.body.string)")
            let link = try #require((try json(invited) as? [String: Any])?["link"] as? String)

            let trip = try await Self.signIn(app, provider, sub: "pc-nouvelle")
            #expect(trip.final.status == .seeOther, "\(trip.final.body.string)")
            let me = try #require(try await Self.me(app, trip.sessionCookie))
            #expect(me["displayName"] as? String == "Léa Dubois")
            let memberships = try #require(me["memberships"] as? [[String: Any]])
            #expect(memberships.count == 1 && memberships.first?["organisationID"] as? String == organisation)
            #expect(memberships.first?["role"] as? String == "agent")
            let account = try #require(try await UserModel.query(on: app.db).filter(\.$email == "nouvelle.agente@ville-sezanne.fr").first())
            #expect(account.oidcSubject == "pc-nouvelle" && account.passwordHash.isEmpty)
            // No password yet: the password form refuses it, it is not an empty password.
            let password = try await app.call(.POST, "/api/v1/auth/token", json: #"{"email": "nouvelle.agente@ville-sezanne.fr", "password": ""}"#)
            #expect(password.status == .unauthorized)

            let token = String(try #require(link.split(separator: "/").last))
            let reuse = try await app.call(.POST, "/api/v1/invitations/accept", json: #"{"token": "\#(token)", "password": "une phrase de passe longue"}"#)
            #expect(reuse.status == .gone)
        }
    }

    @Test("Une personne inconnue n'obtient aucun accès : la page dit à qui demander une invitation", arguments: Engine.available)
    func unknownPersonIsNotLetIn(engine: Engine) async throws {
        let stranger = ["sub": "pc-inconnue", "email": "inconnue@ville-sezanne.fr", "given_name": "Inès", "usual_name": "Petit",
                        "siret": "13002798000007"]
        let elsewhere = ["sub": "pc-ailleurs", "email": "agent@autre-collectivite.fr", "siret": "21510535800011"]
        try await Self.withProConnect(engine, users: [stranger, elsewhere]) { app, provider in
            // Her organisation, known to Pacte by its SIREN, with an administrator.
            let sezanne = try #require(try await OrganisationModel.query(on: app.db).filter(\.$name == "Ville de Sézanne").first())
            sezanne.siren = try Siren("130027980")
            try await sezanne.update(on: app.db)
            let admin = try await app.token("admin@demo.pacte.fr")
            let agentID = try await AccountAdministrationTests.userID(Self.agent, app)
            let promoted = try await app.call(.PATCH, "/api/v1/organisations/\(try sezanne.requireID())/members/\(agentID)", token: admin,
                                              json: #"{"role": "orgAdmin"}"#)
            #expect(promoted.status == .ok, "\(promoted.body.string)")
            let users = try await UserModel.query(on: app.db).count()

            let trip = try await Self.signIn(app, provider, sub: "pc-inconnue")
            #expect(trip.final.status == .forbidden)
            let page = trip.final.body.string
            #expect(page.contains("Pas encore de compte Pacte") && page.contains("inconnue@ville-sezanne.fr"))
            #expect(page.contains("Ville de Sézanne") && page.contains(Self.agent))
            #expect(trip.sessionCookie == nil)
            #expect(try await UserModel.query(on: app.db).count() == users)

            let other = try await Self.signIn(app, provider, sub: "pc-ailleurs")
            #expect(other.final.status == .forbidden)
            #expect(other.final.body.string.contains("n'a pas encore de compte dans Pacte"))
            #expect(other.final.body.string.contains("admin@demo.pacte.fr"))
            #expect(other.sessionCookie == nil)
        }
    }

    @Test("Le retour de ProConnect ne sert qu'une fois, et seulement dans le navigateur qui a commencé la connexion",
          arguments: Engine.available)
    func returnWorksOnceInTheSameBrowser(engine: Engine) async throws {
        let user = ["sub": "pc-agent", "email": Self.agent]
        try await Self.withProConnect(engine, users: [user]) { app, provider in
            // Another browser (no state cookie) cannot take the return.
            let start = try await app.call(.GET, "/connexion/proconnect")
            let location = try #require(start.headers.first(name: .location))
            let back = try await provider.authorize(location, sub: "pc-agent")
            let stolen = try await app.call(.GET, back.path + "?" + (back.percentEncodedQuery ?? ""))
            #expect(stolen.status == .badRequest)
            #expect(stolen.body.string.contains("ne correspond à aucune connexion commencée dans ce navigateur"))
            #expect(stolen.headers.setCookie?["pacte_session"] == nil)

            let trip = try await Self.signIn(app, provider, sub: "pc-agent")
            #expect(trip.final.status == .seeOther)
            var headers = HTTPHeaders()
            headers.cookie = HTTPCookies(dictionaryLiteral: (ProConnectPages.cookieName, HTTPCookies.Value(string: trip.stateCookie)))
            let replay = try await app.call(.GET, trip.returnPath, headers: headers)
            #expect(replay.status == .badRequest)
            #expect(replay.body.string.contains("déjà servi"))

            // Cancelled at the provider: said plainly.
            let denied = try await app.call(.GET, "/connexion/proconnect/retour?error=access_denied&state=x")
            #expect(denied.body.string.contains("La connexion avec ProConnect a été annulée."))
        }
    }

    @Test("Un membre retiré ne revient pas par ProConnect", arguments: Engine.available)
    func revokedMemberStaysOut(engine: Engine) async throws {
        let user = ["sub": "pc-agent", "email": Self.agent]
        try await Self.withProConnect(engine, users: [user]) { app, provider in
            let admin = try await app.token("admin@demo.pacte.fr")
            let organisation = try await AccountAdministrationTests.organisation(of: try await app.token(Self.agent), app)
            let agentID = try await AccountAdministrationTests.userID(Self.agent, app)
            let removed = try await app.call(.DELETE, "/api/v1/organisations/\(organisation)/members/\(agentID)", token: admin)
            #expect(removed.status == .noContent)
            let trip = try await Self.signIn(app, provider, sub: "pc-agent")
            #expect(trip.final.status == .forbidden)
            #expect(trip.final.body.string.contains("Votre accès à Pacte a été retiré"))
            #expect(trip.sessionCookie == nil)
        }
    }

    @Test("Se déconnecter d'une session ProConnect termine aussi la session chez le fournisseur", arguments: Engine.available)
    func signOutEndsAtTheProvider(engine: Engine) async throws {
        let user = ["sub": "pc-agent", "email": Self.agent]
        try await Self.withProConnect(engine, users: [user]) { app, provider in
            let trip = try await Self.signIn(app, provider, sub: "pc-agent")
            let page = try await app.call(.GET, "/", headers: try Self.session(trip.sessionCookie))
            let csrf = try #require(page.body.string.firstMatch(of: /name="_csrf" value="([^"]+)"/)?.output.1)
            let out = try await app.call(.POST, "/deconnexion", headers: try Self.session(trip.sessionCookie), form: ["_csrf": String(csrf)])
            #expect(out.status == .seeOther)
            let location = try #require(out.headers.first(name: .location))
            #expect(location.hasPrefix(provider.issuer + "/oauth2/end_session?"))
            let query = try #require(URLComponents(string: location)?.queryItems)
            #expect(query.first { $0.name == "id_token_hint" }?.value?.split(separator: ".").count == 3)
            #expect(query.first { $0.name == "post_logout_redirect_uri" }?.value?.hasSuffix(ProConnectPages.signedOutPath) == true)
            #expect(query.first { $0.name == "state" }?.value?.isEmpty == false)
            #expect(try await Self.me(app, trip.sessionCookie) == nil)
            // The CSP lets that form end at the provider, and only there.
            #expect(page.headers.first(name: "Content-Security-Policy")?.contains("form-action 'self' \(provider.issuer);") == true)
        }
    }

    @Test("Sans PACTE_OIDC_ISSUER, ni bouton ni route ProConnect ; un réglage incomplet est refusé en français")
    func disabledWithoutSettings() async throws {
        try await withDemo(.sqlite) { app in
            let form = try await app.call(.GET, "/connexion")
            #expect(!form.body.string.contains("ProConnect"))
            #expect(try await app.call(.GET, "/connexion/proconnect").status == .notFound)
        }
        #expect(try OIDCSettings.fromEnvironment([:]) == nil)
        #expect(throws: OIDCSettingsError.self) { try OIDCSettings.fromEnvironment(["PACTE_OIDC_ISSUER": "https://auth.example.fr"]) }
        #expect(throws: OIDCSettingsError.self) {
            try OIDCSettings.fromEnvironment(["PACTE_OIDC_ISSUER": "pas une adresse", "PACTE_OIDC_CLIENT_ID": "a", "PACTE_OIDC_CLIENT_SECRET": "b"])
        }
        let settings = try #require(try OIDCSettings.fromEnvironment(["PACTE_OIDC_ISSUER": "https://auth.example.fr/api/v2/",
                                                                      "PACTE_OIDC_CLIENT_ID": "a", "PACTE_OIDC_CLIENT_SECRET": "b"]))
        #expect(settings.issuer == "https://auth.example.fr/api/v2" && settings.origin == "https://auth.example.fr")
        #expect(settings.scopes == OIDCSettings.defaultScopes)
    }
}
