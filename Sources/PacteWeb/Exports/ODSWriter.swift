import Foundation
import PacteOffice
import PacteCore

/// A `Spreadsheet` as an OpenDocument spreadsheet (.ods) for LibreOffice: amounts as euro
/// currency values shown `1 234,56 €`, the header row bold and frozen.
enum ODSWriter {
    static let contentType = "application/vnd.oasis.opendocument.spreadsheet"

    static func data(_ sheet: Spreadsheet) throws -> Data {
        // The `mimetype` part first and stored: programs recognise the format by reading it at a fixed offset.
        try ZipPackage.zip([
            .init("mimetype", contentType, stored: true),
            .init("META-INF/manifest.xml", manifest),
            .init("content.xml", content(sheet)),
            .init("settings.xml", settings(sheet)),
        ])
    }

    private static let namespaces = #"xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" "#
        + #"xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" "#
        + #"xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" "#
        + #"xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" "#
        + #"xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" "#
        + #"xmlns:number="urn:oasis:names:tc:opendocument:xmlns:datastyle:1.0" "#
        + #"xmlns:config="urn:oasis:names:tc:opendocument:xmlns:config:1.0" office:version="1.3""#

    static func content(_ sheet: Spreadsheet) -> String {
        var xml = XML.declaration + "<office:document-content \(namespaces)><office:automatic-styles>"
        for (index, width) in sheet.columnWidths.enumerated() {
            // About two millimetres a character of the default 10 pt font.
            xml += #"<style:style style:name="co\#(index + 1)" style:family="table-column">"#
                + #"<style:table-column-properties style:column-width="\#(width * 2)mm"/></style:style>"#
        }
        xml += #"<number:currency-style style:name="N-EUR">"#
            + #"<number:number number:decimal-places="2" number:min-decimal-places="2" number:min-integer-digits="1" number:grouping="true"/>"#
            + "<number:text>\(FrenchFormat.unitSeparator)</number:text>"
            + #"<number:currency-symbol number:language="fr" number:country="FR">€</number:currency-symbol>"#
            + "</number:currency-style>"
            + #"<style:style style:name="ce-amount" style:family="table-cell" style:data-style-name="N-EUR"/>"#
            + #"<style:style style:name="ce-header" style:family="table-cell"><style:text-properties fo:font-weight="bold"/></style:style>"#
            + "</office:automatic-styles><office:body><office:spreadsheet>"
            + #"<table:table table:name="\#(XML.escape(sheet.safeSheetName))">"#
        for index in sheet.header.indices {
            xml += #"<table:table-column table:style-name="co\#(index + 1)"/>"#
        }
        xml += "<table:table-header-rows><table:table-row>"
        for title in sheet.header {
            xml += #"<table:table-cell table:style-name="ce-header" office:value-type="string"><text:p>\#(XML.escape(title))</text:p></table:table-cell>"#
        }
        xml += "</table:table-row></table:table-header-rows>"
        for cells in sheet.rows {
            xml += "<table:table-row>" + cells.map(cell).joined() + "</table:table-row>"
        }
        return xml + "</table:table></office:spreadsheet></office:body></office:document-content>"
    }

    private static func cell(_ cell: Spreadsheet.Cell) -> String {
        switch cell {
        case .text(let text):
            #"<table:table-cell office:value-type="string"><text:p>\#(XML.escape(text))</text:p></table:table-cell>"#
        case .integer(let value):
            #"<table:table-cell office:value-type="float" office:value="\#(value)"><text:p>\#(value)</text:p></table:table-cell>"#
        case .amount(let amount):
            // The value comes from the integer cents: exact, whatever the amount; the paragraph is only what a reader without a calculator shows.
            #"<table:table-cell table:style-name="ce-amount" office:value-type="currency" office:currency="EUR" office:value="\#(amount.decimalString)">"#
                + "<text:p>\(XML.escape(FrenchFormat.money(amount)))</text:p></table:table-cell>"
        case .empty:
            "<table:table-cell/>"
        }
    }

    private static let manifest = XML.declaration
        + #"<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3">"#
        + #"<manifest:file-entry manifest:full-path="/" manifest:version="1.3" manifest:media-type="\#(contentType)"/>"#
        + #"<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>"#
        + #"<manifest:file-entry manifest:full-path="settings.xml" manifest:media-type="text/xml"/>"#
        + "</manifest:manifest>"

    /// The frozen header row: OpenDocument keeps it in the view settings, as LibreOffice writes them.
    static func settings(_ sheet: Spreadsheet) -> String {
        func item(_ name: String, _ type: String, _ value: String) -> String {
            #"<config:config-item config:name="\#(name)" config:type="\#(type)">\#(value)</config:config-item>"#
        }
        let table = XML.escape(sheet.safeSheetName)
        return XML.declaration + "<office:document-settings \(namespaces)><office:settings>"
            + #"<config:config-item-set config:name="ooo:view-settings"><config:config-item-map-indexed config:name="Views">"#
            + "<config:config-item-map-entry>" + item("ViewId", "string", "view1")
            + #"<config:config-item-map-named config:name="Tables"><config:config-item-map-entry config:name="\#(table)">"#
            + item("HorizontalSplitMode", "short", "0") + item("VerticalSplitMode", "short", "2")
            + item("HorizontalSplitPosition", "int", "0") + item("VerticalSplitPosition", "int", "1")
            + item("ActiveSplitRange", "short", "2") + item("PositionLeft", "int", "0") + item("PositionRight", "int", "0")
            + item("PositionTop", "int", "0") + item("PositionBottom", "int", "1")
            + "</config:config-item-map-entry></config:config-item-map-named>"
            + item("ActiveTable", "string", table)
            + "</config:config-item-map-entry></config:config-item-map-indexed></config:config-item-set>"
            + "</office:settings></office:document-settings>"
    }
}
