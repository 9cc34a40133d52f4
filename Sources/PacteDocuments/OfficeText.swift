import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import PacteAudit

/// The text of a DOCX (`word/document.xml`) or an ODT (`content.xml`): one line per paragraph,
/// one line per table row with its cells separated by tabs (the readers know tables by their
/// tabs), a form feed at each page break the file records.
enum OfficeText {
    static func docx(_ data: Data, file: String) throws(UnreadableDocument) -> ExtractedDocument {
        let archive = try OfficeArchive(data: data, file: file)
        let xml = try archive.read("word/document.xml")
        let text = try parse(xml, file: file, vocabulary: .word)
        return ExtractedDocument(text: text, format: .docx, pages: pageCount(text), ocr: false)
    }

    static func odt(_ data: Data, file: String) throws(UnreadableDocument) -> ExtractedDocument {
        let archive = try OfficeArchive(data: data, file: file)
        let xml = try archive.read("content.xml")
        let text = try parse(xml, file: file, vocabulary: .openDocument)
        return ExtractedDocument(text: text, format: .odt, pages: pageCount(text), ocr: false)
    }

    static func pageCount(_ text: String) -> Int { text.reduce(1) { $1 == "\u{0C}" ? $0 + 1 : $0 } }

    static func parse(_ xml: Data, file: String, vocabulary: Vocabulary) throws(UnreadableDocument) -> String {
        let parser = XMLParser(data: xml)
        let collector = TextCollector(vocabulary: vocabulary)
        parser.delegate = collector
        parser.shouldProcessNamespaces = false
        parser.shouldResolveExternalEntities = false
        guard parser.parse(), parser.parserError == nil, !collector.failed else {
            throw UnreadableDocument(file: file, reason: "le XML du document est invalide (ligne \(parser.lineNumber)) : ouvrez-le et enregistrez-le à nouveau.")
        }
        return collector.finish()
    }

    /// The element names of each format, namespace prefixes included as the files write them.
    struct Vocabulary {
        var paragraph: Set<String>
        var text: String
        var tab: String
        var lineBreak: String
        var pageBreaks: Set<String>
        var spaces: String?
        var table: String
        var row: String
        var cell: String
        /// Text inside these (deleted revisions, field codes, comments) is not the document's.
        var skipped: Set<String>

        static let word = Vocabulary(paragraph: ["w:p"], text: "w:t", tab: "w:tab", lineBreak: "w:br", pageBreaks: ["w:lastRenderedPageBreak"],
                                     spaces: nil, table: "w:tbl", row: "w:tr", cell: "w:tc",
                                     skipped: ["w:delText", "w:instrText", "w:del", "w:commentReference", "w:tblPr", "w:pPr", "w:rPr"])
        static let openDocument = Vocabulary(paragraph: ["text:p", "text:h"], text: "", tab: "text:tab", lineBreak: "text:line-break",
                                             pageBreaks: ["text:soft-page-break"], spaces: "text:s", table: "table:table", row: "table:table-row",
                                             cell: "table:table-cell", skipped: ["office:annotation", "text:tracked-changes", "text:note-citation"])
    }

    /// Gathers characters into lines and rows. Text is taken from `w:t` only in Word (other
    /// elements hold attributes and field codes), and from every text node in OpenDocument.
    final class TextCollector: NSObject, XMLParserDelegate {
        let vocabulary: Vocabulary
        var lines: [String] = []
        var paragraph = ""
        var inText = false
        var skipDepth = 0
        var tableDepth = 0
        var row: [String]?
        var cell: [String]?
        var breakBefore = false
        var breakAfter = false
        var repeatedTail = false

        init(vocabulary: Vocabulary) { self.vocabulary = vocabulary }

        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
            if vocabulary.skipped.contains(name) { skipDepth += 1; return }
            guard skipDepth == 0 else { return }
            switch name {
            case vocabulary.text: inText = true
            case vocabulary.tab: paragraph += "\t"
            case vocabulary.lineBreak:
                if attributes["w:type"] == "page" { pageBreak() } else if row == nil { endParagraph() } else { paragraph += " " }
            case vocabulary.spaces: paragraph += String(repeating: " ", count: min(Int(attributes["text:c"] ?? "1") ?? 1, 100))
            case vocabulary.table: tableDepth += 1
            case vocabulary.row where tableDepth == 1: row = []
            case vocabulary.cell where tableDepth == 1:
                cell = []
                // OpenDocument repeats an empty cell instead of writing it n times; a row's tail
                // can claim thousands of them.
                if let repeated = attributes["table:number-columns-repeated"].flatMap(Int.init), repeated > 1 {
                    row?.append(contentsOf: Array(repeating: "", count: min(repeated, 64) - 1))
                    repeatedTail = true
                }
            default:
                if vocabulary.pageBreaks.contains(name) { pageBreak() }
            }
        }

        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            if vocabulary.skipped.contains(name) { skipDepth = max(0, skipDepth - 1); return }
            guard skipDepth == 0 else { return }
            if name == vocabulary.text { inText = false; return }
            if vocabulary.paragraph.contains(name) { endParagraph(); return }
            switch name {
            case vocabulary.cell where tableDepth == 1:
                row?.append((cell ?? []).joined(separator: " ").replacingOccurrences(of: "\t", with: " "))
                cell = nil
            case vocabulary.row where tableDepth == 1:
                if let row {
                    // OpenDocument pads a row with repeated empty cells up to the sheet's width: that
                    // tail carries nothing. A Word row has exactly its cells.
                    var cells = row
                    if repeatedTail { while cells.count > 1, cells.last?.isEmpty == true { cells.removeLast() } }
                    repeatedTail = false
                    lines.append(cells.joined(separator: "\t"))
                }
                row = nil
            case vocabulary.table:
                tableDepth = max(0, tableDepth - 1)
            default: break
            }
        }

        /// Set when the parser reports an error without failing its `parse()` (FoundationXML does).
        var failed = false

        func parser(_ parser: XMLParser, parseErrorOccurred parseError: any Error) { failed = true }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            guard skipDepth == 0 else { return }
            if vocabulary.text.isEmpty || inText { paragraph += string }
        }

        func endParagraph() {
            let text = paragraph.trimmingCharacters(in: .whitespaces)
            paragraph = ""
            if cell != nil {
                if !text.isEmpty { cell?.append(text) }
                return
            }
            if breakBefore, lines.last != "\u{0C}" { lines.append("\u{0C}") }
            // A paragraph that only turns the page is not a line of its own.
            if !(text.isEmpty && (breakBefore || breakAfter)) { lines.append(text) }
            if breakAfter { lines.append("\u{0C}") }
            breakBefore = false
            breakAfter = false
        }

        /// A page turns here: before the paragraph when nothing of it was written yet (Word marks
        /// the first run of a new page), after it otherwise. Inside a table the row stays whole
        /// and the page turns after the paragraph that follows.
        func pageBreak() {
            if row == nil, paragraph.trimmingCharacters(in: .whitespaces).isEmpty { breakBefore = true } else { breakAfter = true }
        }

        /// Lines joined as `pdftotext` writes pages: a form feed opens each page after the first.
        func finish() -> String {
            if !paragraph.isEmpty { endParagraph() }
            var out = ""
            var feed = false
            for line in lines {
                if line == "\u{0C}" { feed = true; continue }
                out += (feed ? "\u{0C}" : "") + line + "\n"
                feed = false
            }
            return out
        }
    }
}
