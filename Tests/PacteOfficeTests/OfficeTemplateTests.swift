import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
import ZIPFoundation
@testable import PacteOffice

/// Templates written by hand as Word and LibreOffice write them: text cut into runs and spans,
/// proofing marks and bookmarks between, headers in their own parts.
private enum TemplateFixture {
    static let schema = PlaceholderSchema(
        fields: ["convention.titre", "commune", "commentaire"],
        sections: ["actions": PlaceholderSchema(fields: ["code", "intitule", "montant"])]
    )

    static let actions: [any Sendable] = [
        ["code": "A1", "intitule": "Voirie", "montant": "10 000 €"] as [String: any Sendable],
        ["code": "A2", "intitule": "École", "montant": "20 000 €"] as [String: any Sendable],
        ["code": "A3", "intitule": "Médiathèque", "montant": "30 000 €"] as [String: any Sendable],
    ]

    static let values: [String: any Sendable] = [
        "convention": ["titre": "Petites villes de demain"] as [String: any Sendable],
        "commune": "Sézanne",
        "actions": actions,
    ]

    // MARK: DOCX

    static let wordNamespaces = #"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships""#

    static func escaped(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }

    static func paragraph(_ text: String) -> String {
        #"<w:p><w:pPr><w:pStyle w:val="Corps"/></w:pPr><w:r><w:t xml:space="preserve">\#(text)</w:t></w:r></w:p>"#
    }

    static func row(_ cells: [String]) -> String {
        "<w:tr>" + cells.map { "<w:tc><w:tcPr><w:tcW w:w=\"3000\" w:type=\"dxa\"/></w:tcPr>\(paragraph($0))</w:tc>" }.joined() + "</w:tr>"
    }

    static func table(_ rows: [[String]]) -> String {
        #"<w:tbl><w:tblPr><w:tblW w:w="0" w:type="auto"/></w:tblPr><w:tblGrid><w:gridCol w:w="3000"/><w:gridCol w:w="3000"/><w:gridCol w:w="3000"/></w:tblGrid>"#
            + rows.map(row).joined() + "</w:tbl>"
    }

    static func docx(body: String, header: String = paragraph("Commune de {{commune}}"),
                     mainContentType: String = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml") throws -> Data {
        try ZipPackage.zip([
            ZipPackage.Part("[Content_Types].xml", """
                <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
                <Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="\(mainContentType)"/><Override PartName="/word/header1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml"/></Types>
                """),
            ZipPackage.Part("_rels/.rels", """
                <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
                <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>
                """),
            ZipPackage.Part("word/_rels/document.xml.rels", """
                <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
                <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/header" Target="header1.xml"/></Relationships>
                """),
            ZipPackage.Part("word/document.xml", """
                <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
                <w:document \(wordNamespaces)><w:body>\(body)<w:sectPr><w:headerReference w:type="default" r:id="rId1"/><w:pgSz w:w="11906" w:h="16838"/></w:sectPr></w:body></w:document>
                """),
            ZipPackage.Part("word/header1.xml", """
                <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
                <w:hdr \(wordNamespaces)>\(header)</w:hdr>
                """),
        ])
    }

    // MARK: ODT

    static let odfNamespaces = #"xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0""#

