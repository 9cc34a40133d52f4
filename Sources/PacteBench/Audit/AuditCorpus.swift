import Foundation
import PacteAudit
import PacteCore
import PacteDocuments

/// The corpus of real public documents under `Tests/PacteAuditTests/Corpus`: each excerpt
/// (`NN-name.txt`) beside what a person read in it (`NN-name.json`), and how close the audit
/// comes to it. Council extracts are scored on their counts, conventions on their amounts.
public enum AuditCorpus {
    public enum Kind: String, Sendable { case council, convention }

    public struct Document: Sendable {
        public var name: String
        public var kind: Kind
        public var textFile: URL
        public var council: ExpectedCouncil?
        public var convention: ExpectedConvention?
        /// The document's own figures do not add up: errors are expected there.
        public var sourceIsWrong: Bool { (council?.sourceIsWrong ?? convention?.sourceIsWrong).map { !$0.isEmpty } ?? false }
    }

    public struct ExpectedVote: Decodable, Sendable {
        public var inOffice, present, substitutes, represented, voters: Int?
        public var votesFor, against, abstentions, notVoting: Int?
        enum CodingKeys: String, CodingKey {
            case inOffice, present, substitutes, represented, voters, against, abstentions, notVoting
            case votesFor = "for"
        }
    }

    public struct ExpectedCouncil: Decodable, Sendable {
        public var source: String
        public var votes: [ExpectedVote]
        public var actesIds: [String]?
        public var sourceIsWrong: String?
    }

    /// A cost line, a total or a share; a share may give only its rate.
    public struct ExpectedAmount: Decodable, Sendable {
        public var amount: String?
    }

    public struct ExpectedConvention: Decodable, Sendable {
        public var source: String
        public var costLines: [ExpectedAmount]?
        public var statedTotals: [ExpectedAmount]?
        public var shares: [ExpectedAmount]?
        public var sourceIsWrong: String?
    }

    /// The documents of `directory/council` and `directory/conventions`, sorted by name.
    public static func load(_ directory: URL) throws -> [Document] {
        var documents: [Document] = []
        for (folder, kind) in [("council", Kind.council), ("conventions", Kind.convention)] {
            let path = directory.appendingPathComponent(folder)
            let names = ((try? FileManager.default.contentsOfDirectory(atPath: path.path)) ?? []).filter { $0.hasSuffix(".json") }.sorted()
            for name in names {
                let stem = String(name.dropLast(5))
                let data = try Data(contentsOf: path.appendingPathComponent(name))
                var document = Document(name: stem, kind: kind, textFile: path.appendingPathComponent(stem + ".txt"))
                do {
                    switch kind {
                    case .council: document.council = try JSONDecoder().decode(ExpectedCouncil.self, from: data)
                    case .convention: document.convention = try JSONDecoder().decode(ExpectedConvention.self, from: data)
                    }
                } catch {
                    throw CorpusError(message: "\(folder)/\(name) : \(error)")
                }
                documents.append(document)
            }
        }
        return documents
    }

    public struct CorpusError: Error, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    /// How one reading compares with what a person read.
    public struct Score: Sendable {
        /// Header numbers (in office, present, substitutes, represented, votants) stated.
        public var headerExpected = 0
        public var headerExact = 0
        /// Vote numbers (for, against, abstentions, not voting) stated.
        public var voteExpected = 0
        public var voteExact = 0
        /// Amounts of a convention stated.
        public var amountsExpected = 0
        public var amountsExact = 0
        /// Findings of severity error on a document whose figures are right.
        public var falseErrors: [String] = []
        /// What was not read as stated, for the report.
        public var misses: [String] = []

        public static func + (a: Score, b: Score) -> Score {
            Score(headerExpected: a.headerExpected + b.headerExpected, headerExact: a.headerExact + b.headerExact,
                  voteExpected: a.voteExpected + b.voteExpected, voteExact: a.voteExact + b.voteExact,
                  amountsExpected: a.amountsExpected + b.amountsExpected, amountsExact: a.amountsExact + b.amountsExact,
                  falseErrors: a.falseErrors + b.falseErrors, misses: a.misses + b.misses)
        }
    }

