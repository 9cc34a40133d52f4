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
        /// Members in office or votants make a register; so do present members with their proxies
        /// (« Présents : 8 — Pouvoirs : 1 »).
        var isRegister: Bool {
            values[.inOffice] != nil || values[.voters] != nil || (values[.present] != nil && (values[.represented] != nil || proxies != nil))
                // « Pour : 26 - Contre : 0 - Abstention : 0 » under a list of names, with no count.
                || (values[.votesFor] != nil && values[.against] != nil && values[.abstentions] != nil)
        }
    }

    /// Attendance counts whose restatement with another figure means the attendance changed.
    static let restatable: Set<Field> = [.inOffice, .present, .represented, .voters]

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
        var previousHadResult = false
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
            var mentions = CouncilCounts.mentions(in: line, voteContext: previousHadResult)
            if mentions.count < 2, let previous, previous.cells != nil, line.cells != nil {
                let columns = CouncilCounts.columnMentions(header: previous, values: line)
                if !columns.isEmpty { mentions = columns }
            }
            if mentions.isEmpty, let run = wrappedRun(from: index, in: text.lines) { mentions = run }
            if mentions.isEmpty, let run = stackedColumns(from: index, in: text.lines) { mentions = run }
            if let field = CouncilCounts.danglingLabel(in: line), !mentions.contains(where: { $0.field == field }),
               let next = text.lines[(index + 1)...].first(where: { !$0.isBlank }), let value = CouncilCounts.leadingValue(of: next) {
                mentions.append(CouncilCounts.Mention(field: field, value: value, line: next.number))
            }
            previousHadResult = mentions.contains { $0.field.isResult }
            for mention in mentions {
                if mention.field.isResult {
                    if current[mention.field] != nil || current.unanimous != nil { close() }
                } else if current.hasResult {
                    close()
                } else if Self.restatable.contains(mention.field), let stated = current[mention.field], stated.value != mention.value,
                          stated.line != mention.line || current.isRegister {
                    // « … Présents : 9 Votants : 12. M. X arrive : … Présents : 10 Votants : 12 »:
                    // the attendance changed before any vote; both headers are the register's.
                    close()
                }
                current.values[mention.field] = (mention.value, mention.line)
                current.firstLine = current.firstLine ?? mention.line
            }
            if current.presentNames == nil, let start = listStart(of: presentListLabels, in: folded) {
                let names = memberNames(afterColonOf: String(paragraph(from: index, in: text.lines).dropFirst(start)))
                if names.count >= 2 { current.presentNames = (names, line.number) }
            }
            if current.proxies == nil, let start = listStart(of: proxyListLabels, in: folded)
                ?? (["donne pouvoir", "donne procuration", "pouvoir donne a", "procuration donnee a"].contains { folded.contains($0) } ? 0 : nil) {
                let proxies = proxyList(afterColonOf: String(paragraph(from: index, in: text.lines, acrossBlanks: true).dropFirst(start)))
                if !proxies.isEmpty { current.proxies = (proxies, line.number) }
            } else if folded.hasPrefix("procuration de ") || folded.hasPrefix("pouvoir de ") || folded.hasPrefix("procuration donnee par ") {
                // « Procuration de M. WEIS à Mme PEIFFER », one a line.
                let body = prose.drop { $0 != " " }.dropFirst().drop { $0 != " " }
                if let proxy = proxyList(afterColonOf: ":" + body).first {
                    current.proxies = ((current.proxies?.0 ?? []) + [proxy], current.proxies?.1 ?? line.number)
                }
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
        // Once the count of present members changed (a late arrival), the opening lists no longer hold.
        for index in items.indices where index > 0 && (items[index][.present] == nil || items[index][.present]?.value == items[0][.present]?.value) {
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
        // « Présents ou représentés : 27 » counts those who vote.
        vote.voters = counts[.voters]?.value ?? counts[.presentOrRepresented]?.value
        vote.notVoting = counts[.notVoting]?.value
        let reinterpreted = impossibleRepresented(counts, vote: vote)
        if let (inOffice, present, represented) = reinterpreted {
            // « Présents : 21 • Représentés : 28 » of 29: the figure counts present and represented together.
            vote.voters = represented
            vote.represented = vote.proxies.isEmpty ? represented - present : vote.proxies.count
            state.findings.append(Finding(.warning, .ambiguousCount,
                                          "« Représentés : \(represented) » dépasse les \(inOffice - present) membres qui ne sont pas présents : le chiffre est lu comme les présents et représentés (votants), à vérifier.",
                                          stated: String(represented), computed: String(inOffice - present), location: "représentés", line: counts[.represented]?.line))
        }
        // An @CTES identifier carries the date of the decision when the register's own date is unreadable.
        let acts = state.document.actesIds.compactMap { try? ActesId($0) }
        vote.authoritySiren = acts.first?.siren
        let date = session.date ?? acts.first?.decisionDate
        vote.sessionDate = date
        // Substitutes sitting for an absent member vote as present members.
        let sitting = vote.present.map { $0 + (vote.substitutes ?? 0) }
        if counts.unanimous != nil, counts[.votesFor] == nil {
            vote.unanimous = true
            vote.votesFor = vote.voters ?? sitting.map { $0 + (vote.represented ?? 0) }
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
            if first || vote.inOffice != nil || vote.voters != nil, !state.findings.contains(where: { $0.code == .incompleteRegister }) {
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
        if first, reinterpreted == nil, let (proxies, line) = counts.proxies, let stated = counts[.represented]?.value, proxies.count != stated {
            state.findings.append(Finding(.warning, .attendanceMismatch, "La liste nomme \(proxies.count) pouvoirs, le registre compte \(stated) représentés.",
                                          stated: String(stated), computed: String(proxies.count), line: line))
        }
        for finding in outcome.findings where finding.code != .attendanceMismatch {
            // The counts of the vote are only checked when a vote was read.
            if finding.code == .votesMismatch, vote.votesFor == nil { continue }
            // The proxies a holder carries are the session's: judged once.
            if finding.code == .proxyLimit, !first { continue }
            var finding = finding
            if finding.code == .votersMismatch, counts[.represented] == nil, vote.proxies.isEmpty, let voters = vote.voters, let sitting {
                // Neither a count nor a list of proxies: the votants beyond the present members
                // are the represented ones the register does not give.
                finding = voters > sitting
                    ? Finding(.info, .votersMismatch, "Le registre compte \(voters) votants pour \(sitting) présents : les \(voters - sitting) représentés ne sont ni comptés ni nommés.",
                              stated: String(voters), computed: String(sitting))
                    : Finding(.warning, .votersMismatch, "Le registre compte \(voters) votants pour \(sitting) présents, sans représenté ni membre ne prenant pas part au vote.",
                              stated: String(voters), computed: String(sitting))
            }
            finding.line = lineFor(finding.code, counts)
            if date == nil, finding.code == .proxyLimit || finding.code == .quorumNotMet {
                finding = Finding(.info, finding.code, finding.message + " (date de séance non trouvée : jugé selon le droit commun, à vérifier)",
                                  stated: finding.stated, computed: finding.computed, location: finding.location, line: finding.line)
            }
            if !state.findings.contains(finding) { state.findings.append(finding) }
        }
        state.document.votes.append(vote)
    }

    /// A stated count of represented members that only makes sense as present plus represented:
    /// more than the members not present, yet no more than those in office and no fewer than
    /// those present, and no votants stated beside it.
    static func impossibleRepresented(_ counts: Counts, vote: AuditedVote) -> (Int, Int, Int)? {
        guard vote.voters == nil, let represented = counts[.represented]?.value, let inOffice = vote.inOffice, let present = counts[.present]?.value,
              present + represented > inOffice, represented >= present, represented <= inOffice else { return nil }
        if !vote.proxies.isEmpty, vote.proxies.count != represented - present { return nil }
        return (inOffice, present, represented)
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
    /// A flattened table of labels then values that the page width wrapped over a few lines
    /// (« … Afférents au Conseil de / Communauté : En exercice : … / convocation : 42 42 34 … »).
    static func wrappedRun(from index: Int, in lines: [DocumentText.Line]) -> [CouncilCounts.Mention]? {
        guard lines[index].folded.filter({ $0 == ":" }).count >= 2, index + 1 < lines.count, !lines[index + 1].isBlank else { return nil }
        let joined = lines[index...].prefix(4).prefix { !$0.isBlank }.map(\.text).joined(separator: " ")
        let tokens = CouncilCounts.tokens(of: joined.folded)
        let run = CouncilCounts.runMentions(in: tokens, line: lines[index].number)
        return run.isEmpty ? nil : run
    }

    /// A table extracted column after column: the numbers one a line (« 27 / 16 / 3 / 19 »),
    /// then as many labels one a line (« Nombre de Conseillers en exercice / Présents / … »).
    static func stackedColumns(from index: Int, in lines: [DocumentText.Line]) -> [CouncilCounts.Mention]? {
        func loneNumber(_ line: DocumentText.Line) -> String? {
            let text = line.prose.trimmingSpaces
            return !text.isEmpty && text.count <= 3 && text.allSatisfy(\.isASCIIDigit) ? text : nil
        }
        // Character recognition puts a blank line between the rows: they do not part the columns.
        let filled = lines[index...].lazy.filter { !$0.isBlank }.prefix(24)
        let previous = lines[..<index].last { !$0.isBlank }
        guard loneNumber(lines[index]) != nil, previous.map({ loneNumber($0) == nil }) ?? true else { return nil }
        let numbers = filled.prefix { loneNumber($0) != nil }.compactMap(loneNumber)
        let labelLines = Array(filled.dropFirst(numbers.count).prefix(numbers.count))
        guard numbers.count >= 3, labelLines.count == numbers.count else { return nil }
        let labels = labelLines.map { $0.prose.trimmingSpaces }
        guard labels.allSatisfy({ !$0.isEmpty && !$0.contains(":") && $0.count < 60 && !$0.contains(where: \.isNumber) }) else { return nil }
        let joined = labels.joined(separator: " : ") + " : " + numbers.joined(separator: " ")
        let run = CouncilCounts.runMentions(in: CouncilCounts.tokens(of: joined.folded), line: lines[index].number)
        return run.count == numbers.count ? run : nil
    }

    /// Proxies (`acrossBlanks`) may go on past a blank line when the next one gives more of them.
    static func paragraph(from index: Int, in lines: [DocumentText.Line], acrossBlanks: Bool = false) -> String {
        var parts = [lines[index].prose]
        var next = index + 1
        while next < lines.count, parts.count < 40 {
            var line = lines[next]
            if line.isBlank, acrossBlanks, let resumed = lines[next...].firstIndex(where: { !$0.isBlank }),
               lines[resumed].folded.contains("pouvoir") || lines[resumed].folded.contains("procuration") {
                next = resumed
                line = lines[resumed]
            }
            if line.isBlank, let last = parts.last?.trimmingSpaces, last.hasSuffix(",") || titles.contains(String(last.split(separator: " ").last ?? "").lowercased()),
               let resumed = lines[next...].firstIndex(where: { !$0.isBlank }) {
                // « …, Mme Dominique DELATTRE, M. » / blank / « Maurice GUILDOUX, … »: the page broke a name.
                next = resumed
                line = lines[resumed]
            }
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
        guard let list = listText(afterColonOf: text) else { return [] }
        return splitList(list).compactMap(memberName)
    }

    static let presentListLabels = ["etaient presents", "etaient presentes", "sont presents", "membres presents", "conseillers presents",
                                    "presents", "presentes", "present"]
    static let proxyListLabels = ["absents ayant donne procuration", "absents ayant donne pouvoir", "absents representes", "representes",
                                  "pouvoirs", "pouvoir", "procurations", "procuration", "procuraons"]

    /// Where a list labelled « Étaient présents : » or « Pouvoirs : » starts on the line: the
    /// label opens the line or follows the end of a sentence, as in a register flattened into
    /// one line.
    static func listStart(of labels: [String], in folded: String) -> Int? {
        var best: Int?
        for label in labels {
            var search = folded.startIndex
            while let range = folded.range(of: label, range: search..<folded.endIndex) {
                search = range.upperBound
                let before = folded[..<range.lowerBound].last
                guard before == nil || before == " " || before == "." || before == "•" || before == "-" else { continue }
                let after = folded[range.upperBound...].drop { $0 == " " }
                guard after.first == ":" else { continue }
                let offset = folded.distance(from: folded.startIndex, to: range.lowerBound)
                if best.map({ offset < $0 }) ?? true { best = offset }
                break
            }
        }
        return best
    }

    /// The text after the first colon, without a count that opens it (« présents : 10 : ARNAL… »)
    /// and up to the label of the next field (« … Dolorès THIBAUD. Pouvoirs : … »): the words
    /// before the next colon, back to the last name in capitals.
    static func listText(afterColonOf text: String) -> String? {
        guard let colon = text.firstIndex(of: ":") else { return nil }
        var rest = text[text.index(after: colon)...].drop { $0 == " " }
        let digits = rest.prefix { $0.isASCIIDigit || $0 == " " }
        if !digits.isEmpty, rest.dropFirst(digits.count).first == ":" { rest = rest.dropFirst(digits.count + 1) }
        // A clock time (« depuis 19:49:09 ») or a colon in brackets is no label.
        var depth = 0
        let next = rest.indices.first { index in
            let c = rest[index]
            if c == "(" { depth += 1 } else if c == ")" { depth = max(0, depth - 1) }
            guard c == ":", depth == 0 else { return false }
            let before = index > rest.startIndex ? rest[rest.index(before: index)] : " "
            let afterIndex = rest.index(after: index)
            let after = afterIndex < rest.endIndex ? rest[afterIndex] : " "
            return !(before.isASCIIDigit && after.isASCIIDigit)
        }
        guard let next else { return String(rest) }
        var words = rest[..<next].split(separator: " ", omittingEmptySubsequences: false)
        while let last = words.last {
            let letters = last.filter(\.isLetter)
            if letters.count >= 2, letters.allSatisfy(\.isUppercase) { break }
            words.removeLast()
        }
        return words.joined(separator: " ")
    }

    static func splitList(_ text: String, atTitles: Bool = true) -> [String] {
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
        // « MM. BOGUET - ZELLER - MAOUCHI »: dashes separate when commas do not.
        if items.count == 1, body.contains(" - ") { items = body.components(separatedBy: " - ") }
        // « … Jérôme TOURNU et Bernard VIATTE »: a lower-case « et » between two names splits too;
        // so does a title inside an item (« BALSAMO Mmes PEIFFER », once the lines are joined).
        return items.flatMap { $0.components(separatedBy: " et ") }.flatMap { atTitles ? splitAtTitles($0) : [$0] }.map(\.trimmingSpaces).filter { !$0.isEmpty }
    }

    static let titles: Set<String> = ["m.", "mme", "mmes", "mm.", "mr", "mlle", "monsieur", "madame"]

    static func splitAtTitles(_ item: String) -> [String] {
        var parts: [[Substring]] = [[]]
        for word in item.split(separator: " ") {
            if titles.contains(word.lowercased()), !(parts.last!.isEmpty), !parts.last!.allSatisfy({ titles.contains($0.lowercased()) || $0 == "et" }) {
                parts.append([])
            }
            parts[parts.count - 1].append(word)
        }
        return parts.map { $0.joined(separator: " ") }
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
    /// « 007 HULOT Christian (depuis 19:49:39 à 003 JUILLET Bruno) », « Mireille MEISSONNIER par
    /// Marianne MOULIN », and chains without commas (« B. VAGNEUR a donné pouvoir à G. GRIGNARD
    /// C. GANEAU a donné pouvoir à S. MOSS »).
    static func proxyList(afterColonOf text: String) -> [Attendance] {
        guard let list = listText(afterColonOf: text) else { return [] }
        return splitList(list, atTitles: false).flatMap { item -> [Attendance] in
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
                // « BARDON Gérard (pouvoir donné à Mme DELATTRE) »
                for phrase in ["pouvoir donne a ", "procuration donnee a ", "pouvoir a ", "procuration a ", "a donne pouvoir a ", "donne pouvoir a "]
                    where inner.folded.hasPrefix(phrase) {
                    inner = "à " + inner.dropFirst(phrase.count)
                    break
                }
                if inner.folded.hasPrefix("a ") {
                    let holder = String(inner.dropFirst(2)).trimmingSpaces
                    guard let member = memberName(body.trimmingSpaces), let holderName = holderName(holder) else { return [] }
                    return [Attendance(member: member, status: .represented, proxyHolder: canonical(holderName), since: since)]
                }
            }
            let parts = proxyParts(body)
            guard parts.count >= 2 else { return [] }
            var members = [parts[0]]
            var holders: [String] = []
            for middle in parts.dropFirst().dropLast() {
                let (holder, next) = splitHolderAndMember(middle)
                holders.append(holder)
                members.append(next)
            }
            holders.append(parts[parts.count - 1])
            return zip(members, holders).compactMap { member, holder in
                guard let member = memberName(member.trimmingSpaces), let holder = holderName(holder.trimmingSpaces) else { return nil }
                return Attendance(member: member, status: .represented, proxyHolder: canonical(holder), since: since)
            }
        }
    }

    /// The text cut at each « à » (or « a donné pouvoir à », « par ») that hands a proxy over.
    static func proxyParts(_ body: String) -> [String] {
        var text = " " + body + " "
        for phrase in ["a donné pouvoir à", "a donné procuration à", "donne pouvoir à", "donne procuration à", "a donné pouvoir a",
                       "donne pouvoir a", "pouvoir à", "procuration à"] {
            text = text.replacingOccurrences(of: " " + phrase + " ", with: " \u{1F} ", options: .caseInsensitive)
        }
        for phrase in [" à ", " par ", " a "] where !text.contains("\u{1F}") || phrase == " à " {
            text = text.replacingOccurrences(of: phrase, with: " \u{1F} ")
        }
        return text.split(separator: "\u{1F}").map { String($0).trimmingSpaces }
    }

    /// « G. GRIGNARD C. GANEAU »: a holder and the next member, split before the last title or
    /// initial that starts a name; without one, in the middle.
    static func splitHolderAndMember(_ text: String) -> (String, String) {
        let words = text.split(separator: " ")
        let starts = words.indices.dropFirst().filter { index in
            let word = words[index]
            return titles.contains(word.lowercased()) || (word.count == 2 && word.first!.isUppercase && word.last == ".")
        }
        // The first word of a second title run (« M. » after « M. Michel GRIGNON ») starts the member.
        let split = starts.last { !titles.contains(words[$0 - 1].lowercased()) } ?? words.count / 2
        return (words[..<split].joined(separator: " "), words[split...].joined(separator: " "))
    }

    /// A holder is a member, or the chair named by their office (« M. le Maire »).
    static func holderName(_ text: String) -> String? {
        if let name = memberName(text) { return name }
        var folded = text.folded
        while let last = folded.last, last == "." || last == "," { folded.removeLast() }
        for title in ["monsieur ", "madame ", "m. ", "mme "] where folded.hasPrefix(title) { folded.removeFirst(title.count) }
        return ["le maire", "la maire", "le president", "la presidente", "le maire-adjoint"].contains(folded) ? text.trimmingSpaces : nil
    }

    /// « 028 MEIS Michel » and « MEIS Michel » are one holder; so are accents and case variants.
    static func canonical(_ name: String) -> String {
        AmountParser.normalizeSpaces(name)
    }
}

extension Finding.Code {
    /// A register header without the counts needed to judge it.
    public static let incompleteRegister: Finding.Code = "incomplete-register"
    /// A count whose label cannot mean what it says (« Représentés : 28 » with 21 present of 29).
    public static let ambiguousCount: Finding.Code = "ambiguous-count"
}

