import Foundation
import JWTKit
@testable import PacteWeb
import Testing

/// Each rule Pacte applies to the provider's tokens, one by one: a token breaking one rule is refused.
@Suite("ProConnect : contrôles du jeton d'identité et des informations d'identité")
struct OIDCTokenCheckTests {
    static let issuer = "https://auth.example.fr/api/v2"
    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    static func claims(iss: String = issuer, aud: [String] = ["pacte"], azp: String? = nil, exp: TimeInterval = 300, iat: TimeInterval = -10,
                       nonce: String? = "n-123") -> IDTokenClaims {
        IDTokenClaims(iss: IssuerClaim(value: iss), sub: SubjectClaim(value: "agent-1"), aud: AudienceClaim(value: aud),
                      exp: ExpirationClaim(value: now.addingTimeInterval(exp)), iat: IssuedAtClaim(value: now.addingTimeInterval(iat)),
                      nonce: nonce, azp: azp)
    }

    static func check(_ claims: IDTokenClaims) throws {
        try OIDCTokenCheck.idToken(claims, issuer: issuer, clientID: "pacte", nonce: "n-123", now: now)
    }

    @Test("Un jeton conforme passe ; l'émetteur peut finir par une barre oblique")
    func validToken() throws {
        try Self.check(Self.claims())
        try Self.check(Self.claims(iss: Self.issuer + "/"))
        try Self.check(Self.claims(aud: ["pacte", "autre"], azp: "pacte"))
    }

    @Test("Refusés : autre émetteur, autre audience, partie autorisée absente ou autre, expiré, daté du futur, nonce absent ou autre")
    func eachRuleRefuses() {
        let broken: [(String, IDTokenClaims)] = [
            ("émis par", Self.claims(iss: "https://pirate.example.fr")),
            ("pas destiné à Pacte", Self.claims(aud: ["autre-service"])),
            ("partie autorisée", Self.claims(aud: ["pacte", "autre"])),
            ("partie autorisée", Self.claims(azp: "autre-service")),
            ("expiré", Self.claims(exp: -200)),
            ("futur", Self.claims(iat: 600)),
            ("nonce", Self.claims(nonce: nil)),
            ("nonce", Self.claims(nonce: "n-456")),
        ]
        for (reason, claims) in broken {
            #expect {
                try Self.check(claims)
            } throws: { error in
                (error as? OIDCFailure)?.description.contains(reason) == true
            }
        }
    }

    @Test("Les informations d'identité : même personne, même émetteur, destinées à Pacte, avec une adresse")
    func userinfoRules() throws {
        let token = Self.claims()
        let good = OIDCIdentity(sub: "agent-1", email: "a@b.fr", givenName: "Camille", usualName: "Martin", siret: "13002798000007",
                                iss: Self.issuer, aud: AudienceClaim(value: ["pacte"]))
        try OIDCTokenCheck.userinfo(good, idToken: token, issuer: Self.issuer, clientID: "pacte")
        #expect(good.displayName == "Camille Martin")
        #expect(good.siren?.digits == "130027980")
        var other = good
        other.sub = "agent-2"
        var foreign = good
        foreign.iss = "https://pirate.example.fr"
        var elsewhere = good
        elsewhere.aud = AudienceClaim(value: ["autre"])
        var anonymous = good
        anonymous.email = nil
        for identity in [other, foreign, elsewhere, anonymous] {
            #expect(throws: OIDCFailure.self) { try OIDCTokenCheck.userinfo(identity, idToken: token, issuer: Self.issuer, clientID: "pacte") }
        }
        var badSiret = good
        badSiret.siret = "13002798000008"
        #expect(badSiret.siren == nil)
    }

    @Test("En-tête : ni « none », ni secret partagé, ni algorithme non annoncé")
    func headerAlgorithms() throws {
        func header(_ alg: String) throws -> JOSEHeader {
            let json = Data(#"{"alg":"\#(alg)","kid":"k1"}"#.utf8).base64URLEncodedString()
            return try JOSEHeader(token: json + ".e30.sig")
        }
        try header("RS256").check(allowed: nil)
        try header("ES256").check(allowed: ["RS256", "ES256"])
        #expect(try header("RS256").kid == "k1")
        for alg in ["none", "HS256"] {
            #expect(throws: OIDCFailure.self) { try header(alg).check(allowed: [alg, "RS256"]) }
        }
        #expect(throws: OIDCFailure.self) { try header("ES256").check(allowed: ["RS256"]) }
        #expect(throws: OIDCFailure.self) { try JOSEHeader(token: "pas-un-jeton") }
    }

    @Test("PKCE S256 : le vecteur de la RFC 7636 (annexe B)")
    func pkceVector() {
        #expect(PKCE.challenge(for: "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk") == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM")
    }

    @Test("Le secret du client va dans l'en-tête Basic, sauf si le fournisseur ne le prend que dans le formulaire")
    func clientSecretPlacement() throws {
        let json = #"{"issuer":"x","authorization_endpoint":"a","token_endpoint":"t","jwks_uri":"j"}"#
        var metadata = try JSONDecoder().decode(OIDCProviderMetadata.self, from: Data(json.utf8))
        #expect(!metadata.sendsSecretInForm)
        metadata.tokenEndpointAuthMethodsSupported = ["client_secret_post", "private_key_jwt"]
        #expect(metadata.sendsSecretInForm)
        metadata.tokenEndpointAuthMethodsSupported = ["client_secret_basic", "client_secret_post"]
        #expect(!metadata.sendsSecretInForm)
        #expect(ProConnectPages.formEncoded("a b:c/é") == "a%20b%3Ac%2F%C3%A9")
    }
}
