/// What one funder is asked to pay for one share, once the plan is evaluated.
public struct ShareOutcome: Hashable, Sendable {
    public enum Origin: Hashable, Sendable {
        case share
        /// A member's part of a prorata pool.
        case prorata(quantity: String, year: Int, weight: Int64)
        /// What a cap cut off another funder's share and this funder took over.
        case capOverflow(from: FunderID)
    }

    public var funder: FunderID
    /// nil when the amount is not known: the basis is sur devis, or the share is undetermined.
    public var amount: Money?
    public var size: Share.Size
    public var condition: String?
    public var origin: Origin
    /// The amount before a cap cut it down.
    public var cappedFrom: Money?
    /// The basis includes sur devis lines, so the amount covers only the known part.
    public var basisIncludesPending: Bool
    /// Position of the share in the action's list.
    public var shareIndex: Int

    public var isConditional: Bool { condition != nil }
    public var isPending: Bool { amount == nil && size != .undetermined }
    public var isUndetermined: Bool { size == .undetermined }
}

/// One action in one budget year (or the whole action for a single-period plan).
public struct PeriodResult: Hashable, Sendable {
    public var year: Int?
    /// The known cost, in the plan's tax regime; sur devis lines are apart, never counted as 0.
    public var cost: Money
    public var pendingLines: [CostLine]
    public var outcomes: [ShareOutcome]
    public var funded: Money
    /// What no share pays (≥ 0).
    public var unfunded: Money
    /// What the shares pay beyond the cost (≥ 0).
    public var excess: Money
    /// The part of `unfunded` that caps cut off and nobody took over.
    public var cutByCaps: Money
    /// What conditional shares bring.
    public var conditional: Money

    /// What would remain unfunded if every conditional share fell through.
    public var unfundedIfConditionalFails: Money {
        let withoutConditional = funded - conditional
        return cost > withoutConditional ? cost - withoutConditional : .zero
    }

    public func amount(for funder: FunderID) -> Money {
        outcomes.filter { $0.funder == funder }.compactMap(\.amount).reduce(.zero, +)
    }

    public func outcomes(for funder: FunderID) -> [ShareOutcome] { outcomes.filter { $0.funder == funder } }
}

public struct ActionResult: Hashable, Sendable {
    public var action: PlannedAction
    public var periods: [PeriodResult]
    public var findings: [Finding]

    public var cost: Money { periods.map(\.cost).reduce(.zero, +) }
    public var unfunded: Money { periods.map(\.unfunded).reduce(.zero, +) }
    public var excess: Money { periods.map(\.excess).reduce(.zero, +) }
    public var pendingLines: [CostLine] { periods.flatMap(\.pendingLines) }
    public func amount(for funder: FunderID) -> Money { periods.map { $0.amount(for: funder) }.reduce(.zero, +) }
}

/// The evaluated financing of a whole convention: per action, per year, per funder, with findings.
public struct PlanEvaluation: Hashable, Sendable {
    public var plan: ConventionPlan
    public var actions: [ActionResult]

    public var findings: [Finding] { actions.flatMap(\.findings) }
    public var cost: Money { actions.map(\.cost).reduce(.zero, +) }
    public var unfunded: Money { actions.map(\.unfunded).reduce(.zero, +) }
    public var excess: Money { actions.map(\.excess).reduce(.zero, +) }
    public var conditional: Money { actions.flatMap(\.periods).map(\.conditional).reduce(.zero, +) }
    public var pendingLineCount: Int { actions.map { $0.pendingLines.count }.reduce(0, +) }

    public func amount(for funder: FunderID) -> Money { actions.map { $0.amount(for: funder) }.reduce(.zero, +) }

    /// The budget years that appear in the plan, in order.
    public var years: [Int] { Array(Set(actions.flatMap(\.periods).compactMap(\.year))).sorted() }

    public func cost(inYear year: Int) -> Money {
        actions.flatMap(\.periods).filter { $0.year == year }.map(\.cost).reduce(.zero, +)
    }

    public func amount(for funder: FunderID, inYear year: Int) -> Money {
        actions.flatMap(\.periods).filter { $0.year == year }.map { $0.amount(for: funder) }.reduce(.zero, +)
    }
}

