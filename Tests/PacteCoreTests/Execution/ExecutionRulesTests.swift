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

@Suite("Financement d'une prestation par le plan de son action, quel que soit le genre de part")
struct InterventionFundingTests {
    static let sezanne = Result { try PlanFile.decode(try Data(contentsOf: Repository.root.appendingPathComponent("examples/sezanne.json"))) }

    static func names(_ split: InterventionFunding.Split, _ plan: ConventionPlan) -> [String: Money] {
        Dictionary(uniqueKeysWithValues: split.parts.map { (plan.funder($0.funder)?.displayName ?? "", $0.amount) })
    }

    @Test("Sézanne 2.c (25 % / 25 % / 50 %) appliqué à un parcours de 6 000 €")
    func percentages() throws {
        let plan = try Self.sezanne.get()
        let action = try #require(plan.actions.first { $0.code == "2.c" })
        let split = try InterventionFunding.split(Money(cents: 6_000_00), action: action, funders: plan.funders)
        #expect(Self.names(split, plan) == ["Ville de Sézanne": Money(cents: 1_500_00), "Entreprise": Money(cents: 1_500_00), "Région GE": Money(cents: 3_000_00)])
        #expect(split.unfunded == .zero)
    }

    @Test("Parts en montants fixes : la ressource dédiée (1 750 € + 1 750 € sur 3 500 €) paie chaque prestation à moitié ; 360° Relance (2 250 € + 2 625 € sur 4 875 €)")
    func fixedAmounts() throws {
        let plan = try Self.sezanne.get()
        let resource = try #require(plan.actions.first { $0.lines.first?.label == "Ressource dédiée à la ville de Sézanne" })
        let split = try InterventionFunding.split(Money(cents: 700_00), action: resource, funders: plan.funders)
        #expect(Self.names(split, plan) == ["CCIM": Money(cents: 350_00), "Ville de Sézanne": Money(cents: 350_00)])

        let relance = try #require(plan.actions.first { $0.code == "2.d" })
        let one = try InterventionFunding.split(Money(cents: 1_625_00), action: relance, funders: plan.funders)
        // 1 625 × 2 250 / 4 875 = 750 ; 1 625 × 2 625 / 4 875 = 875.
        #expect(Self.names(one, plan) == ["CCIM": Money(cents: 750_00), "Ville de Sézanne": Money(cents: 875_00)])
        #expect(one.funded == Money(cents: 1_625_00))
    }

    @Test("Un plan qui ne couvre pas tout le coût laisse le reste à part : 3 350 € d'un financeur sur 3 550 €")
    func unfundedRest() throws {
        let funders = [Funder(id: "ccim", name: "CCIM")]
        let lines = [CostLine(id: "l", label: "Partenariat et communication", pricing: .forfait(Money(cents: 3_550_00)))]
        let action = PlannedAction(code: "3.c", title: "Communication", lines: lines, shares: [.funder("ccim", .fixed(Money(cents: 3_350_00)))])
        let split = try InterventionFunding.split(Money(cents: 355_00), action: action, funders: funders)
        #expect(split.parts.map(\.amount) == [Money(cents: 335_00)])
        #expect(split.unfunded == Money(cents: 20_00))
    }

