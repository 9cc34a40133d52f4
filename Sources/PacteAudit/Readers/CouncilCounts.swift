/// The counts a council register states, found as label–number pairs anywhere on a line, in any
/// order and case (« En exercice 39 Présents 36 Pouvoirs 3 Votants 39 », « Nombre de conseillers
/// titulaires en exercice : 36 », « 25 voix pour »), across the cells of a table, and through the
/// slips of character recognition (« Présents ; 57 », « Vo tants _ 39 »).
enum CouncilCounts {
    enum Field: String, CaseIterable, Sendable {
        case inOffice, present, substitutes, represented, voters
        case presentOrRepresented, absent, expressed, quorum
        case votesFor, against, abstentions, notVoting

        /// A field of the vote itself rather than of the attendance.
        var isResult: Bool { [.votesFor, .against, .abstentions, .notVoting].contains(self) }
        /// Words that only count when the line is plainly a vote (« pour » is also a preposition).
        var needsVoteContext: Bool { self == .votesFor || self == .against }
        /// Counts no register follows with a list of names, so that whatever follows « : 39 »
        /// ends the count (« en exercice : 39 Approbation du… », « Votants : 12 Monsieur… »).
        var isNeverListed: Bool { [.inOffice, .voters, .presentOrRepresented, .expressed].contains(self) }
    }

    struct Mention: Equatable {
        var field: Field
        var value: Int
        var line: Int
    }

    /// Labels as folded words; the longest that matches wins, so « présents ou représentés » is
    /// not read as « présents ».
    static let labels: [(words: [String], field: Field)] = {
        let table: [(String, Field)] = [
            ("en exercice", .inOffice), ("afferents", .inOffice), ("afferent", .inOffice),
            ("presents", .present), ("present", .present), ("presentes", .present), ("presents a la seance", .present),
            ("presents ou representes", .presentOrRepresented), ("presents et representes", .presentOrRepresented),
            ("presents ou excuses representes", .presentOrRepresented),
            ("suppleants", .substitutes), ("suppleant", .substitutes), ("suppleants presents", .substitutes),
            ("suppleants ayant voix deliberative", .substitutes), ("suppleants ayant voix deliberante", .substitutes),
            ("suppleant ayant voix deliberative", .substitutes), ("suppleant ayant voix deliberante", .substitutes),
            ("representes", .represented), ("represente", .represented), ("pouvoirs", .represented), ("pouvoir", .represented),
            ("procurations", .represented), ("procuration", .represented), ("absents representes", .represented),
            // PDF text layers that drop the « ti » ligature print « Procuraons ».
            ("procuraons", .represented), ("procuraon", .represented),
            ("absents ayant donne procuration", .represented), ("absents ayant donne pouvoir", .represented),
            ("ayant donne procuration", .represented), ("ayant donne pouvoir", .represented), ("absents avec pouvoir", .represented),
            ("absents excuses ayant donne pouvoir", .represented), ("absents excuses ayant donne procuration", .represented),
            ("absents", .absent), ("absent", .absent), ("excuses", .absent), ("absents excuses", .absent),
            ("absents non representes", .absent), ("non representes", .absent), ("absents non excuses", .absent),
            ("votants", .voters), ("votant", .voters), ("nombre de votants", .voters), ("total votants", .voters), ("total des votants", .voters),
            ("ayant pris part a la deliberation", .voters), ("ayant pris part au vote", .voters),
            ("suffrages exprimes", .expressed), ("exprimes", .expressed),
            ("quorum", .quorum),
            ("pour", .votesFor), ("voix pour", .votesFor), ("votes pour", .votesFor),
            ("contre", .against), ("voix contre", .against), ("votes contre", .against),
            ("abstentions", .abstentions), ("abstention", .abstentions), ("abstenus", .abstentions),
            ("ne prend pas part au vote", .notVoting), ("ne prennent pas part au vote", .notVoting),
            ("n'a pas pris part au vote", .notVoting), ("n'ont pas pris part au vote", .notVoting),
            ("ne participe pas au vote", .notVoting), ("ne participent pas au vote", .notVoting),
            ("ne prenant pas part au vote", .notVoting), ("nppv", .notVoting), ("non participation au vote", .notVoting),
            ("refus de vote", .notVoting),
        ]
        return table.map { (words: tokens(of: $0.0).map(\.text), field: $0.1) }.sorted { $0.words.joined().count > $1.words.joined().count }
    }()

    /// The labels by their first letter, their words joined, longest first.
    static let labelsByInitial: [Character: [(joined: String, field: Field)]] = Dictionary(
        grouping: labels.map { (joined: $0.words.joined(), field: $0.field) }, by: { $0.joined.first! })

