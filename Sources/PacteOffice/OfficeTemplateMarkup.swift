import Foundation

/// The rewriting of a template's XML parts so that Mustache sees whole tags in the right places.
///
/// A word processor stores what the user typed as runs (`<w:r><w:t>`) or spans (`<text:span>`)
/// cut wherever the formatting, the spell checker or the editing history says, and Mustache would
/// see `{{conv` and `ention.titre}}` apart. A section tag typed on its own line must repeat whole
/// paragraphs or table rows, not the inside of one. The parts are worked on as raw UTF-8 bytes with
/// a small tokenizer: `{`, `}`, `<` and `>` are ASCII, never part of a multi-byte character, and
/// Office XML needs no more than tags, text, comments and processing instructions.
enum OfficeTemplateMarkup {
    /// The element names of one format: Word and LibreOffice always write these prefixes.
    struct Dialect: Sendable {
        let paragraphs: Set<String>
        /// DOCX keeps typed text only in `w:t`; in ODT any character data of a paragraph is text.
        let textElement: String?
        /// ODT elements inside a paragraph whose text is not the paragraph's (a comment's author).
        let excluded: Set<String>
        let table: String
        let row: String
        /// ODT list containers that a section paragraph alone in them takes along when removed, so
        /// that a loop does not leave empty bullets.
        let listContainers: Set<String>
        /// A DOCX paragraph carrying a section break keeps it when its section tag is taken out.
        let sectionBreak: String?
        /// Word refuses a cell whose last block is not a paragraph.
        let cell: String?
        let cellEndings: Set<String>

        static let docx = Dialect(paragraphs: ["w:p"], textElement: "w:t", excluded: [], table: "w:tbl", row: "w:tr",
                                  listContainers: [], sectionBreak: "w:sectPr", cell: "w:tc",
                                  cellEndings: ["w:p", "w:sdt", "w:customXml"])
        static let odt = Dialect(paragraphs: ["text:p", "text:h"], textElement: nil,
                                 excluded: ["office:annotation", "text:note", "svg:title", "svg:desc"],
                                 table: "table:table", row: "table:table-row",
                                 listContainers: ["text:list-item", "text:list"], sectionBreak: nil, cell: nil, cellEndings: [])
    }

    struct MalformedXML: Error {}

    // MARK: Tokens

    struct Token {
        enum Kind { case open, close, empty, text, other }
        var kind: Kind
        var start: Int
        var end: Int
        var name: String
    }

    /// The tokens of one part with their nesting, so that a text can find its paragraph or row.
    struct Scan {
        let bytes: [UInt8]
        let tokens: [Token]
        /// The enclosing open token of every token, -1 at the root.
        let parent: [Int]
        /// For an open token, its close token; for any other, itself.
        let close: [Int]

        init(_ bytes: [UInt8]) throws(MalformedXML) {
            self.bytes = bytes
            let tokens = try Self.tokenize(bytes)
            var parent = [Int](repeating: -1, count: tokens.count)
            var close = Array(tokens.indices)
            var stack: [Int] = []
            for (index, token) in tokens.enumerated() {
                if token.kind == .close {
                    guard let open = stack.popLast(), tokens[open].name == token.name else { throw MalformedXML() }
                    close[open] = index
                    parent[index] = stack.last ?? -1
                } else {
                    parent[index] = stack.last ?? -1
                    if token.kind == .open { stack.append(index) }
                }
            }
            guard stack.isEmpty else { throw MalformedXML() }
            self.tokens = tokens
            self.parent = parent
            self.close = close
        }

