/// A SIRENE workforce band (« tranche d'effectifs salariés »), one of INSEE's codes as published in
/// `shared/data/sirene/tranches-effectifs.json`.
public struct WorkforceBand: Hashable, Sendable, CustomStringConvertible {
    public let code: String

    public init(_ text: String) throws(IdentifierError) {
        let code = text.trimmingSpaces.uppercased()
        guard WorkforceBand.labels[code] != nil else {
            throw IdentifierError(input: text, message: "tranche d'effectifs inconnue : codes SIRENE \(WorkforceBand.codes.joined(separator: ", ")).")
        }
        self.code = code
    }

    public var label: String { WorkforceBand.labels[code]! }
    public var description: String { code }

    public static let codes = ["NN", "00", "01", "02", "03", "11", "12", "21", "22", "31", "32", "41", "42", "51", "52", "53"]

    static let labels: [String: String] = [
        "NN": "Unité non employeuse (pas de salarié au cours de l'année de référence et pas d'effectif au 31/12)",
        "00": "0 salarié (n'ayant pas d'effectif au 31/12 mais ayant employé des salariés au cours de l'année de référence)",
        "01": "1 ou 2 salariés", "02": "3 à 5 salariés", "03": "6 à 9 salariés",
        "11": "10 à 19 salariés", "12": "20 à 49 salariés", "21": "50 à 99 salariés", "22": "100 à 199 salariés",
        "31": "200 à 249 salariés", "32": "250 à 499 salariés", "41": "500 à 999 salariés",
        "42": "1 000 à 1 999 salariés", "51": "2 000 à 4 999 salariés", "52": "5 000 à 9 999 salariés",
        "53": "10 000 salariés et plus",
    ]
}

extension WorkforceBand: TextCodable {
    public init(codedText: String) throws { try self.init(codedText) }
    public var codedText: String { code }
}
