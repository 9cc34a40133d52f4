import Foundation
import Mustache
import ZIPFoundation

/// The two word-processor formats an organisation may bring its own template in.
public enum OfficeFormat: String, Sendable {
    case odt, docx

    /// The file extension of a filled document (a `.dotx` or `.ott` template gives a document).
    public var fileExtension: String { rawValue }
}

/// An organisation's own ODT or DOCX file with Mustache tags (`{{convention.titre}}`,
/// `{{#actions}}…{{/actions}}`), checked once when uploaded and then filled as often as needed,
/// so its letterhead, styles and wording are kept and only the tags change.
///
/// Rendered parts: DOCX `word/document.xml`, `word/header*.xml`, `word/footer*.xml`; ODT
/// `content.xml` and `styles.xml` (which holds headers and footers). Every other part is copied.
/// A paragraph holding only `{{#name}}`, `{{^name}}` or `{{/name}}` repeats or hides the
/// paragraphs between, and a table row starting with `{{#name}}` and ending with `{{/name}}`
/// repeats once per element.
public struct OfficeTemplate: Sendable {
    public let format: OfficeFormat
    /// Every placeholder name the template uses, for display: full paths (`actions.code` for
    /// `{{code}}` inside `{{#actions}}`), sections included, in order of first appearance.
    public let placeholders: [String]

    private struct Part: Sendable {
        let path: String
        let data: Data
        let stored: Bool
        /// Nil for a part copied as it is.
        let pieces: [Piece]?
    }

    /// A rendered part cut at its top-level tags: the XML between them is copied, each top-level
    /// tag or whole section is a template of its own. Mustache's parser measures the rest of its
    /// text at every tag, which on a whole 5 MB `document.xml` takes minutes; on pieces, nothing.
    private enum Piece: Sendable {
        case text(String)
        case template(MustacheTemplate)
    }

    private let parts: [Part]

    private static let odtMimeType = "application/vnd.oasis.opendocument.text"
    private static let ottMimeType = "application/vnd.oasis.opendocument.text-template"
    /// Beyond this, a ZIP is a bomb rather than a letter template.
    private static let maximumUncompressedSize = 256 << 20

    /// Everything that can be wrong with a template is found here, when it is uploaded, so that
    /// filling it later cannot fail on the template.
    public init(data: Data, schema: PlaceholderSchema) throws(OfficeTemplateError) {
        var entries = try Self.readEntries(data)
        let paths = Set(entries.map(\.path))
        let format: OfficeFormat
        if paths.contains("word/document.xml") {
            // A macro-enabled file would hand its macros on to every recipient of the documents.
            let contentTypes = entries.first { $0.path == "[Content_Types].xml" }.map { String(decoding: $0.data, as: UTF8.self) } ?? ""
            guard !contentTypes.contains("macroEnabled") else { throw .notAnOfficeDocument }
            format = .docx
        } else if let mimetype = entries.first(where: { $0.path == "mimetype" }),
                  [Self.odtMimeType, Self.ottMimeType].contains(String(decoding: mimetype.data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)) {
            format = .odt
        } else {
            throw .notAnOfficeDocument
        }
        Self.makeDocument(from: &entries, format: format)

        let dialect = Self.dialect(format)
        let mainPart = format == .docx ? "word/document.xml" : "content.xml"
        // The body first, so that unknown names are listed in reading order as far as possible.
        let rendered = entries.indices.filter { Self.isRendered(entries[$0].path, format) }
            .sorted { (entries[$0].path == mainPart ? 0 : 1, $0) < (entries[$1].path == mainPart ? 0 : 1, $1) }
        var checker = OfficeTemplateChecker(root: schema)
        var normalised: [Int: [UInt8]] = [:]
        for index in rendered {
            do {
                let bytes = try OfficeTemplateMarkup.normalise(Array(entries[index].data), dialect)
                try checker.check(OfficeTemplateMarkup.Scan(bytes))
                normalised[index] = bytes
            } catch let error as OfficeTemplateError {
                throw error
            } catch {
                throw .notAnOfficeDocument
            }
        }
        if !checker.unknown.isEmpty { throw .unknownPlaceholders(checker.unknown, known: schema.knownNames) }

        var parts: [Part] = []
        for (index, entry) in entries.enumerated() {
            var pieces: [Piece]?
            if let bytes = normalised[index] { pieces = try Self.pieces(bytes) }
            parts.append(Part(path: entry.path, data: entry.data, stored: format == .odt && entry.path == "mimetype", pieces: pieces))
        }
        // OpenDocument wants its `mimetype` first and stored, for readers that sniff the file.
        if format == .odt { parts = parts.filter { $0.path == "mimetype" } + parts.filter { $0.path != "mimetype" } }
        self.format = format
        self.parts = parts
        self.placeholders = checker.used
    }

