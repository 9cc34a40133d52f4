import Fluent
import Foundation
import JWTKit
import PacteCore
import PacteStore
import Plot
import Vapor

/// Sign-in with ProConnect: the authorisation code flow with PKCE, `state` and `nonce`
/// (OpenID Connect Core 1.0, §3.1), and sign-out at the provider.
enum ProConnectPages {
    /// Binds the return to the browser that left: it holds the `state`.
    static let cookieName = "pacte_proconnect"
    static let startPath = "/connexion/proconnect"
    static let returnPath = "/connexion/proconnect/retour"
    static let signedOutPath = "/connexion/proconnect/fin"
    /// Where the ID token is kept in the session, for the provider's sign-out (`id_token_hint`).
    static let idTokenKey = "oidc_id_token"

    static func register(on routes: any RoutesBuilder) {
        routes.get("connexion", "proconnect") { req async throws -> Response in
            guard let provider = req.application.oidcProvider else { throw Problem.notFound("Connexion ProConnect") }
            let back = SignInPages.safeReturn(req.query[String.self, at: "retour"])
            if req.principal != nil { return req.redirect(to: back) }
            do {
                return try await start(req, provider: provider, returnTo: back)
            } catch let failure as OIDCFailure {
                return try await failurePage(req, failure.description)
            }
        }
        routes.get("connexion", "proconnect", "retour") { req async throws -> Response in
            guard let provider = req.application.oidcProvider else { throw Problem.notFound("Connexion ProConnect") }
            let response: Response
            do {
                response = try await finish(req, provider: provider)
            } catch let failure as OIDCFailure {
                response = try await failurePage(req, failure.description)
            }
            response.cookies[cookieName] = expiredCookie
            return response
        }
        routes.get("connexion", "proconnect", "fin") { req in
            req.redirect(to: "/connexion?fin=1")
        }
    }

    // MARK: - Leaving for the provider

    static func start(_ req: Request, provider: OIDCProvider, returnTo: String) async throws -> Response {
        let settings = provider.settings
        let metadata = try await provider.metadata(using: req.client)
        let state = TokenHash.newToken(prefix: "")
        let nonce = TokenHash.newToken(prefix: "")
        let verifier = TokenHash.newToken(prefix: "")
        let now = Date()
        try await OIDCSignInModel.query(on: req.db).filter(\.$expiresAt < now).delete()
        try await OIDCSignInModel(id: UUID(), stateHash: TokenHash.of(state), nonce: nonce, codeVerifier: verifier, returnTo: returnTo,
                                  expiresAt: now.addingTimeInterval(OIDCSignInModel.validity)).create(on: req.db)
        var location = URLComponents(string: metadata.authorizationEndpoint) ?? URLComponents()
        location.queryItems = (location.queryItems ?? []) + [
            URLQueryItem(name: "response_type", value: "code"),
            URLQueryItem(name: "client_id", value: settings.clientID),
            URLQueryItem(name: "redirect_uri", value: req.publicBase + returnPath),
            URLQueryItem(name: "scope", value: settings.scopes),
            URLQueryItem(name: "state", value: state),
            URLQueryItem(name: "nonce", value: nonce),
            URLQueryItem(name: "code_challenge", value: PKCE.challenge(for: verifier)),
            URLQueryItem(name: "code_challenge_method", value: "S256"),
        ]
        let response = req.redirect(to: location.string ?? metadata.authorizationEndpoint)
        // Lax, not Strict: the provider sends the browser back with a top-level GET.
        response.cookies[cookieName] = HTTPCookies.Value(string: state, maxAge: Int(OIDCSignInModel.validity), path: startPath,
                                                          isSecure: req.application.pacteSettings.secureCookies, isHTTPOnly: true, sameSite: .lax)
        return response
    }

    static var expiredCookie: HTTPCookies.Value {
        HTTPCookies.Value(string: "", expires: Date(timeIntervalSince1970: 0), maxAge: 0, path: startPath, isHTTPOnly: true)
    }