    static func odtRow(_ cells: [String]) -> String {
        "<table:table-row>" + cells.map { #"<table:table-cell office:value-type="string"><text:p>\#($0)</text:p></table:table-cell>"# }.joined() + "</table:table-row>"
    }

    static func odt(body: String, header: String = "<text:p>Commune de {{commune}}</text:p>") throws -> Data {
        try ZipPackage.zip([
            ZipPackage.Part("mimetype", "application/vnd.oasis.opendocument.text", stored: true),
            ZipPackage.Part("META-INF/manifest.xml", """
                <?xml version="1.0" encoding="UTF-8"?>
                <manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3"><manifest:file-entry manifest:full-path="/" manifest:version="1.3" manifest:media-type="application/vnd.oasis.opendocument.text"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/><manifest:file-entry manifest:full-path="styles.xml" manifest:media-type="text/xml"/></manifest:manifest>
                """),
            ZipPackage.Part("content.xml", """
                <?xml version="1.0" encoding="UTF-8"?>
                <office:document-content \(odfNamespaces) office:version="1.3"><office:automatic-styles><style:style style:name="T1" style:family="text"><style:text-properties fo:font-weight="bold"/></style:style></office:automatic-styles><office:body><office:text>\(body)</office:text></office:body></office:document-content>
                """),
            ZipPackage.Part("styles.xml", """
                <?xml version="1.0" encoding="UTF-8"?>
                <office:document-styles \(odfNamespaces) office:version="1.3"><office:automatic-styles><style:page-layout style:name="pm1"><style:page-layout-properties fo:page-width="21cm" fo:page-height="29.7cm"/><style:header-style/></style:page-layout></office:automatic-styles><office:master-styles><style:master-page style:name="Standard" style:page-layout-name="pm1"><style:header>\(header)</style:header></style:master-page></office:master-styles></office:document-styles>
                """),
        ])
    }

    // MARK: Reading the result

    static func part(_ path: String, of document: Data) throws -> Data {
        let archive = try Archive(data: document, accessMode: .read)
        let entry = try #require(archive[path])
        var data = Data()
        _ = try archive.extract(entry) { data.append($0) }
        return data
    }

    static func text(_ path: String, of document: Data) throws -> String {
        String(decoding: try part(path, of: document), as: UTF8.self)
    }

    /// The paragraphs' texts and the number of elements of each name, read by a real XML parser:
    /// nil if the part is not well-formed.
    static func read(_ path: String, of document: Data, odt: Bool = false) throws -> XMLSummary? {
        let collector = XMLSummary(paragraphs: odt ? ["text:p", "text:h"] : ["w:p"], textElement: odt ? nil : "w:t")
        let parser = XMLParser(data: try part(path, of: document))
        parser.delegate = collector
        return parser.parse() ? collector : nil
    }
}

private final class XMLSummary: NSObject, XMLParserDelegate {
    let paragraphElements: Set<String>
    let textElement: String?
    private(set) var paragraphs: [String] = []
    private(set) var counts: [String: Int] = [:]
    private var current: String?
    private var inText = false

    init(paragraphs: Set<String>, textElement: String?) {
        self.paragraphElements = paragraphs
        self.textElement = textElement
    }

    func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                qualifiedName qName: String?, attributes attributeDict: [String: String] = [:]) {
        counts[elementName, default: 0] += 1
        if paragraphElements.contains(elementName) { current = "" }
        if elementName == textElement { inText = true }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        if current != nil, textElement == nil || inText { current! += string }
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName qName: String?) {
        if paragraphElements.contains(elementName), let text = current { paragraphs.append(text); current = nil }
        if elementName == textElement { inText = false }
    }
}

@Suite("Organisation templates (ODT, DOCX)")
struct OfficeTemplateTests {
    fileprivate typealias F = TemplateFixture

    @Test func placeholderSplitAcrossRunsIsFilled() throws {
        let body = #"<w:p><w:r><w:t xml:space="preserve">Convention : {{conv</w:t></w:r><w:proofErr w:type="spellStart"/><w:r><w:rPr><w:b/></w:rPr><w:t>ention.ti</w:t></w:r><w:proofErr w:type="spellEnd"/><w:bookmarkStart w:id="0" w:name="titre"/><w:r><w:t>tre}}</w:t></w:r><w:bookmarkEnd w:id="0"/><w:r><w:t xml:space="preserve"> signée</w:t></w:r></w:p>"#
        let template = try OfficeTemplate(data: F.docx(body: body), schema: F.schema)
        #expect(template.format == .docx)
        #expect(template.placeholders == ["convention.titre", "commune"])
        let filled = try template.fill(F.values)
        let document = try #require(try F.read("word/document.xml", of: filled))
        #expect(document.paragraphs == ["Convention : Petites villes de demain signée"])
        let header = try #require(try F.read("word/header1.xml", of: filled))
        #expect(header.paragraphs == ["Commune de Sézanne"])
        // Untouched parts are copied byte for byte.
        #expect(try F.part("word/_rels/document.xml.rels", of: filled) == F.part("word/_rels/document.xml.rels", of: F.docx(body: body)))
    }

