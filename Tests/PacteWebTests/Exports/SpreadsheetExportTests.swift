import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import PacteCore
@testable import PacteWeb
import Testing
import ZIPFoundation

@Suite("Exports tableur : XML écrit à la main, montants exacts au centime, paquets ZIP XLSX et ODS")
struct SpreadsheetExportTests {
    /// A SIRET with a leading zero, text needing every escape, a control character, and amounts that
    /// a conversion through binary floating point or a careless sign would get wrong.
    let sheet = Spreadsheet(sheetName: "Aides [2021]", header: ["SIRET", "Raison sociale", "Nombre", "Montant"], rows: [
        [.text("01234567800012"), .text(#"Dupont & Fils <"SARL"> l'atelier"#), .integer(3), .amount(Money(cents: 123456))],
        [.text("bip\u{7}"), .text(" espacé "), .integer(-2), .amount(Money(cents: -50))],
        [.text("0.1 + 0.2"), .empty, .integer(0), .amount(Money(cents: 5))],
        [.text("€"), .text("x"), .integer(1), .amount(Money(cents: -5))],
    ])

    @Test func escapesTheFiveXMLCharactersAndDropsControlCharacters() {
        #expect(XML.escape(#"a & b < c > d " e ' f"#) == "a &amp; b &lt; c &gt; d &quot; e &#39; f")
        #expect(XML.escape("bip\u{7}\u{0}\tfin\r\n") == "bip\tfin\r\n")
        #expect(XML.escape("Société « Œuf » 1 234,56 €") == "Société « Œuf » 1 234,56 €")
    }

    @Test("Montants : la chaîne décimale vient des centimes entiers", arguments: [
        (123456, "1234.56"), (-50, "-0.50"), (5, "0.05"), (-5, "-0.05"), (0, "0.00"), (-100, "-1.00"), (10, "0.10"),
        (Int64.max, "92233720368547758.07"), (Int64.min, "-92233720368547758.08"),
    ] as [(Int64, String)])
    func amountsAreExact(cents: Int64, decimal: String) throws {
        let sheet = Spreadsheet(sheetName: "Montants", header: ["Montant"], rows: [[.amount(Money(cents: cents))]])
        #expect(XLSXWriter.worksheet(sheet).contains(#"<c r="A2" s="2"><v>\#(decimal)</v></c>"#))
        #expect(ODSWriter.content(sheet).contains(#"office:value-type="currency" office:currency="EUR" office:value="\#(decimal)""#))
        #expect(FrenchExcelCSV.excelNumber(Money(cents: cents)) == decimal.replacingOccurrences(of: ".", with: ","))
    }

    @Test func xlsxHoldsTypedCellsInWellFormedParts() throws {
        let parts = try unzip(try XLSXWriter.data(sheet))
        #expect(parts.map(\.path) == ["[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/_rels/workbook.xml.rels",
                                      "xl/styles.xml", "xl/worksheets/sheet1.xml"])
        for part in parts { #expect(isWellFormed(part.text), "\(part.path)") }
        let worksheet = try #require(parts.last?.text)
        #expect(worksheet.contains(#"<c r="A1" t="inlineStr" s="1"><is><t xml:space="preserve">SIRET</t></is></c>"#), "bold header")
        #expect(worksheet.contains(#"<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>"#))
        #expect(worksheet.contains(#"<c r="A2" t="inlineStr"><is><t xml:space="preserve">01234567800012</t></is></c>"#), "a SIRET stays text")
        #expect(worksheet.contains("Dupont &amp; Fils &lt;&quot;SARL&quot;&gt; l&#39;atelier"))
        #expect(worksheet.contains(#"<c r="C3"><v>-2</v></c>"#))
        #expect(!worksheet.contains(#"r="B4""#), "an empty cell is left out")
        #expect(!worksheet.contains("\u{7}"))
        #expect(parts[2].text.contains(#"<sheet name="Aides  2021" sheetId="1" r:id="rId1"/>"#), "no brackets in a sheet name")
        #expect(parts[4].text.contains(##"formatCode="#,##0.00\ &quot;€&quot;""##))
        #expect(XLSXWriter.columnName(0) == "A" && XLSXWriter.columnName(25) == "Z" && XLSXWriter.columnName(26) == "AA"
            && XLSXWriter.columnName(701) == "ZZ" && XLSXWriter.columnName(702) == "AAA")
    }