    // MARK: - Coming back

    static func finish(_ req: Request, provider: OIDCProvider) async throws -> Response {
        if let error = req.query[String.self, at: "error"] {
            let detail = req.query[String.self, at: "error_description"].map { " (\($0))" } ?? ""
            throw OIDCFailure(error == "access_denied"
                ? "La connexion avec ProConnect a été annulée."
                : "ProConnect a refusé la connexion : \(error)\(detail).")
        }
        let pending = try await takePending(req)
        guard let code = req.query[String.self, at: "code"], !code.isEmpty else {
            throw OIDCFailure("ProConnect n'a pas renvoyé de code d'autorisation. Recommencez la connexion.")
        }
        let settings = provider.settings
        let metadata = try await provider.metadata(using: req.client)
        let tokens = try await exchange(code: code, verifier: pending.codeVerifier, req: req, settings: settings, metadata: metadata)
        let idToken = try await verify(tokens.idToken, as: IDTokenClaims.self, provider: provider, metadata: metadata, req: req)
        try OIDCTokenCheck.idToken(idToken, issuer: settings.issuer, clientID: settings.clientID, nonce: pending.nonce)
        let identity = try await userinfo(accessToken: tokens.accessToken, idToken: tokens.idToken, provider: provider, metadata: metadata, req: req)
        try OIDCTokenCheck.userinfo(identity, idToken: idToken, issuer: settings.issuer, clientID: settings.clientID)
        switch try await ProConnectLink.resolve(identity, on: req.db) {
        case .signIn(let user):
            try await Accounts.openSession(req, user)
            req.session.data[idTokenKey] = tokens.idToken
            return req.redirect(to: pending.returnTo, redirectType: .normal)
        case .refused(let reason):
            return try await failurePage(req, reason, status: .forbidden)
        case .unknown(let email, let organisations, let administrators):
            return try await unknownPage(req, email: email, siret: identity.siret, organisations: organisations, administrators: administrators)
        }
    }

    /// The sign-in this browser started: its cookie and the returned `state` must agree, and the
    /// record is deleted as it is read, so that a return works once.
    static func takePending(_ req: Request) async throws -> OIDCSignInModel {
        guard let state = req.query[String.self, at: "state"], !state.isEmpty,
              let cookie = req.cookies[cookieName]?.string, constantTimeEqual(cookie, state) else {
            throw OIDCFailure("Ce retour de ProConnect ne correspond à aucune connexion commencée dans ce navigateur (ou celle-ci a expiré). Recommencez la connexion.")
        }
        let hash = TokenHash.of(state)
        let found = try await Store.write(on: req.db) { tx -> OIDCSignInModel? in
            guard let pending = try await OIDCSignInModel.query(on: tx).filter(\.$stateHash == hash).first() else { return nil }
            try await pending.delete(on: tx)
            return pending
        }
        guard let found, found.expiresAt > Date() else {
            throw OIDCFailure("Cette connexion ProConnect a déjà servi ou a expiré (10 minutes). Recommencez la connexion.")
        }
        return found
    }

    struct TokenResponse: Decodable {
        var accessToken: String
        var idToken: String
        enum CodingKeys: String, CodingKey {
            case accessToken = "access_token"
            case idToken = "id_token"
        }
    }

    struct TokenRequest: Content {
        var grant_type = "authorization_code"
        var code: String
        var redirect_uri: String
        var code_verifier: String
        var client_id: String
        var client_secret: String?
    }

