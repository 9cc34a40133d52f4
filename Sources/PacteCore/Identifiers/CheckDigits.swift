extension Luhn {
    /// The digit that makes `body` followed by it pass the Luhn check.
    static func checkDigit<S: StringProtocol>(for body: S) -> Int {
        (0...9).first { isValid(body + String($0)) }!
    }
}

/// Luhn check digits, for the numbers synthetic datasets and tests make up.
public enum CheckDigits {
    /// `prefix` followed by the digit that makes it pass the Luhn check (a SIREN from eight digits,
    /// a SIRET from thirteen).
    public static func luhnCompleted(_ prefix: String) -> String { prefix + String(Luhn.checkDigit(for: prefix)) }
}

extension Siren {
    /// The SIREN whose first eight digits are `body` (synthetic datasets number their companies).
    public static func completing(_ body: Int) throws(IdentifierError) -> Siren {
        let digits = String(body)
        guard digits.count == 8 else { throw IdentifierError(input: digits, message: "il faut 8 chiffres avant la clé d'un SIREN.") }
        return try Siren(digits + String(Luhn.checkDigit(for: digits)))
    }
}

extension Siret {
    /// The SIRET of `siren`'s establishment whose NIC starts with the four digits of `establishment`.
    public static func completing(_ siren: Siren, establishment: Int) throws(IdentifierError) -> Siret {
        let body = siren.digits + String(String(establishment).suffix(4)).leftPadded(to: 4)
        return try Siret(body + String(Luhn.checkDigit(for: body)))
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}
