import Foundation
import PacteCore
import PacteStore

/// The synthetic companies of a dataset, each computed from its number alone, so that the
/// database rows and the SIRENE file of the same dataset describe the same companies.
public struct SyntheticCompanies: Sendable {
    public struct Company: Sendable {
        public var siren: Siren
        public var siret: Siret
        public var name: String
        public var naf: String
        public var band: WorkforceBand?
        public var communeCode: String
        public var createdOn: CivilDate
        /// Set for the companies INSEE would report closed.
        public var closedOn: CivilDate?
        public var street: String
    }

    public let seed: UInt64
    /// Départements with their commune codes; company `i` lives in `territories[i % territories.count]`.
    public let territories: [(departement: String, communes: [String])]

    public init(seed: UInt64, territories: [(departement: String, communes: [String])]) {
        self.seed = seed
        self.territories = territories.filter { !$0.communes.isEmpty }
    }

    public func departement(of index: Int) -> String { territories[index % territories.count].departement }

    static let trades = ["Boulangerie", "Garage", "Menuiserie", "Pharmacie", "Restaurant", "Hôtel", "Transports", "Plomberie",
                         "Électricité", "Librairie", "Fromagerie", "Imprimerie", "Conseil", "Boucherie", "Coiffure", "Fleuriste",
                         "Maçonnerie", "Cave", "Épicerie fine", "Informatique"]
    static let families = ["Martin", "Bernard", "Thomas", "Petit", "Robert", "Richard", "Durand", "Dubois", "Moreau", "Laurent",
                           "Simon", "Michel", "Lefebvre", "Leroy", "Roux", "David", "Bertrand", "Morel", "Fournier", "Girard",
                           "Bonnet", "Dupont", "Lambert", "Fontaine", "Rousseau", "Vincent", "Muller", "Lefèvre", "Faure", "André"]
    static let forms = ["", " SARL", " SAS", " et Fils", " & Associés"]
    static let nafCodes = ["47.11D", "56.10A", "45.20A", "43.21A", "62.01Z", "10.71C", "96.02A", "47.73Z", "68.31Z", "41.20A",
                           "49.41A", "86.21Z", "55.10Z", "01.11Z", "25.62B", "46.90Z", "70.22Z", "71.12B", "85.59A", "93.12Z",
                           "47.19B", "47.59B", "56.30Z", "81.21Z", "82.99Z", "33.12Z", "16.23Z", "47.52A", "95.23Z", "96.09Z"]
    /// Workforce bands in per-mille: most companies employ nobody, a few dozen per thousand 50 and more.
    static let bands: [(code: String?, perMille: UInt64)] = [
        (nil, 150), ("NN", 300), ("00", 150), ("01", 150), ("02", 90), ("03", 60), ("11", 45), ("12", 30),
        ("21", 12), ("22", 7), ("31", 2), ("32", 2), ("41", 1),
    ]

    public func company(_ index: Int) -> Company {
        var rng = SplitMix64(seed: seed ^ (UInt64(index) &* 0x9E37_79B9_7F4A_7C15))
        let siren = try! Siren.completing(50_000_000 + index)
        let siret = try! Siret.completing(siren, establishment: 1 + Int(rng.next(below: 30)))
        let name = Self.trades[Int(rng.next(below: UInt64(Self.trades.count)))] + " "
            + Self.families[Int(rng.next(below: UInt64(Self.families.count)))]
            + Self.forms[Int(rng.next(below: UInt64(Self.forms.count)))]
        var pick = rng.next(below: 1_000)
        var band: String?
        for entry in Self.bands {
            if pick < entry.perMille { band = entry.code; break }
            pick -= entry.perMille
        }
        let communes = territories[index % territories.count].communes
        // A third created in the last six years, so that monthly movements are not empty.
        let recent = rng.next(below: 3) == 0
        let createdOn = recent ? CivilDate(daysSinceEpoch: 18_628 + Int(rng.next(below: 2_129)))
            : CivilDate(daysSinceEpoch: Int(rng.next(below: 18_628)))
        let closedOn: CivilDate? = rng.next(below: 100) < 12
            ? createdOn.adding(days: 30 + Int(rng.next(below: UInt64(max(31, createdOn.days(until: CivilDate(daysSinceEpoch: 20_757)) - 30)))))
            : nil
        return Company(siren: siren, siret: siret, name: name, naf: Self.nafCodes[Int(rng.next(below: UInt64(Self.nafCodes.count)))],
                       band: band.map { try! WorkforceBand($0) }, communeCode: communes[Int(rng.next(below: UInt64(communes.count)))],
                       createdOn: createdOn, closedOn: closedOn.map { min($0, CivilDate(daysSinceEpoch: 20_757)) },
                       street: "\(1 + rng.next(below: 120)) rue \(Self.families[Int(rng.next(below: UInt64(Self.families.count)))])")
    }
}