    @Test("Un coût sur devis garde les pourcentages ; avec des montants fixes ou sans part chiffrée, le refus est dit en français")
    func refusals() throws {
        let plan = try Self.sezanne.get()
        let diagnostic = try #require(plan.actions.first { $0.code == "1.a" })
        let split = try InterventionFunding.split(Money(cents: 1_000_00), action: diagnostic, funders: plan.funders)
        #expect(Self.names(split, plan) == ["Ville de Sézanne": Money(cents: 200_00), "Région GE": Money(cents: 800_00)])

        let funders = [Funder(id: "a", name: "A"), Funder(id: "b", name: "B")]
        let onQuote = [CostLine(id: "l", label: "Étude", pricing: .onQuote)]
        let fixed = PlannedAction(code: "x", title: "Étude", lines: onQuote, shares: [.funder("a", .fixed(Money(cents: 1_000_00)))])
        #expect(throws: InterventionFunding.Refusal.costUnknown(action: fixed.displayName)) {
            try InterventionFunding.split(Money(cents: 300_00), action: fixed, funders: funders)
        }
        let priced = [CostLine(id: "l", label: "Étude", pricing: .forfait(Money(cents: 900_00)))]
        let unknown = PlannedAction(code: "y", title: "Étude", lines: priced, shares: [.funder("b", .undetermined)])
        #expect(throws: InterventionFunding.Refusal.noShare(action: unknown.displayName)) {
            try InterventionFunding.split(Money(cents: 300_00), action: unknown, funders: funders)
        }
        #expect(InterventionFunding.Refusal.costUnknown(action: "x").description.contains("sur devis"))
    }

    @Test("Un plafond réduit la part à ce qu'il laisse : 50 % plafonnés à 1 000 € sur 4 000 €, le reste au solde")
    func caps() throws {
        let funders = [Funder(id: "a", name: "A"), Funder(id: "b", name: "B")]
        let lines = [CostLine(id: "l", label: "Salon", pricing: .forfait(Money(cents: 4_000_00)))]
        let capped = Share(payer: .funder("a"), size: .percentage(.percent(50)), cap: Cap(limit: .amount(Money(cents: 1_000_00))))
        let action = PlannedAction(code: "z", title: "Salon", lines: lines, shares: [capped, .funder("b", .remainder)])
        let split = try InterventionFunding.split(Money(cents: 400_00), action: action, funders: funders)
        #expect(split.parts.map(\.amount) == [Money(cents: 100_00), Money(cents: 300_00)])
    }

    /// A random action: forfait lines and shares of every kind, drawn from plain integers.
    static func action(lines: [Int64], shares: [Int64]) -> PlannedAction {
        let costLines = lines.enumerated().map { CostLine(id: "l\($0.offset)", label: "Ligne \($0.offset)", pricing: .forfait(Money(cents: $0.element))) }
        var hasRemainder = false
        let planShares = shares.enumerated().map { index, value -> Share in
            let funder = FunderID("f\(index % 4)")
            switch value % 6 {
            case 0: return .funder(funder, .percentage(.percent(value % 60 + 1)))
            case 1: return .funder(funder, .fixed(Money(cents: value % 2_000_000 + 1)))
            case 2 where !hasRemainder:
                hasRemainder = true
                return .funder(funder, .remainder)
            case 3:
                let pool = ProrataGroup(quantity: "population", year: 2024, members: [.init(funder: "f2", weight: value % 900 + 1), .init(funder: "f3", weight: value % 70 + 1)])
                return Share(payer: .prorata(pool), size: .fixed(Money(cents: value % 3_000_000 + 1)))
            case 4:
                return Share(payer: .funder(funder), size: .percentage(.percent(value % 80 + 1)), cap: Cap(limit: .amount(Money(cents: value % 500_000 + 1))))
            default:
                return .funder(funder, .fixed(Money(cents: value % 50_000 + 1)), condition: "si le conseil le vote")
            }
        }
        return PlannedAction(code: "p", title: "Aléatoire", lines: costLines, shares: planShares)
    }

    @Test("Propriété : pour tout plan, les parts d'une prestation et le reste non financé font son montant, et chaque part suit à un centime près la proportion que le plan donne au financeur")
    func proportionsProperty() async {
        let funders = (0..<4).map { Funder(id: FunderID("f\($0)"), name: "F\($0)") }
        await propertyCheck(count: 500, input: Gen.int64(in: 1...10_000_000_00), Gen.int64(in: 1_00...5_000_000_00).array(of: 1...4),
                            Gen.int64(in: 0...1_000_000_000).array(of: 1...6)) { price, lines, shares in
            let action = Self.action(lines: lines, shares: shares)
            let split: InterventionFunding.Split
            do { split = try InterventionFunding.split(Money(cents: price), action: action, funders: funders) } catch {
                Issue.record("refused: \(error)")
                return
            }
            #expect(split.funded + split.unfunded == Money(cents: price))
            let result = try! ConventionPlan(title: "p", funders: funders, actions: [action]).evaluate().actions[0]
            let cost = Int128(result.cost.cents)
            let funded = funders.map { Int128(result.amount(for: $0.id).cents) }.reduce(0, +)
            let base = max(cost, funded)
            for funder in funders {
                let part = Int128(split.parts.first { $0.funder == funder.id }?.amount.cents ?? 0)
                let exact = Int128(price) * Int128(result.amount(for: funder.id).cents)
                // |part − price × share / base| < 1 cent, in integers.
                #expect(abs(part * base - exact) < base)
            }
        }
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
