/// The EU de minimis regulations: the public part of a service given to a company is state aid, and
/// one undertaking may receive only so much of it over a period.
public enum DeMinimisRegulation: String, Sendable, Codable, CaseIterable {
    /// 200 000 € over the current and the two previous fiscal years.
    case eu1407_2013 = "1407/2013"
    /// 300 000 € over any rolling period of three years, from 1 January 2024.
    case eu2023_2831 = "2023/2831"

    public static let newRegimeStart = CivilDate(unchecked: 2024, 1, 1)

    /// The regulation under which an aid granted on `date` falls.
    public static func applicable(on date: CivilDate) -> DeMinimisRegulation {
        date >= newRegimeStart ? .eu2023_2831 : .eu1407_2013
    }

    public var ceiling: Money {
        switch self {
        case .eu1407_2013: Money(cents: 200_000_00)
        case .eu2023_2831: Money(cents: 300_000_00)
        }
    }

    public var label: String { "règlement (UE) n° \(rawValue)" }

    /// The regulation's full title, as a statement to the company cites it.
    public var officialTitle: String {
        let adopted = switch self {
        case .eu1407_2013: "règlement (UE) n° 1407/2013 de la Commission du 18 décembre 2013"
        case .eu2023_2831: "règlement (UE) 2023/2831 de la Commission du 13 décembre 2023"
        }
        return adopted + " relatif à l'application des articles 107 et 108 du traité sur le fonctionnement de l'Union européenne aux aides de minimis"
    }

    /// The period whose aid counts with an aid granted on `date`: the three years ending that day
    /// (2023/2831), or the fiscal year of `date` and the two before it (1407/2013; a fiscal year starts
    /// on the first day of `fiscalYearStartMonth`, January for most undertakings).
    public func window(for date: CivilDate, fiscalYearStartMonth: Int = 1) -> ClosedRange<CivilDate> {
        switch self {
        case .eu2023_2831:
            return date.adding(years: -3).adding(days: 1)...date
        case .eu1407_2013:
            let month = min(max(fiscalYearStartMonth, 1), 12)
            let fiscalYear = date.month >= month ? date.year : date.year - 1
            return CivilDate(unchecked: fiscalYear - 2, month, 1)...date
        }
    }
}

/// One aid recorded in a company's ledger.
public struct DeMinimisGrant: Hashable, Sendable {
    public var grantedOn: CivilDate
    public var amount: Money
    /// The body that grants the aid (the funder), as the declaration names it.
    public var grantor: String

    public init(grantedOn: CivilDate, amount: Money, grantor: String) {
        self.grantedOn = grantedOn
        self.amount = amount
        self.grantor = grantor
    }
}

/// What the ledger says of a new grant.
public struct DeMinimisAssessment: Hashable, Sendable {
    public enum Verdict: Hashable, Sendable {
        case within
        /// Past the warning threshold, still under the ceiling.
        case nearCeiling
        /// The grant would cross the ceiling.
        case overCeiling
    }

    public var regulation: DeMinimisRegulation
    public var window: ClosedRange<CivilDate>
    /// Aid already received in the window.
    public var received: Money
    public var requested: Money
    public var ceiling: Money
    public var verdict: Verdict

    public var totalAfter: Money { (try? received.adding(requested)) ?? received }
    /// What the undertaking may still receive before this grant.
    public var room: Money { Money(cents: max(0, ceiling.cents - received.cents)) }

    /// In French, with the regulation and the window.
    public var message: String {
        let period = "du \(FrenchFormat.date(window.lowerBound)) au \(FrenchFormat.date(window.upperBound))"
        let base = "\(regulation.label) : \(FrenchFormat.money(received)) d'aides de minimis reçues \(period), plafond \(FrenchFormat.money(ceiling))"
        if requested.isZero {
            return base + " ; il reste \(FrenchFormat.money(room)) avant le plafond."
        }
        switch verdict {
        case .within:
            return base + " ; avec \(FrenchFormat.money(requested)), le total serait de \(FrenchFormat.money(totalAfter))."
        case .nearCeiling:
            return base + " ; avec \(FrenchFormat.money(requested)), le total de \(FrenchFormat.money(totalAfter)) approche du plafond."
        case .overCeiling:
            return base + " ; \(FrenchFormat.money(requested)) dépasseraient le plafond : il reste \(FrenchFormat.money(room))."
        }
    }
}

/// The de minimis aid of one single undertaking (all its linked companies together).
public struct DeMinimisLedger: Hashable, Sendable {
    public var grants: [DeMinimisGrant]
    /// Warn once the total would reach this share of the ceiling (80 % by default).
    public var warningThreshold: Rate
    public var fiscalYearStartMonth: Int

    public init(grants: [DeMinimisGrant] = [], warningThreshold: Rate = .percent(80), fiscalYearStartMonth: Int = 1) {
        self.grants = grants
        self.warningThreshold = warningThreshold
        self.fiscalYearStartMonth = fiscalYearStartMonth
    }

    /// The regulation, window and verdict for `amount` granted on `date`. Every aid in the window
    /// counts, whichever regulation it was granted under.
    public func assess(_ amount: Money, on date: CivilDate) throws(ArithmeticError) -> DeMinimisAssessment {
        let regulation = DeMinimisRegulation.applicable(on: date)
        let window = regulation.window(for: date, fiscalYearStartMonth: fiscalYearStartMonth)
        var received = Money.zero
        for grant in grants where window.contains(grant.grantedOn) { received = try received.adding(grant.amount) }
        let total = try received.adding(amount)
        let warning = try warningThreshold.applied(to: regulation.ceiling)
        let verdict: DeMinimisAssessment.Verdict = total > regulation.ceiling ? .overCeiling : total >= warning ? .nearCeiling : .within
        return DeMinimisAssessment(regulation: regulation, window: window, received: received, requested: amount,
                                   ceiling: regulation.ceiling, verdict: verdict)
    }

    /// Records the grant unless it crosses the ceiling; `override` (an administrator's reason, audited
    /// by the caller) lets it through anyway.
    public mutating func grant(_ grant: DeMinimisGrant, override: String? = nil) throws -> DeMinimisAssessment {
        let assessment = try assess(grant.amount, on: grant.grantedOn)
        if assessment.verdict == .overCeiling, override?.trimmingCharacters(in: .whitespaces).isEmpty ?? true {
            throw DeMinimisRefusal(assessment: assessment)
        }
        grants.append(grant)
        return assessment
    }
}

public struct DeMinimisRefusal: Error, Hashable, Sendable, CustomStringConvertible {
    public var assessment: DeMinimisAssessment
    public var description: String { "Aide refusée : " + assessment.message }
}
