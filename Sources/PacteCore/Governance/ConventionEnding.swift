/// How a convention, or one partner's part in it, comes to an end, and on which day it takes effect.
/// In every case the actions under way are finished and keep their funding (seed 000, art. 5e), and
/// what a partner committed before its withdrawal stays due.
public struct ConventionEnding: Hashable, Sendable {
    public enum Kind: String, Hashable, Sendable, Codable, CaseIterable {
        /// By agreement of the parties, on the day they agree.
        case mutualAgreement
        /// For breach: a formal notice, then the notice period (three months in seeds 000 and 001).
        case breach
        /// One partner leaves: notified at least the notice period before it takes effect (two months in seed 002).
        case withdrawal

        public var label: String {
            switch self {
            case .mutualAgreement: "résiliation d'un commun accord"
            case .breach: "résiliation pour manquement"
            case .withdrawal: "retrait d'un partenaire"
            }
        }
    }

    public var kind: Kind
    /// The day of the formal notice or of the notification.
    public var notifiedOn: CivilDate
    public var notice: NoticePeriod?
    /// For a mutual agreement (or a withdrawal notified for a later day): the day chosen.
    public var requestedOn: CivilDate?

    public init(kind: Kind, notifiedOn: CivilDate, notice: NoticePeriod? = nil, requestedOn: CivilDate? = nil) {
        self.kind = kind
        self.notifiedOn = notifiedOn
        self.notice = notice
        self.requestedOn = requestedOn
    }

    /// The day the ending takes effect: the notice's end (never before a later requested day), or the
    /// agreed day.
    public var effectiveOn: CivilDate {
        let noticeEnd = notice.map { $0.end(startingOn: notifiedOn) } ?? notifiedOn
        guard let requestedOn else { return noticeEnd }
        return kind == .mutualAgreement ? requestedOn : max(requestedOn, noticeEnd)
    }

    /// How the date was reached, in French.
    public var explanation: String {
        switch kind {
        case .mutualAgreement:
            return "Résiliation d'un commun accord, effective le \(FrenchFormat.date(effectiveOn))."
        case .breach, .withdrawal:
            let start = kind == .breach ? "Mise en demeure du" : "Retrait notifié le"
            let period = notice.map { " + préavis de \($0)" } ?? ""
            return "\(start) \(FrenchFormat.date(notifiedOn))\(period) : effet le \(FrenchFormat.date(effectiveOn))."
        }
    }
}
