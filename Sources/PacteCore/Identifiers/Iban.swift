/// An IBAN (ISO 13616): country code, two check digits, the account number; the whole passes the
/// ISO 7064 mod-97 check. An `Iban` value cannot hold a mistyped number.
public struct Iban: Hashable, Sendable, CustomStringConvertible {
    /// Upper case, no spaces: `FR7630006000011234567890189`.
    public let compact: String

    public init(_ text: String) throws(IdentifierError) {
        let compact = String(compactDigits(text).uppercased())
        let characters = Array(compact)
        guard (15...34).contains(characters.count), characters.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }),
              characters[0].isLetter, characters[1].isLetter, characters[2].isNumber, characters[3].isNumber else {
            throw IdentifierError(input: text, message: "un IBAN commence par le code du pays et deux chiffres de contrôle (FR76…), puis 11 à 30 lettres ou chiffres.")
        }
        if compact.hasPrefix("FR"), characters.count != 27 {
            throw IdentifierError(input: text, message: "un IBAN français compte 27 caractères (\(characters.count) ici).")
        }
        guard Self.remainder(of: compact) == 1 else {
            throw IdentifierError(input: text, message: "cet IBAN n'est pas valide (la clé de contrôle ne correspond pas).")
        }
        self.compact = compact
    }

    /// The account moved behind the country and check digits, letters read as 10–35, modulo 97.
    private static func remainder(of compact: String) -> Int {
        let rearranged = compact.dropFirst(4) + compact.prefix(4)
        var remainder = 0
        for character in rearranged {
            guard let scalar = character.unicodeScalars.first else { return -1 }
            let value = character.isNumber ? Int(scalar.value) - 48 : Int(scalar.value) - 55
            remainder = (remainder * (value >= 10 ? 100 : 10) + value) % 97
        }
        return remainder
    }

    /// `FR76 3000 6000 0112 3456 7890 189`: groups of four, as banks print it.
    public var formatted: String {
        var out = ""
        for (index, character) in compact.enumerated() {
            if index > 0 && index % 4 == 0 { out += " " }
            out.append(character)
        }
        return out
    }

    public var description: String { compact }
}

extension Iban: TextCodable {
    public init(codedText: String) throws { try self.init(codedText) }
    public var codedText: String { compact }
}
