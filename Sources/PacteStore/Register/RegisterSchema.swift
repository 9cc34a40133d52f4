import Fluent
import Foundation
import SQLKit

/// The company register, filled from INSEE's SIRENE stock files (`pacte companies import`).
///
/// It is kept apart from `companies` (the beneficiaries Pacte serves, with their de minimis
/// ledgers): the register holds millions of rows read from INSEE, the beneficiaries are the few
/// thousand a partnership works with. Rows are written with plain SQL in large batches, so there
/// is no Fluent model; `RegisterTables` names the tables and columns once.
public enum RegisterTables {
    /// One row per establishment (SIRET), from `StockEtablissement`.
    public static let establishments = "register_establishments"
    /// One row per legal unit (SIREN), from `StockUniteLegale`.
    public static let units = "register_units"
    /// One row per import of a file: where it stands, so that an interrupted import resumes.
    public static let runs = "register_import_runs"
}

/// The register's tables, indexed for the territory reports (a commune list and a month, or a
/// commune list and a workforce band). Dates are ISO `YYYY-MM-DD` strings, as elsewhere.
struct M033CreateCompanyRegister: AsyncMigration {
    var name: String { "033_CreateCompanyRegister" }

    func prepare(on db: any Database) async throws {
        try await db.schema(RegisterTables.establishments)
            .field("siret", .string, .identifier(auto: false))
            .field("siren", .string, .required)
            .field("name", .string)
            .field("naf", .string)
            .field("workforce_band", .string)
            .field("workforce_year", .int)
            .field("commune_code", .string)
            .field("address", .string)
            .field("created_on", .string)
            // Set when INSEE reports the establishment closed (`etatAdministratifEtablissement` F):
            // the start of its closed period.
            .field("closed_on", .string)
            .field("is_head_office", .bool, .required)
            .field("updated_at_source", .string)
            .create()
        try await db.schema(RegisterTables.units)
            .field("siren", .string, .identifier(auto: false))
            .field("name", .string)
            .field("legal_category", .string)
            .field("naf", .string)
            .field("workforce_band", .string)
            .field("workforce_year", .int)
            .field("head_office_nic", .string)
            .field("created_on", .string)
            .field("closed_on", .string)
            .field("updated_at_source", .string)
            .create()
        try await db.schema(RegisterTables.runs)
            .id()
            .field("file_name", .string, .required)
            .field("file_size", .int64, .required)
            // SHA-256 of the file's first megabyte and its size: the same file resumes its run.
            .field("fingerprint", .string, .required)
            .field("layout", .string, .required)
            // Bytes of the file fully imported (a batch boundary): where a resumed run starts.
            .field("byte_offset", .int64, .required)
            .field("rows_imported", .int64, .required)
            .field("rows_rejected", .int64, .required)
            .field("started_by", .string, .required)
            .field("started_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .field("finished_at", .datetime)
            .create()
        try await db.schema(OrganisationModel.schema).field("departement_code", .string).update()

        guard let sql = db as? any SQLDatabase else { return }
        let establishments = RegisterTables.establishments
        for statement in [
            "CREATE INDEX register_establishments_siren ON \(establishments) (siren)",
            "CREATE INDEX register_establishments_created ON \(establishments) (commune_code, created_on)",
            "CREATE INDEX register_establishments_closed ON \(establishments) (commune_code, closed_on)",
            "CREATE INDEX register_establishments_band ON \(establishments) (commune_code, workforce_band)",
            "CREATE INDEX register_import_runs_fingerprint ON \(RegisterTables.runs) (fingerprint)",
            "CREATE INDEX organisations_departement ON \(OrganisationModel.schema) (departement_code)",
        ] {
            try await sql.raw(SQLQueryString(statement)).run()
        }
    }

    func revert(on db: any Database) async throws {
        try await db.schema(OrganisationModel.schema).deleteField("departement_code").update()
        try await db.schema(RegisterTables.runs).delete()
        try await db.schema(RegisterTables.units).delete()
        try await db.schema(RegisterTables.establishments).delete()
    }
}
