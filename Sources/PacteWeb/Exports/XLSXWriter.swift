import Foundation
import PacteOffice
import PacteCore

/// A `Spreadsheet` as an Office Open XML workbook (.xlsx) for Excel: one worksheet, text as inline
/// strings (no shared-string table to keep in step), amounts as numbers shown `1 234,56 €`, the
/// header row bold and frozen.
enum XLSXWriter {
    static let contentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

    static func data(_ sheet: Spreadsheet) throws -> Data {
        try ZipPackage.zip([
            .init("[Content_Types].xml", contentTypes),
            .init("_rels/.rels", packageRelationships),
            .init("xl/workbook.xml", workbook(sheet)),
            .init("xl/_rels/workbook.xml.rels", workbookRelationships),
            .init("xl/styles.xml", styles),
            .init("xl/worksheets/sheet1.xml", worksheet(sheet)),
        ])
    }

    /// Cell style indexes into `styles`' `cellXfs`.
    private enum Style: Int { case plain = 0, header = 1, amount = 2 }

    static func worksheet(_ sheet: Spreadsheet) -> String {
        var xml = XML.declaration
        xml += #"<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">"#
        xml += #"<sheetViews><sheetView workbookViewId="0">"#
        xml += #"<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>"#
        xml += #"<selection pane="bottomLeft"/></sheetView></sheetViews>"#
        xml += "<cols>"
        for (index, width) in sheet.columnWidths.enumerated() {
            xml += #"<col min="\#(index + 1)" max="\#(index + 1)" width="\#(width)" customWidth="1"/>"#
        }
        xml += "</cols><sheetData>"
        xml += row(1, sheet.header.map { .text($0) }, style: .header)
        for (index, cells) in sheet.rows.enumerated() {
            xml += row(index + 2, cells, style: .plain)
        }
        return xml + "</sheetData></worksheet>"
    }

    private static func row(_ number: Int, _ cells: [Spreadsheet.Cell], style: Style) -> String {
        var xml = #"<row r="\#(number)">"#
        for (index, cell) in cells.enumerated() {
            let reference = columnName(index) + String(number)
            let styleAttribute = style == .plain ? "" : #" s="\#(style.rawValue)""#
            switch cell {
            case .text(let text):
                xml += #"<c r="\#(reference)" t="inlineStr"\#(styleAttribute)><is><t xml:space="preserve">\#(XML.escape(text))</t></is></c>"#
            case .integer(let value):
                xml += #"<c r="\#(reference)"\#(styleAttribute)><v>\#(value)</v></c>"#
            case .amount(let amount):
                // The decimal string comes from the integer cents: exact, whatever the amount.
                xml += #"<c r="\#(reference)" s="\#(Style.amount.rawValue)"><v>\#(amount.decimalString)</v></c>"#
            case .empty:
                continue
            }
        }
        return xml + "</row>"
    }

    /// `A`, …, `Z`, `AA`, `AB`, … for a zero-based column index.
    static func columnName(_ index: Int) -> String {
        var name = ""
        var rest = index + 1
        while rest > 0 {
            let digit = (rest - 1) % 26
            name = String(UnicodeScalar(UInt8(65 + digit))) + name
            rest = (rest - 1) / 26
        }
        return name
    }

    private static func workbook(_ sheet: Spreadsheet) -> String {
        XML.declaration
            + #"<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" "#
            + #"xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">"#
            + #"<sheets><sheet name="\#(XML.escape(sheet.safeSheetName))" sheetId="1" r:id="rId1"/></sheets></workbook>"#
    }

    private static let contentTypes = XML.declaration
        + #"<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">"#
        + #"<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>"#
        + #"<Default Extension="xml" ContentType="application/xml"/>"#
        + #"<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>"#
        + #"<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>"#
        + #"<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>"#
        + "</Types>"

    private static let packageRelationships = XML.declaration
        + #"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">"#
        + #"<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>"#
        + "</Relationships>"

    private static let workbookRelationships = XML.declaration
        + #"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">"#
        + #"<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>"#
        + #"<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>"#
        + "</Relationships>"

    /// Format 164 (the first id free for custom formats) is the euro amount; `cellXfs` are indexed by `Style`.
    private static let styles = XML.declaration
        + #"<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">"#
        + ##"<numFmts count="1"><numFmt numFmtId="164" formatCode="#,##0.00\ &quot;€&quot;"/></numFmts>"##
        + #"<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font></fonts>"#
        + #"<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>"#
        + #"<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>"#
        + #"<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>"#
        + #"<cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>"#
        + #"<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>"#
        + #"<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>"#
        + #"<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>"#
        + "</styleSheet>"
}
