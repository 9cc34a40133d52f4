import Fluent
import Foundation
import PacteCore
import SQLKit
import Vapor

/// Imports an INSEE SIRENE stock file (`StockEtablissement` or `StockUniteLegale`) into the
/// register, in batches that are each one transaction: the batch's rows and the run's checkpoint
/// (byte offset reached, rows imported and rejected) are committed together or not at all, so an
/// interrupted import resumes exactly where its last committed batch ended.
///
/// A run is identified by the file's fingerprint (SHA-256 of its size and first MiB): importing
/// the same file again resumes its unfinished run, or does nothing if the run finished (unless
/// `restart`); a changed file is a new run. Rejected rows are counted and written next to the file
/// (`FILE.rejets.csv`: line, reason, values as read).
public enum RegisterImport {
    /// Where an import stands, after each committed batch.
    public struct Progress: Sendable {
        /// Bytes of the file committed (the run's checkpoint) and the file's size.
        public let bytesDone: Int64
        public let bytesTotal: Int64
        /// Rows of the run committed so far (earlier sessions of a resumed run included).
        public let rowsImported: Int64
        public let rowsRejected: Int64
        /// Rows read in this session, and the time since it started.
        public let sessionRows: Int64
        public let elapsed: Double
        /// A new run, or the resumption of an interrupted one.
        public let outcome: Outcome

        /// Share of the file committed, 0…1.
        public var fraction: Double { bytesTotal > 0 ? Double(bytesDone) / Double(bytesTotal) : 1 }
        /// Rows read per second in this session.
        public var rowsPerSecond: Double { elapsed > 0 ? Double(sessionRows) / elapsed : 0 }
        /// Seconds left at this session's pace, once there is a pace to go by.
        public var secondsLeft: Double? {
            let done = bytesDone - sessionStartOffset
            guard done > 0, elapsed > 0 else { return nil }
            return Double(bytesTotal - bytesDone) * elapsed / Double(done)
        }
        let sessionStartOffset: Int64
    }

    /// What the call did.
    public enum Outcome: Sendable, Equatable {
        /// A new run, from the first row.
        case imported
        /// An unfinished run of the same file, continued from the byte offset its last batch reached.
        case resumed(fromOffset: Int64, rowsBefore: Int64, startedAt: Date)
        /// The same file was already imported to the end: nothing was done.
        case alreadyFinished(finishedAt: Date)
    }

    public struct Summary: Sendable {
        public let runID: UUID
        public let fileName: String
        public let layout: SireneLayout
        public let outcome: Outcome
        /// The run's totals (earlier sessions of a resumed run included).
        public let rowsImported: Int64
        public let rowsRejected: Int64
        /// Rows read and seconds spent in this call.
        public let sessionRows: Int64
        public let duration: Double
        public let fileSize: Int64
        /// The rejects file, when the run rejected rows.
        public let rejectsPath: String?

        public var rowsPerSecond: Double { duration > 0 ? Double(sessionRows) / duration : 0 }
    }

    /// Bind parameters per statement: SQLite's default limit is 32 766, PostgreSQL's 65 535.
    static func bindLimit(_ sql: any SQLDatabase) -> Int { sql.dialect.name == "sqlite" ? 32_766 : 65_535 }