    static func exchange(code: String, verifier: String, req: Request, settings: OIDCSettings, metadata: OIDCProviderMetadata) async throws -> TokenResponse {
        let inForm = metadata.sendsSecretInForm
        let body = TokenRequest(code: code, redirect_uri: req.publicBase + returnPath, code_verifier: verifier, client_id: settings.clientID,
                                client_secret: inForm ? settings.clientSecret : nil)
        var headers = HTTPHeaders()
        if !inForm {
            // RFC 6749 §2.3.1: both parts form-encoded before the Basic encoding.
            let user = formEncoded(settings.clientID), password = formEncoded(settings.clientSecret)
            headers.basicAuthorization = BasicAuthorization(username: user, password: password)
        }
        let response: ClientResponse
        do {
            response = try await req.client.post(URI(string: metadata.tokenEndpoint), headers: headers) { request in
                try request.content.encode(body, as: .urlEncodedForm)
            }
        } catch {
            throw OIDCFailure.unreachable("échange du code")
        }
        guard response.status == .ok, let tokens = try? response.content.decode(TokenResponse.self, using: JSONDecoder()) else {
            req.logger.warning("ProConnect token endpoint answered \(response.status.code): \(response.body.map { String(buffer: $0) } ?? "")")
            throw OIDCFailure("ProConnect a refusé l'échange du code d'autorisation (statut \(response.status.code)). Recommencez la connexion.")
        }
        return tokens
    }

    static func formEncoded(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }

    /// A token signed by the provider, checked with its published keys.
    static func verify<Payload: JWTPayload>(_ token: String, as: Payload.Type, provider: OIDCProvider, metadata: OIDCProviderMetadata,
                                             req: Request) async throws -> Payload {
        let header = try JOSEHeader(token: token)
        try header.check(allowed: metadata.idTokenSigningAlgValuesSupported)
        let keys = try await provider.keys(using: req.client, kid: header.kid)
        do {
            return try await keys.verify(token, as: Payload.self)
        } catch {
            req.logger.warning("ProConnect token refused: \(error)")
            throw OIDCFailure("Jeton de ProConnect refusé : sa signature ne correspond à aucune clé publiée par ProConnect.")
        }
    }

    /// Userinfo, as a signed JWT (ProConnect) or as JSON; from the ID token when the provider has no
    /// userinfo endpoint.
    static func userinfo(accessToken: String, idToken: String, provider: OIDCProvider, metadata: OIDCProviderMetadata,
                         req: Request) async throws -> OIDCIdentity {
        guard let endpoint = metadata.userinfoEndpoint else {
            return try await verify(idToken, as: OIDCIdentity.self, provider: provider, metadata: metadata, req: req)
        }
        var headers = HTTPHeaders()
        headers.bearerAuthorization = BearerAuthorization(token: accessToken)
        let response: ClientResponse
        do {
            response = try await req.client.get(URI(string: endpoint), headers: headers)
        } catch {
            throw OIDCFailure.unreachable("informations d'identité")
        }
        guard response.status == .ok, let body = response.body else {
            throw OIDCFailure("ProConnect a refusé de donner les informations d'identité (statut \(response.status.code)).")
        }
        let text = String(buffer: body)
        if response.headers.contentType?.subType == "jwt" {
            return try await verify(text.trimmingCharacters(in: .whitespacesAndNewlines), as: OIDCIdentity.self, provider: provider,
                                    metadata: metadata, req: req)
        }
        guard let identity = try? JSONDecoder().decode(OIDCIdentity.self, from: Data(text.utf8)) else {
            throw OIDCFailure("Informations d'identité de ProConnect illisibles.")
        }
        return identity
    }

    // MARK: - Signing out

    /// Where the browser goes once its Pacte session has ended: the provider's sign-out when the
    /// session came from ProConnect (its ID token in hand), else the sign-in form.
    static func signOutLocation(_ req: Request) async -> String {
        let local = "/connexion?fin=1"
        guard let provider = req.application.oidcProvider, req.hasSession, let idToken = req.session.data[idTokenKey],
              let endpoint = try? await provider.metadata(using: req.client).endSessionEndpoint,
              var location = URLComponents(string: endpoint) else { return local }
        location.queryItems = (location.queryItems ?? []) + [
            URLQueryItem(name: "id_token_hint", value: idToken),
            URLQueryItem(name: "state", value: TokenHash.newToken(prefix: "")),
            URLQueryItem(name: "post_logout_redirect_uri", value: req.publicBase + signedOutPath),
        ]
        return location.string ?? local
    }