    /// Words between a label and its number that change nothing (« en exercice au conseil : 36 »).
    static let fillers: Set<String> = [
        "au", "aux", "conseil", "municipal", "communautaire", "syndical", "departemental", "regional", "comite", "bureau",
        "de", "du", "des", "la", "le", "les", "l'", "en", "a", "seance", "lors", "membres", "membre", "conseillers", "conseiller",
        "elus", "titulaires", "titulaire", "tulaires", "municipaux", "communautaires", "delegues", "nombre", "total", "nb", "nbre", "voix", "votes", "vote", "personnes", "sont", "est", "soit",
    ]

    static func isFiller(_ word: String) -> Bool { fillers.contains(word) }

    /// Words meaning none.
    static let zeroWords: Set<String> = ["neant", "aucun", "aucune", "zero", "nul", "nulle"]

    struct Token: Equatable {
        enum Kind { case word, number, mark }
        var text: String
        var kind: Kind
    }

    /// Words (letters and apostrophes), numbers (digits) and marks (every other visible sign),
    /// from folded text. « ; », « _ » and « = » read as « : », as character recognition and
    /// hand-made tables write them.
    static func tokens(of folded: String) -> [Token] {
        var out: [Token] = []
        var current = ""
        var kind = Token.Kind.word
        func flush() {
            if !current.isEmpty { out.append(Token(text: current, kind: kind)) }
            current = ""
        }
        for c in folded {
            if c.isLetter || (c == "'" && kind == .word && !current.isEmpty) {
                if kind != .word { flush(); kind = .word }
                current.append(c)
            } else if c.isASCIIDigit {
                if kind != .number { flush(); kind = .number }
                current.append(c)
            } else {
                flush()
                if c == " " || c == "\t" || c == "\u{00A0}" || c == "\u{202F}" { continue }
                let mark: Character = (c == ";" || c == "=" || c == "_") ? ":" : c
                out.append(Token(text: String(mark), kind: .mark))
            }
        }
        flush()
        return out
    }

    /// The label starting at `index`, as the number of tokens it spans. Letters are compared
    /// with spaces removed so that « Pr ésents » still reads.
    static func label(at index: Int, in tokens: [Token]) -> (field: Field, length: Int)? {
        guard tokens[index].kind == .word, let candidates = labelsByInitial[tokens[index].text.first!] else { return nil }
        for label in candidates {
            let target = label.joined
            guard target.hasPrefix(tokens[index].text) else { continue }
            var joined = ""
            var end = index
            while end < tokens.count, tokens[end].kind == .word, joined.count < target.count {
                joined += tokens[end].text
                end += 1
            }
            guard joined == target else { continue }
            // « pour » in « pourcentage » never reaches here: tokens are whole words.
            return (label.field, end - index)
        }
        return nil
    }

    /// Every count stated on one line.
    /// `voteContext`: the line continues a vote (a wrapped « … 3 abstentions (…) et 2 contre »).
    static func mentions(in line: DocumentText.Line, voteContext: Bool = false) -> [Mention] {
        let tokens = tokens(of: withoutBreakdowns(line.folded))
        guard tokens.contains(where: { $0.kind == .word }) else { return [] }
        var found: [(Field, Int, Int)] = []  // field, token index of the label, its length
        var index = 0
        while index < tokens.count {
            if let (field, length) = label(at: index, in: tokens) {
                found.append((field, index, length))
                index += length
            } else {
                index += 1
            }
        }
        guard !found.isEmpty else { return [] }
        let labelStarts = Set(found.map(\.1))
        let voteLine = voteContext || Set(found.filter { $0.0.isResult }.map { $0.0 }).count >= 2 || line.folded.contains("vote") || line.folded.contains("scrutin")
            || line.folded.contains("majorite")
        var mentions: [Mention] = []
        var used = Set<Int>()
        for (position, (field, start, length)) in found.enumerated() {
            let nextLabel = position + 1 < found.count ? found[position + 1].1 : tokens.count
            if let (value, at, separated) = numberAfter(start + length, before: nextLabel, in: tokens, labelStarts: labelStarts,
                                                         closedByColon: field.isNeverListed), !used.contains(at) {
                if field.needsVoteContext, !separated, !voteLine { continue }
                used.insert(at)
                mentions.append(Mention(field: field, value: value, line: line.number))
                continue
            }
            let previousEnd = position > 0 ? found[position - 1].1 + found[position - 1].2 : 0
            if let (value, at) = numberBefore(start, after: previousEnd, in: tokens), !used.contains(at) {
                if field.needsVoteContext, !voteLine, !(at == 0 || tokens[at - 1].text == "," || tokens[at - 1].text == ";" || hasVoixBetween(at, start, tokens)) { continue }
                used.insert(at)
                mentions.append(Mention(field: field, value: value, line: line.number))
                continue
            }
            // « Le Maire ne prend pas part au vote »: one member, named rather than counted.
            if field == .notVoting, ["ne prend", "n'a pas", "ne participe "].contains(where: { tokens[start...].map(\.text).joined(separator: " ").hasPrefix($0) }) {
                mentions.append(Mention(field: field, value: 1, line: line.number))
            }
        }
        if mentions.isEmpty, found.count >= 2 { return runMentions(in: tokens, line: line.number) }
        return mentions
    }

