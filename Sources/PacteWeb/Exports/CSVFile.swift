import CSV
import Foundation
import Vapor

/// Rows written as CSV by CSV.swift (quoting where a field needs it), CRLF between rows: the one
/// writer behind the French-Excel downloads and the open-data (SCDL) files.
enum CSVFile {
    static func data(header: [String], rows: [[String]], delimiter: String) throws -> Data {
        let stream = OutputStream(toMemory: ())
        let writer = try CSVWriter(stream: stream, delimiter: delimiter, newline: .crlf)
        try writer.write(row: header)
        for row in rows { try writer.write(row: row) }
        writer.stream.close()
        return writer.stream.property(forKey: .dataWrittenToMemoryStreamKey) as? Data ?? Data()
    }

    /// An open-data CSV download as the SCDL schemas ask: UTF-8 without byte-order mark, commas.
    static func openDataResponse(header: [String], rows: [[String]], fileName: String) throws -> Response {
        let response = Response(status: .ok, body: .init(data: try data(header: header, rows: rows, delimiter: ",")))
        response.headers.replaceOrAdd(name: .contentType, value: "text/csv; charset=utf-8")
        response.headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"\(fileName)\"")
        return response
    }
}
