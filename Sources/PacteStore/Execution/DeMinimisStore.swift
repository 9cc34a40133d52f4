import Fluent
import Foundation
import PacteCore

/// The de minimis ledger of a single undertaking, kept in the store. Recording a grant reads the
/// undertaking's grants and writes the new one under the write lock, so two grants made at the same
/// instant cannot both slip under the ceiling.
public enum DeMinimisStore {
    /// Every company of the undertaking `company` belongs to.
    public static func undertaking(of company: CompanyModel, on db: any Database) async throws -> [CompanyModel] {
        try await CompanyModel.query(on: db).filter(\.$undertakingID == company.undertakingID).sort(\.$name).all()
    }

    public static func ledger(of company: CompanyModel, on db: any Database) async throws -> (DeMinimisLedger, [DeMinimisGrantModel]) {
        let ids = try await undertaking(of: company, on: db).map { try $0.requireID() }
        let rows = try await DeMinimisGrantModel.query(on: db).filter(\.$company.$id ~~ ids).sort(\.$grantedOn).all()
        let settings = try await PlatformSettings.load(on: db)
        return (DeMinimisLedger(grants: rows.map(\.grant), warningThreshold: settings.deMinimisWarning), rows)
    }

    /// Records a grant; past the ceiling only with an override reason from a platform administrator
    /// (the caller checks who may override). Returns the assessment made before the grant.
    public static func record(_ grant: DeMinimisGrant, for company: CompanyModel, override: String?, conventionID: UUID? = nil,
                              actor: Actor, on db: any Database) async throws -> (DeMinimisAssessment, DeMinimisGrantModel) {
        try await Store.write(on: db) { tx in
            try await record(grant, for: company, override: override, conventionID: conventionID, interventionID: nil, actor: actor, inside: tx)
        }
    }

    /// The same, inside a write the caller already holds.
    public static func record(_ grant: DeMinimisGrant, for company: CompanyModel, override: String?, conventionID: UUID?, interventionID: UUID?,
                              actor: Actor, inside tx: any Database) async throws -> (DeMinimisAssessment, DeMinimisGrantModel) {
        var (ledger, _) = try await ledger(of: company, on: tx)
        let assessment = try ledger.grant(grant, override: override)
        let model = DeMinimisGrantModel(id: UUID(), companyID: try company.requireID(), grant: grant, regulation: assessment.regulation,
                                        overrideReason: assessment.verdict == .overCeiling ? override : nil, conventionID: conventionID)
        model.interventionID = interventionID
        try await Audited.create(model, "de-minimis-grant", conventionID: conventionID, actor: actor, on: tx)
        return (assessment, model)
    }
}
