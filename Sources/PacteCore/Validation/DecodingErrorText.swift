/// French wording of JSON decoding errors, shared by plan files and the API.
public enum DecodingErrorText {
    /// `actions[0].lines[2].amount`; empty for the document itself.
    public static func path(_ keys: [any CodingKey]) -> String {
        keys.map { key in key.intValue.map { "[\($0)]" } ?? ".\(key.stringValue)" }.joined().trimmingPrefix(".").description
    }

    /// What a value of `type` looks like in JSON, for "attendu …" messages.
    public static func expected(_ type: Any.Type) -> String {
        switch String(describing: type) {
        case "String": "du texte entre guillemets"
        case "Int", "Int64": "un nombre entier"
        case "Bool": "true ou false"
        case let name where name.hasPrefix("Array"): "une liste [ … ]"
        case let name where name.hasPrefix("Dictionary"): "un objet { … }"
        default: "une autre forme de valeur"
        }
    }
}
