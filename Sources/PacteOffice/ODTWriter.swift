import Foundation
import PacteCore

/// An `OfficeDocument` as an OpenDocument text (`.odt`): the styles are common (named) styles in
/// `styles.xml`, so LibreOffice lists « Titre 1 », « Tableau »… and a change of one applies to all;
/// only column widths and page changes are automatic styles.
public enum ODTWriter {
    static let mimetype = "application/vnd.oasis.opendocument.text"
    static let namespaces = """
        xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" \
        xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" \
        xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" \
        xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" \
        xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" \
        xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0" \
        xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:0.1" \
        xmlns:dc="http://purl.org/dc/elements/1.1/" office:version="1.3"
        """

    public static func write(_ document: OfficeDocument) throws -> Data {
        try ZipPackage.zip([
            ZipPackage.Part("mimetype", mimetype, stored: true),
            ZipPackage.Part("META-INF/manifest.xml", manifest),
            ZipPackage.Part("meta.xml", meta(document)),
            ZipPackage.Part("styles.xml", styles(header: document.header)),
            ZipPackage.Part("content.xml", content(document)),
        ])
    }

    static let manifest = """
        <?xml version="1.0" encoding="UTF-8"?>
        <manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3">
         <manifest:file-entry manifest:full-path="/" manifest:version="1.3" manifest:media-type="\(mimetype)"/>
         <manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>
         <manifest:file-entry manifest:full-path="styles.xml" manifest:media-type="text/xml"/>
         <manifest:file-entry manifest:full-path="meta.xml" manifest:media-type="text/xml"/>
        </manifest:manifest>
        """

    static func meta(_ document: OfficeDocument) -> String {
        """
        <?xml version="1.0" encoding="UTF-8"?>
        <office:document-meta \(namespaces)><office:meta>\
        <meta:generator>Pacte</meta:generator><dc:title>\(XMLEscaping.escape(document.title))</dc:title><dc:language>fr-FR</dc:language>\
        </office:meta></office:document-meta>
        """
    }

    /// Style names as ODF stores them: a space is `_20_`, the display name keeps the space.
    static func styleName(_ displayName: String) -> String {
        displayName.replacingOccurrences(of: " ", with: "_20_")
    }

    static func paragraphStyle(_ style: OfficeParagraphStyle) -> String { styleName(style.displayName) }

    static func headingStyle(_ level: Int) -> String { styleName("Titre \(min(level, 3))") }

