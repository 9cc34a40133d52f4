import Fluent
import Foundation
import PacteCore
import PacteStore
import Vapor

public struct EnvelopeOut: Documented {
    public var id: UUID
    public var name: String
    public var funderID: UUID
    public var actionID: UUID?
    public var year: Int?
    public var cap: String
    public var committed: String
    public var remaining: String

    public static var example: EnvelopeOut {
        EnvelopeOut(id: exampleID, name: "CCST — prestations CMA", funderID: exampleID, actionID: nil, year: nil,
                    cap: "5000.00", committed: "4800.00", remaining: "200.00")
    }
}

public struct EnvelopeIn: Documented {
    public var name: String
    public var funderID: UUID
    public var actionID: UUID?
    public var year: Int?
    public var cap: AmountInput

    public static var example: EnvelopeIn {
        EnvelopeIn(name: "CCST — prestations CMA", funderID: exampleID, actionID: nil, year: nil, cap: AmountInput(Money(cents: 5_000_00)))
    }
}

public struct CommitmentOut: Documented {
    public var id: UUID
    public var funderID: UUID
    public var actionID: UUID?
    public var year: Int?
    public var label: String
    public var amount: String
    public var status: CommitmentStatus

    init(_ m: CommitmentModel) throws {
        id = try m.requireID(); funderID = m.$funder.id; actionID = m.$action.id; year = m.year; label = m.label
        amount = Money(cents: m.amountCents).decimalString; status = m.status
    }

    public static var example: CommitmentOut {
        try! CommitmentOut(CommitmentModel(id: exampleID, conventionID: exampleID, funderID: exampleID, label: "Coaching Rebond — SARL Exemple",
                                           amount: Money(cents: 1_200_00)))
    }
}

public struct CommitmentIn: Documented {
    public var funderID: UUID
    public var actionID: UUID?
    public var year: Int?
    public var label: String
    public var amount: AmountInput

    public static var example: CommitmentIn {
        CommitmentIn(funderID: exampleID, actionID: nil, year: 2021, label: "Coaching Rebond — SARL Exemple", amount: AmountInput(Money(cents: 1_200_00)))
    }
}

/// Envelopes (caps per funder, optionally per action and year) and the commitments checked against
/// them atomically, also across app instances on PostgreSQL.
extension ConventionRoutes {
    private static func isParty(_ organisation: UUID, of convention: ConventionModel, on db: any Database) async throws -> Bool {
        try await ConventionPartyModel.query(on: db).filter(\.$convention.$id == convention.requireID())
            .filter(\.$organisation.$id == organisation).count() > 0
    }

    private static func checkAction(_ action: UUID?, of convention: ConventionModel, on db: any Database) async throws {
        guard let action else { return }
        guard let found = try await ActionModel.find(action, on: db), found.$convention.id == convention.id else {
            throw Problem.invalid("actionID", "Cette action n'appartient pas à la convention.")
        }
    }

    /// Creates an envelope; shared by the API and the form.
    static func createEnvelope(_ req: Request, _ convention: ConventionModel, _ input: EnvelopeIn) async throws -> EnvelopeModel {
        let name = try required(input.name, "name")
        guard input.cap.money.cents > 0 else { throw Problem.invalid("cap", "Le plafond d'une enveloppe doit être positif.") }
        guard try await isParty(input.funderID, of: convention, on: req.db) else {
            throw Problem.invalid("funderID", "Le financeur d'une enveloppe est une partie de la convention.")
        }
        try await checkAction(input.actionID, of: convention, on: req.db)
        if let year = input.year, !(1990...2200).contains(year) { throw Problem.invalid("year", "Année invalide : \(year).") }
        let model = EnvelopeModel(id: UUID(), conventionID: try convention.requireID(), funderID: input.funderID, actionID: input.actionID,
                                  year: input.year, name: name, cap: input.cap.money)
        let actor = try req.requirePrincipal().actor
        try await Store.write(on: req.db) { tx in
            try await Audited.create(model, "envelope", conventionID: convention.id, actor: actor, on: tx)
        }
        return model
    }

