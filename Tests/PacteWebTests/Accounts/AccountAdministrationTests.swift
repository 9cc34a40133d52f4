import Fluent
import Foundation
import PacteCore
import PacteStore
@testable import PacteWeb
import Testing
import Vapor
import VaporTesting

/// Accounts run from the web: members, roles, revocation, invitations, my account, forgotten password.
@Suite("Comptes : membres, rôles, retrait, invitations, mot de passe oublié")
struct AccountAdministrationTests {
    static let agent = "agent.sezanne.ville@demo.pacte.fr"

    /// The first organisation of a demo account.
    static func organisation(of token: String, _ app: Application) async throws -> String {
        let me = try json(try await app.call(.GET, "/api/v1/auth/me", token: token)) as? [String: Any]
        return try #require((me?["memberships"] as? [[String: Any]])?.first?["organisationID"] as? String)
    }

    static func userID(_ email: String, _ app: Application) async throws -> UUID {
        try #require(try await UserModel.query(on: app.db).filter(\.$email == email).first()?.id)
    }

    static func sessionHeaders(_ app: Application, email: String, password: String = demoPassword) async throws -> HTTPHeaders {
        let login = try await app.call(.POST, "/api/v1/auth/login", json: #"{"email": "\#(email)", "password": "\#(password)"}"#)
        #expect(login.status == .ok, "\(login.body.string)")
        let cookie = try #require(login.headers.setCookie?["pacte_session"])
        var headers = HTTPHeaders()
        headers.cookie = HTTPCookies(dictionaryLiteral: ("pacte_session", HTTPCookies.Value(string: cookie.string)))
        headers.add(name: "X-CSRF-Token", value: try #require((try json(login) as? [String: Any])?["csrfToken"] as? String))
        return headers
    }

    @Test("Un membre retiré : son cookie de session et son jeton reçoivent 401 dès la requête suivante, sur chaque instance",
          arguments: Engine.available)
    func revokedMemberLosesAccess(engine: Engine) async throws {
        try await withFreshDatabase(engine) { fixture in
            try await withPacte(fixture.location) { first in
                try await withPacte(fixture.location) { second in
                    let admin = try await first.token("admin@demo.pacte.fr")
                    let token = try await first.token(Self.agent)
                    let session = try await Self.sessionHeaders(second, email: Self.agent)
                    let organisation = try await Self.organisation(of: token, first)
                    let user = try await Self.userID(Self.agent, first)
                    #expect(try await second.call(.GET, "/api/v1/auth/me", headers: session).status == .ok)
                    #expect(try await second.call(.GET, "/api/v1/conventions", token: token).status == .ok)

                    let before = try await first.auditCount()
                    let removed = try await first.call(.DELETE, "/api/v1/organisations/\(organisation)/members/\(user)", token: admin)
                    #expect(removed.status == .noContent, "\(removed.body.string)")
                    // The membership and the account's end of access are both traced.
                    #expect(try await first.auditCount() == before + 2)
                    let events = try await AuditEventModel.query(on: first.db).sort(\.$id, .descending).limit(2).all()
                    #expect(Set(events.map(\.entityType)) == ["membership", "user"])
                    #expect(events.allSatisfy { $0.actor == "admin@demo.pacte.fr" })
                    let after = events.first { $0.entityType == "user" }?.after ?? ""
                    #expect(after.contains("\"sessionEpoch\":1") && after.contains("disabledAt") && !after.contains("passwordHash"))

                    // On the other instance as on this one: the session and the token are refused at once.
                    #expect(try await second.call(.GET, "/api/v1/auth/me", headers: session).status == .unauthorized)
                    #expect(try await second.call(.GET, "/api/v1/conventions", token: token).status == .unauthorized)
                    #expect(try await first.call(.GET, "/api/v1/conventions", token: token).status == .unauthorized)
                    // Left without organisation, the account cannot sign in again.
                    let again = try await first.call(.POST, "/api/v1/auth/token", json: #"{"email": "\#(Self.agent)", "password": "\#(demoPassword)"}"#)
                    #expect(again.status == .unauthorized)
                }
            }
        }
    }

    @Test("Rôles : un lecteur ne peut pas inviter, un agent ne voit pas les membres d'une autre organisation, le dernier administrateur reste",
          arguments: Engine.available)
    func rolesAndBoundaries(engine: Engine) async throws {
        try await withDemo(engine) { app in
            let admin = try await app.token("admin@demo.pacte.fr")
            let agent = try await app.token(Self.agent)
            let reader = try await app.token("elu.dijon.dijon@demo.pacte.fr")
            let sezanne = try await Self.organisation(of: agent, app)
            let dijon = try await Self.organisation(of: reader, app)
            let invite = #"{"email": "nouvelle@ville-dijon.fr", "role": "agent"}"#

            // A reader sees the members of their own organisation, but cannot invite nor change a role.
            #expect(try await app.call(.GET, "/api/v1/organisations/\(dijon)/members", token: reader).status == .ok)
            let refused = try await app.call(.POST, "/api/v1/organisations/\(dijon)/invitations", token: reader, json: invite)
            #expect(refused.status == .forbidden)
            #expect(try problemDetail(refused).detail.contains("administrateurs"))
            // An agent of Sézanne learns nothing of Dijon's members and cannot touch them.
            let readerID = try await Self.userID("elu.dijon.dijon@demo.pacte.fr", app)
            #expect(try await app.call(.GET, "/api/v1/organisations/\(dijon)/members", token: agent).status == .notFound)
            #expect(try await app.call(.DELETE, "/api/v1/organisations/\(dijon)/members/\(readerID)", token: agent).status == .notFound)
            #expect(try await app.call(.PATCH, "/api/v1/organisations/\(dijon)/members/\(readerID)", token: agent,
                                       json: #"{"role": "orgAdmin"}"#).status == .notFound)
            #expect(try await app.call(.POST, "/api/v1/organisations/\(dijon)/invitations", token: agent, json: invite).status == .notFound)
            // An agent is not an administrator of their own organisation either.
            #expect(try await app.call(.POST, "/api/v1/organisations/\(sezanne)/invitations", token: agent, json: invite).status == .forbidden)

            // The platform administrator makes the agent administrator of Sézanne; the last administrator
            // can neither leave nor step down.
            let agentID = try await Self.userID(Self.agent, app)
            let promoted = try await app.call(.PATCH, "/api/v1/organisations/\(sezanne)/members/\(agentID)", token: admin, json: #"{"role": "orgAdmin"}"#)
            #expect(promoted.status == .ok, "\(promoted.body.string)")
            let leave = try await app.call(.DELETE, "/api/v1/organisations/\(sezanne)/members/\(agentID)", token: agent)
            #expect(leave.status == .conflict)
            #expect(try problemDetail(leave).detail.contains("dernier administrateur"))
            #expect(try await app.call(.PATCH, "/api/v1/organisations/\(sezanne)/members/\(agentID)", token: agent,
                                       json: #"{"role": "reader"}"#).status == .conflict)
            let members = try #require(try json(try await app.call(.GET, "/api/v1/organisations/\(sezanne)/members", token: agent)) as? [[String: Any]])
            #expect(members.first { $0["email"] as? String == Self.agent }?["role"] as? String == "orgAdmin")
            // Now an administrator, the agent invites for Sézanne.
            #expect(try await app.call(.POST, "/api/v1/organisations/\(sezanne)/invitations", token: agent,
                                       json: #"{"email": "collegue@ville-sezanne.fr", "role": "reader"}"#).status == .created)
        }
    }

    @Test("Une invitation sert une fois, jamais après 7 jours, et crée le compte avec son rôle", arguments: Engine.available)
    func invitationOnceAndWithinSevenDays(engine: Engine) async throws {
        try await withDemo(engine) { app in
            let admin = try await app.token("admin@demo.pacte.fr")
            let agent = try await app.token(Self.agent)
            let sezanne = try await Self.organisation(of: agent, app)
            let created = try await app.call(.POST, "/api/v1/organisations/\(sezanne)/invitations", token: admin,
                                             json: #"{"email": "Camille.Martin@Ville-Sezanne.fr", "role": "agent"}"#)
            #expect(created.status == .created, "\(created.body.string)")
            let body = try #require(try json(created) as? [String: Any])
            let link = try #require(body["link"] as? String)
            #expect(body["mailed"] as? Bool == false)
            let token = String(try #require(link.split(separator: "/").last))
            // Only the hash is kept.
            #expect(try await InvitationModel.query(on: app.db).filter(\.$tokenHash == token).count() == 0)

            let accept = #"{"token": "\#(token)", "displayName": "Camille Martin", "password": "une phrase de passe assez longue"}"#
            let tooShort = try await app.call(.POST, "/api/v1/invitations/accept", json: #"{"token": "\#(token)", "password": "court"}"#)
            #expect(tooShort.status == .unprocessableEntity)
            let accepted = try await app.call(.POST, "/api/v1/invitations/accept", json: accept)
            #expect(accepted.status == .ok, "\(accepted.body.string)")
            let user = try #require(try json(accepted) as? [String: Any])
            #expect(user["email"] as? String == "camille.martin@ville-sezanne.fr")
            #expect((user["memberships"] as? [[String: Any]])?.first?["role"] as? String == "agent")
            // The new account signs in.
            let signIn = try await app.call(.POST, "/api/v1/auth/token",
                                            json: #"{"email": "camille.martin@ville-sezanne.fr", "password": "une phrase de passe assez longue"}"#)
            #expect(signIn.status == .created)
            // Never twice.
            let second = try await app.call(.POST, "/api/v1/invitations/accept", json: accept)
            #expect(second.status == .gone)
            #expect(try problemDetail(second).detail.contains("n'est plus valable"))
            #expect(try await app.call(.GET, "/invitation/\(token)").status == .gone)

            // An invitation older than 7 days is refused, page and API alike.
            let late = try #require(try json(try await app.call(.POST, "/api/v1/organisations/\(sezanne)/invitations", token: admin,
                                                                json: #"{"email": "retard@ville-sezanne.fr", "role": "reader"}"#)) as? [String: Any])
            let lateToken = String(try #require((late["link"] as? String)?.split(separator: "/").last))
            let lateID = try #require(UUID(uuidString: late["id"] as? String ?? ""))
            #expect(try await app.call(.GET, "/invitation/\(lateToken)").status == .ok)
            let invitation = try #require(try await InvitationModel.find(lateID, on: app.db))
            invitation.expiresAt = Date().addingTimeInterval(-1)
            try await invitation.update(on: app.db)
            #expect(try await app.call(.GET, "/invitation/\(lateToken)").status == .gone)
            #expect(try await app.call(.POST, "/api/v1/invitations/accept",
                                       json: #"{"token": "\#(lateToken)", "password": "une phrase de passe assez longue"}"#).status == .gone)
            #expect(try await UserModel.query(on: app.db).filter(\.$email == "retard@ville-sezanne.fr").count() == 0)
            // Inviting a member again is refused.
            let again = try await app.call(.POST, "/api/v1/organisations/\(sezanne)/invitations", token: admin,
                                           json: #"{"email": "\#(Self.agent)", "role": "agent"}"#)
            #expect(again.status == .conflict)
        }
    }

    @Test("Mot de passe oublié : même réponse et même durée que l'adresse existe ou non ; le lien sert une fois et ferme les sessions",
          arguments: Engine.available)
    func forgottenPassword(engine: Engine) async throws {
        try await withDemo(engine) { app in
            let sink = SMTPSink()
            try await sink.start()
            defer { Task { await sink.stop() } }
            app.pacteSettings.smtp = SMTPConfiguration(host: "127.0.0.1", port: await sink.port, from: "pacte@test.fr")
            let session = try await Self.sessionHeaders(app, email: Self.agent)

            func ask(_ email: String) async throws -> (status: HTTPResponseStatus, body: String, duration: Duration) {
                let clock = ContinuousClock()
                let start = clock.now
                let response = try await app.call(.POST, "/api/v1/auth/password-reset", json: #"{"email": "\#(email)"}"#)
                return (response.status, response.body.string, clock.now - start)
            }
            var known: [Duration] = []
            var unknown: [Duration] = []
            for index in 0..<3 {
                let a = try await ask(Self.agent)
                let b = try await ask("personne-\(index)@nulle-part.fr")
                #expect(a.status == .accepted && b.status == .accepted)
                #expect(a.body == b.body)
                known.append(a.duration)
                unknown.append(b.duration)
            }
            // The look-up and the mail happen after the answer: the two kinds take the same time
            // (medians within 50 ms, far below a bcrypt hash or an SMTP exchange).
            let gap = abs((known.sorted()[1] - unknown.sorted()[1]) / .milliseconds(1))
            #expect(gap < 50, "medians \(known.sorted()[1]) and \(unknown.sorted()[1])")
            // A fourth request for the same address within 15 minutes is refused.
            #expect(try await ask(Self.agent).status == .tooManyRequests)

            // Three mails reached the agent, none anyone else.
            var messages: [SMTPSink.Message] = []
            for _ in 0..<100 where messages.count < 3 {
                try await Task.sleep(for: .milliseconds(50))
                messages = await sink.messages
            }
            #expect(messages.count == 3)
            #expect(messages.allSatisfy { $0.to == ["<\(Self.agent)>"] || $0.to == [Self.agent] })
            let text = try #require(messages.last.map { Self.decodedBody($0.data) })
            let link = try #require(text.components(separatedBy: .newlines).first { $0.contains("/mot-de-passe/") })
            let token = String(try #require(link.split(separator: "/").last)).trimmingCharacters(in: .whitespacesAndNewlines)

            let confirm = #"{"token": "\#(token)", "newPassword": "un tout nouveau mot de passe"}"#
            let confirmed = try await app.call(.POST, "/api/v1/auth/password-reset/confirm", json: confirm)
            #expect(confirmed.status == .noContent, "\(confirmed.body.string)")
            // Once only; the old session ended; the new password works.
            #expect(try await app.call(.POST, "/api/v1/auth/password-reset/confirm", json: confirm).status == .gone)
            #expect(try await app.call(.GET, "/api/v1/auth/me", headers: session).status == .unauthorized)
            #expect(try await app.call(.POST, "/api/v1/auth/token",
                                       json: #"{"email": "\#(Self.agent)", "password": "un tout nouveau mot de passe"}"#).status == .created)
        }
    }

    @Test("Mon compte : nom, mot de passe (l'actuel exigé), jetons nommés avec échéance, déconnexion partout", arguments: Engine.available)
    func myAccount(engine: Engine) async throws {
        try await withDemo(engine) { app in
            let session = try await Self.sessionHeaders(app, email: Self.agent)
            let other = try await Self.sessionHeaders(app, email: Self.agent)
            #expect(try await app.call(.PATCH, "/api/v1/auth/me", json: #"{"displayName": "Agent Sézanne"}"#, headers: session).status == .noContent)
            let me = try json(try await app.call(.GET, "/api/v1/auth/me", headers: session)) as? [String: Any]
            #expect(me?["displayName"] as? String == "Agent Sézanne")

            let wrong = try await app.call(.POST, "/api/v1/auth/password", json: #"{"currentPassword": "faux", "newPassword": "un nouveau mot de passe"}"#,
                                           headers: session)
            #expect(wrong.status == .unprocessableEntity)
            #expect(try problemDetail(wrong).field == "currentPassword")
            let changed = try await app.call(.POST, "/api/v1/auth/password",
                                             json: #"{"currentPassword": "\#(demoPassword)", "newPassword": "un nouveau mot de passe"}"#, headers: session)
            #expect(changed.status == .noContent, "\(changed.body.string)")
            // This session goes on; the other one has ended.
            #expect(try await app.call(.GET, "/api/v1/auth/me", headers: session).status == .ok)
            #expect(try await app.call(.GET, "/api/v1/auth/me", headers: other).status == .unauthorized)

            let created = try await app.call(.POST, "/api/v1/tokens", json: #"{"name": "Tableur", "expiresInDays": 30}"#, headers: session)
            #expect(created.status == .created, "\(created.body.string)")
            let token = try #require((try json(created) as? [String: Any])?["token"] as? String)
            let tokenID = try #require((try json(created) as? [String: Any])?["id"] as? String)
            #expect(try await app.call(.GET, "/api/v1/conventions", token: token).status == .ok)
            #expect(try await app.call(.POST, "/api/v1/tokens", json: #"{"name": "Trop long", "expiresInDays": 400}"#, headers: session).status
                    == .unprocessableEntity)
            // Made and revoked, a token is traced by its name and expiry, never by itself nor its hash.
            let spare = try await app.call(.POST, "/api/v1/tokens", json: #"{"name": "Essai", "expiresInDays": 90}"#, headers: session)
            let spareID = try #require((try json(spare) as? [String: Any])?["id"] as? String)
            let spareToken = try #require((try json(spare) as? [String: Any])?["token"] as? String)
            let beforeRevocation = try await app.auditCount()
            #expect(try await app.call(.DELETE, "/api/v1/tokens/\(spareID)", headers: session).status == .noContent)
            #expect(try await app.call(.GET, "/api/v1/conventions", token: spareToken).status == .unauthorized)
            #expect(try await app.auditCount() == beforeRevocation + 1)
            let tokenEvents = try await AuditEventModel.query(on: app.db).filter(\.$entityType == "api_token").sort(\.$id).all()
            #expect(tokenEvents.map(\.action.rawValue) == ["create", "create", "delete"])
            #expect(tokenEvents.map(\.entityID) == [tokenID, spareID, spareID])
            #expect(tokenEvents.allSatisfy { $0.actor == Self.agent })
            #expect(tokenEvents.first?.after?.contains("Tableur") == true)
            for event in tokenEvents {
                let recorded = (event.before ?? "") + (event.after ?? "")
                #expect(!recorded.contains(token) && !recorded.contains(spareToken) && !recorded.contains(TokenHash.of(spareToken)))
            }
            // Another user's token does not exist for this one.
            let admin = try await Self.sessionHeaders(app, email: "admin@demo.pacte.fr")
            #expect(try await app.call(.DELETE, "/api/v1/tokens/\(tokenID)", headers: admin).status == .notFound)

            // The account page lists the token; signing out everywhere ends this session too.
            let page = try await app.call(.GET, "/mon-compte", headers: session)
            #expect(page.status == .ok)
            #expect(page.body.string.contains("Tableur") && page.body.string.contains("Me déconnecter partout"))
            #expect(try await app.call(.POST, "/api/v1/auth/sessions/end", headers: session).status == .noContent)
            #expect(try await app.call(.GET, "/api/v1/auth/me", headers: session).status == .unauthorized)
        }
    }

    @Test("Pages : l'administrateur invite depuis la page des membres, la personne accepte et arrive connectée", arguments: [Engine.sqlite])
    func invitationPages(engine: Engine) async throws {
        try await withDemo(engine) { app in
            let admin = try await app.token("admin@demo.pacte.fr")
            let sezanne = try await Self.organisation(of: try await app.token(Self.agent), app)
            let page = try await app.call(.GET, "/organisations/\(sezanne)/membres", token: admin)
            #expect(page.status == .ok)
            #expect(page.body.string.contains("Inviter une personne") && page.body.string.contains(Self.agent))
            let invited = try await app.call(.POST, "/organisations/\(sezanne)/membres/inviter", token: admin,
                                             form: ["email": "dominique@ville-sezanne.fr", "role": "reader"])
            #expect(invited.status == .ok)
            let html = invited.body.string
            #expect(html.contains("transmettez-lui ce lien"))
            let start = try #require(html.range(of: "/invitation/"))
            let token = String(html[start.upperBound...].prefix { $0 != "<" && $0 != "\"" })
            let form = try await app.call(.GET, "/invitation/\(token)")
            #expect(form.status == .ok && form.body.string.contains("Rejoindre"))
            let mismatch = try await app.call(.POST, "/invitation/\(token)", form: ["displayName": "Dominique", "password": "une phrase de passe longue",
                                                                                    "confirmation": "autre chose"])
            #expect(mismatch.status == .unprocessableEntity && mismatch.body.string.contains("diffèrent"))
            let accepted = try await app.call(.POST, "/invitation/\(token)", form: ["displayName": "Dominique", "password": "une phrase de passe longue",
                                                                                    "confirmation": "une phrase de passe longue"])
            #expect(accepted.status == .seeOther, "\(accepted.body.string)")
            #expect(accepted.headers.setCookie?["pacte_session"] != nil)
        }
    }

    @Test("Pages : l'administrateur de la plateforme crée une organisation, puis invite son premier administrateur", arguments: [Engine.sqlite])
    func newOrganisationAndFirstAdministrator(engine: Engine) async throws {
        try await withDemo(engine) { app in
            let admin = try await app.token("admin@demo.pacte.fr")
            let created = try await app.call(.POST, "/organisations/nouvelle", token: admin,
                                             form: ["name": "CCI de l'Aube", "kind": "cci", "departementCode": "10"])
            #expect(created.status == .seeOther, "\(created.body.string)")
            let location = try #require(created.headers.first(name: .location))
            #expect(location.hasSuffix("/membres?ok=organisation"))
            let page = try await app.call(.GET, location, token: admin)
            #expect(page.status == .ok)
            let html = page.body.string
            #expect(html.contains("invitez maintenant son premier administrateur") && html.contains("pas encore d'administrateur"))
            // The role offered first is the administrator's.
            #expect(html.contains(#"<option value="orgAdmin" selected="selected">"#))
            let organisation = String(location.dropFirst("/organisations/".count).prefix(36))
            let invited = try await app.call(.POST, "/organisations/\(organisation)/membres/inviter", token: admin,
                                             form: ["email": "direction@aube.cci.fr", "role": "orgAdmin"])
            #expect(invited.status == .ok && invited.body.string.contains("direction@aube.cci.fr"))
            let pending = try await InvitationModel.query(on: app.db).filter(\.$email == "direction@aube.cci.fr").first()
            #expect(pending?.role == .orgAdmin)
        }
    }

    /// The plain text of a base64 mail body.
    static func decodedBody(_ data: String) -> String {
        let parts = data.components(separatedBy: "\r\n\r\n")
        let body = parts.dropFirst().joined().replacingOccurrences(of: "\r\n", with: "")
        return Data(base64Encoded: body).flatMap { String(data: $0, encoding: .utf8) } ?? data
    }
}
