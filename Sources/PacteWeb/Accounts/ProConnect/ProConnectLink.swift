import Fluent
import Foundation
import PacteCore
import PacteStore
import Vapor

/// Whom a ProConnect identity signs in as. Access is never granted by ProConnect alone: the person
/// must already hold a Pacte account (found by subject, then by address) or an invitation.
enum ProConnectLink {
    enum Outcome {
        case signIn(UserModel)
        /// No account and no invitation for this address: the page says whom to ask.
        case unknown(email: String, organisations: [OrganisationModel], administrators: [UserModel])
        /// The account was revoked, or is linked to another ProConnect identity.
        case refused(String)
    }

    static func resolve(_ identity: OIDCIdentity, on db: any Database) async throws -> Outcome {
        guard let email = identity.email.map({ $0.trimmingCharacters(in: .whitespaces).lowercased() }) else {
            return .refused("ProConnect n'a pas transmis d'adresse électronique.")
        }
        return try await Store.write(on: db) { tx in
            var account = try await UserModel.query(on: tx).filter(\.$oidcSubject == identity.sub).first()
            if account == nil, let byAddress = try await UserModel.query(on: tx).filter(\.$email == email).first() {
                if let other = byAddress.oidcSubject, other != identity.sub {
                    return .refused("Le compte Pacte de « \(email) » est déjà lié à une autre identité ProConnect. Demandez à l'administrateur de votre organisation de vérifier votre compte.")
                }
                account = byAddress
            }
            let invitations = try await InvitationModel.query(on: tx).filter(\.$email == email).filter(\.$acceptedAt == nil)
                .filter(\.$expiresAt > Date()).sort(\.$createdAt).all()
            if let user = account {
                let actor = Actor(userID: user.id, name: user.email)
                if user.disabledAt != nil {
                    guard !invitations.isEmpty else {
                        return .refused("Votre accès à Pacte a été retiré. Pour le retrouver, demandez une nouvelle invitation à l'administrateur de votre organisation.")
                    }
                    try await Members.changeAccount(user, actor: actor, on: tx) { user in
                        user.disabledAt = nil
                        user.sessionEpoch += 1
                    }
                }
                if user.oidcSubject == nil {
                    // The first ProConnect sign-in links the account: traced like any change to it.
                    try await Members.changeAccount(user, actor: actor, on: tx) { $0.oidcSubject = identity.sub }
                }
                try await join(user, invitations, actor: actor, on: tx)
                return .signIn(user)
            }
            guard !invitations.isEmpty else {
                let (organisations, administrators) = try await whomToAsk(identity.siren, on: tx)
                return .unknown(email: email, organisations: organisations, administrators: administrators)
            }
            // An empty hash: the account signs in with ProConnect until its owner sets a password.
            let user = UserModel(id: UUID(), email: email, displayName: identity.displayName ?? email, passwordHash: "")
            user.oidcSubject = identity.sub
            let actor = Actor(userID: user.id, name: email)
            try await user.create(on: tx)
            try await AuditTrail.record(on: tx, actor: actor, action: .create, entityType: "user", entityID: user.id, conventionID: nil,
                                        before: nil, after: try AuditTrail.snapshot(AccountAuditView(user)))
            try await join(user, invitations, actor: actor, on: tx)
            return .signIn(user)
        }
    }

    /// Every pending invitation for the address is accepted: an agent invited by two organisations
    /// joins both.
    static func join(_ user: UserModel, _ invitations: [InvitationModel], actor: Actor, on tx: any Database) async throws {
        let userID = try user.requireID()
        for invitation in invitations {
            try await Invitations.markAccepted(invitation, by: userID, actor: actor, on: tx)
        }
    }

    /// The organisations with the agent's SIREN and their administrators; else the platform's.
    static func whomToAsk(_ siren: Siren?, on db: any Database) async throws -> ([OrganisationModel], [UserModel]) {
        var organisations: [OrganisationModel] = []
        if let siren {
            organisations = try await OrganisationModel.query(on: db).filter(\.$siren == siren).sort(\.$name).all()
        }
        let administrators: [UserModel]
        if organisations.isEmpty {
            administrators = try await UserModel.query(on: db).filter(\.$isPlatformAdmin == true).filter(\.$disabledAt == nil)
                .sort(\.$displayName).all()
        } else {
            let ids = try organisations.map { try $0.requireID() }
            let memberships = try await MembershipModel.query(on: db).filter(\.$organisation.$id ~~ ids).filter(\.$role == .orgAdmin).all()
            administrators = try await UserModel.query(on: db).filter(\.$id ~~ memberships.map { $0.$user.id }).filter(\.$disabledAt == nil)
                .sort(\.$displayName).all()
        }
        return (organisations, administrators)
    }
}
