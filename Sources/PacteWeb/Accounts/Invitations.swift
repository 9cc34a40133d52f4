import Fluent
import Foundation
import PacteCore
import PacteStore
import Vapor

public struct InvitationIn: Documented {
    public var email: String
    public var role: MembershipRole
    public static var example: InvitationIn { InvitationIn(email: "collegue@ville-sezanne.fr", role: .agent) }
}

public struct InvitationOut: Documented {
    public var id: UUID
    public var organisationID: UUID
    public var email: String
    public var role: MembershipRole
    public var expiresAt: Date
    /// Sent by e-mail (`PACTE_SMTP_URL` set).
    public var mailed: Bool
    /// The single-use link, given only once, at creation, and only when it was not mailed.
    public var link: String?

    public static var example: InvitationOut {
        InvitationOut(id: exampleID, organisationID: exampleID, email: "collegue@ville-sezanne.fr", role: .agent,
                      expiresAt: Date(timeIntervalSince1970: 1_767_225_600), mailed: false, link: "https://pacte.example.fr/invitation/…")
    }
}

public struct InvitationAcceptIn: Documented {
    public var token: String
    /// For a new account: the name shown to colleagues and a password of 12 characters or more.
    public var displayName: String?
    public var password: String?
    public static var example: InvitationAcceptIn {
        InvitationAcceptIn(token: "…", displayName: "Camille Martin", password: "une phrase de passe longue")
    }
}

/// What the audit trail keeps of an invitation: never its token.
struct InvitationAuditView: Codable, Sendable {
    var organisationID: UUID
    var email: String
    var role: MembershipRole
    var expiresAt: Date
    var acceptedAt: Date?
    init(_ m: InvitationModel) {
        organisationID = m.$organisation.id; email = m.email; role = m.role; expiresAt = m.expiresAt; acceptedAt = m.acceptedAt
    }
}

/// Invitations to join an organisation: a single-use link valid 7 days, of which only the hash is
/// kept; mailed when a relay is configured, shown to the administrator otherwise.
enum Invitations {
    static func normalisedEmail(_ text: String) throws -> String {
        let email = text.trimmingCharacters(in: .whitespaces).lowercased()
        let parts = email.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[1].contains("."), !email.contains(" ") else {
            throw Problem.invalid("email", "Adresse électronique invalide : « \(text) ».")
        }
        return email
    }

    static func pending(_ organisationID: UUID, on db: any Database, now: Date = Date()) async throws -> [InvitationModel] {
        try await InvitationModel.query(on: db).filter(\.$organisation.$id == organisationID).filter(\.$acceptedAt == nil)
            .filter(\.$expiresAt > now).sort(\.$createdAt).all()
    }

    /// Creates the invitation and mails it (or returns its link). An address already member is refused.
    static func invite(_ req: Request, organisation: OrganisationModel, email text: String, role: MembershipRole) async throws -> InvitationOut {
        let principal = try req.requirePrincipal()
        let email = try normalisedEmail(text)
        let organisationID = try organisation.requireID()
        let token = TokenHash.newToken(prefix: "")
        let invitation = InvitationModel(id: UUID(), organisationID: organisationID, email: email, role: role, tokenHash: TokenHash.of(token),
                                         expiresAt: Date().addingTimeInterval(InvitationModel.validity), invitedBy: principal.userID)
        try await Store.write(on: req.db) { tx in
            if let user = try await UserModel.query(on: tx).filter(\.$email == email).first(),
               try await MembershipModel.query(on: tx).filter(\.$user.$id == user.requireID()).filter(\.$organisation.$id == organisationID).count() > 0 {
                throw Problem(.conflict, "« \(email) » est déjà membre de l'organisation.", field: "email")
            }
            try await invitation.create(on: tx)
            try await AuditTrail.record(on: tx, actor: principal.actor, action: .create, entityType: "invitation", entityID: invitation.id,
                                        conventionID: nil, before: nil, after: try AuditTrail.snapshot(InvitationAuditView(invitation)))
        }
        let link = req.publicBase + "/invitation/" + token
        var mailed = false
        if let smtp = req.application.pacteSettings.smtp {
            let message = MailMessage(to: email, subject: "Invitation à rejoindre \(organisation.name) sur Pacte", body: """
                Bonjour,

                \(principal.email) vous invite à rejoindre « \(organisation.name) » sur Pacte, avec le rôle : \(role.label).

                Pour accepter, ouvrez ce lien (valable 7 jours, une seule fois) :
                \(link)

                Si vous ne vous attendiez pas à cette invitation, ignorez ce message.
                """)
            try await SMTPClient.send([message], using: smtp)
            mailed = true
        }
        return InvitationOut(id: invitation.id!, organisationID: organisationID, email: email, role: role, expiresAt: invitation.expiresAt,
                             mailed: mailed, link: mailed ? nil : link)
    }

