import Fluent
import Foundation
import Logging
import NIOConcurrencyHelpers
import SQLKit
import Vapor

/// One SQL statement as a driver sent it, with its binds as the driver logged them.
public struct LoggedStatement: Sendable, Hashable, CustomStringConvertible {
    public let sql: String
    public let binds: [String]

    public init(sql: String, binds: [String]) {
        self.sql = sql
        self.binds = binds
    }

    public var description: String { binds.isEmpty ? sql : "\(sql)  -- binds: \(binds.joined(separator: ", "))" }
}

/// Collects every statement the database drivers run while something runs.
///
/// Both drivers log each statement they send ("Executing query", with the SQL and its binds as
/// metadata) at the level `DatabaseSetup` gives them, through the logger of the database context.
/// That logger is the application's: `app.db` takes it, and every request copies it into its own.
/// Putting a recording handler in front of the application's logger therefore sees every statement
/// of every request on both engines, without touching the code that runs them.
public final class StatementLog: Sendable {
    private let recorded = NIOLockedValueBox<[LoggedStatement]>([])

    public init() {}

    /// Every statement recorded so far, in the order they ran (repeats included).
    public var statements: [LoggedStatement] { recorded.withLockedValue { $0 } }

    public func removeAll() { recorded.withLockedValue { $0.removeAll() } }

    func record(_ statement: LoggedStatement) { recorded.withLockedValue { $0.append(statement) } }

    /// Runs `body` with `app`'s logger recording the statements, then puts the logger back.
    /// Requests started during `body` record too (a request copies the application's logger).
    public func recording<T>(_ app: Application, _ body: () async throws -> T) async throws -> T {
        let original = app.logger
        var recording = original
        recording.handler = RecordingLogHandler(log: self, wrapped: original.handler)
        app.logger = recording
        defer { app.logger = original }
        return try await body()
    }
}

/// Records the drivers' "Executing query" messages, whatever their level, and passes every message
/// on to the handler it wraps, which still filters by its own level.
struct RecordingLogHandler: LogHandler {
    let log: StatementLog
    var wrapped: any LogHandler

    var metadata: Logger.Metadata {
        get { wrapped.metadata }
        set { wrapped.metadata = newValue }
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { wrapped[metadataKey: key] }
        set { wrapped[metadataKey: key] = newValue }
    }

    /// Always trace, so that the statements logged at `sqlLogLevel` reach this handler; setting it
    /// sets the wrapped handler's level, which decides what is printed.
    var logLevel: Logger.Level {
        get { .trace }
        set { wrapped.logLevel = newValue }
    }

    func log(event: LogEvent) {
        if case .string(let sql)? = event.metadata?["sql"] {
            var binds: [String] = []
            if case .array(let values)? = event.metadata?["binds"] { binds = values.map(\.description) }
            log.record(LoggedStatement(sql: sql, binds: binds))
        }
        if event.level >= wrapped.logLevel { wrapped.log(event: event) }
    }
}

/// Explains statements with the engine's own planner and flags those that read a whole large table.
///
/// SQLite: `EXPLAIN QUERY PLAN`; a `SCAN` of a large table (in table or index order) or a search
/// through an automatic index (built by reading the whole table) is flagged. The binds are left
/// unbound: SQLite plans without looking at their values.
///
/// PostgreSQL: `EXPLAIN (FORMAT JSON)` of the generic plan (`plan_cache_mode = force_generic_plan`,
/// so the binds' values play no part, as with SQLite) with `enable_seqscan = off`, so that even the
/// few rows of a test database show whether an index can serve the query: a `Seq Scan` of a large
/// table, or an index scan without an index condition (the whole index read, in its order), is flagged.
public enum QueryPlans {
    /// The tables that grow with the number of conventions, companies or users: no page may read
    /// one whole. At national scale: 10 000 conventions, 100 000 actions, 2 000 000 interventions,
    /// 1 000 000 companies, their commitments, cost lines, shares, audit events…
    public static let bigTables: Set<String> = [
        "conventions", "convention_parties", "articles", "axes", "actions", "action_stated_totals", "cost_lines",
        "financing_shares", "share_prorata_members", "indicators", "indicator_measurements", "envelopes", "commitments",
        "interventions", "companies", "establishments", "de_minimis_grants", "audit_events", "deliberations",
        "convention_events", "convention_versions", "committees", "meetings", "calendar_feeds", "reminders_sent",
        "invoices", "invoice_items", "revenue_orders", "annual_reviews", "deliverables", "deliveries",
        "confidential_items", "confidential_consents", "document_imports", "people", "users", "memberships",
        "api_tokens", "login_attempts", "_fluent_sessions", "register_establishments", "register_units", "ref_communes",
    ]

