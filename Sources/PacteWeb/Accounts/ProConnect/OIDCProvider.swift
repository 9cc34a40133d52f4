import Foundation
import JWTKit
import Vapor

/// What the discovery document says of the provider (OpenID Connect Discovery 1.0, §3).
struct OIDCProviderMetadata: Codable, Sendable, Equatable {
    var issuer: String
    var authorizationEndpoint: String
    var tokenEndpoint: String
    var userinfoEndpoint: String?
    var jwksURI: String
    var endSessionEndpoint: String?
    var idTokenSigningAlgValuesSupported: [String]?
    var tokenEndpointAuthMethodsSupported: [String]?

    enum CodingKeys: String, CodingKey {
        case issuer
        case authorizationEndpoint = "authorization_endpoint"
        case tokenEndpoint = "token_endpoint"
        case userinfoEndpoint = "userinfo_endpoint"
        case jwksURI = "jwks_uri"
        case endSessionEndpoint = "end_session_endpoint"
        case idTokenSigningAlgValuesSupported = "id_token_signing_alg_values_supported"
        case tokenEndpointAuthMethodsSupported = "token_endpoint_auth_methods_supported"
    }

    /// The client secret goes in the Basic header unless the provider takes it only in the form.
    var sendsSecretInForm: Bool {
        guard let methods = tokenEndpointAuthMethodsSupported, !methods.isEmpty else { return false }
        return !methods.contains("client_secret_basic") && methods.contains("client_secret_post")
    }
}

/// A sign-in that cannot go on; the message is for the agent, in French.
struct OIDCFailure: Error, CustomStringConvertible, Sendable {
    let description: String
    init(_ description: String) { self.description = description }

    static func unreachable(_ what: String) -> OIDCFailure {
        OIDCFailure("ProConnect ne répond pas (\(what)) : réessayez dans quelques minutes ou connectez-vous avec votre mot de passe.")
    }
}

/// The provider's discovery document and signing keys, read when first needed and kept an hour;
/// the keys are read again at once when a token names a key Pacte does not know (key rotation).
actor OIDCProvider {
    let settings: OIDCSettings
    private var metadata: (value: OIDCProviderMetadata, readAt: Date)?
    private var keys: (value: JWTKeyCollection, kids: Set<String>, readAt: Date)?
    static let freshness: TimeInterval = 3_600

    init(settings: OIDCSettings) { self.settings = settings }

    func metadata(using client: any Client) async throws -> OIDCProviderMetadata {
        if let metadata, Date().timeIntervalSince(metadata.readAt) < Self.freshness { return metadata.value }
        let response: ClientResponse
        do {
            response = try await client.get(URI(string: settings.issuer + "/.well-known/openid-configuration"))
        } catch {
            throw OIDCFailure.unreachable("document de découverte")
        }
        guard response.status == .ok, let decoded = try? response.content.decode(OIDCProviderMetadata.self, using: JSONDecoder()) else {
            throw OIDCFailure.unreachable("document de découverte illisible, statut \(response.status.code)")
        }
        // Discovery §4.3: the document must name the issuer it was read from.
        guard decoded.issuer.trimmingSlash == settings.issuer else {
            throw OIDCFailure("Le document de découverte de ProConnect annonce l'émetteur « \(decoded.issuer) » au lieu de « \(settings.issuer) » : vérifiez PACTE_OIDC_ISSUER.")
        }
        metadata = (decoded, Date())
        return decoded
    }

    /// The keys, read again when `kid` is unknown to the ones kept (at most once a minute).
    func keys(using client: any Client, kid: String?) async throws -> JWTKeyCollection {
        if let keys, Date().timeIntervalSince(keys.readAt) < Self.freshness,
           kid.map(keys.kids.contains) ?? true || Date().timeIntervalSince(keys.readAt) < 60 {
            return keys.value
        }
        let location = try await metadata(using: client).jwksURI
        let response: ClientResponse
        do {
            response = try await client.get(URI(string: location))
        } catch {
            throw OIDCFailure.unreachable("clés de signature")
        }
        guard response.status == .ok, let body = response.body, let jwks = try? JSONDecoder().decode(JWKS.self, from: Data(buffer: body)) else {
            throw OIDCFailure.unreachable("clés de signature illisibles")
        }
        let collection = JWTKeyCollection()
        var kids = Set<String>()
        for key in jwks.keys where key.keyIdentifier != nil {
            // A key Pacte cannot use (an encryption key, an unknown type) is skipped, not fatal.
            if (try? await collection.add(jwk: key)) != nil, let kid = key.keyIdentifier { kids.insert(kid.string) }
        }
        guard !kids.isEmpty else { throw OIDCFailure.unreachable("aucune clé de signature utilisable") }
        keys = (collection, kids, Date())
        return collection
    }
}

extension String {
    var trimmingSlash: String { hasSuffix("/") ? String(dropLast()) : self }
}

struct OIDCProviderKey: StorageKey { typealias Value = OIDCProvider }

extension Application {
    /// The configured provider, or nil when ProConnect is not set up.
    var oidcProvider: OIDCProvider? {
        get { storage[OIDCProviderKey.self] }
        set { storage[OIDCProviderKey.self] = newValue }
    }
}
