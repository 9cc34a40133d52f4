import Foundation
import Testing
@testable import PacteAudit
import PacteCore

/// Each finding code on a small document that breaks its rule, and silence on the same document
/// once corrected.
@Suite struct AuditRuleTests {
    static func audit(_ text: String) -> AuditedDocument { DocumentAudit.audit(text: text, file: "test.txt") }
    static func codes(_ text: String, _ severity: Finding.Severity? = nil) -> [Finding.Code] {
        audit(text).findings.filter { severity == nil || $0.severity == severity }.map(\.code)
    }

    static func sheet(_ rows: [String], title: String = "ACCOMPAGNEMENT") -> String {
        (["TITRE DE L'ACTION :", "", title, "", "Dépenses prévisionnelles\tCoût par an"] + rows).joined(separator: "\n")
    }

    @Test("total-mismatch: the stated total against the sum of the lines (also in days)")
    func totals() {
        #expect(Self.codes(Self.sheet(["A\t1 400 € (2 j)", "B\t700 € (1 j)", "TOTAL\t2 000 €"])) == [.totalMismatch])
        #expect(Self.codes(Self.sheet(["A\t1 400 € (2 j)", "B\t700 € (1 j)", "TOTAL\t2 100 €"])).isEmpty)
        #expect(Self.codes(Self.sheet(["A\t1 400 € (2 j)", "B\t700 € (1 j)", "TOTAL\t2 100 € (4 j)"])) == [.totalMismatch])
        let finding = Self.audit(Self.sheet(["A\t1 400 € (2 j)", "TOTAL\t1 500 €"])).findings.first
        #expect(finding?.stated == "1500.00" && finding?.computed == "1400.00" && finding?.line == 7 && finding?.severity == .error)
    }

    @Test("line-mismatch: quantity × unit price against the line amount")
    func lines() {
        let grid = { (total: String) in
            "\tUnité HT\tObjectif\tTotal HT\tCCIM\n2.b Diagnostic\t650\t5\t\(total)\t\(total)"
        }
        #expect(Self.codes(grid("3 250"), .error).isEmpty)
        let finding = Self.audit(grid("3 200")).findings.first { $0.code == .lineMismatch }
        #expect(finding?.stated == "3200.00" && finding?.computed == "3250.00" && finding?.line == 2)
        // No quantity (« ---- »): one unit.
        #expect(Self.codes("\tUnité HT\tObjectif\tTotal HT\tCCIM\n3.c Communication\t3 550\t----\t3 350\t3 350€", .error) == [.lineMismatch])
    }

    @Test("day-rate-outlier: a line off the document's day rate is a warning, a sheet with its own rate is not")
    func dayRates() {
        let usual = Self.sheet(["A\t1 400 € (2 j)", "B\t2 100 € (3 j)", "TOTAL\t3 500 €"], title: "UN")
        let off = Self.sheet(["C\t10 900 € (16 j)", "TOTAL\t10 900 €"], title: "DEUX")
        let own = Self.sheet(["D\t1 500 € (2 j)", "E\t750 € (1 j)", "TOTAL\t2 250 €"], title: "TROIS")
        let findings = Self.audit([usual, off, own].joined(separator: "\n\n")).findings
        #expect(findings.map(\.code) == [.dayRateOutlier] && findings.first?.severity == .warning && findings.first?.stated == "681.25")
        #expect(Self.codes([usual, own].joined(separator: "\n\n")).isEmpty)
    }

