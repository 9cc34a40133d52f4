import Foundation
import PacteCore
import PacteOffice

/// A value given to an organisation's template: text, a list of elements, or a nested group.
typealias TemplateData = [String: any Sendable]

/// The kinds of document an organisation may lay out itself, each with the names its template may
/// use. The names are French, as the people who write the templates are.
enum TemplateKind: String, CaseIterable, Sendable {
    case convention
    case avenant
    case fundingNotice = "avis-de-financement"
    case deMinimisStatement = "releve-de-minimis"

    var label: String {
        switch self {
        case .convention: "Convention"
        case .avenant: "Avenant"
        case .fundingNotice: "Avis de financement"
        case .deMinimisStatement: "Relevé des aides de minimis"
        }
    }

    static let party = PlaceholderSchema(fields: ["nom", "siren", "representant", "designation", "roles"])
    static let financingTable = PlaceholderSchema(fields: ["regime", "cout_total"], sections: [
        "financeurs": PlaceholderSchema(fields: ["nom", "nom_court", "total"]),
        "lignes": PlaceholderSchema(fields: ["action", "cout"], sections: ["montants": PlaceholderSchema(fields: ["financeur", "montant"])]),
    ])
    static let conventionFields = PlaceholderSchema(fields: [
        "convention.titre", "convention.reference", "convention.objet", "convention.version", "convention.date_signature",
        "convention.date_effet", "convention.date_fin", "convention.duree", "convention.regime", "convention.cout_total", "date_du_jour",
    ], sections: [
        "parties": party,
        "signataires": party,
    ])

    var schema: PlaceholderSchema {
        switch self {
        case .convention:
            var schema = Self.conventionFields
            schema.sections["articles"] = PlaceholderSchema(fields: ["numero", "titre", "texte"])
            schema.sections["actions"] = PlaceholderSchema(fields: [
                "code", "titre", "axe", "axe_titre", "contexte", "objectifs", "contenu", "methode", "operateur", "calendrier", "cout",
                "total_finance", "non_finance",
            ], sections: [
                "lignes": PlaceholderSchema(fields: ["libelle", "detail", "montant"]),
                "financements": PlaceholderSchema(fields: ["financeur", "regle", "montant"]),
            ])
            schema.sections["plan"] = Self.financingTable
            return schema
        case .avenant:
            var schema = Self.conventionFields
            schema.fields.formUnion(["avenant.numero", "avenant.titre", "avenant.objet", "avenant.approbation", "avenant.date_approbation", "avenant.projet"])
            schema.sections["modifications"] = PlaceholderSchema(fields: ["groupe", "element", "changement", "avant", "apres"])
            schema.sections["plan"] = Self.financingTable
            return schema
        case .fundingNotice:
            return PlaceholderSchema(fields: [
                "entreprise.nom", "entreprise.siren", "entreprise.adresse", "prestation.libelle", "prestation.programme", "prestation.prestataire",
                "prestation.montant", "prestation.base", "prestation.etape", "convention.titre", "convention.reference", "action.titre",
                "aide.publique", "aide.texte", "date_du_jour",
            ], sections: ["financeurs": PlaceholderSchema(fields: ["nom", "part", "montant"])])
        case .deMinimisStatement:
            return PlaceholderSchema(fields: [
                "entreprise.nom", "entreprise.siren", "entreprise.adresse", "periode.debut", "periode.fin", "reglement", "plafond", "recu", "disponible",
                "date_du_jour",
            ], sections: [
                "membres": PlaceholderSchema(fields: ["nom", "siren", "adresse"]),
                "aides": PlaceholderSchema(fields: ["date", "beneficiaire", "organisme", "reglement", "montant"]),
            ])
        }
    }
}
