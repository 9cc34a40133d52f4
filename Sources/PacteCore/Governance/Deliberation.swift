/// A deciding body's session and one item of its agenda, as the register records them, and what
/// the rules in force on the session's date make of them: quorum, proxies, outcome, and every count
/// that does not add up (a finding, never silence).
public enum DecidingBody: String, Hashable, Sendable, Codable, CaseIterable {
    case council, standingCommittee, bureau

    public var label: String {
        switch self {
        case .council: "Conseil"
        case .standingCommittee: "Commission permanente"
        case .bureau: "Bureau"
        }
    }
}

/// How one member took part in a session (or in one item, since members arrive and leave).
public struct Attendance: Hashable, Sendable, Codable {
    public enum Status: String, Hashable, Sendable, Codable, CaseIterable {
        case present, represented, excused, absent
        /// A substitute member (suppléant) sitting for a titular member.
        case substitute

        public var label: String {
            switch self {
            case .present: "présent"
            case .represented: "représenté"
            case .excused: "excusé"
            case .absent: "absent"
            case .substitute: "suppléant présent"
            }
        }
    }

    public var member: String
    public var status: Status
    /// The member holding the proxy, for `represented`.
    public var proxyHolder: String?
    /// `19:49:09` when the member arrived (or gave the proxy) during the session.
    public var since: String?
    public var until: String?

    public init(member: String, status: Status, proxyHolder: String? = nil, since: String? = nil, until: String? = nil) {
        self.member = member
        self.status = status
        self.proxyHolder = proxyHolder
        self.since = since
        self.until = until
    }

    /// Counts in the quorum and votes in person.
    public var isPresent: Bool { status == .present || status == .substitute }
}

/// The counts and the votes of one agenda item, as the register states them.
public struct ItemVote: Hashable, Sendable, Codable {
    public var present: Int
    /// Stated when the register gives it; otherwise read from the attendance list.
    public var represented: Int?
    public var votants: Int?
    public var votesFor: Int
    public var votesAgainst: Int
    public var abstentions: Int
    public var notTakingPart: Int
    public var secretBallot: Bool
    /// On a tie in an open vote, the chair's vote decides (CGCT L2121-20): `true` for, `false` against.
    public var chairVotedFor: Bool?

    public init(present: Int, represented: Int? = nil, votants: Int? = nil, votesFor: Int, votesAgainst: Int = 0, abstentions: Int = 0,
                notTakingPart: Int = 0, secretBallot: Bool = false, chairVotedFor: Bool? = nil) {
        self.present = present
        self.represented = represented
        self.votants = votants
        self.votesFor = votesFor
        self.votesAgainst = votesAgainst
        self.abstentions = abstentions
        self.notTakingPart = notTakingPart
        self.secretBallot = secretBallot
        self.chairVotedFor = chairVotedFor
    }
}

public struct DeliberationOutcome: Hashable, Sendable {
    public enum Verdict: String, Hashable, Sendable {
        case adopted, rejected
        /// The body could not deliberate: the quorum was not met.
        case invalid

        public var label: String {
            switch self {
            case .adopted: "adoptée"
            case .rejected: "rejetée"
            case .invalid: "délibération irrégulière (quorum non atteint)"
            }
        }
    }

    public var regime: VotingRegime
    /// Members represented: as the register states it, else as the attendance list gives it.
    public var represented: Int
    /// Présents + représentés, as computed (the register's own figure may differ: a finding).
    public var votants: Int
    public var quorumRequired: Int
    public var quorumMet: Bool
    /// Votes cast: for and against (abstentions and members not taking part are not votes cast).
    public var votesCast: Int
    public var verdict: Verdict
    public var decidedByChair: Bool
    public var findings: [Finding]
}

extension Finding.Code {
    /// votants ≠ présents + représentés.
    public static let votersMismatch: Finding.Code = "voters-mismatch"
    /// pour + contre + abstentions + ne prenant pas part ≠ votants.
    public static let votesMismatch: Finding.Code = "votes-mismatch"
    /// A member holds more proxies than the regime allows.
    public static let proxyLimit: Finding.Code = "proxy-limit"
    /// Fewer members present than the quorum requires.
    public static let quorumNotMet: Finding.Code = "quorum-not-met"
    /// The attendance list and the stated counts disagree.
    public static let attendanceMismatch: Finding.Code = "attendance-mismatch"
    /// More members counted than in office.
    public static let overOffice: Finding.Code = "over-office"
}

