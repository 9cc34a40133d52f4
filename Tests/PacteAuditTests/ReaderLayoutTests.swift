import Testing
@testable import PacteAudit
import PacteCore

/// Layouts of other authorities, each reduced to the lines that make it hard: the readers must
/// read them and raise no error where the document is right, and still catch a real mistake.
@Suite struct ReaderLayoutTests {
    static func audit(_ text: String) -> AuditedDocument { DocumentAudit.audit(text: text, file: "test.txt") }

    @Test("Council header labels as other registers print them, OCR slips included")
    func headerLabels() {
        let flattened = Self.audit("L'an deux mille vingt-deux, le 4 avril, le conseil municipal s'est réuni. En exercice 39 Présents 36 Pouvoirs 3 Votants 39")
        #expect(flattened.votes.first.map { [$0.inOffice, $0.present, $0.represented, $0.voters] } == [39, 36, 3, 39])
        #expect(flattened.errorCount == 0)
        let ocr = Self.audit("Séance du 12 mars 2019\nNombre de conseillers titulaires en exercice : 60\nPrésents ; 57\nVo tants _ 57")
        #expect(ocr.votes.first.map { [$0.inOffice, $0.present, $0.voters] } == [60, 57, 57])
        // The count ends at the next sentence, whatever its first word (« Approbation… »).
        let run = Self.audit("Secrétaire de séance : M. X. Nombre de membres en exercice : 39 Approbation du comité syndical du 18 février 2009, adopté à l'unanimité.")
        #expect(run.votes.first?.inOffice == 39)
        #expect(run.votes.first?.votesFor == nil, "no present count: the unanimity gives no figure")
        // A label the page wrapped away from its number.
        let wrapped = Self.audit("Séance du 24 avril 2017\nNombre de conseillers titulaires en exercice : 36 Nombre de conseillers titulaires présents : 33 Nombre de votants\n: 35 Procurations : 02 Invité excusé : M. PLANTEC")
        #expect(wrapped.votes.first.map { [$0.inOffice, $0.present, $0.voters, $0.represented] } == [36, 33, 35, 2])
        // « Présents ou représentés » counts the votants.
        let prades = Self.audit("Séance du 21 mai 2014\nNombre de conseillers en exercice : 27\nPrésents ou représentés : 27\nExprimés : 27\nPour : 27\nContre : 0\nAbstentions : 0")
        #expect(prades.votes.first?.voters == 27 && prades.votes.first?.votesFor == 27)
    }

    @Test("ambiguous-count: « Représentés : 28 » beside 21 present of 29 is read as the votants, with a warning")
    func representedMeaningVoters() {
        let text = """
        L'an 2022 et le 27 Janvier, le Conseil Municipal s'est réuni.
        Excusé(s) ayant donné procuration : Mme DE BARROS Lisbeth à Mme LAHAYE Evelyne, M. DA SILVA Christophe à M. LÉONARD Christophe
        Nombre de membres
          • Afférents au Conseil municipal : 29
          • Présents : 26
          • Représentés : 28
        """
        let document = Self.audit(text)
        #expect(document.votes.first.map { [$0.inOffice, $0.present, $0.represented, $0.voters] } == [29, 26, 2, 28])
        #expect(document.findings.map(\.code) == [.ambiguousCount])
        #expect(document.findings.first?.severity == .warning)
        // Where the label can mean what it says, it does.
        let plain = Self.audit(text.replacingOccurrences(of: "Représentés : 28", with: "Représentés : 2\n  • Votants : 28"))
        #expect(plain.votes.first?.represented == 2 && plain.findings.isEmpty)
    }