    @Test func odsStartsWithItsStoredMimetype() throws {
        let data = try ODSWriter.data(sheet)
        // What programs check without unzipping: a local file header, method 0 (stored), no extra
        // field, the name `mimetype` at byte 30 and the media type right after it at byte 38.
        let bytes = [UInt8](data)
        #expect(bytes.starts(with: [0x50, 0x4B, 0x03, 0x04]))
        #expect(bytes[8] == 0 && bytes[9] == 0, "stored")
        #expect(bytes[28] == 0 && bytes[29] == 0, "no extra field")
        #expect(String(decoding: bytes[30..<38], as: UTF8.self) == "mimetype")
        let mediaType = "application/vnd.oasis.opendocument.spreadsheet"
        #expect(String(decoding: bytes[38..<(38 + mediaType.utf8.count)], as: UTF8.self) == mediaType)

        let parts = try unzip(data)
        #expect(parts.map(\.path) == ["mimetype", "META-INF/manifest.xml", "content.xml", "settings.xml"])
        #expect(parts.first?.compressed == false && parts.dropFirst().allSatisfy(\.compressed))
        for part in parts.dropFirst() { #expect(isWellFormed(part.text), "\(part.path)") }
        let content = parts[2].text
        #expect(content.contains(#"<table:table-cell office:value-type="string"><text:p>01234567800012</text:p></table:table-cell>"#), "a SIRET stays text")
        #expect(content.contains(#"<table:table-cell office:value-type="float" office:value="-2"><text:p>-2</text:p></table:table-cell>"#))
        #expect(content.contains(#"office:value="1234.56"><text:p>1\#u{202F}234,56\#u{00A0}€</text:p>"#))
        #expect(content.contains("Dupont &amp; Fils &lt;&quot;SARL&quot;&gt; l&#39;atelier"))
        #expect(content.contains(#"<table:table table:name="Aides  2021">"#))
        #expect(!content.contains("\u{7}"))
    }

    @Test func csvWritesTheSameSheetForFrenchExcel() throws {
        let text = String(decoding: try FrenchExcelCSV.data(sheet), as: UTF8.self)
        #expect(text.hasPrefix("\u{FEFF}SIRET;Raison sociale;Nombre;Montant\r\n"))
        #expect(text.contains("\r\n01234567800012;\"Dupont & Fils <\"\"SARL\"\"> l'atelier\";3;1234,56\r\n"))
        #expect(text.contains("\r\n0.1 + 0.2;;0;0,05\r\n"))
    }

    @Test("LibreOffice lit le SIRET en texte, le texte échappé tel quel et les montants au centime",
          .enabled(if: Office.isInstalled || Office.isRequired, "LibreOffice (soffice) est absent ; PACTE_TEST_OFFICE=required fait échouer ce test"))
    func libreOfficeReadsBothFormats() async throws {
        let expected = [
            ["SIRET", "Raison sociale", "Nombre", "Montant"],
            ["01234567800012", #"Dupont & Fils <"SARL"> l'atelier"#, "3", "1234.56"],
            ["bip", " espacé ", "-2", "-0.50"],
            ["0.1 + 0.2", "", "0", "0.05"],
            ["€", "x", "1", "-0.05"],
        ]
        let converted = try await Office.convertToCSV([("xlsx", try XLSXWriter.data(sheet)), ("ods", try ODSWriter.data(sheet))])
        for (format, text) in zip(["xlsx", "ods"], converted) {
            // LibreOffice writes an amount without its trailing zeros (`-0.5`): compared to the cent, not as text.
            let records = try Office.records(text).map { record in
                try record.enumerated().map { column, field in
                    column == 3 && field != "Montant" ? try Money(decimalString: field).decimalString : field
                }
            }
            #expect(records == expected, "\(format): \(text)")
        }
    }

    private func unzip(_ data: Data) throws -> [(path: String, compressed: Bool, text: String)] {
        let archive = try Archive(data: data, accessMode: .read, pathEncoding: nil)
        return try archive.map { entry in
            var bytes = Data()
            _ = try archive.extract(entry) { bytes.append($0) }
            return (entry.path, entry.isCompressed, String(decoding: bytes, as: UTF8.self))
        }
    }

    private func isWellFormed(_ xml: String) -> Bool { XMLParser(data: Data(xml.utf8)).parse() }
}
