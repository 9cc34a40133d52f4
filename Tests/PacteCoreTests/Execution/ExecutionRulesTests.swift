import Foundation
import PacteCore
import PropertyBased
import Testing

@Suite("Enveloppes, cycle d'une prestation, de minimis")
struct ExecutionRulesTests {
    let envelope = Envelope(name: "CCST — prestations CMA", cap: Money(cents: 5_000_00))

    @Test("Seed 001 : 4 800 € engagés dans l'enveloppe de 5 000 €, 300 € de plus refusés en nommant le reste (200 €), une annulation de 600 € fait la place")
    func seed001Envelope() throws {
        var committed = Money.zero
        for euros in [1_200, 1_200, 1_200, 600, 300, 300] as [Int64] {
            _ = try envelope.admit(Money(cents: euros * 100), committed: committed)
            committed = try committed.adding(Money(cents: euros * 100))
        }
        #expect(committed == Money(cents: 4_800_00))
        let refusal = #expect(throws: EnvelopeRefusal.self) { try envelope.admit(Money(cents: 300_00), committed: committed) }
        #expect(refusal?.remaining == Money(cents: 200_00))
        #expect(refusal?.description == "Engagement refusé : l'enveloppe « CCST — prestations CMA » (5\u{202F}000,00\u{00A0}€) n'a plus que 200,00\u{00A0}€ disponibles ; 300,00\u{00A0}€ demandés.")
        committed = try committed.subtracting(Money(cents: 600_00))
        #expect(try envelope.admit(Money(cents: 300_00), committed: committed) == Money(cents: 500_00))
        #expect(throws: EnvelopeRefusal.self) { try envelope.admit(.zero, committed: .zero) }
    }

    @Test("Propriété : une suite d'engagements admis ne dépasse jamais le plafond")
    func admittedNeverPassTheCap() async {
        await propertyCheck(count: 500, input: Gen.int64(in: 1...2_000_00).array(of: 1...60)) { amounts in
            var committed = Money.zero
            for cents in amounts {
                if (try? envelope.admit(Money(cents: cents), committed: committed)) != nil {
                    committed = (try? committed.adding(Money(cents: cents))) ?? committed
                }
            }
            #expect(committed <= envelope.cap)
        }
    }

    @Test("Une prestation suit devis → acceptée → réalisée → facturée → payée ; l'annulation n'est possible qu'avant la réalisation")
    func interventionLifecycle() throws {
        var status = InterventionStatus.quoted
        for step in [InterventionStatus.accepted, .delivered, .invoiced, .paid] { status = try status.moving(to: step) }
        #expect(status == .paid)
        #expect(throws: InterventionTransitionError.self) { try InterventionStatus.quoted.moving(to: .paid) }
        #expect(throws: InterventionTransitionError.self) { try InterventionStatus.delivered.moving(to: .cancelled) }
        #expect(try InterventionStatus.accepted.moving(to: .cancelled) == .cancelled)
        let error = #expect(throws: InterventionTransitionError.self) { try InterventionStatus.paid.moving(to: .quoted) }
        #expect(error?.description == "Une prestation « payée » ne peut pas devenir « devis » : elle est close.")
        #expect(InterventionStatus.allCases.filter(\.holdsCommitment) == [.accepted, .delivered, .invoiced])
    }

    func date(_ y: Int, _ m: Int, _ d: Int) throws -> CivilDate { try CivilDate(year: y, month: m, day: d) }

    @Test("De minimis : aides du 01/03/2022, du 01/06/2023 et du 01/02/2025 ; bon règlement, bonne fenêtre, refus au-delà du plafond")
    func deMinimisLedger() throws {
        var ledger = DeMinimisLedger()
        let first = try ledger.grant(DeMinimisGrant(grantedOn: try date(2022, 3, 1), amount: Money(cents: 150_000_00), grantor: "Région"))
        #expect(first.regulation == .eu1407_2013)
        #expect(first.window == (try date(2020, 1, 1))...(try date(2022, 3, 1)))

        // 1407/2013: three fiscal years 2021–2023; 150 000 + 60 000 would pass 200 000 €.
        let refused = #expect(throws: DeMinimisRefusal.self) {
            try ledger.grant(DeMinimisGrant(grantedOn: try date(2023, 6, 1), amount: Money(cents: 60_000_00), grantor: "Département"))
        }
        #expect(refused?.assessment.room == Money(cents: 50_000_00))
        #expect(refused?.description.contains("règlement (UE) n° 1407/2013") == true)
        let second = try ledger.grant(DeMinimisGrant(grantedOn: try date(2023, 6, 1), amount: Money(cents: 40_000_00), grantor: "Département"))
        #expect(second.verdict == .nearCeiling)
        #expect(second.totalAfter == Money(cents: 190_000_00))