        private static func tokenize(_ b: [UInt8]) throws(MalformedXML) -> [Token] {
            var tokens: [Token] = []
            var i = 0
            let n = b.count
            func starts(_ prefix: StaticString, at index: Int) -> Bool {
                let count = prefix.utf8CodeUnitCount
                guard index + count <= n else { return false }
                return prefix.withUTF8Buffer { prefix in (0..<count).allSatisfy { b[index + $0] == prefix[$0] } }
            }
            func find(_ needle: StaticString, from start: Int) throws(MalformedXML) -> Int {
                var j = start
                while j < n {
                    if starts(needle, at: j) { return j + needle.utf8CodeUnitCount }
                    j += 1
                }
                throw MalformedXML()
            }
            while i < n {
                if b[i] == UInt8(ascii: "<") {
                    // Comments, CDATA, processing instructions and declarations are passed over whole.
                    let end: Int
                    if starts("<!--", at: i) { end = try find("-->", from: i + 4) }
                    else if starts("<![CDATA[", at: i) { end = try find("]]>", from: i + 9) }
                    else if starts("<?", at: i) { end = try find("?>", from: i + 2) }
                    else if starts("<!", at: i) { end = try find(">", from: i + 2) }
                    else { end = -1 }
                    if end < 0 {
                        // Attribute values may hold `>`: skip quoted text.
                        var j = i + 1
                        var quote: UInt8 = 0
                        while j < n {
                            let c = b[j]
                            if quote != 0 { if c == quote { quote = 0 } }
                            else if c == UInt8(ascii: "\"") || c == UInt8(ascii: "'") { quote = c }
                            else if c == UInt8(ascii: ">") { break }
                            j += 1
                        }
                        guard j < n, j > i + 1 else { throw MalformedXML() }
                        let isClose = b[i + 1] == UInt8(ascii: "/")
                        let isEmpty = !isClose && b[j - 1] == UInt8(ascii: "/")
                        let nameStart = isClose ? i + 2 : i + 1
                        var k = nameStart
                        while k < j, !Self.isSpace(b[k]), b[k] != UInt8(ascii: "/"), b[k] != UInt8(ascii: ">") { k += 1 }
                        guard k > nameStart else { throw MalformedXML() }
                        tokens.append(Token(kind: isClose ? .close : (isEmpty ? .empty : .open), start: i, end: j + 1,
                                            name: String(decoding: b[nameStart..<k], as: UTF8.self)))
                        i = j + 1
                        continue
                    }
                    tokens.append(Token(kind: .other, start: i, end: end, name: ""))
                    i = end
                } else {
                    var j = i
                    while j < n, b[j] != UInt8(ascii: "<") { j += 1 }
                    tokens.append(Token(kind: .text, start: i, end: j, name: ""))
                    i = j
                }
            }
            return tokens
        }

        static func isSpace(_ c: UInt8) -> Bool {
            c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D
        }

        func content(_ index: Int) -> ArraySlice<UInt8> { bytes[tokens[index].start..<tokens[index].end] }

        /// From the open token to the end of its close token.
        func elementRange(_ index: Int) -> Range<Int> { tokens[index].start..<tokens[close[index]].end }

        /// The nearest enclosing element named one of `names`.
        func nearest(from index: Int, _ names: Set<String>) -> Int? {
            var p = parent[index]
            while p >= 0 {
                if names.contains(tokens[p].name) { return p }
                p = parent[p]
            }
            return nil
        }

        /// The paragraph whose typed text this text token is, if it is typed text at all.
        func paragraph(ofText index: Int, _ dialect: Dialect) -> Int? {
            if let element = dialect.textElement {
                guard parent[index] >= 0, tokens[parent[index]].name == element else { return nil }
            }
            var p = parent[index]
            while p >= 0 {
                let name = tokens[p].name
                if dialect.paragraphs.contains(name) { return p }
                if dialect.excluded.contains(name) { return nil }
                p = parent[p]
            }
            return nil
        }

        /// The typed text tokens grouped by an owner (paragraph or row), owners in document order.
        func typedText(_ dialect: Dialect, owner: (Int) -> Int?) -> [(owner: Int, texts: [Int])] {
            var order: [Int] = []
            var groups: [Int: [Int]] = [:]
            for index in tokens.indices where tokens[index].kind == .text {
                guard paragraph(ofText: index, dialect) != nil, let key = owner(index) else { continue }
                if groups[key] == nil { order.append(key) }
                groups[key, default: []].append(index)
            }
            return order.map { ($0, groups[$0]!) }
        }

        /// The texts joined, with the index (in `texts`) of the token each byte comes from.
        func joined(_ texts: [Int]) -> (bytes: [UInt8], owner: [Int]) {
            var joined: [UInt8] = []
            var owner: [Int] = []
            for (k, index) in texts.enumerated() {
                let slice = content(index)
                joined += slice
                owner += repeatElement(k, count: slice.count)
            }
            return (joined, owner)
        }
    }

    // MARK: Mustache tags

    enum Tag: Equatable {
        case variable(String), open(String), inverted(String), close(String), comment, unsupported

        init(_ text: String) {
            var content = Substring(text.dropFirst(2).dropLast(2))
            guard let first = content.first else { self = .variable(""); return }
            func name(_ s: Substring) -> String { s.trimmingCharacters(in: .whitespacesAndNewlines) }
            switch first {
            case "!": self = .comment
            case "{", "&", ">", "<", "=", "%", "$": self = .unsupported
            case "#": content.removeFirst(); self = .open(name(content))
            case "^": content.removeFirst(); self = .inverted(name(content))
            case "/": content.removeFirst(); self = .close(name(content))
            default: self = .variable(name(content))
            }
        }

