import Fluent
import Foundation
import SQLKit

/// A commune of the COG with the intercommunality (EPCI) it belongs to: a company's commune tells
/// which EPCI's territory it is on.
public struct CommuneInfo: Sendable, Hashable {
    public var code: String
    public var name: String
    public var epciSiren: String?
    public var epciName: String?
}

extension ReferenceData {
    /// The commune of INSEE code `code`, nil when the code is unknown or the reference data is not loaded.
    public static func commune(_ code: String, on db: any Database) async throws -> CommuneInfo? {
        struct Row: Decodable { var code: String; var name: String; var epci_siren: String? }
        struct EPCI: Decodable { var name: String }
        guard let sql = db as? any SQLDatabase,
              let row = try await sql.select().columns("code", "name", "epci_siren").from("ref_communes")
                .where("code", .equal, code).first(decoding: Row.self) else { return nil }
        var epciName: String?
        if let siren = row.epci_siren {
            epciName = try await sql.select().column("name").from("ref_epci").where("siren", .equal, siren).first(decoding: EPCI.self)?.name
        }
        return CommuneInfo(code: row.code, name: row.name, epciSiren: row.epci_siren, epciName: epciName)
    }

    /// Whether the communes are loaded (a fresh database before `pacte reference load` has none).
    public static func hasCommunes(on db: any Database) async throws -> Bool {
        guard let sql = db as? any SQLDatabase else { return false }
        struct Row: Decodable { var code: String }
        return try await sql.select().column("code").from("ref_communes").limit(1).first(decoding: Row.self) != nil
    }
}
