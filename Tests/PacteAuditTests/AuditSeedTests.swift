import Foundation
import Testing
@testable import PacteAudit
import PacteCore

/// `pacte audit` on the five source documents: exactly the errors DOMAIN.md names, and no other.
@Suite(.tags(.golden)) struct AuditSeedTests {
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("examples/documents")

    static func seed(_ prefix: String) throws -> AuditedDocument {
        let name = try #require(try FileManager.default.contentsOfDirectory(atPath: directory.path).first { $0.hasPrefix(prefix) })
        let data = try Data(contentsOf: directory.appendingPathComponent(name))
        return DocumentAudit.audit(text: try DocumentAudit.decode(data, file: name), file: name)
    }

    static func errors(_ document: AuditedDocument) -> [Finding] { document.findings.filter { $0.severity == .error } }

    @Test("Seed 000: line 3.c states 3 550 × 1 but 3 350 — the only error")
    func sezanne() throws {
        let document = try Self.seed("000")
        let errors = Self.errors(document)
        #expect(errors.map(\.code) == [.lineMismatch], "\(errors)")
        let finding = try #require(errors.first)
        #expect(finding.stated == "3350.00" && finding.computed == "3550.00" && finding.line == 287)
        // The grid's rows are its actions, with their funders' shares.
        let parcours = try #require(document.actions.first { $0.code == "2.c" })
        #expect(parcours.computedTotal == .euros(30_000))
        #expect(parcours.financing.map(\.funder) == ["Ville de Sézanne", "Entreprise", "Région GE"])
        #expect(parcours.financing.compactMap(\.amount) == [.euros(7_500), .euros(7_500), .euros(15_000)])
        #expect(parcours.financing.compactMap(\.rate) == [.percent(25), .percent(25), .percent(50)])
        // Without the line on quote, the table totals 59 975 €.
        #expect(document.actions.map(\.computedTotal).reduce(.zero, +) == .euros(59_975))
        let study = try #require(document.actions.first { $0.code == "1.a" })
        #expect(study.hasPendingLines && study.computedTotal == .zero)
        #expect(document.axes.map(\.code) == ["Axe 1", "Axe 2", "Axe 3"])
        #expect(document.parties.map(\.shortName).first == "CCIM")
        // « Banque des Territoires ? » is uncertain: information, never an error.
        #expect(document.findings.contains { $0.code == .conditionalShare && $0.severity == .info && $0.line == 284 })
    }

    @Test("Seed 001: 31 present + 7 proxies = 38 votants, 37 stated; two proxies were allowed on 17/12/2020")
    func sudTerritoire() throws {
        let document = try Self.seed("001")
        let errors = Self.errors(document)
        #expect(errors.map(\.code) == [.votersMismatch], "\(errors)")
        #expect(errors.first?.stated == "37" && errors.first?.computed == "38" && errors.first?.line == 16)
        #expect(!document.findings.contains { $0.code == .proxyLimit })
        let vote = try #require(document.votes.first)
        #expect(vote.inOffice == 50 && vote.present == 31 && vote.represented == 7 && vote.voters == 37)
        #expect(vote.sessionDate == CivilDate(unchecked: 2020, 12, 17))
        #expect(vote.regime == VotingRegime.emergency2020_1379.name)
        #expect(vote.presentNames.count == 31)
        #expect(vote.proxies.filter { $0.proxyHolder == "Thomas BIETRY" }.count == 2)
        #expect(vote.unanimous && vote.adopted == true)
        #expect(document.actesIds == ["090-249000241-20201217-2020_08_04-DE"])
        #expect(vote.authoritySiren?.description == "249000241")
    }

    @Test("Seed 002: 122 in office, 81 present, 19 represented, 100 votants, 82–8–10: adopted with no finding on the vote")
    func ardennes() throws {
        let document = try Self.seed("002")
        #expect(Self.errors(document).isEmpty, "\(Self.errors(document))")
        let vote = try #require(document.votes.first)
        #expect(vote.inOffice == 122 && vote.present == 81 && vote.represented == 19 && vote.voters == 100)
        #expect(vote.votesFor == 82 && vote.against == 8 && vote.abstentions == 10 && vote.adopted == true)
        #expect(vote.presentNames.count == 81)
        let voteCodes: Set<Finding.Code> = [.votersMismatch, .votesMismatch, .proxyLimit, .quorumNotMet, .attendanceMismatch]
        #expect(!document.findings.contains { voteCodes.contains($0.code) }, "\(document.findings)")
        // The deliberation says 16 000 € HT of maintenance, the convention 16 090 € HT for 2020.
        let twice = try #require(document.findings.first { $0.code == .crossDocumentMismatch })
        #expect(twice.severity == .warning && twice.stated == "16000.00" && twice.computed == "16090.00" && twice.line == 51)
        #expect(document.parties.count == 8)
    }

    @Test("Seed 003: the export sheet totals 12 600, not 11 900; the foreign-capital sheet charges 681,25 €/day")
    func dijon() throws {
        let document = try Self.seed("003")
        let errors = Self.errors(document)
        #expect(errors.map(\.code) == [.totalMismatch], "\(errors)")
        #expect(errors.first?.stated == "11900.00" && errors.first?.computed == "12600.00" && errors.first?.line == 556)
        let outliers = document.findings.filter { $0.code == .dayRateOutlier && $0.severity == .warning }
        #expect(outliers.map(\.line) == [487] && outliers.first?.stated == "681.25" && outliers.first?.computed == "700")
        // The indemnity-commission sheet's own 750 €/day is not an outlier.
        #expect(!document.findings.contains { $0.code == .dayRateOutlier && (997...1001).contains($0.line ?? 0) })
        let fabrik = try #require(document.actions.first { $0.title.hasPrefix("LA FABRIK") })
        #expect(fabrik.financing.compactMap(\.amount) == [.euros(49_700), .euros(13_675), .euros(17_125), .euros(50_000)])
        #expect(fabrik.financing.first?.conditional == true)
    }

    @Test("Seed 004: prose without tables — no error; « pour trois ans du 1er novembre 2018 au 30 octobre 2020 » is a warning")
    func chaumont() throws {
        let document = try Self.seed("004")
        #expect(Self.errors(document).isEmpty)
        #expect(document.findings.map(\.code) == [.durationMismatch])
        #expect(document.findings.first?.severity == .warning)
    }

    /// Every cost line and stated total of seed 003's sheets, as the sheets write them.
    static let dijonSheets: [(title: String, lines: [(String, Int64, String?)], total: Int64?)] = [
        ("AMELIORER LA CONNAISSANCE", [("Identification des entreprises à enjeux", 1_400, "2"), ("Préparation et réalisation des entretiens", 8_400, "12"),
                                       ("Synthèse des entretiens et début d'actions", 5_600, "8"), ("Animation / Restitution", 700, "1")], 16_100),
        ("AMELIORER LA COMPÉTITIVITÉ", [("Diagnostic Numérique MyShop 360 (15)", 10_500, "15"), ("Accompagnement MyShop360 (4)", 5_600, "8")], 16_100),
        ("DÉVELOPPER LE DISPOSITIF ALERTE", [("Gestion du dispositif « ALERTE COMMERCE »", 7_000, "10")], 7_000),
        ("LE PLAN DE MOBILITÉ", [("Identification des PME et réunions préparatoires", 700, "1"), ("Organisation et tenue de réunions d'information", 2_100, "3")], 2_800),
        ("OBSERVATOIRE DE L'ACTIVITÉ", [("Géoshop (actualisation des données, enrichissement)", 7_000, "10"), ("Enquête de conjoncture et note de synthèse", 9_800, "14"),
                                        ("Note de synthèse trimestrielle", 2_800, "4"), ("Réflexion comparaison villes de mêmes strates", 4_900, "7")], 24_500),
        ("Observatoire de l'immobilier", [("Compilation des données, conception, création du support IMDEX", 10_500, "15"), ("Frais d'impression", 600, nil),
                                          ("Animation, pilotage, évènementiel", 4_900, "7"), ("Préparation et participation SIMI et MIPIM", 6_300, "9")], 22_300),
        ("FICHER DES ENTREPRISES", [], 0),
        ("ENTREPRISES A CAPITAUX", [("Actualisation étude et suivi presse", 10_900, "16")], 10_900),
        ("MOBILISATION DES ENTREPRISES", [("Mise à jour étude", 7_700, "11"), ("Participation évènements Dijon Métropole", 700, "1"),
                                          ("Production de données économiques (fiches pays)", 4_200, "6")], 11_900),
        ("LA FABRIK", [("Collaborateurs", 71_000, nil), ("Communication", 58_000, nil), ("Maintenance site « Un bon stage »", 1_000, nil), ("Achats", 500, nil)], 130_500),
        ("POURSUITE DU DÉVELOPPEMENT", [("Salaire chargé", 59_000, nil), ("Outils de communication", 3_000, nil),
                                        ("Autres frais fixes (formation, déplacements, ...)", 15_500, nil), ("COORDINATION DU PROJET", 7_200, nil)], 84_700),
        ("POURSUITE DU DÉVELOPPEMENT", [("Salaire chargé", 14_750, nil), ("Outils de communication", 1_500, nil),
                                        ("Autres frais fixes (formation, déplacements, ...)", 3_500, nil), ("COORDINATION DU PROJET", 1_800, nil)], 21_550),
        ("RÉDUCTION DES POLLUTIONS", [("Débours: communication", 2_000, nil), ("Animation (30 jours)", 9_200, "30")], 11_200),
        ("LES PRATIQUES D'INNOVATION", [("Réalisation d'une enquête auprès des entreprises", 6_300, "9")], 6_300),
        ("ANIMATION DU RESEAU", [("Animation de trois groupes de travail", 4_200, "6")], 4_200),
        ("APPUI A LA MISE EN PLACE", [("1. Appui à la rédaction du règlement d'intervention", 2_250, "3"),
                                      ("2. Accompagnement à la communication et information auprès des commerçants concernés", 1_500, "2"),
                                      ("3. Appui auprès des commerçants à la formalisation des dossiers", 1_500, "2"),
                                      ("5. Présentation des dossiers en commission", 750, "1")], 6_000),
        ("ACCOMPAGNEMENT DE LA FILIÈRE", [("Appui à la communication « Trophée GUSTAVE »", 1_050, "1.5"), ("Accompagnement « PRODIJ »", 1_750, "2.5")], 2_800),
        ("FACILITER L'ACCES", [("Animation", 1_400, "2")], 1_400),
    ]

    @Test("Seed 003: every cost line and stated total of the eighteen sheets is extracted")
    func dijonExtraction() throws {
        let document = try Self.seed("003")
        #expect(document.actions.count == Self.dijonSheets.count)
        for (action, expected) in zip(document.actions, Self.dijonSheets) {
            #expect(action.title.hasPrefix(expected.title), "\(action.title)")
            #expect(action.lines.map(\.label) == expected.lines.map(\.0), "\(action.title)")
            #expect(action.lines.map(\.amount) == expected.lines.map { Money.euros($0.1) }, "\(action.title)")
            #expect(action.lines.map { $0.days.map { AuditChecks.decimalFraction($0.value) } } == expected.lines.map(\.2), "\(action.title)")
            #expect(action.statedTotal == expected.total.map(Money.euros), "\(action.title)")
        }
        #expect(document.actions.compactMap(\.year) == [2023, 2024])
        #expect(document.actions[6].statedTotal == .zero && document.actions[15].statedDays == Quantity(8))
    }

    @Test("The JSON report: amounts as decimal strings, the fields the issue lists, exit-worthy errors counted")
    func json() throws {
        let document = try Self.seed("003")
        let text = AuditJSONReport.render([document])
        let root = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        let documents = try #require(root["documents"] as? [[String: Any]])
        let first = try #require(documents.first)
        #expect(first["file"] as? String == document.file)
        let actions = try #require(first["actions"] as? [[String: Any]])
        let export = try #require(actions.first { ($0["title"] as? String)?.hasPrefix("MOBILISATION") == true })
        #expect(export["statedTotal"] as? String == "11900.00" && export["computedTotal"] as? String == "12600.00")
        let line = try #require((export["lines"] as? [[String: Any]])?.first)
        #expect(Set(line.keys).isSuperset(of: ["label", "amount", "days", "unitPrice", "quantity"]))
        #expect(line["amount"] as? String == "7700.00" && line["days"] as? String == "11" && line["unitPrice"] is NSNull)
        let fabrik = try #require(actions.first { ($0["title"] as? String)?.hasPrefix("LA FABRIK") == true })
        let share = try #require((fabrik["financing"] as? [[String: Any]])?.first)
        #expect(share["funder"] as? String == "Fonds Social Européen" && share["amount"] as? String == "49700.00" && share["conditional"] as? Bool == true)
        let findings = try #require(first["findings"] as? [[String: Any]])
        let total = try #require(findings.first { $0["code"] as? String == "total-mismatch" })
        #expect(total["severity"] as? String == "error" && total["stated"] as? String == "11900.00" && total["computed"] as? String == "12600.00" && total["line"] as? Int == 556)
        let votes = try #require((try JSONSerialization.jsonObject(with: Data(AuditJSONReport.render([try Self.seed("002")]).utf8)) as? [String: Any]).flatMap {
            ($0["documents"] as? [[String: Any]])?.first?["votes"] as? [[String: Any]]
        })
        let vote = try #require(votes.first)
        #expect(vote["inOffice"] as? Int == 122 && vote["present"] as? Int == 81 && vote["represented"] as? Int == 19 && vote["voters"] as? Int == 100)
        #expect(vote["for"] as? Int == 82 && vote["against"] as? Int == 8 && vote["abstentions"] as? Int == 10 && vote["adopted"] as? Bool == true)
    }

    @Test("The draft of every seed is a valid plan; seed 000's 3.c keeps 3 550 × 1, computed by Pacte")
    func drafts() throws {
        for prefix in ["000", "001", "002", "003", "004"] {
            let document = try Self.seed(prefix)
            let draft = ImportDraft(document: document)
            #expect(throws: Never.self, "\(prefix)") { _ = try draft.plan() }
            #expect(draft.actions.count == document.actions.count)
        }
        let draft = ImportDraft(document: try Self.seed("000"))
        let communication = try #require(draft.actions.first { $0.code == "3.c" }?.lines.first)
        #expect(communication.unitPrice == "3\u{202F}550,00" && communication.quantity == "1" && communication.amount == nil)
        let plan = try draft.plan()
        let evaluation = try plan.evaluate()
        #expect(evaluation.cost == .euros(59_975 + 200))
    }
}

extension Tag {
    /// Reproduces a figure of the source documents (as in PacteCoreTests).
    @Tag static var golden: Self
}
