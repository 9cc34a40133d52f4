import CSV
import Fluent
import Foundation
import SQLKit

/// Public reference data shipped with Pacte (COG 2026, DGCL EPCI 2026 with 2025 populations, NAF rév. 2):
/// loaded into `ref_*` tables by `pacte reference load` and searchable by name, code or SIREN.
public enum ReferenceData {
    /// The year of the populations in `epcicom_2026.csv` (`ptot_2025`): recorded with every figure used.
    public static let populationYear = 2025

    public struct LoadReport: Sendable, Equatable {
        public var regions = 0
        public var departements = 0
        public var epci = 0
        public var communes = 0
        public var naf = 0
    }

    static func resource(_ name: String) throws -> String {
        guard let url = Bundle.module.url(forResource: "reference/\(name)", withExtension: nil) else {
            throw StoreError.notFound("Fichier de référence \(name)")
        }
        return try String(contentsOf: url, encoding: .utf8)
    }

    /// Accent- and case-insensitive key, so that « Sezanne » finds « Sézanne » on both engines.
    public static func searchKey(_ parts: String?...) -> String {
        parts.compactMap { $0 }.joined(separator: " ")
            .folding(options: [.diacriticInsensitive, .caseInsensitive], locale: Locale(identifier: "fr_FR"))
            .replacingOccurrences(of: "’", with: "'")
    }

    /// Replaces every reference table with the shipped files, in one transaction; `progress` is told each step.
    public static func load(on db: any Database, progress: @escaping @Sendable (String) -> Void = { _ in }) async throws -> LoadReport {
        let regions = try rows("regions.csv", delimiter: ",")
        let departements = try rows("departements.csv", delimiter: ",")
        let communes = try rows("communes.csv", delimiter: ",")
        let epcicom = try rows("epcicom_2026.csv", delimiter: ",")
        let naf = try rows("naf_rev2.csv", delimiter: ",")

        return try await db.transaction { tx in
            var report = LoadReport()
            let sql = tx as! any SQLDatabase
            for table in ["ref_regions", "ref_departements", "ref_epci", "ref_communes", "ref_naf"] {
                try await sql.delete(from: table).run()
            }
            progress("Régions…")
            report.regions = try await insert(sql, "ref_regions", ["code", "name"],
                                              regions.map { [$0["REG"] ?? "", $0["LIBELLE"] ?? ""] })
            progress("Départements…")
            report.departements = try await insert(sql, "ref_departements", ["code", "region_code", "name"],
                                                   departements.map { [$0["DEP"] ?? "", $0["REG"] ?? "", $0["LIBELLE"] ?? ""] })

            progress("Intercommunalités…")
            var epciRows: [String: [any Encodable & Sendable]] = [:]
            var memberOf: [String: (siren: String, epci: String, population: Int64?)] = [:]
            for row in epcicom {
                guard let siren = row["siren"], !siren.isEmpty else { continue }
                if epciRows[siren] == nil {
                    let name = row["raison_sociale"] ?? ""
                    epciRows[siren] = [siren, name, row["nature_juridique"] ?? "", row["dept"] ?? "",
                                       Int(row["nb_membres"] ?? "") ?? 0, Int64(row["total_pop_tot"] ?? "") ?? 0,
                                       populationYear, searchKey(name, siren)]
                }
                if let insee = row["insee"], !insee.isEmpty {
                    memberOf[insee] = (row["siren_membre"] ?? "", siren, Int64(row["ptot_2025"] ?? ""))
                }
            }
            report.epci = try await insert(sql, "ref_epci",
                                           ["siren", "name", "nature", "departement_code", "member_count", "population", "population_year", "search_key"],
                                           epciRows.keys.sorted().map { epciRows[$0]! })

            progress("Communes…")
            let communeRows: [[any Encodable & Sendable]] = communes.compactMap { row in
                guard row["TYPECOM"] == "COM", let code = row["COM"] else { return nil }
                let name = row["LIBELLE"] ?? ""
                let member = memberOf[code]
                let population: Int64? = member?.population
                return [code, name, row["DEP"] ?? "", row["REG"] ?? "", member?.siren, member?.epci,
                        population, population == nil ? nil : populationYear, searchKey(name, code, member?.siren)]
            }
            report.communes = try await insert(sql, "ref_communes",
                                               ["code", "name", "departement_code", "region_code", "siren", "epci_siren", "population", "population_year", "search_key"],
                                               communeRows)

            progress("Nomenclature NAF…")
            let nafRows: [[any Encodable & Sendable]] = naf.compactMap { row in
                guard var code = row["Code"]?.trimmingCharacters(in: .whitespaces), !code.isEmpty else { return nil }
                if code.hasPrefix("SECTION ") { code = String(code.dropFirst("SECTION ".count)) }
                let label = row.values.first { $0 != row["Code"] && $0 != row["ligne"] && !$0.isEmpty } ?? ""
                return [code, label, searchKey(code, label)]
            }
            report.naf = try await insert(sql, "ref_naf", ["code", "label", "search_key"], nafRows)
            return report
        }
    }

    /// Reads a CSV file into dictionaries keyed by its header.
    static func rows(_ name: String, delimiter: UnicodeScalar) throws -> [[String: String]] {
        let reader = try CSVReader(string: try resource(name), hasHeaderRow: true, delimiter: delimiter)
        let header = (reader.headerRow ?? []).map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        var result: [[String: String]] = []
        while let row = reader.next() {
            var dictionary: [String: String] = [:]
            for (index, value) in row.enumerated() where index < header.count {
                dictionary[header[index]] = value
            }
            result.append(dictionary)
        }
        return result
    }

    static func insert(_ sql: any SQLDatabase, _ table: String, _ columns: [String], _ rows: [[any Encodable & Sendable]]) async throws -> Int {
        let bulk = BulkInsert(sql, table, columns)
        for row in rows { try await bulk.add(row) }
        try await bulk.flush()
        return bulk.count
    }
}