        /// Tags that render as nothing, so a paragraph or row holding only one can go.
        var rendersNothing: Bool {
            switch self {
            case .open, .inverted, .close, .comment: true
            case .variable, .unsupported: false
            }
        }
    }

    /// The `{{…}}` tags in the bytes, and where an unclosed `{{` starts if any (the rest is not scanned).
    static func tagRanges<Bytes: RandomAccessCollection>(_ b: Bytes) -> (closed: [Range<Int>], unclosed: Int?)
    where Bytes.Element == UInt8, Bytes.Index == Int {
        var ranges: [Range<Int>] = []
        var i = b.startIndex
        let end = b.endIndex
        let open = UInt8(ascii: "{"), shut = UInt8(ascii: "}")
        while i + 1 < end {
            guard b[i] == open, b[i + 1] == open else { i += 1; continue }
            var j = i + 2
            while j + 1 < end, !(b[j] == shut && b[j + 1] == shut) { j += 1 }
            guard j + 1 < end else { return (ranges, i) }
            var tagEnd = j + 2
            // `{{{x}}}`: keep the third brace so the checker sees the triple tag whole.
            if i + 2 < end, b[i + 2] == open, tagEnd < end, b[tagEnd] == shut { tagEnd += 1 }
            ranges.append(i..<tagEnd)
            i = tagEnd
        }
        return (ranges, nil)
    }

    static func isBlank(_ bytes: some Collection<UInt8>) -> Bool {
        // A no-break space (C2 A0) typed around a tag is blank too.
        String(decoding: bytes, as: UTF8.self).allSatisfy(\.isWhitespace)
    }

    // MARK: Edits

    struct Edit {
        var range: Range<Int>
        var replacement: [UInt8]
        /// At one position: what goes after the element before it, then what goes before the next
        /// element, then replacements.
        var order: Int

        static let after = 0, before = 1, replace = 2
    }

