/// Steering and technical committees: their members in colleges, and how a decision is counted
/// when colleges vote with equal weight (seed 002: the département and the partners "à égalité de voix").
public struct CommitteeMember: Hashable, Sendable, Codable {
    public var name: String
    /// `Département`, `Partenaires`…; members of one college share its weight.
    public var college: String

    public init(name: String, college: String) {
        self.name = name
        self.college = college
    }
}

public enum CommitteeKind: String, Hashable, Sendable, Codable, CaseIterable {
    case steering, technical

    public var label: String {
        switch self {
        case .steering: "Comité de pilotage"
        case .technical: "Comité technique"
        }
    }
}

/// A decision of a meeting: its text and who voted for and against.
public struct MeetingDecision: Hashable, Sendable, Codable {
    public var text: String
    public var votesFor: [String]
    public var votesAgainst: [String]

    public init(text: String, votesFor: [String] = [], votesAgainst: [String] = []) {
        self.text = text
        self.votesFor = votesFor
        self.votesAgainst = votesAgainst
    }
}

public struct CommitteeTally: Hashable, Sendable {
    /// Each present member's weight, as an exact fraction of the votes.
    public var weights: [String: Fraction]
    public var weightFor: Fraction
    public var weightAgainst: Fraction
    public var adopted: Bool
    /// Names that voted but are not present members: reported, not counted.
    public var unknownVoters: [String]
}

public enum CommitteeVoting {
    /// One vote per member present, or, with equal colleges, each college present holds the same
    /// weight, split evenly among its members present.
    public static func weights(present: [CommitteeMember], equalColleges: Bool) -> [String: Fraction] {
        guard !present.isEmpty else { return [:] }
        guard equalColleges else {
            return Dictionary(present.map { ($0.name, (try? Fraction(1, Int64(present.count))) ?? .zero) }, uniquingKeysWith: { a, _ in a })
        }
        let colleges = Dictionary(grouping: present, by: \.college)
        var result: [String: Fraction] = [:]
        for (_, members) in colleges {
            let share = (try? Fraction(1, Int64(colleges.count * members.count))) ?? .zero
            for member in members { result[member.name] = share }
        }
        return result
    }

    /// A decision passes when the weight for it exceeds the weight against it.
    public static func tally(_ decision: MeetingDecision, present: [CommitteeMember], equalColleges: Bool) -> CommitteeTally {
        let weights = weights(present: present, equalColleges: equalColleges)
        func total(_ names: [String]) -> Fraction {
            names.compactMap { weights[$0] }.reduce(Fraction.zero) { (try? $0.adding($1)) ?? $0 }
        }
        let unknown = (decision.votesFor + decision.votesAgainst).filter { weights[$0] == nil }
        let weightFor = total(decision.votesFor), weightAgainst = total(decision.votesAgainst)
        return CommitteeTally(weights: weights, weightFor: weightFor, weightAgainst: weightAgainst, adopted: weightFor > weightAgainst,
                              unknownVoters: unknown)
    }
}
