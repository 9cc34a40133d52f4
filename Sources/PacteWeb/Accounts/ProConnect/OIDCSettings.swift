import Foundation

/// How Pacte signs agents in with ProConnect (or any OpenID Connect provider): read from
/// `PACTE_OIDC_ISSUER`, `PACTE_OIDC_CLIENT_ID`, `PACTE_OIDC_CLIENT_SECRET` and, optionally,
/// `PACTE_OIDC_SCOPES`. Without an issuer, the ProConnect button is not shown.
public struct OIDCSettings: Sendable, Equatable {
    /// The issuer, without a trailing slash: the discovery document is read at
    /// `<issuer>/.well-known/openid-configuration` and must name this same issuer.
    public var issuer: String
    public var clientID: String
    public var clientSecret: String
    /// ProConnect asks one scope per claim.
    public var scopes: String

    public static let defaultScopes = "openid email given_name usual_name siret uid"

    public init(issuer: String, clientID: String, clientSecret: String, scopes: String = OIDCSettings.defaultScopes) {
        self.issuer = issuer.hasSuffix("/") ? String(issuer.dropLast()) : issuer
        self.clientID = clientID
        self.clientSecret = clientSecret
        self.scopes = scopes
    }

    /// nil when `PACTE_OIDC_ISSUER` is not set; an error naming what is missing when it is set
    /// without the client's identifier or secret, or is not an address.
    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) throws -> OIDCSettings? {
        guard let issuer = environment["PACTE_OIDC_ISSUER"]?.trimmingCharacters(in: .whitespaces), !issuer.isEmpty else { return nil }
        guard let url = URL(string: issuer), ["https", "http"].contains(url.scheme ?? ""), url.host != nil else {
            throw OIDCSettingsError("PACTE_OIDC_ISSUER illisible : « \(issuer) » (attendu https://…, par exemple https://proconnect.gouv.fr/api/v2).")
        }
        let missing = ["PACTE_OIDC_CLIENT_ID", "PACTE_OIDC_CLIENT_SECRET"].filter { (environment[$0] ?? "").isEmpty }
        guard missing.isEmpty else {
            throw OIDCSettingsError("PACTE_OIDC_ISSUER est défini mais pas \(missing.joined(separator: " ni ")) : donnez l'identifiant et le secret que ProConnect a attribués à Pacte.")
        }
        var scopes = environment["PACTE_OIDC_SCOPES"]?.trimmingCharacters(in: .whitespaces) ?? ""
        if scopes.isEmpty { scopes = defaultScopes }
        if !scopes.split(separator: " ").contains("openid") { scopes = "openid " + scopes }
        return OIDCSettings(issuer: issuer, clientID: environment["PACTE_OIDC_CLIENT_ID"]!, clientSecret: environment["PACTE_OIDC_CLIENT_SECRET"]!,
                            scopes: scopes)
    }

    /// The provider's origin (scheme, host and port), which the pages' `form-action` must allow:
    /// signing out posts a form that ends at the provider.
    public var origin: String {
        guard let url = URL(string: issuer), let scheme = url.scheme, let host = url.host else { return issuer }
        return url.port.map { "\(scheme)://\(host):\($0)" } ?? "\(scheme)://\(host)"
    }
}

public struct OIDCSettingsError: Error, CustomStringConvertible, Sendable {
    public let description: String
    init(_ description: String) { self.description = description }
}
