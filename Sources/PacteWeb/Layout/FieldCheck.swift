import Fluent
import Foundation
import PacteCore
import PacteStore
import Plot
import Vapor

/// The answer to the inline check of one field as the user leaves it (same parsers as on submission).
struct FieldCheck: Content {
    var ok: Bool
    var message: String?
    /// The value as Pacte read it, in French (`1 400,00 €`).
    var normalized: String?

    static func check(kind: String, value: String) -> FieldCheck {
        var state = FormState(values: ["v": [value]])
        let normalized: String?
        switch kind {
        case "amount": normalized = state.amount("v", label: "montant").map(FrenchFormat.money)
        case "quantity": normalized = state.quantity("v", label: "quantité").map(FrenchFormat.days)
        case "rate": normalized = state.rate("v", label: "taux").map(FrenchFormat.percent)
        case "date": normalized = state.date("v", label: "date").map(FrenchFormat.date)
        default: return FieldCheck(ok: false, message: "Type de champ inconnu.", normalized: nil)
        }
        if let error = state.errors["v"] { return FieldCheck(ok: false, message: error, normalized: nil) }
        return FieldCheck(ok: true, message: nil, normalized: normalized)
    }
}