    @Test("A late arrival restates the header before the vote: two headers, each checked, no false error")
    func lateArrival() {
        let text = """
        L'an deux mille dix-neuf, le vingt-huit octobre, le Conseil Municipal s'est réuni.
        Etaient absents excusés : M. Gérard BARDON (pouvoir donné à Mme Dominique DELATTRE), M. Bernard BOUILLY, M. Jean- Claude COULON (pouvoir donné à M. Michel DASSIÉ).
        Nombre de conseillers en exercice : 15 Présents : 10 Votants : 12 Monsieur Jean-Claude COULON est arrivé à 18h45, soit : Nombre de conseillers en exercice : 15 Présents : 11 Votants : 12
        Le conseil municipal APPROUVE à l'unanimité le procès-verbal.
        """
        let document = Self.audit(text)
        #expect(document.votes.map(\.present) == [10, 11])
        #expect(document.votes.first?.represented == 2, "the proxies « (pouvoir donné à …) » are read")
        #expect(document.votes.last?.votesFor == 12)
        #expect(document.errorCount == 0, "\(document.findings)")
        // Still caught: a header whose own proxies do not give its votants.
        let wrong = Self.audit(text.replacingOccurrences(of: "Présents : 10 Votants : 12", with: "Présents : 10 Votants : 13"))
        #expect(wrong.findings.contains { $0.code == .votersMismatch && $0.severity == .error })
    }

    @Test("voters-mismatch is information when the register gives neither represented members nor proxies")
    func votantsWithoutProxies() {
        let unnamed = Self.audit("Séance du 3 mars 2023\nEn exercice : 19\nPrésents : 15\nVotants : 17")
        #expect(unnamed.findings.map(\.severity) == [.info])
        #expect(unnamed.findings.first?.code == .votersMismatch)
        let counted = Self.audit("Séance du 3 mars 2023\nEn exercice : 19\nPrésents : 15\nPouvoirs : 1\nVotants : 17")
        #expect(counted.findings.map(\.severity) == [.error])
    }

    @Test("Financing written as a list: total, cost lines, shares; silent when it adds up, an error when it does not")
    func financingList() throws {
        let text = """
        Au total, les dépenses s'élèvent à 22 448 euros, qui comprennent :
        - les frais d'étude 1365 euros
        - la maîtrise d'oeuvre 1555 euros
        - l'éperon rocheux 19528 euros
        Ces travaux sont réalisés avec certaines subventions perçues :
        - des fonds FEDER (fonds européens) pour 5612 euros
        - du fond Barnier pour 8979 euros
        L'autofinancement est de 7857 euros
        """
        let document = Self.audit(text)
        let action = try #require(document.actions.first)
        #expect(action.statedTotal == .euros(22_448))
        #expect(action.lines.compactMap(\.amount) == [.euros(1_365), .euros(1_555), .euros(19_528)])
        #expect(action.financing.compactMap(\.amount) == [.euros(5_612), .euros(8_979), .euros(7_857)])
        #expect(document.findings.isEmpty, "\(document.findings)")
        let wrong = Self.audit(text.replacingOccurrences(of: "19528", with: "19628"))
        #expect(wrong.findings.contains { $0.code == .totalMismatch && $0.severity == .error })
    }

    @Test("Financing in prose: dot decimals, « millions d'euros », funders after the amount, « soit » restating a total")
    func financingProse() {
        let detr = Self.audit("Montant des travaux hors taxes : 95 598.45€\nMontant des travaux subventionnables : 95 598.45€\nTaux de subvention 35.00%\nMontant de la subvention : 33 459.46€")
        #expect(detr.actions.first?.statedTotal == Money(cents: 9_559_845))
        #expect(detr.actions.first?.statedBases == [Money(cents: 9_559_845)])
        #expect(detr.actions.first?.financing.first?.amount == Money(cents: 3_345_946))
        let toulouse = Self.audit("Le tout pour un coût de 41,5 millions d'euros TTC.\nUne opération cofinancée par l'Etat via le fonds CNDS (6 millions d'euros), le Conseil régional (6,37 millions d'euros) et enfin la part de la ville (7,9 millions d'euros).")
        #expect(toulouse.actions.first?.statedTotal == .euros(41_500_000))
        #expect(toulouse.actions.first?.financing.compactMap(\.amount) == [.euros(6_000_000), .euros(6_370_000), .euros(7_900_000)])
        #expect(toulouse.errorCount == 0, "a financing that leaves a gap is a warning")
        let cadeillan = Self.audit("Coût total : 570 000 €TTC.\nLes subventions : 96 000€ de l'Etat ; 57 000€ du Conseil général ; 6 000€ des Eaux de la Barousse soit un apport de 159 000€.")
        #expect(cadeillan.actions.first?.financing.map(\.funder) == ["Etat", "Conseil général", "Eaux de la Barousse"])
        #expect(cadeillan.actions.first?.statedBases == [.euros(159_000)])
        let excess = Self.audit("Ces travaux d'un montant de 20 000 € sont financés à hauteur de 16 000 € par l'Etat et de 8 000 € par le Conseil Départemental.")
        #expect(excess.findings.contains { $0.code == .shareMismatch && $0.severity == .error }, "shares beyond the cost")
        // A council register keeps its own reader: no financing read from its amounts in passing.
        #expect(Self.audit("Séance du 3 mars 2023\nEn exercice : 19\nPrésents : 19\nVotants : 19\nUn marché de 135.186,30 € et un autre de 168.115,45 € H.T.").actions.isEmpty)
    }

