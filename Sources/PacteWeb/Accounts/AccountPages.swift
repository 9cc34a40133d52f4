import Fluent
import Foundation
import PacteCore
import PacteStore
import Plot
import Vapor

/// The pages of accounts run from the web: an organisation's members and invitations, accepting
/// an invitation, my account, a forgotten password. Each goes through the same code as its API route.
enum AccountPages {
    static func register(pages: any RoutesBuilder, open: any RoutesBuilder) {
        let members = pages.grouped("organisations", ":organisationID", "membres")
        members.get { req async throws -> Page in try await membersPage(req, state: FormState(values: ["role": ["agent"]])) }
        members.post("inviter") { req async throws -> Response in
            let org = try await Members.organisation(req, administering: true)
            var state = try FormState(request: req)
            let email = state.required("email", "Adresse électronique")
            let role = state.choice("role", MembershipRole.self, label: "Rôle")
            guard let email, let role, !state.hasErrors else { return try await membersPage(req, state: state).encodeResponse(for: req) }
            do {
                let invitation = try await Invitations.invite(req, organisation: org, email: email, role: role)
                return try await membersPage(req, state: FormState(values: ["role": ["agent"]]), created: invitation).encodeResponse(for: req)
            } catch {
                state.absorb(error)
                return try await membersPage(req, state: state).encodeResponse(for: req)
            }
        }
        members.post(":userID", "role") { req async throws -> Response in
            let org = try await Members.organisation(req, administering: true)
            var state = try FormState(request: req)
            guard let role = state.choice("role", MembershipRole.self, label: "Rôle") else {
                return try await membersPage(req, state: state).encodeResponse(for: req)
            }
            do {
                try await Members.changeRole(organisationID: try org.requireID(), userID: try Access.uuid(req, "userID", "Membre"), to: role,
                                             actor: try req.requirePrincipal().actor, on: req.db)
            } catch let problem as Problem where problem.status == .conflict {
                state.formError = problem.detail
                return try await membersPage(req, state: state).encodeResponse(for: req)
            }
            return req.redirect(to: "/organisations/\(try org.requireID())/membres?ok=role", redirectType: .normal)
        }
        members.post(":userID", "retirer") { req async throws -> Response in
            let org = try await Members.organisation(req, administering: true)
            do {
                try await Members.revoke(organisationID: try org.requireID(), userID: try Access.uuid(req, "userID", "Membre"),
                                         actor: try req.requirePrincipal().actor, on: req.db)
            } catch let problem as Problem where problem.status == .conflict {
                var state = FormState(values: ["role": ["agent"]])
                state.formError = problem.detail
                return try await membersPage(req, state: state).encodeResponse(for: req)
            }
            return req.redirect(to: "/organisations/\(try org.requireID())/membres?ok=membre-retire", redirectType: .normal)
        }
        members.post("invitations", ":invitationID", "annuler") { req async throws -> Response in
            let org = try await Members.organisation(req, administering: true)
            try await Invitations.cancel(req, organisationID: try org.requireID(), invitationID: try Access.uuid(req, "invitationID", "Invitation"))
            return req.redirect(to: "/organisations/\(try org.requireID())/membres?ok=invitation-annulee", redirectType: .normal)
        }

        open.get("invitation", ":token") { req async throws -> Response in
            try await invitationPage(req, state: FormState()).encodeResponse(for: req)
        }
        open.post("invitation", ":token") { req async throws -> Response in
            var state = try FormState(request: req)
            let token = req.parameters.get("token") ?? ""
            let password = state.text("password")
            let confirmation = state.text("confirmation")
            state.set("password", nil)
            state.set("confirmation", nil)
            if let password, password != confirmation { state.errors["confirmation"] = "Les deux mots de passe diffèrent." }
            guard !state.hasErrors else { return try await invitationPage(req, state: state).encodeResponse(for: req) }
            do {
                let user = try await Invitations.accept(req, token: token, displayName: state.text("displayName"), password: password)
                try await Accounts.openSession(req, user)
                return req.redirect(to: "/?ok=bienvenue", redirectType: .normal)
            } catch {
                state.absorb(error)
                return try await invitationPage(req, state: state).encodeResponse(for: req)
            }
        }

        let account = pages.grouped("mon-compte")
        account.get { req async throws -> Page in try await accountPage(req, state: FormState()) }
        account.post("nom") { req async throws -> Response in
            var state = try FormState(request: req)
            guard let name = state.required("displayName", "Nom") else { return try await accountPage(req, state: state).encodeResponse(for: req) }
            return try await submitted(req, state: state, ok: "nom") { try await MyAccount.rename(req, to: name) }
        }
        account.post("mot-de-passe") { req async throws -> Response in
            var state = try FormState(request: req)
            let current = state.required("currentPassword", "Mot de passe actuel")
            let new = state.required("newPassword", "Nouveau mot de passe")
            for name in ["currentPassword", "newPassword"] { state.set(name, nil) }
            guard let current, let new else { return try await accountPage(req, state: state).encodeResponse(for: req) }
            return try await submitted(req, state: state, ok: "mot-de-passe") { try await MyAccount.changePassword(req, current: current, new: new) }
        }
        account.post("jetons") { req async throws -> Response in
            var state = try FormState(request: req)
            let name = state.required("name", "Nom du jeton")
            let days = Int(state["expiresInDays"]) ?? 90
            guard let name else { return try await accountPage(req, state: state).encodeResponse(for: req) }
            do {
                let (token, _) = try await MyAccount.createToken(req, name: name, days: days)
                return try await accountPage(req, state: FormState(), newToken: token).encodeResponse(for: req)
            } catch {
                state.absorb(error)
                return try await accountPage(req, state: state).encodeResponse(for: req)
            }
        }
        account.post("jetons", ":tokenID", "revoquer") { req async throws -> Response in
            try await MyAccount.revokeToken(req, id: try Access.uuid(req, "tokenID", "Jeton"))
            return req.redirect(to: "/mon-compte?ok=jeton-revoque#jetons", redirectType: .normal)
        }
        account.post("sessions", "fin") { req async throws -> Response in
            try await MyAccount.signOutEverywhere(req)
            return req.redirect(to: "/connexion?fin=1", redirectType: .normal)
        }

        open.get("mot-de-passe-oublie") { req async throws -> Page in forgottenPage(state: FormState(), csrf: try csrfIfSignedIn(req)) }
        open.post("mot-de-passe-oublie") { req async throws -> Response in
            var state = try FormState(request: req)
            guard let email = state.required("email", "Adresse électronique") else { return try await forgottenPage(state: state, csrf: try csrfIfSignedIn(req)).encodeResponse(for: req) }
            do {
                let answer = try await PasswordReset.request(req, email: email)
                return try await forgottenPage(state: FormState(), sent: answer.message, csrf: try csrfIfSignedIn(req)).encodeResponse(for: req)
            } catch {
                state.absorb(error)
                return try await forgottenPage(state: state, csrf: try csrfIfSignedIn(req)).encodeResponse(for: req)
            }
        }
        open.get("mot-de-passe", ":token") { req async throws -> Response in
            try await resetPage(req, state: FormState()).encodeResponse(for: req)
        }
        open.post("mot-de-passe", ":token") { req async throws -> Response in
            var state = try FormState(request: req)
            let password = state.required("newPassword", "Nouveau mot de passe")
            if let password, password != state["confirmation"] { state.errors["confirmation"] = "Les deux mots de passe diffèrent." }
            for name in ["newPassword", "confirmation"] { state.set(name, nil) }
            guard let password, !state.hasErrors else { return try await resetPage(req, state: state).encodeResponse(for: req) }
            do {
                try await PasswordReset.confirm(req, token: req.parameters.get("token") ?? "", password: password)
                return req.redirect(to: "/connexion?nouveau=1", redirectType: .normal)
            } catch {
                state.absorb(error)
                return try await resetPage(req, state: state).encodeResponse(for: req)
            }
        }
    }

