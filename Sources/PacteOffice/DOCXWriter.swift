import Foundation
import PacteCore

/// An `OfficeDocument` as a Word document (`.docx`, Office Open XML): the same named styles as the
/// ODT (« Titre 1 », « Tableau »…), a header and a footer with « Page n sur N » on every section,
/// and one section per page orientation.
public enum DOCXWriter {
    static let main = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    static let relationships = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    /// Page sizes in twentieths of a point (A4), margins of 2 cm left and right.
    static let a4Short = 11906, a4Long = 16838, sideMargin = 1134

    public static func write(_ document: OfficeDocument) throws -> Data {
        try ZipPackage.zip([
            ZipPackage.Part("[Content_Types].xml", contentTypes),
            ZipPackage.Part("_rels/.rels", packageRelationships),
            ZipPackage.Part("docProps/core.xml", core(document)),
            ZipPackage.Part("docProps/app.xml", app),
            ZipPackage.Part("word/_rels/document.xml.rels", documentRelationships),
            ZipPackage.Part("word/document.xml", body(document)),
            ZipPackage.Part("word/styles.xml", styles),
            ZipPackage.Part("word/numbering.xml", numbering),
            ZipPackage.Part("word/settings.xml", settings),
            ZipPackage.Part("word/header1.xml", header(document.header)),
            ZipPackage.Part("word/footer1.xml", footer),
        ])
    }

    static let contentTypes = """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">\
        <Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>\
        <Default Extension="xml" ContentType="application/xml"/>\
        <Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>\
        <Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>\
        <Override PartName="/word/numbering.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.numbering+xml"/>\
        <Override PartName="/word/settings.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml"/>\
        <Override PartName="/word/header1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml"/>\
        <Override PartName="/word/footer1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/>\
        <Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>\
        <Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>\
        </Types>
        """

    static let packageRelationships = """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
        <Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>\
        <Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>\
        <Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" Target="docProps/app.xml"/>\
        </Relationships>
        """

    static let documentRelationships = """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
        <Relationship Id="rIdStyles" Type="\(relationships)/styles" Target="styles.xml"/>\
        <Relationship Id="rIdNumbering" Type="\(relationships)/numbering" Target="numbering.xml"/>\
        <Relationship Id="rIdSettings" Type="\(relationships)/settings" Target="settings.xml"/>\
        <Relationship Id="rIdHeader" Type="\(relationships)/header" Target="header1.xml"/>\
        <Relationship Id="rIdFooter" Type="\(relationships)/footer" Target="footer1.xml"/>\
        </Relationships>
        """

    static func core(_ document: OfficeDocument) -> String {
        """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" \
        xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" \
        xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\
        <dc:title>\(XMLEscaping.escape(document.title))</dc:title><dc:creator>Pacte</dc:creator><dc:language>fr-FR</dc:language>\
        </cp:coreProperties>
        """
    }

    static let app = """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"><Application>Pacte</Application></Properties>
        """

    static let settings = """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <w:settings xmlns:w="\(main)"><w:defaultTabStop w:val="709"/><w:themeFontLang w:val="fr-FR"/></w:settings>
        """

    /// Style identifiers without spaces (Word's rule); the names are what the user sees.
    static func styleID(_ displayName: String) -> String {
        displayName.folding(options: .diacriticInsensitive, locale: nil).filter { $0.isLetter || $0.isNumber }
    }

    static func headingStyle(_ level: Int) -> String { level == 0 ? "Titre" : "Titre\(min(level, 3))" }