    static func cancel(_ req: Request, organisationID: UUID, invitationID: UUID) async throws {
        let actor = try req.requirePrincipal().actor
        try await Store.write(on: req.db) { tx in
            guard let invitation = try await InvitationModel.query(on: tx).filter(\.$id == invitationID)
                .filter(\.$organisation.$id == organisationID).filter(\.$acceptedAt == nil).first() else { throw Problem.notFound("Invitation") }
            let before = try AuditTrail.snapshot(InvitationAuditView(invitation))
            try await invitation.delete(on: tx)
            try await AuditTrail.record(on: tx, actor: actor, action: .delete, entityType: "invitation", entityID: invitation.id,
                                        conventionID: nil, before: before, after: nil)
        }
    }

    /// The invitation a link names, if it can still be used.
    static func usable(token: String, on db: any Database) async throws -> InvitationModel {
        guard let invitation = try await InvitationModel.query(on: db).filter(\.$tokenHash == TokenHash.of(token)).with(\.$organisation).first(),
              invitation.isUsable(at: Date()) else {
            throw Problem(.gone, "Ce lien d'invitation n'est plus valable : il a déjà servi ou a plus de 7 jours. Demandez une nouvelle invitation à l'administrateur de l'organisation.")
        }
        return invitation
    }

    /// Whether accepting needs a new account (no active account holds the invited address).
    static func needsAccount(_ invitation: InvitationModel, on db: any Database) async throws -> Bool {
        try await UserModel.query(on: db).filter(\.$email == invitation.email).filter(\.$disabledAt == nil).count() == 0
    }

    /// Accepts once: joins the existing account to the organisation, or creates the account (a
    /// revoked account with the same address is given back its access with the new password).
    static func accept(_ req: Request, token: String, displayName: String?, password: String?) async throws -> UserModel {
        let invitation = try await usable(token: token, on: req.db)
        var hash: String?
        if try await needsAccount(invitation, on: req.db) {
            guard let password, password.count >= 12 else {
                throw Problem.invalid("password", "Choisissez un mot de passe d'au moins 12 caractères.")
            }
            hash = try await req.password.async.hash(password)
        }
        let name = displayName?.trimmingCharacters(in: .whitespaces).nilIfEmpty
        let chosenHash = hash
        return try await Store.write(on: req.db) { tx in
            // Checked again under the write lock: a link works once, even when clicked twice at once.
            guard let invitation = try await InvitationModel.find(invitation.requireID(), on: tx), invitation.isUsable(at: Date()) else {
                throw Problem(.gone, "Ce lien d'invitation n'est plus valable : il a déjà servi ou a plus de 7 jours.")
            }
            let actor: Actor
            let user: UserModel
            if let existing = try await UserModel.query(on: tx).filter(\.$email == invitation.email).first() {
                user = existing
                actor = Actor(userID: existing.id, name: existing.email)
                if existing.disabledAt != nil, let chosenHash {
                    try await Members.changeAccount(existing, actor: actor, on: tx) { user in
                        user.disabledAt = nil
                        user.passwordHash = chosenHash
                        user.sessionEpoch += 1
                        if let name { user.displayName = name }
                    }
                }
            } else {
                guard let chosenHash else { throw Problem.invalid("password", "Choisissez un mot de passe d'au moins 12 caractères.") }
                user = UserModel(id: UUID(), email: invitation.email, displayName: name ?? invitation.email, passwordHash: chosenHash)
                actor = Actor(userID: user.id, name: user.email)
                try await user.create(on: tx)
                try await AuditTrail.record(on: tx, actor: actor, action: .create, entityType: "user", entityID: user.id, conventionID: nil,
                                            before: nil, after: try AuditTrail.snapshot(AccountAuditView(user)))
            }
            try await markAccepted(invitation, by: try user.requireID(), actor: actor, on: tx)
            return user
        }
    }

