/// The rules a deliberating body applies on a given day: how many members must be present, how
/// many proxies one member may hold. They are dated data, not constants: the health-emergency laws
/// changed them for a while, and a register is judged by the rules of its session's date.
public struct VotingRegime: Hashable, Sendable, Identifiable {
    public enum Quorum: String, Hashable, Sendable {
        /// More than half of the members in office present (CGCT L2121-17).
        case moreThanHalfPresent
        /// A third of the members in office present (health-emergency laws).
        case oneThirdPresent

        /// The fewest members present that make the quorum for `inOffice` members.
        public func minimumPresent(inOffice: Int) -> Int {
            switch self {
            case .moreThanHalfPresent: inOffice / 2 + 1
            case .oneThirdPresent: (inOffice + 2) / 3
            }
        }

        public var label: String {
            switch self {
            case .moreThanHalfPresent: "plus de la moitié des membres en exercice présents"
            case .oneThirdPresent: "le tiers des membres en exercice présents"
            }
        }
    }

    public let id: String
    public let name: String
    /// The first and last day the regime applies; nil for the ordinary law, which applies otherwise.
    public let period: ClosedRange<CivilDate>?
    public let quorum: Quorum
    public let proxiesPerMember: Int

    public static let ordinary = VotingRegime(
        id: "cgct", name: "CGCT, droit commun (art. L2121-17 et L2121-20)", period: nil,
        quorum: .moreThanHalfPresent, proxiesPerMember: 1)

    /// Loi n° 2020-290 du 23 mars 2020, art. 10, extended to 30 August 2020 by loi n° 2020-760.
    public static let emergency2020_290 = VotingRegime(
        id: "loi-2020-290", name: "Loi n° 2020-290 du 23 mars 2020, art. 10 (état d'urgence sanitaire)",
        period: CivilDate(unchecked: 2020, 3, 24)...CivilDate(unchecked: 2020, 8, 30),
        quorum: .oneThirdPresent, proxiesPerMember: 2)

    /// Loi n° 2020-1379 du 14 novembre 2020, art. 6, extended to 30 September 2021 by loi n° 2021-689.
    public static let emergency2020_1379 = VotingRegime(
        id: "loi-2020-1379", name: "Loi n° 2020-1379 du 14 novembre 2020, art. 6 (état d'urgence sanitaire, prorogé au 30/09/2021)",
        period: CivilDate(unchecked: 2020, 11, 15)...CivilDate(unchecked: 2021, 9, 30),
        quorum: .oneThirdPresent, proxiesPerMember: 2)

    /// Loi n° 2021-1465 du 10 novembre 2021, art. 10.
    public static let emergency2021_1465 = VotingRegime(
        id: "loi-2021-1465", name: "Loi n° 2021-1465 du 10 novembre 2021, art. 10",
        period: CivilDate(unchecked: 2021, 11, 10)...CivilDate(unchecked: 2022, 7, 31),
        quorum: .oneThirdPresent, proxiesPerMember: 2)

    public static let all: [VotingRegime] = [.ordinary, .emergency2020_290, .emergency2020_1379, .emergency2021_1465]

    /// The regime in force on `date`: a dated one whose period holds it, else the ordinary law.
    public static func inForce(on date: CivilDate, among regimes: [VotingRegime] = all) -> VotingRegime {
        regimes.first { $0.period?.contains(date) == true } ?? regimes.first { $0.period == nil } ?? .ordinary
    }
}