    static let styles: String = {
        func paragraph(_ name: String, basedOn: String? = "Normal", next: String? = nil, outline: Int? = nil,
                       paragraphProperties: String = "", runProperties: String = "") -> String {
            "<w:style w:type=\"paragraph\" w:customStyle=\"1\" w:styleId=\"\(styleID(name))\"><w:name w:val=\"\(name)\"/>"
                + (basedOn.map { "<w:basedOn w:val=\"\(styleID($0))\"/>" } ?? "")
                + (next.map { "<w:next w:val=\"\(styleID($0))\"/>" } ?? "")
                + "<w:qFormat/><w:pPr>\(paragraphProperties)\(outline.map { "<w:outlineLvl w:val=\"\($0)\"/>" } ?? "")</w:pPr>"
                + "<w:rPr>\(runProperties)</w:rPr></w:style>"
        }
        let body = OfficeParagraphStyle.body.displayName
        let tableText = OfficeParagraphStyle.tableText.displayName
        let border = "w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"7F7F7F\""
        return """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <w:styles xmlns:w="\(main)">\
            <w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii="Liberation Sans" w:hAnsi="Liberation Sans" w:cs="Liberation Sans" w:eastAsia="Liberation Sans"/>\
            <w:sz w:val="21"/><w:szCs w:val="21"/><w:lang w:val="fr-FR"/></w:rPr></w:rPrDefault>\
            <w:pPrDefault><w:pPr><w:spacing w:after="0" w:line="259" w:lineRule="auto"/></w:pPr></w:pPrDefault></w:docDefaults>\
            <w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/></w:style>\
            <w:style w:type="character" w:default="1" w:styleId="Policepardfaut"><w:name w:val="Default Paragraph Font"/><w:uiPriority w:val="1"/><w:semiHidden/></w:style>\
            \(paragraph(body, paragraphProperties: "<w:spacing w:after=\"140\"/>"))\
            \(paragraph("Titre", next: body, paragraphProperties: "<w:spacing w:after=\"340\"/><w:jc w:val=\"center\"/>", runProperties: "<w:b/><w:sz w:val=\"34\"/>"))\
            \(paragraph("Titre 1", next: body, outline: 0, paragraphProperties: "<w:keepNext/><w:spacing w:before=\"340\" w:after=\"140\"/>", runProperties: "<w:b/><w:color w:val=\"1F3A5F\"/><w:sz w:val=\"28\"/>"))\
            \(paragraph("Titre 2", next: body, outline: 1, paragraphProperties: "<w:keepNext/><w:spacing w:before=\"260\" w:after=\"110\"/>", runProperties: "<w:b/><w:sz w:val=\"24\"/>"))\
            \(paragraph("Titre 3", next: body, outline: 2, paragraphProperties: "<w:keepNext/><w:spacing w:before=\"170\" w:after=\"90\"/>", runProperties: "<w:b/><w:i/><w:sz w:val=\"22\"/>"))\
            \(paragraph(OfficeParagraphStyle.note.displayName, basedOn: body, runProperties: "<w:i/><w:sz w:val=\"19\"/>"))\
            \(paragraph(OfficeParagraphStyle.caption.displayName, paragraphProperties: "<w:keepNext/><w:spacing w:before=\"110\" w:after=\"60\"/>", runProperties: "<w:i/><w:sz w:val=\"18\"/>"))\
            \(paragraph(tableText, runProperties: "<w:sz w:val=\"18\"/>"))\
            \(paragraph(OfficeParagraphStyle.tableNumber.displayName, basedOn: tableText, paragraphProperties: "<w:jc w:val=\"right\"/>"))\
            \(paragraph(OfficeParagraphStyle.tableHeading.displayName, basedOn: tableText, runProperties: "<w:b/>"))\
            \(paragraph(OfficeParagraphStyle.signature.displayName, paragraphProperties: "<w:spacing w:after=\"110\"/>"))\
            \(paragraph("Liste à puces", basedOn: body, paragraphProperties: "<w:numPr><w:ilvl w:val=\"0\"/><w:numId w:val=\"1\"/></w:numPr><w:spacing w:after=\"60\"/>"))\
            \(paragraph("En-tête", runProperties: "<w:color w:val=\"555555\"/><w:sz w:val=\"17\"/>"))\
            \(paragraph("Pied de page", paragraphProperties: "<w:jc w:val=\"center\"/>", runProperties: "<w:color w:val=\"555555\"/><w:sz w:val=\"17\"/>"))\
            <w:style w:type="table" w:default="1" w:styleId="TableauNormal"><w:name w:val="Normal Table"/><w:semiHidden/>\
            <w:tblPr><w:tblInd w:w="0" w:type="dxa"/><w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="108" w:type="dxa"/>\
            <w:bottom w:w="0" w:type="dxa"/><w:right w:w="108" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style>\
            <w:style w:type="table" w:customStyle="1" w:styleId="Tableau"><w:name w:val="Tableau"/><w:basedOn w:val="TableauNormal"/><w:qFormat/>\
            <w:tblPr><w:tblBorders><w:top \(border)/><w:left \(border)/><w:bottom \(border)/><w:right \(border)/>\
            <w:insideH \(border)/><w:insideV \(border)/></w:tblBorders><w:tblCellMar><w:top w:w="40" w:type="dxa"/><w:left w:w="60" w:type="dxa"/>\
            <w:bottom w:w="40" w:type="dxa"/><w:right w:w="60" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style>\
            <w:style w:type="table" w:customStyle="1" w:styleId="Signatures"><w:name w:val="Signatures"/><w:basedOn w:val="TableauNormal"/>\
            <w:tblPr><w:tblCellMar><w:top w:w="80" w:type="dxa"/><w:left w:w="60" w:type="dxa"/><w:bottom w:w="80" w:type="dxa"/><w:right w:w="60" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style>\
            <w:style w:type="character" w:customStyle="1" w:styleId="Gras"><w:name w:val="Gras"/><w:rPr><w:b/></w:rPr></w:style>\
            </w:styles>
            """
    }()

    static let numbering = """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <w:numbering xmlns:w="\(main)"><w:abstractNum w:abstractNumId="0"><w:multiLevelType w:val="singleLevel"/>\
        <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="bullet"/><w:lvlText w:val="•"/><w:lvlJc w:val="left"/>\
        <w:pPr><w:ind w:left="340" w:hanging="340"/></w:pPr></w:lvl></w:abstractNum><w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num></w:numbering>
        """

    static func header(_ text: String) -> String {
        """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <w:hdr xmlns:w="\(main)"><w:p><w:pPr><w:pStyle w:val="\(styleID("En-tête"))"/></w:pPr>\(run(text))</w:p></w:hdr>
        """
    }

    static let footer = """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <w:ftr xmlns:w="\(main)"><w:p><w:pPr><w:pStyle w:val="\(styleID("Pied de page"))"/></w:pPr>\
        <w:r><w:t xml:space="preserve">Page </w:t></w:r><w:fldSimple w:instr=" PAGE "><w:r><w:t>1</w:t></w:r></w:fldSimple>\
        <w:r><w:t xml:space="preserve"> sur </w:t></w:r><w:fldSimple w:instr=" NUMPAGES "><w:r><w:t>1</w:t></w:r></w:fldSimple></w:p></w:ftr>
        """

    /// A run: line feeds and tabs are elements in Word, not characters.
    static func run(_ text: String, bold: Bool = false) -> String {
        let properties = bold ? "<w:rPr><w:b/></w:rPr>" : ""
        var out = "<w:r>\(properties)"
        var pending = ""
        func flush() {
            if !pending.isEmpty { out += "<w:t xml:space=\"preserve\">\(XMLEscaping.escape(pending))</w:t>" }
            pending = ""
        }
        for character in text {
            switch character {
            case "\n", "\r\n": flush(); out += "<w:br/>"
            case "\t": flush(); out += "<w:tab/>"
            default: pending.append(character)
            }
        }
        flush()
        return out + "</w:r>"
    }

    static func paragraph(_ runs: [OfficeRun], style: String, extra: String = "") -> String {
        "<w:p><w:pPr><w:pStyle w:val=\"\(style)\"/>\(extra)</w:pPr>" + runs.map { run($0.text, bold: $0.bold) }.joined() + "</w:p>"
    }

    static func sectionProperties(landscape: Bool) -> String {
        let size = landscape
            ? "<w:pgSz w:w=\"\(a4Long)\" w:h=\"\(a4Short)\" w:orient=\"landscape\"/>"
            : "<w:pgSz w:w=\"\(a4Short)\" w:h=\"\(a4Long)\"/>"
        return "<w:sectPr><w:headerReference w:type=\"default\" r:id=\"rIdHeader\"/><w:footerReference w:type=\"default\" r:id=\"rIdFooter\"/>"
            + size + "<w:pgMar w:top=\"680\" w:right=\"\(sideMargin)\" w:bottom=\"680\" w:left=\"\(sideMargin)\" w:header=\"397\" w:footer=\"397\" w:gutter=\"0\"/></w:sectPr>"
    }

    static func body(_ document: OfficeDocument) -> String {
        var xml = ""
        var landscape = false
        for block in document.blocks {
            switch block {
            case .heading(let text, let level):
                xml += paragraph([OfficeRun(text)], style: headingStyle(level))
            case .paragraph(let runs, let style):
                xml += paragraph(runs, style: styleID(style.displayName))
            case .bullets(let items):
                xml += items.map { paragraph([OfficeRun($0)], style: styleID("Liste à puces")) }.joined()
            case .newPage(let wide):
                // Word ends a section with the properties of the section it ends.
                xml += "<w:p><w:pPr>\(sectionProperties(landscape: landscape))</w:pPr></w:p>"
                landscape = wide
            case .table(let table):
                xml += self.table(table, textWidth: (landscape ? a4Long : a4Short) - 2 * sideMargin)
            }
        }
        return """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <w:document xmlns:w="\(main)" xmlns:r="\(relationships)"><w:body>\(xml)\(sectionProperties(landscape: landscape))</w:body></w:document>
            """
    }

    static func table(_ table: OfficeTable, textWidth: Int) -> String {
        let totalWeight = max(table.columns.reduce(0) { $0 + $1.width }, 1)
        let widths = table.columns.map { textWidth * $0.width / totalWeight }
        let grid = table.style == .grid
        func row(_ cells: [String], kind: OfficeTable.Row.Kind, heading: Bool) -> String {
            let rowProperties = heading ? "<w:trPr><w:tblHeader/><w:cantSplit/></w:trPr>" : "<w:trPr><w:cantSplit/></w:trPr>"
            return "<w:tr>\(rowProperties)" + zip(zip(table.columns, widths), cells).map { columnAndWidth, value in
                let (column, width) = columnAndWidth
                let fill = !grid ? "" : heading || kind == .section ? "E4EAF2" : kind == .total ? "EEEEEE" : ""
                let shading = fill.isEmpty ? "" : "<w:shd w:val=\"clear\" w:color=\"auto\" w:fill=\"\(fill)\"/>"
                let style: OfficeParagraphStyle = !grid ? .signature
                    : column.numeric && !heading ? .tableNumber : heading || kind != .body ? .tableHeading : .tableText
                let bold = grid && column.numeric && kind != .body
                return "<w:tc><w:tcPr><w:tcW w:w=\"\(width)\" w:type=\"dxa\"/>\(shading)</w:tcPr>"
                    + paragraph([OfficeRun(value, bold: bold)], style: styleID(style.displayName)) + "</w:tc>"
            }.joined() + "</w:tr>"
        }
        var xml = table.caption.map { paragraph([OfficeRun($0)], style: styleID(OfficeParagraphStyle.caption.displayName)) } ?? ""
        xml += "<w:tbl><w:tblPr><w:tblStyle w:val=\"\(table.style.displayName)\"/><w:tblW w:w=\"\(textWidth)\" w:type=\"dxa\"/>"
            + "<w:tblLayout w:type=\"fixed\"/><w:tblLook w:val=\"0020\" w:firstRow=\"1\" w:lastRow=\"0\" w:firstColumn=\"0\" w:lastColumn=\"0\" w:noHBand=\"1\" w:noVBand=\"1\"/></w:tblPr>"
        xml += "<w:tblGrid>" + widths.map { "<w:gridCol w:w=\"\($0)\"/>" }.joined() + "</w:tblGrid>"
        if grid { xml += row(table.columns.map(\.title), kind: .body, heading: true) }
        xml += table.rows.map { row($0.cells, kind: $0.kind, heading: false) }.joined()
        // Word needs a paragraph between two tables, or it merges them.
        return xml + "</w:tbl><w:p><w:pPr><w:spacing w:after=\"0\"/></w:pPr></w:p>"
    }
}