    @Test("Percentages in prose: a rate with its funder is a share, « à hauteur de 45 %, ce qui représenterait » rates the next amount")
    func financingRates() {
        let eglise = Self.audit("Le coût des travaux est de 51 090 € hors taxes.\nLa commune a obtenu plusieurs subventions pour ce chantier dont 40 % de DETR, 20 % du Conseil départemental, 9,81 % de la Région et 4 855 € de la Fondation du Patrimoine.")
        let shares = eglise.actions.first?.financing ?? []
        #expect(shares.map(\.funder) == ["DETR", "Conseil départemental", "Région", "Fondation du Patrimoine"])
        #expect(shares.compactMap(\.rate) == ["40 %", "20 %", "9,81 %"].compactMap { try? Rate.parse($0) })
        #expect(eglise.errorCount == 0)
        let drac = Self.audit("L'estimatif s'élève à 578388 € HT, soit 694066 € TTC.\nDes subventions ont été sollicitées auprès de la DRAC à hauteur de 45%, ce qui représenterait 260274 €.")
        #expect(drac.actions.first?.financing.first?.rate == (try? Rate.parse("45 %")))
        #expect(drac.actions.first?.financing.first?.funder == "la DRAC")
        #expect(drac.errorCount == 0, "45 % of 578 388 € is 260 274,60 €: a rounded figure, not an error")
        let wrongRate = Self.audit("L'estimatif s'élève à 578388 € HT.\nDes subventions ont été sollicitées auprès de la DRAC à hauteur de 45%, ce qui représenterait 290274 €.")
        #expect(wrongRate.findings.contains { $0.code == .shareMismatch && $0.severity == .error })
        // The rate of a subsidisable base is not a rate of the cost.
        let detr = Self.audit("Montant des travaux hors taxes : 700 000€\nMontant des travaux subventionnables : 380 000€\nTaux de subvention : 25.79%\nMontant de la subvention : 98 000€")
        #expect(detr.errorCount == 0, "\(detr.findings)")
    }

    @Test("A table with one row per funder: the cost row is the total, each funder a share with its rate")
    func fundersTable() {
        let text = """
        Aménagement du jardin de l'église
        FINANCEURS\tDépense H.T. Subventionnable\tTaux sollicité\tMontant Subvention
        COUT TOTAL H.T. actualisé au 27.04.2022\t54 938 €\t\t
        Département 27 – Plan Relance\t54 938 €\t50 %\t27 469 €
        SEA – Fonds de concours\t54 938 €\t30 %\t16 481 €
        Autofinancement\t54 938 €\t20 %\t10 988 €
        """
        let document = Self.audit(text)
        #expect(document.actions.count == 1)
        #expect(document.actions.first?.statedTotal == .euros(54_938))
        #expect(document.actions.first?.financing.compactMap(\.amount) == [.euros(27_469), .euros(16_481), .euros(10_988)])
        #expect(document.findings.isEmpty, "rates rounded to the euro are not errors: \(document.findings)")
        let wrong = Self.audit(text.replacingOccurrences(of: "16 481 €", with: "18 481 €"))
        #expect(wrong.findings.contains { $0.code == .shareMismatch && $0.severity == .error })
    }
}
