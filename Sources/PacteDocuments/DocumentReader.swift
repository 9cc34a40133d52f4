import Foundation
import PacteAudit

/// Turns an uploaded or given file into the text the audit reads: plain text (UTF-8 or
/// Windows-1252), PDF with a text layer or scanned, DOCX, ODT, or an image of a page. Every
/// refusal is an `UnreadableDocument` with a French reason, and nothing stays on disk.
public enum DocumentReader {
    public static func read(_ data: Data, file: String, limits: ExtractionLimits = .standard) async throws(UnreadableDocument) -> ExtractedDocument {
        if data.count > limits.maximumBytes { throw tooLarge(file, bytes: data.count, limits: limits) }
        if data.isEmpty { throw UnreadableDocument(file: file, reason: "le fichier est vide.") }
        let format = try DocumentFormat.detect(data, file: file)
        switch format {
        case .text:
            let text = try DocumentAudit.decode(data, file: file)
            return ExtractedDocument(text: text, format: .text, pages: 1 + text.filter { $0 == "\u{0C}" }.count, ocr: false)
        case .docx, .odt:
            // The XML is parsed off the caller's thread: a server's event loop must not wait on it.
            let result = await Task.detached(priority: .userInitiated) { () -> Result<ExtractedDocument, UnreadableDocument> in
                do throws(UnreadableDocument) {
                    return .success(format == .docx ? try OfficeText.docx(data, file: file) : try OfficeText.odt(data, file: file))
                } catch {
                    return .failure(error)
                }
            }.value
            let document = try result.get()
            guard document.text.contains(where: { $0.isLetter || $0.isNumber }) else {
                throw UnreadableDocument(file: file, reason: "le document \(format.label) ne contient aucun texte.")
            }
            return document
        case .pdf:
            return try await ScannedText.pdf(data, file: file, limits: limits)
        case .image:
            return try await ScannedText.image(data, file: file, limits: limits)
        }
    }

    static func tooLarge(_ file: String, bytes: Int, limits: ExtractionLimits) -> UnreadableDocument {
        UnreadableDocument(file: file, reason: "le fichier fait \(megabytes(bytes)), au-delà de la limite de \(megabytes(limits.maximumBytes)) : envoyez les pages utiles seulement, ou le texte.")
    }

    static func megabytes(_ bytes: Int) -> String {
        let tenths = (bytes * 10 + 512 * 1024) / (1024 * 1024)
        return tenths % 10 == 0 ? "\(tenths / 10) Mo" : "\(tenths / 10),\(tenths % 10) Mo"
    }
}

extension DocumentReader {
    /// Reads a file and audits its text: what `pacte audit`, `pacte import` and the import page do.
    public static func audit(_ data: Data, file: String, limits: ExtractionLimits = .standard) async throws(UnreadableDocument) -> (ExtractedDocument, AuditedDocument) {
        let extracted = try await read(data, file: file, limits: limits)
        return (extracted, DocumentAudit.audit(text: extracted.text, file: file, fromOCR: extracted.ocr))
    }

    /// Reads a file on disk, refusing it before loading when it is over the limit.
    public static func contents(ofFile path: String, limits: ExtractionLimits = .standard) throws(UnreadableDocument) -> Data {
        let url = URL(fileURLWithPath: path)
        let name = url.lastPathComponent
        if let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int, size > limits.maximumBytes {
            throw tooLarge(name, bytes: size, limits: limits)
        }
        do { return try Data(contentsOf: url) } catch {
            throw UnreadableDocument(file: name, reason: "fichier introuvable ou illisible.")
        }
    }
}

extension ExtractedDocument {
    /// « PDF, 3 pages, lu par reconnaissance de caractères ».
    public var summary: String {
        var parts = [format.label]
        if pages > 1 { parts.append("\(pages) pages") }
        if ocr { parts.append("lu par reconnaissance de caractères (vérifiez les chiffres)") }
        return parts.joined(separator: ", ")
    }
}
