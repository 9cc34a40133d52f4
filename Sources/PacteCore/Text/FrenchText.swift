/// French typography and grammar in one place: plural agreement by count, lists, and the narrow
/// no-break spaces that keep « », ; : ! ? and % on the line of the word they belong to.
public enum FrenchText {
    /// U+202F, the narrow no-break space French typography puts inside « » and before ; ! ? %.
    public static let narrowSpace = "\u{202F}"
    /// U+00A0, before « : ».
    public static let noBreakSpace = "\u{00A0}"

    /// « 1 membre », « 2 membres », « 0 membre » (French puts 0 and 1 in the singular).
    public static func count(_ n: Int, _ singular: String, _ plural: String? = nil) -> String {
        "\(FrenchFormat.grouped(n))\(FrenchFormat.unitSeparator)\(noun(n, singular, plural))"
    }

    /// The noun alone, agreed with `n`: the plural adds an « s » unless it is given.
    public static func noun(_ n: Int, _ singular: String, _ plural: String? = nil) -> String {
        abs(n) < 2 ? singular : (plural ?? singular + "s")
    }

    /// « a », « a et b », « a, b et c ».
    public static func list(_ items: [String]) -> String {
        switch items.count {
        case 0: ""
        case 1: items[0]
        default: items.dropLast().joined(separator: ", ") + " et " + items[items.count - 1]
        }
    }

    /// « text » with narrow no-break spaces inside the guillemets.
    public static func quoted(_ text: String) -> String { "«\(narrowSpace)\(text)\(narrowSpace)»" }
}
