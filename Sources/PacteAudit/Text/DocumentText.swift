import PacteCore

/// A document's plain text as PDF and Word extraction leave it, cleaned line by line: markdown
/// emphasis (`**`), HTML leftovers (`<b>`, `<sup>`), heading marks and backslash escapes go;
/// tabs stay, because they are the only trace of the tables' columns. Line numbers are kept.
public struct DocumentText: Sendable {
    public struct Line: Sendable, Equatable {
        /// 1-based, as an editor shows it.
        public let number: Int
        /// 1-based: form feeds (as `pdftotext` writes them between pages) turn the page.
        public let page: Int
        /// The cleaned text, tabs kept.
        public let text: String
        /// The cells, when the line holds tabs: trimmed, empty cells kept so columns stay aligned.
        public let cells: [String]?
        public let isBlank: Bool
        /// The text with tabs as spaces and runs of spaces collapsed, for prose patterns.
        public let prose: String
        /// `prose` in lower case without accents, for keywords.
        let folded: String

        init(number: Int, page: Int = 1, text: String) {
            self.number = number
            self.page = page
            self.text = text
            cells = text.contains("\t") ? text.split(separator: "\t", omittingEmptySubsequences: false).map { $0.trimmingSpaces } : nil
            isBlank = text.allSatisfy { $0 == " " || $0 == "\t" }
            prose = AmountParser.normalizeSpaces(text)
            folded = prose.folded
        }
    }

    public let lines: [Line]

    public init(_ raw: String) {
        var lines: [Line] = []
        var number = 0
        var page = 1
        // \r\n and lone \r both end a line; Character treats "\r\n" as one, so split on both.
        for rawLine in raw.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }) {
            number += 1
            var body = Substring(rawLine)
            while body.first == "\u{0C}" {
                page += 1
                body = body.dropFirst()
            }
            lines.append(Line(number: number, page: page, text: Self.clean(body.replacingOccurrences(of: "\u{0C}", with: " "))))
        }
        self.lines = lines
    }

    /// The first line of each page after the first.
    public var pageStarts: [Int] {
        zip(lines, lines.dropFirst()).compactMap { $0.page != $1.page ? $1.number : nil }
    }

    /// Removes the formatting leftovers of one line.
    static func clean(_ line: String) -> String {
        var text = line
        // Markdown headings and block quotes at the start of a line.
        var start = text.startIndex
        while start < text.endIndex, text[start] == "#" || text[start] == ">" { start = text.index(after: start) }
        if start != text.startIndex { text = String(text[start...]) }
        text = removeTags(text)
        text = text.replacingOccurrences(of: "**", with: "")
        text = text.replacingOccurrences(of: "^{", with: "")
        var out = ""
        out.reserveCapacity(text.count)
        var iterator = text.makeIterator()
        var pendingBackslash = false
        while let c = iterator.next() {
            if pendingBackslash {
                pendingBackslash = false
                if "_*&#[]().-".contains(c) { out.append(c); continue }
                out.append("\\")
            }
            if c == "\\" { pendingBackslash = true; continue }
            // `^{er}` leaves a closing brace behind.
            if c == "}" { continue }
            out.append(c)
        }
        if pendingBackslash { out.append("\\") }
        return out
    }

    /// `<b>`, `</i>`, `<sup>`, `<br/>`, `<span class="x">`: tags go, their content stays. A link
    /// such as `<https://…>` is not a tag and stays.
    static func removeTags(_ text: String) -> String {
        guard text.contains("<") else { return text }
        var out = ""
        var index = text.startIndex
        while index < text.endIndex {
            let c = text[index]
            if c == "<", let end = tagEnd(in: text, from: index) {
                index = end
                continue
            }
            out.append(c)
            index = text.index(after: index)
        }
        return out
    }

    private static func tagEnd(in text: String, from open: String.Index) -> String.Index? {
        var index = text.index(after: open)
        if index < text.endIndex, text[index] == "/" { index = text.index(after: index) }
        let nameStart = index
        while index < text.endIndex, text[index].isASCIILetter || (index > nameStart && text[index].isASCIIDigit) { index = text.index(after: index) }
        guard index > nameStart, index < text.endIndex else { return nil }
        let name = text[nameStart..<index].lowercased()
        guard knownTags.contains(name) else { return nil }
        // Attributes, then `>` or `/>`, within the line.
        while index < text.endIndex, text[index] != ">" {
            if text[index] == "<" { return nil }
            index = text.index(after: index)
        }
        guard index < text.endIndex else { return nil }
        return text.index(after: index)
    }

    private static let knownTags: Set<String> = [
        "b", "i", "u", "s", "em", "strong", "sup", "sub", "span", "br", "p", "div", "font", "small", "mark", "td", "tr", "th", "table", "tbody", "thead", "li", "ul", "ol", "a", "h1", "h2", "h3", "h4", "h5", "h6",
    ]
}

extension Character {
    var isASCIILetter: Bool { ("a"..."z").contains(self) || ("A"..."Z").contains(self) }
}

extension StringProtocol {
    /// Lower case without diacritics, apostrophes unified, as many characters as the original: for
    /// matching keywords in French text.
    var folded: String {
        var out = ""
        out.reserveCapacity(count)
        for scalar in lowercased().unicodeScalars {
            switch scalar {
            case "à", "â", "ä", "á": out.unicodeScalars.append("a")
            case "é", "è", "ê", "ë": out.unicodeScalars.append("e")
            case "î", "ï", "í": out.unicodeScalars.append("i")
            case "ô", "ö", "ó": out.unicodeScalars.append("o")
            case "ù", "û", "ü", "ú": out.unicodeScalars.append("u")
            case "ç": out.unicodeScalars.append("c")
            // One letter for one: offsets in the folded text stay valid in the original.
            case "œ": out.unicodeScalars.append("o")
            case "æ": out.unicodeScalars.append("a")
            case "’", "‘", "`", "´": out.unicodeScalars.append("'")
            case "\u{0300}"..."\u{036F}": continue
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