    @Test func placeholderSplitAcrossSpansIsFilledInODT() throws {
        let body = #"<text:p>Convention : {{conv<text:span text:style-name="T1">ention.</text:span><text:bookmark text:name="b"/>titre}} et {<text:span text:style-name="T1">{commune}</text:span>}</text:p>"#
        let template = try OfficeTemplate(data: F.odt(body: body), schema: F.schema)
        #expect(template.format == .odt)
        let filled = try template.fill(F.values)
        let content = try #require(try F.read("content.xml", of: filled, odt: true))
        #expect(content.paragraphs == ["Convention : Petites villes de demain et Sézanne"])
        let styles = try #require(try F.read("styles.xml", of: filled, odt: true))
        #expect(styles.paragraphs == ["Commune de Sézanne"])
    }

    @Test func paragraphLoopRepeatsParagraphs() throws {
        let body = F.paragraph("Actions :") + F.paragraph("{{#actions}}")
            + #"<w:p><w:r><w:t>{{co</w:t></w:r><w:r><w:t>de}}</w:t></w:r><w:r><w:t xml:space="preserve"> – {{intitule}}</w:t></w:r></w:p>"#
            + F.paragraph("{{/actions}}") + F.paragraph("Fin.")
        let filled = try OfficeTemplate(data: F.docx(body: body), schema: F.schema).fill(F.values)
        let document = try #require(try F.read("word/document.xml", of: filled))
        #expect(document.paragraphs == ["Actions :", "A1 – Voirie", "A2 – École", "A3 – Médiathèque", "Fin."])
        // The paragraph carrying the body's section properties is the body's own: still there.
        #expect(try F.text("word/document.xml", of: filled).contains("<w:headerReference"))
    }

    @Test func nestedSectionsSeeTheirOwnAndTheOuterNames() throws {
        let body = F.paragraph("{{#actions}}") + F.paragraph("{{code}} à {{commune}}{{#montant}} ({{montant}}){{/montant}}{{^montant}} (sans montant){{/montant}}")
            + F.paragraph("{{/actions}}")
        let values: [String: any Sendable] = ["commune": "Sézanne", "actions": [
            ["code": "A1", "montant": "5 €"] as [String: any Sendable], ["code": "A2"] as [String: any Sendable],
        ]]
        let filled = try OfficeTemplate(data: F.docx(body: body), schema: F.schema).fill(values)
        #expect(try F.read("word/document.xml", of: filled)?.paragraphs == ["A1 à Sézanne (5 €)", "A2 à Sézanne (sans montant)"])
    }

    @Test func listLoopRepeatsListItemsInODT() throws {
        let item = { (text: String) in "<text:list-item><text:p>\(text)</text:p></text:list-item>" }
        let body = "<text:list>" + item("{{#actions}}") + item("{{code}} : {{intitule}}") + item("{{/actions}}") + "</text:list>"
        let filled = try OfficeTemplate(data: F.odt(body: body), schema: F.schema).fill(F.values)
        let content = try #require(try F.read("content.xml", of: filled, odt: true))
        #expect(content.paragraphs == ["A1 : Voirie", "A2 : École", "A3 : Médiathèque"])
        #expect(content.counts["text:list-item"] == 3)
    }

