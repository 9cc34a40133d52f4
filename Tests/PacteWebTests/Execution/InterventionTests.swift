import Fluent
import Foundation
import PacteCore
import PacteStore
@testable import PacteWeb
import Testing
import Vapor
import VaporTesting

@Suite("Prestations : devis → acceptée → réalisée → facturée → payée, engagements et de minimis")
struct InterventionTests {
    @Test("Seed 001 par les prestations : six acceptées dans l'enveloppe de 5 000 €, la septième refusée, une annulation fait la place", arguments: Engine.available)
    func seed001ThroughInterventions(engine: Engine) async throws {
        try await withDemo(engine) { app in
            let (convention, cma, company) = try await playSeed001(app)

            // The company's de minimis ledger holds the CCST's aid for the services still given.
            let ledger = try #require(try json(try await app.call(.GET, "/api/v1/companies/\(company)/de-minimis?on=2021-12-31", token: cma)) as? [String: Any])
            let grants = try #require(ledger["grants"] as? [[String: Any]])
            #expect(grants.count == 6)
            #expect(grants.allSatisfy { $0["grantor"] as? String == "Communauté de Communes du Sud Territoire" && $0["regulation"] as? String == "1407/2013" })
            #expect((ledger["assessment"] as? [String: Any])?["received"] as? String == "4450.00")

            // The monthly tracking table, as French Excel opens it.
            let csv = try await app.call(.GET, "/conventions/\(convention)/suivi.csv", token: cma)
            #expect(csv.status == .ok)
            let bytes = Array(csv.body.readableBytesView)
            #expect(bytes.starts(with: [0xEF, 0xBB, 0xBF]), "UTF-8 with a byte-order mark")
            let lines = String(decoding: bytes.dropFirst(3), as: UTF8.self).components(separatedBy: "\r\n").filter { !$0.isEmpty }
            #expect(lines.first == "Mois;Action;Financeur;Prestations prescrites;Engagé;Réalisé;Facturé;Payé;Reste de l'enveloppe")
            let march = lines.filter { $0.hasPrefix("03/2021;") }
            // Quotes entered today but accepted in March 2021 count as prescribed in March 2021.
            #expect(march.contains { $0.contains(";CCST;3;3600,00;0,00;0,00;0,00;550,00") }, "\(lines)")
            #expect(march.contains { $0.contains(";CCST;3;850,00;250,00;250,00;0,00;550,00") }, "\(lines)")
            #expect(lines.contains { $0.hasPrefix("04/2021;") && $0.contains(";0,00;0,00;0,00;250,00;550,00") }, "\(lines)")
            let tracking = try #require(try json(try await app.call(.GET, "/api/v1/conventions/\(convention)/tracking", token: cma)) as? [String: Any])
            #expect((tracking["rows"] as? [Any])?.count == lines.count - 1)
        }
    }

    @Test("Tableau de suivi en XLSX et ODS : LibreOffice y lit les mêmes lignes et les mêmes montants que le CSV",
          .enabled(if: Office.isInstalled || Office.isRequired, "LibreOffice (soffice) est absent ; PACTE_TEST_OFFICE=required fait échouer ce test"),
          arguments: Engine.available)
    func trackingSpreadsheetsReadByLibreOffice(engine: Engine) async throws {
        try await withDemo(engine) { app in
            let (convention, cma, _) = try await playSeed001(app)
            func download(_ format: String, _ contentType: String) async throws -> Data {
                let response = try await app.call(.GET, "/conventions/\(convention)/suivi.\(format)", token: cma)
                #expect(response.status == .ok)
                #expect(response.headers.first(name: .contentType) == contentType)
                #expect(response.headers.first(name: .contentDisposition) == "attachment; filename=\"tableau-de-suivi.\(format)\"")
                return Data(response.body.readableBytesView)
            }
            let csv = try Office.records(String(decoding: try await download("csv", "text/csv; charset=utf-8"), as: UTF8.self))
            let converted = try await Office.convertToCSV([
                ("xlsx", try await download("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")),
                ("ods", try await download("ods", "application/vnd.oasis.opendocument.spreadsheet")),
            ])
            #expect(csv.count > 3, "\(csv)")
            #expect(csv.first == TrackingExport.header)
            for (format, text) in zip(["xlsx", "ods"], converted) {
                let records = try Office.records(text)
                #expect(records.count == csv.count, "\(format): \(records)")
                #expect(try records.map(comparable) == csv.map(comparable), "\(format): \(records)")
            }
        }
    }

    /// A record with its amounts (columns 5 to 9) as exact decimals, whatever decimal separator and
    /// trailing zeros the program wrote: `3600,00` (Pacte's CSV) and `3600` (LibreOffice) are the same.
    private func comparable(_ record: [String]) throws -> [String] {
        try record.enumerated().map { column, field in
            guard column >= 4, !field.isEmpty, field != TrackingExport.header[column] else { return field }
            return try Money(decimalString: field.replacingOccurrences(of: ",", with: ".")).decimalString
        }
    }
}