extension PlanEvaluation {
    /// The totals above are summed with `+`; this checks once, with overflow-checked sums, that
    /// every one of them fits, so that reading them can never trap.
    func checkTotalsFit() throws(PlanError) {
        let periods = actions.flatMap(\.periods)
        var columns: [[Money]] = [periods.map(\.cost), periods.map(\.funded), periods.map(\.unfunded), periods.map(\.excess), periods.map(\.conditional)]
        for funder in plan.funders {
            columns.append(periods.map { $0.amount(for: funder.id) })
        }
        for column in columns {
            do { _ = try Money.sum(column) } catch {
                throw PlanError(location: plan.title, message: "les montants sont trop grands pour être additionnés exactement.")
            }
        }
    }
}

extension ConventionPlan {
    /// Evaluates every action: costs, shares, gaps, excesses and findings. Throws `PlanError` when
    /// the plan is not well formed (a share names an unknown funder or line, two remainders…).
    public func evaluate() throws(PlanError) -> PlanEvaluation {
        try validate()
        var results: [ActionResult] = []
        for action in actions {
            do {
                var evaluator = ActionEvaluator(plan: self, action: action)
                results.append(try evaluator.evaluate())
            } catch let error as PlanError {
                throw error
            } catch {
                throw PlanError(location: action.displayName, message: "\(error)")
            }
        }
        let evaluation = PlanEvaluation(plan: self, actions: results)
        try evaluation.checkTotalsFit()
        return evaluation
    }

    /// Checks the structure of the plan; every message is in French and names the action.
    public func validate() throws(PlanError) {
        var seen = Set<FunderID>()
        for funder in funders {
            guard seen.insert(funder.id).inserted else {
                throw PlanError(location: "Financeurs", message: "le financeur « \(funder.id) » est déclaré deux fois.")
            }
        }
        for action in actions {
            let place = action.displayName
            var lineIDs = Set<String>()
            for line in action.lines {
                guard lineIDs.insert(line.id).inserted else {
                    throw PlanError(location: place, message: "deux lignes de coût portent l'identifiant « \(line.id) ».")
                }
            }
            let periods = action.periods
            let multiYear = periods.contains { $0 != nil }
            if multiYear, let line = action.lines.first(where: { $0.year == nil }) {
                throw PlanError(location: place, message: "la ligne « \(line.label) » n'a pas d'année alors que d'autres lignes en ont une : précisez son année.")
            }
            for (funder, _) in action.statedFunderTotals where !seen.contains(funder) {
                throw PlanError(location: place, message: "total indiqué pour « \(funder) », qui n'est pas un financeur déclaré.")
            }
            for (index, share) in action.shares.enumerated() {
                let label = "part n° \(index + 1)"
                if case .fixed(let amount) = share.size, amount.isNegative {
                    throw PlanError(location: place, message: "\(label) : un montant de part ne peut pas être négatif.")
                }
                if case .amount(let limit)? = share.cap?.limit, limit.isNegative {
                    throw PlanError(location: place, message: "\(label) : un plafond ne peut pas être négatif.")
                }
                if multiYear, share.year == nil, case .fixed = share.size {
                    throw PlanError(location: place, message: "\(label) : dans un plan pluriannuel, un montant fixe doit indiquer son année.")
                }
                if let basis = share.basisLines, Set(basis).count != basis.count {
                    throw PlanError(location: place, message: "\(label) : une ligne de coût est citée deux fois.")
                }
                for funder in share.funders where !seen.contains(funder) {
                    throw PlanError(location: place, message: "\(label) : le financeur « \(funder) » n'est pas déclaré.")
                }
                if let overflow = share.cap?.overflowTo, !seen.contains(overflow) {
                    throw PlanError(location: place, message: "\(label) : le financeur « \(overflow) » qui reprend le dépassement du plafond n'est pas déclaré.")
                }
                for id in share.basisLines ?? [] where !lineIDs.contains(id) {
                    throw PlanError(location: place, message: "\(label) : la ligne de coût « \(id) » n'existe pas.")
                }
                if share.basisLines?.isEmpty == true {
                    throw PlanError(location: place, message: "\(label) : la liste des lignes financées est vide.")
                }
                if let year = share.year, !periods.contains(year) {
                    throw PlanError(location: place, message: "\(label) : aucune ligne de coût pour l'année \(year).")
                }
                if share.size == .remainder && share.basisLines != nil {
                    throw PlanError(location: place, message: "\(label) : le solde porte sur le coût entier de l'action, pas sur une partie de ses lignes.")
                }
                if case .prorata(let group) = share.payer {
                    if group.members.isEmpty {
                        throw PlanError(location: place, message: "\(label) : la répartition au prorata n'a aucun membre.")
                    }
                    if group.members.contains(where: { $0.weight < 0 }) || group.members.allSatisfy({ $0.weight == 0 }) {
                        throw PlanError(location: place, message: "\(label) : les valeurs de « \(group.quantity) » doivent être positives et non toutes nulles.")
                    }
                    if share.size == .undetermined {
                        throw PlanError(location: place, message: "\(label) : une répartition au prorata doit porter sur un montant, un taux ou le solde.")
                    }
                }
            }
            for period in periods {
                let remainders = action.shares.filter { $0.size == .remainder && ($0.year == nil || $0.year == period) }
                if remainders.count > 1 {
                    throw PlanError(location: place, message: "plusieurs parts « solde » pour la même période : une seule peut recevoir le reste.")
                }
            }
        }
    }
}

