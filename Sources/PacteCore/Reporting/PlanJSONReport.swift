import Foundation

/// The evaluated plan as JSON, amounts as decimal strings (`"59975.00"`), for scripts and the API.
public struct PlanJSONReport: Encodable, Sendable {
    public struct Totals: Encodable, Sendable {
        var cost: Money
        var funded: Money
        var unfunded: Money
        var excess: Money
        var conditional: Money
        var pendingLines: Int
    }

    public struct FunderTotal: Encodable, Sendable {
        var id: FunderID
        var name: String
        var shortName: String?
        var siren: String?
        var total: Money
        var conditional: Money
        var byYear: [String: Money]?
    }

    public struct YearTotal: Encodable, Sendable {
        var year: Int
        var cost: Money
        var funders: [String: Money]
    }

    public struct ShareLine: Encodable, Sendable {
        var funder: FunderID
        var kind: String
        var rate: Rate?
        var amount: Money?
        var pending: Bool
        var conditional: Bool
        var condition: String?
        var cappedFrom: Money?
        var partial: Bool
        var prorata: Prorata?
        var capOverflowFrom: FunderID?
    }

    public struct Prorata: Encodable, Sendable {
        var quantity: String
        var year: Int
        var weight: Int64
    }

    public struct PendingLine: Encodable, Sendable {
        var id: String
        var label: String
    }

    public struct Period: Encodable, Sendable {
        var year: Int?
        var cost: Money
        var funded: Money
        var unfunded: Money
        var excess: Money
        var conditional: Money
        var unfundedIfConditionalFails: Money
        var pendingLines: [PendingLine]
        var shares: [ShareLine]
    }

    public struct Action: Encodable, Sendable {
        var code: String
        var title: String
        var axis: String?
        var cost: Money
        var unfunded: Money
        var excess: Money
        var funders: [String: Money]
        var periods: [Period]
        var notes: [String]
    }

    var title: String
    var taxRegime: TaxRegime
    var currency = "EUR"
    var totals: Totals
    var funders: [FunderTotal]
    var years: [YearTotal]
    var actions: [Action]
    var findings: [Finding]

    public init(_ evaluation: PlanEvaluation) {
        let plan = evaluation.plan
        title = plan.title
        taxRegime = plan.regime
        let allOutcomes = evaluation.actions.flatMap(\.periods).flatMap(\.outcomes)
        totals = Totals(
            cost: evaluation.cost,
            funded: allOutcomes.compactMap(\.amount).reduce(.zero, +),
            unfunded: evaluation.unfunded, excess: evaluation.excess,
            conditional: evaluation.conditional, pendingLines: evaluation.pendingLineCount)
        let years = evaluation.years
        funders = plan.funders.map { funder in
            FunderTotal(
                id: funder.id, name: funder.name, shortName: funder.shortName, siren: funder.siren?.digits,
                total: evaluation.amount(for: funder.id),
                conditional: allOutcomes.filter { $0.funder == funder.id && $0.isConditional }.compactMap(\.amount).reduce(.zero, +),
                byYear: years.isEmpty ? nil : Dictionary(uniqueKeysWithValues: years.map { (String($0), evaluation.amount(for: funder.id, inYear: $0)) }))
        }
        self.years = years.map { year in
            YearTotal(year: year, cost: evaluation.cost(inYear: year),
                      funders: Dictionary(uniqueKeysWithValues: plan.funders.map { ($0.id.rawValue, evaluation.amount(for: $0.id, inYear: year)) }))
        }
        actions = evaluation.actions.map { result in
            Action(
                code: result.action.code, title: result.action.title, axis: result.action.axis,
                cost: result.cost, unfunded: result.unfunded, excess: result.excess,
                funders: Dictionary(uniqueKeysWithValues: plan.funders.compactMap { funder in
                    let amount = result.amount(for: funder.id)
                    return result.periods.contains { !$0.outcomes(for: funder.id).isEmpty } ? (funder.id.rawValue, amount) : nil
                }),
                periods: result.periods.map(PlanJSONReport.period),
                notes: result.action.notes)
        }
        findings = evaluation.findings
    }

    static func period(_ period: PeriodResult) -> Period {
        Period(
            year: period.year, cost: period.cost, funded: period.funded, unfunded: period.unfunded,
            excess: period.excess, conditional: period.conditional,
            unfundedIfConditionalFails: period.unfundedIfConditionalFails,
            pendingLines: period.pendingLines.map { PendingLine(id: $0.id, label: $0.label) },
            shares: period.outcomes.map { outcome in
                var kind: String
                var rate: Rate?
                switch outcome.size {
                case .percentage(let r): kind = "percentage"; rate = r
                case .fixed: kind = "fixed"
                case .remainder: kind = "remainder"
                case .undetermined: kind = "undetermined"
                }
                var prorata: Prorata?
                var overflowFrom: FunderID?
                switch outcome.origin {
                case .share: break
                case let .prorata(quantity, year, weight): prorata = Prorata(quantity: quantity, year: year, weight: weight)
                case .capOverflow(let from): kind = "capOverflow"; overflowFrom = from
                }
                return ShareLine(
                    funder: outcome.funder, kind: kind, rate: rate, amount: outcome.amount, pending: outcome.isPending,
                    conditional: outcome.isConditional, condition: outcome.condition, cappedFrom: outcome.cappedFrom,
                    partial: outcome.basisIncludesPending, prorata: prorata, capOverflowFrom: overflowFrom)
            })
    }

    /// Pretty, key-sorted JSON, so that the output is stable from one run to the next.
    public func render() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }
}
