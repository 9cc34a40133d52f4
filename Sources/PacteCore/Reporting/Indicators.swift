/// An indicator's goal and whether a measurement meets it: a count to reach ("5 sites diagnosed
/// per year") or a share of another indicator ("at least 60 % of them regularised"), compared
/// exactly, pro rata of the period elapsed when the period is not over.
public enum IndicatorGoal: Hashable, Sendable {
    case atLeast(Quantity)
    /// This indicator's value divided by its base indicator's value must reach the rate.
    case shareAtLeast(Rate)
}

public enum IndicatorStatus: String, Hashable, Sendable {
    case onTrack, behind, notMeasured

    public var label: String {
        switch self {
        case .onTrack: "dans l'objectif"
        case .behind: "en retard"
        case .notMeasured: "non mesuré"
        }
    }
}

public struct IndicatorAssessment: Hashable, Sendable {
    public var status: IndicatorStatus
    /// What the goal asks by now (the target pro rata of the period elapsed, or the rate).
    public var expected: Fraction?
    /// What was measured (the value, or the share of the base).
    public var achieved: Fraction?

    public init(status: IndicatorStatus, expected: Fraction?, achieved: Fraction?) {
        self.status = status
        self.expected = expected
        self.achieved = achieved
    }
}

public enum IndicatorRules {
    /// `elapsed`: the part of the period gone by (1 when it is over); a count is expected pro rata.
    public static func assess(_ goal: IndicatorGoal, value: Quantity?, base: Quantity?, elapsed: Fraction = .one) -> IndicatorAssessment {
        guard let value else { return IndicatorAssessment(status: .notMeasured, expected: nil, achieved: nil) }
        switch goal {
        case .atLeast(let target):
            let share = min(max(elapsed, .zero), .one)
            guard let expected = try? target.value.multiplied(by: share) else {
                return IndicatorAssessment(status: .notMeasured, expected: nil, achieved: value.value)
            }
            return IndicatorAssessment(status: value.value >= expected ? .onTrack : .behind, expected: expected, achieved: value.value)
        case .shareAtLeast(let rate):
            guard let base, base.value > .zero, let achieved = try? value.value.divided(by: base.value) else {
                return IndicatorAssessment(status: .notMeasured, expected: rate.fraction, achieved: nil)
            }
            return IndicatorAssessment(status: achieved >= rate.fraction ? .onTrack : .behind, expected: rate.fraction, achieved: achieved)
        }
    }
}