/// Evaluates one action, period by period.
struct ActionEvaluator {
    let plan: ConventionPlan
    let action: PlannedAction
    private var findings: [Finding] = []

    init(plan: ConventionPlan, action: PlannedAction) {
        self.plan = plan
        self.action = action
    }

    mutating func evaluate() throws -> ActionResult {
        var periods: [PeriodResult] = []
        for period in action.periods {
            periods.append(try evaluate(period: period))
        }
        var result = ActionResult(action: action, periods: periods, findings: [])
        try checkStatedTotals(result)
        checkStatedFunderTotals(result)
        result.findings = findings
        return result
    }

    private var place: String { action.displayName }

    private func name(_ funder: FunderID) -> String { plan.funder(funder)?.name ?? funder.rawValue }

    private func yearSuffix(_ year: Int?) -> String { year.map { " (\($0))" } ?? "" }

    // MARK: - One period

    private mutating func evaluate(period: Int?) throws -> PeriodResult {
        let lines = action.lines.filter { $0.year == period }
        var retained: [String: Money] = [:]
        var pending: [CostLine] = []
        for line in lines {
            try checkLineArithmetic(line)
            guard var amount = try line.retainedAmount() else {
                pending.append(line)
                findings.append(Finding(.info, .pendingCost,
                    "« \(line.label) » est sur devis : montant en attente, exclu des totaux.", location: place))
                continue
            }
            if line.regime != plan.regime {
                let converted = try TaxedAmount(amount, line.regime).converted(to: plan.regime, vat: plan.vat)
                if converted.amount != amount {
                    findings.append(Finding(.info, .taxConversion,
                        "« \(line.label) » : \(amount) \(line.regime.label) converti en \(converted.amount) \(plan.regime.label) (TVA \(plan.vat)).",
                        stated: amount.decimalString, computed: converted.amount.decimalString, location: place))
                }
                amount = converted.amount
            }
            try checkDayRate(line, amount: amount)
            retained[line.id] = amount
        }
        let cost = try Money.sum(lines.compactMap { retained[$0.id] })
        let applicable = action.shares.enumerated().filter { $0.element.year == nil || $0.element.year == period }

        func basis(_ share: Share) throws -> (amount: Money, hasPending: Bool, fullyPending: Bool) {
            let ids = share.basisLines ?? lines.map(\.id)
            let inPeriod = ids.filter { id in lines.contains { $0.id == id } }
            let known = inPeriod.compactMap { retained[$0] }
            let pendingCount = inPeriod.count - known.count
            return (try Money.sum(known), pendingCount > 0, known.isEmpty && pendingCount > 0)
        }

        // 1. Percentages, grouped by basis so that the shares of one basis add up exactly.
        var base: [Int: Money] = [:]
        var bases: [Int: (amount: Money, hasPending: Bool, fullyPending: Bool)] = [:]
        var includesPending: Set<Int> = []
        var groups: [[String]: [Int]] = [:]
        var groupOrder: [[String]] = []
        for (index, share) in applicable {
            let b = try basis(share)
            bases[index] = b
            if b.hasPending { includesPending.insert(index) }
            switch share.size {
            case .percentage:
                let key = (share.basisLines ?? []).sorted()
                if groups[key] == nil { groupOrder.append(key) }
                groups[key, default: []].append(index)
            case .fixed(let amount):
                base[index] = amount
            case .remainder, .undetermined:
                break
            }
        }
        for key in groupOrder {
            let members = groups[key] ?? []
            guard let first = members.first, let b = bases[first], !b.fullyPending else { continue }
            let rates = members.map { index -> Rate in
                if case .percentage(let rate) = action.shares[index].size { return rate }
                return .zero
            }
            var total = Rate.zero
            for rate in rates { total = try total.adding(rate) }
            let target = try total.applied(to: b.amount)
            let amounts = total.isZero
                ? Array(repeating: Money.zero, count: rates.count)
                : try Allocation.split(target, rates: rates)
            for (index, amount) in zip(members, amounts) { base[index] = amount }
        }

        // 2. Caps on the shares known so far.
        var cappedFrom: [Int: Money] = [:]
        var overflow: [ShareOutcome] = []
        var cutByCaps = Money.zero
        func applyCap(_ index: Int, _ share: Share, _ amount: Money) throws -> Money {
            guard let cap = share.cap else { return amount }
            let limit: Money
            switch cap.limit {
            case .amount(let value): limit = value
            case .rate(let rate): limit = try rate.applied(to: bases[index]?.amount ?? .zero)
            }
            guard amount > limit else { return amount }
            let cut = amount - limit
            cappedFrom[index] = amount
            let payers = share.funders.map(name).joined(separator: ", ")
            let rule = cap.label.map { " (\($0))" } ?? ""
            if let taker = cap.overflowTo {
                overflow.append(ShareOutcome(funder: taker, amount: cut, size: .fixed(cut), condition: nil,
                    origin: .capOverflow(from: share.funders.first ?? taker), cappedFrom: nil,
                    basisIncludesPending: false, shareIndex: index))
                findings.append(Finding(.info, .capApplied,
                    "\(payers)\(yearSuffix(period)) : part plafonnée\(rule) à \(limit) au lieu de \(amount) ; \(cut) reportés sur \(name(taker)).",
                    stated: limit.decimalString, computed: amount.decimalString, location: place))
            } else {
                cutByCaps += cut
                findings.append(Finding(.info, .capApplied,
                    "\(payers)\(yearSuffix(period)) : part plafonnée\(rule) à \(limit) au lieu de \(amount) ; \(cut) restent sans financeur.",
                    stated: limit.decimalString, computed: amount.decimalString, location: place))
            }
            return limit
        }
        for (index, share) in applicable {
            if let amount = base[index] { base[index] = try applyCap(index, share, amount) }
        }

        // 3. The remainder takes what is left of the known cost.
        let allPending = lines.allSatisfy { retained[$0.id] == nil } && !pending.isEmpty
        if let (index, share) = applicable.first(where: { $0.element.size == .remainder }), !allPending {
            let others = try Money.sum(base.values).adding(try Money.sum(overflow.compactMap(\.amount)))
            let left = cost > others ? cost - others : .zero
            base[index] = try applyCap(index, share, left)
        }

        // 4. Outcomes, with prorata pools split among their members.
        var outcomes: [ShareOutcome] = []
        for (index, share) in applicable {
            let amount = base[index]
            switch share.payer {
            case .funder(let funder):
                outcomes.append(ShareOutcome(funder: funder, amount: amount, size: share.size, condition: share.condition,
                    origin: .share, cappedFrom: cappedFrom[index], basisIncludesPending: includesPending.contains(index), shareIndex: index))
            case .prorata(let group):
                let parts: [Money?]
                if let amount {
                    parts = try Allocation.split(amount, weights: group.members.map(\.weight)).map { Optional($0) }
                } else {
                    parts = Array(repeating: nil, count: group.members.count)
                }
                for (member, part) in zip(group.members, parts) {
                    outcomes.append(ShareOutcome(funder: member.funder, amount: part, size: share.size, condition: share.condition,
                        origin: .prorata(quantity: group.quantity, year: group.year, weight: member.weight),
                        cappedFrom: nil, basisIncludesPending: includesPending.contains(index), shareIndex: index))
                }
            }
            try checkStatedShare(share, index: index, amount: cappedFrom[index] ?? amount, capped: cappedFrom[index] != nil ? amount : nil, period: period)
        }
        outcomes += overflow

        let funded = try Money.sum(outcomes.compactMap(\.amount))
        let conditional = try Money.sum(outcomes.filter(\.isConditional).compactMap(\.amount))
        let result = PeriodResult(
            year: period, cost: cost, pendingLines: pending, outcomes: outcomes, funded: funded,
            unfunded: cost > funded ? cost - funded : .zero,
            excess: funded > cost ? funded - cost : .zero,
            cutByCaps: cutByCaps, conditional: conditional)
        checkCoverage(result, hasShares: !applicable.isEmpty)
        reportConditionsAndUnknowns(result)
        return result
    }

