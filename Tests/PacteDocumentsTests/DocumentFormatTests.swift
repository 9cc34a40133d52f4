import Foundation
import PacteAudit
@testable import PacteDocuments
import Testing
import ZIPFoundation

/// Office files built here, entry by entry, so each test says exactly what the file holds.
enum OfficeFixture {
    static func zip(_ entries: [(String, String)]) throws -> Data {
        let archive = try Archive(data: Data(), accessMode: .create, pathEncoding: nil)
        for (path, body) in entries {
            let data = Data(body.utf8)
            try archive.addEntry(with: path, type: .file, uncompressedSize: Int64(data.count),
                                 compressionMethod: path == "mimetype" ? .none : .deflate) { position, size in
                data.subdata(in: Int(position)..<Int(position) + size)
            }
        }
        return archive.data!
    }

    static func docx(body: String) throws -> Data {
        try zip([
            ("[Content_Types].xml", #"<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>"#),
            ("word/document.xml", #"<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>"# + body + "</w:body></w:document>"),
        ])
    }

    static func odt(body: String) throws -> Data {
        try zip([
            ("mimetype", "application/vnd.oasis.opendocument.text"),
            ("content.xml", #"<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"><office:body><office:text>"# + body + "</office:text></office:body></office:document-content>"),
        ])
    }

    static func wordParagraph(_ runs: String) -> String { "<w:p>\(runs)</w:p>" }
    static func wordRun(_ text: String) -> String { "<w:r><w:t xml:space=\"preserve\">\(text)</w:t></w:r>" }
    static func wordRow(_ cells: [String]) -> String {
        "<w:tr>" + cells.map { "<w:tc><w:p>\(wordRun($0))</w:p></w:tc>" }.joined() + "</w:tr>"
    }
}

@Suite("Files into text: formats told by their bytes, Word and OpenDocument read from their XML")
struct DocumentFormatTests {
    @Test("The format comes from the first bytes, whatever the name says; old Word, RTF and spreadsheets get a French reason")
    func detection() throws {
        #expect(try DocumentFormat.detect(Data("%PDF-1.7\n".utf8), file: "a.txt") == .pdf)
        #expect(try DocumentFormat.detect(Data([0x89, 0x50, 0x4E, 0x47, 0x0D]), file: "a") == .image)
        #expect(try DocumentFormat.detect(Data("Présents : 12".utf8), file: "a.pdf") == .text)
        #expect(try DocumentFormat.detect(try OfficeFixture.docx(body: ""), file: "a.odt") == .docx)
        #expect(try DocumentFormat.detect(try OfficeFixture.odt(body: ""), file: "a.docx") == .odt)
        let doc = #expect(throws: UnreadableDocument.self) { try DocumentFormat.detect(Data([0xD0, 0xCF, 0x11, 0xE0, 0xA1]), file: "vieux.doc") }
        #expect(doc?.reason.contains(".docx") == true)
        let sheet = #expect(throws: UnreadableDocument.self) {
            try DocumentFormat.detect(try OfficeFixture.zip([("xl/workbook.xml", "<workbook/>")]), file: "plan.xlsx")
        }
        #expect(sheet?.reason.contains("Excel") == true)
        let ods = #expect(throws: UnreadableDocument.self) {
            try DocumentFormat.detect(try OfficeFixture.zip([("mimetype", "application/vnd.oasis.opendocument.spreadsheet"), ("content.xml", "<a/>")]), file: "plan.ods")
        }
        #expect(ods?.reason.contains("tableur") == true)
    }

    @Test("DOCX: paragraphs are lines, table rows are tab-separated cells (empty ones kept), page breaks are form feeds, deleted text is not read")
    func docx() async throws {
        let body = OfficeFixture.wordParagraph(OfficeFixture.wordRun("EXTRAIT DU REGISTRE DES DÉLIBÉRATIONS"))
            + OfficeFixture.wordParagraph(OfficeFixture.wordRun("Pré") + OfficeFixture.wordRun("sents : 12") + "<w:del><w:r><w:delText>99</w:delText></w:r></w:del>")
            + "<w:tbl>" + OfficeFixture.wordRow(["", "2023", "2024"]) + OfficeFixture.wordRow(["Salaire", "59 000", ""]) + "</w:tbl>"
            + "<w:p><w:r><w:br w:type=\"page\"/></w:r></w:p>"
            + OfficeFixture.wordParagraph(OfficeFixture.wordRun("Votants") + "<w:r><w:tab/></w:r>" + OfficeFixture.wordRun("14"))
        let document = try await DocumentReader.read(try OfficeFixture.docx(body: body), file: "registre.docx")
        #expect(document.format == .docx && document.pages == 2 && !document.ocr)
        #expect(document.text == "EXTRAIT DU REGISTRE DES DÉLIBÉRATIONS\nPrésents : 12\n\t2023\t2024\nSalaire\t59 000\t\n\u{0C}Votants\t14\n")
        let audited = DocumentAudit.audit(text: document.text, file: "registre.docx")
        #expect(audited.pageStarts == [5])
    }

    @Test("ODT: headings and paragraphs, text:s spaces, tables with repeated empty cells trimmed, annotations left out")
    func odt() async throws {
        let body = "<text:h>Convention de partenariat</text:h>"
            + "<text:p>Région<text:s text:c=\"3\"/>: 20 000 €<office:annotation><text:p>à vérifier</text:p></office:annotation></text:p>"
            + "<table:table><table:table-row><table:table-cell><text:p>Études</text:p></table:table-cell><table:table-cell><text:p>12 000</text:p></table:table-cell>"
            + "<table:table-cell table:number-columns-repeated=\"1020\"/></table:table-row></table:table>"
            + "<text:soft-page-break/><text:p>Total : 12 000 €</text:p>"
        let document = try await DocumentReader.read(try OfficeFixture.odt(body: body), file: "convention.odt")
        #expect(document.text == "Convention de partenariat\nRégion   : 20 000 €\nÉtudes\t12 000\n\u{0C}Total : 12 000 €\n")
        #expect(document.pages == 2)
    }

    @Test("Damaged and hostile files: a French reason each, never a crash")
    func refusals() async throws {
        func reason(_ data: Data, _ name: String, limits: ExtractionLimits = .standard) async -> String? {
            do { _ = try await DocumentReader.read(data, file: name, limits: limits); return nil } catch { return error.reason }
        }
        let truncated = try OfficeFixture.docx(body: OfficeFixture.wordParagraph(OfficeFixture.wordRun("x"))).prefix(60)
        #expect(await reason(Data(truncated), "coupé.docx")?.contains("endommagé") == true)
        let badXML = await reason(try OfficeFixture.docx(body: "<w:p><w:r><w:t>ouvert"), "xml.docx")
        #expect(badXML?.contains("XML du document est invalide") == true, "\(badXML ?? "lu")")
        #expect(await reason(try OfficeFixture.docx(body: ""), "vide.docx")?.contains("aucun texte") == true)
        #expect(await reason(Data(), "vide.txt") == "le fichier est vide.")
        let big = Data(repeating: 0x20, count: 2 * 1024 * 1024 + 1)
        let tooBig = await reason(big, "gros.pdf", limits: ExtractionLimits(maximumBytes: 2 * 1024 * 1024))
        #expect(tooBig?.contains("au-delà de la limite de 2 Mo") == true)
        // A zip bomb: a small entry that inflates past the limit is stopped as it inflates.
        let bomb = try OfficeFixture.docx(body: String(repeating: "<w:p/>", count: 12 * 1024 * 1024))
        #expect(bomb.count < 1024 * 1024)
        #expect(await reason(bomb, "bombe.docx")?.contains("Mo une fois décompressé") == true)
    }

    @Test("Windows-1252 text, as old Word exports write it, is read with its accents")
    func windows1252() async throws {
        let data = "Présents : 12 — Votants : 14 €".data(using: .windowsCP1252)!
        let document = try await DocumentReader.read(data, file: "ancien.txt")
        #expect(document.text == "Présents : 12 — Votants : 14 €" && document.format == .text)
    }

    @Test("A converter that is missing names its Debian package; one that hangs is stopped at the timeout")
    func converters() async throws {
        let missing = Converter(program: "pacte-convertisseur-absent", debianPackage: "poppler-utils")
        let error = await #expect(throws: UnreadableDocument.self) {
            _ = try await missing.run([], file: "a.pdf", limits: .standard)
        }
        #expect(error?.reason.contains("paquet Debian poppler-utils") == true)
        let slow = Converter(program: "sleep", debianPackage: "coreutils")
        let started = ContinuousClock.now
        let timeout = await #expect(throws: UnreadableDocument.self) {
            _ = try await slow.run(["30"], file: "lent.pdf", limits: ExtractionLimits(timeout: .milliseconds(300)))
        }
        #expect(timeout?.reason.contains("arrêtée au bout de") == true)
        #expect(ContinuousClock.now - started < .seconds(10))
        let chatty = Converter(program: "yes", debianPackage: "coreutils")
        let capped = await #expect(throws: UnreadableDocument.self) {
            _ = try await chatty.run([], file: "bavard.pdf", limits: ExtractionLimits(maximumOutputBytes: 64 * 1024))
        }
        #expect(capped?.reason.contains("dépasse") == true)
    }

    @Test("Laid-out pages: columns are the positions blank on every row, so an empty first cell keeps the values under their heading")
    func layout() {
        let page = """
                          2023      2024
            Salaire       59 000    14 750
            Equipements
            Outils         3 000     1 500
        Présents : 12 et une phrase ordinaire.
        """
        #expect(LayoutText.tabulate(page) == "\t2023\t2024\nSalaire\t59 000\t14 750\nEquipements\t\t\nOutils\t3 000\t1 500\nPrésents : 12 et une phrase ordinaire.")
    }
}
