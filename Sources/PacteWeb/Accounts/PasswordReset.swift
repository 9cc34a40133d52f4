import Fluent
import Foundation
import PacteCore
import PacteStore
import Vapor

public struct PasswordResetIn: Documented {
    public var email: String
    public static var example: PasswordResetIn { PasswordResetIn(email: "agent@ville-sezanne.fr") }
}

public struct PasswordResetAnswer: Documented {
    public var message: String
    public static var example: PasswordResetAnswer { PasswordResetAnswer(message: PasswordReset.answer) }
}

public struct PasswordResetConfirmIn: Documented {
    public var token: String
    public var newPassword: String
    public static var example: PasswordResetConfirmIn { PasswordResetConfirmIn(token: "…", newPassword: "une nouvelle phrase de passe") }
}

/// A forgotten password: a single-use link valid one hour, mailed to the address if an active
/// account holds it. The answer is the same whether it does or not, and so is its timing: the
/// look-up and the mail happen after the answer, in the background.
enum PasswordReset {
    static let answer = "Si un compte correspond à cette adresse, un courriel vient de lui être envoyé avec un lien valable une heure. Pensez à regarder dans les indésirables."
    /// Requests per address and per network address in 15 minutes.
    static let perAddress = 3
    static let perNetwork = 20

    static func request(_ req: Request, email text: String) async throws -> PasswordResetAnswer {
        let email = text.trimmingCharacters(in: .whitespaces).lowercased()
        guard !email.isEmpty else { throw Problem.invalid("email", "Indiquez votre adresse électronique.") }
        // Counted beside the sign-in attempts, under keys that sign-in never reads.
        let network = "reset:" + SignInLimiter.address(of: req)
        let key = "reset:" + email
        let since = Date().addingTimeInterval(-SignInLimiter.window)
        let byAddress = try await LoginAttemptModel.query(on: req.db).filter(\.$email == key).filter(\.$attemptedAt >= since).count()
        let byNetwork = try await LoginAttemptModel.query(on: req.db).filter(\.$address == network).filter(\.$attemptedAt >= since).count()
        if byAddress >= perAddress || byNetwork >= perNetwork {
            throw Problem(.tooManyRequests, "Trop de demandes de nouveau mot de passe : réessayez dans 15 minutes.")
        }
        try await LoginAttemptModel(email: key, address: network, succeeded: false, attemptedAt: Date()).create(on: req.db)
        let app = req.application
        let base = req.publicBase
        let logger = req.logger
        Task.detached {
            do {
                try await send(email: email, base: base, app: app)
            } catch {
                logger.error("Courriel de nouveau mot de passe non envoyé : \(error)")
            }
        }
        return PasswordResetAnswer(message: answer)
    }

    /// Mails the link if an active account holds the address; without a relay the link is logged
    /// for the operator (no one else may see it).
    static func send(email: String, base: String, app: Application) async throws {
        guard let user = try await UserModel.query(on: app.db).filter(\.$email == email).filter(\.$disabledAt == nil).first() else { return }
        let token = TokenHash.newToken(prefix: "")
        try await PasswordResetModel(id: UUID(), userID: try user.requireID(), tokenHash: TokenHash.of(token),
                                     expiresAt: Date().addingTimeInterval(PasswordResetModel.validity)).create(on: app.db)
        let link = base + "/mot-de-passe/" + token
        guard let smtp = app.pacteSettings.smtp else {
            app.logger.notice("PACTE_SMTP_URL n'est pas réglé : lien de nouveau mot de passe pour \(email) : \(link)")
            return
        }
        try await SMTPClient.send([MailMessage(to: email, subject: "Pacte : choisir un nouveau mot de passe", body: """
            Bonjour,

            Une demande de nouveau mot de passe a été faite pour votre compte Pacte.
            Pour choisir un nouveau mot de passe, ouvrez ce lien (valable une heure, une seule fois) :
            \(link)

            Si vous n'avez rien demandé, ignorez ce message : votre mot de passe ne change pas.
            """)], using: smtp)
    }

    static func usable(token: String, on db: any Database) async throws -> PasswordResetModel {
        guard let reset = try await PasswordResetModel.query(on: db).filter(\.$tokenHash == TokenHash.of(token)).first(),
              reset.usedAt == nil, reset.expiresAt > Date() else {
            throw Problem(.gone, "Ce lien n'est plus valable : il a déjà servi ou a plus d'une heure. Demandez-en un nouveau.")
        }
        return reset
    }

    /// Sets the new password once; every session of the account ends.
    static func confirm(_ req: Request, token: String, password: String) async throws {
        let reset = try await usable(token: token, on: req.db)
        guard let user = try await UserModel.find(reset.$user.id, on: req.db), user.disabledAt == nil else {
            throw Problem(.gone, "Ce lien n'est plus valable. Demandez-en un nouveau.")
        }
        let resetID = try reset.requireID()
        try await MyAccount.setPassword(user, to: password, actor: Actor(userID: user.id, name: user.email), req: req, keepSession: false) { tx in
            // Under the write lock: of two clicks at once, the second finds the link used.
            guard let fresh = try await PasswordResetModel.find(resetID, on: tx), fresh.usedAt == nil else {
                throw Problem(.gone, "Ce lien n'est plus valable : il a déjà servi. Demandez-en un nouveau.")
            }
            fresh.usedAt = Date()
            try await fresh.update(on: tx)
        }
    }

    static func register(_ api: APIBuilder) {
        api.on(.POST, "auth", "password-reset", summary: "Mot de passe oublié : envoie un lien valable une heure (même réponse que le compte existe ou non)",
               tag: "Mon compte", request: PasswordResetIn.example, response: PasswordResetAnswer.example, status: .accepted,
               authenticated: false) { req in
            try await request(req, email: try req.content.decode(PasswordResetIn.self).email)
        }
        api.on(.POST, "auth", "password-reset", "confirm", summary: "Choisir un nouveau mot de passe avec le lien reçu ; toutes les sessions prennent fin",
               tag: "Mon compte", request: PasswordResetConfirmIn.example, response: nil, status: .noContent, authenticated: false) { req in
            let input = try req.content.decode(PasswordResetConfirmIn.self)
            try await confirm(req, token: input.token, password: input.newPassword)
            return HTTPStatus.noContent
        }
    }
}