    @Test func tableRowLoopRepeatsRows() throws {
        let body = F.table([["Code", "Intitulé", "Montant"], ["{{#actions}}{{code}}", "{{intitule}}", "{{montant}}{{/actions}}"]])
        let filled = try OfficeTemplate(data: F.docx(body: body), schema: F.schema).fill(F.values)
        let document = try #require(try F.read("word/document.xml", of: filled))
        #expect(document.counts["w:tr"] == 4)
        #expect(document.paragraphs == ["Code", "Intitulé", "Montant", "A1", "Voirie", "10 000 €",
                                        "A2", "École", "20 000 €", "A3", "Médiathèque", "30 000 €"])
    }

    @Test func tableRowLoopRepeatsRowsInODT() throws {
        let rows = F.odtRow(["Code", "Intitulé"]) + F.odtRow(["{{#actions}}{{code}}", "{{intitule}}{{/actions}}"])
        let body = #"<table:table table:name="Actions"><table:table-column table:number-columns-repeated="2"/>"# + rows + "</table:table>"
        let filled = try OfficeTemplate(data: F.odt(body: body), schema: F.schema).fill(F.values)
        let content = try #require(try F.read("content.xml", of: filled, odt: true))
        #expect(content.counts["table:table-row"] == 4)
        #expect(content.paragraphs == ["Code", "Intitulé", "A1", "Voirie", "A2", "École", "A3", "Médiathèque"])
    }

    @Test func anEmptyListDropsATableLeftWithoutRowsAndKeepsCellsReadable() throws {
        // A table made only of the repeated row, and a cell whose only paragraphs are a conditional.
        let body = F.table([["{{#actions}}{{code}}", "{{intitule}}", "{{montant}}{{/actions}}"]])
            + "<w:tbl><w:tblPr/><w:tblGrid><w:gridCol w:w=\"3000\"/><w:gridCol w:w=\"3000\"/></w:tblGrid><w:tr><w:tc><w:tcPr/>" + F.paragraph("Commentaire")
            + "</w:tc><w:tc><w:tcPr/>" + F.paragraph("{{#commentaire}}") + F.paragraph("{{commentaire}}") + F.paragraph("{{/commentaire}}") + "</w:tc></w:tr></w:tbl>"
        let template = try OfficeTemplate(data: F.docx(body: body), schema: F.schema)
        let filled = try template.fill(["actions": [any Sendable](), "commentaire": ""])
        let document = try #require(try F.read("word/document.xml", of: filled))
        #expect(document.counts["w:tbl"] == 1)
        #expect(document.counts["w:tr"] == 1)
        // The empty comment counts as absent, and the cell keeps the paragraph Word requires.
        #expect(document.paragraphs == ["Commentaire", ""])
        #expect(try F.text("word/document.xml", of: filled).contains("<w:tcPr/><w:p/></w:tc>"))
    }

    @Test func unknownPlaceholdersAreAllRefusedWithTheKnownNames() throws {
        let body = F.paragraph("{{convention.titr}}") + F.paragraph("{{#actions}}") + F.paragraph("{{cod}} {{commune}} {{code}}")
            + F.paragraph("{{/actions}}") + F.paragraph("{{cod}}")
        let error = try #require(throws: OfficeTemplateError.self) {
            try OfficeTemplate(data: F.docx(body: body, header: F.paragraph("{{maire}}")), schema: F.schema)
        }
        #expect(error == .unknownPlaceholders(["convention.titr", "cod", "maire"], known: F.schema.knownNames))
        #expect(F.schema.knownNames == ["actions", "actions.code", "actions.intitule", "actions.montant", "commentaire", "commune", "convention.titre"])
        let message = error.description
        #expect(message.hasPrefix("Champs inconnus dans le modèle : {{convention.titr}}, {{cod}}, {{maire}}."))
        #expect(message.contains("Champs connus : {{actions}}, {{actions.code}}, {{actions.intitule}}, {{actions.montant}}, {{commentaire}}, {{commune}}, {{convention.titre}}."))
        #expect(message.contains("Entre {{#actions}} et {{/actions}}, « actions.code » s'écrit {{code}}."))
    }

    @Test func aFieldOfASectionIsUnknownOutsideIt() throws {
        #expect(throws: OfficeTemplateError.unknownPlaceholders(["code"], known: F.schema.knownNames)) {
            try OfficeTemplate(data: F.docx(body: F.paragraph("{{code}}")), schema: F.schema)
        }
    }

    @Test func unbalancedSectionsAreRefused() throws {
        let unclosed = try #require(throws: OfficeTemplateError.self) {
            try OfficeTemplate(data: F.docx(body: F.paragraph("{{#actions}}") + F.paragraph("{{code}}")), schema: F.schema)
        }
        #expect(unclosed == .unbalancedSection("{{#actions}}"))
        #expect(unclosed.description.hasPrefix("La section {{#actions}} n'est pas fermée"))

        let unopened = try #require(throws: OfficeTemplateError.self) {
            try OfficeTemplate(data: F.docx(body: F.paragraph("{{commune}}") + F.paragraph("{{/actions}}")), schema: F.schema)
        }
        #expect(unopened == .unbalancedSection("{{/actions}}"))
        #expect(unopened.description.hasPrefix("{{/actions}} ferme une section qui n'est pas ouverte"))

        // Crossed sections: the inner one is not closed when the outer one ends.
        let crossed = F.paragraph("{{#actions}}") + F.paragraph("{{#commentaire}}") + F.paragraph("{{/actions}}") + F.paragraph("{{/commentaire}}")
        #expect(throws: OfficeTemplateError.unbalancedSection("{{#commentaire}}")) {
            try OfficeTemplate(data: F.docx(body: crossed), schema: F.schema)
        }
    }

    @Test func aSectionOpenedInAParagraphAndClosedInACellIsRefused() throws {
        let body = F.paragraph("Liste : {{#actions}}") + F.table([["{{code}}", "{{intitule}}", "{{/actions}}"]])
        let error = try #require(throws: OfficeTemplateError.self) {
            try OfficeTemplate(data: F.docx(body: body), schema: F.schema)
        }
        #expect(error == .sectionAcrossElements("{{#actions}}"))
        #expect(error.description.contains("niveaux différents"))
    }

    @Test(arguments: ["{{{commune}}}", "{{&commune}}", "{{>signature}}", "{{=<% %>=}}", "{{%CONTENT_TYPE:TEXT}}", "{{uppercased(commune)}}"])
    func tagsThatWouldInsertRawTextAreRefused(tag: String) throws {
        let error = try #require(throws: OfficeTemplateError.self) {
            // As Word writes it: `<` and `&` typed in the text are escaped in the XML.
            try OfficeTemplate(data: F.docx(body: F.paragraph("Commune : " + F.escaped(tag))), schema: F.schema)
        }
        #expect(error == .unsupportedTag(tag))
        #expect(error.description.contains("La balise \(tag) n'est pas acceptée"))
    }

    @Test func aTagNotClosedInItsParagraphIsRefused() throws {
        let error = try #require(throws: OfficeTemplateError.self) {
            try OfficeTemplate(data: F.docx(body: F.paragraph("{{commune") + F.paragraph("}}")), schema: F.schema)
        }
        #expect(error == .invalidTemplate("la balise « {{commune » n'est pas fermée par « }} » dans le même paragraphe"))
    }

    @Test func commentsAreAllowedAndLeaveNoParagraph() throws {
        let body = F.paragraph("{{! à relire par le service juridique }}") + F.paragraph("{{commune}} {{! ici }}")
        let filled = try OfficeTemplate(data: F.docx(body: body), schema: F.schema).fill(F.values)
        #expect(try F.read("word/document.xml", of: filled)?.paragraphs == ["Sézanne "])
    }

    @Test func whatIsNotAnOfficeDocumentIsRefused() throws {
        #expect(throws: OfficeTemplateError.notAnOfficeDocument) {
            try OfficeTemplate(data: Data("Ceci n'est pas un ZIP".utf8), schema: F.schema)
        }
        let spreadsheet = try ZipPackage.zip([ZipPackage.Part("mimetype", "application/vnd.oasis.opendocument.spreadsheet", stored: true),
                                               ZipPackage.Part("content.xml", "<x/>")])
        #expect(throws: OfficeTemplateError.notAnOfficeDocument) { try OfficeTemplate(data: spreadsheet, schema: F.schema) }
        #expect(OfficeTemplateError.notAnOfficeDocument.description == "Le modèle n'est ni un document ODT ni un document DOCX lisible.")
    }

    @Test func valuesWithMarkupAndControlCharactersGiveWellFormedXML() throws {
        let values: [String: any Sendable] = [
            "commune": "A < B & C \"D\" 'E' \u{0001}\u{000B}fin\r\nsuite",
            "convention.titre": "<w:p>pas du XML</w:p>",
            "actions": [["code": "x\u{0000}y", "intitule": "&amp;"] as [String: any Sendable]],
        ]
        let body = F.paragraph("{{commune}}") + F.paragraph("{{convention.titre}}") + F.table([["{{#actions}}{{code}}", "{{intitule}}", "{{/actions}}"]])
        let filled = try OfficeTemplate(data: F.docx(body: body), schema: F.schema).fill(values)
        let document = try #require(try F.read("word/document.xml", of: filled), "the filled document.xml must parse")
        #expect(document.paragraphs == ["A < B & C \"D\" 'E' fin\nsuite", "<w:p>pas du XML</w:p>", "xy", "&amp;", ""])
        #expect(try F.read("word/header1.xml", of: filled) != nil)

        let odt = try OfficeTemplate(data: F.odt(body: "<text:p>{{commune}}</text:p>"), schema: F.schema).fill(values)
        #expect(try F.read("content.xml", of: odt, odt: true) != nil)
        #expect(try F.read("styles.xml", of: odt, odt: true) != nil)
    }

    @Test func theODTOutputStartsWithItsStoredMimetype() throws {
        let filled = try OfficeTemplate(data: F.odt(body: "<text:p>{{commune}}</text:p>"), schema: F.schema).fill(F.values)
        let archive = try Archive(data: filled, accessMode: .read)
        let first = try #require(archive.makeIterator().next())
        #expect(first.path == "mimetype")
        #expect(!first.isCompressed)
        // Readers sniff the type at a fixed offset: the local header (30 bytes), the name, the text.
        let type = "application/vnd.oasis.opendocument.text"
        #expect(filled.subdata(in: 30..<38) == Data("mimetype".utf8))
        #expect(filled.subdata(in: 38..<38 + type.utf8.count) == Data(type.utf8))
        #expect(try F.part("META-INF/manifest.xml", of: filled) == F.part("META-INF/manifest.xml", of: F.odt(body: "<text:p/>")))
    }

    @Test func aWordTemplateFileGivesADocument() throws {
        let dotx = try F.docx(body: F.paragraph("{{commune}}"),
                              mainContentType: "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml")
        let filled = try OfficeTemplate(data: dotx, schema: F.schema).fill(F.values)
        let contentTypes = try F.text("[Content_Types].xml", of: filled)
        #expect(contentTypes.contains("wordprocessingml.document.main+xml"))
        #expect(!contentTypes.contains("wordprocessingml.template.main+xml"))

        let docm = try F.docx(body: F.paragraph("{{commune}}"), mainContentType: "application/vnd.ms-word.document.macroEnabled.main+xml")
        #expect(throws: OfficeTemplateError.notAnOfficeDocument) { try OfficeTemplate(data: docm, schema: F.schema) }
    }

    @Test func dottedKeysAndSectionsOnFieldsAreFilled() throws {
        let body = F.paragraph("{{convention.titre}}") + F.paragraph("{{#commentaire}}") + F.paragraph("Note : {{.}}")
            + F.paragraph("{{/commentaire}}") + F.paragraph("{{^actions}}Aucune action{{/actions}}")
        let template = try OfficeTemplate(data: F.docx(body: body), schema: F.schema)
        #expect(template.placeholders == ["convention.titre", "commentaire", "actions", "commune"])
        let filled = try template.fill(["convention.titre": "Action cœur de ville", "commentaire": "à signer", "actions": [any Sendable]()])
        #expect(try F.read("word/document.xml", of: filled)?.paragraphs == ["Action cœur de ville", "Note : à signer", "Aucune action"])
    }

    @Test func valuesAreCleanedForXML() {
        #expect(OfficeTemplateValues.xmlText("a\u{0007}b\r\nc\rd\u{FFFF}\te") == "ab\nc\nd\te")
        #expect(OfficeTemplateValues.xmlText("déjà vu") == "déjà vu")
        let context = OfficeTemplateValues.context(["a.b": "x", "a": ["c": "y"] as [String: any Sendable], "vide": "", "absent": String?.none as any Sendable])
        #expect(context["vide"] == nil && context["absent"] == nil)
        let nested = context["a"] as? [String: Any]
        #expect(nested?["b"] as? String == "x")
        #expect(nested?["c"] as? String == "y")
    }
}