    /// The label that ends a line without its number, which the page put on the next line
    /// (« … Nombre de votants » / « : 35 Procurations : 02 »).
    static func danglingLabel(in line: DocumentText.Line) -> Field? {
        let tokens = tokens(of: withoutBreakdowns(line.folded))
        var index = 0
        var last: (field: Field, end: Int)?
        while index < tokens.count {
            if let (field, length) = label(at: index, in: tokens) {
                last = (field, index + length)
                index += length
            } else {
                index += 1
            }
        }
        guard let last, last.end == tokens.count, !last.field.needsVoteContext, !last.field.isResult else { return nil }
        return last.field
    }

    /// The count that opens a line: « : 35 … ».
    static func leadingValue(of line: DocumentText.Line) -> Int? {
        let tokens = tokens(of: line.folded)
        var index = 0
        while index < tokens.count, tokens[index].text == ":" { index += 1 }
        guard index < tokens.count, tokens[index].kind == .number, tokens[index].text.count <= 3, let value = Int(tokens[index].text) else { return nil }
        if index + 1 < tokens.count, tokens[index + 1].kind == .number || ["/", "h", "-", "."].contains(tokens[index + 1].text) { return nil }
        return value
    }

    /// A table the text layer flattened into its labels, then its values: « En exercice : Ayant
    /// pris part à la délibération : Date de la convocation : 42 34 14/02/2019 ». The values are
    /// paired with the labels from the right, as a heading without a value may open the run.
    static func runMentions(in tokens: [Token], line: Int) -> [Mention] {
        guard let first = tokens.indices.first(where: { $0 > 0 && tokens[$0].kind == .number && tokens[$0 - 1].text == ":" }) else { return [] }
        var segments: [[Token]] = [[]]
        for token in tokens[..<(first - 1)] {
            if token.text == ":" { segments.append([]) } else { segments[segments.count - 1].append(token) }
        }
        segments = Array(segments.reversed().prefix { $0.contains { $0.kind == .word } && $0.allSatisfy { $0.kind != .number } }.reversed())
        var index = first
        var values: [Int?] = []
        while index < tokens.count, tokens[index].kind == .number {
            let isDate = index + 2 < tokens.count && tokens[index + 1].text == "/" && tokens[index + 2].kind == .number
            if isDate {
                values.append(nil)
                index += 3
                while index + 1 < tokens.count, tokens[index].text == "/", tokens[index + 1].kind == .number { index += 2 }
            } else {
                guard tokens[index].text.count <= 4 else { break }
                values.append(Int(tokens[index].text))
                index += 1
            }
        }
        guard values.count >= 2, values.count <= segments.count else { return [] }
        var mentions: [Mention] = []
        for (segment, value) in zip(segments.suffix(values.count), values) {
            guard let value, let field = (0..<segment.count).lazy.compactMap({ label(at: $0, in: segment)?.field }).first else { continue }
            mentions.append(Mention(field: field, value: value, line: line))
        }
        return mentions.count >= 2 ? mentions : []
    }

    /// « 10 pour (8 + 2 procurations) »: the breakdown in brackets restates the count it follows
    /// and would be read as counts of its own.
    static func withoutBreakdowns(_ folded: String) -> String {
        guard folded.contains("(") else { return folded }
        var out = ""
        var group: String?
        for c in folded {
            if c == "(" {
                if let open = group { out += open }
                group = "("
            } else if c == ")", let open = group {
                if !open.contains("+") { out += open + ")" } else { out += " " }
                group = nil
            } else if group != nil {
                group!.append(c)
            } else {
                out.append(c)
            }
        }
        // A bracket the excerpt cuts open still holds a breakdown.
        if let open = group, !open.contains("+") { out += open }
        return out
    }

    static func hasVoixBetween(_ from: Int, _ to: Int, _ tokens: [Token]) -> Bool {
        tokens[(from + 1)..<to].contains { $0.text == "voix" || $0.text == "votes" }
    }