    // MARK: - Checks

    private mutating func checkLineArithmetic(_ line: CostLine) throws {
        guard let stated = line.statedAmount, let computed = try line.computedAmount(), stated != computed else { return }
        let gap = (stated - computed).magnitude
        findings.append(Finding(.error, .lineMismatch,
            "« \(line.label) » : \(line.pricingDescription) = \(computed), mais le montant indiqué est \(stated) (écart \(gap)). Le montant indiqué est retenu dans les totaux.",
            stated: stated.decimalString, computed: computed.decimalString, location: place))
    }

    /// `amount` is the line's amount in the plan's regime, the regime the day rate is written in.
    private mutating func checkDayRate(_ line: CostLine, amount: Money) throws {
        guard let reference = action.referenceDayRate ?? plan.referenceDayRate,
              let days = line.days, !days.value.isZero
        else { return }
        let implied = try amount.ratio(to: days.value)
        guard implied != reference.euroFraction else { return }
        let impliedMoney = Money(cents: try Exact.toInt64(try implied.rounded(toDecimalPlaces: 2)))
        findings.append(Finding(.warning, .dayRateOutlier,
            "« \(line.label) » : \(amount) pour \(FrenchFormat.days(days)), soit \(impliedMoney) par jour au lieu de \(reference).",
            stated: amount.decimalString, computed: try reference.multiplied(by: days.value).decimalString, location: place))
    }