/// Seed 001 played through the interventions API as the CMA's agent: an envelope of 5 000 € for the
/// CCST, six services accepted in March 2021, a seventh refused until one is cancelled, one delivered,
/// invoiced 250 € instead of 300 € and paid in April. Returns the convention, the agent's token and the company.
func playSeed001(_ app: Application) async throws -> (convention: UUID, token: String, company: String) {
    let cma = try await app.token("agent.sud-territoire.cma@demo.pacte.fr")
    let convention = try await app.conventionID(titled: "seed 001")
    let ccst = try #require(try await OrganisationModel.query(on: app.db).filter(\.$shortName == "CCST").first()?.id)
    let api = "/api/v1/conventions/\(convention)"
    func post(_ path: String, _ body: String) async throws -> TestingHTTPResponse {
        try await app.call(.POST, path, token: cma, json: body)
    }
    #expect(try await post(api + "/envelopes", #"{"name":"CCST — prestations CMA","funderID":"\#(ccst)","cap":"5000"}"#).status == .created)
    let company = try #require((try json(try await post("/api/v1/companies", #"{"siret":"12345678200010","name":"Boulangerie Martin"}"#)) as? [String: Any])?["id"] as? String)
    let actions = try await ActionModel.query(on: app.db).filter(\.$convention.$id == convention).sort(\.$position).all()
    let services = try await ServiceModel.query(on: app.db).sort(\.$unitPriceCents).all()
    func service(_ euros: Int64) throws -> UUID { try #require(services.first { $0.unitPriceCents == euros * 100 }?.id) }
    func action(_ code: String) throws -> UUID { try #require(actions.first { $0.code == code }?.id) }

    func prescribe(_ code: String, _ euros: Int64) async throws -> String {
        let created = try await post(api + "/interventions", #"{"actionID":"\#(try action(code))","companyID":"\#(company)","serviceID":"\#(try service(euros))"}"#)
        #expect(created.status == .created, "\(created.body.string)")
        return try #require((try json(created) as? [String: Any])?["id"] as? String)
    }
    var accepted: [String] = []
    for (code, euros) in [("FA2", 1_200), ("FA2", 1_200), ("FA2", 1_200), ("FA3", 600), ("FA1", 300), ("FA1", 300)] as [(String, Int64)] {
        let id = try await prescribe(code, euros)
        let response = try await post(api + "/interventions/\(id)/accept", #"{"date":"2021-03-01"}"#)
        #expect(response.status == .ok, "\(response.body.string)")
        accepted.append(id)
    }
    let seventh = try await prescribe("FA1", 300)
    let refused = try await post(api + "/interventions/\(seventh)/accept", #"{"date":"2021-03-02"}"#)
    #expect(refused.status == .conflict)
    let detail = try problemDetail(refused).detail
    #expect(detail.contains("200,00"), "\(detail)")
    #expect(try await InterventionModel.find(UUID(uuidString: seventh), on: app.db)?.status == .quoted, "a refused acceptance changes nothing")

    // Cancelling the 600 € service releases its commitment and withdraws its aid; the seventh then fits.
    #expect(try await post(api + "/interventions/\(accepted[3])/cancel", #"{"reason":"entreprise injoignable"}"#).status == .ok)
    #expect(try await post(api + "/interventions/\(seventh)/accept", #"{"date":"2021-03-02"}"#).status == .ok)
    let envelope = try #require(try json(try await app.call(.GET, api + "/envelopes", token: cma)) as? [[String: Any]]).first
    #expect(envelope?["committed"] as? String == "4500.00")

    // Delivered, invoiced 250 € instead of 300 €: the 50 € difference is released; then paid.
    let first = accepted[4]
    #expect(try await post(api + "/interventions/\(first)/pay", #"{"date":"2021-04-01"}"#).status == .conflict, "paid before delivery is refused")
    #expect(try await post(api + "/interventions/\(first)/deliver", #"{"date":"2021-03-20","deliverable":"plan d'actions"}"#).status == .ok)
    // An invoice above the quote must be covered: 900 € would commit 600 € more where 500 € are left, so nothing moves.
    let tooMuch = try await post(api + "/interventions/\(first)/invoice", #"{"date":"2021-03-25","invoiceNumber":"F-12","amount":"900"}"#)
    #expect(tooMuch.status == .conflict)
    let uncovered = try problemDetail(tooMuch).detail
    #expect(uncovered.contains("n'a plus que \(FrenchFormat.money(Money(cents: 500_00)))"), "\(uncovered)")
    #expect(try await InterventionModel.find(UUID(uuidString: first), on: app.db)?.status == .delivered)
    #expect(try await post(api + "/interventions/\(first)/invoice", #"{"date":"2021-03-25","invoiceNumber":"F-12","amount":"250"}"#).status == .ok)
    #expect(try await post(api + "/interventions/\(first)/pay", #"{"date":"2021-04-10"}"#).status == .ok)
    let after = try #require(try json(try await app.call(.GET, api + "/envelopes", token: cma)) as? [[String: Any]]).first
    #expect(after?["committed"] as? String == "4450.00")
    return (convention, cma, company)
}
