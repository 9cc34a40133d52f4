import Foundation
import Testing
@testable import PacteAudit
import PacteCore

/// A long property run: the five source documents, mangled the way extraction and OCR mangle
/// text, fed to the audit for `PACTE_FUZZ_SECONDS` seconds (default 120). Any crash fails the
/// test run; a document that takes more than ten seconds is a hang. Each failure names the seed
/// that reproduces it (`PACTE_FUZZ_SEED`).
@Suite struct AuditFuzzTests {
    /// SplitMix64: small, fast, reproducible from its seed.
    struct Random {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func below(_ n: Int) -> Int { n <= 0 ? 0 : Int(next() % UInt64(n)) }
    }

    static let noise: [String] = [
        "\t", "\n", "€", "%", "(", ")", ":", ";", ",", ".", "-", "/", "?", "**", "<b>", "</b>", "<sup>", "\\_", "é", "œ", "\u{00A0}", "\u{202F}",
        "0", "1", "5", "9", "000", " j", "j)", "(12 j)", "soit ", "TOTAL", "Total\t", "Votants", "Présents : ", "En exercice\t", " à ",
        "99999999999999999999", "1 500 10 000 4 000", "sur devis", "sous réserve", "Axe 9 ", "2.c ", "TITRE DE L'ACTION :", "FICHE ACTION 3",
        "ID : 090-249000241-2020", "pour trois ans du 1er ", "s'élève à ", "décembre", "l'an deux mil", "\u{0301}", "🙂", "\r", "«", "»",
    ]

    static func mangle(_ text: String, _ random: inout Random) -> String {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { Array(String($0)) }
        let edits = 1 + random.below(40)
        for _ in 0..<edits {
            guard !lines.isEmpty else { lines = [[]]; continue }
            let l = random.below(lines.count)
            switch random.below(9) {
            case 0: // delete a character
                if !lines[l].isEmpty { lines[l].remove(at: random.below(lines[l].count)) }
            case 1, 2: // insert noise
                lines[l].insert(contentsOf: Array(noise[random.below(noise.count)]), at: random.below(lines[l].count + 1))
            case 3: // replace a digit
                if let i = lines[l].indices.filter({ lines[l][$0].isNumber }).randomElement(using: &random) { lines[l][i] = Character(String(random.below(10))) }
            case 4: // duplicate a line
                lines.insert(lines[l], at: random.below(lines.count + 1))
            case 5: // drop a line
                lines.remove(at: l)
            case 6: // swap two lines
                lines.swapAt(l, random.below(lines.count))
            case 7: // tabs for spaces: columns that drifted
                lines[l] = lines[l].map { $0 == " " && random.below(4) == 0 ? "\t" : $0 }
            default: // cut the document short
                if random.below(6) == 0 { lines = Array(lines.prefix(random.below(lines.count + 1))) }
            }
        }
        return lines.map { String($0) }.joined(separator: "\n")
    }

    @Test("Mangled documents for minutes: no crash, no hang, findings within the document")
    func fuzz() throws {
        let seconds = Double(ProcessInfo.processInfo.environment["PACTE_FUZZ_SECONDS"] ?? "") ?? 120
        let startSeed = UInt64(ProcessInfo.processInfo.environment["PACTE_FUZZ_SEED"] ?? "") ?? UInt64(Date().timeIntervalSince1970)
        let directory = AuditSeedTests.directory
        let texts = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted().map {
            try String(contentsOf: directory.appendingPathComponent($0), encoding: .utf8)
        }
        let deadline = Date().addingTimeInterval(seconds)
        var runs = 0
        var slowest = 0.0
        var seed = startSeed
        repeat {
            var random = Random(state: seed)
            let base = texts[random.below(texts.count)]
            let text = Self.mangle(base, &random)
            let started = Date()
            let document = DocumentAudit.audit(text: text, file: "fuzz.txt")
            let elapsed = Date().timeIntervalSince(started)
            slowest = max(slowest, elapsed)
            #expect(elapsed < 10, "seed \(seed): \(elapsed) s")
            let lineCount = DocumentText(text).lines.count
            for finding in document.findings {
                #expect((1...max(lineCount, 1)).contains(finding.line ?? 1), "seed \(seed): \(finding)")
                #expect(!finding.message.isEmpty)
            }
            let json = AuditJSONReport.render([document])
            #expect((try? JSONSerialization.jsonObject(with: Data(json.utf8))) != nil, "seed \(seed)")
            _ = AuditTextReport.render([document])
            _ = try? ImportDraft(document: document).plan()
            runs += 1
            seed &+= 1
        } while Date() < deadline
        print("Audit fuzz: \(runs) mangled documents in \(Int(seconds)) s from seed \(startSeed), slowest \(String(format: "%.3f", slowest)) s")
        #expect(runs > 0)
    }
}

extension Array {
    func randomElement(using random: inout AuditFuzzTests.Random) -> Element? {
        isEmpty ? nil : self[random.below(count)]
    }
}
