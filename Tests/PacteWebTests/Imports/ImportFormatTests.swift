import Fluent
import Foundation
import PacteAudit
import PacteStore
@testable import PacteWeb
import Testing
import Vapor
import VaporTesting

/// The seeds and corpus documents as PDF, DOCX, ODT and scanned PDF, written by
/// `scripts/corpus-formats.py` into `PACTE_TEST_FORMATS_DIR` (scripts/test does it).
enum GeneratedFormats {
    static let directory = ProcessInfo.processInfo.environment["PACTE_TEST_FORMATS_DIR"].map { URL(fileURLWithPath: $0) }
    static let required = ProcessInfo.processInfo.environment["PACTE_TEST_DOCUMENTS"] == "required"
    static var available: Bool { directory != nil || required }

    static func file(_ prefix: String, _ suffix: String) throws -> (name: String, data: Data) {
        let directory = try #require(directory, "PACTE_TEST_FORMATS_DIR n'est pas réglé : lancez scripts/test")
        let name = try #require(try FileManager.default.contentsOfDirectory(atPath: directory.path).first { $0.hasPrefix(prefix) && $0.hasSuffix(suffix) },
                                "\(prefix)*\(suffix) absent de \(directory.path)")
        return (name, try Data(contentsOf: directory.appendingPathComponent(name)))
    }
}

extension ImportDraft {
    /// The draft without the line numbers it cites: a PDF's lines are not a text file's.
    var withoutSourceLines: ImportDraft {
        var copy = self
        for a in copy.actions.indices {
            copy.actions[a].sourceLine = nil
            for l in copy.actions[a].lines.indices { copy.actions[a].lines[l].sourceLine = nil }
            for s in copy.actions[a].shares.indices { copy.actions[a].shares[s].sourceLine = nil }
        }
        return copy
    }
}

@Suite("Import de documents réels : PDF, Word et OpenDocument donnent le même brouillon que le texte", .enabled(if: GeneratedFormats.available))
struct ImportFormatTests {
    @Test("Seed 003 en PDF, DOCX et ODT sur la page d'import : le même brouillon que depuis le texte", arguments: Engine.available)
    func sameDraft(engine: Engine) async throws {
        try await withDemo(engine) { app in
            let agent = try await app.token(ImportTests.dijonAgent)
            let dijon = try #require(try await OrganisationModel.query(on: app.db).filter(\.$name == "Dijon Métropole").first()?.id)
            func draft(of file: (name: String, data: Data)) async throws -> (ImportDraft, DocumentImportModel) {
                let uploaded = try await app.upload("/imports/nouveau", token: agent, fields: ["organisationID": dijon.uuidString, "text": ""], files: ["file": file])
                #expect(uploaded.status == .seeOther, "\(file.name): \(uploaded.body.string.prefix(1500))")
                let location = try #require(uploaded.headers.first(name: .location))
                let record = try #require(try await DocumentImportModel.find(UUID(uuidString: String(location.dropFirst("/imports/".count))), on: app.db))
                return (try record.draft, record)
            }
            let (reference, _) = try await draft(of: try seedDocument("003"))
            #expect(reference.actions.count >= 18)
            for suffix in [".pdf", ".docx", ".odt"] {
                let file = try GeneratedFormats.file("003", suffix)
                let (read, record) = try await draft(of: file)
                #expect(read.withoutSourceLines == reference.withoutSourceLines, "\(file.name) gives another draft")
                #expect(record.fileName == file.name)
                // The review page shows the extracted text, line by line, with the same finding.
                let review = try await app.call(.GET, "/imports/\(try record.requireID())", token: agent).body.string
                #expect(review.contains("total-mismatch"), "\(file.name)")
            }
        }
    }

    @Test("Un fichier de 50 Mo reçoit un 413 en français du serveur réel, un fichier Word endommagé un 422 : rien n'est enregistré", arguments: Engine.available)
    func refusals(engine: Engine) async throws {
        try await withDemo(engine) { app in
            let agent = try await app.token(ImportTests.dijonAgent)
            let dijon = try #require(try await OrganisationModel.query(on: app.db).filter(\.$name == "Dijon Métropole").first()?.id)
            let imports = try await DocumentImportModel.query(on: app.db).count()
            let live = try app.testing(method: .running(hostname: "127.0.0.1", port: Int.random(in: 30_000...59_000)))
            var huge = Data("%PDF-1.4\n".utf8)
            huge.append(Data(repeating: 0x20, count: 50 * 1024 * 1024))
            let big = try await app.upload("/imports/nouveau", token: agent, fields: ["organisationID": dijon.uuidString], files: ["file": ("scan.pdf", huge)], via: live)
            #expect(big.status == .payloadTooLarge)
            #expect(big.body.string.contains("ne peut dépasser 20 Mo"), "\(big.body.string.prefix(500))")

            let docx = try GeneratedFormats.file("003", ".docx")
            let broken = try await app.upload("/imports/nouveau", token: agent, fields: ["organisationID": dijon.uuidString, "text": "À garder"],
                                              files: ["file": (docx.name, docx.data.prefix(docx.data.count / 2))])
            #expect(broken.status == .unprocessableEntity)
            #expect(broken.body.string.contains("endommagé") && broken.body.string.contains("À garder"))
            #expect(try await DocumentImportModel.query(on: app.db).count() == imports)
        }
    }
}
