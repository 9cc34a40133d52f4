import Fluent
import Foundation
import PacteCore
import PacteStore
import Vapor

/// The subsidies the conventions grant, in the SCDL « Subventions » schema (schema.data.gouv.fr,
/// version 2.1), for open-data publication (décret 2017-779): one row per public funder paying the
/// convention's operator. A row whose attribuant or beneficiary has no SIRET cannot be published:
/// it is left out and counted, not written half-empty.
enum ScdlSubventions {
    static let header = ["nomAttribuant", "idAttribuant", "dateConvention", "referenceDecision", "nomBeneficiaire", "idBeneficiaire",
                         "rnaBeneficiaire", "objet", "montant", "nature", "conditionsVersement", "datesPeriodeVersement", "idRAE",
                         "notificationUE", "pourcentageSubvention", "dispositifAide"]

    struct Result {
        var rows: [[String]]
        /// « Convention — Attribuant » of the rows left out, with the reason.
        var incomplete: [String]
    }

    /// A share of the cost as the schema writes a real number: `0.5`, `0.2397` (four decimals at most, exact when shorter).
    static func ratio(_ part: Money, of whole: Money) -> String {
        guard whole.cents > 0 else { return "0" }
        let scaled = (part.cents * 10_000 + whole.cents / 2) / whole.cents
        var text = "\(scaled / 10_000)." + String(format: "%04lld", scaled % 10_000)
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text
    }

    static func rows(for principal: Principal, minimum: Money, on db: any Database) async throws -> Result {
        let query = ConventionModel.query(on: db).sort(\.$title)
        if let visible = try await Access.visibleConventionIDs(principal, on: db) { query.filter(\.$id ~~ visible) }
        var result = Result(rows: [], incomplete: [])
        let conventions = try await query.with(\.$parties) { $0.with(\.$organisation) }.all()
        for convention in conventions {
            guard let date = convention.signedOn ?? convention.startsOn else {
                result.incomplete.append("\(convention.title) : ni date de signature ni date de prise d'effet")
                continue
            }
            guard let beneficiary = convention.parties.first(where: { $0.roles.contains(.operator) })?.organisation else { continue }
            let evaluation = try await PlanMapping.plan(for: convention, on: db).evaluate()
            // Funders of the plan need not be parties (seed 000: the Région).
            let funderIDs = evaluation.plan.funders.compactMap { UUID(uuidString: $0.id.rawValue) }
            let organisations = Dictionary(uniqueKeysWithValues: try await OrganisationModel.query(on: db).filter(\.$id ~~ funderIDs).all().map { ($0.id!, $0) })
            for funder in evaluation.plan.funders {
                guard let id = UUID(uuidString: funder.id.rawValue), let attribuant = organisations[id],
                      attribuant.id != beneficiary.id, attribuant.kind != .company else { continue }
                let amount = evaluation.amount(for: funder.id)
                guard amount.cents > 0, amount >= minimum else { continue }
                guard let from = attribuant.siret, let to = beneficiary.siret else {
                    result.incomplete.append("\(convention.title) — \(attribuant.name) : SIRET \(attribuant.siret == nil ? "de \(attribuant.name)" : "de \(beneficiary.name)") manquant")
                    continue
                }
                // Entry refuses such texts; one stored before that rule is held back rather than published as a formula.
                if [attribuant.name, beneficiary.name, convention.reference ?? "", convention.title].contains(where: SpreadsheetFormula.startsLikeFormula) {
                    result.incomplete.append("\(convention.title) — \(attribuant.name) : un nom, l'intitulé ou la référence commence comme une formule de tableur")
                    continue
                }
                let period = [convention.startsOn ?? date, convention.endsOn].compactMap { $0?.isoString }.joined(separator: "_")
                let multiYear = (convention.endsOn?.year ?? date.year) > (convention.startsOn ?? date).year
                result.rows.append([attribuant.name, from.digits, date.isoString, convention.reference ?? "", beneficiary.name, to.digits, "",
                                    String(convention.title.prefix(500)), amount.decimalString, "aide en numéraire",
                                    multiYear ? "échelonné" : "unique", period, "", "non", ratio(amount, of: evaluation.cost), ""])
            }
        }
        return result
    }

    static func register(on pages: any RoutesBuilder) {
        pages.get("subventions", "scdl.csv") { req async throws -> Response in
            let minimum = try req.query.get(String?.self, at: "seuil").map { try Access.amount($0, field: "seuil") } ?? .zero
            let result = try await rows(for: try req.requirePrincipal(), minimum: minimum, on: req.db)
            let response = try CSVFile.openDataResponse(header: header, rows: result.rows, fileName: "subventions-scdl.csv")
            // What could not be published, for the officer to complete (a header never carries line breaks).
            response.headers.replaceOrAdd(name: "X-Pacte-Lignes-Incompletes", value: String(result.incomplete.count))
            return response
        }
    }
}
