import Fluent
import Foundation
import PacteCore
import PacteStore
import Plot
import Vapor

/// Sign-in and sign-out for browsers. The sign-in form carries a token matched against a short-lived
/// cookie (login CSRF); a fresh session is created only once the password is right.
enum SignInPages {
    static let cookieName = "pacte_connexion"

    static func register(on routes: any RoutesBuilder) {
        ProConnectPages.register(on: routes)
        routes.get("connexion") { req async throws -> Response in
            if req.principal != nil { return req.redirect(to: safeReturn(req.query[String.self, at: "retour"])) }
            return try await form(req, state: FormState(values: ["retour": [req.query[String.self, at: "retour"] ?? "/"]]))
        }
        routes.post("connexion") { req async throws -> Response in
            var state = try FormState(request: req)
            guard let expected = req.cookies[cookieName]?.string, !state["_csrf"].isEmpty, expected == state["_csrf"] else {
                state.formError = "Le formulaire a expiré : saisissez à nouveau vos identifiants."
                state.set("password", nil)
                return try await form(req, state: state, status: .forbidden)
            }
            let email = state.required("email", "Adresse électronique")
            let password = state.required("password", "Mot de passe")
            state.set("password", nil)
            guard let email, let password else { return try await form(req, state: state, status: .unprocessableEntity) }
            do {
                let user = try await Accounts.authenticate(email: email, password: password, request: req)
                try await Accounts.openSession(req, user)
                let response = req.redirect(to: safeReturn(state["retour"]), redirectType: .normal)
                response.cookies[cookieName] = HTTPCookies.Value(string: "", expires: Date(timeIntervalSince1970: 0), maxAge: 0, path: "/connexion", isHTTPOnly: true)
                return response
            } catch let problem as Problem {
                state.formError = problem.detail
                return try await form(req, state: state, status: problem.status)
            }
        }
        routes.post("deconnexion") { req async throws -> Response in
            // Read before the session ends: a ProConnect session also ends at the provider.
            let next = await ProConnectPages.signOutLocation(req)
            if req.hasSession { req.session.destroy() }
            return req.redirect(to: next, redirectType: .normal)
        }
    }

    /// Only local paths: an address from the query must not send the user to another site.
    static func safeReturn(_ path: String?) -> String {
        guard let path, path.hasPrefix("/"), !path.hasPrefix("//"), !path.contains("\\") else { return "/" }
        return path
    }

    static func form(_ req: Request, state: FormState, status: HTTPResponseStatus = .ok) async throws -> Response {
        let token = TokenHash.newToken(prefix: "")
        var state = state
        let fields = [
            Field(name: "email", label: "Adresse électronique", control: .email, isRequired: true, autocomplete: "username"),
            Field(name: "password", label: "Mot de passe", control: .password, isRequired: true, autocomplete: "current-password"),
        ]
        let ended = req.query[String.self, at: "fin"] != nil && !state.hasErrors
        if state.formError != nil && state.errors.isEmpty { state.errors = [:] }
        let content: BodyNode = .div(
            .class("signin"),
            .h1(.text("Connexion à Pacte")),
            .if(ended, .p(.class("notice ok"), .attribute(named: "role", value: "status"), .text("Vous êtes déconnecté."))),
            .unwrap(state.formError) { .div(.class("notice error"), .attribute(named: "role", value: "alert"), .id("erreurs"), .p(.text($0))) },
            .if(req.application.oidcProvider != nil, ProConnectPages.button(returnTo: safeReturn(state["retour"]))),
            .form(
                .class("stacked"), .method(.post), .action("/connexion"),
                .input(.type(.hidden), .name("_csrf"), .value(token)),
                .input(.type(.hidden), .name("retour"), .value(escapeAttribute(safeReturn(state["retour"])))),
                .forEach(fields) { $0.render(state) },
                .div(.class("form-actions"), .button(.class("button"), .type(.submit), .text("Se connecter")))
            ),
            .p(.class("muted"), .text("Après 5 essais manqués sur un compte, la connexion est suspendue 15 minutes."))
        )
        let page = Page(title: "Connexion", section: nil, viewer: nil, status: status, content: content)
        let response = try await page.encodeResponse(for: req)
        response.cookies[cookieName] = HTTPCookies.Value(string: token, maxAge: 3600, path: "/connexion",
                                                          isSecure: req.application.pacteSettings.secureCookies, isHTTPOnly: true, sameSite: .strict)
        return response
    }
}
