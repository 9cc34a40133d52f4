import PacteCore

/// Reads the header of a council register (members in office, present, represented, votants,
/// named members and proxies) and its vote, then judges them with `DeliberationRules` under the
/// regime in force on the session's date.
enum CouncilReader {
    typealias Field = CouncilCounts.Field

    /// The counts of one agenda item: the attendance in force when it was voted (the header's,
    /// or what the item restates) and its vote.
    struct Counts {
        var values: [Field: (value: Int, line: Int)] = [:]
        var unanimous: Int?
        var presentNames: ([String], Int)?
        var proxies: ([Attendance], Int)?
        var against: [String] = []
        var againstLine: Int?
        var abstentionNames: [String] = []
        var abstentionLine: Int?
        var firstLine: Int?

        subscript(_ field: Field) -> (value: Int, line: Int)? { values[field] }
        var hasResult: Bool { unanimous != nil || values.keys.contains { $0.isResult } }
        var isRegister: Bool { values[.inOffice] != nil || values[.voters] != nil }
    }

    /// What the whole register shares: its date, its body, the line its heading is on.
    struct Session {
        var date: CivilDate?
        var body: String?
        var firstLine: Int?
    }

    static func read(_ text: DocumentText, into state: inout AuditState) {
        var session = Session()
        var items: [Counts] = []
        var current = Counts()
        var previous: DocumentText.Line?
        func close() {
            items.append(current)
            var next = Counts()
            next.values = current.values.filter { !$0.key.isResult }
            current = next
        }
        for (index, line) in text.lines.enumerated() where !line.isBlank {
            defer { previous = line }
            let prose = line.prose
            let folded = line.folded
            if folded.contains("registre des deliberations") {
                session.firstLine = session.firstLine ?? line.number
                if session.body == nil {
                    session.body = [("conseil communautaire", "Conseil communautaire"), ("conseil municipal", "Conseil municipal"),
                                    ("conseil departemental", "Conseil départemental"), ("conseil regional", "Conseil régional"),
                                    ("commission permanente", "Commission permanente"), ("comite syndical", "Comité syndical"),
                                    ("bureau", "Bureau")]
                        .first { folded.contains($0.0) }?.1
                }
            }
            if session.date == nil, folded.contains("reuni") || folded.contains("l'an ") || folded.contains("seance du") || folded.contains("s'est reuni") {
                session.date = FrenchDates.dates(in: prose).first
            }
            var mentions = CouncilCounts.mentions(in: line)
            if mentions.count < 2, let previous, previous.cells != nil, line.cells != nil {
                let columns = CouncilCounts.columnMentions(header: previous, values: line)
                if !columns.isEmpty { mentions = columns }
            }
            for mention in mentions {
                if mention.field.isResult {
                    if current[mention.field] != nil || current.unanimous != nil { close() }
                } else if current.hasResult {
                    close()
                }
                current.values[mention.field] = (mention.value, mention.line)
                current.firstLine = current.firstLine ?? mention.line
            }
            if current.presentNames == nil, folded.hasPrefix("etaient presents") || folded.hasPrefix("presents :") || folded.hasPrefix("presents:")
                || folded.hasPrefix("membres presents :") {
                let names = memberNames(afterColonOf: paragraph(from: index, in: text.lines))
                if names.count >= 2 { current.presentNames = (names, line.number) }
            }
            if current.proxies == nil, folded.contains("donne pouvoir") || folded.contains("donne procuration") || folded.hasPrefix("representes :") || folded.hasPrefix("representes:")
                || folded.hasPrefix("pouvoirs :") || folded.hasPrefix("procurations :") || folded.hasPrefix("pouvoir :") {
                let proxies = proxyList(afterColonOf: paragraph(from: index, in: text.lines))
                if !proxies.isEmpty { current.proxies = (proxies, line.number) }
            }
            if let (_, rest) = leadingCount(prose, keyword: ["voix contre", "contre"]) {
                current.against = memberNames(afterColonOf: rest)
                current.againstLine = line.number
            }
            if let (_, rest) = leadingCount(prose, keyword: ["abstentions", "abstention"]) {
                current.abstentionNames = memberNames(afterColonOf: rest)
                current.abstentionLine = line.number
            }
            if folded.contains("unanimite") || folded.contains("unanimement"), items.contains(where: \.isRegister) || current.isRegister {
                if current.hasResult { close() }
                current.unanimous = line.number
                current.firstLine = current.firstLine ?? line.number
            }
        }
        if current.hasResult || !current.values.isEmpty { items.append(current) }
        // Without members in office nor votants, this is not a register.
        guard items.contains(where: \.isRegister) else { return }
        // Lists of names are the session's: they go with the first item that has counts.
        for index in items.indices where index > 0 {
            if items[index].presentNames == nil { items[index].presentNames = items[0].presentNames }
            if items[index].proxies == nil { items[index].proxies = items[0].proxies }
        }
        for (position, item) in items.enumerated() where item.isRegister || item.hasResult {
            judge(item, session: session, first: position == 0, into: &state)
        }
    }