    /// Joins the user to the invitation's organisation (unless already a member) and uses the
    /// invitation up; both traced. Inside the caller's transaction.
    static func markAccepted(_ invitation: InvitationModel, by userID: UUID, actor: Actor, on tx: any Database) async throws {
        if try await MembershipModel.query(on: tx).filter(\.$user.$id == userID).filter(\.$organisation.$id == invitation.$organisation.id).count() == 0 {
            try await Audited.create(MembershipModel(id: UUID(), userID: userID, organisationID: invitation.$organisation.id, role: invitation.role),
                                     "membership", conventionID: nil, actor: actor, on: tx)
        }
        let before = try AuditTrail.snapshot(InvitationAuditView(invitation))
        invitation.acceptedAt = Date()
        try await invitation.update(on: tx)
        try await AuditTrail.record(on: tx, actor: actor, action: .update, entityType: "invitation", entityID: invitation.id, conventionID: nil,
                                    before: before, after: try AuditTrail.snapshot(InvitationAuditView(invitation)))
    }

    static func output(_ m: InvitationModel) throws -> InvitationOut {
        InvitationOut(id: try m.requireID(), organisationID: m.$organisation.id, email: m.email, role: m.role, expiresAt: m.expiresAt,
                      mailed: false, link: nil)
    }

    static func register(_ api: APIBuilder) {
        api.on(.GET, "organisations", ":organisationID", "invitations", summary: "Invitations en attente (administrateurs)",
               tag: "Membres", response: [InvitationOut.example]) { req in
            let org = try await Members.organisation(req, administering: true)
            return try await pending(try org.requireID(), on: req.db).map(output)
        }
        api.on(.POST, "organisations", ":organisationID", "invitations",
               summary: "Inviter une personne par courriel : lien à usage unique, valable 7 jours (administrateurs)",
               tag: "Membres", request: InvitationIn.example, response: InvitationOut.example, status: .created) { req in
            let org = try await Members.organisation(req, administering: true)
            let input = try req.content.decode(InvitationIn.self)
            return try await invite(req, organisation: org, email: input.email, role: input.role)
        }
        api.on(.DELETE, "organisations", ":organisationID", "invitations", ":invitationID", summary: "Annuler une invitation (administrateurs)",
               tag: "Membres", response: nil, status: .noContent) { req in
            let org = try await Members.organisation(req, administering: true)
            try await cancel(req, organisationID: try org.requireID(), invitationID: try Access.uuid(req, "invitationID", "Invitation"))
            return HTTPStatus.noContent
        }
        api.on(.POST, "invitations", "accept", summary: "Accepter une invitation (crée le compte s'il n'existe pas)",
               tag: "Membres", request: InvitationAcceptIn.example, response: UserOut.example, authenticated: false) { req in
            let input = try req.content.decode(InvitationAcceptIn.self)
            let user = try await accept(req, token: input.token, displayName: input.displayName, password: input.password)
            let memberships = try await MembershipModel.query(on: req.db).filter(\.$user.$id == user.requireID()).all()
            return try UserOut(user, memberships: memberships)
        }
    }
}

extension String {
    var nilIfEmpty: String? { isEmpty ? nil : self }
}
