import PacteCore

/// Reads what the running text states: the parties, the axes, the @CTES identifiers, the amounts
/// given for a named item (to compare them), and durations stated next to their dates.
enum ProseReader {
    static func read(_ text: DocumentText, into state: inout AuditState) {
        let lines = text.lines
        var mentions: [Mention] = []
        var seenActes: Set<String> = []
        for (index, line) in lines.enumerated() where !line.isBlank {
            let prose = line.prose
            let folded = line.folded
            if let party = party(at: index, in: lines), !state.document.parties.contains(where: { $0.name.folded == party.name.folded }) {
                state.document.parties.append(party)
            }
            if state.document.parties.isEmpty, folded.hasPrefix("partenariat"), let slash = prose.range(of: " / ") {
                // « PARTENARIAT ÉCONOMIQUE CCI CÔTE-D'OR - SAÔNE-ET-LOIRE / DIJON MÉTROPOLE »
                let left = prose[..<slash.lowerBound].split(separator: " ").drop { $0.folded == "partenariat" || $0.folded == "economique" }.joined(separator: " ")
                let right = prose[slash.upperBound...].trimmingSpaces
                if !left.isEmpty, !right.isEmpty {
                    state.document.parties.append(AuditedParty(name: left, line: line.number))
                    state.document.parties.append(AuditedParty(name: right, line: line.number))
                }
            }
            if let axis = axis(line), !state.document.axes.contains(where: { $0.code == axis.code }) {
                state.document.axes.append(axis)
            }
            for reading in ActesReader.read(prose) where !seenActes.contains(reading.printed) {
                seenActes.insert(reading.printed)
                if let id = reading.id {
                    if !state.document.actesIds.contains(id.description) { state.document.actesIds.append(id.description) }
                    if let note = reading.formNote {
                        state.findings.append(Finding(.warning, .actesIdForm, note, stated: reading.printed, computed: id.description, line: line.number))
                    }
                } else if let error = reading.error {
                    state.findings.append(Finding(.error, .actesIdInvalid, "Identifiant @CTES « \(reading.printed) » invalide : \(error.message)",
                                                  stated: reading.printed, line: line.number))
                }
            }
            // Both patterns start on this line: the window of the next lines is only built when it can match.
            let mayMention = folded.contains("elev") || folded.contains("estimee") || folded.contains("montant de")
            let mayLast = folded.contains("pour ")
            guard mayMention || mayLast else { continue }
            let window = windowText(from: index, in: lines)
            if mayMention { mentions += itemMentions(window, firstLineLength: prose.count, line: line.number) }
            if mayLast, let finding = durationCheck(window, firstLineLength: prose.count, line: line.number) {
                state.findings.append(finding)
            }
        }
        state.findings += compare(mentions)
    }

    // MARK: - Parties

    static let organisationWords = ["chambre", "communaute", "ville", "commune", "departement", "region", "metropole", "conseil",
                                    "agglomeration", "syndicat", "association", "etablissement", "agence", "societe", "cci", "cma", "collectivite"]

    /// « La Chambre de Commerce … de la Marne, sise 42 rue …, désignée ci-après « la CCIM » »,
    /// « Le DEPARTEMENT DES ARDENNES représenté par Monsieur Noël BOURGEOIS ».
    static func party(at index: Int, in lines: [DocumentText.Line]) -> AuditedParty? {
        let prose = lines[index].prose
        let folded = lines[index].folded
        guard let article = ["la ", "le ", "l'"].first(where: { folded.hasPrefix($0) }) else { return nil }
        let body = String(prose.dropFirst(article.count))
        let firstWords = body.folded.split(separator: " ").prefix(2)
        guard firstWords.contains(where: { word in organisationWords.contains { word.hasPrefix($0) } }) else { return nil }
        let markers = [",", " représenté", " represente", " sise", " sis ", " domicilié", " dont le siège", " ayant son siège"]
        let lowerBody = body.lowercased()
        let cut = markers.compactMap { lowerBody.range(of: $0)?.lowerBound }.map { lowerBody.distance(from: lowerBody.startIndex, to: $0) }.min()
        guard let cut, folded.contains("represent") || folded.contains("sise") || folded.contains("domicili") || folded.contains("siege") else { return nil }
        var name = String(body.prefix(cut)).trimmingSpaces
        if let first = name.first, first.isLowercase { name = first.uppercased() + name.dropFirst() }
        guard name.count >= 4, name.count <= 140 else { return nil }
        var party = AuditedParty(name: name, line: lines[index].number)
        var context = [prose]
        var next = index + 1
        while next < lines.count, context.count < 3 {
            if !lines[next].isBlank { context.append(lines[next].prose) }
            next += 1
        }
        for text in context {
            if party.shortName == nil, let short = shortName(text) { party.shortName = short }
            if party.representative == nil, let person = representative(text) { party.representative = person }
            if party.siren == nil, let siren = siren(text) { party.siren = siren }
        }
        return party
    }

