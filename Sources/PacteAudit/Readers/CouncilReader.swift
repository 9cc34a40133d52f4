import PacteCore

/// Reads the header of a council register (members in office, present, represented, votants,
/// named members and proxies) and its vote, then judges them with `DeliberationRules` under the
/// regime in force on the session's date.
enum CouncilReader {
    struct Counts {
        var inOffice: (Int, Int)?
        var present: (Int, Int)?
        var represented: (Int, Int)?
        var voters: (Int, Int)?
        var presentNames: ([String], Int)?
        var proxies: ([Attendance], Int)?
        var votesFor: (Int, Int)?
        var against: (Int, Int, [String])?
        var abstentions: (Int, Int, [String])?
        var unanimous: Int?
        var date: CivilDate?
        var body: String?
        var firstLine: Int?
    }

    static func read(_ text: DocumentText, into state: inout AuditState) {
        var counts = Counts()
        for line in text.lines where !line.isBlank {
            let prose = line.prose
            let folded = line.folded
            if folded.contains("registre des deliberations") {
                counts.firstLine = counts.firstLine ?? line.number
                if counts.body == nil {
                    counts.body = [("conseil communautaire", "Conseil communautaire"), ("conseil municipal", "Conseil municipal"),
                                   ("conseil departemental", "Conseil départemental"), ("conseil regional", "Conseil régional"),
                                   ("commission permanente", "Commission permanente"), ("bureau", "Bureau")]
                        .first { folded.contains($0.0) }?.1
                }
            }
            if counts.inOffice == nil, let n = count(after: "en exercice", in: line) { counts.inOffice = (n, line.number) }
            if counts.present == nil, let n = count(after: "presents", in: line) { counts.present = (n, line.number) }
            if counts.represented == nil, let n = count(after: "representes", in: line) ?? count(after: "pouvoirs", in: line) { counts.represented = (n, line.number) }
            if counts.voters == nil, let n = count(after: "votants", in: line) { counts.voters = (n, line.number) }
            if counts.date == nil, folded.contains("reuni") || folded.contains("l'an ") || folded.contains("seance du") || folded.contains("s'est reuni") {
                counts.date = FrenchDates.dates(in: prose).first
            }
            if counts.presentNames == nil, folded.hasPrefix("etaient presents") || folded.hasPrefix("presents :") || folded.hasPrefix("presents:") {
                let names = memberNames(afterColonOf: prose)
                if names.count >= 2 { counts.presentNames = (names, line.number) }
            }
            if counts.proxies == nil, folded.contains("donne pouvoir") || folded.hasPrefix("representes :") || folded.hasPrefix("representes:") || folded.hasPrefix("pouvoirs :") {
                let proxies = proxyList(afterColonOf: prose)
                if !proxies.isEmpty { counts.proxies = (proxies, line.number) }
            }
            if let (n, rest) = leadingCount(prose, keyword: ["voix pour", "pour"]) , counts.votesFor == nil, rest.isEmpty || rest.first == "," || rest.first == ":" || rest.first == "." {
                counts.votesFor = (n, line.number)
            }
            if counts.against == nil, let (n, rest) = leadingCount(prose, keyword: ["voix contre", "contre"]) {
                counts.against = (n, line.number, memberNames(afterColonOf: rest))
            }
            if counts.abstentions == nil, let (n, rest) = leadingCount(prose, keyword: ["abstentions", "abstention"]) {
                counts.abstentions = (n, line.number, memberNames(afterColonOf: rest))
            }
            if counts.unanimous == nil, counts.inOffice != nil || counts.voters != nil, folded.contains("a l'unanimite") {
                counts.unanimous = line.number
            }
        }
        // Without members in office nor votants, this is not a register.
        guard counts.inOffice != nil || counts.voters != nil else { return }
        judge(counts, into: &state)
    }

