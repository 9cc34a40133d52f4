import Foundation
import PacteCore

/// A `Spreadsheet` as French Excel reads a CSV: UTF-8 with a byte-order mark, `;` between fields,
/// CRLF between rows, decimal comma and no thousands separator in amounts; a text starting like a
/// formula gets a leading apostrophe (OWASP), so that opening the file never runs it.
enum FrenchExcelCSV {
    static func data(_ sheet: Spreadsheet) throws -> Data {
        Data([0xEF, 0xBB, 0xBF]) + (try CSVFile.data(header: sheet.header.map(SpreadsheetFormula.neutralised), rows: sheet.rows.map { $0.map(field) }, delimiter: ";"))
    }

    private static func field(_ cell: Spreadsheet.Cell) -> String {
        switch cell {
        case .text(let text): SpreadsheetFormula.neutralised(text)
        case .integer(let value): String(value)
        case .amount(let amount): excelNumber(amount)
        case .empty: ""
        }
    }

    /// `1234,56`, `-0,50`: a number Excel reads in a French locale.
    static func excelNumber(_ amount: Money) -> String {
        amount.decimalString.replacingOccurrences(of: ".", with: ",")
    }
}