    static let headerFields: [(String, KeyPath<ExpectedVote, Int?>, KeyPath<AuditedVote, Int?>)] = [
        ("en exercice", \.inOffice, \.inOffice), ("présents", \.present, \.present), ("suppléants", \.substitutes, \.substitutes),
        ("représentés", \.represented, \.represented), ("votants", \.voters, \.voters),
    ]
    static let voteFields: [(String, KeyPath<ExpectedVote, Int?>, KeyPath<AuditedVote, Int?>)] = [
        ("pour", \.votesFor, \.votesFor), ("contre", \.against, \.against), ("abstentions", \.abstentions, \.abstentions),
        ("ne prenant pas part", \.notVoting, \.notVoting),
    ]

    public static func score(_ document: Document, _ audited: AuditedDocument) -> Score {
        var score = Score()
        if !document.sourceIsWrong {
            score.falseErrors = audited.findings.filter { $0.severity == .error }.map { "\(document.name) : \($0.code) — \($0.message)" }
        }
        if let council = document.council {
            // Registers repeat their header on every item, and a reading may cut items apart
            // differently: each field is compared as the sequence of its successive values.
            for (label, expected, read) in headerFields + voteFields {
                let want = runs(council.votes.compactMap { $0[keyPath: expected] })
                let got = runs(audited.votes.compactMap { $0[keyPath: read] })
                let exact = commonSubsequence(want, got)
                if headerFields.contains(where: { $0.0 == label }) {
                    score.headerExpected += want.count
                    score.headerExact += exact
                } else {
                    score.voteExpected += want.count
                    score.voteExact += exact
                }
                if exact < want.count { score.misses.append("\(document.name) : \(label) attendu \(want), lu \(got)") }
            }
        }
        if let convention = document.convention {
            var read: [Money] = []
            for action in audited.actions {
                read += action.lines.compactMap(\.amount)
                if let total = action.statedTotal { read.append(total) }
                read += action.statedBases
                read += action.financing.compactMap(\.amount)
            }
            // Totals stated that the tables' reader checked are in the findings' stated values.
            read += audited.findings.compactMap { $0.stated.flatMap { try? AmountParser.parse($0).amount } }
            let wanted = (convention.costLines ?? []) + (convention.statedTotals ?? []) + (convention.shares ?? [])
            var pool = read
            for case let amount? in wanted.map(\.amount) {
                score.amountsExpected += 1
                guard let value = try? AmountParser.parse(amount.replacingOccurrences(of: ".", with: ",")).amount else { continue }
                if let index = pool.firstIndex(of: value) {
                    pool.remove(at: index)
                    score.amountsExact += 1
                } else {
                    score.misses.append("\(document.name) : montant \(FrenchFormat.money(value)) non lu")
                }
            }
        }
        return score
    }

    /// `[36, 36, 35]` → `[36, 35]`.
    static func runs(_ values: [Int]) -> [Int] {
        values.reduce(into: []) { out, value in if out.last != value { out.append(value) } }
    }

    /// The length of the longest common subsequence.
    static func commonSubsequence(_ a: [Int], _ b: [Int]) -> Int {
        guard !a.isEmpty, !b.isEmpty else { return 0 }
        var row = [Int](repeating: 0, count: b.count + 1)
        for x in a {
            var previous = 0
            for (j, y) in b.enumerated() {
                let saved = row[j + 1]
                row[j + 1] = x == y ? previous + 1 : max(row[j + 1], row[j])
                previous = saved
            }
        }
        return row[b.count]
    }
}

/// `pacte bench audit --corpus`: the accuracy of the readers on the corpus, per format, and the
/// time each format takes per page (the text, read in the same run, is the reference).
public enum AuditCorpusBenchmark {
    public struct Row: Sendable {
        public var format: String
        public var documents = 0
        public var pages = 0
        public var elapsed = Duration.zero
        public var score = AuditCorpus.Score()
        public var unreadable: [String] = []