    private mutating func checkStatedShare(_ share: Share, index: Int, amount: Money?, capped: Money?, period: Int?) throws {
        guard let stated = share.statedAmount, let amount, stated != amount, stated != capped else { return }
        let who = share.funders.map(name).joined(separator: ", ")
        let how: String = switch share.size {
        case .percentage(let rate): "\(rate) du coût donnent \(amount)"
        case .remainder: "le solde est de \(amount)"
        default: "le calcul donne \(amount)"
        }
        findings.append(Finding(.error, .shareMismatch,
            "\(who)\(yearSuffix(period)) : \(how), mais le document indique \(stated).",
            stated: stated.decimalString, computed: amount.decimalString, location: place))
    }

    private mutating func checkCoverage(_ result: PeriodResult, hasShares: Bool) {
        let suffix = yearSuffix(result.year)
        if !hasShares {
            if result.cost.isPositive {
                findings.append(Finding(.warning, .noFinancing,
                    "Aucun plan de financement\(suffix) : \(result.cost) restent à financer.",
                    stated: Money.zero.decimalString, computed: result.cost.decimalString, location: place))
            }
            return
        }
        if !result.pendingLines.isEmpty && (result.unfunded.isPositive || result.excess.isPositive) {
            let what = result.unfunded.isPositive ? "\(result.unfunded) restent à financer" : "\(result.excess) de trop"
            findings.append(Finding(.info, .shareMismatch,
                "Sur les seules lignes chiffrées\(suffix) : \(result.funded) financés pour \(result.cost), soit \(what). À vérifier quand les devis seront connus.",
                stated: result.funded.decimalString, computed: result.cost.decimalString, location: place))
            return
        }
        if result.unfunded.isPositive {
            let capNote = result.cutByCaps.isPositive ? " (dont \(result.cutByCaps) coupés par un plafond)" : ""
            findings.append(Finding(.error, .shareMismatch,
                "Les parts\(suffix) ne couvrent pas le coût : \(result.funded) financés pour \(result.cost), \(result.unfunded) restent à financer\(capNote).",
                stated: result.funded.decimalString, computed: result.cost.decimalString, location: place))
        }
        if result.excess.isPositive {
            findings.append(Finding(.error, .shareMismatch,
                "Les parts\(suffix) dépassent le coût : \(result.funded) financés pour \(result.cost), soit \(result.excess) de trop.",
                stated: result.funded.decimalString, computed: result.cost.decimalString, location: place))
        }
    }

