/// A SIREN: the 9-digit identifier of a company or public body, with a valid Luhn checksum.
/// A `Siren` value cannot hold an invalid number.
public struct Siren: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let digits: String

    /// La Poste's SIREN: its establishments' SIRETs do not follow Luhn (see `Siret`).
    public static let laPoste = "356000000"

    public init(_ text: String) throws(IdentifierError) {
        let compact = compactDigits(text)
        guard compact.count == 9, compact.allSatisfy(\.isASCIIDigit) else {
            throw IdentifierError(input: text, message: "un SIREN compte exactement 9 chiffres.")
        }
        guard Luhn.isValid(compact) else {
            throw IdentifierError(input: text, message: "ce SIREN n'est pas valide (la clé de contrôle ne correspond pas).")
        }
        guard compact != "000000000" else {
            throw IdentifierError(input: text, message: "le SIREN 000 000 000 n'existe pas.")
        }
        digits = compact
    }

    /// `249 000 241`
    public var formatted: String {
        let d = Array(digits)
        return String(d[0..<3]) + " " + String(d[3..<6]) + " " + String(d[6..<9])
    }

    public var description: String { digits }
    public static func < (lhs: Siren, rhs: Siren) -> Bool { lhs.digits < rhs.digits }
}

/// A SIRET: SIREN + 5-digit establishment number (NIC), Luhn over all 14 digits. La Poste
/// (SIREN 356000000) is the known exception: its SIRETs have a digit sum divisible by 5, except the
/// head office, 356 000 000 00048, which follows Luhn (digit sum 26).
public struct Siret: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let digits: String
    /// The SIREN of the company this establishment belongs to.
    public let siren: Siren

    public init(_ text: String) throws(IdentifierError) {
        let compact = compactDigits(text)
        guard compact.count == 14, compact.allSatisfy(\.isASCIIDigit) else {
            throw IdentifierError(input: text, message: "un SIRET compte exactement 14 chiffres (SIREN + NIC).")
        }
        let sirenPart = compact.prefix(9)
        do {
            siren = try Siren(String(sirenPart))
        } catch {
            throw IdentifierError(input: text, message: "le SIREN contenu dans ce SIRET n'est pas valide.")
        }
        if sirenPart == Siren.laPoste {
            // The head office (356 000 000 00048) follows Luhn; the other establishments follow the digit-sum rule.
            guard Luhn.digitSum(compact) % 5 == 0 || Luhn.isValid(compact) else {
                throw IdentifierError(input: text, message: "ce SIRET de La Poste n'est pas valide (la somme de ses chiffres doit être un multiple de 5).")
            }
        } else {
            guard Luhn.isValid(compact) else {
                throw IdentifierError(input: text, message: "ce SIRET n'est pas valide (la clé de contrôle ne correspond pas).")
            }
        }
        digits = compact
    }

    /// The establishment number (NIC).
    public var nic: String { String(digits.suffix(5)) }

    /// `356 000 000 00048`
    public var formatted: String { siren.formatted + " " + nic }

    public var description: String { digits }
    public static func < (lhs: Siret, rhs: Siret) -> Bool { lhs.digits < rhs.digits }
}

extension Siren: TextCodable {
    public init(codedText: String) throws { try self.init(codedText) }
    public var codedText: String { digits }
}

extension Siret: TextCodable {
    public init(codedText: String) throws { try self.init(codedText) }
    public var codedText: String { digits }
}