    static func apply(_ edits: [Edit], to bytes: [UInt8]) -> [UInt8] {
        guard !edits.isEmpty else { return bytes }
        let sorted = edits.enumerated().sorted {
            ($0.element.range.lowerBound, $0.element.order, $0.offset) < ($1.element.range.lowerBound, $1.element.order, $1.offset)
        }.map(\.element)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + 256)
        var cursor = 0
        for edit in sorted where edit.range.lowerBound >= cursor {
            out += bytes[cursor..<edit.range.lowerBound]
            out += edit.replacement
            cursor = edit.range.upperBound
        }
        out += bytes[cursor...]
        return out
    }

    // MARK: Normalisation

    /// The three passes, in this order: tags whole first, then rows (before paragraphs, so that a
    /// row's opening tag alone in its first cell is taken out of the row, not out of the cell).
    static func normalise(_ bytes: [UInt8], _ dialect: Dialect) throws(MalformedXML) -> [UInt8] {
        var bytes = try mergeSplitTags(bytes, dialect)
        bytes = try moveRowSections(bytes, dialect)
        bytes = try isolateSectionParagraphs(bytes, dialect)
        return bytes
    }

    /// Moves each tag cut across several text nodes of a paragraph whole into the node where it
    /// starts: it then takes that node's formatting, as its first letters showed.
    static func mergeSplitTags(_ bytes: [UInt8], _ dialect: Dialect) throws(MalformedXML) -> [UInt8] {
        let scan = try Scan(bytes)
        var edits: [Edit] = []
        for (_, texts) in scan.typedText(dialect, owner: { scan.paragraph(ofText: $0, dialect) }) {
            var (joined, owner) = scan.joined(texts)
            var moved = false
            for tag in tagRanges(joined).closed {
                let first = owner[tag.lowerBound]
                if owner[tag.upperBound - 1] != first { moved = true }
                for position in tag { owner[position] = first }
            }
            var contents = [[UInt8]](repeating: [], count: texts.count)
            for (position, byte) in joined.enumerated() { contents[owner[position]].append(byte) }
            for (k, index) in texts.enumerated() {
                let new = contents[k]
                let changed = moved && new[...] != scan.content(index)
                if changed { edits.append(Edit(range: scan.tokens[index].start..<scan.tokens[index].end, replacement: new, order: Edit.replace)) }
                // Word drops a `w:t`'s leading and trailing spaces unless told to keep them, and a
                // value may bring some.
                if dialect.textElement != nil,
                   tagRanges(new).closed.isEmpty == false || (changed && (new.first.map(Scan.isSpace) == true || new.last.map(Scan.isSpace) == true)) {
                    let element = scan.parent[index]
                    let open = scan.content(element)
                    if !String(decoding: open, as: UTF8.self).contains("xml:space") {
                        edits.append(Edit(range: scan.tokens[element].start..<scan.tokens[element].end,
                                          replacement: Array(open.dropLast()) + Array(#" xml:space="preserve">"#.utf8), order: Edit.replace))
                    }
                }
            }
        }
        return apply(edits, to: bytes)
    }

    /// A row whose text starts with `{{#name}}` and ends with the matching `{{/name}}` repeats
    /// whole: the tags go before and after the row element. A row holding only a section tag is
    /// replaced by the tag, as a paragraph is.
    static func moveRowSections(_ bytes: [UInt8], _ dialect: Dialect) throws(MalformedXML) -> [UInt8] {
        let scan = try Scan(bytes)
        var hasNestedRows = Set<Int>()
        for index in scan.tokens.indices where scan.tokens[index].kind == .open && scan.tokens[index].name == dialect.row {
            if let outer = scan.nearest(from: index, [dialect.row]) { hasNestedRows.insert(outer) }
        }
        var edits: [Edit] = []
        for (row, texts) in scan.typedText(dialect, owner: { scan.nearest(from: $0, [dialect.row]) }) {
            let (joined, owner) = scan.joined(texts)
            let found = tagRanges(joined)
            guard found.unclosed == nil, let first = found.closed.first, let last = found.closed.last,
                  found.closed.allSatisfy({ owner[$0.lowerBound] == owner[$0.upperBound - 1] }),
                  isBlank(joined[..<first.lowerBound]), isBlank(joined[last.upperBound...]) else { continue }
            let tags = found.closed.map { Tag(String(decoding: joined[$0], as: UTF8.self)) }
            if tags.count == 1 {
                guard tags[0].rendersNothing, !hasNestedRows.contains(row) else { continue }
                edits.append(Edit(range: scan.elementRange(row), replacement: Array(joined[first]), order: Edit.replace))
                continue
            }
            guard case .close(let closing) = tags.last, closesFirst(tags) else { continue }
            switch tags[0] {
            case .open(let name) where name == closing, .inverted(let name) where name == closing: break
            default: continue
            }
            var removed = [Bool](repeating: false, count: joined.count)
            for position in first { removed[position] = true }
            for position in last { removed[position] = true }
            for k in Set([owner[first.lowerBound], owner[last.lowerBound]]) {
                let new = joined.indices.filter { owner[$0] == k && !removed[$0] }.map { joined[$0] }
                let index = texts[k]
                edits.append(Edit(range: scan.tokens[index].start..<scan.tokens[index].end, replacement: new, order: Edit.replace))
            }
            let range = scan.elementRange(row)
            edits.append(Edit(range: range.lowerBound..<range.lowerBound, replacement: Array(joined[first]), order: Edit.before))
            edits.append(Edit(range: range.upperBound..<range.upperBound, replacement: Array(joined[last]), order: Edit.after))
        }
        return apply(edits, to: bytes)
    }

    /// Whether the first tag's section is closed by the last tag, not earlier.
    private static func closesFirst(_ tags: [Tag]) -> Bool {
        var depth = 0
        for (k, tag) in tags.enumerated() {
            switch tag {
            case .open, .inverted: depth += 1
            case .close:
                depth -= 1
                if depth < 0 || (depth == 0 && k != tags.count - 1) { return false }
            default: break
            }
        }
        return depth == 0
    }

    /// A paragraph holding only a section tag (or a comment) is replaced by the bare tag, so the
    /// paragraphs between two such repeat whole and no empty paragraph is left where the tag was.
    static func isolateSectionParagraphs(_ bytes: [UInt8], _ dialect: Dialect) throws(MalformedXML) -> [UInt8] {
        let scan = try Scan(bytes)
        var hasNestedParagraphs = Set<Int>()
        var hasSectionBreak = Set<Int>()
        var childCount = [Int](repeating: 0, count: scan.tokens.count)
        var hasText = Set<Int>()
        for (index, token) in scan.tokens.enumerated() {
            let parent = scan.parent[index]
            switch token.kind {
            case .open, .empty:
                if parent >= 0 { childCount[parent] += 1 }
                if dialect.paragraphs.contains(token.name), let outer = scan.nearest(from: index, dialect.paragraphs) {
                    hasNestedParagraphs.insert(outer)
                }
                if token.name == dialect.sectionBreak, let paragraph = scan.nearest(from: index, dialect.paragraphs) {
                    hasSectionBreak.insert(paragraph)
                }
            case .text:
                if parent >= 0, !isBlank(scan.content(index)) { hasText.insert(parent) }
            case .close, .other: break
            }
        }
        var edits: [Edit] = []
        for (paragraph, texts) in scan.typedText(dialect, owner: { scan.paragraph(ofText: $0, dialect) }) {
            guard !hasNestedParagraphs.contains(paragraph) else { continue }
            let (joined, owner) = scan.joined(texts)
            let found = tagRanges(joined)
            guard found.unclosed == nil, found.closed.count == 1, let range = found.closed.first,
                  owner[range.lowerBound] == owner[range.upperBound - 1],
                  isBlank(joined[..<range.lowerBound]), isBlank(joined[range.upperBound...]) else { continue }
            let tagBytes = Array(joined[range])
            let tag = Tag(String(decoding: tagBytes, as: UTF8.self))
            guard tag.rendersNothing else { continue }
            if hasSectionBreak.contains(paragraph) {
                // The paragraph stays, emptied, for its section break: a closing tag goes before it,
                // so the loop ends in the Word section it began in; any other tag after it.
                let k = owner[range.lowerBound]
                let index = texts[k]
                let new = joined.indices.filter { owner[$0] == k && !range.contains($0) }.map { joined[$0] }
                edits.append(Edit(range: scan.tokens[index].start..<scan.tokens[index].end, replacement: new, order: Edit.replace))
                let element = scan.elementRange(paragraph)
                if case .close = tag {
                    edits.append(Edit(range: element.lowerBound..<element.lowerBound, replacement: tagBytes, order: Edit.before))
                } else {
                    edits.append(Edit(range: element.upperBound..<element.upperBound, replacement: tagBytes, order: Edit.after))
                }
                continue
            }
            var target = paragraph
            while case let parent = scan.parent[target], parent >= 0, dialect.listContainers.contains(scan.tokens[parent].name),
                  childCount[parent] == 1, !hasText.contains(parent) {
                target = parent
            }
            edits.append(Edit(range: scan.elementRange(target), replacement: tagBytes, order: Edit.replace))
        }
        return apply(edits, to: bytes)
    }

    // MARK: After rendering

    /// A loop over an empty list may leave a table without rows, or a Word cell without its
    /// closing paragraph: both make the file unreadable, so the table goes and the paragraph comes.
    /// Rendered XML that does not scan is returned as is (it cannot happen with a checked template).
    static func repairTables(_ bytes: [UInt8], _ dialect: Dialect) -> [UInt8] {
        guard let scan = try? Scan(bytes) else { return bytes }
        let tokens = scan.tokens
        var tablesWithRows = Set<Int>()
        for index in tokens.indices where tokens[index].name == dialect.row && (tokens[index].kind == .open || tokens[index].kind == .empty) {
            if let table = scan.nearest(from: index, [dialect.table]) { tablesWithRows.insert(table) }
        }
        var removed = Set<Int>()
        var edits: [Edit] = []
        var skipUntil = -1
        for index in tokens.indices where index > skipUntil && tokens[index].name == dialect.table {
            guard tokens[index].kind == .open || tokens[index].kind == .empty, !tablesWithRows.contains(index) else { continue }
            removed.insert(index)
            edits.append(Edit(range: scan.elementRange(index), replacement: [], order: Edit.replace))
            skipUntil = scan.close[index]
        }
        if let cell = dialect.cell {
            var lastChild: [Int: Int] = [:]
            for index in tokens.indices where (tokens[index].kind == .open || tokens[index].kind == .empty) && !removed.contains(index) {
                lastChild[scan.parent[index]] = index
            }
            for index in tokens.indices where tokens[index].name == cell && (tokens[index].kind == .open || tokens[index].kind == .empty) {
                var ancestor = scan.parent[index]
                var inRemoved = false
                while ancestor >= 0 { if removed.contains(ancestor) { inRemoved = true; break }; ancestor = scan.parent[ancestor] }
                guard !inRemoved else { continue }
                if let last = lastChild[index], dialect.cellEndings.contains(tokens[last].name) { continue }
                if tokens[index].kind == .empty {
                    let open = Array(scan.content(index).dropLast(2)) + Array(">".utf8)
                    edits.append(Edit(range: tokens[index].start..<tokens[index].end,
                                      replacement: open + Array("<w:p/></\(cell)>".utf8), order: Edit.replace))
                } else {
                    let end = tokens[scan.close[index]].start
                    edits.append(Edit(range: end..<end, replacement: Array("<w:p/>".utf8), order: Edit.before))
                }
            }
        }
        return apply(edits, to: bytes)
    }
}