    static func judge(_ counts: Counts, into state: inout AuditState) {
        let firstLine = counts.firstLine ?? counts.inOffice?.1 ?? counts.voters?.1 ?? 1
        var vote = AuditedVote(body: counts.body, line: firstLine)
        vote.inOffice = counts.inOffice?.0
        vote.presentNames = counts.presentNames?.0 ?? []
        vote.proxies = counts.proxies?.0 ?? []
        vote.present = counts.present?.0 ?? (vote.presentNames.isEmpty ? nil : vote.presentNames.count)
        vote.represented = counts.represented?.0 ?? (vote.proxies.isEmpty ? nil : vote.proxies.count)
        vote.voters = counts.voters?.0
        // An @CTES identifier carries the date of the decision when the register's own date is unreadable.
        let acts = state.document.actesIds.compactMap { try? ActesId($0) }
        vote.authoritySiren = acts.first?.siren
        let date = counts.date ?? acts.first?.decisionDate
        vote.sessionDate = date
        let computedVoters = (vote.present ?? 0) + (vote.represented ?? 0)
        if counts.unanimous != nil, counts.votesFor == nil {
            vote.unanimous = true
            vote.votesFor = vote.voters ?? computedVoters
            vote.against = 0
            vote.abstentions = 0
        } else {
            vote.votesFor = counts.votesFor?.0
            vote.against = counts.against?.0 ?? (counts.votesFor != nil ? 0 : nil)
            vote.abstentions = counts.abstentions?.0 ?? (counts.votesFor != nil ? 0 : nil)
        }
        // Stated counts against the names listed next to them.
        for (label, entry) in [("contre", counts.against), ("abstentions", counts.abstentions)] {
            guard let (stated, line, names) = entry, !names.isEmpty, names.count != stated else { continue }
            state.findings.append(Finding(.error, .votesMismatch,
                                          "Le registre annonce \(stated) \(label) mais en nomme \(names.count).",
                                          stated: String(stated), computed: String(names.count), location: label, line: line))
        }
        guard let inOffice = vote.inOffice, let present = vote.present else {
            state.findings.append(Finding(.info, .incompleteRegister,
                                          "En-tête de délibération incomplet : le nombre de membres en exercice ou de présents n'a pas été trouvé ; les comptes ne sont pas vérifiés.",
                                          line: firstLine))
            state.document.votes.append(vote)
            return
        }
        var attendance = vote.presentNames.map { Attendance(member: $0, status: .present) }
        attendance += vote.proxies
        let itemVote = ItemVote(present: present, represented: vote.represented, votants: vote.voters,
                                votesFor: vote.votesFor ?? 0, votesAgainst: vote.against ?? 0, abstentions: vote.abstentions ?? 0)
        let outcome = DeliberationRules.assess(date: date ?? CivilDate(unchecked: 2000, 1, 1), inOffice: inOffice, attendance: attendance, vote: itemVote)
        vote.regime = date == nil ? nil : outcome.regime.name
        if vote.votesFor != nil { vote.adopted = outcome.verdict == .adopted }
        // The names listed against the counts stated, each only when both were read.
        if let (names, line) = counts.presentNames, let stated = counts.present?.0, names.count != stated {
            state.findings.append(Finding(.warning, .attendanceMismatch, "La liste nomme \(names.count) présents, le registre en compte \(stated).",
                                          stated: String(stated), computed: String(names.count), line: line))
        }
        if let (proxies, line) = counts.proxies, let stated = counts.represented?.0, proxies.count != stated {
            state.findings.append(Finding(.warning, .attendanceMismatch, "La liste nomme \(proxies.count) pouvoirs, le registre compte \(stated) représentés.",
                                          stated: String(stated), computed: String(proxies.count), line: line))
        }
        for finding in outcome.findings where finding.code != .attendanceMismatch {
            // The counts of the vote are only checked when a vote was read.
            if finding.code == .votesMismatch, vote.votesFor == nil { continue }
            var finding = finding
            finding.line = lineFor(finding.code, counts)
            if date == nil, finding.code == .proxyLimit || finding.code == .quorumNotMet {
                finding = Finding(.info, finding.code, finding.message + " (date de séance non trouvée : jugé selon le droit commun, à vérifier)",
                                  stated: finding.stated, computed: finding.computed, location: finding.location, line: finding.line)
            }
            state.findings.append(finding)
        }
        state.document.votes.append(vote)
    }

    static func lineFor(_ code: Finding.Code, _ counts: Counts) -> Int? {
        switch code {
        case .votersMismatch: counts.voters?.1 ?? counts.present?.1
        case .votesMismatch: counts.votesFor?.1 ?? counts.unanimous
        case .proxyLimit: counts.proxies?.1
        case .quorumNotMet: counts.present?.1
        case .attendanceMismatch: counts.presentNames?.1 ?? counts.proxies?.1
        default: counts.inOffice?.1
        }
    }

    /// `En exercice : 122`, `Présents\t31`: the keyword, then a number ending its cell. « Présents :
    /// 001 POTRON Pierre » is a list, not a count.
    static func count(after keyword: String, in line: DocumentText.Line) -> Int? {
        if let cells = line.cells {
            for (index, cell) in cells.enumerated() where cell.folded.trimmingCharacters(in: [" ", ":"]) == keyword {
                if index + 1 < cells.count, let n = Cells.count(cells[index + 1]) { return n }
            }
            return nil
        }
        let folded = line.folded
        guard folded.hasPrefix(keyword) else { return nil }
        let rest = folded.dropFirst(keyword.count).drop { $0 == " " || $0 == ":" }
        let digits = rest.prefix(while: \.isASCIIDigit)
        let after = rest.dropFirst(digits.count).trimmingSpaces
        guard !digits.isEmpty, after.isEmpty || after == "." || after == "," else { return nil }
        return Int(digits)
    }