    private mutating func reportConditionsAndUnknowns(_ result: PeriodResult) {
        // One finding per condition: the shares that depend on the same decision stand or fall together.
        var conditions: [String] = []
        for outcome in result.outcomes where outcome.isConditional && !outcome.isUndetermined {
            if let condition = outcome.condition, !conditions.contains(condition) { conditions.append(condition) }
        }
        for condition in conditions {
            let group = result.outcomes.filter { $0.condition == condition && !$0.isUndetermined }
            let amount = group.compactMap(\.amount).reduce(.zero, +)
            let funders = group.map(\.funder).reduce(into: [FunderID]()) { if !$0.contains($1) { $0.append($1) } }
            let who = funders.map(name).joined(separator: ", ")
            let withoutGroup = result.funded - amount
            let left = result.cost > withoutGroup ? result.cost - withoutGroup : .zero
            findings.append(Finding(.info, .conditionalShare,
                "\(who)\(yearSuffix(result.year)) : \(amount) sous condition (\(condition)). Si ce financement n'est pas obtenu, \(left) resteront à financer.",
                computed: amount.decimalString, location: place))
        }
        for outcome in result.outcomes where outcome.isUndetermined {
            let why = outcome.condition.map { " (\($0))" } ?? ""
            findings.append(Finding(.info, .undeterminedShare,
                "\(name(outcome.funder))\(yearSuffix(result.year)) : part envisagée sans montant\(why).", location: place))
        }
    }

    private mutating func checkStatedTotals(_ result: ActionResult) throws {
        for (year, stated) in action.statedTotals.sorted(by: { ($0.key ?? 0) < ($1.key ?? 0) }) {
            let computed = year == nil ? result.cost : result.periods.filter { $0.year == year }.map(\.cost).reduce(.zero, +)
            guard stated != computed else { continue }
            let pendingNote = result.pendingLines.isEmpty ? "" : " (hors lignes sur devis)"
            findings.append(Finding(.error, .totalMismatch,
                "Total\(yearSuffix(year)) indiqué \(stated), mais les lignes additionnées donnent \(computed)\(pendingNote) : écart \((stated - computed).magnitude).",
                stated: stated.decimalString, computed: computed.decimalString, location: place))
        }
        if let statedDays = action.statedDays {
            var sum = Fraction.zero
            for line in action.lines { if let d = line.days { sum = try sum.adding(d.value) } }
            if sum != statedDays.value {
                findings.append(Finding(.error, .totalMismatch,
                    "Total indiqué de \(FrenchFormat.days(statedDays)), mais les lignes additionnées donnent \(FrenchFormat.decimal(sum, maxFractionDigits: 3)) j.",
                    stated: statedDays.description, computed: FrenchFormat.decimal(sum, maxFractionDigits: 3), location: place))
            }
        }
    }

    private mutating func checkStatedFunderTotals(_ result: ActionResult) {
        for (funder, stated) in action.statedFunderTotals.sorted(by: { $0.key < $1.key }) {
            let computed = result.amount(for: funder)
            guard stated != computed else { continue }
            findings.append(Finding(.error, .shareMismatch,
                "\(name(funder)) : total indiqué \(stated), mais ses parts additionnées donnent \(computed).",
                stated: stated.decimalString, computed: computed.decimalString, location: place))
        }
    }
}
