import Fluent
import Foundation
import PacteCore
import SQLKit

extension ReferenceData {
    /// Département code → name (« 21 » → « Côte-d'Or »), empty before `pacte reference load`.
    public static func departementNames(on db: any Database) async throws -> [String: String] {
        guard let sql = db as? any SQLDatabase else { return [:] }
        struct Row: Decodable { var code: String; var name: String }
        return Dictionary(uniqueKeysWithValues: try await sql.select().columns("code", "name").from("ref_departements")
            .all(decoding: Row.self).map { ($0.code, $0.name) })
    }

    /// The département of the public body whose SIREN this is, when the reference data knows the
    /// body: an EPCI (its seat's département) or a commune.
    public static func departement(ofSiren siren: Siren, on db: any Database) async throws -> String? {
        guard let sql = db as? any SQLDatabase else { return nil }
        struct Row: Decodable { var departement_code: String? }
        if let epci = try await sql.select().column("departement_code").from("ref_epci").where("siren", .equal, siren.digits)
            .first(decoding: Row.self)?.departement_code {
            return epci
        }
        return try await sql.select().column("departement_code").from("ref_communes").where("siren", .equal, siren.digits)
            .first(decoding: Row.self)?.departement_code
    }
}

/// An INSEE département code (« 01 » … « 95 », « 2A », « 2B », « 971 » … « 976 »).
public enum DepartementCode {
    /// « 1 » → « 01 », « 2a » → « 2A »; nil when the text cannot be a département code.
    public static func normalised(_ text: String) -> String? {
        let code = text.trimmingCharacters(in: .whitespaces).uppercased()
        if code.count == 1, code.allSatisfy(isDigit) { return "0" + code }
        if code == "2A" || code == "2B" { return code }
        if code.count == 2, code.allSatisfy(isDigit), code != "00", code != "20" { return code }
        if code.count == 3, code.hasPrefix("97"), code.allSatisfy(isDigit) { return code }
        return nil
    }

    /// A département code checked against the reference data when it is loaded (its shape only before).
    public static func validated(_ text: String, field: String, on db: any Database) async throws -> String {
        let names = try await ReferenceData.departementNames(on: db)
        guard let code = normalised(text), names.isEmpty || names[code] != nil else {
            throw StoreError.invalid(field: field, message: "Département inconnu : « \(text) » (codes INSEE : 01 à 95, 2A, 2B, 971 à 976).")
        }
        return code
    }

    /// An organisation's département: the one its SIREN gives when the reference data knows the
    /// body (a given code must then agree), else `given` checked (an empty text clears it), else
    /// `current` unchanged.
    public static func resolve(_ given: String?, siren: Siren?, current: String?, field: String = "departementCode",
                               on db: any Database) async throws -> String? {
        let given = given?.trimmingCharacters(in: .whitespaces)
        if let siren, let derived = try await ReferenceData.departement(ofSiren: siren, on: db) {
            if let given, !given.isEmpty, normalised(given) != derived {
                throw StoreError.invalid(field: field, message: "Le SIREN \(siren.formatted) est celui d'une collectivité du département \(derived) "
                                         + "(référentiel des communes et intercommunalités) : « \(given) » ne lui correspond pas.")
            }
            return derived
        }
        guard let given else { return current }
        return given.isEmpty ? nil : try await validated(given, field: field, on: db)
    }
}

/// An ASCII digit (`Character.isNumber` also takes other scripts' digits).
func isDigit(_ character: Character) -> Bool { ("0"..."9").contains(character) }
