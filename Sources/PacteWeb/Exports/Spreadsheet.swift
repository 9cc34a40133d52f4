import Foundation
import PacteCore
import Vapor

/// A one-sheet table of typed cells: what every export of Pacte (CSV, XLSX, ODS) is written from,
/// so that a table is mapped to rows once and each format only decides how a cell is spelt.
struct Spreadsheet: Hashable, Sendable {
    /// A cell's type decides how spreadsheet programs read it: an identifier such as a SIRET must be
    /// `.text`, or Excel turns it into a number and drops leading zeros.
    enum Cell: Hashable, Sendable {
        case text(String)
        case integer(Int)
        /// Euros, written as an exact decimal number with the currency format.
        case amount(Money)
        case empty
    }

    var sheetName: String
    var header: [String]
    var rows: [[Cell]]

    /// Columns wide enough for their longest content, in characters (spreadsheets show `###` for a
    /// number that does not fit, and the default width is narrower than `3 600,00 €`).
    var columnWidths: [Int] {
        header.indices.map { column in
            let lengths = [header[column].count] + rows.map { column < $0.count ? $0[column].displayLength : 0 }
            return min(60, max(8, (lengths.max() ?? 0) + 2))
        }
    }

    /// The chosen columns only, in the table's order.
    func selecting(_ columns: [Int]) -> Spreadsheet {
        Spreadsheet(sheetName: sheetName, header: columns.map { header[$0] },
                    rows: rows.map { row in columns.map { $0 < row.count ? row[$0] : .empty } })
    }

    /// The 0-based columns named by the request's `colonnes` parameters (1-based), nil for all.
    static func chosenColumns(_ request: Request, count: Int) throws -> [Int]? {
        let named = (request.url.query ?? "").split(separator: "&").compactMap { pair -> String? in
            let parts = pair.split(separator: "=", maxSplits: 1)
            return parts.count == 2 && parts[0] == "colonnes" ? String(parts[1]) : nil
        }
        guard !named.isEmpty else { return nil }
        var columns: Set<Int> = []
        for text in named {
            guard let number = Int(text), (1...count).contains(number) else {
                throw Problem.invalid("colonnes", "Colonne « \(text.removingPercentEncoding ?? text) » inconnue : ce tableau a \(count) colonnes, numérotées de 1 à \(count).")
            }
            columns.insert(number - 1)
        }
        return columns.sorted()
    }

    /// The sheet name both programs accept: Excel refuses more than 31 characters, `[]:*?/\`, and an
    /// apostrophe at either end.
    var safeSheetName: String {
        let cleaned = String(sheetName.map { "[]:*?/\\".contains($0) ? " " : $0 })
            .trimmingCharacters(in: CharacterSet(charactersIn: "' ").union(.whitespacesAndNewlines))
        return cleaned.isEmpty ? "Feuille1" : String(cleaned.prefix(31))
    }
}

extension Spreadsheet.Cell {
    var displayLength: Int {
        switch self {
        case .text(let text): text.count
        case .integer(let value): String(value).count
        case .amount(let amount): FrenchFormat.money(amount).count
        case .empty: 0
        }
    }
}

/// Text made safe for XML element content and attribute values.
enum XML {
    /// The five markup characters escaped as in HTML attributes (`&#39;` is XML too); the control
    /// characters XML 1.0 cannot write at all are dropped, since one would make the file unreadable.
    static func escape(_ text: String) -> String { XMLEscaping.escape(text) }

    static let declaration = #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"# + "\n"
}

/// The three download formats of every table, written from one `Spreadsheet`.
enum SpreadsheetFormat: String, CaseIterable, Sendable {
    case csv, xlsx, ods

    var contentType: String {
        switch self {
        case .csv: "text/csv; charset=utf-8"
        case .xlsx: XLSXWriter.contentType
        case .ods: ODSWriter.contentType
        }
    }

    func data(_ sheet: Spreadsheet) throws -> Data {
        switch self {
        case .csv: try FrenchExcelCSV.data(sheet)
        case .xlsx: try XLSXWriter.data(sheet)
        case .ods: try ODSWriter.data(sheet)
        }
    }

    /// The file as a download named `fileName.csv` (or `.xlsx`, `.ods`).
    /// The file, with only the columns the user ticked (`colonnes=1&colonnes=4`, numbered from 1) when the
    /// request names some.
    func response(_ sheet: Spreadsheet, fileName: String, request: Request) throws -> Response {
        let chosen = try Spreadsheet.chosenColumns(request, count: sheet.header.count)
        let response = Response(status: .ok, body: .init(data: try data(chosen.map(sheet.selecting) ?? sheet)))
        response.headers.replaceOrAdd(name: .contentType, value: contentType)
        response.headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"\(fileName).\(rawValue)\"")
        return response
    }
}