    static func submitted(_ req: Request, state: FormState, ok: String, _ work: () async throws -> Void) async throws -> Response {
        var state = state
        do {
            try await work()
            return req.redirect(to: "/mon-compte?ok=\(ok)", redirectType: .normal)
        } catch {
            state.absorb(error)
            return try await accountPage(req, state: state).encodeResponse(for: req)
        }
    }

    static let notices = [
        "organisation": "Organisation créée : invitez maintenant son premier administrateur (rôle « Administrateur de l'organisation »).",
        "role": "Rôle modifié.", "membre-retire": "Membre retiré : ses sessions et ses jetons ont pris fin.",
        "invitation-annulee": "Invitation annulée.", "nom": "Nom enregistré.",
        "mot-de-passe": "Mot de passe changé : vos autres sessions ont pris fin.", "jeton-revoque": "Jeton révoqué.",
    ]

    static func notice(_ req: Request) -> BodyNode {
        .unwrap(req.query[String.self, at: "ok"].flatMap { notices[$0] }) { .p(.class("notice"), .attribute(named: "role", value: "status"), .text($0)) }
    }

    /// The pages open to anyone may be seen signed in too, where a form must carry the session's token.
    static func csrfIfSignedIn(_ req: Request) throws -> String { req.principal == nil ? "" : try req.viewer().csrf }