    /// « désignée ci-après « la CCIM » », « Dénommée ci-après « CCST » »; not « désignées » (plural).
    static func shortName(_ text: String) -> String? {
        let folded = text.folded
        guard folded.contains("ci-apres") || folded.contains("ci-dessous"),
              !folded.contains("designees"), !folded.contains("denommees"),
              let open = text.firstIndex(of: "«"), let close = text[open...].firstIndex(of: "»") else { return nil }
        var name = text[text.index(after: open)..<close].trimmingSpaces
        for article in ["la ", "le ", "l'"] where name.folded.hasPrefix(article) { name = String(name.dropFirst(article.count)) }
        return name.isEmpty ? nil : name
    }

    /// « Représentée par son Président, Monsieur Jean-Paul PAGEAU, ».
    static func representative(_ text: String) -> String? {
        guard text.folded.contains("represent") else { return nil }
        for title in ["Monsieur ", "Madame "] {
            guard let range = text.range(of: title) else { continue }
            let name = text[range.upperBound...].prefix { $0 != "," && $0 != ";" && $0 != "." }.trimmingSpaces
            if name.split(separator: " ").count >= 2 { return name }
        }
        return nil
    }

    /// « SIREN 249 000 241 », « n° SIREN : 249000241 ».
    static func siren(_ text: String) -> Siren? {
        let folded = text.folded
        guard let range = folded.range(of: "siren") else { return nil }
        let after = folded[range.upperBound...]
        var digits = ""
        for c in after {
            if c.isASCIIDigit { digits.append(c) } else if digits.isEmpty || c == " " || c == "\u{00A0}" || c == "." { continue } else { break }
            if digits.count == 9 { break }
        }
        return digits.count == 9 ? try? Siren(digits) : nil
    }

    // MARK: - Axes

    /// « Axe 1 Comprendre les enjeux … », « Axe 2 : Favoriser … ».
    static func axis(_ line: DocumentText.Line) -> AuditedAxis? {
        guard line.cells == nil else { return nil }
        let prose = line.prose
        guard prose.folded.hasPrefix("axe "), let number = prose.dropFirst(4).split(separator: " ").first, number.allSatisfy(\.isASCIIDigit) else { return nil }
        let title = prose.dropFirst(4 + number.count).drop { $0 == " " || $0 == ":" || $0 == "-" || $0 == "–" }
        guard !title.isEmpty else { return nil }
        var text = String(title)
        while let last = text.last, last == ":" || last == " " || last == "." { text.removeLast() }
        return AuditedAxis(code: "Axe \(number)", title: text, line: line.number)
    }

    // MARK: - Amounts given twice

    struct Mention {
        var item: String
        var year: Int?
        var amount: Money
        var regime: TaxRegime?
        var line: Int
    }

    static let verbs = [" s'eleve a ", " s'elevant a ", " s'elevent a ", " s'elevant au total a ", " est estimee a ", " estimee a ", " d'un montant de "]

    /// This line and the next two non-blank ones, so a sentence broken by the extraction still reads.
    static func windowText(from index: Int, in lines: [DocumentText.Line]) -> String {
        var parts = [lines[index].prose]
        var next = index + 1
        while next < lines.count, parts.count < 3 {
            if lines[next].cells != nil { break }
            if !lines[next].isBlank { parts.append(lines[next].prose) }
            next += 1
        }
        return parts.joined(separator: " ")
    }