public enum DeliberationRules {
    /// Judges an item of a session held on `date` by `inOffice` members, with its attendance list
    /// (possibly empty) and its counts, under the regime in force that day.
    public static func assess(date: CivilDate, inOffice: Int, attendance: [Attendance], vote: ItemVote,
                              regimes: [VotingRegime] = VotingRegime.all) -> DeliberationOutcome {
        let regime = VotingRegime.inForce(on: date, among: regimes)
        var findings: [Finding] = []
        let listedPresent = attendance.filter(\.isPresent).count
        let listedRepresented = attendance.filter { $0.status == .represented }.count
        let represented = vote.represented ?? listedRepresented

        if !attendance.isEmpty, listedPresent != vote.present {
            findings.append(Finding(.warning, .attendanceMismatch,
                                    "La liste nomme \(listedPresent) présents, le registre en compte \(vote.present).",
                                    stated: String(vote.present), computed: String(listedPresent)))
        }
        if let stated = vote.represented, !attendance.isEmpty, listedRepresented != stated {
            findings.append(Finding(.warning, .attendanceMismatch,
                                    "La liste nomme \(listedRepresented) pouvoirs, le registre compte \(stated) représentés.",
                                    stated: String(stated), computed: String(listedRepresented)))
        }
        let votants = vote.present + represented
        if let stated = vote.votants, stated != votants {
            findings.append(Finding(.error, .votersMismatch,
                                    "Le registre compte \(stated) votants, mais \(vote.present) présents + \(represented) représentés = \(votants).",
                                    stated: String(stated), computed: String(votants)))
        }
        if vote.present + represented > inOffice {
            findings.append(Finding(.error, .overOffice,
                                    "\(vote.present) présents et \(represented) représentés dépassent les \(inOffice) membres en exercice.",
                                    stated: String(vote.present + represented), computed: String(inOffice)))
        }
        let expressed = vote.votesFor + vote.votesAgainst + vote.abstentions + vote.notTakingPart
        let voters = vote.votants ?? votants
        if expressed != voters {
            findings.append(Finding(.error, .votesMismatch,
                                    "Pour \(vote.votesFor), contre \(vote.votesAgainst), abstentions \(vote.abstentions), ne prenant pas part \(vote.notTakingPart) : "
                                        + "\(expressed) voix pour \(voters) votants.",
                                    stated: String(voters), computed: String(expressed)))
        }
        let holders = Dictionary(grouping: attendance.compactMap(\.proxyHolder), by: { $0 })
        for (holder, proxies) in holders.sorted(by: { $0.key < $1.key }) where proxies.count > regime.proxiesPerMember {
            findings.append(Finding(.error, .proxyLimit,
                                    "\(holder) porte \(proxies.count) pouvoirs ; le régime applicable le \(FrenchFormat.date(date)) (\(regime.name)) n'en permet que \(regime.proxiesPerMember).",
                                    stated: String(proxies.count), computed: String(regime.proxiesPerMember), location: holder))
        }
        let required = regime.quorum.minimumPresent(inOffice: inOffice)
        let quorumMet = vote.present >= required
        if !quorumMet {
            findings.append(Finding(.error, .quorumNotMet,
                                    "Quorum non atteint : \(vote.present) présents pour \(inOffice) membres en exercice ; il en faut \(required) (\(regime.quorum.label)).",
                                    stated: String(vote.present), computed: String(required)))
        }

        let cast = vote.votesFor + vote.votesAgainst
        var verdict: DeliberationOutcome.Verdict
        var byChair = false
        if !quorumMet {
            verdict = .invalid
        } else if vote.votesFor > vote.votesAgainst {
            verdict = .adopted
        } else if vote.votesFor == vote.votesAgainst, !vote.secretBallot, let chair = vote.chairVotedFor, cast > 0 {
            verdict = chair ? .adopted : .rejected
            byChair = true
        } else {
            verdict = .rejected
        }
        return DeliberationOutcome(regime: regime, represented: represented, votants: votants, quorumRequired: required, quorumMet: quorumMet, votesCast: cast,
                                   verdict: verdict, decidedByChair: byChair, findings: findings)
    }
}
