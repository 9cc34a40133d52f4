import Fluent
import Foundation
import PacteCore
import SQLKit

/// The reports seed 003's « fichier des entreprises » sheet asks the chamber for, read from the
/// company register: each month, the establishments created and closed on a territory; twice a
/// year, the establishments of 50 employees and more. A territory is an EPCI (its member communes
/// in the reference data) or a list of communes.
///
/// Every query filters on an explicit list of commune codes, so that both engines seek the
/// `(commune_code, created_on)`, `(commune_code, closed_on)` and `(commune_code, workforce_band)`
/// indexes of M033 once per commune instead of scanning millions of rows.
public enum RegisterReports {
    /// Where a report looks.
    public struct Territory: Sendable, Hashable {
        public enum Kind: String, Sendable, Codable { case epci, communes }

        public var kind: Kind
        /// The EPCI's SIREN, or the commune codes joined by commas.
        public var code: String
        /// « Dijon Métropole », or « Dijon (21231), Chenôve (21166) ».
        public var name: String
        /// The communes as the reference data lists them (code, name).
        public var communes: [(code: String, name: String)]
        /// The codes establishments carry: the communes', and for Paris, Lyon and Marseille their
        /// arrondissements', which is what SIRENE writes for an establishment there.
        public var establishmentCodes: [String]

        /// The name of the commune (or arrondissement) an establishment's code designates.
        public func communeName(_ code: String?) -> String? {
            guard let code else { return nil }
            return communes.first { $0.code == code }?.name ?? RegisterReports.arrondissementName(code)
        }

        public static func == (a: Territory, b: Territory) -> Bool { a.kind == b.kind && a.code == b.code }
        public func hash(into hasher: inout Hasher) { hasher.combine(kind); hasher.combine(code) }
    }

    /// One establishment of the register, named by its own name or else its legal unit's.
    public struct Establishment: Sendable, Hashable {
        public var siret: String
        public var siren: String
        public var name: String?
        public var naf: String?
        public var workforceBand: WorkforceBand?
        public var workforceYear: Int?
        public var communeCode: String?
        public var address: String?
        public var createdOn: CivilDate?
        public var closedOn: CivilDate?
        public var isHeadOffice: Bool
    }

    public enum Movement: String, Sendable, CaseIterable {
        case creations, closures

        var column: String { self == .creations ? "created_on" : "closed_on" }

        public var label: String { self == .creations ? "Création" : "Fermeture" }
    }

    /// The default threshold of the workforce list: « 21 », 50 to 99 employees, and every band above.
    public static let defaultBand = try! WorkforceBand("21")

    /// Above this, a commune list is refused: an EPCI is the way to ask for a large territory.
    public static let maximumCommunes = 1_000

    // MARK: Territories

    /// The communes of the EPCI whose SIREN is `text` (spaces allowed).
    public static func territory(epci text: String, on db: any Database) async throws -> Territory {
        let siren: Siren
        do throws(IdentifierError) { siren = try Siren(text) } catch {
            throw StoreError.invalid(field: "epci", message: "SIREN d'intercommunalité invalide : \(error.description)")
        }
        let sql = try sqlDatabase(db)
        struct EPCI: Decodable { var name: String }
        guard let epci = try await sql.select().column("name").from("ref_epci").where("siren", .equal, siren.digits)
            .first(decoding: EPCI.self) else {
            try await requireReference(sql)
            throw StoreError.invalid(field: "epci", message: "Aucune intercommunalité de SIREN \(siren.formatted) dans le référentiel (EPCI à fiscalité propre 2026).")
        }
        struct Commune: Decodable { var code: String; var name: String }
        let communes = try await sql.select().columns("code", "name").from("ref_communes").where("epci_siren", .equal, siren.digits)
            .orderBy("code").all(decoding: Commune.self).map { (code: $0.code, name: $0.name) }
        return Territory(kind: .epci, code: siren.digits, name: epci.name, communes: communes,
                         establishmentCodes: establishmentCodes(communes.map(\.code)))
    }

