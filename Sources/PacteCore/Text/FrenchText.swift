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

    /// Puts the no-break spaces of French typography into a text written with ordinary spaces (or
    /// none): inside « », before ; ! ? % (narrow) and before : (no-break). Applied to whole pages,
    /// so it leaves alone what is not French prose: a colon inside a word or number (`10:30`,
    /// `https://`), a ? or ! that starts or follows no letter.
    public static func typeset(_ text: String) -> String {
        guard text.contains(where: { "«»;:!?%".contains($0) }) else { return text }
        var out: [Character] = []
        out.reserveCapacity(text.count + 8)
        let chars = Array(text)
        for (i, c) in chars.enumerated() {
            switch c {
            case "«":
                out.append(c)
                if i + 1 < chars.count, chars[i + 1] != "\u{202F}", chars[i + 1] != "\u{00A0}" {
                    out.append("\u{202F}")
                }
            case "»", ";", "!", "?", "%", ":":
                let previous = out.last
                let next: Character? = i + 1 < chars.count ? chars[i + 1] : nil
                if c == "»" || c == "%" || afterWord(previous) && (c != ":" || next == nil || next == " " || next == "\n") {
                    if previous == " " { out.removeLast() }
                    if let last = out.last, last != "\u{202F}", last != "\u{00A0}", last != "«", last != "\n" {
                        out.append(c == ":" ? "\u{00A0}" : "\u{202F}")
                    }
                }
                out.append(c)
            case " " where out.last == "\u{202F}" && out.dropLast().last == "«":
                continue
            default:
                out.append(c)
            }
        }
        return String(out)
    }

    private static func afterWord(_ c: Character?) -> Bool {
        guard var c else { return false }
        if c == " " { return true }
        if c == "\u{202F}" || c == "\u{00A0}" { c = "a" }
        return c.isLetter || c.isNumber || c == ")" || c == "»" || c == "€" || c == "."
    }
}
