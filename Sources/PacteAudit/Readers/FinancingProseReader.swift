import PacteCore

/// Reads a financing written as sentences or dashed lists rather than as a table, as
/// deliberations and local news print it: « Montant des travaux hors taxes : 95 598.45€ », « Au
/// total, les dépenses s'élèvent à 22 448 euros, qui comprennent : / - les frais d'étude 1365
/// euros », « 96 000€ de l'Etat ; 57 000€ du Conseil général … soit un apport de 219 800€ »,
/// « un coût de 41,5 millions d'euros TTC ». Each operation becomes an action: its total, its
/// cost lines, who pays what. Only used when no sheet, table nor register was found, so that it
/// never competes with the readers of the structured layouts.
enum FinancingProseReader {
    /// An amount found in the text, with the words around it.
    struct Mention {
        var amount: Money
        var regime: TaxRegime?
        var before: String
        var after: String
        var line: Int
        /// Where the amount starts in its sentence.
        var offset = 0
    }

    /// A percentage in a sentence: a share by itself when a funder follows it (« 40 % de DETR »,
    /// « aux 27 % de l'État »), else the rate of the amount that comes next (« à hauteur de 45%,
    /// ce qui représenterait 260274 € »).
    struct RateMention {
        var rate: Rate
        var funder: String?
        var offset: Int
        var line: Int
    }

    enum Role { case total, base, line, share, ignored }

    /// What a list announced by a line ending with « : » holds.
    enum ListKind { case costs, shares }

    static func read(_ text: DocumentText, into state: inout AuditState) {
        var actions: [AuditedAction] = []
        var current: AuditedAction?
        var list: ListKind?
        var lastPlainLine: String?
        var previousRole: Role?
        /// The current action states the base its subsidies are computed on.
        var subsidisable = false
        func flush() {
            subsidisable = false
            if let action = current, action.statedTotal != nil || !action.lines.isEmpty || !action.financing.isEmpty { actions.append(action) }
            current = nil
        }
        for sentence in sentences(of: text, blankLinesPart: !state.document.fromOCR) {
            let prose = sentence.text
            let isItem = prose.hasPrefix("-") || prose.hasPrefix("•") || prose.hasPrefix("–") || prose.hasPrefix("*")
            if !isItem || sentence.afterBlank { list = nil }
            let mentions = amounts(in: prose, lineAt: sentence.line)
            if mentions.isEmpty, !isItem, prose.count > 8 { lastPlainLine = prose }
            // Percentages count only beside amounts: a rate alone (« Taux de subvention : 25.79% »)
            // may apply to a base the reader does not know.
            var percentages = mentions.isEmpty && current == nil ? [] : rates(in: prose, lineAt: sentence.line)
            func addRateShares(before offset: Int) {
                while let first = percentages.first, first.offset < offset, let funder = first.funder {
                    percentages.removeFirst()
                    if current == nil { current = AuditedAction(title: title(lastPlainLine), line: first.line) }
                    current?.financing.append(AuditedShare(funder: funder, rate: first.rate, line: first.line))
                }
            }
            for mention in mentions {
                addRateShares(before: mention.offset)
                let role = self.role(of: mention, inList: isItem ? list : nil, previous: previousRole)
                previousRole = role
                switch role {
                case .total:
                    if let action = current, action.statedTotal != nil {
                        if action.lines.isEmpty && action.financing.isEmpty {
                            if mention.before.folded.contains("subventionnable") { subsidisable = true }
                            current?.statedBases.append(mention.amount)
                            continue
                        }
                        flush()
                    }
                    if current == nil { current = AuditedAction(title: title(lastPlainLine), line: mention.line) }
                    current?.statedTotal = mention.amount
                    current?.statedTotalLine = mention.line
                case .base:
                    if mention.before.folded.contains("subventionnable") { subsidisable = true }
                    if current == nil { current = AuditedAction(title: title(lastPlainLine), line: mention.line) }
                    current?.statedBases.append(mention.amount)
                case .line:
                    if current == nil { current = AuditedAction(title: title(lastPlainLine), line: mention.line) }
                    current?.lines.append(AuditedLine(label: label(mention), amount: mention.amount, regime: mention.regime, line: mention.line))
                case .share:
                    if current == nil { current = AuditedAction(title: title(lastPlainLine), line: mention.line) }
                    var share = AuditedShare(funder: funder(mention), amount: mention.amount, line: mention.line)
                    // A rate of a subsidisable base the action states apart is not a rate of its cost.
                    if !subsidisable, let index = percentages.firstIndex(where: { $0.funder == nil && $0.offset < mention.offset }) {
                        share.rate = percentages.remove(at: index).rate
                    }
                    current?.financing.append(share)
                case .ignored:
                    continue
                }
            }
            addRateShares(before: Int.max)
            if prose.hasSuffix(":") {
                let folded = prose.folded
                if costListWords.contains(where: folded.contains) { list = .costs } else if shareWords.contains(where: folded.contains) { list = .shares }
            }
        }
        flush()
        // A lone amount is a figure quoted in passing, not a financing.
        let read = actions.filter { $0.lines.count + $0.financing.count + ($0.statedTotal == nil ? 0 : 1) + $0.statedBases.count >= 2 }
        state.document.actions += read
    }