    static func styles(header: String) -> String {
        func paragraph(_ display: String, parent: String = "Standard", next: String? = nil, outline: Int? = nil,
                       paragraphProperties: String = "", textProperties: String = "") -> String {
            let name = styleName(display)
            return "<style:style style:name=\"\(name)\"" + (name == display ? "" : " style:display-name=\"\(display)\"")
                + " style:family=\"paragraph\" style:parent-style-name=\"\(parent)\""
                + (next.map { " style:next-style-name=\"\(styleName($0))\"" } ?? "")
                + (outline.map { " style:default-outline-level=\"\($0)\"" } ?? "") + ">"
                + (paragraphProperties.isEmpty ? "" : "<style:paragraph-properties \(paragraphProperties)/>")
                + (textProperties.isEmpty ? "" : "<style:text-properties \(textProperties)/>")
                + "</style:style>"
        }
        let body = OfficeParagraphStyle.body.displayName
        let tableText = OfficeParagraphStyle.tableText.displayName
        return """
            <?xml version="1.0" encoding="UTF-8"?>
            <office:document-styles \(namespaces)>\
            <office:font-face-decls><style:font-face style:name="Liberation Sans" svg:font-family="&apos;Liberation Sans&apos;" style:font-family-generic="swiss" style:font-pitch="variable"/></office:font-face-decls>\
            <office:styles>\
            <style:default-style style:family="paragraph"><style:paragraph-properties fo:margin-top="0cm" fo:margin-bottom="0cm"/>\
            <style:text-properties style:font-name="Liberation Sans" fo:font-size="10.5pt" fo:language="fr" fo:country="FR"/></style:default-style>\
            <style:style style:name="Standard" style:family="paragraph" style:class="text"/>\
            \(paragraph(body, paragraphProperties: ##"fo:margin-bottom="0.25cm""##))\
            \(paragraph("Titre", next: body, paragraphProperties: ##"fo:text-align="center" fo:margin-bottom="0.6cm""##, textProperties: ##"fo:font-size="17pt" fo:font-weight="bold""##))\
            \(paragraph("Titre 1", next: body, outline: 1, paragraphProperties: ##"fo:margin-top="0.6cm" fo:margin-bottom="0.25cm" fo:keep-with-next="always""##, textProperties: ##"fo:font-size="14pt" fo:font-weight="bold" fo:color="#1f3a5f""##))\
            \(paragraph("Titre 2", next: body, outline: 2, paragraphProperties: ##"fo:margin-top="0.45cm" fo:margin-bottom="0.2cm" fo:keep-with-next="always""##, textProperties: ##"fo:font-size="12pt" fo:font-weight="bold""##))\
            \(paragraph("Titre 3", next: body, outline: 3, paragraphProperties: ##"fo:margin-top="0.3cm" fo:margin-bottom="0.15cm" fo:keep-with-next="always""##, textProperties: ##"fo:font-size="11pt" fo:font-weight="bold" fo:font-style="italic""##))\
            \(paragraph(OfficeParagraphStyle.note.displayName, parent: styleName(body), textProperties: ##"fo:font-size="9.5pt" fo:font-style="italic""##))\
            \(paragraph(OfficeParagraphStyle.caption.displayName, paragraphProperties: ##"fo:margin-top="0.2cm" fo:margin-bottom="0.1cm" fo:keep-with-next="always""##, textProperties: ##"fo:font-size="9pt" fo:font-style="italic""##))\
            \(paragraph(tableText, textProperties: ##"fo:font-size="9pt""##))\
            \(paragraph(OfficeParagraphStyle.tableNumber.displayName, parent: styleName(tableText), paragraphProperties: ##"fo:text-align="end""##))\
            \(paragraph(OfficeParagraphStyle.tableHeading.displayName, parent: styleName(tableText), textProperties: ##"fo:font-weight="bold""##))\
            \(paragraph(OfficeParagraphStyle.signature.displayName, paragraphProperties: ##"fo:margin-bottom="0.2cm""##))\
            \(paragraph("En-tête", textProperties: ##"fo:font-size="8.5pt" fo:color="#555555""##))\
            \(paragraph("Pied de page", paragraphProperties: ##"fo:text-align="center""##, textProperties: ##"fo:font-size="8.5pt" fo:color="#555555""##))\
            <style:style style:name="Gras" style:family="text"><style:text-properties fo:font-weight="bold"/></style:style>\
            <style:style style:name="Tableau" style:family="table"><style:table-properties table:align="margins" fo:margin-top="0cm" fo:margin-bottom="0.3cm"/></style:style>\
            <text:list-style style:name="Puces"><text:list-level-style-bullet text:level="1" text:bullet-char="•">\
            <style:list-level-properties text:list-level-position-and-space-mode="label-alignment">\
            <style:list-level-label-alignment text:label-followed-by="listtab" text:list-tab-stop-position="0.6cm" fo:text-indent="-0.6cm" fo:margin-left="0.6cm"/>\
            </style:list-level-properties></text:list-level-style-bullet></text:list-style>\
            </office:styles>\
            <office:automatic-styles>\
            \(pageLayout("Portrait", width: "21cm", height: "29.7cm", orientation: "portrait"))\
            \(pageLayout("Paysage", width: "29.7cm", height: "21cm", orientation: "landscape"))\
            </office:automatic-styles>\
            <office:master-styles>\
            \(masterPage("Standard", layout: "Portrait", header: header))\
            \(masterPage("Paysage", layout: "Paysage", header: header))\
            </office:master-styles></office:document-styles>
            """
    }

