import Foundation
import Testing

/// `pacte import` as a user runs it: the audit, the draft, a pending import and the review address.
@Suite struct ImportCommandTests {
    @Test("pacte import : constats en français, import en attente pour le SIREN, adresse de relecture ; sortie 2 si SIREN inconnu ou invalide, ou fichier illisible")
    func importCommand() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("pacte-import-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let database = "sqlite://" + folder.appendingPathComponent("pacte.sqlite").path
        let demo = try PlanCommandTests.run(["demo", "--database-url", database])
        #expect(demo.status == 0, "\(demo.error)")
        let seed = try AuditCommandTests.seed("003")

        let result = try PlanCommandTests.run(["import", seed, "--organisation", "242 100 410", "--database-url", database])
        #expect(result.status == 0, "\(result.error)")
        #expect(result.output.contains("[erreur] ligne 556 · total-mismatch"), "\(result.output)")
        #expect(result.output.contains("Brouillon proposé : « Convention CCI CÔTE-D'OR - SAÔNE-ET-LOIRE / DIJON MÉTROPOLE »"))
        #expect(result.output.contains("Fonds Social Européen 49\u{202F}700,00 € (sous réserve adoption du nouveau PO)"))
        let address = try #require(result.output.split(separator: "\n").first { $0.hasPrefix("Import en attente de relecture : ") })
        let id = String(address.split(separator: "/").last ?? "")
        #expect(address.contains("/imports/") && UUID(uuidString: id) != nil, "\(address)")
        #expect(result.output.contains("aucune convention n'est créée avant"))

        let unknown = try PlanCommandTests.run(["import", seed, "--organisation", "356000000", "--database-url", database])
        #expect(unknown.status == 2 && unknown.error.contains("Aucune organisation de SIREN 356000000"), "\(unknown.error)")
        let invalid = try PlanCommandTests.run(["import", seed, "--organisation", "123", "--database-url", database])
        #expect(invalid.status == 2 && invalid.error.contains("SIREN invalide"), "\(invalid.error)")
        let binary = folder.appendingPathComponent("convention.pdf")
        try Data([0x25, 0x50, 0x44, 0x46, 0x2D, 0x00, 0xFF]).write(to: binary)
        let unreadable = try PlanCommandTests.run(["import", binary.path, "--organisation", "242100410", "--database-url", database])
        #expect(unreadable.status == 2 && unreadable.error.contains("le PDF est endommagé ou incomplet"), "\(unreadable.error)")
    }
}