    /// The communes whose INSEE codes `text` lists (separated by commas, semicolons or spaces),
    /// each checked against the reference data: an unknown code is named in the error.
    public static func territory(communes text: String, on db: any Database) async throws -> Territory {
        var codes: [String] = []
        for part in text.split(whereSeparator: { ",; \n\t".contains($0) }) {
            let code = part.uppercased()
            if !codes.contains(code) { codes.append(code) }
        }
        guard !codes.isEmpty else {
            throw StoreError.invalid(field: "communes", message: "Indiquez au moins un code commune INSEE (par exemple 21231 pour Dijon).")
        }
        guard codes.count <= maximumCommunes else {
            throw StoreError.invalid(field: "communes", message: "Au plus \(maximumCommunes) communes par liste (\(codes.count) indiquées) : choisissez plutôt une intercommunalité.")
        }
        let malformed = codes.filter { !isCommuneCodeShape($0) }
        guard malformed.isEmpty else {
            throw StoreError.invalid(field: "communes", message: "Code commune mal formé : \(quoted(malformed)) ; un code INSEE compte 5 caractères (21231, 2A004).")
        }
        let sql = try sqlDatabase(db)
        struct Commune: Decodable { var code: String; var name: String }
        let known = Dictionary(uniqueKeysWithValues: try await sql.select().columns("code", "name").from("ref_communes")
            .where("code", .in, codes).all(decoding: Commune.self).map { ($0.code, $0.name) })
        var names: [String: String] = known
        for code in codes where names[code] == nil {
            if let arrondissement = arrondissementName(code) { names[code] = arrondissement }
        }
        let unknown = codes.filter { names[$0] == nil }
        guard unknown.isEmpty else {
            if known.isEmpty { try await requireReference(sql) }
            let noun = unknown.count == 1 ? "Code commune inconnu" : "Codes communes inconnus"
            throw StoreError.invalid(field: "communes", message: "\(noun) du Code officiel géographique 2026 : \(quoted(unknown)).")
        }
        let communes = codes.map { (code: $0, name: names[$0]!) }
        return Territory(kind: .communes, code: codes.joined(separator: ","),
                         name: communes.map { "\($0.name) (\($0.code))" }.joined(separator: ", "),
                         communes: communes, establishmentCodes: establishmentCodes(codes))
    }

    /// EPCIs whose name or SIREN contains `text`, without case or accents, for a territory picker.
    public static func searchEPCI(_ text: String, limit: Int = 20, on db: any Database) async throws -> [(siren: String, name: String)] {
        let sql = try sqlDatabase(db)
        struct Row: Decodable { var siren: String; var name: String }
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        // « 242 100 410 » as typed from a document: the stored key holds the SIREN without spaces.
        let digitsOnly = trimmed.allSatisfy { $0.isNumber || $0.isWhitespace }
        let key = "%" + ReferenceData.searchKey(digitsOnly ? trimmed.filter(\.isNumber) : trimmed) + "%"
        return try await sql.select().columns("siren", "name").from("ref_epci").where("search_key", .like, key)
            .orderBy("name").limit(limit).all(decoding: Row.self).map { ($0.siren, $0.name) }
    }

    // MARK: Reports

    /// Whether the register holds no establishment yet (before `pacte companies import`).
    public static func isEmpty(on db: any Database) async throws -> Bool {
        struct Row: Decodable { var siret: String }
        return try await sqlDatabase(db).select().column("siret").from(RegisterTables.establishments).limit(1).first(decoding: Row.self) == nil
    }

    /// How many establishments of the territory were created (or closed) in `month`.
    public static func count(_ movement: Movement, in month: YearMonth, on territory: Territory, db: any Database) async throws -> Int {
        guard !territory.establishmentCodes.isEmpty else { return 0 }
        let (first, next) = bounds(month)
        return try await count(on: db, """
            FROM \(unsafeRaw: RegisterTables.establishments) e
            WHERE e.commune_code IN (\(binds: territory.establishmentCodes))
              AND e.\(unsafeRaw: movement.column) >= \(bind: first) AND e.\(unsafeRaw: movement.column) < \(bind: next)
            """)
    }