    /// Imports `path` into the register (see the type's description).
    ///
    /// - Parameters:
    ///   - batchSize: rows per transaction (rejected rows included).
    ///   - restart: start a new run even when this file was imported already or is half-way.
    ///   - startedBy: who started it, kept with the run.
    ///   - progress: called once before the first batch and after each committed batch; an error it
    ///     throws stops the import there (the committed batches stay, a later call resumes).
    /// - Throws: `SireneFileError` (French) when the file cannot be read, is not a SIRENE layout or
    ///   lacks a required column; database errors as they come.
    public static func run(path: String, on db: any Database, batchSize: Int = 20_000, restart: Bool = false, startedBy: String,
                           progress: @Sendable (Progress) async throws -> Void = { _ in }) async throws -> Summary {
        precondition(batchSize > 0, "batchSize must be positive")
        guard let sql = db as? any SQLDatabase else { throw StoreError.corrupt("le registre des entreprises demande une base SQL") }
        let clock = ContinuousClock.now
        let fileName = (path as NSString).lastPathComponent
        let (size, fingerprint) = try fingerprint(of: path)
        let rejectsPath = rejectsFilePath(for: path)

        let previous = restart ? nil : try await latestRun(fingerprint: fingerprint, on: sql)
        if let previous, let finishedAt = previous.finishedAt {
            return Summary(runID: previous.id, fileName: fileName, layout: previous.layout ?? .establishments,
                           outcome: .alreadyFinished(finishedAt: finishedAt), rowsImported: previous.rowsImported,
                           rowsRejected: previous.rowsRejected, sessionRows: 0, duration: 0, fileSize: size,
                           rejectsPath: previous.rowsRejected > 0 ? rejectsPath : nil)
        }

        let reader = try SireneFileReader(path: path, resumeAt: previous?.byteOffset ?? 0)
        let runID: UUID
        let outcome: Outcome
        var imported: Int64 = 0
        var rejected: Int64 = 0
        let rejects = RejectsFile(path: rejectsPath, header: reader.header.names)
        if let previous {
            guard previous.layout == reader.layout else {
                throw SireneFileError("Reprise impossible : l'import interrompu lisait un fichier \(previous.layout?.rawValue ?? "inconnu"), celui-ci est un fichier \(reader.layout.rawValue).")
            }
            runID = previous.id
            imported = previous.rowsImported
            rejected = previous.rowsRejected
            outcome = .resumed(fromOffset: reader.offset, rowsBefore: imported + rejected, startedAt: previous.startedAt)
            try rejects.keepLines(before: reader.startLine)
        } else {
            runID = UUID()
            outcome = .imported
            try rejects.removeExisting()
            let now = Date()
            try await sql.insert(into: RegisterTables.runs)
                .columns("id", "file_name", "file_size", "fingerprint", "layout", "byte_offset", "rows_imported", "rows_rejected",
                         "started_by", "started_at", "updated_at")
                .values(SQLBind(runID), SQLBind(fileName), SQLBind(size), SQLBind(fingerprint), SQLBind(reader.layout.rawValue),
                        SQLBind(reader.offset), SQLBind(Int64(0)), SQLBind(Int64(0)), SQLBind(startedBy), SQLBind(now), SQLBind(now))
                .run()
        }

        let sessionStart = reader.offset
        var committedOffset = sessionStart
        var sessionRows: Int64 = 0
        func report() -> Progress {
            Progress(bytesDone: committedOffset, bytesTotal: size, rowsImported: imported, rowsRejected: rejected, sessionRows: sessionRows,
                     elapsed: seconds(since: clock), outcome: outcome, sessionStartOffset: sessionStart)
        }
        try await progress(report())

        let limit = bindLimit(sql)
        var upcoming = try Batch.read(from: reader, size: batchSize)
        while true {
            let batch = upcoming
            let newImported = imported + Int64(batch.establishments.count + batch.units.count)
            let newRejected = rejected + Int64(batch.rejections.count)
            // Rejects are written before the commit: if the process dies in between, the resumed
            // run drops the lines it is about to read again (`keepLines(before:)`).
            try rejects.append(batch.rejections)
            // The next batch is parsed while this one is written: on two cores, parsing and the
            // database's work overlap.
            async let committed: Void = commit(batch, run: runID, imported: newImported, rejected: newRejected, on: db, limit: limit)
            let next = batch.isLast ? nil : try Batch.read(from: reader, size: batchSize)
            try await committed
            imported = newImported
            rejected = newRejected
            committedOffset = batch.endOffset
            sessionRows += Int64(batch.rows)
            try await progress(report())
            guard let next else { break }
            upcoming = next
        }
        try rejects.close()
        return Summary(runID: runID, fileName: fileName, layout: reader.layout, outcome: outcome, rowsImported: imported, rowsRejected: rejected,
                       sessionRows: sessionRows, duration: seconds(since: clock), fileSize: size, rejectsPath: rejected > 0 ? rejectsPath : nil)
    }

