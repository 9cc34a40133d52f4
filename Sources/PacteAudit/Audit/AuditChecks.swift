import PacteCore

/// The arithmetic checks on what was read: each line against its quantity and unit price, each
/// total against its lines, each day rate against the document's usual one, each share against
/// its rate and the shares against the cost.
enum AuditChecks {
    static func run(_ state: inout AuditState) {
        let reference = referenceDayRate(state.document.actions)
        for index in state.document.actions.indices {
            let action = state.document.actions[index]
            state.findings += lineChecks(action)
            state.findings += totalChecks(action)
            state.findings += dayRateChecks(action, reference: reference)
            state.findings += shareChecks(action, lineShares: state.lineShares[index] ?? [:], grid: state.gridActions.contains(index))
        }
    }

    static func name(_ action: AuditedAction) -> String {
        (action.code.map { $0 + " " } ?? "") + action.title + (action.year.map { " (\($0))" } ?? "")
    }

    // MARK: Lines

    static func lineChecks(_ action: AuditedAction) -> [Finding] {
        var findings: [Finding] = []
        for line in action.lines {
            if line.onQuote {
                findings.append(Finding(.info, .pendingCost, "« \(line.label) » est sur devis : montant en attente, exclu des totaux.",
                                        location: name(action), line: line.line))
            }
            guard let unit = line.unitPrice, let amount = line.amount else { continue }
            let quantity = line.quantity ?? Quantity(1)
            guard let expected = try? unit.multiplied(by: quantity.value), expected != amount else { continue }
            findings.append(Finding(.error, .lineMismatch,
                                    "« \(line.label) » : \(FrenchFormat.money(unit)) × \(quantity) = \(FrenchFormat.money(expected)), mais la ligne indique \(FrenchFormat.money(amount)).",
                                    stated: amount.decimalString, computed: expected.decimalString, location: name(action), line: line.line))
        }
        return findings
    }

    // MARK: Totals

    static func totalChecks(_ action: AuditedAction) -> [Finding] {
        var findings: [Finding] = []
        // A total stated without its lines (« Coût de l'opération : 53 909 euros ») has nothing to add up.
        if let stated = action.statedTotal, !action.lines.isEmpty {
            let computed = action.computedTotal
            if stated != computed {
                if action.hasPendingLines {
                    findings.append(Finding(.info, .totalMismatch,
                                            "« \(name(action)) » : total indiqué \(FrenchFormat.money(stated)), lignes chiffrées \(FrenchFormat.money(computed)) hors lignes sur devis.",
                                            stated: stated.decimalString, computed: computed.decimalString, location: name(action), line: totalLineNumber(action)))
                } else {
                    let detail = action.lines.compactMap(\.amount).map(FrenchFormat.money).joined(separator: " + ")
                    findings.append(Finding(.error, .totalMismatch,
                                            "« \(name(action)) » : le total indiqué est \(FrenchFormat.money(stated)), mais les lignes font \(detail) = \(FrenchFormat.money(computed)).",
                                            stated: stated.decimalString, computed: computed.decimalString, location: name(action), line: totalLineNumber(action)))
                }
            }
        }
        if let statedDays = action.statedDays {
            let dayLines = action.lines.filter { $0.amount != nil && !$0.daysFromLabel }
            if !dayLines.isEmpty, dayLines.allSatisfy({ $0.days != nil }) {
                var sum = Fraction.zero
                for line in dayLines { sum = (try? sum.adding(line.days!.value)) ?? sum }
                if sum != statedDays.value, let computed = try? Quantity(sum) {
                    findings.append(Finding(.error, .totalMismatch,
                                            "« \(name(action)) » : le total indique \(FrenchFormat.days(statedDays)), mais les lignes font \(FrenchFormat.days(computed)).",
                                            stated: statedDays.description, computed: computed.description, location: name(action), line: totalLineNumber(action)))
                }
            }
        }
        return findings
    }

    static func totalLineNumber(_ action: AuditedAction) -> Int {
        action.statedTotalLine ?? action.lines.map(\.line).max() ?? action.line
    }

    // MARK: Day rates

