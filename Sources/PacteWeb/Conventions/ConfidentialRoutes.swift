import Fluent
import Foundation
import PacteCore
import PacteStore
import Vapor

/// Confidential data shared between the signatories (seed 001, art. 3.1): the owner and the signatories
/// always read it; any other party reads it only once every signatory has agreed, and always with its source.
extension ConventionRoutes {
    static func registerConfidentialItems(_ api: APIBuilder) {
        let base: [PathComponent] = ["conventions", ":conventionID", "confidential-items"]

        @Sendable func signatories(_ convention: ConventionModel, on db: any Database) async throws -> [UUID] {
            try await ConventionPartyModel.query(on: db).filter(\.$convention.$id == convention.requireID()).all()
                .filter { $0.roles.contains(.signatory) }.map { $0.$organisation.id }
        }
        @Sendable func output(_ item: ConfidentialItemModel, principal: Principal, signatories: [UUID], on db: any Database) async throws -> ConfidentialItemOut {
            let agreed = try await ConfidentialConsentModel.query(on: db).filter(\.$item.$id == item.requireID()).all().map { $0.$organisation.id }
            let disclosed = !signatories.isEmpty && Set(signatories).isSubset(of: Set(agreed))
            let insider = principal.isPlatformAdmin || principal.organisationIDs.contains { $0 == item.$owner.id || signatories.contains($0) }
            return ConfidentialItemOut(id: try item.requireID(), ownerID: item.$owner.id, title: item.title,
                                       body: insider || disclosed ? item.body : nil, source: item.source,
                                       agreedBy: agreed.sorted { $0.uuidString < $1.uuidString }, disclosed: disclosed)
        }

        api.on(.GET, base, summary: "Données confidentielles partagées (contenu masqué aux tiers tant que les signataires n'ont pas tous donné leur accord)",
               tag: "Confidentialité", response: [ConfidentialItemOut.example]) { req in
            let convention = try await Access.convention(req)
            let principal = try req.requirePrincipal()
            let signers = try await signatories(convention, on: req.db)
            var result: [ConfidentialItemOut] = []
            for item in try await ConfidentialItemModel.query(on: req.db).filter(\.$convention.$id == convention.requireID()).sort(\.$title).all() {
                result.append(try await output(item, principal: principal, signatories: signers, on: req.db))
            }
            return result
        }
        api.on(.POST, base, summary: "Déposer une donnée confidentielle (avec sa source)", tag: "Confidentialité",
               request: ConfidentialItemIn.example, response: ConfidentialItemOut.example, status: .created) { req in
            let convention = try await Access.writableConvention(req)
            let principal = try req.requirePrincipal()
            let input = try req.content.decode(ConfidentialItemIn.self)
            let signers = try await signatories(convention, on: req.db)
            guard let owner = principal.organisationIDs.first(where: { signers.contains($0) && Access.writesFor(principal, organisation: $0) }) else {
                throw Problem(.forbidden, "Seul un signataire dépose une donnée confidentielle.")
            }
            let item = ConfidentialItemModel(id: UUID(), conventionID: try convention.requireID(), ownerID: owner,
                                             title: try required(input.title, "title"), body: try required(input.body, "body"),
                                             source: try required(input.source, "source"))
            let actor = principal.actor
            try await Store.write(on: req.db) { tx in
                try await Audited.create(item, "confidential-item", conventionID: convention.id, actor: actor, on: tx)
            }
            return try await output(item, principal: principal, signatories: signers, on: req.db)
        }
        api.on(.POST, base + [":itemID", "consent"], summary: "Donner l'accord de votre organisation signataire à la diffusion",
               tag: "Confidentialité", response: ConfidentialItemOut.example) { req in
            let convention = try await Access.writableConvention(req)
            let principal = try req.requirePrincipal()
            let id = try Access.uuid(req, "itemID", "Donnée confidentielle")
            guard let item = try await ConfidentialItemModel.query(on: req.db).filter(\.$id == id)
                .filter(\.$convention.$id == convention.requireID()).first() else { throw Problem.notFound("Donnée confidentielle") }
            let signers = try await signatories(convention, on: req.db)
            guard let organisation = principal.organisationIDs.first(where: { signers.contains($0) && Access.writesFor(principal, organisation: $0) }) else {
                throw Problem(.forbidden, "Seul un signataire donne son accord à la diffusion.")
            }
            let already = try await ConfidentialConsentModel.query(on: req.db).filter(\.$item.$id == id).filter(\.$organisation.$id == organisation).count()
            if already == 0 {
                let consent = ConfidentialConsentModel(itemID: id, organisationID: organisation, userID: principal.userID)
                let actor = principal.actor
                try await Store.write(on: req.db) { tx in
                    try await Audited.create(consent, "confidential-consent", conventionID: convention.id, actor: actor, on: tx)
                }
            }
            return try await output(item, principal: principal, signatories: signers, on: req.db)
        }
    }
}
