import Foundation
import PacteCore
import PacteStore
import PacteWeb

/// The engines' own bulk loaders on the same SIRENE file, into the same table as `pacte companies
/// import`: `sqlite3`'s `.import` and PostgreSQL's `COPY` (through `psql \copy`) load the file into a
/// staging table of text columns, then one `INSERT … SELECT` maps the columns into a fresh copy of
/// `register_establishments` (same columns, same indexes). Both steps are timed.
public enum ImportReference {
    public struct Timing: Sendable {
        /// The loader alone, into the staging table.
        public var load: Duration
        /// The loader then the `INSERT … SELECT` into the register table.
        public var total: Duration
        public var rows: Int
    }

    /// The register's columns, computed from the staging table's text columns as the importer does.
    static let mapping: (columns: String, select: String) = (
        "siret, siren, name, naf, workforce_band, workforce_year, commune_code, address, created_on, closed_on, is_head_office, updated_at_source",
        """
        SELECT siret, siren,
               COALESCE(NULLIF("denominationUsuelleEtablissement", ''), NULLIF("enseigne1Etablissement", '')),
               NULLIF("activitePrincipaleEtablissement", ''), NULLIF("trancheEffectifsEtablissement", ''),
               CAST(NULLIF("anneeEffectifsEtablissement", '') AS INTEGER), NULLIF("codeCommuneEtablissement", ''),
               NULLIF(TRIM(COALESCE("numeroVoieEtablissement", '') || ' ' || COALESCE("typeVoieEtablissement", '') || ' '
                           || COALESCE("libelleVoieEtablissement", '') || ' ' || COALESCE("codePostalEtablissement", '')), ''),
               NULLIF("dateCreationEtablissement", ''),
               CASE WHEN "etatAdministratifEtablissement" = 'F' THEN NULLIF("dateDebut", '') END,
               "etablissementSiege" = 'true', NULLIF("dateDernierTraitementEtablissement", '')
        FROM bench_stage
        """
    )

    /// `sqlite3` into a new database file in `directory`, whose register table is created with
    /// `ddl` (the statements SQLite keeps for Pacte's own table and its indexes).
    public static func sqlite(csv: String, ddl: [String], directory: String) throws -> Timing {
        let path = directory + "/reference-\(UUID().uuidString.prefix(8)).sqlite"
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        try check(BenchTools.run("sqlite3", [path], input: (["PRAGMA journal_mode = WAL;"] + ddl.map { $0 + ";" }).joined(separator: "\n")))
        let load = try check(BenchTools.run("sqlite3", [path], input: ".import --csv \(csv) bench_stage\n"))
        let insert = try check(BenchTools.run("sqlite3", [path], input: "INSERT INTO register_establishments (\(mapping.columns)) \(mapping.select);\n"))
        let count = try check(BenchTools.run("sqlite3", [path], input: "SELECT count(*) FROM register_establishments;\n"))
        return Timing(load: load.duration, total: load.duration + insert.duration,
                      rows: Int(count.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0)
    }

    /// `psql \copy` into the database at `url`, then a copy of the register table made with
    /// `LIKE … INCLUDING ALL`; both tables are dropped afterwards.
    public static func postgres(csv: String, url: String, header: [String]) throws -> Timing {
        let psql = ["-X", "-q", "-v", "ON_ERROR_STOP=1", url]
        let columns = header.map { "\"\($0)\" text" }.joined(separator: ", ")
        try check(BenchTools.run("psql", psql, input: """
            DROP TABLE IF EXISTS bench_stage, bench_register;
            CREATE TABLE bench_stage (\(columns));
            CREATE TABLE bench_register (LIKE register_establishments INCLUDING ALL);
            """))
        defer { _ = try? BenchTools.run("psql", psql, input: "DROP TABLE IF EXISTS bench_stage, bench_register;") }
        let load = try check(BenchTools.run("psql", psql, input: "\\copy bench_stage FROM '\(csv)' WITH (FORMAT csv, HEADER true)\n"))
        let insert = try check(BenchTools.run("psql", psql, input: "INSERT INTO bench_register (\(mapping.columns)) \(mapping.select);\n"))
        let count = try check(BenchTools.run("psql", ["-X", "-t", "-A", url, "-c", "SELECT count(*) FROM bench_register"]))
        return Timing(load: load.duration, total: load.duration + insert.duration,
                      rows: Int(count.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0)
    }

    @discardableResult
    static func check(_ output: BenchTools.Output) throws -> BenchTools.Output {
        guard output.status == 0, output.stderr.isEmpty || !output.stderr.lowercased().contains("error") else {
            throw BenchTools.Failure(description: "Chargement de référence en échec : \(output.stderr)")
        }
        return output
    }
}