    /// The filled document, same format as the template, as bytes. Values are strings, numbers,
    /// `Bool`s, arrays and `[String: any Sendable]` dictionaries, nested or with dotted keys.
    public func fill(_ values: [String: any Sendable]) throws -> Data {
        let context = OfficeTemplateValues.context(values)
        let dialect = Self.dialect(format)
        var zipParts: [ZipPackage.Part] = []
        for part in parts {
            if let pieces = part.pieces {
                var text = ""
                for piece in pieces {
                    switch piece {
                    case .text(let xml): text += xml
                    case .template(let template): text += template.render(context)
                    }
                }
                let rendered = OfficeTemplateMarkup.repairTables(Array(text.utf8), dialect)
                zipParts.append(ZipPackage.Part(part.path, data: Data(rendered), stored: part.stored))
            } else {
                zipParts.append(ZipPackage.Part(part.path, data: part.data, stored: part.stored))
            }
        }
        return try ZipPackage.zip(zipParts)
    }

    // MARK: Reading

    private static func readEntries(_ data: Data) throws(OfficeTemplateError) -> [(path: String, data: Data)] {
        do {
            let archive = try Archive(data: data, accessMode: .read)
            var entries: [(path: String, data: Data)] = []
            var seen = Set<String>()
            var total = 0
            for entry in archive where entry.type == .file {
                var content = Data()
                _ = try archive.extract(entry, skipCRC32: false) { chunk in
                    total += chunk.count
                    guard total <= maximumUncompressedSize else { throw OfficeTemplateError.notAnOfficeDocument }
                    content.append(chunk)
                }
                if seen.insert(entry.path).inserted { entries.append((entry.path, content)) }
            }
            return entries
        } catch {
            throw .notAnOfficeDocument
        }
    }

    /// A `.dotx` or `.ott` template is accepted, and what it gives is a document: Word refuses a
    /// `.docx` declared as a template, and LibreOffice would open the result as a new untitled file.
    private static func makeDocument(from entries: inout [(path: String, data: Data)], format: OfficeFormat) {
        let replacements: [String: (String, String)] = switch format {
        case .docx:
            ["[Content_Types].xml": ("wordprocessingml.template.main+xml", "wordprocessingml.document.main+xml")]
        case .odt:
            ["mimetype": (ottMimeType, odtMimeType), "META-INF/manifest.xml": (#""\#(ottMimeType)""#, #""\#(odtMimeType)""#)]
        }
        for index in entries.indices {
            guard let (old, new) = replacements[entries[index].path] else { continue }
            let text = String(decoding: entries[index].data, as: UTF8.self)
            if text.contains(old) { entries[index].data = Data(text.replacingOccurrences(of: old, with: new).utf8) }
        }
    }

    /// The part's pieces, for a checked part (every tag closed, every section balanced).
    private static func pieces(_ bytes: [UInt8]) throws(OfficeTemplateError) -> [Piece] {
        func string(_ range: Range<Int>) throws(OfficeTemplateError) -> String {
            guard let text = String(bytes: bytes[range], encoding: .utf8) else { throw .notAnOfficeDocument }
            return text
        }
        func template(_ range: Range<Int>) throws(OfficeTemplateError) -> Piece {
            let text = try string(range)
            do { return .template(try MustacheTemplate(string: text)) } catch { throw .invalidTemplate(reason(error)) }
        }
        var pieces: [Piece] = []
        var cursor = 0
        var depth = 0
        var sectionStart = 0
        for range in OfficeTemplateMarkup.tagRanges(bytes).closed {
            let tag = OfficeTemplateMarkup.Tag(String(decoding: bytes[range], as: UTF8.self))
            if depth == 0, range.lowerBound > cursor { pieces.append(.text(try string(cursor..<range.lowerBound))) }
            switch tag {
            case .open, .inverted:
                if depth == 0 { sectionStart = range.lowerBound }
                depth += 1
            case .close:
                depth -= 1
                if depth == 0 { pieces.append(try template(sectionStart..<range.upperBound)) }
            case .variable, .comment, .unsupported:
                if depth == 0 { pieces.append(try template(range)) }
            }
            if depth == 0 { cursor = range.upperBound }
        }
        guard depth == 0 else { throw .invalidTemplate(reason(MustacheTemplate.Error.expectedSectionEnd)) }
        if cursor < bytes.count { pieces.append(.text(try string(cursor..<bytes.count))) }
        return pieces
    }

    private static func isRendered(_ path: String, _ format: OfficeFormat) -> Bool {
        switch format {
        case .odt:
            return path == "content.xml" || path == "styles.xml"
        case .docx:
            guard path.hasPrefix("word/"), path.hasSuffix(".xml") else { return false }
            let name = path.dropFirst("word/".count)
            return name == "document.xml" || (!name.contains("/") && (name.hasPrefix("header") || name.hasPrefix("footer")))
        }
    }

    private static func dialect(_ format: OfficeFormat) -> OfficeTemplateMarkup.Dialect {
        format == .docx ? .docx : .odt
    }

    /// Mustache's parse errors, in words for the template's author.
    private static func reason(_ error: any Error) -> String {
        let error = (error as? MustacheTemplate.ParserError)?.error ?? error
        switch error as? MustacheTemplate.Error {
        case .sectionCloseNameIncorrect: return "une balise {{/…}} ne ferme pas la dernière section ouverte"
        case .expectedSectionEnd: return "une section n'est pas fermée"
        case .unfinishedName: return "une balise est incomplète ou son nom contient des caractères non permis (lettres sans accents, chiffres, « _ », « - » et « . » seulement)"
        default: return "une balise n'est pas reconnue"
        }
    }
}
