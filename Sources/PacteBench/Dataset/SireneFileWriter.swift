import Foundation
import PacteCore
import PacteStore

/// Writes synthetic companies as an INSEE SIRENE `StockEtablissement` CSV file: every column of
/// INSEE's layout, in its order, the unused ones empty, so that the import benchmark reads a file
/// shaped like the real stock.
public enum SireneFileWriter {
    public static func writeEstablishments(_ companies: SyntheticCompanies, count: Int, to path: String) throws -> Int {
        let columns = SireneLayout.establishmentHeader
        let index = Dictionary(uniqueKeysWithValues: columns.enumerated().map { ($1, $0) })
        guard FileManager.default.createFile(atPath: path, contents: nil) else {
            throw StoreError.corrupt("impossible de créer le fichier \(path)")
        }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        var buffer = [UInt8]()
        buffer.reserveCapacity(4 << 20)
        buffer.append(contentsOf: Array(columns.joined(separator: ",").utf8))
        buffer.append(0x0A)
        var fields = [String](repeating: "", count: columns.count)
        func set(_ name: String, _ value: String) { fields[index[name]!] = value }
        for number in 0..<count {
            let company = companies.company(number)
            for i in fields.indices { fields[i] = "" }
            set("siren", company.siren.digits)
            set("nic", String(company.siret.digits.suffix(5)))
            set("siret", company.siret.digits)
            set("statutDiffusionEtablissement", "O")
            set("dateCreationEtablissement", company.createdOn.iso)
            set("trancheEffectifsEtablissement", company.band?.code ?? "")
            set("anneeEffectifsEtablissement", company.band == nil ? "" : "2023")
            set("dateDernierTraitementEtablissement", "2026-10-31T08:12:45")
            set("etablissementSiege", "true")
            set("nombrePeriodesEtablissement", company.closedOn == nil ? "1" : "2")
            let parts = company.street.split(separator: " ", maxSplits: 2).map(String.init)
            set("numeroVoieEtablissement", parts[0])
            set("typeVoieEtablissement", "RUE")
            set("libelleVoieEtablissement", parts.count > 2 ? parts[2].uppercased() : "")
            set("codePostalEtablissement", postalCode(company.communeCode))
            set("codeCommuneEtablissement", company.communeCode)
            set("dateDebut", (company.closedOn ?? company.createdOn).iso)
            set("etatAdministratifEtablissement", company.closedOn == nil ? "A" : "F")
            set("denominationUsuelleEtablissement", company.name)
            set("activitePrincipaleEtablissement", company.naf)
            set("nomenclatureActivitePrincipaleEtablissement", "NAFRev2")
            set("caractereEmployeurEtablissement", company.band.map { ["NN", "00"].contains($0.code) ? "N" : "O" } ?? "N")
            for (offset, field) in fields.enumerated() {
                if offset > 0 { buffer.append(0x2C) }
                appendField(field, to: &buffer)
            }
            buffer.append(0x0A)
            if buffer.count > 4 << 20 {
                try handle.write(contentsOf: buffer)
                buffer.removeAll(keepingCapacity: true)
            }
        }
        try handle.write(contentsOf: buffer)
        return count
    }

    /// Quotes a field when it holds a comma, a quote or a line break, as INSEE's files do.
    static func appendField(_ field: String, to buffer: inout [UInt8]) {
        let bytes = Array(field.utf8)
        if bytes.contains(where: { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }) {
            buffer.append(0x22)
            for byte in bytes {
                if byte == 0x22 { buffer.append(0x22) }
                buffer.append(byte)
            }
            buffer.append(0x22)
        } else {
            buffer.append(contentsOf: bytes)
        }
    }

    /// A plausible postal code: the département's digits then zeros (Corsica's 2A/2B are 20).
    static func postalCode(_ commune: String) -> String {
        let departement = commune.hasPrefix("2A") || commune.hasPrefix("2B") ? "20" : String(commune.prefix(2))
        return departement + String(commune.suffix(3))
    }
}

extension CivilDate {
    fileprivate var iso: String { String(format: "%04d-%02d-%02d", year, month, day) }
}

