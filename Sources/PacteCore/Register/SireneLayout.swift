import Foundation

/// The two SIRENE stock files INSEE publishes, told apart by their header.
public enum SireneLayout: String, Sendable, CaseIterable {
    /// `StockEtablissement`: one row per establishment (SIRET).
    case establishments = "StockEtablissement"
    /// `StockUniteLegale`: one row per legal unit (SIREN).
    case units = "StockUniteLegale"

    /// The header of `StockEtablissement` as INSEE publishes it (54 columns, in INSEE's order, 2025
    /// edition with the NAF 2025 activity).
    public static let establishmentHeader = [
        "siren", "nic", "siret", "statutDiffusionEtablissement", "dateCreationEtablissement",
        "trancheEffectifsEtablissement", "anneeEffectifsEtablissement", "activitePrincipaleRegistreMetiersEtablissement",
        "dateDernierTraitementEtablissement", "etablissementSiege", "nombrePeriodesEtablissement",
        "complementAdresseEtablissement", "numeroVoieEtablissement", "indiceRepetitionEtablissement",
        "dernierNumeroVoieEtablissement", "indiceRepetitionDernierNumeroVoieEtablissement", "typeVoieEtablissement",
        "libelleVoieEtablissement", "codePostalEtablissement", "libelleCommuneEtablissement",
        "libelleCommuneEtrangerEtablissement", "distributionSpecialeEtablissement", "codeCommuneEtablissement",
        "codeCedexEtablissement", "libelleCedexEtablissement", "codePaysEtrangerEtablissement",
        "libellePaysEtrangerEtablissement", "identifiantAdresseEtablissement", "coordonneeLambertAbscisseEtablissement",
        "coordonneeLambertOrdonneeEtablissement", "complementAdresse2Etablissement", "numeroVoie2Etablissement",
        "indiceRepetition2Etablissement", "typeVoie2Etablissement", "libelleVoie2Etablissement",
        "codePostal2Etablissement", "libelleCommune2Etablissement", "libelleCommuneEtranger2Etablissement",
        "distributionSpeciale2Etablissement", "codeCommune2Etablissement", "codeCedex2Etablissement",
        "libelleCedex2Etablissement", "codePaysEtranger2Etablissement", "libellePaysEtranger2Etablissement",
        "dateDebut", "etatAdministratifEtablissement", "enseigne1Etablissement", "enseigne2Etablissement",
        "enseigne3Etablissement", "denominationUsuelleEtablissement", "activitePrincipaleEtablissement",
        "nomenclatureActivitePrincipaleEtablissement", "caractereEmployeurEtablissement",
        "activitePrincipaleNAF25Etablissement",
    ]

    /// The header of `StockUniteLegale` as INSEE publishes it (35 columns, in INSEE's order, 2025
    /// edition with the NAF 2025 activity).
    public static let unitHeader = [
        "siren", "statutDiffusionUniteLegale", "unitePurgeeUniteLegale", "dateCreationUniteLegale", "sigleUniteLegale",
        "sexeUniteLegale", "prenom1UniteLegale", "prenom2UniteLegale", "prenom3UniteLegale", "prenom4UniteLegale",
        "prenomUsuelUniteLegale", "pseudonymeUniteLegale", "identifiantAssociationUniteLegale",
        "trancheEffectifsUniteLegale", "anneeEffectifsUniteLegale", "dateDernierTraitementUniteLegale",
        "nombrePeriodesUniteLegale", "categorieEntreprise", "anneeCategorieEntreprise", "dateDebut",
        "etatAdministratifUniteLegale", "nomUniteLegale", "nomUsageUniteLegale", "denominationUniteLegale",
        "denominationUsuelle1UniteLegale", "denominationUsuelle2UniteLegale", "denominationUsuelle3UniteLegale",
        "categorieJuridiqueUniteLegale", "activitePrincipaleUniteLegale", "nomenclatureActivitePrincipaleUniteLegale",
        "nicSiegeUniteLegale", "economieSocialeSolidaireUniteLegale", "societeMissionUniteLegale",
        "caractereEmployeurUniteLegale", "activitePrincipaleNAF25UniteLegale",
    ]

    /// French name for messages.
    public var label: String {
        switch self {
        case .establishments: "établissements (StockEtablissement)"
        case .units: "unités légales (StockUniteLegale)"
        }
    }

    /// The columns Pacte reads, in the order of `SireneHeader.index`; the required ones must be in the header.
    static func columns(_ layout: SireneLayout) -> [(name: String, required: Bool)] {
        switch layout {
        case .establishments: EstablishmentColumn.allCases.map { ($0.name, $0.required) }
        case .units: UnitColumn.allCases.map { ($0.name, $0.required) }
        }
    }
}