    /// Rows read from the file up to a batch boundary.
    struct Batch: Sendable {
        var establishments: [RegisterEstablishment] = []
        var units: [RegisterUnit] = []
        var rejections: [SireneRejection] = []
        var rows = 0
        /// Offset just after the batch's last row: the checkpoint once it is committed.
        var endOffset: Int64 = 0
        /// True when the file ends with this batch.
        var isLast = false

        static func read(from reader: SireneFileReader, size: Int) throws(SireneFileError) -> Batch {
            var batch = Batch()
            if reader.layout == .establishments { batch.establishments.reserveCapacity(size) } else { batch.units.reserveCapacity(size) }
            while batch.rows < size {
                guard let row = try reader.next() else {
                    batch.isLast = true
                    break
                }
                switch row {
                case .establishment(let record): batch.establishments.append(record)
                case .unit(let record): batch.units.append(record)
                case .rejected(let rejection): batch.rejections.append(rejection)
                }
                batch.rows += 1
            }
            batch.endOffset = reader.offset
            return batch
        }
    }

    /// One transaction: the batch's rows and the run's checkpoint (finished with the last batch).
    ///
    /// The commit does not wait for the disk (SQLite `synchronous = NORMAL` in WAL mode, PostgreSQL
    /// `synchronous_commit = off`): a power cut can lose the last batches, but with their checkpoint,
    /// since both are in the same transaction, so the next run reads them again. Nothing is lost,
    /// nothing is counted twice, and the database stays consistent.
    static func commit(_ batch: Batch, run: UUID, imported: Int64, rejected: Int64, on db: any Database, limit: Int) async throws {
        try await db.withConnection { connection in
            let sql = connection as! any SQLDatabase
            let sqlite = sql.dialect.name == "sqlite"
            do {
                if sqlite {
                    // SQLite's default 2 MB page cache spills dirty index pages to the WAL in the middle
                    // of a batch; 64 MB keeps a batch in memory. A checkpoint every 64 MB of WAL instead
                    // of 4 MB writes an index page rewritten by many batches to the database once.
                    try await sql.raw("PRAGMA cache_size = -65536").run()
                    try await sql.raw("PRAGMA wal_autocheckpoint = 16384").run()
                    try await sql.raw("PRAGMA synchronous = NORMAL").run()
                }
                try await connection.transaction { tx in
                    let sql = tx as! any SQLDatabase
                    if !sqlite { try await sql.raw("SET LOCAL synchronous_commit = off").run() }
                    try await upsert(batch.establishments, on: sql, limit: limit)
                    try await upsert(batch.units, on: sql, limit: limit)
                    try await sql.update(RegisterTables.runs)
                        .set("byte_offset", to: SQLBind(batch.endOffset))
                        .set("rows_imported", to: SQLBind(imported))
                        .set("rows_rejected", to: SQLBind(rejected))
                        .set("updated_at", to: SQLBind(Date()))
                        .set("finished_at", to: batch.isLast ? SQLBind(Date()) as any SQLExpression : SQLLiteral.null)
                        .where("id", .equal, SQLBind(run))
                        .run()
                }
            } catch {
                if sqlite { try? await restoreDefaults(sql) }
                throw error
            }
            // The connection goes back to the pool as every other one is (the batch is committed
            // whatever happens here).
            if sqlite { try? await restoreDefaults(sql) }
        }
    }

    /// SQLite's defaults, which Pacte does not change elsewhere.
    private static func restoreDefaults(_ sql: any SQLDatabase) async throws {
        try await sql.raw("PRAGMA cache_size = -2000").run()
        try await sql.raw("PRAGMA synchronous = FULL").run()
        try await sql.raw("PRAGMA wal_autocheckpoint = 1000").run()
    }

