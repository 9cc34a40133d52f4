import Fluent
import Foundation
import PacteCore
import PacteStore
import Plot
import Vapor

/// Short confirmations shown after a redirect (`?ok=ligne`), from a fixed list so that the address
/// cannot make the page say anything.
enum Notices {
    static func text(_ key: String) -> String? {
        [
            "convention": "Convention enregistrée.",
            "partie": "Partie ajoutée.",
            "partie-retiree": "Partie retirée.",
            "partie-modifiee": "Partie modifiée.",
            "action": "Action enregistrée.",
            "ligne": "Ligne de coût enregistrée.",
            "ligne-supprimee": "Ligne de coût supprimée.",
            "part": "Part de financement enregistrée.",
            "part-supprimee": "Part de financement supprimée.",
            "article": "Article enregistré.",
            "article-supprime": "Article supprimé.",
            "axe": "Axe enregistré.",
            "axe-supprime": "Axe supprimé.",
            "indicateur": "Indicateur enregistré.",
            "indicateur-supprime": "Indicateur supprimé.",
            "enveloppe": "Enveloppe créée.",
            "etape-convention": "Étape de la convention enregistrée.",
            "reconduction": "Reconduction enregistrée.",
            "fin": "Fin de la convention ou retrait enregistré.",
            "deliberation": "Délibération inscrite.",
            "version": "Version enregistrée.",
            "comite": "Comité créé.",
            "signature": "Signature enregistrée.",
            "titres": "Titres de recettes émis.",
            "facture": "Facture émise.",
            "mesure": "Mesure enregistrée.",
            "bilan": "Observations enregistrées.",
            "livrable": "Livrable ajouté.",
            "livraison": "Livraison enregistrée.",
            "paiement": "Paiement enregistré.",
            "reunion": "Réunion inscrite.",
            "engagement": "Fonds engagés.",
            "engagement-libere": "Engagement libéré.",
            "prestation": "Prestation prescrite (devis enregistré).",
            "etape": "Étape enregistrée.",
            "entreprise": "Entreprise enregistrée.",
            "etablissement": "Établissement ajouté.",
            "aide": "Aide de minimis inscrite.",
            "entreprise-unique": "Entreprises réunies en une entreprise unique.",
            "service": "Prestation du catalogue enregistrée.",
            "parametres": "Paramètres enregistrés.",
            "import": "Convention enregistrée en brouillon à partir du document importé : complétez-la (dates, articles) avant de la soumettre à approbation.",
            "brouillon-verifie": "Le brouillon se lit sans erreur : relisez les constats, puis enregistrez la convention en brouillon.",
        ][key]
    }
}