    static let costListWords = ["comprennent", "comprend", "suivant", "detail", "decompos", "se repartissent", "repartis"]
    static let totalWords = ["total", "cout", "montant des travaux", "montant de l'operation", "montant de l'investissement", "s'eleve", "s'elevent",
                             "estimati", "d'un montant", "investi", "depense", "budget", "enveloppe globale"]
    static let shareWords = ["subvention", "financ", "fonds", "fond ", "feder", "detr", "dsil", "dotation", "aide", "participation", "autofinancement",
                             "charge", "apport", "beneficie", "la part", "contribution", "mecenat", "dons", "hauteur de", "represente"]
    /// Words that introduce a funder after the amount (« 96 000€ de l'Etat »).
    static let funderOpenings = ["de l'", "du ", "de la ", "des ", "par l'", "par le ", "par la ", "de subvention", "de subventions"]

    static func role(of mention: Mention, inList list: ListKind?, previous: Role?) -> Role {
        let near = String(mention.before.folded.suffix(60))
        let after = mention.after.folded.trimmingSpaces
        // « soit 694066 € TTC » restates a total; « soit un apport de 219 800€ » sums the shares.
        if near.suffix(30).contains("soit ") || near.hasSuffix("soit") {
            return previous == nil ? .total : .base
        }
        if list == .costs { return .line }
        if list == .shares { return .share }
        if near.contains("subventionnable") { return .base }
        if ["reste a charge", "a la charge", "autofinancement", "subvention de", "en charge"].contains(where: near.contains) { return .share }
        if totalWords.contains(where: near.contains), !near.contains("subvention") || near.contains("montant des travaux") { return .total }
        if shareWords.contains(where: near.contains) || funderOpenings.contains(where: after.hasPrefix) { return .share }
        // « …CNDS (6 millions d'euros), le Conseil régional (6,37 millions d'euros) »: the list of funders goes on.
        if previous == .share, continuesList(mention.before) { return .share }
        return .ignored
    }

    /// The words between two amounts name the next funder of a list: « ), le Conseil régional
    /// de Midi-Pyrénées ( », « ; 57 000€ du … » — not « sur le HT, mais plus exactement ».
    static func continuesList(_ before: String) -> Bool {
        var text = Substring(before.trimmingSpaces)
        while let first = text.first, first == ")" || first == "," || first == ";" || first == " " { text = text.dropFirst() }
        guard text.count < 60, text.count < before.trimmingSpaces.count || text.folded.hasPrefix("et ") else { return false }
        return text.split(separator: " ").contains { $0.first?.isUppercase ?? false }
    }

    /// « 95 598.45€ », « 22.300 € », « 1 400,00 € », « 34 079 e », « 6,37 millions d'euros »,
    /// « 570 000 €TTC », « 578388 € HT ».
    /// Lines a page wrapped joined back: a line continues the one before unless that one ended
    /// a sentence or a list heading, or this one opens an item; each character keeps its line.
    struct Sentence {
        var text: String
        var lines: [(offset: Int, number: Int)]
        var afterBlank: Bool
        func line(_ offset: Int) -> Int { lines.last { $0.offset <= offset }?.number ?? lines[0].number }
        var lastLineLength: Int { text.count - (lines.last?.offset ?? 0) }
    }

    /// `blankLinesPart`: false for character recognition, which puts a blank line after every line.
    static func sentences(of text: DocumentText, blankLinesPart: Bool = true) -> [Sentence] {
        var out: [Sentence] = []
        var blank = true
        for line in text.lines {
            if line.cells != nil || (line.isBlank && blankLinesPart) { blank = true; continue }
            if line.isBlank { continue }
            let prose = line.prose.trimmingSpaces
            let opensItem = ["-", "•", "–", "*"].contains { prose.hasPrefix($0) }
            // A page wraps a sentence where it has to: the next line then goes on in lower case or
            // with a figure (« … s'élève à 578388 € HT, soit / 694066 € TTC »).
            // A line as long as the page is wide was wrapped whatever the next one starts with.
            let goesOn = prose.first.map { $0.isLowercase || $0.isASCIIDigit } ?? false || (out.last?.lastLineLength ?? 0) >= 80
            if !blank, !opensItem, goesOn, var last = out.last, let end = last.text.last, !".:!?;".contains(end) {
                last.lines.append((last.text.count + 1, line.number))
                last.text += " " + prose
                out[out.count - 1] = last
            } else {
                out.append(Sentence(text: prose, lines: [(0, line.number)], afterBlank: blank))
            }
            blank = false
        }
        return out
    }