    /// Commits funds outside any service (a subsidy, an event); shared by the API and the form.
    static func createCommitment(_ req: Request, _ convention: ConventionModel, _ input: CommitmentIn) async throws -> CommitmentModel {
        guard try await isParty(input.funderID, of: convention, on: req.db) else {
            throw Problem.invalid("funderID", "Le financeur d'un engagement est une partie de la convention.")
        }
        try await checkAction(input.actionID, of: convention, on: req.db)
        let model = CommitmentModel(conventionID: try convention.requireID(), funderID: input.funderID, actionID: input.actionID,
                                    year: input.year, label: try required(input.label, "label"), amount: input.amount.money)
        let actor = try req.requirePrincipal().actor
        return try await req.countingRefusals { try await Commitments.commit(model, actor: actor, on: req.db) }
    }

    static func findCommitment(_ req: Request, _ convention: ConventionModel) async throws -> CommitmentModel {
        let id = try Access.uuid(req, "commitmentID", "Engagement")
        guard let model = try await CommitmentModel.query(on: req.db).filter(\.$id == id)
            .filter(\.$convention.$id == convention.requireID()).first() else { throw Problem.notFound("Engagement") }
        return model
    }

    /// Releases a commitment made by hand; a service's commitments move with the service (cancel it).
    static func releaseCommitment(_ req: Request, _ model: CommitmentModel) async throws {
        guard model.interventionID == nil else {
            throw Problem(.conflict, "Cet engagement appartient à une prestation : annulez la prestation pour le libérer.")
        }
        try await Commitments.release(model, actor: try req.requirePrincipal().actor, on: req.db)
    }

    static func registerEnvelopes(_ api: APIBuilder) {
        let envelopes: [PathComponent] = ["conventions", ":conventionID", "envelopes"]
        let commitments: [PathComponent] = ["conventions", ":conventionID", "commitments"]


        api.on(.GET, envelopes, summary: "Enveloppes de la convention, avec l'engagé et le disponible", tag: "Enveloppes",
               response: [EnvelopeOut.example]) { req in
            let convention = try await Access.convention(req)
            return try await Commitments.envelopes(of: try convention.requireID(), on: req.db).map { state in
                EnvelopeOut(id: state.id, name: state.envelope.name, funderID: state.funderID, actionID: state.actionID, year: state.year,
                            cap: state.envelope.cap.decimalString, committed: state.committed.decimalString,
                            remaining: state.remaining.decimalString)
            }
        }
        api.on(.POST, envelopes, summary: "Créer une enveloppe (plafond d'un financeur)", tag: "Enveloppes",
               request: EnvelopeIn.example, response: EnvelopeOut.example, status: .created) { req in
            let convention = try await Access.writableConvention(req)
            let input = try req.content.decode(EnvelopeIn.self)
            let model = try await createEnvelope(req, convention, input)
            return EnvelopeOut(id: try model.requireID(), name: model.name, funderID: input.funderID, actionID: input.actionID, year: input.year,
                               cap: input.cap.money.decimalString, committed: "0.00", remaining: input.cap.money.decimalString)
        }
        api.on(.GET, commitments, summary: "Engagements de la convention", tag: "Enveloppes", response: [CommitmentOut.example]) { req in
            let convention = try await Access.convention(req)
            return try await CommitmentModel.query(on: req.db).filter(\.$convention.$id == convention.requireID())
                .sort(\.$createdAt).all().map(CommitmentOut.init)
        }
        api.on(.POST, commitments, summary: "Engager des fonds (refusé, 409, si une enveloppe serait dépassée)", tag: "Enveloppes",
               request: CommitmentIn.example, response: CommitmentOut.example, status: .created) { req in
            let convention = try await Access.writableConvention(req)
            return try CommitmentOut(try await createCommitment(req, convention, try req.content.decode(CommitmentIn.self)))
        }
        api.on(.POST, commitments + [":commitmentID", "release"], summary: "Libérer un engagement (prestation annulée)", tag: "Enveloppes",
               response: CommitmentOut.example) { req in
            let convention = try await Access.writableConvention(req)
            let model = try await findCommitment(req, convention)
            try await releaseCommitment(req, model)
            return try CommitmentOut(model)
        }
    }
}
