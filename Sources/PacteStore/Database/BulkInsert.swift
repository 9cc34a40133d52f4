import Fluent
import Foundation
import PacteCore
import SQLKit

/// Buffers rows and writes them as multi-row inserts, under both engines' bind limits.
package final class BulkInsert {
    package let sql: any SQLDatabase
    package let table: String
    package let columns: [String]
    private var rows: [[any Encodable & Sendable]] = []
    package private(set) var count = 0
    /// SQLite accepts 32 766 binds per statement, PostgreSQL 65 535.
    private var rowsPerStatement: Int { max(1, min(1_000, 30_000 / columns.count)) }

    /// Rows referencing rows of other buffers wait for them: the owner flushes in dependency order.
    private let flushesItself: Bool

    package init(_ sql: any SQLDatabase, _ table: String, _ columns: [String], flushesItself: Bool = true) {
        self.sql = sql
        self.table = table
        self.columns = columns
        self.flushesItself = flushesItself
    }

    package var isFull: Bool { rows.count >= rowsPerStatement }

    package func add(_ row: [any Encodable & Sendable]) async throws {
        precondition(row.count == columns.count, "\(table): \(row.count) valeurs pour \(columns.count) colonnes")
        rows.append(row)
        count += 1
        if flushesItself, isFull { try await flush() }
    }

    package func flush() async throws {
        var start = 0
        while start < rows.count {
            let builder = sql.insert(into: table).columns(columns)
            for row in rows[start..<min(rows.count, start + rowsPerStatement)] { builder.values(row.map { SQLBind(Self.primitive($0)) }) }
            try await builder.run()
            start += rowsPerStatement
        }
        rows.removeAll(keepingCapacity: true)
    }

    /// The column value a model stores for `value` (its coded text), bound directly:
    /// the drivers' encoders are far slower on wrapper types than on strings.
    static func primitive(_ value: any Encodable & Sendable) -> any Encodable & Sendable {
        switch value {
        case let text as any TextCodable: text.codedText
        default: value
        }
    }
}