    /// `StockEtablissement.csv` → `StockEtablissement.rejets.csv`, in the same folder.
    public static func rejectsFilePath(for path: String) -> String {
        let url = URL(fileURLWithPath: path)
        let base = url.pathExtension.lowercased() == "csv" ? url.deletingPathExtension() : url
        return base.path + ".rejets.csv"
    }

    /// The file's size and the SHA-256 (hex) of its size (8 bytes, big-endian) followed by its first MiB.
    public static func fingerprint(of path: String) throws(SireneFileError) -> (size: Int64, fingerprint: String) {
        let name = (path as NSString).lastPathComponent
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue,
              let handle = FileHandle(forReadingAtPath: path) else {
            throw SireneFileError("Fichier introuvable ou illisible : \(name).")
        }
        defer { try? handle.close() }
        do {
            let size = Int64(try handle.seekToEnd())
            try handle.seek(toOffset: 0)
            var hasher = SHA256()
            withUnsafeBytes(of: size.bigEndian) { hasher.update(bufferPointer: $0) }
            var remaining = min(size, 1 << 20)
            while remaining > 0, let data = try handle.read(upToCount: Int(remaining)), !data.isEmpty {
                hasher.update(data: data)
                remaining -= Int64(data.count)
            }
            return (size, hexString(hasher.finalize()))
        } catch {
            throw SireneFileError("Lecture du fichier impossible (\(name)) : \(error.localizedDescription)")
        }
    }

    // MARK: - Runs

    struct RunRow {
        let id: UUID
        let layout: SireneLayout?
        let byteOffset: Int64
        let rowsImported: Int64
        let rowsRejected: Int64
        let startedAt: Date
        let finishedAt: Date?
    }

    /// The latest run of the file with this fingerprint.
    static func latestRun(fingerprint: String, on sql: any SQLDatabase) async throws -> RunRow? {
        guard let row = try await sql.select()
            .columns("id", "layout", "byte_offset", "rows_imported", "rows_rejected", "started_at", "finished_at")
            .from(RegisterTables.runs)
            .where("fingerprint", .equal, SQLBind(fingerprint))
            .orderBy("started_at", .descending)
            .limit(1)
            .first() else { return nil }
        return RunRow(id: try row.decode(column: "id", as: UUID.self),
                      layout: SireneLayout(rawValue: try row.decode(column: "layout", as: String.self)),
                      byteOffset: try row.decode(column: "byte_offset", as: Int64.self),
                      rowsImported: try row.decode(column: "rows_imported", as: Int64.self),
                      rowsRejected: try row.decode(column: "rows_rejected", as: Int64.self),
                      startedAt: try row.decode(column: "started_at", as: Date.self),
                      finishedAt: try row.decode(column: "finished_at", as: Date?.self))
    }

    // MARK: - Batches

    static let establishmentColumns = ["siret", "siren", "name", "naf", "workforce_band", "workforce_year", "commune_code", "address",
                                       "created_on", "closed_on", "is_head_office", "updated_at_source"]
    static let unitColumns = ["siren", "name", "legal_category", "naf", "workforce_band", "workforce_year", "head_office_nic",
                              "created_on", "closed_on", "updated_at_source"]

    @inline(__always)
    static func value(_ text: String?) -> any SQLExpression { text.map { SQLBind($0) } ?? SQLLiteral.null }

    @inline(__always)
    static func value(_ number: Int?) -> any SQLExpression { number.map { SQLBind($0) } ?? SQLLiteral.null }

