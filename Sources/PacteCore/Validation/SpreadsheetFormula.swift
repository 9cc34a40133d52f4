/// Text that a spreadsheet program would take for a formula when it opens a file cell holding it
/// (OWASP « CSV injection »): Excel and LibreOffice evaluate a cell typed `=…`, Excel also `+…`,
/// `-…` and `@…`, and a leading tab or carriage return hides such a sign from a reviewer's eye.
/// Public bodies open Pacte's downloads every month: an action title, a company name from SIRENE or
/// an imported party name written `=HYPERLINK(…)` must stay text.
public enum SpreadsheetFormula {
    /// The characters OWASP lists as starting a formula.
    public static let leadingCharacters: Set<Unicode.Scalar> = ["=", "+", "-", "@", "\t", "\r"]

    /// True when a cell holding `text` could be evaluated. Leading spaces and line feeds are looked
    /// through too: some programs trim them when they read a file.
    public static func startsLikeFormula(_ text: String) -> Bool { leadingSign(text) != nil }

    /// The sign that makes a formula of `text`, looking through leading spaces and line feeds.
    private static func leadingSign(_ text: String) -> Unicode.Scalar? {
        text.unicodeScalars.first { $0 != " " && $0 != "\n" }.flatMap { leadingCharacters.contains($0) ? $0 : nil }
    }

    /// The text as a CSV cell safe to open: a leading apostrophe, which spreadsheets read as « this
    /// is text » (Excel hides it, LibreOffice shows it), when the text starts like a formula.
    public static func neutralised(_ text: String) -> String {
        startsLikeFormula(text) ? "'" + text : text
    }

    /// The French refusal for a field that goes, as typed, into an open-data file whose schema fixes
    /// the content (SCDL): there the text cannot be neutralised, so it is refused where it is entered.
    /// Nil when the text is fine.
    public static func openDataRefusal(_ text: String, label: String) -> String? {
        guard let scalar = leadingSign(text) else { return nil }
        let sign = switch scalar {
        case "\t": "une tabulation"
        case "\r": "un retour chariot"
        default: "« \(scalar) »"
        }
        return "« \(label) » ne peut pas commencer par \(sign) : ce texte est publié tel quel dans les fichiers open data (SCDL), "
            + "où un tableur le prendrait pour une formule. Commencez par une lettre ou un chiffre."
    }
}
