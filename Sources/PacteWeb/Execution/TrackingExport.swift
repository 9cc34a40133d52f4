import Fluent
import Foundation
import PacteCore
import PacteStore
import Vapor

public struct TrackingRowOut: Content, Sendable {
    public var month: String
    public var action: String
    public var funder: String
    public var prescribed: Int
    public var committed: String
    public var delivered: String
    public var invoiced: String
    public var paid: String
    public var envelopeLeft: String?
}

public struct TrackingOut: Documented {
    public var rows: [TrackingRowOut]

    init(_ table: TrackingTable) {
        rows = table.rows.map {
            TrackingRowOut(month: String(format: "%04d-%02d", $0.month.year, $0.month.month), action: $0.action, funder: $0.funder,
                           prescribed: $0.prescribed, committed: $0.committed.decimalString, delivered: $0.delivered.decimalString,
                           invoiced: $0.invoiced.decimalString, paid: $0.paid.decimalString, envelopeLeft: $0.envelopeLeft?.decimalString)
        }
    }

    public static var example: TrackingOut {
        TrackingOut(rows: [TrackingRowOut(month: "2021-03", action: "FA2 Coaching Rebond", funder: "CCST", prescribed: 3, committed: "3600.00",
                                          delivered: "0.00", invoiced: "0.00", paid: "0.00", envelopeLeft: "1400.00")])
    }

    init(rows: [TrackingRowOut]) { self.rows = rows }
}

/// The tracking table as a download: CSV for French Excel, XLSX and ODS, all three from one sheet.
enum TrackingExport {
    static let header = ["Mois", "Action", "Financeur", "Prestations prescrites", "Engagé", "Réalisé", "Facturé", "Payé", "Reste de l'enveloppe"]

    /// The month as text (`03/2021`), as the convention and the CSV write it, not as a date a program would reformat.
    static func spreadsheet(_ table: TrackingTable) -> Spreadsheet {
        Spreadsheet(sheetName: "Tableau de suivi", header: header, rows: table.rows.map { row -> [Spreadsheet.Cell] in
            [.text(row.month.description), .text(row.action), .text(row.funder), .integer(row.prescribed), .amount(row.committed),
             .amount(row.delivered), .amount(row.invoiced), .amount(row.paid), row.envelopeLeft.map(Spreadsheet.Cell.amount) ?? .empty]
        })
    }

    static func register(api: APIBuilder, pages: any RoutesBuilder) {
        api.on(.GET, "conventions", ":conventionID", "tracking", summary: "Tableau de suivi mensuel (mois × action × financeur)", tag: "Prestations",
               response: TrackingOut.example) { req in
            TrackingOut(try await Tracking.table(for: try await Access.convention(req), on: req.db))
        }
        for format in SpreadsheetFormat.allCases {
            pages.get("conventions", ":conventionID", "suivi.\(format.rawValue)") { req async throws -> Response in
                let convention = try await Access.convention(req)
                return try format.response(spreadsheet(try await Tracking.table(for: convention, on: req.db)), fileName: "tableau-de-suivi", request: req)
            }
        }
    }
}
