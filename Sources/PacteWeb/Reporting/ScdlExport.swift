import Fluent
import Foundation
import PacteCore
import PacteStore
import Plot
import Vapor

/// The deliberations of a convention in the SCDL « Délibérations » schema (schema.data.gouv.fr,
/// version 2.1): comma-separated UTF-8, ISO dates.
enum ScdlExport {
    static let header = ["COLL_NOM", "COLL_SIRET", "DELIB_ID", "DELIB_DATE", "DELIB_MATIERE_CODE", "DELIB_MATIERE_NOM", "DELIB_OBJET",
                         "BUDGET_ANNEE", "BUDGET_NOM", "PREF_ID", "PREF_DATE", "VOTE_EFFECTIF", "VOTE_REEL", "VOTE_POUR", "VOTE_CONTRE",
                         "VOTE_ABSTENTION", "DELIB_URL"]

    /// Entry refuses texts that start like a spreadsheet formula; a deliberation stored before that
    /// rule is held back (counted in `X-Pacte-Lignes-Incompletes`) rather than published as a formula.
    static func rows(_ deliberations: [DeliberationModel], authorities: [UUID: OrganisationModel]) -> [[String]] {
        deliberations.filter { d in
            ![authorities[d.$organisation.id]?.name ?? "", d.itemNumber, d.subject, d.matterCode ?? "", d.matterName ?? ""]
                .contains(where: SpreadsheetFormula.startsLikeFormula)
        }.map { d in
            let vote = d.vote
            let votants = vote.votants ?? d.outcome.votants
            // Pacte knows the authority's SIREN, not its SIRET: the column stays empty rather than invented.
            return [authorities[d.$organisation.id]?.name ?? "", "", d.itemNumber, d.sessionDate.isoString, d.matterCode ?? "", d.matterName ?? "",
                    d.subject, "", "", d.actesID?.description ?? "", d.transmittedOn?.isoString ?? "", String(d.membersInOffice), String(votants),
                    String(vote.votesFor), String(vote.votesAgainst), String(vote.abstentions), ""]
        }
    }

    static func response(for convention: ConventionModel, on db: any Database) async throws -> Response {
        let deliberations = try await DeliberationModel.query(on: db).filter(\.$convention.$id == convention.requireID()).sort(\.$sessionDate).all()
        let ids = Array(Set(deliberations.map(\.$organisation.id)))
        let authorities = Dictionary(uniqueKeysWithValues: try await OrganisationModel.query(on: db).filter(\.$id ~~ ids).all().map { ($0.id!, $0) })
        let published = rows(deliberations, authorities: authorities)
        let response = try CSVFile.openDataResponse(header: header, rows: published, fileName: "deliberations-scdl.csv")
        response.headers.replaceOrAdd(name: "X-Pacte-Lignes-Incompletes", value: String(deliberations.count - published.count))
        return response
    }
}
