import Foundation
import PacteAudit

/// What a file holds, told by its first bytes rather than its name: users rename files, and a
/// `.doc` saved as `.docx` must get a clear message, not garbage.
public enum DocumentFormat: String, Sendable, CaseIterable, Codable {
    case text
    case pdf
    case docx
    case odt
    case image

    /// The French name shown in messages and reports.
    public var label: String {
        switch self {
        case .text: "texte"
        case .pdf: "PDF"
        case .docx: "Word (DOCX)"
        case .odt: "OpenDocument (ODT)"
        case .image: "image"
        }
    }

    /// Detects the format; a ZIP that is neither Word nor OpenDocument text, an old binary Word
    /// file or a spreadsheet is refused with the reason.
    public static func detect(_ data: Data, file: String) throws(UnreadableDocument) -> DocumentFormat {
        if data.starts(with: Array("%PDF-".utf8)) { return .pdf }
        if data.starts(with: [0x89, 0x50, 0x4E, 0x47]) || data.starts(with: [0xFF, 0xD8, 0xFF])
            || data.starts(with: [0x49, 0x49, 0x2A, 0x00]) || data.starts(with: [0x4D, 0x4D, 0x00, 0x2A]) {
            return .image
        }
        if data.starts(with: [0x50, 0x4B, 0x03, 0x04]) { return try zipFormat(data, file: file) }
        if data.starts(with: [0xD0, 0xCF, 0x11, 0xE0]) {
            throw UnreadableDocument(file: file, reason: "c'est un ancien fichier Word (.doc) ou Excel (.xls) : enregistrez-le au format .docx, .odt ou PDF, puis envoyez-le à nouveau.")
        }
        if data.starts(with: Array("{\\rtf".utf8)) {
            throw UnreadableDocument(file: file, reason: "c'est un fichier RTF : enregistrez-le au format .docx, .odt ou PDF, puis envoyez-le à nouveau.")
        }
        return .text
    }

    /// A DOCX holds `word/document.xml`; an ODT starts with a `mimetype` entry naming its kind.
    static func zipFormat(_ data: Data, file: String) throws(UnreadableDocument) -> DocumentFormat {
        let head = data.prefix(200)
        if let range = head.range(of: Data("mimetype".utf8)) {
            let rest = String(decoding: head[range.upperBound...], as: UTF8.self)
            if rest.hasPrefix("application/vnd.oasis.opendocument.text") { return .odt }
            if rest.hasPrefix("application/vnd.oasis.opendocument") {
                throw UnreadableDocument(file: file, reason: "ce fichier OpenDocument n'est pas un texte (tableur ou présentation ?) : seuls les documents texte .odt sont lus.")
            }
        }
        let archive = try OfficeArchive(data: data, file: file)
        if archive.has("word/document.xml") { return .docx }
        if archive.has("content.xml") { return .odt }
        if archive.has("xl/workbook.xml") {
            throw UnreadableDocument(file: file, reason: "c'est un classeur Excel (.xlsx) : Pacte lit les conventions, fiches action et délibérations en texte, PDF, DOCX ou ODT.")
        }
        throw UnreadableDocument(file: file, reason: "c'est une archive ZIP qui n'est ni un document Word (.docx) ni un document OpenDocument (.odt).")
    }
}