    static func amounts(in prose: String, lineAt: (Int) -> Int) -> [Mention] {
        let characters = Array(prose)
        var found: [(range: Range<Int>, amount: Money, regime: TaxRegime?)] = []
        var index = 0
        while index < characters.count {
            guard characters[index].isASCIIDigit, index == 0 || !(characters[index - 1].isLetter || characters[index - 1].isASCIIDigit || characters[index - 1] == "." || characters[index - 1] == ",") else {
                index += 1
                continue
            }
            var end = index
            var groups = [String]()
            var digits = ""
            while end < characters.count, characters[end].isASCIIDigit { digits.append(characters[end]); end += 1 }
            groups.append(digits)
            // Thousands: a space (or a dot) then exactly three digits.
            while end + 3 < characters.count, [" ", "\u{00A0}", "\u{202F}", "."].contains(characters[end]),
                  characters[(end + 1)..<(end + 4)].allSatisfy(\.isASCIIDigit),
                  end + 4 == characters.count || !characters[end + 4].isASCIIDigit {
                groups.append(String(characters[(end + 1)..<(end + 4)]))
                end += 4
            }
            var decimals = ""
            if end + 1 < characters.count, characters[end] == "," || characters[end] == ".", characters[end + 1].isASCIIDigit {
                var cursor = end + 1
                while cursor < characters.count, characters[cursor].isASCIIDigit, decimals.count < 3 { decimals.append(characters[cursor]); cursor += 1 }
                if decimals.count <= 2, cursor == characters.count || !characters[cursor].isASCIIDigit { end = cursor } else { decimals = "" }
            }
            guard groups.count == 1 || groups.dropFirst().allSatisfy({ $0.count == 3 }), groups[0].count <= (groups.count == 1 ? 9 : 3) else {
                index = end
                continue
            }
            var cursor = end
            while cursor < characters.count, characters[cursor] == " " || characters[cursor] == "\u{00A0}" { cursor += 1 }
            let rest = String(characters[cursor..<min(cursor + 24, characters.count)]).folded
            var scale: Int64 = 1
            var unitLength = 0
            if rest.hasPrefix("millions d'euros") { scale = 1_000_000; unitLength = 16 } else if rest.hasPrefix("million d'euros") { scale = 1_000_000; unitLength = 15 }
            else if rest.hasPrefix("m€") { scale = 1_000_000; unitLength = 2 }
            else if rest.hasPrefix("€") { unitLength = 1 } else if rest.hasPrefix("euros") { unitLength = 5 } else if rest.hasPrefix("euro") { unitLength = 4 }
            else if rest.hasPrefix("e"), groups.count > 1, rest.count == 1 || !(rest.dropFirst().first?.isLetter ?? false) { unitLength = 1 }
            guard unitLength > 0, let whole = Int64(groups.joined()), whole < 100_000_000_000 else {
                index = end
                continue
            }
            let fraction = decimals.isEmpty ? 0 : Int64(decimals.padding(toLength: 2, withPad: "0", startingAt: 0))!
            let cents = scale == 1 ? whole * 100 + fraction : whole * scale * 100 + fraction * scale
            var after = cursor + unitLength
            let tail = String(characters[after..<min(after + 14, characters.count)]).folded.trimmingSpaces
            var regime: TaxRegime?
            for (word, value) in [("hors taxes", TaxRegime.ht), ("h.t.", .ht), ("ht", .ht), ("ttc", .ttc), ("t.t.c.", .ttc)] where tail.hasPrefix(word) {
                let next = tail.dropFirst(word.count).first
                guard next == nil || !(next!.isLetter) else { continue }
                regime = value
                after = min(characters.count, after + (String(characters[after...]).prefix { $0 == " " }.count) + word.count)
                break
            }
            found.append((index..<after, Money(cents: cents), regime))
            index = after
        }
        var mentions: [Mention] = []
        for (position, item) in found.enumerated() {
            let start = position == 0 ? 0 : found[position - 1].range.upperBound
            let end = position + 1 < found.count ? found[position + 1].range.lowerBound : characters.count
            var before = String(characters[start..<item.range.lowerBound])
            // The sentence the amount is in, not the one before it.
            if let stop = before.lastSentenceBoundary { before = String(before[stop...]) }
            let after = String(characters[item.range.upperBound..<end])
            mentions.append(Mention(amount: item.amount, regime: item.regime, before: before, after: after, line: lineAt(item.range.lowerBound),
                                    offset: item.range.lowerBound))
        }
        return mentions
    }

