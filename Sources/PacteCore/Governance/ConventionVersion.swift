/// A version of a convention as the parties wrote it (the initial text, then each avenant): a list
/// of labelled facts — dates, parties, articles, cost lines and shares as stated — so that two
/// versions compare fact by fact, and a changed amount shows as exactly that change.
public struct VersionFact: Hashable, Sendable, Codable {
    /// Where the fact sits: `Action 2.c Parcours digital › Part Ville de Sézanne`.
    public var key: String
    public var value: String

    public init(_ key: String, _ value: String) {
        self.key = key
        self.value = value
    }
}

public struct VersionChange: Hashable, Sendable {
    public enum Kind: String, Hashable, Sendable {
        case added, removed, changed

        public var label: String {
            switch self {
            case .added: "ajouté"
            case .removed: "retiré"
            case .changed: "modifié"
            }
        }
    }

    public var kind: Kind
    public var key: String
    public var before: String?
    public var after: String?
}

public enum VersionDiff {
    /// What changed from `old` to `new`, in the order of the new version (removed facts at the
    /// place they had in the old one).
    public static func compare(_ old: [VersionFact], _ new: [VersionFact]) -> [VersionChange] {
        let before = Dictionary(old.map { ($0.key, $0.value) }, uniquingKeysWith: { first, _ in first })
        let after = Dictionary(new.map { ($0.key, $0.value) }, uniquingKeysWith: { first, _ in first })
        var changes: [VersionChange] = []
        var seen = Set<String>()
        for fact in new where seen.insert(fact.key).inserted {
            if let previous = before[fact.key] {
                if previous != fact.value { changes.append(VersionChange(kind: .changed, key: fact.key, before: previous, after: fact.value)) }
            } else {
                changes.append(VersionChange(kind: .added, key: fact.key, before: nil, after: fact.value))
            }
        }
        for (index, fact) in old.enumerated() where after[fact.key] == nil && seen.insert(fact.key).inserted {
            // Keep a removed fact near its old neighbours: after the change of the fact that preceded it.
            let anchor = old[..<index].last { prior in changes.contains { $0.key == prior.key } }
            let position = anchor.flatMap { prior in changes.lastIndex { $0.key == prior.key } }.map { $0 + 1 } ?? changes.count
            changes.insert(VersionChange(kind: .removed, key: fact.key, before: fact.value, after: nil), at: position)
        }
        return changes
    }
}

extension ConventionPlan {
    /// The financing as written: each action's cost lines and shares, not the computed amounts (a
    /// changed line would otherwise show every total it moves).
    public var versionFacts: [VersionFact] {
        let names = Dictionary(funders.map { ($0.id, $0.name) }, uniquingKeysWith: { first, _ in first })
        var facts: [VersionFact] = []
        for action in actions {
            let prefix = "Action \(action.displayName)"
            for line in action.lines {
                let year = line.year.map { " (\($0))" } ?? ""
                let stated = line.statedAmount.map { ", montant indiqué \(FrenchFormat.money($0))" } ?? ""
                facts.append(VersionFact("\(prefix) › Ligne \(line.label)\(year)", "\(line.pricingDescription) \(line.regime.label)\(stated)"))
            }
            for share in action.shares {
                let payer: String = switch share.payer {
                case .funder(let id): names[id] ?? id.rawValue
                case .prorata(let group): "répartition entre \(group.members.count) membres au prorata"
                }
                let size: String = switch share.size {
                case .percentage(let rate): FrenchFormat.percent(rate)
                case .fixed(let amount): FrenchFormat.money(amount)
                case .remainder: "solde"
                case .undetermined: "montant à préciser"
                }
                let year = share.year.map { " (\($0))" } ?? ""
                let details = [share.condition.map { "sous réserve : \($0)" }, share.cap.map { "plafond : \($0.label ?? capText($0.limit))" },
                               share.statedAmount.map { "montant indiqué \(FrenchFormat.money($0))" }].compactMap { $0 }
                facts.append(VersionFact("\(prefix) › Part \(payer)\(year)", ([size] + details).joined(separator: " ; ")))
            }
        }
        return facts
    }

    private func capText(_ limit: Cap.Limit) -> String {
        switch limit {
        case .amount(let amount): FrenchFormat.money(amount)
        case .rate(let rate): FrenchFormat.percent(rate)
        }
    }
}