/// The `StockEtablissement` columns the register keeps.
enum EstablishmentColumn: Int, CaseIterable {
    case siret, siren, headOffice, createdOn, band, bandYear, naf, commune, state, periodStart
    case usualName, sign, number, repetition, streetType, streetName, postalCode, communeLabel, processedAt

    var name: String {
        switch self {
        case .siret: "siret"
        case .siren: "siren"
        case .headOffice: "etablissementSiege"
        case .createdOn: "dateCreationEtablissement"
        case .band: "trancheEffectifsEtablissement"
        case .bandYear: "anneeEffectifsEtablissement"
        case .naf: "activitePrincipaleEtablissement"
        case .commune: "codeCommuneEtablissement"
        case .state: "etatAdministratifEtablissement"
        case .periodStart: "dateDebut"
        case .usualName: "denominationUsuelleEtablissement"
        case .sign: "enseigne1Etablissement"
        case .number: "numeroVoieEtablissement"
        case .repetition: "indiceRepetitionEtablissement"
        case .streetType: "typeVoieEtablissement"
        case .streetName: "libelleVoieEtablissement"
        case .postalCode: "codePostalEtablissement"
        case .communeLabel: "libelleCommuneEtablissement"
        case .processedAt: "dateDernierTraitementEtablissement"
        }
    }

    /// Without these a row cannot be placed in the territory reports (commune, creation, closure,
    /// workforce); the name and address parts are optional.
    var required: Bool { rawValue <= EstablishmentColumn.periodStart.rawValue }
}

/// The `StockUniteLegale` columns the register keeps.
enum UnitColumn: Int, CaseIterable {
    case siren, denomination, legalCategory, naf, band, bandYear, headOfficeNic, createdOn, state, periodStart
    case firstName, usualFirstName, lastName, usedName, processedAt

    var name: String {
        switch self {
        case .siren: "siren"
        case .denomination: "denominationUniteLegale"
        case .legalCategory: "categorieJuridiqueUniteLegale"
        case .naf: "activitePrincipaleUniteLegale"
        case .band: "trancheEffectifsUniteLegale"
        case .bandYear: "anneeEffectifsUniteLegale"
        case .headOfficeNic: "nicSiegeUniteLegale"
        case .createdOn: "dateCreationUniteLegale"
        case .state: "etatAdministratifUniteLegale"
        case .periodStart: "dateDebut"
        case .firstName: "prenom1UniteLegale"
        case .usualFirstName: "prenomUsuelUniteLegale"
        case .lastName: "nomUniteLegale"
        case .usedName: "nomUsageUniteLegale"
        case .processedAt: "dateDernierTraitementUniteLegale"
        }
    }

    var required: Bool { rawValue <= UnitColumn.periodStart.rawValue }
}

/// A SIRENE file that cannot be imported at all (unreadable, not a SIRENE layout, a required column
/// missing), as opposed to a bad row, which is rejected on its own. The message is French.
public struct SireneFileError: Error, Sendable, Equatable, CustomStringConvertible {
    public let message: String

    public init(_ message: String) { self.message = message }

    public var description: String { message }
}

/// The header of a SIRENE file: its layout and where each column Pacte reads stands.
public struct SireneHeader: Sendable, Equatable {
    public let layout: SireneLayout
    /// The column names as written in the file.
    public let names: [String]
    /// For each column of `SireneLayout.columns(layout)`, its position in the file, or -1.
    let index: [Int]

    /// Recognises the layout by its column names (any order, unknown columns ignored, case ignored).
    public init(names: [String]) throws(SireneFileError) {
        self.names = names
        var position: [String: Int] = [:]
        for (offset, name) in names.enumerated() {
            let key = name.trimmingCharacters(in: .whitespaces).lowercased()
            if position[key] == nil { position[key] = offset }
        }
        if position["siret"] != nil {
            layout = .establishments
        } else if position["siren"] != nil && position["denominationunitelegale"] != nil {
            layout = .units
        } else {
            var message = "En-tête non reconnu : ce n'est ni un fichier StockEtablissement (colonne siret) ni un fichier "
                + "StockUniteLegale (colonnes siren et denominationUniteLegale) de l'INSEE."
            if names.count == 1 && names[0].contains(";") {
                message += " La première ligne contient des points-virgules : les fichiers SIRENE séparent les colonnes par des virgules ; "
                    + "reprenez le fichier publié par l'INSEE plutôt qu'une copie réenregistrée par un tableur."
            }
            throw SireneFileError(message)
        }
        let columns = SireneLayout.columns(layout)
        index = columns.map { position[$0.name.lowercased()] ?? -1 }
        let missing = zip(columns, index).filter { $0.0.required && $0.1 < 0 }.map(\.0.name)
        if !missing.isEmpty {
            let what = missing.count == 1 ? "Colonne obligatoire absente" : "Colonnes obligatoires absentes"
            throw SireneFileError("\(what) de l'en-tête du fichier \(layout.rawValue) : \(missing.joined(separator: ", ")).")
        }
    }
}