    /// « : 36 », « 36 », « au conseil : 36 », « : néant »; not « 001 POTRON » (a list), not
    /// « 2020-114 » or « 18:30 » (an identifier, a time).
    /// `closedByColon`: after « : », the count ends at any word (the field is never a list).
    static func numberAfter(_ from: Int, before limit: Int, in tokens: [Token], labelStarts: Set<Int>, closedByColon: Bool = false) -> (Int, Int, Bool)? {
        var index = from
        var separated = false
        var fillers = 0
        while index < limit {
            let token = tokens[index]
            switch token.kind {
            case .mark:
                guard [":", "-", "–", ".", "…", "(", "/"].contains(token.text) else { return nil }
                if token.text == ":" { separated = true }
                if token.text == "/" { return nil }
            case .word:
                if zeroWords.contains(token.text) { return (0, index, true) }
                guard fillers < 4, isFiller(token.text) else { return nil }
                fillers += 1
            case .number:
                guard token.text.count <= 3, let value = Int(token.text) else { return nil }
                let endsAtWord = closedByColon && separated && !token.text.hasPrefix("0") && index + 1 < tokens.count && tokens[index + 1].kind == .word
                    && !(tokens[index + 1].text == "h" && index + 2 < tokens.count && tokens[index + 2].kind == .number)
                guard endsAtWord || endsCount(after: index, value: value, in: tokens, labelStarts: labelStarts) else { return nil }
                return (value, index, separated)
            }
            index += 1
        }
        return nil
    }

    /// « 36 présents », « 25 voix pour »: a number just before the label, fillers between.
    static func numberBefore(_ labelStart: Int, after limit: Int, in tokens: [Token]) -> (Int, Int)? {
        var index = labelStart - 1
        var fillers = 0
        while index >= limit {
            let token = tokens[index]
            switch token.kind {
            case .number:
                guard token.text.count <= 3, let value = Int(token.text) else { return nil }
                // « 2020-114 présents » or « 12/05 présents » are not counts.
                if index > 0, tokens[index - 1].kind == .mark, ["-", "/", ".", ","].contains(tokens[index - 1].text),
                   index > 1, tokens[index - 2].kind == .number { return nil }
                return (value, index)
            case .word:
                guard fillers < 2, isFiller(token.text) else { return nil }
                fillers += 1
            case .mark:
                guard token.text == ":" || token.text == "-" else { return nil }
            }
            index -= 1
        }
        return nil
    }

    /// What may follow a count: the end, a sign that closes it, another label, or a word of the
    /// count itself (« 36 membres »). A name (« 001 POTRON Pierre ») or a time means it was not.
    static func endsCount(after index: Int, value: Int, in tokens: [Token], labelStarts: Set<Int>) -> Bool {
        let next = index + 1
        guard next < tokens.count else { return true }
        let token = tokens[next]
        switch token.kind {
        case .number: return false
        case .mark:
            if token.text == "/", isOutOf(value, at: next + 1, in: tokens) { return true }
            if [":", "h", "/", "-"].contains(token.text), next + 1 < tokens.count, tokens[next + 1].kind == .number { return false }
            return true
        case .word:
            if labelStarts.contains(next) { return true }
            if token.text == "h", next + 1 < tokens.count, tokens[next + 1].kind == .number { return false }
            if isFiller(token.text) || ["dont", "et", "ou", "sur", "voix", "presents", "votants", "membres", "excuse", "excuses", "absent", "absents", "date", "secretaire"].contains(token.text) { return true }
            return startsLabel(at: next, in: tokens)
        }
    }

    /// « en exercice : 15/15 »: a count out of a total, not a date (« 14/02/2019 »).
    static func isOutOf(_ value: Int, at index: Int, in tokens: [Token]) -> Bool {
        guard index < tokens.count, tokens[index].kind == .number, tokens[index].text.count <= 3, let total = Int(tokens[index].text), total >= value else { return false }
        return !(index + 1 < tokens.count && tokens[index + 1].text == "/")
    }

    /// « Procuration : 1 Date de convocation : … », « en exercice : 77 OBJET : … »: the words
    /// after the count are the label of another field, so the count ended.
    static func startsLabel(at index: Int, in tokens: [Token]) -> Bool {
        var end = index
        while end < tokens.count, end - index < 8 {
            switch tokens[end].kind {
            case .word: end += 1
            case .mark: return tokens[end].text == ":" && end > index
            case .number: return false
            }
        }
        return false
    }

    /// A table whose header row names the counts and whose next row gives them, column by column.
    static func columnMentions(header: DocumentText.Line, values: DocumentText.Line) -> [Mention] {
        guard let labels = header.cells, let numbers = values.cells, labels.count == numbers.count else { return [] }
        var mentions: [Mention] = []
        for (label, number) in zip(labels, numbers) {
            let tokens = tokens(of: label.folded)
            guard !tokens.isEmpty, let (field, length) = (0..<tokens.count).lazy.compactMap({ start in Self.label(at: start, in: tokens).map { ($0.field, $0.length + start) } }).first,
                  length == tokens.count || tokens[length...].allSatisfy({ $0.kind == .mark }),
                  let value = Cells.count(number.trimmingCharacters(in: [" ", ":"])) else { continue }
            mentions.append(Mention(field: field, value: value, line: values.number))
        }
        return mentions.count >= 2 ? mentions : []
    }
}