    @Test("share-mismatch: a rate and its amount disagree, or the shares do not cover the cost")
    func shares() {
        let header = "\tUnité HT\tObjectif\tTotal HT\tFinanceurs\t\n\t\t\t\tVille\tRégion"
        #expect(Self.codes(header + "\n2.c Parcours\t6 000\t5\t30 000\t25% soit 7 500€\t75% soit 22 500€", .error).isEmpty)
        #expect(Self.codes(header + "\n2.c Parcours\t6 000\t5\t30 000\t25% soit 7 000€\t75% soit 22 500€", .error).contains(.shareMismatch))
        #expect(Self.codes(header + "\n2.c Parcours\t6 000\t5\t30 000\t7 500€\t20 000€", .error) == [.shareMismatch])
        // An uncertain funder leaves the gap open: information only.
        #expect(Self.codes(header + "\n2.c Parcours\t6 000\t5\t30 000\t7 500€\tBanque ?", .error).isEmpty)
        // A rounded rate is not a disagreement: 33 % of 1 000 € written 333,33 €.
        #expect(Self.codes(header + "\n2.c Parcours\t1 000\t1\t1 000\t33% soit 333,33€\t67% soit 666,67€").isEmpty)
        // Co-financing paragraphs of an action sheet.
        let sheet = Self.sheet(["A\t10 000 €", "Total\t10 000 €"]) + "\n\nCO-FINANCEMENTS ENVISAGES :\n\nRégion : 4 000 €\nFSE : 7 000 € (sous réserve)"
        let findings = Self.audit(sheet).findings
        #expect(findings.contains { $0.code == .shareMismatch && $0.severity == .error && $0.stated == "11000.00" })
        #expect(findings.contains { $0.code == .conditionalShare && $0.severity == .info })
    }

    static func register(present: Int, represented: [String], voters: Int, inOffice: Int = 50, date: String = "17 décembre 2020", votes: String = "") -> String {
        """
        EXTRAIT DU REGISTRE DES DÉLIBÉRATIONS DU CONSEIL COMMUNAUTAIRE
        Le \(date), le Conseil Communautaire s'est réuni.
        Avaient donné pouvoir : \(represented.joined(separator: ", ")).
        En exercice : \(inOffice)
        Présents : \(present)
        Votants : \(voters)
        \(votes)
        """
    }

    @Test("voters-mismatch, votes-mismatch, quorum-not-met, proxy-limit under the regime of the session's date")
    func votes() {
        let proxies = ["Anne DUPONT à Paul MARTIN", "Luc DURAND à Paul MARTIN"]
        #expect(Self.codes(Self.register(present: 31, represented: proxies, voters: 33)).isEmpty)
        #expect(Self.codes(Self.register(present: 31, represented: proxies, voters: 32)) == [.votersMismatch])
        // Two proxies for one member: allowed in December 2020, not in 2023.
        #expect(Self.codes(Self.register(present: 31, represented: proxies, voters: 33, date: "12 janvier 2023")) == [.proxyLimit])
        // Quorum: 20 of 50 present is below the ordinary half, above the emergency third.
        #expect(Self.codes(Self.register(present: 20, represented: [], voters: 20, date: "12 janvier 2023")) == [.quorumNotMet])
        #expect(Self.codes(Self.register(present: 20, represented: [], voters: 20)).isEmpty)
        // For + against + abstentions against votants, and a count against the names listed.
        #expect(Self.codes(Self.register(present: 31, represented: proxies, voters: 33, votes: "30 voix POUR,\n2 Contre : Jean ROUX, Marie NOIR\n2 Abstentions : Eve BLANC, Léa VERT")) == [.votesMismatch])
        #expect(Self.codes(Self.register(present: 31, represented: proxies, voters: 33, votes: "29 voix POUR,\n2 Contre : Jean ROUX, Marie NOIR\n2 Abstentions : Eve BLANC, Léa VERT")).isEmpty)
        #expect(Self.codes(Self.register(present: 31, represented: proxies, voters: 33, votes: "29 voix POUR,\n3 Contre : Jean ROUX, Marie NOIR\n1 Abstentions : Eve BLANC")) == [.votesMismatch])
        let vote = Self.audit(Self.register(present: 31, represented: proxies, voters: 33, votes: "29 voix POUR,\n2 Contre : Jean ROUX, Marie NOIR\n2 Abstentions : Eve BLANC, Léa VERT")).votes.first
        #expect(vote?.adopted == true && vote?.votesFor == 29 && vote?.against == 2 && vote?.abstentions == 2)
    }

    @Test("Without a readable session date, proxies and quorum are information, not errors")
    func undatedRegister() {
        let text = "REGISTRE DES DÉLIBÉRATIONS\nAvaient donné pouvoir : Anne DUPONT à Paul MARTIN, Luc DURAND à Paul MARTIN.\nEn exercice : 50\nPrésents : 31\nVotants : 33"
        #expect(Self.codes(text, .error).isEmpty)
        #expect(Self.codes(text, .info) == [.proxyLimit])
    }