    /// A full read that is the right plan, with the reason.
    public struct Allowance: Sendable {
        /// The table read whole.
        public var table: String
        /// A fragment of the statement's SQL that identifies it.
        public var fragment: String
        public var reason: String

        public init(table: String, fragment: String, reason: String) {
            self.table = table
            self.fragment = fragment
            self.reason = reason
        }

        func covers(_ statement: LoggedStatement, table: String) -> Bool { table == self.table && statement.sql.contains(fragment) }
    }

    /// The full reads Pacte accepts, each with its reason. Each is a known cost at national scale,
    /// to be measured by `pacte bench`, not a hidden one.
    public static let allowances: [Allowance] = {
        let everyConvention = "a platform administrator sees every convention: the dashboard, the list, the calendar and the SCDL export "
            + "read them all, one row per convention (partners read only theirs, through convention_parties_organisation)"
        let pageTotal = "the total of a paged API list without filter counts the rows of the table's smallest index"
        let fragment = "searching a fragment of a text: no B-tree index serves « %…% » (a trigram or full-text index would)"
        let narrow = "searching a fragment of a company name without case or accents, or a few digits of a SIREN or SIRET: "
            + "no B-tree index serves a fragment, so only the narrow id, name and SIREN (SIRET) columns are read, then the companies found"
        return [
            Allowance(table: "conventions", fragment: #"FROM "conventions" ORDER BY "conventions"."title" ASC"#, reason: everyConvention),
            Allowance(table: "conventions", fragment: #"SELECT COUNT("conventions"."id") AS "aggregate" FROM "conventions""#, reason: pageTotal),
            Allowance(table: "conventions", fragment: #""conventions"."title" LIKE"#, reason: fragment),
            Allowance(table: "conventions", fragment: #""conventions"."title" ILIKE"#, reason: fragment),
            Allowance(table: "companies", fragment: #"SELECT COUNT("companies"."id") AS "aggregate" FROM "companies""#, reason: pageTotal),
            Allowance(table: "companies", fragment: #""companies"."name" LIKE"#, reason: fragment),
            Allowance(table: "companies", fragment: #""companies"."name" ILIKE"#, reason: fragment),
            Allowance(table: "companies", fragment: #"AS "companies_siren" FROM "companies" ORDER BY"#, reason: narrow),
            Allowance(table: "establishments", fragment: #"AS "establishments_siret" FROM "establishments""#, reason: narrow),
            Allowance(table: "users", fragment: #"FROM "users" ORDER BY "users"."email" ASC"#,
                      reason: "a platform administrator lists every account (an organisation's administrator reads only its members)"),
        ]
    }()

    /// A statement whose plan reads a whole large table.
    public struct Finding: Sendable, CustomStringConvertible {
        public var statement: LoggedStatement
        /// The large tables read whole.
        public var tables: [String]
        /// The plan as the engine gave it.
        public var plan: String
        /// How many times the statement ran.
        public var runs: Int

        public var description: String {
            "\(tables.joined(separator: ", ")) lue entièrement (\(runs) fois) :\n  \(statement)\n  plan :\n\(plan.split(separator: "\n").map { "    \($0)" }.joined(separator: "\n"))"
        }
    }

    public struct Report: Sendable, CustomStringConvertible {
        /// Distinct statements explained.
        public var explained: Int = 0
        public var findings: [Finding] = []
        /// Full reads covered by an allowance, with its reason.
        public var allowed: [(finding: Finding, reason: String)] = []
        /// Statements the engine could not explain, with its error: a check that cannot be made is a failure too.
        public var failures: [(statement: LoggedStatement, error: String)] = []

        public var isClean: Bool { findings.isEmpty && failures.isEmpty }

        public var description: String {
            var lines = ["\(explained) requêtes distinctes expliquées, \(findings.count) lectures complètes, \(allowed.count) admises, \(failures.count) non expliquées"]
            lines += findings.map(\.description)
            lines += failures.map { "non expliquée : \($0.statement)\n  \($0.error)" }
            lines += allowed.map { "admise (\($0.finding.tables.joined(separator: ", ")), \($0.finding.runs) fois) : \($0.reason)\n  \($0.finding.statement.sql.prefix(160))…" }
            return lines.joined(separator: "\n")
        }
    }

    /// Explains each distinct statement of `statements` (the ones that read: `SELECT`, `WITH`,
    /// `UPDATE`, `DELETE`) on `db` and reports those that read a large table whole.
    public static func check(_ statements: [LoggedStatement], on db: any Database, bigTables: Set<String> = bigTables,
                             allowances: [Allowance] = allowances) async throws -> Report {
        guard let sql = db as? any SQLDatabase else { return Report() }
        var runs: [String: Int] = [:]
        var distinct: [LoggedStatement] = []
        for statement in statements where reads(statement.sql) && !readsNothing(statement.sql) {
            if runs[statement.sql] == nil { distinct.append(statement) }
            runs[statement.sql, default: 0] += 1
        }
        var report = Report()
        for (index, statement) in distinct.enumerated() {
            let plan: ExplainedPlan
            do {
                plan = sql.dialect.name == "sqlite"
                    ? try await explainSQLite(statement, on: sql)
                    : try await explainPostgres(statement, number: index, on: db)
            } catch {
                report.failures.append((statement, String(reflecting: error)))
                continue
            }
            report.explained += 1
            let tables = plan.fullReads.filter(bigTables.contains)
            guard !tables.isEmpty else { continue }
            let finding = Finding(statement: statement, tables: Array(Set(tables)).sorted(), plan: plan.text, runs: runs[statement.sql] ?? 1)
            let reasons = finding.tables.map { table in allowances.first { $0.covers(statement, table: table) }?.reason }
            if reasons.allSatisfy({ $0 != nil }) {
                report.allowed.append((finding, reasons.compactMap { $0 }.joined(separator: " ; ")))
            } else {
                report.findings.append(finding)
            }
        }
        return report
    }

    /// A statement that reads rows, whose plan can say how.
    static func reads(_ sql: String) -> Bool {
        let head = sql.drop { $0.isWhitespace || $0 == "(" }.prefix(7).uppercased()
        return head.hasPrefix("SELECT") || head.hasPrefix("WITH") || head.hasPrefix("UPDATE") || head.hasPrefix("DELETE")
    }

    /// Fluent writes an empty `IN` list as `1 = 0`: such a statement reads no row, whatever its plan.
    static func readsNothing(_ sql: String) -> Bool {
        sql.contains(" WHERE 1 = 0") && !sql.contains(" OR ")
    }

    /// A read in the order of an index with no condition, stopped by a `LIMIT`: the first rows of a
    /// sorted list (a page of companies by name) read only as many rows as they show.
    static func isBoundedOrderedRead(_ sql: String) -> Bool {
        sql.contains(" LIMIT ") && !sql.contains(" WHERE ")
    }

    struct ExplainedPlan {
        var text: String
        /// Tables read whole, by real name.
        var fullReads: [String]
    }

    // MARK: SQLite

    static func explainSQLite(_ statement: LoggedStatement, on sql: any SQLDatabase) async throws -> ExplainedPlan {
        let explain: String = "EXPLAIN QUERY PLAN " + statement.sql
        let rows = try await sql.raw(SQLQueryString(explain)).all()
        let details = try rows.map { try $0.decode(column: "detail", as: String.self) }
        let aliases = tableAliases(in: statement.sql)
        var fullReads: [String] = []
        for detail in details {
            let words = detail.split(separator: " ").map(String.init)
            guard words.count >= 2, words[0] == "SCAN" || words[0] == "SEARCH" else { continue }
            // « SCAN t », « SCAN t USING INDEX i », « SCAN table AS alias », « SEARCH t USING AUTOMATIC … INDEX ».
            let name = words[1]
            let table = words.count >= 4 && words[2] == "AS" ? name : (aliases[name.lowercased()] ?? name)
            let inIndexOrder = detail.contains(" USING INDEX ") || detail.contains(" USING COVERING INDEX ")
            let bounded = inIndexOrder && isBoundedOrderedRead(statement.sql) && !details.contains { $0.contains("TEMP B-TREE") }
            if (words[0] == "SCAN" && !bounded) || detail.contains("AUTOMATIC") { fullReads.append(table.lowercased()) }
        }
        return ExplainedPlan(text: details.joined(separator: "\n"), fullReads: fullReads)
    }

    /// Alias → table for `FROM "table" AS "alias"` and `JOIN table alias`, and each table as itself.
    static func tableAliases(in sql: String) -> [String: String] {
        var aliases: [String: String] = [:]
        let pattern = #"(?i)\b(?:FROM|JOIN|UPDATE|INTO)\s+"?([A-Za-z_][A-Za-z0-9_]*)"?(?:\s+(?:AS\s+)?"?([A-Za-z_][A-Za-z0-9_]*)"?)?"#
        guard let expression = try? NSRegularExpression(pattern: pattern) else { return aliases }
        let text = sql as NSString
        let keywords: Set<String> = ["where", "join", "left", "inner", "outer", "cross", "on", "order", "group", "limit", "set", "values", "using", "natural", "full", "right"]
        for match in expression.matches(in: sql, range: NSRange(location: 0, length: text.length)) {
            let table = text.substring(with: match.range(at: 1))
            aliases[table.lowercased()] = table
            if match.range(at: 2).location != NSNotFound {
                let alias = text.substring(with: match.range(at: 2))
                if !keywords.contains(alias.lowercased()) { aliases[alias.lowercased()] = table }
            }
        }
        return aliases
    }

    // MARK: PostgreSQL

    struct PostgresExplain: Decodable {
        var plan: PostgresPlanNode
        enum CodingKeys: String, CodingKey { case plan = "Plan" }
    }

    final class PostgresPlanNode: Decodable, @unchecked Sendable {
        let nodeType: String
        let relationName: String?
        let indexName: String?
        let indexCondition: String?
        let filter: String?
        let plans: [PostgresPlanNode]?

        enum CodingKeys: String, CodingKey {
            case nodeType = "Node Type", relationName = "Relation Name", indexName = "Index Name"
            case indexCondition = "Index Cond", filter = "Filter", plans = "Plans"
        }

        func lines(depth: Int = 0) -> [String] {
            var line = String(repeating: "  ", count: depth) + nodeType
            if let relationName { line += " on \(relationName)" }
            if let indexName { line += " using \(indexName)" }
            if let indexCondition { line += " [index: \(indexCondition)]" }
            if let filter { line += " [filtre: \(filter)]" }
            return [line] + (plans ?? []).flatMap { $0.lines(depth: depth + 1) }
        }

        /// Tables read whole: a sequential scan, or an index read from end to end with no condition
        /// unless a `Limit` right above it stops it after the rows shown.
        func fullReads(underLimit: Bool = false) -> [String] {
            var tables: [String] = []
            if let relationName {
                if nodeType == "Seq Scan" { tables.append(relationName) }
                if nodeType == "Index Scan" || nodeType == "Index Only Scan", indexCondition == nil, !(underLimit && filter == nil) {
                    tables.append(relationName)
                }
            }
            return tables + (plans ?? []).flatMap { $0.fullReads(underLimit: nodeType == "Limit") }
        }
    }

    /// The statement is prepared under a name of its own and its generic plan explained, inside a
    /// transaction so that the settings last only for it.
    static func explainPostgres(_ statement: LoggedStatement, number: Int, on db: any Database) async throws -> ExplainedPlan {
        let name = "pacte_plan_check_\(number)"
        let parameters = parameterCount(in: statement.sql)
        let arguments = parameters == 0 ? "" : "(" + Array(repeating: "NULL", count: parameters).joined(separator: ", ") + ")"
        return try await db.transaction { transaction in
            let sql = transaction as! any SQLDatabase
            try await sql.raw("SET LOCAL enable_seqscan = off").run()
            try await sql.raw("SET LOCAL plan_cache_mode = force_generic_plan").run()
            let prepare: String = "PREPARE \(name) AS " + statement.sql
            let explain: String = "EXPLAIN (FORMAT JSON) EXECUTE \(name)\(arguments)"
            let deallocate: String = "DEALLOCATE \(name)"
            try await sql.raw(SQLQueryString(prepare)).run()
            let rows = try await sql.raw(SQLQueryString(explain)).all()
            try await sql.raw(SQLQueryString(deallocate)).run()
            let explained = try rows.flatMap { try $0.decode(column: "QUERY PLAN", as: [PostgresExplain].self) }
            return ExplainedPlan(text: explained.flatMap { $0.plan.lines() }.joined(separator: "\n"),
                                 fullReads: explained.flatMap { $0.plan.fullReads() })
        }
    }

    /// The highest `$n` of a PostgreSQL statement.
    static func parameterCount(in sql: String) -> Int {
        var highest = 0
        var scanner = sql[...]
        while let dollar = scanner.firstIndex(of: "$") {
            let digits = scanner[scanner.index(after: dollar)...].prefix { $0.isNumber }
            if let number = Int(digits) { highest = max(highest, number) }
            scanner = scanner[scanner.index(after: dollar)...]
        }
        return highest
    }
}
