import CSV
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

/// The tracking table as French Excel reads a CSV: UTF-8 with a byte-order mark, `;` between
/// fields, CRLF between rows, decimal comma and no thousands separator in amounts.
enum TrackingExport {
    static let header = ["Mois", "Action", "Financeur", "Prestations prescrites", "Engagé", "Réalisé", "Facturé", "Payé", "Reste de l'enveloppe"]

    /// `1234,56`, `-0,50`: a number Excel reads in a French locale.
    static func excelNumber(_ amount: Money) -> String {
        let cents = amount.cents.magnitude
        return (amount.cents < 0 ? "-" : "") + "\(cents / 100)," + (cents % 100 < 10 ? "0" : "") + "\(cents % 100)"
    }

    static func csv(_ table: TrackingTable) throws -> Data {
        let stream = OutputStream(toMemory: ())
        let writer = try CSVWriter(stream: stream, delimiter: ";", newline: .crlf)
        try writer.write(row: header)
        for row in table.rows {
            try writer.write(row: [row.month.description, row.action, row.funder, String(row.prescribed), excelNumber(row.committed),
                                   excelNumber(row.delivered), excelNumber(row.invoiced), excelNumber(row.paid),
                                   row.envelopeLeft.map(excelNumber) ?? ""])
        }
        writer.stream.close()
        let body = writer.stream.property(forKey: .dataWrittenToMemoryStreamKey) as? Data ?? Data()
        return Data([0xEF, 0xBB, 0xBF]) + body
    }

    static func register(api: APIBuilder, pages: any RoutesBuilder) {
        api.on(.GET, "conventions", ":conventionID", "tracking", summary: "Tableau de suivi mensuel (mois × action × financeur)", tag: "Prestations",
               response: TrackingOut.example) { req in
            TrackingOut(try await Tracking.table(for: try await Access.convention(req), on: req.db))
        }
        pages.get("conventions", ":conventionID", "suivi.csv") { req async throws -> Response in
            let convention = try await Access.convention(req)
            let data = try csv(try await Tracking.table(for: convention, on: req.db))
            let response = Response(status: .ok, body: .init(data: data))
            response.headers.contentType = HTTPMediaType(type: "text", subType: "csv", parameters: ["charset": "utf-8"])
            response.headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"tableau-de-suivi.csv\"")
            return response
        }
    }
}
