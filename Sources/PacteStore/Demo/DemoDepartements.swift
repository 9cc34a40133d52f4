import Fluent
import Foundation
import PacteCore

extension DemoData {
    /// The département of each demo organisation that belongs to one. Public bodies are found by
    /// their SIREN in the reference data when it is loaded (`pacte demo` loads it first); this table
    /// also holds them so that a demo loaded without the reference data (the tests) gets the same
    /// codes, and a test checks the two agree. Régions, national and European funders, regional
    /// chambers and chambers spanning two départements (CCI Côte-d'Or · Saône-et-Loire, CCI Meuse
    /// Haute-Marne) belong to no single département.
    static let departements: [String: String] = [
        "Chambre de commerce et d'industrie territoriale de la Marne": "51",
        "Ville de Sézanne": "51",
        "Communauté de Communes du Sud Territoire": "90",
        "Département des Ardennes": "08",
        "Communauté d'agglomération Ardenne Métropole": "08",
        "Communauté de communes des Portes du Luxembourg": "08",
        "Communauté de communes Vallées et Plateau d'Ardenne": "08",
        "Communauté de communes des Crêtes Préardennaises": "08",
        "Communauté de communes Ardennes Thiérache": "08",
        "Communauté de communes de l'Argonne Ardennaise": "08",
        "Communauté de communes du Pays Rethélois": "08",
        "Dijon Métropole": "21",
        "Communauté d'agglomération de Chaumont": "52",
        "Ville de Chaumont": "52",
        "Initiative Haute-Marne": "52",
    ]

    static func departement(name: String, siren: Siren?, on db: any Database) async throws -> String? {
        if let siren, let derived = try await ReferenceData.departement(ofSiren: siren, on: db) { return derived }
        return departements[name]
    }
}