    /// The establishments created (or closed) in `month`, by date then SIRET; `limit` nil for all of them.
    public static func list(_ movement: Movement, in month: YearMonth, on territory: Territory, limit: Int? = nil, offset: Int = 0,
                            db: any Database) async throws -> [Establishment] {
        guard !territory.establishmentCodes.isEmpty else { return [] }
        let (first, next) = bounds(month)
        return try await establishments(on: db, """
            WHERE e.commune_code IN (\(binds: territory.establishmentCodes))
              AND e.\(unsafeRaw: movement.column) >= \(bind: first) AND e.\(unsafeRaw: movement.column) < \(bind: next)
            ORDER BY e.\(unsafeRaw: movement.column), e.siret
            """, limit: limit, offset: offset)
    }

    /// The bands from `band` up, in SIRENE's order (NN, 00, 01 … 53): a text comparison would put
    /// « NN » above « 53 ».
    public static func bands(from band: WorkforceBand) -> [String] {
        Array(WorkforceBand.codes.drop { $0 != band.code })
    }

    /// Open establishments of the territory (no closing date) whose workforce band is `band` or above.
    public static func countWorkforce(from band: WorkforceBand, on territory: Territory, db: any Database) async throws -> Int {
        guard !territory.establishmentCodes.isEmpty else { return 0 }
        return try await count(on: db, """
            FROM \(unsafeRaw: RegisterTables.establishments) e
            WHERE e.commune_code IN (\(binds: territory.establishmentCodes))
              AND e.workforce_band IN (\(binds: bands(from: band))) AND e.closed_on IS NULL
            """)
    }

    /// How many of them fall in each band, largest band first.
    public static func workforceByBand(from band: WorkforceBand, on territory: Territory, db: any Database) async throws -> [(band: WorkforceBand, count: Int)] {
        guard !territory.establishmentCodes.isEmpty else { return [] }
        struct Row: Decodable { var band: String; var n: Int }
        let rows = try await sqlDatabase(db).raw("""
            SELECT e.workforce_band AS band, COUNT(*) AS n FROM \(unsafeRaw: RegisterTables.establishments) e
            WHERE e.commune_code IN (\(binds: territory.establishmentCodes))
              AND e.workforce_band IN (\(binds: bands(from: band))) AND e.closed_on IS NULL
            GROUP BY e.workforce_band
            """).all(decoding: Row.self)
        return rows.compactMap { row in (try? WorkforceBand(row.band)).map { ($0, row.n) } }
            .sorted { WorkforceBand.codes.firstIndex(of: $0.band.code)! > WorkforceBand.codes.firstIndex(of: $1.band.code)! }
    }

    /// The open establishments of `band` and above, largest band first, then by name.
    public static func listWorkforce(from band: WorkforceBand, on territory: Territory, limit: Int? = nil, offset: Int = 0,
                                     db: any Database) async throws -> [Establishment] {
        guard !territory.establishmentCodes.isEmpty else { return [] }
        let rank = "CASE e.workforce_band " + WorkforceBand.codes.enumerated().map { "WHEN '\($0.element)' THEN \($0.offset)" }.joined(separator: " ") + " END"
        return try await establishments(on: db, """
            WHERE e.commune_code IN (\(binds: territory.establishmentCodes))
              AND e.workforce_band IN (\(binds: bands(from: band))) AND e.closed_on IS NULL
            ORDER BY \(unsafeRaw: rank) DESC, name, e.siret
            """, limit: limit, offset: offset)
    }

    // MARK: Helpers

    static func bounds(_ month: YearMonth) -> (first: String, next: String) {
        func iso(_ m: YearMonth) -> String { String(format: "%04d-%02d-01", m.year, m.month) }
        return (iso(month), iso(month.adding(months: 1)))
    }

    static func count(on db: any Database, _ from: SQLQueryString) async throws -> Int {
        struct Row: Decodable { var n: Int }
        return try await sqlDatabase(db).raw("SELECT COUNT(*) AS n " + from).first(decoding: Row.self)?.n ?? 0
    }

