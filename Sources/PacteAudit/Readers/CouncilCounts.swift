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
            ("absents ayant donne procuration", .represented), ("absents ayant donne pouvoir", .represented),
            ("ayant donne procuration", .represented), ("ayant donne pouvoir", .represented), ("absents avec pouvoir", .represented),
            ("absents excuses ayant donne pouvoir", .represented), ("absents excuses ayant donne procuration", .represented),
            ("absents", .absent), ("absent", .absent), ("excuses", .absent), ("absents excuses", .absent),
            ("absents non representes", .absent), ("non representes", .absent), ("absents non excuses", .absent),
            ("votants", .voters), ("votant", .voters), ("nombre de votants", .voters), ("total votants", .voters), ("total des votants", .voters),
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
        "elus", "titulaires", "titulaire", "nombre", "total", "nb", "nbre", "voix", "votes", "vote", "personnes", "sont", "est", "soit",
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
    static func mentions(in line: DocumentText.Line) -> [Mention] {
        let tokens = tokens(of: line.folded)
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
        let voteLine = Set(found.filter { $0.0.isResult }.map { $0.0 }).count >= 2 || line.folded.contains("vote") || line.folded.contains("scrutin")
        var mentions: [Mention] = []
        var used = Set<Int>()
        for (position, (field, start, length)) in found.enumerated() {
            let nextLabel = position + 1 < found.count ? found[position + 1].1 : tokens.count
            if let (value, at, separated) = numberAfter(start + length, before: nextLabel, in: tokens, labelStarts: labelStarts), !used.contains(at) {
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
            }
        }
        return mentions
    }

    static func hasVoixBetween(_ from: Int, _ to: Int, _ tokens: [Token]) -> Bool {
        tokens[(from + 1)..<to].contains { $0.text == "voix" || $0.text == "votes" }
    }

    /// « : 36 », « 36 », « au conseil : 36 », « : néant »; not « 001 POTRON » (a list), not
    /// « 2020-114 » or « 18:30 » (an identifier, a time).
    static func numberAfter(_ from: Int, before limit: Int, in tokens: [Token], labelStarts: Set<Int>) -> (Int, Int, Bool)? {
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
                guard token.text.count <= 4, let value = Int(token.text) else { return nil }
                guard endsCount(after: index, in: tokens, labelStarts: labelStarts) else { return nil }
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
                guard token.text.count <= 4, let value = Int(token.text) else { return nil }
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
    static func endsCount(after index: Int, in tokens: [Token], labelStarts: Set<Int>) -> Bool {
        let next = index + 1
        guard next < tokens.count else { return true }
        let token = tokens[next]
        switch token.kind {
        case .number: return false
        case .mark:
            if [":", "h", "/", "-"].contains(token.text), next + 1 < tokens.count, tokens[next + 1].kind == .number { return false }
            return true
        case .word:
            if labelStarts.contains(next) { return true }
            if token.text == "h", next + 1 < tokens.count, tokens[next + 1].kind == .number { return false }
            return isFiller(token.text) || ["dont", "et", "ou", "sur", "voix", "presents", "votants", "membres"].contains(token.text)
        }
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