    /// Multi-row upserts, split to stay under the engine's bind limit. A SIRET repeated in the batch
    /// keeps its last row: PostgreSQL refuses to update one row twice in a statement.
    static func upsert(_ rows: [RegisterEstablishment], on sql: any SQLDatabase, limit: Int) async throws {
        let unique = lastOfEach(rows, key: \.siret)
        if sql.dialect.name == "postgresql" {
            return try await upsertUnnested(into: RegisterTables.establishments, key: "siret", columns: establishmentColumns, on: sql, arrays: [
                unique.map(\.siret), unique.map(\.siren), unique.map { $0.name ?? "" }, unique.map { $0.naf ?? "" },
                unique.map { $0.workforceBand ?? "" }, unique.map { $0.workforceYear.map(String.init) ?? "" }, unique.map { $0.communeCode ?? "" },
                unique.map { $0.address ?? "" }, unique.map { $0.createdOn ?? "" }, unique.map { $0.closedOn ?? "" },
                unique.map { String($0.isHeadOffice) }, unique.map { $0.updatedAtSource ?? "" },
            ])
        }
        let perStatement = max(1, limit / establishmentColumns.count)
        for start in stride(from: 0, to: unique.count, by: perStatement) {
            let builder = sql.insert(into: RegisterTables.establishments).columns(establishmentColumns)
            for row in unique[start..<min(start + perStatement, unique.count)] {
                builder.values([SQLBind(row.siret), SQLBind(row.siren), value(row.name), value(row.naf), value(row.workforceBand),
                                value(row.workforceYear), value(row.communeCode), value(row.address), value(row.createdOn),
                                value(row.closedOn), SQLBind(row.isHeadOffice), value(row.updatedAtSource)])
            }
            try await builder.onConflict(with: ["siret"]) { conflict in
                establishmentColumns.dropFirst().reduce(conflict) { $0.set(excludedValueOf: $1) }
            }.run()
        }
    }

    static func upsert(_ rows: [RegisterUnit], on sql: any SQLDatabase, limit: Int) async throws {
        let unique = lastOfEach(rows, key: \.siren)
        if sql.dialect.name == "postgresql" {
            return try await upsertUnnested(into: RegisterTables.units, key: "siren", columns: unitColumns, on: sql, arrays: [
                unique.map(\.siren), unique.map { $0.name ?? "" }, unique.map { $0.legalCategory ?? "" }, unique.map { $0.naf ?? "" },
                unique.map { $0.workforceBand ?? "" }, unique.map { $0.workforceYear.map(String.init) ?? "" }, unique.map { $0.headOfficeNic ?? "" },
                unique.map { $0.createdOn ?? "" }, unique.map { $0.closedOn ?? "" }, unique.map { $0.updatedAtSource ?? "" },
            ])
        }
        let perStatement = max(1, limit / unitColumns.count)
        for start in stride(from: 0, to: unique.count, by: perStatement) {
            let builder = sql.insert(into: RegisterTables.units).columns(unitColumns)
            for row in unique[start..<min(start + perStatement, unique.count)] {
                builder.values([SQLBind(row.siren), value(row.name), value(row.legalCategory), value(row.naf), value(row.workforceBand),
                                value(row.workforceYear), value(row.headOfficeNic), value(row.createdOn), value(row.closedOn),
                                value(row.updatedAtSource)])
            }
            try await builder.onConflict(with: ["siren"]) { conflict in
                unitColumns.dropFirst().reduce(conflict) { $0.set(excludedValueOf: $1) }
            }.run()
        }
    }

