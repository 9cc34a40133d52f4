import Fluent
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import PacteCore
import PacteOffice
import PacteStore
@testable import PacteWeb
import Testing
import VaporTesting
import ZIPFoundation

/// The Python with python-docx and odfpy (`scripts/test` sets it), for a reading of the files by
/// readers that are not Pacte's.
enum IndependentReader {
    static var python: String? {
        let environment = ProcessInfo.processInfo.environment
        let candidates = [environment["PACTE_TEST_DOCUMENT_PYTHON"], ".build/document-formats/bin/python"].compactMap { $0 }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// One JSON object per file: styles, tables, header, text (scripts/check-office-document.py).
    static func read(_ files: [(fileExtension: String, data: Data)]) throws -> [[String: Any]] {
        guard let python else { throw OfficeError(description: "no Python with python-docx and odfpy: run scripts/test (it makes .build/document-formats)") }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pacte-reader-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let paths = try files.enumerated().map { index, file in
            let url = directory.appendingPathComponent("document-\(index).\(file.fileExtension)")
            try file.data.write(to: url)
            return url.path
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = ["scripts/check-office-document.py"] + paths
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return try String(decoding: data, as: UTF8.self).split(separator: "\n").map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
    }
}

/// Spaces as a reader compares them: Pacte writes amounts with narrow no-break spaces.
func plainSpaces(_ text: String) -> String {
    text.replacingOccurrences(of: "\u{202F}", with: " ").replacingOccurrences(of: "\u{00A0}", with: " ")
}

func body(_ response: TestingHTTPResponse) -> Data { Data(response.body.readableBytesView) }

/// Every XML part of a ZIP package parses.
func partsAreWellFormed(_ data: Data) throws -> [String] {
    let archive = try Archive(data: data, accessMode: .read, pathEncoding: nil)
    var names: [String] = []
    for entry in archive where entry.path.hasSuffix(".xml") || entry.path.hasSuffix(".rels") {
        var bytes = Data()
        _ = try archive.extract(entry, consumer: { bytes.append($0) })
        let parser = XMLParser(data: bytes)
        #expect(parser.parse(), "\(entry.path): \(parser.parserError.map { "\($0)" } ?? "")")
        names.append(entry.path)
    }
    return names
}

/// Writes the first pages of each PDF as PNG screenshots into artifacts/documents/, for a person to look at.
func screenshot(_ pdf: Data, name: String) throws {
    let root = ProcessInfo.processInfo.environment["PACTE_TEST_ARTEFACTS"] ?? "artifacts"
    let folder = URL(fileURLWithPath: root).appendingPathComponent("documents")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    let input = folder.appendingPathComponent("\(name).pdf")
    try pdf.write(to: input)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "4", input.path, folder.appendingPathComponent(name).path]
    try process.run()
    process.waitUntilExit()
    #expect(process.terminationStatus == 0, "pdftoppm \(name)")
}

@Suite("Documents modifiables : la convention, ses avenants, l'avis de financement et le relevé de minimis en ODT et DOCX", .serialized)
struct OfficeDocumentTests {
    static let sezanneFigures = ["59 975,00 €", "17 900,00 €", "14 375,00 €", "10 700,00 €", "17 000,00 €"]
    /// Seed 002: the seven EPCI's shares, to the cent, as the source document splits them by population.
    static let ardennesShares = ["11 012,96 €", "2 740,67 €", "2 184,85 €", "1 977,54 €", "1 772,65 €", "1 518,30 €", "864,82 €", "22 071,79 €"]