    /// The day rate most lines of the document use (700 € in seed 003), from `(12 j)` annotations.
    static func referenceDayRate(_ actions: [AuditedAction]) -> Fraction? {
        var counts: [Fraction: Int] = [:]
        for line in actions.flatMap(\.lines) where !line.daysFromLabel {
            guard let rate = dayRate(line) else { continue }
            counts[rate, default: 0] += 1
        }
        guard let best = counts.max(by: { ($0.value, $1.key) < ($1.value, $0.key) }), best.value >= 2 else { return nil }
        return best.key
    }

    static func dayRate(_ line: AuditedLine) -> Fraction? {
        guard let amount = line.amount, let days = line.days, !days.value.isZero else { return nil }
        return try? amount.ratio(to: days.value)
    }

    /// A sheet whose lines all use one rate keeps it (750 € in the indemnity-commission sheet); a
    /// line off its sheet's rate, or off the document's when alone, is reported.
    static func dayRateChecks(_ action: AuditedAction, reference: Fraction?) -> [Finding] {
        let rated = action.lines.compactMap { line in dayRate(line).map { (line, $0) } }
        guard !rated.isEmpty else { return [] }
        let annotated = rated.filter { !$0.0.daysFromLabel }
        var sheetRate: Fraction?
        let counts = Dictionary(grouping: annotated.map(\.1), by: { $0 }).mapValues(\.count)
        if annotated.count >= 2, let best = counts.max(by: { $0.value < $1.value }), best.value * 2 > annotated.count {
            sheetRate = best.key
        }
        guard let expected = sheetRate ?? reference else { return [] }
        var findings: [Finding] = []
        for (line, rate) in rated where rate != expected {
            let whose = sheetRate != nil ? "celui de la fiche" : "celui du document"
            let severity: Finding.Severity = line.daysFromLabel ? .info : .warning
            let source = line.daysFromLabel ? " (jours lus dans le libellé)" : ""
            findings.append(Finding(severity, .dayRateOutlier,
                                    "« \(line.label) » : \(FrenchFormat.money(line.amount!)) pour \(FrenchFormat.days(line.days!))\(source), soit \(money(rate)) par jour ; le taux habituel, \(whose), est de \(money(expected)).",
                                    stated: decimalFraction(rate, maxFractionDigits: 2), computed: decimalFraction(expected, maxFractionDigits: 2), location: name(action), line: line.line))
        }
        return findings
    }

    static func money(_ value: Fraction) -> String {
        FrenchFormat.decimal(value, maxFractionDigits: 2) + FrenchFormat.unitSeparator + "€"
    }


    // MARK: Shares

    static func shareChecks(_ action: AuditedAction, lineShares: [Int: [AuditedShare]], grid: Bool) -> [Finding] {
        var findings: [Finding] = []
        // Without lines, the cost is the total stated; without either, the shares have nothing to cover.
        guard !action.lines.isEmpty || action.statedTotal != nil || !lineShares.isEmpty else { return findings }
        let cost = action.lines.isEmpty ? action.statedTotal ?? .zero : action.computedTotal
        // Each line of a financing grid against its own shares.
        for (lineIndex, shares) in lineShares.sorted(by: { $0.key < $1.key }) where lineIndex < action.lines.count {
            let line = action.lines[lineIndex]
            guard let amount = line.amount else { continue }
            findings += rateChecks(shares, base: amount, what: "« \(line.label) »", location: name(action))
            findings += coverage(shares, cost: amount, what: "« \(line.label) »", location: name(action), line: line.line, certain: true)
        }
        guard !action.financing.isEmpty else { return findings }
        if lineShares.isEmpty {
            findings += rateChecks(action.financing, base: action.hasPendingLines ? nil : cost, what: "« \(name(action)) »", location: name(action))
        }
        for share in action.financing where share.conditional {
            let amount = share.amount.map { " (\(FrenchFormat.money($0)))" } ?? ""
            findings.append(Finding(.info, .conditionalShare,
                                    "La part de \(share.funder)\(amount) est incertaine" + (share.condition.map { " : « \($0) »" } ?? "") + " ; le plan doit prévoir ce qui reste à financer si elle fait défaut.",
                                    stated: share.amount?.decimalString, location: name(action), line: share.line))
        }
        if action.hasPendingLines {
            // A cost on quote: the rates must still add up to the whole.
            let rates = action.financing.compactMap(\.rate)
            if rates.count == action.financing.count, let sum = try? rates.reduce(Rate.zero, { try $0.adding($1) }), sum != .full {
                findings.append(Finding(grid ? .error : .warning, .shareMismatch,
                                        "« \(name(action)) » : les taux des financeurs font \(sum), pas 100 %.",
                                        stated: decimalFraction(sum.fraction, maxFractionDigits: 2), computed: "1", location: name(action), line: action.line))
            }
            return findings
        }
        if lineShares.isEmpty {
            findings += coverage(action.financing, cost: cost, what: "« \(name(action)) »", location: name(action), line: action.financing.first?.line ?? action.line, certain: grid)
        }
        return findings
    }