    /// PostgreSQL: the batch as one text array per column, unnested by a single `INSERT … SELECT`,
    /// a statement of a dozen parameters instead of one per value (parsing and planning tens of
    /// thousands of parameters was a fifth of the server's work). PostgreSQL's arrays cannot carry
    /// a NULL from here, so an absent value travels as '' and `NULLIF` restores it: the reader
    /// never yields an empty text (an empty field is nil).
    static func upsertUnnested(into table: String, key: String, columns: [String], on sql: any SQLDatabase, arrays: [[String]]) async throws {
        precondition(arrays.count == columns.count)
        guard let count = arrays.first?.count, count > 0 else { return }
        func value(_ column: String) -> String {
            switch column {
            case "workforce_year": "CAST(NULLIF(u.\(column), '') AS INTEGER)"
            case "is_head_office": "CAST(u.\(column) AS BOOLEAN)"
            case key: "u.\(column)"
            default: "NULLIF(u.\(column), '')"
            }
        }
        var query = SQLQueryString("INSERT INTO \(unsafeRaw: table) (\(unsafeRaw: columns.joined(separator: ", "))) SELECT ")
        query.appendLiteral(columns.map(value).joined(separator: ", ") + " FROM unnest(")
        for (index, array) in arrays.enumerated() {
            if index > 0 { query.appendLiteral(", ") }
            query.appendInterpolation(bind: array)
            query.appendLiteral("::text[]")
        }
        query.appendLiteral(") AS u(\(columns.joined(separator: ", "))) ON CONFLICT (\(key)) DO UPDATE SET ")
        query.appendLiteral(columns.filter { $0 != key }.map { "\($0) = EXCLUDED.\($0)" }.joined(separator: ", "))
        try await sql.raw(query).run()
    }

    /// The rows with each key once, the last row of a key in the place of its first.
    static func lastOfEach<Row>(_ rows: [Row], key: KeyPath<Row, String>) -> [Row] {
        var place: [String: Int] = [:]
        place.reserveCapacity(rows.count)
        var unique: [Row] = []
        unique.reserveCapacity(rows.count)
        for row in rows {
            if let index = place[row[keyPath: key]] {
                unique[index] = row
            } else {
                place[row[keyPath: key]] = unique.count
                unique.append(row)
            }
        }
        return unique
    }

    static func seconds(since start: ContinuousClock.Instant) -> Double {
        let elapsed = ContinuousClock.now - start
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }
}

/// The rejects file next to the imported one: `ligne,motif,` then the file's own columns.
final class RejectsFile {
    let path: String
    let header: [String]
    private var handle: FileHandle?

    init(path: String, header: [String]) {
        self.path = path
        self.header = header
    }

    deinit { try? handle?.close() }

    /// A new run starts without the rejects of an earlier one.
    func removeExisting() throws {
        if FileManager.default.fileExists(atPath: path) { try FileManager.default.removeItem(atPath: path) }
    }

    /// Keeps the rejects of lines before `line` (committed by the interrupted run) and drops the
    /// rest, written before a commit that never happened.
    func keepLines(before line: Int) throws {
        guard let reading = FileHandle(forReadingAtPath: path) else { return }
        defer { try? reading.close() }
        let records = CSVRecordReader(handle: reading)
        try records.skipByteOrderMark()
        guard try records.next() else { return }
        var keep = records.endOffset
        while try records.next() {
            if let number = Int(records.string(0)), number >= line { break }
            keep = records.endOffset
        }
        let writing = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try writing.truncate(atOffset: UInt64(keep))
        try writing.close()
    }

    func append(_ rejections: [SireneRejection]) throws {
        guard !rejections.isEmpty else { return }
        var text = ""
        if handle == nil {
            if !FileManager.default.fileExists(atPath: path) {
                guard FileManager.default.createFile(atPath: path, contents: Data(Self.line(["ligne", "motif"] + header).utf8)) else {
                    throw SireneFileError("Impossible d'écrire le fichier des lignes rejetées : \(path).")
                }
            }
            handle = FileHandle(forWritingAtPath: path)
            guard let handle else { throw SireneFileError("Impossible d'écrire le fichier des lignes rejetées : \(path).") }
            try handle.seekToEnd()
        }
        for rejection in rejections {
            text += Self.line([String(rejection.line), rejection.reason] + rejection.values)
        }
        try handle!.write(contentsOf: Data(text.utf8))
    }

    func close() throws {
        try handle?.close()
        handle = nil
    }

    static func line(_ fields: [String]) -> String {
        fields.map { field in
            // Bytes, not Characters: "\r\n" is one Character, equal to neither "\r" nor "\n".
            field.utf8.contains(where: { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D })
                ? "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : field
        }.joined(separator: ",") + "\n"
    }
}