        // 2023/2831 from 2024: 300 000 € over the three years ending 01/02/2025, both earlier aids inside.
        let third = try ledger.assess(Money(cents: 120_000_00), on: try date(2025, 2, 1))
        #expect(third.regulation == .eu2023_2831)
        #expect(third.window == (try date(2022, 2, 2))...(try date(2025, 2, 1)))
        #expect(third.received == Money(cents: 190_000_00))
        #expect(third.verdict == .overCeiling)
        #expect(third.room == Money(cents: 110_000_00))
        #expect(throws: DeMinimisRefusal.self) {
            try ledger.grant(DeMinimisGrant(grantedOn: try date(2025, 2, 1), amount: Money(cents: 120_000_00), grantor: "Métropole"))
        }
        // An administrator may override with a reason (the caller audits it).
        #expect(try ledger.grant(DeMinimisGrant(grantedOn: try date(2025, 2, 1), amount: Money(cents: 120_000_00), grantor: "Métropole"),
                                 override: "aide notifiée à la Commission").verdict == .overCeiling)
        // A year later the 2022 aid has left the rolling window.
        let later = try ledger.assess(Money(cents: 10_000_00), on: try date(2025, 3, 2))
        #expect(later.received == Money(cents: 160_000_00))
        #expect(later.window.lowerBound == (try date(2022, 3, 3)))
    }

    @Test("De minimis 1407/2013 : un exercice qui commence en juillet déplace la fenêtre")
    func fiscalYear() throws {
        let window = DeMinimisRegulation.eu1407_2013.window(for: try date(2023, 3, 15), fiscalYearStartMonth: 7)
        #expect(window.lowerBound == (try date(2020, 7, 1)))
        #expect(DeMinimisRegulation.applicable(on: try date(2023, 12, 31)) == .eu1407_2013)
        #expect(DeMinimisRegulation.applicable(on: try date(2024, 1, 1)) == .eu2023_2831)
    }
}

@Suite("Financement d'une prestation par les parts de son action")
struct InterventionFundingTests {
    @Test("Sézanne 2.c (25 % / 25 % / 50 %) appliqué à un parcours de 6 000 € ; une part fixe ou sans montant ne s'applique pas à une prestation")
    func sezanneParcours() throws {
        let root = Repository.root
        let plan = try PlanFile.decode(try Data(contentsOf: root.appendingPathComponent("examples/sezanne.json")))
        let action = try #require(plan.actions.first { $0.code == "2.c" })
        let parts = try InterventionFunding.split(Money(cents: 6_000_00), regime: .ht, action: action, funders: plan.funders)
        let byName = Dictionary(uniqueKeysWithValues: parts.map { (plan.funder($0.funder)?.displayName ?? "", $0.amount) })
        #expect(byName == ["Ville de Sézanne": Money(cents: 1_500_00), "Entreprise": Money(cents: 1_500_00), "Région GE": Money(cents: 3_000_00)])

        let fixedOnly = PlannedAction(code: "x", title: "x", lines: [], shares: [.funder("a", .fixed(Money(cents: 1_000_00))), .funder("b", .undetermined)])
        let funders = [Funder(id: "a", name: "A"), Funder(id: "b", name: "B")]
        #expect(try InterventionFunding.split(Money(cents: 300_00), regime: .ht, action: fixedOnly, funders: funders).isEmpty)

        // Odd cents go by largest remainder: 100,01 € at 50 % / remainder.
        let halves = PlannedAction(code: "y", title: "y", lines: [], shares: [.funder("a", .percentage(.percent(50))), .funder("b", .remainder)])
        let split = try InterventionFunding.split(Money(cents: 100_01), regime: .ht, action: halves, funders: funders)
        #expect(split.map(\.amount).reduce(Money.zero, +) == Money(cents: 100_01))
    }
}

@Suite("Tableau de suivi mensuel")
struct TrackingTableTests {
    @Test("Par mois, action et financeur : prescrit, engagé, réalisé, facturé, payé ; reste de l'enveloppe cumulé mois après mois")
    func monthlyRows() throws {
        let jan = YearMonth(year: 2021, month: 1), feb = YearMonth(year: 2021, month: 2)
        let facts = [
            TrackingTable.Fact(action: "FA1", funder: "CCST", prescribedIn: jan, acceptedIn: jan, deliveredIn: feb, amount: Money(cents: 300_00)),
            TrackingTable.Fact(action: "FA2", funder: "CCST", prescribedIn: jan, acceptedIn: feb, amount: Money(cents: 1_200_00)),
            TrackingTable.Fact(action: "FA2", funder: "Région", prescribedIn: feb, amount: Money(cents: 100_00)),
        ]
        let table = try TrackingTable(facts: facts, envelopes: ["CCST": Money(cents: 5_000_00)])
        let rows = table.rows.map { "\($0.month) \($0.action) \($0.funder) \($0.prescribed) \($0.committed.cents) \($0.delivered.cents) \($0.envelopeLeft?.cents ?? -1)" }
        #expect(rows == [
            "01/2021 FA1 CCST 1 30000 0 470000",
            "01/2021 FA2 CCST 1 0 0 470000",
            "02/2021 FA1 CCST 0 0 30000 350000",
            "02/2021 FA2 CCST 0 120000 0 350000",
            "02/2021 FA2 Région 1 0 0 -1",
        ])
    }
}
