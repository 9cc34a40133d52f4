import Fluent
import Foundation
import PacteCore
import PacteStore
@testable import PacteWeb
import Testing
import Vapor

@Suite("Navigateur : connexion ProConnect et invitation d'un collègue", .serialized, .enabled(if: Browser.isInstalled || Browser.isRequired))
struct ProConnectBrowserTests {
    static let administrator = "agent.sezanne.ville@demo.pacte.fr"
    static let colleague = "collegue.sezanne@ville-sezanne.fr"

    @Test("« S'identifier avec ProConnect », page du fournisseur, retour connecté ; l'administrateur invite un collègue qui accepte et se connecte",
          arguments: Engine.available)
    func proConnectRoundTripThenInvitation(engine: Engine) async throws {
        guard ProConnectProvider.available() else { return }
        let claims = ["sub": "pc-camille-martin", "email": Self.administrator, "given_name": "Camille", "usual_name": "Martin",
                      "siret": "13002798000007"]
        try await ProConnectProvider.with(users: [claims]) { provider in
            try await withServedPacte(engine, settings: PacteSettings(bcryptCost: 4, oidc: provider.settings)) { base, app in
                // The agent administers the Ville de Sézanne.
                let sezanne = try #require(try await OrganisationModel.query(on: app.db).filter(\.$name == "Ville de Sézanne").first()?.id)
                let user = try #require(try await UserModel.query(on: app.db).filter(\.$email == Self.administrator).first()?.id)
                try await MembershipModel.query(on: app.db).filter(\.$user.$id == user).filter(\.$organisation.$id == sezanne)
                    .set(\.$role, to: .orgAdmin).update()

                try await Browser.withSession { browser in
                    try await browser.go("\(base)/connexion?retour=/organisations/\(sezanne)/membres")
                    #expect(try await browser.text(".proconnect-button") == "S'identifier avec ProConnect")
                    try await browser.screenshot(to: artefactPath("proconnect-01-connexion-\(engine)"))
                    try await browser.clickAndLoad(".proconnect-button")
                    // The provider's own page, on its own origin.
                    #expect(try await browser.currentURL.hasPrefix(provider.issuer + "/oauth2/authorize"))
                    try await browser.screenshot(to: artefactPath("proconnect-02-fournisseur-\(engine)"))
                    try await browser.clickAndLoad("button[name=sub][value='pc-camille-martin']")
                    try await browser.waitFor(".user-box", timeout: .seconds(10))
                    #expect(try await browser.currentURL == "\(base)/organisations/\(sezanne)/membres")
                    #expect(try await browser.text(".user-box").contains(Self.administrator))
                    #expect(try await UserModel.find(user, on: app.db)?.oidcSubject == "pc-camille-martin")

                    // The administrator invites a colleague; no mail relay: the link is shown.
                    try await browser.type("#f-email", Self.colleague)
                    try await browser.select("#f-role", value: MembershipRole.agent.rawValue)
                    try await browser.clickAndLoad("form[action$='/inviter'] button[type=submit]")
                    let link = try await browser.text(".notice code")
                    #expect(link.hasPrefix(base + "/invitation/"))
                    try await browser.screenshot(to: artefactPath("proconnect-03-invitation-\(engine)"))

                    // Signing out ends the session at the provider too, then comes back to Pacte.
                    try await browser.clickAndLoad(".user-box button[type=submit]")
                    #expect(try await browser.currentURL.hasPrefix(provider.issuer + "/oauth2/end_session"))
                    try await browser.clickAndLoad("form button[type=submit]")
                    #expect(try await browser.currentURL == "\(base)/connexion?fin=1")
                    #expect(try await browser.mainText().contains("Vous êtes déconnecté."))

                    // The colleague opens the link, chooses a password, is signed in…
                    try await browser.go(link)
                    try await browser.type("#f-displayName", "Dominique Bernard")
                    try await browser.type("#f-password", "une phrase de passe assez longue")
                    try await browser.type("#f-confirmation", "une phrase de passe assez longue")
                    try await browser.clickAndLoad("form.stacked button[type=submit]")
                    try await browser.waitFor(".user-box", timeout: .seconds(10))
                    #expect(try await browser.text(".user-box").contains(Self.colleague))
                    try await browser.screenshot(to: artefactPath("proconnect-04-collegue-\(engine)"))
                    try await browser.clickAndLoad(".user-box button[type=submit]")
                    #expect(try await browser.currentURL == "\(base)/connexion?fin=1")
                    // … and signs in again later with that password.
                    try await browser.signIn(base, email: Self.colleague, password: "une phrase de passe assez longue")
                    try await browser.go("\(base)/organisations/\(sezanne)/membres")
                    let members = try await browser.mainText()
                    #expect(members.contains("Dominique Bernard") && members.contains(Self.administrator))
                }
                let membership = try await MembershipModel.query(on: app.db).join(UserModel.self, on: \MembershipModel.$user.$id == \UserModel.$id)
                    .filter(UserModel.self, \.$email == Self.colleague).first()
                #expect(membership?.$organisation.id == sezanne && membership?.role == .agent)
            }
        }
    }
}
