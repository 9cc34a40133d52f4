import Foundation
import JWTKit
import PacteCore
import Vapor

/// The claims of an ID token that Pacte checks (OpenID Connect Core 1.0, §3.1.3.7). The signature
/// is checked by JWTKit; the claims that need the sign-in's context by `OIDCTokenCheck`.
struct IDTokenClaims: JWTPayload, Equatable {
    var iss: IssuerClaim
    var sub: SubjectClaim
    var aud: AudienceClaim
    var exp: ExpirationClaim
    var iat: IssuedAtClaim
    var nonce: String?
    var azp: String?

    func verify(using _: some JWTAlgorithm) throws {}
}

/// Who the provider says the agent is. ProConnect answers userinfo as a signed JWT; other
/// providers as JSON. `siret` is the agent's establishment.
struct OIDCIdentity: JWTPayload, Equatable {
    var sub: String
    var email: String?
    var givenName: String?
    var usualName: String?
    var familyName: String?
    var siret: String?
    var iss: String?
    var aud: AudienceClaim?

    enum CodingKeys: String, CodingKey {
        case sub, email, siret, iss, aud
        case givenName = "given_name"
        case usualName = "usual_name"
        case familyName = "family_name"
    }

    func verify(using _: some JWTAlgorithm) throws {}

    /// « Prénom Nom », as colleagues see it.
    var displayName: String? {
        let parts = [givenName, usualName ?? familyName].compactMap { $0?.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        return parts.isEmpty ? nil : parts.joined(separator: " ")
    }

    /// The agent's organisation: the first nine digits of a valid SIRET.
    var siren: Siren? { siret.flatMap { try? Siret($0) }?.siren }
}

/// The checks of the ID token and userinfo claims that depend on the sign-in: pure, so that each
/// rule has its own test.
enum OIDCTokenCheck {
    /// Tokens issued up to this far in the future are accepted: the two clocks may differ a little.
    static let clockSkew: TimeInterval = 120

    static func idToken(_ claims: IDTokenClaims, issuer: String, clientID: String, nonce: String, now: Date = Date()) throws {
        guard claims.iss.value.trimmingSlash == issuer else {
            throw OIDCFailure("Jeton d'identité refusé : émis par « \(claims.iss.value) » et non par \(issuer).")
        }
        guard claims.aud.value.contains(clientID) else {
            throw OIDCFailure("Jeton d'identité refusé : il n'est pas destiné à Pacte (audience « \(claims.aud.value.joined(separator: ", ")) »).")
        }
        // Core §3.1.3.7, 4–5: with several audiences, the authorised party must be Pacte.
        if claims.aud.value.count > 1 || claims.azp != nil, claims.azp != clientID {
            throw OIDCFailure("Jeton d'identité refusé : la partie autorisée (azp) n'est pas Pacte.")
        }
        guard claims.exp.value > now.addingTimeInterval(-clockSkew) else {
            throw OIDCFailure("Jeton d'identité refusé : il a expiré. Recommencez la connexion.")
        }
        guard claims.iat.value < now.addingTimeInterval(clockSkew) else {
            throw OIDCFailure("Jeton d'identité refusé : il est daté du futur. Vérifiez l'horloge du serveur.")
        }
        guard let presented = claims.nonce, constantTimeEqual(presented, nonce) else {
            throw OIDCFailure("Jeton d'identité refusé : il ne répond pas à cette demande de connexion (nonce). Recommencez la connexion.")
        }
    }

    /// Userinfo must speak of the same person as the ID token, and, when signed, come from the
    /// provider for Pacte.
    static func userinfo(_ identity: OIDCIdentity, idToken: IDTokenClaims, issuer: String, clientID: String) throws {
        guard identity.sub == idToken.sub.value else {
            throw OIDCFailure("Réponse de ProConnect refusée : les informations d'identité ne concernent pas la personne connectée.")
        }
        if let iss = identity.iss, iss.trimmingSlash != issuer {
            throw OIDCFailure("Réponse de ProConnect refusée : informations d'identité émises par « \(iss) ».")
        }
        if let aud = identity.aud, !aud.value.contains(clientID) {
            throw OIDCFailure("Réponse de ProConnect refusée : informations d'identité destinées à un autre service.")
        }
        guard let email = identity.email, email.contains("@") else {
            throw OIDCFailure("ProConnect n'a pas transmis d'adresse électronique : Pacte en a besoin pour retrouver votre compte.")
        }
    }
}

/// A signed token's header, read before its signature is checked to pick the key.
struct JOSEHeader: Decodable {
    var alg: String
    var kid: String?

    init(token: String) throws {
        guard let first = token.split(separator: ".", omittingEmptySubsequences: false).first,
              let data = Data(base64URLEncoded: String(first)),
              let header = try? JSONDecoder().decode(JOSEHeader.self, from: data) else {
            throw OIDCFailure("Jeton de ProConnect illisible.")
        }
        self = header
    }

    /// Only the asymmetric algorithms the provider announces; never `none` nor a shared secret.
    func check(allowed: [String]?) throws {
        let announced = allowed ?? ["RS256"]
        guard alg != "none", !alg.hasPrefix("HS"), announced.contains(alg) else {
            throw OIDCFailure("Jeton de ProConnect refusé : algorithme de signature « \(alg) » non admis.")
        }
    }
}

/// RFC 7636: the verifier stays with Pacte, its S256 hash goes to the provider.
enum PKCE {
    static func challenge(for verifier: String) -> String {
        Data(SHA256.hash(data: Data(verifier.utf8))).base64URLEncodedString()
    }
}

extension Data {
    init?(base64URLEncoded text: String) {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        self.init(base64Encoded: base64)
    }

    func base64URLEncodedString() -> String {
        base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