    static func th(_ text: String) -> Node<HTML.TableRowContext> { .th(.attribute(named: "scope", value: "col"), .text(text)) }

    static func dateTime(_ date: Date?) -> String {
        guard let date else { return "jamais" }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "fr_FR")
        formatter.timeZone = TimeZone(identifier: "Europe/Paris")
        formatter.dateFormat = "dd/MM/yyyy 'à' HH:mm"
        return formatter.string(from: date)
    }

    static let roleChoices = MembershipRole.allCases.map { (value: $0.rawValue, label: $0.label) }

    // MARK: Members

    static func membersPage(_ req: Request, state: FormState, created: InvitationOut? = nil) async throws -> Page {
        let org = try await Members.organisation(req, administering: false)
        let principal = try req.requirePrincipal()
        let orgID = try org.requireID()
        let admin = Access.administers(principal, organisation: orgID)
        let viewer = try req.viewer()
        let members = try await Members.list(orgID, on: req.db)
        let invitations = admin ? try await Invitations.pending(orgID, on: req.db) : []
        let base = "/organisations/\(orgID)/membres"
        var state = state
        if created == nil, req.query[String.self, at: "ok"] == "organisation", state["role"] == "agent" { state.set("role", "orgAdmin") }
        let inviteFields = [
            Field(name: "email", label: "Adresse électronique de la personne invitée", control: .email, isRequired: true, autocomplete: "off"),
            Field(name: "role", label: "Rôle", control: .select(roleChoices, placeholder: nil), isRequired: true),
        ]
        let rows: [Node<HTML.TableContext>] = members.map { member in
            .tr(
                .th(.attribute(named: "scope", value: "row"), .text(member.displayName)),
                .td(.text(member.email)),
                .td(admin
                    ? .form(.method(.post), .action("\(base)/\(member.userID)/role"), .class("inline"),
                            CSRF.field(viewer.csrf),
                            .label(.class("visually-hidden"), .for("role-\(member.userID)"), .text("Rôle de \(member.displayName)")),
                            .element(named: "select", nodes: [
                                .attribute(named: "id", value: "role-\(member.userID)"), .attribute(named: "name", value: "role"),
                            ] + MembershipRole.allCases.map { role in
                                .element(named: "option", nodes: [.attribute(named: "value", value: role.rawValue),
                                                                  .attribute(named: "selected", value: role == member.role ? "selected" : nil),
                                                                  .text(role.label)])
                            }),
                            .button(.class("button-link"), .type(.submit), .text("Changer"), .ariaLabel(escapeAttribute("Changer le rôle de \(member.displayName)"))))
                    : .text(member.roleLabel)),
                .td(.text(dateTime(member.lastSignInAt))),
                .if(admin, .td(.form(.method(.post), .action("\(base)/\(member.userID)/retirer"),
                                     .data(named: "confirm", value: escapeAttribute("Retirer \(member.displayName) de l'organisation ?")),
                                     CSRF.field(viewer.csrf),
                                     .button(.class("button danger"), .type(.submit), .text("Retirer"), .ariaLabel(escapeAttribute("Retirer \(member.displayName)"))))))
            )
        }
        let content: BodyNode = .group(
            .h1(.text("Membres de « \(org.name) »")),
            notice(req),
            .unwrap(state.formError) { .p(.class("error-summary"), .attribute(named: "role", value: "alert"), .text($0)) },
            .unwrap(created) { invitation in
                .div(.class("notice"), .attribute(named: "role", value: "status"),
                     .p(.text(invitation.mailed ? "Invitation envoyée par courriel à \(invitation.email)."
                                                 : "Invitation créée pour \(invitation.email). Aucun relais de courriel n'est réglé (PACTE_SMTP_URL) : transmettez-lui ce lien, valable 7 jours et une seule fois :")),
                     .unwrap(invitation.link) { .p(.code(.text($0))) })
            },
            .p(.attribute(named: "role", value: "status"), .text(members.isEmpty ? "Aucun membre." : members.count == 1 ? "1 membre." : "\(members.count) membres.")),
            .if(admin && !members.contains { $0.role == .orgAdmin },
                .p(.text("Cette organisation n'a pas encore d'administrateur : invitez-en un avec le rôle « Administrateur de l'organisation » pour qu'elle gère elle-même ses membres."))),
            .div(.class("table-wrap"), .table(
                .caption(.text("Membres de l'organisation")),
                .thead(.tr(th("Nom"), th("Adresse électronique"), th("Rôle"), th("Dernière connexion"), .if(admin, th("Retrait")))),
                .tbody(.group(rows)))),
            .if(admin, .group(
                .h2(.text("Inviter une personne")),
                .p(.class("muted"), .text("La personne reçoit un lien à usage unique, valable 7 jours. Si elle a déjà un compte Pacte, elle rejoint l'organisation avec le rôle choisi.")),
                errorSummary(state, fields: inviteFields),
                .form(.class("stacked"), .method(.post), .action("\(base)/inviter"), .attribute(named: "novalidate"),
                      CSRF.field(viewer.csrf),
                      .forEach(inviteFields) { $0.render(state) },
                      .div(.class("form-actions"), .button(.class("button"), .type(.submit), .text("Inviter")))),
                .h2(.text("Invitations en attente")),
                invitations.isEmpty ? .p(.text("Aucune invitation en attente.")) : .div(.class("table-wrap"), .table(
                    .caption(.text("Invitations en attente")),
                    .thead(.tr(th("Adresse électronique"), th("Rôle"), th("Valable jusqu'au"), th("Annulation"))),
                    .tbody(.forEach(invitations) { invitation in
                        .tr(.th(.attribute(named: "scope", value: "row"), .text(invitation.email)), .td(.text(invitation.role.label)),
                            .td(.text(dateTime(invitation.expiresAt))),
                            .td(.form(.method(.post), .action("\(base)/invitations/\(invitation.id!)/annuler"), CSRF.field(viewer.csrf),
                                      .button(.class("button-link"), .type(.submit), .text("Annuler"), .ariaLabel(escapeAttribute("Annuler l'invitation de \(invitation.email)"))))))
                    })))
            ))
        )
        return Page(title: "Membres de « \(org.name) »", section: .directory, viewer: viewer,
                    breadcrumbs: [("Tableau de bord", "/"), ("Annuaire", "/organisations"), ("Membres de « \(org.name) »", nil)],
                    status: state.hasErrors || state.formError != nil ? .unprocessableEntity : .ok, content: content)
    }

    // MARK: Invitation

    static func invitationPage(_ req: Request, state: FormState) async throws -> Page {
        let token = req.parameters.get("token") ?? ""
        let invitation: InvitationModel
        do {
            invitation = try await Invitations.usable(token: token, on: req.db)
        } catch let problem as Problem {
            return Page(title: "Invitation", section: nil, viewer: nil, status: problem.status,
                        content: .group(.h1(.text("Invitation")), .p(.text(problem.detail)), .p(.a(.href("/connexion"), .text("Aller à la connexion")))))
        }
        let needsAccount = try await Invitations.needsAccount(invitation, on: req.db)
        var fields: [Field] = []
        if needsAccount {
            fields = [
                Field(name: "displayName", label: "Votre nom", hint: "Tel que vos collègues le verront.", autocomplete: "name"),
                Field(name: "password", label: "Mot de passe", control: .password, hint: "12 caractères au moins ; une phrase se retient mieux.",
                      isRequired: true, autocomplete: "new-password"),
                Field(name: "confirmation", label: "Mot de passe, à nouveau", control: .password, isRequired: true, autocomplete: "new-password"),
            ]
        }
        let title = "Rejoindre « \(invitation.organisation.name) »"
        let content: BodyNode = .group(
            .h1(.text(title)),
            .p(.class("lead"), .text("Vous êtes invité(e) à rejoindre « \(invitation.organisation.name) » sur Pacte avec le rôle : \(invitation.role.label), à l'adresse \(invitation.email).")),
            .unwrap(state.formError) { .p(.class("error-summary"), .attribute(named: "role", value: "alert"), .text($0)) },
            .if(!needsAccount, .p(.text("Un compte existe déjà à cette adresse : acceptez, puis connectez-vous avec votre mot de passe habituel."))),
            errorSummary(state, fields: fields),
            .form(.class("stacked"), .method(.post), .action("/invitation/\(urlPart(token))"), .attribute(named: "novalidate"),
                  CSRF.field(try csrfIfSignedIn(req)),
                  .forEach(fields) { $0.render(state) },
                  .div(.class("form-actions"), .button(.class("button"), .type(.submit), .text("Accepter l'invitation"))))
        )
        return Page(title: title, section: nil, viewer: nil, status: state.hasErrors || state.formError != nil ? .unprocessableEntity : .ok,
                    content: content)
    }

    // MARK: My account

    static func accountPage(_ req: Request, state: FormState, newToken: String? = nil) async throws -> Page {
        let user = try await MyAccount.user(req)
        let viewer = try req.viewer()
        let memberships = try await MembershipModel.query(on: req.db).filter(\.$user.$id == user.requireID()).with(\.$organisation).all()
        let tokens = try await APITokenModel.query(on: req.db).filter(\.$user.$id == user.requireID()).sort(\.$createdAt).all()
        var state = state
        if state["displayName"].isEmpty { state.set("displayName", user.displayName) }
        let nameFields = [Field(name: "displayName", label: "Nom", isRequired: true, autocomplete: "name")]
        let passwordFields = [
            Field(name: "currentPassword", label: "Mot de passe actuel", control: .password, isRequired: true, autocomplete: "current-password"),
            Field(name: "newPassword", label: "Nouveau mot de passe", control: .password, hint: "12 caractères au moins. Vos autres sessions prendront fin.",
                  isRequired: true, autocomplete: "new-password"),
        ]
        let tokenFields = [
            Field(name: "name", label: "Nom du jeton", hint: "Pour le reconnaître, par exemple « Tableur du service financier ».", isRequired: true),
            Field(name: "expiresInDays", label: "Valable", control: .select([("30", "30 jours"), ("90", "90 jours"), ("365", "1 an")], placeholder: nil)),
        ]
        func form(_ action: String, _ fields: [Field], _ label: String) -> BodyNode {
            .form(.class("stacked"), .method(.post), .action(action), .attribute(named: "novalidate"), CSRF.field(viewer.csrf),
                  .forEach(fields) { $0.render(state) },
                  .div(.class("form-actions"), .button(.class("button"), .type(.submit), .text(label))))
        }
        let content: BodyNode = .group(
            .h1(.text("Mon compte")),
            notice(req),
            errorSummary(state, fields: nameFields + passwordFields + tokenFields),
            .p(.text("Adresse électronique : \(user.email)")),
            .h2(.text("Mes organisations")),
            memberships.isEmpty ? .p(.text("Aucune organisation.")) : .ul(.forEach(memberships) { membership in
                .li(.text("\(membership.organisation.name) — \(membership.role.label) — "),
                    .a(.href("/organisations/\(membership.$organisation.id)/membres"),
                       .text(membership.role == .orgAdmin ? "gérer les membres" : "voir les membres"),
                       .ariaLabel(escapeAttribute("Membres de \(membership.organisation.name)"))))
            }),
            .h2(.text("Nom")),
            form("/mon-compte/nom", nameFields, "Enregistrer le nom"),
            .h2(.text("Mot de passe")),
            form("/mon-compte/mot-de-passe", passwordFields, "Changer le mot de passe"),
            .h2(.id("jetons"), .text("Jetons d'API")),
            .unwrap(newToken) { token in
                .div(.class("notice"), .attribute(named: "role", value: "status"),
                     .p(.text("Jeton créé. Copiez-le maintenant : il ne sera plus affiché.")), .p(.code(.text(token))))
            },
            tokens.isEmpty ? .p(.text("Aucun jeton.")) : .div(.class("table-wrap"), .table(
                .caption(.text("Mes jetons d'API")),
                .thead(.tr(th("Nom"), th("Créé le"), th("Échéance"), th("Révocation"))),
                .tbody(.forEach(tokens) { token in
                    .tr(.th(.attribute(named: "scope", value: "row"), .text(token.name)), .td(.text(dateTime(token.createdAt))),
                        .td(.text(token.expiresAt.map { dateTime($0) } ?? "aucune")),
                        .td(.form(.method(.post), .action("/mon-compte/jetons/\(token.id!)/revoquer"), CSRF.field(viewer.csrf),
                                  .button(.class("button-link"), .type(.submit), .text("Révoquer"), .ariaLabel(escapeAttribute("Révoquer le jeton \(token.name)"))))))
                }))),
            form("/mon-compte/jetons", tokenFields, "Créer un jeton"),
            .h2(.text("Sessions")),
            .p(.text("Fermez toutes vos sessions ouvertes, sur tous les navigateurs et appareils (celle-ci comprise).")),
            .form(.method(.post), .action("/mon-compte/sessions/fin"), CSRF.field(viewer.csrf),
                  .button(.class("button"), .type(.submit), .text("Me déconnecter partout")))
        )
        return Page(title: "Mon compte", section: nil, viewer: viewer, breadcrumbs: [("Tableau de bord", "/"), ("Mon compte", nil)],
                    status: state.hasErrors || state.formError != nil ? .unprocessableEntity : .ok, content: content)
    }

    // MARK: Forgotten password

    static func forgottenPage(state: FormState, sent: String? = nil, csrf: String) -> Page {
        let fields = [Field(name: "email", label: "Adresse électronique", control: .email, isRequired: true, autocomplete: "email")]
        let content: BodyNode = .group(
            .h1(.text("Mot de passe oublié")),
            .unwrap(sent) { .p(.class("notice"), .attribute(named: "role", value: "status"), .text($0)) },
            .unwrap(state.formError) { .p(.class("error-summary"), .attribute(named: "role", value: "alert"), .text($0)) },
            .p(.class("lead"), .text("Indiquez l'adresse de votre compte : vous recevrez un lien pour choisir un nouveau mot de passe.")),
            errorSummary(state, fields: fields),
            .form(.class("stacked"), .method(.post), .action("/mot-de-passe-oublie"), .attribute(named: "novalidate"),
                  CSRF.field(csrf),
                  .forEach(fields) { $0.render(state) },
                  .div(.class("form-actions"), .button(.class("button"), .type(.submit), .text("Recevoir un lien")),
                       .a(.href("/connexion"), .text("Retour à la connexion"))))
        )
        return Page(title: "Mot de passe oublié", section: nil, viewer: nil,
                    status: state.hasErrors || state.formError != nil ? .unprocessableEntity : .ok, content: content)
    }

    static func resetPage(_ req: Request, state: FormState) async throws -> Page {
        let token = req.parameters.get("token") ?? ""
        do {
            _ = try await PasswordReset.usable(token: token, on: req.db)
        } catch let problem as Problem {
            return Page(title: "Nouveau mot de passe", section: nil, viewer: nil, status: problem.status,
                        content: .group(.h1(.text("Nouveau mot de passe")), .p(.text(problem.detail)),
                                        .p(.a(.href("/mot-de-passe-oublie"), .text("Demander un nouveau lien")))))
        }
        let fields = [
            Field(name: "newPassword", label: "Nouveau mot de passe", control: .password, hint: "12 caractères au moins. Toutes vos sessions prendront fin.",
                  isRequired: true, autocomplete: "new-password"),
            Field(name: "confirmation", label: "Nouveau mot de passe, à nouveau", control: .password, isRequired: true, autocomplete: "new-password"),
        ]
        let content: BodyNode = .group(
            .h1(.text("Nouveau mot de passe")),
            .unwrap(state.formError) { .p(.class("error-summary"), .attribute(named: "role", value: "alert"), .text($0)) },
            errorSummary(state, fields: fields),
            .form(.class("stacked"), .method(.post), .action("/mot-de-passe/\(urlPart(token))"), .attribute(named: "novalidate"),
                  CSRF.field(try csrfIfSignedIn(req)),
                  .forEach(fields) { $0.render(state) },
                  .div(.class("form-actions"), .button(.class("button"), .type(.submit), .text("Enregistrer le mot de passe"))))
        )
        return Page(title: "Nouveau mot de passe", section: nil, viewer: nil,
                    status: state.hasErrors || state.formError != nil ? .unprocessableEntity : .ok, content: content)
    }
}