    /// « 82 voix POUR, » → 82; « 8 Contre : 008 CARRE Joël, … » → 8 and the rest.
    static func leadingCount(_ prose: String, keyword: [String]) -> (Int, String)? {
        let digits = prose.prefix(while: \.isASCIIDigit)
        guard !digits.isEmpty, digits.count <= 4, let n = Int(digits) else { return nil }
        let rest = prose.dropFirst(digits.count).trimmingSpaces
        let folded = rest.folded
        for word in keyword where folded.hasPrefix(word) {
            let after = rest.dropFirst(word.count)
            if let next = after.first, next.isLetter { continue }
            return (n, after.trimmingSpaces)
        }
        return nil
    }

    /// The people named after the colon: a name holds a word in capitals (« Jacques ALEXANDRE »,
    /// « 001 POTRON Pierre »); roles and fillers (« Président », « et Mesdames et Messieurs ») do not.
    static func memberNames(afterColonOf text: String) -> [String] {
        guard let colon = text.firstIndex(of: ":") else { return [] }
        return splitList(String(text[text.index(after: colon)...])).compactMap(memberName)
    }

    static func splitList(_ text: String) -> [String] {
        var body = text.trimmingSpaces
        while let last = body.last, last == "." || last == ";" { body.removeLast() }
        var items: [String] = []
        var depth = 0
        var current = ""
        for c in body {
            if c == "(" { depth += 1 } else if c == ")" { depth = max(0, depth - 1) }
            if c == ",", depth == 0 {
                items.append(current)
                current = ""
            } else {
                current.append(c)
            }
        }
        items.append(current)
        // « … Jérôme TOURNU et Bernard VIATTE »: a lower-case « et » between two names splits too.
        return items.flatMap { $0.components(separatedBy: " et ") }.map(\.trimmingSpaces).filter { !$0.isEmpty }
    }

    static func memberName(_ item: String) -> String? {
        var words = item.split(separator: " ").map(String.init)
        // « Pierre VALLAT membres titulaires »: the role that closes the list goes.
        while let last = words.last, ["membres", "membre", "titulaires", "titulaire", "suppleant", "suppleants"].contains(last.folded) { words.removeLast() }
        while let first = words.first, ["monsieur", "madame", "mme", "m.", "mr", "mesdames", "messieurs", "et"].contains(first.folded) { words.removeFirst() }
        let hasCapitalWord = words.contains { word in
            let letters = word.filter(\.isLetter)
            return letters.count >= 2 && letters.allSatisfy(\.isUppercase)
        }
        guard hasCapitalWord else { return nil }
        return words.joined(separator: " ")
    }

    /// « Chantal BEQUILLARD à Hamid HAMLIL », « 004 LOUIS Jean-Marc (à 012 RATAUX Frédéric) »,
    /// « 007 HULOT Christian (depuis 19:49:39 à 003 JUILLET Bruno) ».
    static func proxyList(afterColonOf text: String) -> [Attendance] {
        guard let colon = text.firstIndex(of: ":") else { return [] }
        return splitList(String(text[text.index(after: colon)...])).compactMap { item in
            var body = item
            var since: String?
            if let open = body.firstIndex(of: "("), let close = body.lastIndex(of: ")"), open < close {
                var inner = String(body[body.index(after: open)..<close]).trimmingSpaces
                body = String(body[..<open]) + " " + String(body[body.index(after: close)...])
                if inner.folded.hasPrefix("depuis ") {
                    let parts = inner.dropFirst(7).split(separator: " ", maxSplits: 1)
                    since = parts.first.map(String.init)
                    inner = parts.count > 1 ? String(parts[1]) : ""
                }
                if inner.folded.hasPrefix("a ") {
                    let holder = String(inner.dropFirst(2)).trimmingSpaces
                    guard let member = memberName(body.trimmingSpaces), let holderName = memberName(holder) else { return nil }
                    return Attendance(member: member, status: .represented, proxyHolder: canonical(holderName), since: since)
                }
            }
            guard let range = body.range(of: " à ") ?? body.range(of: " a ") else { return nil }
            guard let member = memberName(String(body[..<range.lowerBound])), let holder = memberName(String(body[range.upperBound...])) else { return nil }
            return Attendance(member: member, status: .represented, proxyHolder: canonical(holder), since: since)
        }
    }

    /// « 028 MEIS Michel » and « MEIS Michel » are one holder; so are accents and case variants.
    static func canonical(_ name: String) -> String {
        AmountParser.normalizeSpaces(name)
    }
}

extension Finding.Code {
    /// A register header without the counts needed to judge it.
    public static let incompleteRegister: Finding.Code = "incomplete-register"
}