    /// « 25 % soit 7 500 € »: the amount must be the rate of the base, at the precision the rate is written.
    static func rateChecks(_ shares: [AuditedShare], base: Money?, what: String, location: String) -> [Finding] {
        guard let base, base.isPositive else { return [] }
        var findings: [Finding] = []
        for share in shares {
            guard let rate = share.rate, let amount = share.amount, let exact = try? rate.applied(to: base) else { continue }
            guard exact != amount else { continue }
            // 33 % written for 333,33 € of 1 000 €: the rate is rounded, not wrong.
            if let actual = try? amount.ratio(to: base.euroFraction), rounds(actual, to: rate.fraction) { continue }
            findings.append(Finding(.error, .shareMismatch,
                                    "\(what) : \(share.funder) \(rate) de \(FrenchFormat.money(base)) font \(FrenchFormat.money(exact)), mais le document indique \(FrenchFormat.money(amount)).",
                                    stated: amount.decimalString, computed: exact.decimalString, location: location, line: share.line))
        }
        return findings
    }

    /// True when `actual` written as a percentage with as many decimals as `written` has gives `written`.
    static func rounds(_ actual: Fraction, to written: Fraction) -> Bool {
        // Written rates are whole percents or have one or two decimals: try 0, 1, 2.
        for decimals in 0...2 {
            var scale: Int64 = 100
            for _ in 0..<decimals { scale *= 10 }
            guard let scaledWritten = try? written.multiplied(by: Fraction(scale)), scaledWritten.isInteger else { continue }
            guard let scaledActual = try? actual.multiplied(by: Fraction(scale)) else { return false }
            // Round half up, in 128 bits: the fraction may be large.
            let numerator = Int128(scaledActual.numerator), denominator = Int128(scaledActual.denominator)
            return (numerator * 2 + denominator) / (denominator * 2) == Int128(scaledWritten.numerator)
        }
        return false
    }

    /// The shares against the cost: equal, or a gap or an excess to report. A gap is certain only
    /// when the grid names every funder of the line; otherwise the rest may come from elsewhere.
    static func coverage(_ shares: [AuditedShare], cost: Money, what: String, location: String, line: Int, certain: Bool) -> [Finding] {
        var funded = Money.zero
        var undetermined = false
        for share in shares {
            if let amount = share.amount {
                funded += amount
            } else if let rate = share.rate, let amount = try? rate.applied(to: cost) {
                funded += amount
            } else {
                undetermined = true
            }
        }
        guard funded != cost, !(undetermined && funded < cost) else { return [] }
        let gap = funded < cost
        let difference = gap ? cost - funded : funded - cost
        let message = gap
            ? "\(what) : les financements font \(FrenchFormat.money(funded)) pour un coût de \(FrenchFormat.money(cost)) ; il manque \(FrenchFormat.money(difference))."
            : "\(what) : les financements font \(FrenchFormat.money(funded)) pour un coût de \(FrenchFormat.money(cost)) ; \(FrenchFormat.money(difference)) de trop."
        return [Finding(certain || !gap ? .error : .warning, .shareMismatch, message,
                        stated: funded.decimalString, computed: cost.decimalString, location: location, line: line)]
    }
}
