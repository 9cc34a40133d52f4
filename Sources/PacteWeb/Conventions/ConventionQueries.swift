import Fluent
import Foundation
import PacteCore
import PacteStore

/// What the convention page shows.
extension PageQueries {
    struct PartyRow: Sendable {
        var id: UUID
        var organisationID: UUID
        var name: String
        var kind: OrganisationKind
        var siren: Siren?
        var roles: [PartyRole]
        var designation: String?
        var representative: String?
    }

    struct ConventionView: Sendable {
        var id: UUID
        var convention: ConventionModel
        var parties: [PartyRow]
        var articles: [(id: UUID, number: String, title: String?, body: String)]
        var axes: [(id: UUID, code: String, title: String)]
        /// In plan order: `evaluation.actions[i]` is `actions[i]`.
        var actions: [(id: UUID, displayName: String, axisCode: String?)]
        var evaluation: PlanEvaluation
        var table: FinancingTable
        var envelopes: [Commitments.EnvelopeState]
        /// Active commitments by the month they were made, for the planned-against-committed chart.
        var committedByMonth: [YearMonth: Money]
        var canWrite: Bool
    }

    static func convention(_ model: ConventionModel, principal: Principal, on db: any Database) async throws -> ConventionView {
        let id = try model.requireID()
        let parties = try await ConventionPartyModel.query(on: db).filter(\.$convention.$id == id)
            .with(\.$organisation).with(\.$representative).all()
        let articles = try await ArticleModel.query(on: db).filter(\.$convention.$id == id).sort(\.$position).all()
        let axes = try await AxisModel.query(on: db).filter(\.$convention.$id == id).sort(\.$position).all()
        let actions = try await ActionModel.query(on: db).filter(\.$convention.$id == id).with(\.$axis).sort(\.$position).all()
        let evaluation = try await PlanMapping.plan(for: model, on: db).evaluate()
        var committedByMonth: [YearMonth: Money] = [:]
        // Two columns rather than whole models: a convention at scale holds thousands of commitments.
        for commitment in try await CommitmentModel.query(on: db).filter(\.$convention.$id == id).filter(\.$status == .committed)
            .field(\.$createdAt).field(\.$amountCents).all() {
            let month = YearMonth(CivilDate(instant: commitment.createdAt ?? Date()))
            committedByMonth[month] = try (committedByMonth[month] ?? .zero).adding(Money(cents: commitment.amountCents))
        }
        return ConventionView(
            id: id,
            convention: model,
            parties: try parties.map { party in
                PartyRow(id: try party.requireID(), organisationID: party.$organisation.id, name: party.organisation.name,
                         kind: party.organisation.kind, siren: party.organisation.siren, roles: party.roles,
                         designation: party.designation,
                         representative: party.representative.map { person in person.function.map { "\(person.name), \($0)" } ?? person.name })
            }.sorted { $0.name < $1.name },
            articles: try articles.map { (try $0.requireID(), $0.number, $0.title, $0.body) },
            axes: try axes.map { (try $0.requireID(), $0.code, $0.title) },
            actions: try actions.map { (try $0.requireID(), $0.displayName, $0.axis?.code) },
            evaluation: evaluation,
            table: FinancingTable(evaluation),
            envelopes: try await Commitments.envelopes(of: id, on: db),
            committedByMonth: committedByMonth,
            canWrite: try await Access.canWrite(principal, conventionID: id, on: db))
    }
}