    @Test("Seeds 000 et 002 : LibreOffice ouvre l'ODT et le DOCX, leur texte porte les chiffres des documents sources ; python-docx et odfpy les lisent",
          .enabled(if: Office.isInstalled || Office.isRequired), arguments: Engine.available)
    func conventionsOpenInLibreOffice(engine: Engine) async throws {
        try await withDemo(engine) { app in
            let admin = try await app.token("admin@demo.pacte.fr")
            let sezanne = try await app.conventionID(titled: "seed 000")
            let ardennes = try await app.conventionID(titled: "seed 002")
            let odt = try await app.call(.GET, "/conventions/\(sezanne)/convention.odt", token: admin)
            #expect(odt.status == .ok)
            #expect(odt.headers.contentType?.description.contains("opendocument.text") == true)
            #expect(odt.headers.first(name: .contentDisposition)?.contains(".odt") == true)
            let docx = try await app.call(.GET, "/api/v1/conventions/\(sezanne)/document?format=docx", token: admin)
            #expect(docx.status == .ok)
            let ardennesODT = try await app.call(.GET, "/api/v1/conventions/\(ardennes)/document?format=odt", token: admin)
            let ardennesDOCX = try await app.call(.GET, "/conventions/\(ardennes)/convention.docx", token: admin)
            let files: [(fileExtension: String, data: Data)] = [("odt", body(odt)), ("docx", body(docx)), ("odt", body(ardennesODT)), ("docx", body(ardennesDOCX))]
            for file in files {
                let parts = try partsAreWellFormed(file.data)
                #expect(parts.contains(file.fileExtension == "odt" ? "content.xml" : "word/document.xml"))
            }
            let odtArchive = try Archive(data: files[0].data, accessMode: .read, pathEncoding: nil)
            #expect(odtArchive.makeIterator().next()?.path == "mimetype", "OpenDocument's mimetype comes first, stored")

            let texts = try await Office.convertToText(files).map(plainSpaces)
            for text in texts[0...1] {
                for figure in Self.sezanneFigures { #expect(text.contains(figure), "\(figure) in the Sézanne convention") }
                #expect(text.contains("Annexe — Plan de financement"))
                #expect(text.contains("Pour Ville de Sézanne"), "a signature block per signatory")
            }
            for text in texts[2...3] {
                for share in Self.ardennesShares { #expect(text.contains(share), "\(share) in the Ardennes convention") }
            }
            let pdfs = try await Office.convertToPDF(files)
            for (pdf, name) in zip(pdfs, ["seed000-convention-odt", "seed000-convention-docx", "seed002-convention-odt", "seed002-convention-docx"]) {
                #expect(pdf.starts(with: Data("%PDF".utf8)))
                if engine == Engine.available.first { try screenshot(pdf, name: name) }
            }

            let readings = try IndependentReader.read(files)
            #expect(readings.count == 4)
            for reading in readings {
                #expect(reading["error"] == nil, "\(reading)")
                let styles = reading["styles"] as? [String] ?? []
                for style in ["Titre", "Titre 1", "Titre 2", "Corps de texte", "Contenu de tableau"] { #expect(styles.contains(style), "\(style) in \(styles)") }
                #expect((reading["tables"] as? Int ?? 0) >= 3, "cost, financing and annex tables")
                #expect((reading["header"] as? String)?.contains("état du") == true, "the running header names the version")
            }
            #expect((readings[1]["tableStyles"] as? [String])?.contains("Tableau") == true)
            #expect(plainSpaces(readings[1]["text"] as? String ?? "").contains("59 975,00 €"), "python-docx reads the total in the annex table")
            #expect((readings[1]["sections"] as? Int) == 2, "the annex is its own landscape section")
        }
    }

    @Test("Un avenant de la convention 002 qui déplace 1 000 € d'une ligne à une autre montre les anciens et les nouveaux montants",
          .enabled(if: Office.isInstalled || Office.isRequired), arguments: Engine.available)
    func avenantShowsOldAndNewFigures(engine: Engine) async throws {
        try await withDemo(engine) { app in
            let admin = try await app.token("admin@demo.pacte.fr")
            let ardennes = try await app.conventionID(titled: "seed 002")
            let api = "/api/v1/conventions/\(ardennes)"
            if (try json(try await app.call(.GET, api + "/versions", token: admin)) as? [Any])?.isEmpty ?? true {
                #expect(try await app.call(.POST, api + "/versions", token: admin, json: #"{"summary":"Convention initiale"}"#).status == .created)
            }
            let actions = try await ActionModel.query(on: app.db).filter(\.$convention.$id == ardennes).all()
            let lines = try await CostLineModel.query(on: app.db).filter(\.$action.$id ~~ actions.map { try $0.requireID() }).sort(\.$position).all()
            let flat = lines.filter { $0.pricing == .forfait && ($0.amountCents ?? 0) > 100_000 }
            try #require(flat.count >= 2, "two flat-fee lines in seed 002: \(lines.map(\.label))")
            let (from, to) = (flat[0], flat[1])
            let (fromBefore, toBefore) = (Money(cents: from.amountCents!), Money(cents: to.amountCents!))
            let fromAfter = try fromBefore.subtracting(.euros(1_000)), toAfter = try toBefore.adding(.euros(1_000))
            for (line, amount) in [(from, fromAfter), (to, toAfter)] {
                let patched = try await app.call(.PATCH, api + "/actions/\(line.$action.id)/lines/\(try line.requireID())", token: admin,
                                                 json: #"{"amount":"\#(amount.decimalString)"}"#)
                #expect(patched.status == .ok, "\(patched.body.string)")
            }
            let draft = try await app.call(.GET, "/conventions/\(ardennes)/versions/projet/avenant.docx", token: admin)
            #expect(draft.status == .ok, "\(draft.body.string)")
            let created = try await app.call(.POST, api + "/versions", token: admin,
                                             json: #"{"summary":"1 000 € déplacés d'une ligne à l'autre","approval":"Commission permanente","approvedOn":"2026-11-20"}"#)
            #expect(created.status == .created, "\(created.body.string)")
            let number = try #require((try json(created) as? [String: Any])?["number"] as? Int)
            let odt = try await app.call(.GET, "/conventions/\(ardennes)/versions/\(number)/avenant.odt", token: admin)
            let docx = try await app.call(.GET, api + "/versions/\(number)/avenant?format=docx", token: admin)
            #expect(odt.status == .ok && docx.status == .ok)
            let texts = try await Office.convertToText([("odt", body(odt)), ("docx", body(docx)), ("docx", body(draft))]).map(plainSpaces)
            for text in texts {
                for amount in [fromBefore, fromAfter, toBefore, toAfter] {
                    #expect(text.contains(plainSpaces(FrenchFormat.money(amount))), "\(FrenchFormat.money(amount)) in the avenant")
                }
                #expect(text.contains(from.label) && text.contains(to.label))
                #expect(text.contains("Article 2 — Plan de financement"))
            }
            #expect(texts[0].contains("Avenant n° \(number)") && texts[0].contains("Commission permanente"))
            #expect(texts[2].contains("Projet d'avenant n° \(number)"))
            if engine == Engine.available.first {
                try screenshot(try await Office.convertToPDF([("odt", body(odt))])[0], name: "seed002-avenant-odt")
            }
            let unknown = try await app.call(.GET, "/conventions/\(ardennes)/versions/99/avenant.odt", token: admin)
            #expect(unknown.status == .notFound)
        }
    }

    @Test("L'avis de financement et le relevé de minimis en ODT et DOCX portent les montants de leurs pages",
          .enabled(if: Office.isInstalled || Office.isRequired), arguments: Engine.available)
    func noticeAndStatement(engine: Engine) async throws {
        try await withDemo(engine) { app in
            let admin = try await app.token("admin@demo.pacte.fr")
            let played = try await playSeed001(app)
            let intervention = try #require(try await InterventionModel.query(on: app.db).filter(\.$convention.$id == played.convention)
                .filter(\.$status == .paid).first(), "seed 001 played through: a service invoiced 250 € and paid")
            let notice = "/conventions/\(intervention.$convention.id)/prestations/\(try intervention.requireID())/avis"
            let page = try await app.call(.GET, notice, token: admin)
            #expect(page.body.string.contains("avis.odt"))
            let odt = try await app.call(.GET, notice + ".odt", token: admin)
            let docx = try await app.call(.GET, "/api/v1/conventions/\(intervention.$convention.id)/interventions/\(try intervention.requireID())/funding-notice?format=docx", token: admin)
            let company = intervention.$company.id
            let statementODT = try await app.call(.GET, "/entreprises/\(company)/attestation-de-minimis.odt", token: admin)
            let statementDOCX = try await app.call(.GET, "/api/v1/companies/\(company)/de-minimis-statement?format=docx", token: admin)
            for response in [odt, docx, statementODT, statementDOCX] { #expect(response.status == .ok, "\(response.body.string)") }
            let texts = try await Office.convertToText([("odt", body(odt)), ("docx", body(docx)), ("odt", body(statementODT)), ("docx", body(statementDOCX))])
                .map(plainSpaces)
            let amount = plainSpaces(FrenchFormat.money(Money(cents: intervention.invoiceCents ?? intervention.quoteCents)))
            for text in texts[0...1] {
                #expect(text.contains("Avis de financement") && text.contains(amount) && text.contains("Qui finance cette prestation"))
            }
            for text in texts[2...3] {
                #expect(text.contains("Relevé des aides de minimis") && text.contains("Montant encore possible") && text.contains("Boulangerie Martin"))
            }
            let bad = try await app.call(.GET, "/api/v1/companies/\(company)/de-minimis-statement?format=pdf", token: admin)
            #expect(bad.status == .unprocessableEntity && bad.body.string.contains("Formats possibles"))
        }
    }

    /// A template as a user writes it in a word processor: here Pacte's own writer makes the file.
    static func template(_ lines: [String], format: OfficeFormat) throws -> Data {
        var document = OfficeDocument(title: "Modèle", header: "Ville de Sézanne — {{convention.titre}}")
        for line in lines { document.paragraph(line) }
        return try OfficeDownload.write(document, as: format)
    }

    @Test("Modèles : un modèle DOCX ou ODT est rempli ; un champ inconnu est refusé avec la liste des champs connus ; rien n'est gardé d'un refus",
          .enabled(if: Office.isInstalled || Office.isRequired), arguments: Engine.available)
    func templates(engine: Engine) async throws {
        try await withDemo(engine) { app in
            let agent = try await app.token("agent.sezanne.ccim@demo.pacte.fr")
            let sezanne = try await app.conventionID(titled: "seed 000")
            let account = try #require(try await UserModel.query(on: app.db).filter(\.$email == "agent.sezanne.ccim@demo.pacte.fr").with(\.$memberships).first())
            let organisation = try #require(account.memberships.first?.$organisation.id, "the agent writes for the CCI")
            let api = "/api/v1/organisations/\(organisation)/templates"
            func upload(_ data: Data, name: String, fileName: String) async throws -> TestingHTTPResponse {
                try await app.call(.POST, api, token: agent,
                                   json: #"{"kind":"convention","name":"\#(name)","fileName":"\#(fileName)","content":"\#(data.base64EncodedString())"}"#)
            }
            let before = try await DocumentTemplateModel.query(on: app.db).count()
            let wrong = try await upload(try Self.template(["{{convention.titr}}", "{{#actions}}", "{{cout_ht}}", "{{/actions}}"], format: .docx),
                                         name: "Faux", fileName: "faux.docx")
            #expect(wrong.status == .unprocessableEntity)
            let detail = try problemDetail(wrong).detail
            #expect(detail.contains("convention.titr") && detail.contains("cout_ht"), "\(detail)")
            #expect(detail.contains("convention.titre") && detail.contains("actions.code"), "the known names are listed: \(detail)")
            let malformed = try await upload(Data("pas un document".utf8), name: "Cassé", fileName: "casse.docx")
            let malformedDetail = try problemDetail(malformed).detail
            #expect(malformed.status == .unprocessableEntity && malformedDetail.contains("ni un document ODT ni un document DOCX"), "\(malformedDetail)")
            #expect(try await DocumentTemplateModel.query(on: app.db).count() == before, "nothing kept of a refused template")

            var filled: [(fileExtension: String, data: Data)] = []
            for format in [OfficeFormat.docx, .odt] {
                let data = try Self.template(["Convention : {{convention.titre}}", "Coût total {{convention.cout_total}}", "{{#actions}}",
                                              "Action {{code}} : {{cout}}", "{{/actions}}", "{{#signataires}}", "Signé pour {{nom}}", "{{/signataires}}"], format: format)
                let created = try await upload(data, name: "Modèle \(format.rawValue)", fileName: "modele.\(format.rawValue)")
                #expect(created.status == .created, "\(created.body.string)")
                let id = try #require((try json(created) as? [String: Any])?["id"] as? String)
                let document = try await app.call(.GET, "/conventions/\(sezanne)/convention.odt?modele=\(id)", token: agent)
                #expect(document.status == .ok)
                #expect(document.headers.first(name: .contentDisposition)?.contains(".\(format.rawValue)") == true, "the template's format wins")
                filled.append((format.rawValue, body(document)))
            }
            let list = try #require(try json(try await app.call(.GET, api, token: agent)) as? [[String: Any]])
            #expect(list.count == before + 2)
            for text in try await Office.convertToText(filled).map(plainSpaces) {
                #expect(text.contains("Coût total 59 975,00 €"), "\(text)")
                #expect(text.contains("Action 2.c"), "one paragraph per action")
                #expect(text.contains("Signé pour Ville de Sézanne"))
            }
            let page = try await app.call(.GET, "/organisations/\(organisation)/modeles", token: agent)
            #expect(page.status == .ok && page.body.string.contains("Modèle docx") && page.body.string.contains("{{convention.titre}}"))
            let documentsPage = try await app.call(.GET, "/conventions/\(sezanne)/documents", token: agent)
            #expect(documentsPage.body.string.contains("Modèle « Modèle odt »"))

            let other = try await app.token("admin@demo.pacte.fr")
            let templateID = try #require(list.first?["id"] as? String)
            #expect(try await app.call(.DELETE, api + "/\(templateID)", token: agent).status == .noContent)
            #expect(try await app.call(.GET, "/conventions/\(sezanne)/convention.odt?modele=\(templateID)", token: other).status == .notFound)
        }
    }
}
