/// The identifier @CTES gives an act sent to the prefecture, such as
/// `090-249000241-20201217-2020_08_04-DE`: département code on three characters, SIREN of the
/// authority, date of the decision, the authority's own number for the act, nature code.
///
/// The act number is checked as @CTES requires it: 1 to 15 characters among capital letters,
/// digits and `_`.
public struct ActesId: Hashable, Sendable, CustomStringConvertible {
    public enum Nature: String, Codable, Sendable, CaseIterable {
        case deliberation = "DE"
        case arreteReglementaire = "AR"
        case arreteIndividuel = "AI"
        case contratConventionAvenant = "CC"
        case budget = "BF"
        case autre = "AU"

        public var label: String {
            switch self {
            case .deliberation: "délibération"
            case .arreteReglementaire: "arrêté réglementaire"
            case .arreteIndividuel: "arrêté individuel"
            case .contratConventionAvenant: "contrat, convention ou avenant"
            case .budget: "document budgétaire et financier"
            case .autre: "autre"
            }
        }
    }

    public let departement: String
    public let siren: Siren
    public let decisionDate: CivilDate
    public let actNumber: String
    public let nature: Nature

    public init(departement: String, siren: Siren, decisionDate: CivilDate, actNumber: String, nature: Nature) throws(IdentifierError) {
        let dept = departement.uppercased()
        guard ActesId.isDepartementCode(dept) else {
            throw IdentifierError(input: departement, message: "code de département inconnu (attendu sur trois caractères : 090, 02A, 971…).")
        }
        guard (1...15).contains(actNumber.count),
              actNumber.allSatisfy({ $0.isASCIIDigit || ("A"..."Z").contains($0) || $0 == "_" })
        else {
            throw IdentifierError(input: actNumber, message: "le numéro d'acte compte de 1 à 15 caractères parmi les majuscules, les chiffres et « _ ».")
        }
        self.departement = dept
        self.siren = siren
        self.decisionDate = decisionDate
        self.actNumber = actNumber
        self.nature = nature
    }

    /// Reads an identifier as printed on an act. Backslashes that word processors add before `_`
    /// (`2020\_08\_04`) are dropped.
    public init(_ text: String) throws(IdentifierError) {
        // Only blanks and the backslashes of escaped underscores are dropped: a dot in the act
        // number is an error, not something to remove silently.
        let body = String(text.filter { !($0 == "\\" || $0 == " " || $0 == "\u{00A0}" || $0 == "\u{202F}" || $0 == "\t") })
        let parts = body.split(separator: "-", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 5 else {
            throw IdentifierError(input: text, message: "un identifiant @CTES compte cinq parties séparées par des tirets (département-SIREN-date-numéro-nature).")
        }
        guard parts[0].count == 3 else {
            throw IdentifierError(input: text, message: "le code de département s'écrit sur trois caractères (090, 02A, 971).")
        }
        let siren: Siren
        do { siren = try Siren(parts[1]) } catch {
            throw IdentifierError(input: text, message: "le SIREN « \(parts[1]) » n'est pas valide.")
        }
        let d = parts[2]
        guard d.count == 8, d.allSatisfy(\.isASCIIDigit),
              let date = try? CivilDate(year: Int(d.prefix(4))!, month: Int(d.dropFirst(4).prefix(2))!, day: Int(d.suffix(2))!)
        else {
            throw IdentifierError(input: text, message: "la date « \(d) » n'est pas une date AAAAMMJJ valide.")
        }
        guard let nature = Nature(rawValue: parts[4]) else {
            throw IdentifierError(input: text, message: "nature « \(parts[4]) » inconnue (DE, AR, AI, CC, BF ou AU).")
        }
        try self.init(departement: parts[0], siren: siren, decisionDate: date, actNumber: parts[3], nature: nature)
    }

    /// `090-249000241-20201217-2020_08_04-DE`
    public var description: String {
        let date = decisionDate.isoString.filter(\.isASCIIDigit)
        return "\(departement)-\(siren.digits)-\(date)-\(actNumber)-\(nature.rawValue)"
    }

    /// `01`…`95` (without `20`), `2A`, `2B`, `971`…`976`, written on three characters.
    static func isDepartementCode(_ code: String) -> Bool {
        guard code.count == 3 else { return false }
        if code == "02A" || code == "02B" { return true }
        guard code.allSatisfy(\.isASCIIDigit), let n = Int(code) else { return false }
        return (1...95).contains(n) && n != 20 || (971...976).contains(n)
    }
}

extension ActesId: TextCodable {
    public init(codedText: String) throws { try self.init(codedText) }
    public var codedText: String { description }
}