    static let funderAfterRate = ["de la ", "de l'", "de l’", "du ", "des ", "de "]

    static func rates(in prose: String, lineAt: (Int) -> Int) -> [RateMention] {
        let characters = Array(prose)
        var out: [RateMention] = []
        for (index, c) in characters.enumerated() where c == "%" {
            var start = index
            while start > 0, characters[start - 1] == " " || characters[start - 1] == "\u{00A0}" { start -= 1 }
            let numberEnd = start
            while start > 0, characters[start - 1].isASCIIDigit || characters[start - 1] == "," || characters[start - 1] == "." { start -= 1 }
            guard start < numberEnd, let (rate, _) = Cells.leadingRate(String(characters[start...index])) else { continue }
            let rest = String(characters[(index + 1)...]).trimmingSpaces
            let near = String(characters[max(0, start - 30)..<start]).folded
            var funder: String?
            if let opening = funderAfterRate.first(where: { rest.folded.hasPrefix($0) }) {
                var name = String(rest.dropFirst(opening.count))
                if let stop = name.firstIndex(where: { [",", ";", ".", "(", ")"].contains($0) }) { name = String(name[..<stop]) }
                if let stop = name.range(of: " et ") ?? name.range(of: " soit ") { name = String(name[..<stop.lowerBound]) }
                name = name.trimmingSpaces
                if name.first?.isUppercase == true, name.count < 60 { funder = name }
            }
            guard funder != nil || near.contains("hauteur de") else { continue }
            out.append(RateMention(rate: rate, funder: funder, offset: start, line: lineAt(start)))
        }
        return out
    }

    static func title(_ line: String?) -> String {
        guard let line else { return "Opération" }
        let words = line.split(separator: " ").prefix(14).joined(separator: " ")
        return words.count < line.count ? words + "…" : words
    }

    static func label(_ mention: Mention) -> String {
        var text = mention.before.trimmingSpaces
        let marks: Set<Character> = ["-", "•", "–", "*", " ", ")", "(", ",", ";", ":"]
        while let first = text.first, marks.contains(first) { text.removeFirst() }
        for opening in ["et enfin ", "enfin ", "et "] where text.folded.hasPrefix(opening) { text.removeFirst(opening.count) }
        while let last = text.last, marks.contains(last) { text.removeLast() }
        return text.isEmpty ? "Dépense" : text
    }

    /// The funder named after the amount (« de l'Etat »), else before it (« - Département de
    /// l'Aisne : »).
    static func funder(_ mention: Mention) -> String {
        let after = mention.after.trimmingSpaces
        let folded = after.folded
        if let opening = funderOpenings.first(where: folded.hasPrefix) {
            var name = String(after.dropFirst(opening.count))
            if let stop = name.firstIndex(where: { [",", ";", ".", "(", ")"].contains($0) }) { name = String(name[..<stop]) }
            if let stop = name.range(of: " soit ") ?? name.range(of: " et ") { name = String(name[..<stop.lowerBound]) }
            name = name.trimmingSpaces
            if !name.isEmpty, name.count < 80, !opening.hasPrefix("de subvention") { return name }
        }
        let before = label(mention)
        let foldedBefore = before.folded
        if foldedBefore.count == before.count {
            for phrase in ["aupres de ", "aupres du ", "aupres des ", "a la charge de ", "a la charge du ", "pris en charge par ", "finance par ",
                           "financee par ", "finances par ", "financees par "] {
                guard let range = foldedBefore.range(of: phrase, options: .backwards) else { continue }
                let start = before.index(before.startIndex, offsetBy: foldedBefore.distance(from: foldedBefore.startIndex, to: range.upperBound))
                var name = String(before[start...])
                for stop in [",", ";", " à hauteur", " a hauteur", " pour "] { if let cut = name.range(of: stop) { name = String(name[..<cut.lowerBound]) } }
                name = name.trimmingSpaces
                if !name.isEmpty { return name }
            }
        }
        return before.count > 80 ? String(before.prefix(79)) + "…" : before
    }
}

extension String {
    /// Where the last sentence or clause of this text starts (after « . », « ; » or « : » followed by a space).
    fileprivate var lastSentenceBoundary: String.Index? {
        var result: String.Index?
        var index = startIndex
        while index < endIndex {
            let next = self.index(after: index)
            if [".", ";"].contains(self[index]), next < endIndex, self[next] == " " {
                result = next
            }
            index = next
        }
        return result
    }
}