    static func pageLayout(_ name: String, width: String, height: String, orientation: String) -> String {
        "<style:page-layout style:name=\"\(name)\"><style:page-layout-properties fo:page-width=\"\(width)\" fo:page-height=\"\(height)\" "
            + "style:print-orientation=\"\(orientation)\" fo:margin-top=\"1.2cm\" fo:margin-bottom=\"1.2cm\" fo:margin-left=\"2cm\" fo:margin-right=\"2cm\"/>"
            + "<style:header-style><style:header-footer-properties fo:min-height=\"0cm\" fo:margin-bottom=\"0.4cm\"/></style:header-style>"
            + "<style:footer-style><style:header-footer-properties fo:min-height=\"0cm\" fo:margin-top=\"0.4cm\"/></style:footer-style></style:page-layout>"
    }

    static func masterPage(_ name: String, layout: String, header: String) -> String {
        "<style:master-page style:name=\"\(name)\" style:page-layout-name=\"\(layout)\">"
            + "<style:header><text:p text:style-name=\"En-tête\">\(text(header))</text:p></style:header>"
            + "<style:footer><text:p text:style-name=\"Pied_20_de_20_page\">Page <text:page-number text:select-page=\"current\">1</text:page-number>"
            + " sur <text:page-count>1</text:page-count></text:p></style:footer></style:master-page>"
    }

    /// Paragraph text: ODF collapses spaces and ignores line feeds, so both are written as elements.
    static func text(_ value: String) -> String {
        var out = ""
        var spaces = 0
        var pending = ""
        func flush() {
            out += XMLEscaping.escape(pending)
            pending = ""
            if spaces == 1 { out += " " } else if spaces > 1 { out += " <text:s text:c=\"\(spaces - 1)\"/>" }
            spaces = 0
        }
        for character in value {
            switch character {
            case " ": if !pending.isEmpty { flush() }; spaces += 1
            case "\n", "\r\n": flush(); out += "<text:line-break/>"
            case "\t": flush(); out += "<text:tab/>"
            default:
                if spaces > 0 { flush() }
                pending.append(character)
            }
        }
        flush()
        return out
    }

    static func runs(_ runs: [OfficeRun]) -> String {
        runs.map { $0.bold ? "<text:span text:style-name=\"Gras\">\(text($0.text))</text:span>" : text($0.text) }.joined()
    }