        /// Reads and audits one copy of a corpus document, timing the reading and the audit.
        mutating func add(_ document: AuditCorpus.Document, file: URL) async {
            guard let data = try? Data(contentsOf: file) else { return }
            let clock = ContinuousClock()
            let start = clock.now
            do {
                let (extracted, audited) = try await DocumentReader.audit(data, file: file.lastPathComponent)
                elapsed += clock.now - start
                pages += extracted.pages
                documents += 1
                score = score + AuditCorpus.score(document, audited)
            } catch {
                unreadable.append("\(file.lastPathComponent) : \(error)")
            }
        }

        /// The time per page in nanoseconds, integer.
        var nanosecondsPerPage: Int64? {
            guard pages > 0 else { return nil }
            let (seconds, attoseconds) = elapsed.components
            return (seconds * 1_000_000_000 + attoseconds / 1_000_000_000) / Int64(pages)
        }
    }

    /// The formats tried besides the text: the file suffix `scripts/corpus-formats.py` writes.
    public static let formats: [(suffix: String, label: String)] = [(".pdf", "PDF (texte)"), (".docx", "DOCX"), (".odt", "ODT"), (".scan.pdf", "PDF scanné (OCR)")]

    public static func measure(corpus: URL, formats directory: URL?) async throws -> [Row] {
        let documents = try AuditCorpus.load(corpus)
        var text = Row(format: "texte")
        for document in documents { await text.add(document, file: document.textFile) }
        var rows = [text]
        guard let directory else { return rows }
        for (suffix, label) in formats {
            var row = Row(format: label)
            for document in documents {
                // « .pdf » must not pick the scanned copy, which ends in « .scan.pdf ».
                await row.add(document, file: directory.appendingPathComponent(document.textFile.deletingPathExtension().lastPathComponent + suffix))
            }
            if row.documents > 0 || !row.unreadable.isEmpty { rows.append(row) }
        }
        return rows
    }

    public static func report(_ rows: [Row], build: String) -> String {
        func percent(_ exact: Int, _ expected: Int) -> String {
            guard expected > 0 else { return "—" }
            let tenths = (exact * 1000 + expected / 2) / expected
            return "\(tenths / 10),\(tenths % 10) % (\(exact)/\(expected))"
        }
        func milliseconds(_ row: Row) -> String {
            guard let perPage = row.nanosecondsPerPage else { return "—" }
            return "\((perPage + 500_000) / 1_000_000) ms"
        }
        let reference = rows.first?.nanosecondsPerPage ?? 0
        var out = ["Pacte — justesse des lecteurs sur le corpus (\(rows.first?.documents ?? 0) documents), compilation \(build)", ""]
        out.append("format              | docs | pages | en-têtes exacts     | votes exacts        | montants exacts     | fausses erreurs | temps par page (× texte)")
        for row in rows {
            let ratio = row.nanosecondsPerPage.map { reference > 0 ? " (× \(($0 + reference / 2) / reference))" : "" } ?? ""
            out.append([row.format.padding(toLength: 19, withPad: " ", startingAt: 0), String(row.documents).padding(toLength: 4, withPad: " ", startingAt: 0),
                        String(row.pages).padding(toLength: 5, withPad: " ", startingAt: 0),
                        percent(row.score.headerExact, row.score.headerExpected).padding(toLength: 19, withPad: " ", startingAt: 0),
                        percent(row.score.voteExact, row.score.voteExpected).padding(toLength: 19, withPad: " ", startingAt: 0),
                        percent(row.score.amountsExact, row.score.amountsExpected).padding(toLength: 19, withPad: " ", startingAt: 0),
                        String(row.score.falseErrors.count).padding(toLength: 15, withPad: " ", startingAt: 0),
                        milliseconds(row) + ratio].joined(separator: " | "))
        }
        for row in rows where !row.score.misses.isEmpty || !row.score.falseErrors.isEmpty || !row.unreadable.isEmpty {
            out.append("")
            out.append("\(row.format) :")
            out += row.score.falseErrors.map { "  fausse erreur — \($0)" }
            out += row.score.misses.map { "  écart — \($0)" }
            out += row.unreadable.map { "  illisible — \($0)" }
        }
        return out.joined(separator: "\n")
    }
}
