import Foundation
import PacteCore

/// A text document as Pacte writes it out for a word processor: headings, paragraphs, lists and
/// tables in named styles, so that one model gives the same ODT and DOCX, and a user who restyles
/// « Titre 1 » or « Tableau » restyles every document Pacte made.
public struct OfficeDocument: Sendable, Hashable {
    /// The file's own title (document properties).
    public var title: String
    /// The running header of every page: the convention's title and version.
    public var header: String
    public var blocks: [OfficeBlock]

    public init(title: String, header: String, blocks: [OfficeBlock] = []) {
        self.title = title
        self.header = header
        self.blocks = blocks
    }

    public mutating func heading(_ text: String, level: Int = 1) { blocks.append(.heading(text, level: level)) }
    public mutating func paragraph(_ text: String, style: OfficeParagraphStyle = .body) { blocks.append(.paragraph([OfficeRun(text)], style: style)) }
    public mutating func paragraph(_ runs: [OfficeRun], style: OfficeParagraphStyle = .body) { blocks.append(.paragraph(runs, style: style)) }
    public mutating func bullets(_ items: [String]) { if !items.isEmpty { blocks.append(.bullets(items)) } }
    public mutating func table(_ table: OfficeTable) { blocks.append(.table(table)) }
    public mutating func newPage(landscape: Bool) { blocks.append(.newPage(landscape: landscape)) }
}

public enum OfficeBlock: Sendable, Hashable {
    /// Level 0 is the document's title, 1 to 3 the headings « Titre 1 » to « Titre 3 ».
    case heading(String, level: Int)
    case paragraph([OfficeRun], style: OfficeParagraphStyle)
    case bullets([String])
    case table(OfficeTable)
    /// A new page in that orientation, until the next one: a wide financing table reads best across.
    case newPage(landscape: Bool)
}

public struct OfficeRun: Sendable, Hashable {
    public var text: String
    public var bold: Bool

    public init(_ text: String, bold: Bool = false) {
        self.text = text
        self.bold = bold
    }

    public static func bold(_ text: String) -> OfficeRun { OfficeRun(text, bold: true) }
}

/// The paragraph styles a document uses, by the name a French user sees in the style list.
public enum OfficeParagraphStyle: String, Sendable, Hashable {
    case body, note, caption, tableText, tableNumber, tableHeading, signature

    public var displayName: String {
        switch self {
        case .body: "Corps de texte"
        case .note: "Remarque"
        case .caption: "Légende"
        case .tableText: "Contenu de tableau"
        case .tableNumber: "Montant de tableau"
        case .tableHeading: "En-tête de tableau"
        case .signature: "Signature"
        }
    }
}

/// A table with a header row repeated on every page, numeric columns aligned right, and rows that
/// may be section rows (an axis) or total rows, set in bold.
public struct OfficeTable: Sendable, Hashable {
    public struct Column: Sendable, Hashable {
        public var title: String
        public var numeric: Bool
        /// Relative width: the columns share the page's width in proportion.
        public var width: Int

        public init(_ title: String, numeric: Bool = false, width: Int = 1) {
            self.title = title
            self.numeric = numeric
            self.width = max(width, 1)
        }
    }

    public struct Row: Sendable, Hashable {
        public enum Kind: Sendable, Hashable { case body, section, total }
        public var cells: [String]
        public var kind: Kind

        public init(_ cells: [String], kind: Kind = .body) {
            self.cells = cells
            self.kind = kind
        }
    }

    /// « Tableau » draws the grid; « Signatures » lays out signature blocks without lines.
    public enum Style: String, Sendable, Hashable {
        case grid, signatures

        public var displayName: String { self == .grid ? "Tableau" : "Signatures" }
    }

    public var caption: String?
    public var columns: [Column]
    public var rows: [Row]
    public var style: Style

    public init(caption: String? = nil, columns: [Column], rows: [Row], style: Style = .grid) {
        self.caption = caption
        self.columns = columns
        // A short row is padded, a long one cut: both writers need one cell per column.
        self.rows = rows.map { row in
            var row = row
            row.cells = Array((row.cells + Array(repeating: "", count: max(columns.count - row.cells.count, 0))).prefix(columns.count))
            return row
        }
        self.style = style
    }
}

/// The two formats' writers share this: the document's file name for a download.
public enum OfficeFileName {
    /// `convention-sezanne-2021.odt`: lower-case ASCII, dashes, the extension given.
    public static func make(_ title: String, extension fileExtension: String) -> String {
        let folded = title.folding(options: [.diacriticInsensitive, .caseInsensitive], locale: nil).lowercased()
        var slug = ""
        for character in folded {
            if character.isASCII && (character.isLetter || character.isNumber) { slug.append(character) }
            else if !slug.hasSuffix("-") { slug.append("-") }
        }
        let trimmed = String(slug.trimmingCharacters(in: CharacterSet(charactersIn: "-")).prefix(80))
        return (trimmed.isEmpty ? "document" : trimmed) + "." + fileExtension
    }
}