    /// The legal unit's name is looked up per establishment by its key rather than joined: a join
    /// lets PostgreSQL hash the whole units table (millions of rows) for a page of fifty.
    static func establishments(on db: any Database, _ filter: SQLQueryString, limit: Int?, offset: Int) async throws -> [Establishment] {
        struct Row: Decodable {
            var siret: String; var siren: String; var name: String?; var naf: String?; var workforce_band: String?; var workforce_year: Int?
            var commune_code: String?; var address: String?; var created_on: String?; var closed_on: String?; var is_head_office: Bool
        }
        var query: SQLQueryString = """
            SELECT e.siret, e.siren,
                   COALESCE(NULLIF(e.name, ''), (SELECT u.name FROM \(unsafeRaw: RegisterTables.units) u WHERE u.siren = e.siren)) AS name,
                   e.naf, e.workforce_band, e.workforce_year, e.commune_code, e.address, e.created_on, e.closed_on, e.is_head_office
            FROM \(unsafeRaw: RegisterTables.establishments) e
            """
        query = query + " " + filter
        if let limit { query = query + " LIMIT \(literal: max(0, limit)) OFFSET \(literal: max(0, offset))" }
        return try await sqlDatabase(db).raw(query).all(decoding: Row.self).map { row in
            Establishment(siret: row.siret, siren: row.siren, name: row.name, naf: row.naf,
                          workforceBand: row.workforce_band.flatMap { try? WorkforceBand($0) }, workforceYear: row.workforce_year,
                          communeCode: row.commune_code, address: row.address,
                          createdOn: row.created_on.flatMap { try? CivilDate.parse($0) }, closedOn: row.closed_on.flatMap { try? CivilDate.parse($0) },
                          isHeadOffice: row.is_head_office)
        }
    }

    static func sqlDatabase(_ db: any Database) throws -> any SQLDatabase {
        guard let sql = db as? any SQLDatabase else { throw StoreError.corrupt("base sans SQL") }
        return sql
    }

    /// A fresh database has no reference data until `pacte reference load`: say so rather than
    /// calling every code unknown.
    static func requireReference(_ sql: any SQLDatabase) async throws {
        struct Row: Decodable { var code: String }
        if try await sql.select().column("code").from("ref_communes").limit(1).first(decoding: Row.self) == nil {
            throw StoreError.invalid(field: "communes", message: "Le référentiel des communes et intercommunalités n'est pas chargé : lancez « pacte reference load ».")
        }
    }

    static func isCommuneCodeShape(_ code: String) -> Bool {
        let chars = Array(code)
        guard chars.count == 5 else { return false }
        if chars[0] == "2", chars[1] == "A" || chars[1] == "B" { return chars[2...].allSatisfy(isDigit) }
        return chars.allSatisfy(isDigit)
    }

    static func quoted(_ codes: [String]) -> String {
        let shown = codes.prefix(10).map { "« \($0) »" }.joined(separator: ", ")
        return codes.count > 10 ? shown + " et \(codes.count - 10) autres" : shown
    }

    /// Paris, Lyon and Marseille: SIRENE locates an establishment in its arrondissement
    /// (75108), while the commune (75056) is what the EPCI lists.
    static let arrondissements: [String: (name: String, codes: [String])] = [
        "75056": ("Paris", (1...20).map { String(75100 + $0) }),
        "69123": ("Lyon", (1...9).map { String(69380 + $0) }),
        "13055": ("Marseille", (1...16).map { String(13200 + $0) }),
    ]

    static func arrondissementName(_ code: String) -> String? {
        for (_, city) in arrondissements {
            if let index = city.codes.firstIndex(of: code) {
                return "\(city.name) \(index == 0 ? "1er" : "\(index + 1)e") arrondissement"
            }
        }
        return nil
    }

    static func establishmentCodes(_ communes: [String]) -> [String] {
        var codes: [String] = []
        for code in communes {
            codes.append(code)
            codes += arrondissements[code]?.codes ?? []
        }
        return codes
    }
}