    /// « le forfait annuel de maintenance pour l'année 2020 s'élevant à 16 090 € HT ».
    static func itemMentions(_ window: String, firstLineLength: Int, line: Int) -> [Mention] {
        let folded = window.folded
        guard folded.count == window.count else { return [] }
        var found: [Mention] = []
        for verb in verbs {
            var searchStart = folded.startIndex
            while let range = folded.range(of: verb, range: searchStart..<folded.endIndex) {
                searchStart = range.upperBound
                let offset = folded.distance(from: folded.startIndex, to: range.lowerBound)
                guard offset < firstLineLength else { break }
                let amountText = String(window[window.index(window.startIndex, offsetBy: offset + verb.count)...])
                guard let (parsed, _) = Cells.leadingAmount(amountText) else { continue }
                var words = folded[..<range.lowerBound].split(separator: " ").map(String.init)
                var year: Int?
                if words.count >= 3, let y = Cells.year(words[words.count - 1]), words[words.count - 2] == "l'annee" || words[words.count - 2] == "annee" {
                    year = y
                    words.removeLast(2)
                    if words.last == "pour" || words.last == "de" { words.removeLast() }
                }
                // The item: back to the nearest article, at most eight words.
                var item: [String] = []
                for word in words.reversed() {
                    if ["le", "la", "les", "un", "une", "-", "✓", ":", ";"].contains(word) || word.hasSuffix(",") || word.hasSuffix(".") { break }
                    if word.hasPrefix("l'"), word.count > 2 { item.insert(String(word.dropFirst(2)), at: 0); break }
                    item.insert(word, at: 0)
                    if item.count == 8 { break }
                }
                guard item.count >= 2 else { continue }
                found.append(Mention(item: item.joined(separator: " "), year: year, amount: parsed.amount, regime: parsed.regime, line: line))
            }
        }
        return found
    }

    /// Two mentions of one item (same year, same tax regime) with different amounts. A mention
    /// without a year that could be several dated ones is not judged.
    static func compare(_ mentions: [Mention]) -> [Finding] {
        var findings: [Finding] = []
        let groups = Dictionary(grouping: mentions, by: \.item)
        for (item, group) in groups.sorted(by: { $0.key < $1.key }) where group.count > 1 {
            for (i, a) in group.enumerated() {
                let candidates = group.enumerated().filter { j, b in
                    j != i && b.line != a.line && (a.year == nil || b.year == nil || a.year == b.year)
                        && (a.regime == nil || b.regime == nil || a.regime == b.regime)
                }
                // Each pair once, from its earlier mention.
                for (j, b) in candidates where (a.line, i) < (b.line, j) && a.amount != b.amount {
                    let dated = group.filter { $0.year != nil && $0.year != a.year && $0.year != b.year && (a.year == nil || b.year == nil) }
                    let ambiguous = candidates.count > 1 && (a.year == nil || b.year == nil) && !dated.isEmpty
                    let describe: (Mention) -> String = { m in
                        FrenchFormat.money(m.amount) + (m.regime.map { " " + $0.label } ?? "") + " ligne \(m.line)" + (m.year.map { " (année \($0))" } ?? "")
                    }
                    findings.append(Finding(ambiguous ? .info : .warning, .crossDocumentMismatch,
                                            "« \(item) » est chiffré à \(describe(a)) et à \(describe(b)).",
                                            stated: a.amount.decimalString, computed: b.amount.decimalString, location: item, line: a.line))
                }
            }
        }
        return findings
    }

    // MARK: - Durations

    /// « signée pour trois ans du 1er novembre 2018 au 30 octobre 2020 »: three years do not end
    /// on that date.
    static func durationCheck(_ window: String, firstLineLength: Int, line: Int) -> Finding? {
        let folded = window.folded
        guard folded.count == window.count, let pour = folded.range(of: "pour ") else { return nil }
        guard folded.distance(from: folded.startIndex, to: pour.lowerBound) < firstLineLength else { return nil }
        let words = FrenchDates.tokens(String(folded[pour.upperBound...]))
        guard words.count >= 4, let years = FrenchDates.count(words[0]), (1...99).contains(years), words[1] == "ans" || words[1] == "an", words[2] == "du" else { return nil }
        let dates = FrenchDates.dates(in: String(folded[pour.upperBound...]))
        guard dates.count >= 2, let au = words.firstIndex(of: "au"), au < 12 else { return nil }
        let start = dates[0], end = dates[1]
        let expected = start.adding(years: years).adding(days: -1)
        guard abs(expected.days(until: end)) > 31 else { return nil }
        let written = words[0]
        return Finding(.warning, .durationMismatch,
                       "« pour \(written) an\(years > 1 ? "s" : "") » du \(FrenchFormat.date(start)) au \(FrenchFormat.date(end)) : \(years) an\(years > 1 ? "s" : "") à partir du \(FrenchFormat.date(start)) mènent au \(FrenchFormat.date(expected)).",
                       stated: end.isoString, computed: expected.isoString, line: line)
    }
}

extension Finding.Code {
    /// An @CTES identifier that does not follow the format.
    public static let actesIdInvalid: Finding.Code = "actes-id-invalid"
    /// A stated duration that its start and end dates contradict.
    public static let durationMismatch: Finding.Code = "duration-mismatch"
}
