/// The dates a convention's officers must not miss: its start, the last day to decide on (or give
/// notice against) a renewal, the annual review meeting held at the renewal date (seed 000,
/// art. 6), its end. One rule for the dashboard, the reminders and the calendar feed.
public struct Milestone: Hashable, Sendable {
    public enum Kind: String, Hashable, Sendable, CaseIterable {
        case start, renewalDecision, annualReview, end
    }

    public var date: CivilDate
    public var kind: Kind
    public var label: String
}

public enum ConventionMilestones {
    public static func of(startsOn: CivilDate?, endsOn: CivilDate?, renewal: Renewal?, noticeMonths: Int?) -> [Milestone] {
        var result: [Milestone] = []
        if let start = startsOn { result.append(Milestone(date: start, kind: .start, label: "Prise d'effet")) }
        guard let end = endsOn else { return result }
        let renews = renewal == .tacit || renewal == .express
        if renews, let months = noticeMonths, months > 0 {
            // Notice is given so that the period has run by the end of the last day in force.
            let deadline = NoticePeriod.months(months).latestNotice(before: end.adding(days: 1))
            result.append(Milestone(date: deadline, kind: .renewalDecision, label: renewal == .tacit
                ? "Dernier jour pour dénoncer (préavis de \(months) mois) avant la reconduction tacite"
                : "Dernier jour pour décider du renouvellement (préavis de \(months) mois)"))
        }
        if renews { result.append(Milestone(date: end, kind: .annualReview, label: "Réunion annuelle de bilan (date de renouvellement)")) }
        result.append(Milestone(date: end, kind: .end, label: "Échéance"))
        return result
    }
}