    static func content(_ document: OfficeDocument) -> String {
        var automatic = [
            // A page change rides on an empty paragraph of its own (ODF attaches it to a paragraph style).
            "<style:style style:name=\"PagePaysage\" style:family=\"paragraph\" style:parent-style-name=\"Standard\" style:master-page-name=\"Paysage\"/>",
            "<style:style style:name=\"PagePortrait\" style:family=\"paragraph\" style:parent-style-name=\"Standard\" style:master-page-name=\"Standard\"/>",
            // LibreOffice draws a cell's borders from automatic styles only.
            cellStyle("CelluleGrille", #"fo:padding="0.07cm" fo:border="0.5pt solid #7f7f7f""#),
            cellStyle("CelluleEntete", ##"fo:padding="0.07cm" fo:border="0.5pt solid #7f7f7f" fo:background-color="#e4eaf2""##),
            cellStyle("CelluleTotal", ##"fo:padding="0.07cm" fo:border="0.5pt solid #7f7f7f" fo:background-color="#eeeeee""##),
            cellStyle("CelluleSignature", #"fo:padding="0.15cm" fo:border="none""#),
        ]
        var body = ""
        var landscape = false
        var tableCount = 0
        for block in document.blocks {
            switch block {
            case .heading(let value, let level):
                body += level == 0
                    ? "<text:p text:style-name=\"Titre\">\(text(value))</text:p>"
                    : "<text:h text:style-name=\"\(headingStyle(level))\" text:outline-level=\"\(min(level, 3))\">\(text(value))</text:h>"
            case .paragraph(let content, let style):
                body += "<text:p text:style-name=\"\(paragraphStyle(style))\">\(runs(content))</text:p>"
            case .bullets(let items):
                body += "<text:list text:style-name=\"Puces\">" + items.map {
                    "<text:list-item><text:p text:style-name=\"\(paragraphStyle(.body))\">\(text($0))</text:p></text:list-item>"
                }.joined() + "</text:list>"
            case .newPage(let wide):
                landscape = wide
                body += "<text:p text:style-name=\"\(wide ? "PagePaysage" : "PagePortrait")\"/>"
            case .table(let table):
                tableCount += 1
                let (styles, xml) = self.table(table, number: tableCount, textWidth: landscape ? 25_700 : 17_000)
                automatic += styles
                body += xml
            }
        }
        return """
            <?xml version="1.0" encoding="UTF-8"?>
            <office:document-content \(namespaces)><office:automatic-styles>\(automatic.joined())</office:automatic-styles>\
            <office:body><office:text>\(body)</office:text></office:body></office:document-content>
            """
    }

    static func cellStyle(_ name: String, _ properties: String) -> String {
        "<style:style style:name=\"\(name)\" style:family=\"table-cell\"><style:table-cell-properties \(properties)/></style:style>"
    }

    /// `textWidth` in hundredths of a millimetre: A4 less the margins.
    static func table(_ table: OfficeTable, number: Int, textWidth: Int) -> (styles: [String], xml: String) {
        let name = "Tableau\(number)"
        let totalWeight = table.columns.reduce(0) { $0 + $1.width }
        var styles = ["<style:style style:name=\"\(name)\" style:family=\"table\" style:parent-style-name=\"Tableau\">"
                      + "<style:table-properties style:width=\"\(millimetres(textWidth))\" table:align=\"margins\"/></style:style>"]
        for (index, column) in table.columns.enumerated() {
            let width = textWidth * column.width / max(totalWeight, 1)
            styles.append("<style:style style:name=\"\(name).C\(index)\" style:family=\"table-column\">"
                          + "<style:table-column-properties style:column-width=\"\(millimetres(width))\"/></style:style>")
        }
        let grid = table.style == .grid
        func row(_ cells: [String], kind: OfficeTable.Row.Kind, heading: Bool) -> String {
            "<table:table-row>" + zip(table.columns, cells).map { column, value in
                let cellStyle = !grid ? "CelluleSignature"
                    : heading || kind == .section ? "CelluleEntete" : kind == .total ? "CelluleTotal" : "CelluleGrille"
                let paragraph: OfficeParagraphStyle = !grid ? .signature
                    : column.numeric && !heading ? .tableNumber : heading || kind != .body ? .tableHeading : .tableText
                let lines = value.split(separator: "\n", omittingEmptySubsequences: false)
                return "<table:table-cell table:style-name=\"\(cellStyle)\" office:value-type=\"string\">"
                    + lines.map { line in
                        let bold = column.numeric && kind != .body && grid
                        let styleName = bold ? paragraphStyle(.tableNumber) : paragraphStyle(paragraph)
                        let content = bold ? "<text:span text:style-name=\"Gras\">\(text(String(line)))</text:span>" : text(String(line))
                        return "<text:p text:style-name=\"\(styleName)\">\(content)</text:p>"
                    }.joined() + "</table:table-cell>"
            }.joined() + "</table:table-row>"
        }
        var xml = table.caption.map { "<text:p text:style-name=\"\(paragraphStyle(.caption))\">\(text($0))</text:p>" } ?? ""
        xml += "<table:table table:name=\"\(name)\" table:style-name=\"\(name)\">"
        xml += table.columns.indices.map { "<table:table-column table:style-name=\"\(name).C\($0)\"/>" }.joined()
        if grid {
            xml += "<table:table-header-rows>" + row(table.columns.map(\.title), kind: .body, heading: true) + "</table:table-header-rows>"
        }
        xml += table.rows.map { row($0.cells, kind: $0.kind, heading: false) }.joined()
        xml += "</table:table>"
        return (styles, xml)
    }

    /// `4250` hundredths of a millimetre → `42.50mm`.
    static func millimetres(_ hundredths: Int) -> String {
        let fraction = hundredths % 100
        return "\(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction)mm"
    }
}