    // MARK: - Pages

    static func failurePage(_ req: Request, _ message: String, status: HTTPResponseStatus = .badRequest) async throws -> Response {
        let content: BodyNode = .div(
            .class("signin"),
            .h1(.text("Connexion avec ProConnect")),
            .div(.class("notice error"), .attribute(named: "role", value: "alert"), .p(.text(message))),
            .p(.a(.class("button"), .href("/connexion"), .text("Revenir à la connexion")))
        )
        return try await Page(title: "Connexion avec ProConnect", section: nil, viewer: nil, status: status, content: content).encodeResponse(for: req)
    }

    static func unknownPage(_ req: Request, email: String, siret: String?, organisations: [OrganisationModel],
                            administrators: [UserModel]) async throws -> Response {
        let asking: BodyNode
        if !organisations.isEmpty {
            asking = .group(
                .p(.text("Votre organisation utilise Pacte : "), .strong(.text(organisations.map(\.name).joined(separator: ", "))),
                   .text(". Demandez une invitation à son administrateur :")),
                administrators.isEmpty
                    ? .p(.text("cette organisation n'a pas encore d'administrateur dans Pacte ; adressez-vous à l'administrateur de la plateforme."))
                    : .ul(.forEach(administrators) { .li(.text("\($0.displayName) — "), .a(.href("mailto:\($0.email)"), .text($0.email))) })
            )
        } else {
            asking = .group(
                .p(.text(siret.map { "Votre organisation (SIRET \($0)) n'a pas encore de compte dans Pacte." }
                         ?? "ProConnect n'a pas indiqué votre organisation.")),
                .p(.text("Demandez à l'administrateur de votre organisation de vous inviter"),
                   .if(!administrators.isEmpty, .text(", ou à l'administrateur de la plateforme :")),
                   .if(administrators.isEmpty, .text("."))),
                .if(!administrators.isEmpty, .ul(.forEach(administrators) { .li(.text("\($0.displayName) — "), .a(.href("mailto:\($0.email)"), .text($0.email))) }))
            )
        }
        let content: BodyNode = .div(
            .class("signin"),
            .h1(.text("Pas encore de compte Pacte")),
            .div(.class("notice warning"), .attribute(named: "role", value: "status"),
                 .p(.text("ProConnect vous a bien identifié (\(email)), mais aucun compte Pacte ni aucune invitation n'existe pour cette adresse. Pacte n'ouvre pas d'accès sans l'accord d'un administrateur."))),
            asking,
            .p(.text("Une fois invité, reconnectez-vous avec ProConnect : votre compte sera ouvert et lié à votre identité ProConnect.")),
            .p(.a(.class("button secondary"), .href("/connexion"), .text("Revenir à la connexion")))
        )
        return try await Page(title: "Pas encore de compte Pacte", section: nil, viewer: nil, status: .forbidden, content: content).encodeResponse(for: req)
    }

    /// The button on the sign-in form, shown when ProConnect is configured.
    static func button(returnTo: String) -> Node<HTML.BodyContext> {
        .div(
            .class("proconnect"),
            .a(.class("button proconnect-button"), .href(startPath + "?retour=" + urlPart(returnTo)),
               .span(.text("S'identifier avec ProConnect"))),
            .p(.a(.href("https://www.proconnect.gouv.fr/"), .attribute(named: "target", value: "_blank"), .attribute(named: "rel", value: "noopener"),
                  .text("Qu'est-ce que ProConnect ?"))),
            .p(.class("separator"), .text("ou avec votre adresse et votre mot de passe"))
        )
    }
}