    @Test("actes-id-invalid: a malformed @CTES identifier is an error; a valid one is listed")
    func actesIds() {
        let good = Self.audit("ID : 090-249000241-20201217-2020\\_08\\_04-DE")
        #expect(good.actesIds == ["090-249000241-20201217-2020_08_04-DE"] && good.findings.isEmpty)
        #expect(Self.codes("ID : 090-249000242-20201217-2020_08_04-DE") == [.actesIdInvalid])
        #expect(Self.codes("ID : 090-249000241-20201317-2020_08_04-DE") == [.actesIdInvalid])
        #expect(Self.codes("ID : 090-249000241-20201217-2020_08_04-XX") == [.actesIdInvalid])
    }

    @Test("cross-document-mismatch: one item with two amounts in one file; HT and TTC or two years are two items")
    func amountsGivenTwice() {
        let text = """
        Le forfait annuel de maintenance s'élève à 16 000 € HT.

        - le forfait annuel de maintenance pour l'année 2020 s'élevant à 16 090 € HT.
        - le forfait annuel de maintenance pour l'année 2021 s'élevant à 19 308 € TTC.
        """
        let findings = Self.audit(text).findings
        #expect(findings.map(\.code) == [.crossDocumentMismatch] && findings.first?.line == 1 && findings.first?.severity == .warning)
        #expect(Self.codes("Le forfait annuel de maintenance s'élève à 16 090 € HT.\n\nle forfait annuel de maintenance pour l'année 2020 s'élevant à 16 090 € HT.").isEmpty)
    }

    @Test("Extraction noise: <b> and ** leftovers, 22.300 €, 1,5j, CRLF line ends, tabs that drifted")
    func noise() {
        let text = "TITRE DE L'ACTION :\r\n\r\n**IMDEX**\r\n\r\n<b>Dépenses prévisionnelles</b>\t<b>Coût / an</b>\r\nCompilation\t10 500 € (15 j)\r\nFrais\t1.050 € (1,5j)\r\nDébours\t\r\n<b>Total</b>\t<b>11.550 €</b>\r\n"
        let document = Self.audit(text)
        #expect(document.findings.isEmpty, "\(document.findings)")
        let action = document.actions.first
        #expect(action?.title == "IMDEX")
        #expect(action?.lines.map(\.amount) == [.euros(10_500), .euros(1_050)])
        #expect(action?.lines.last?.days == (try? Quantity.parse("1,5")))
        #expect(action?.statedTotal == .euros(11_550))
    }

    @Test("French dates and numbers written in words")
    func frenchDates() {
        #expect(FrenchDates.dates(in: "L'an deux mil vingt, le 17 décembre à 18h00") == [CivilDate(unchecked: 2020, 12, 17)])
        #expect(FrenchDates.dates(in: "Le dix sept décembre deux mille vingt, le Conseil") == [CivilDate(unchecked: 2020, 12, 17)])
        #expect(FrenchDates.dates(in: "du 1er novembre 2018 au 30 octobre 2020") == [CivilDate(unchecked: 2018, 11, 1), CivilDate(unchecked: 2020, 10, 30)])
        #expect(FrenchDates.number(["quatre", "vingt", "dix", "sept"]) == 97)
        #expect(FrenchDates.number(["soixante", "et", "onze"]) == 71)
    }

    @Test("Unreadable input: binary data and empty files are refused with a French reason")
    func unreadable() {
        #expect(throws: UnreadableDocument.self) { try DocumentAudit.decode(Data([0x25, 0x50, 0x44, 0x46, 0x00, 0x01]), file: "a.pdf") }
        #expect(throws: UnreadableDocument.self) { try DocumentAudit.decode(Data(), file: "vide.txt") }
        #expect((try? DocumentAudit.decode(Data([0x44, 0xE9, 0x70]), file: "latin.txt")) == "Dép")
        #expect((try? DocumentAudit.decode(Data([0xEF, 0xBB, 0xBF, 0x41]), file: "bom.txt")) == "A")
    }
}
