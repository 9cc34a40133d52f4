/// The life of one service delivered to a company: quote → accepted (funds committed) → delivered →
/// invoiced → paid; or cancelled before delivery, which releases the commitment.
public enum InterventionStatus: String, Sendable, Codable, CaseIterable {
    case quoted, accepted, delivered, invoiced, paid, cancelled

    public var label: String {
        switch self {
        case .quoted: "devis"
        case .accepted: "acceptée (fonds engagés)"
        case .delivered: "réalisée"
        case .invoiced: "facturée"
        case .paid: "payée"
        case .cancelled: "annulée"
        }
    }

    public var next: [InterventionStatus] {
        switch self {
        case .quoted: [.accepted, .cancelled]
        case .accepted: [.delivered, .cancelled]
        case .delivered: [.invoiced]
        case .invoiced: [.paid]
        case .paid, .cancelled: []
        }
    }

    /// Funds stay committed from acceptance until payment.
    public var holdsCommitment: Bool { self == .accepted || self == .delivered || self == .invoiced }

    public func moving(to target: InterventionStatus) throws(InterventionTransitionError) -> InterventionStatus {
        guard next.contains(target) else { throw InterventionTransitionError(from: self, to: target) }
        return target
    }
}

public struct InterventionTransitionError: Error, Hashable, Sendable, CustomStringConvertible {
    public var from: InterventionStatus
    public var to: InterventionStatus

    public var description: String {
        let allowed = from.next.map { "« \($0.label) »" }
        return "Une prestation « \(from.label) » ne peut pas devenir « \(to.label) » : "
            + (allowed.isEmpty ? "elle est close." : "étape suivante possible : \(allowed.joined(separator: " ou ")).")
    }
}