    static func judge(_ counts: Counts, session: Session, first: Bool, into state: inout AuditState) {
        let firstLine = (first ? session.firstLine : nil) ?? counts.firstLine ?? 1
        var vote = AuditedVote(body: session.body, line: firstLine)
        vote.inOffice = counts[.inOffice]?.value
        vote.presentNames = counts.presentNames?.0 ?? []
        vote.proxies = counts.proxies?.0 ?? []
        vote.present = counts[.present]?.value ?? (vote.presentNames.isEmpty ? nil : vote.presentNames.count)
        vote.substitutes = counts[.substitutes]?.value
        vote.represented = counts[.represented]?.value ?? (vote.proxies.isEmpty ? nil : vote.proxies.count)
        vote.voters = counts[.voters]?.value
        vote.notVoting = counts[.notVoting]?.value
        // An @CTES identifier carries the date of the decision when the register's own date is unreadable.
        let acts = state.document.actesIds.compactMap { try? ActesId($0) }
        vote.authoritySiren = acts.first?.siren
        let date = session.date ?? acts.first?.decisionDate
        vote.sessionDate = date
        // Substitutes sitting for an absent member vote as present members.
        let sitting = vote.present.map { $0 + (vote.substitutes ?? 0) }
        let computedVoters = (sitting ?? 0) + (vote.represented ?? 0)
        if counts.unanimous != nil, counts[.votesFor] == nil {
            vote.unanimous = true
            vote.votesFor = vote.voters ?? computedVoters
            vote.against = 0
            vote.abstentions = 0
        } else {
            vote.votesFor = counts[.votesFor]?.value
            vote.against = counts[.against]?.value ?? (counts[.votesFor] != nil ? 0 : nil)
            vote.abstentions = counts[.abstentions]?.value ?? (counts[.votesFor] != nil ? 0 : nil)
        }
        // Stated counts against the names listed next to them.
        for (label, stated, names, line) in [("contre", counts[.against]?.value, counts.against, counts.againstLine),
                                             ("abstentions", counts[.abstentions]?.value, counts.abstentionNames, counts.abstentionLine)] {
            guard let stated, !names.isEmpty, names.count != stated else { continue }
            state.findings.append(Finding(.error, .votesMismatch,
                                          "Le registre annonce \(stated) \(label) mais en nomme \(names.count).",
                                          stated: String(stated), computed: String(names.count), location: label, line: line))
        }
        guard let inOffice = vote.inOffice, let present = sitting else {
            if first || vote.inOffice != nil || vote.voters != nil {
                state.findings.append(Finding(.info, .incompleteRegister,
                                              "En-tête de délibération incomplet : le nombre de membres en exercice ou de présents n'a pas été trouvé ; les comptes ne sont pas vérifiés.",
                                              line: firstLine))
            }
            state.document.votes.append(vote)
            return
        }
        var attendance = vote.presentNames.map { Attendance(member: $0, status: .present) }
        attendance += vote.proxies
        let itemVote = ItemVote(present: present, represented: vote.represented, votants: vote.voters,
                                votesFor: vote.votesFor ?? 0, votesAgainst: vote.against ?? 0, abstentions: vote.abstentions ?? 0,
                                notTakingPart: vote.notVoting ?? 0)
        let outcome = DeliberationRules.assess(date: date ?? CivilDate(unchecked: 2000, 1, 1), inOffice: inOffice, attendance: attendance, vote: itemVote)
        vote.regime = date == nil ? nil : outcome.regime.name
        if vote.votesFor != nil { vote.adopted = outcome.verdict == .adopted }
        // The names listed against the counts stated, each only when both were read, once per register.
        if first, let (names, line) = counts.presentNames, let stated = counts[.present]?.value, names.count != stated, names.count != present {
            state.findings.append(Finding(.warning, .attendanceMismatch, "La liste nomme \(names.count) présents, le registre en compte \(stated).",
                                          stated: String(stated), computed: String(names.count), line: line))
        }
        if first, let (proxies, line) = counts.proxies, let stated = counts[.represented]?.value, proxies.count != stated {
            state.findings.append(Finding(.warning, .attendanceMismatch, "La liste nomme \(proxies.count) pouvoirs, le registre compte \(stated) représentés.",
                                          stated: String(stated), computed: String(proxies.count), line: line))
        }
        for finding in outcome.findings where finding.code != .attendanceMismatch {
            // The counts of the vote are only checked when a vote was read.
            if finding.code == .votesMismatch, vote.votesFor == nil { continue }
            // The proxies a holder carries are the session's: judged once.
            if finding.code == .proxyLimit, !first { continue }
            var finding = finding
            finding.line = lineFor(finding.code, counts)
            if date == nil, finding.code == .proxyLimit || finding.code == .quorumNotMet {
                finding = Finding(.info, finding.code, finding.message + " (date de séance non trouvée : jugé selon le droit commun, à vérifier)",
                                  stated: finding.stated, computed: finding.computed, location: finding.location, line: finding.line)
            }
            if !state.findings.contains(finding) { state.findings.append(finding) }
        }
        state.document.votes.append(vote)
    }

    static func lineFor(_ code: Finding.Code, _ counts: Counts) -> Int? {
        switch code {
        case .votersMismatch: counts[.voters]?.line ?? counts[.present]?.line
        case .votesMismatch: counts[.votesFor]?.line ?? counts.unanimous
        case .proxyLimit: counts.proxies?.1
        case .quorumNotMet: counts[.present]?.line
        case .attendanceMismatch: counts.presentNames?.1 ?? counts.proxies?.1
        default: counts[.inOffice]?.line
        }
    }

    /// A list of names as a PDF wraps it: the line and the ones that continue it, up to a blank
    /// line, a table row or a line that starts another label (« Absents : », « Secrétaire… »).
    static func paragraph(from index: Int, in lines: [DocumentText.Line]) -> String {
        var parts = [lines[index].prose]
        var next = index + 1
        while next < lines.count, parts.count < 40 {
            let line = lines[next]
            guard !line.isBlank, line.cells == nil else { break }
            if let colon = line.prose.firstIndex(of: ":"), line.prose.distance(from: line.prose.startIndex, to: colon) < 45 { break }
            if !CouncilCounts.mentions(in: line).isEmpty { break }
            parts.append(line.prose)
            next += 1
        }
        return parts.joined(separator: " ")
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

