import Fluent
import PacteCore

/// Exact text forms for the values that have no native column type on both engines.
/// Quantities and rates are stored as `numerator/denominator`, never as floating point.
public enum StoredFraction {
    public static func text(_ fraction: Fraction) -> String { "\(fraction.numerator)/\(fraction.denominator)" }

    public static func fraction(_ text: String) throws -> Fraction {
        let parts = text.split(separator: "/")
        guard parts.count == 2, let n = Int64(parts[0]), let d = Int64(parts[1]) else {
            throw StoreError.corrupt("fraction illisible : \(text)")
        }
        return try Fraction(n, d)
    }

    public static func quantity(_ text: String?) throws -> Quantity? {
        guard let text else { return nil }
        return try Quantity(fraction(text))
    }

    public static func text(_ quantity: Quantity?) -> String? { quantity.map { text($0.value) } }
}

extension Money {
    /// Reads a nullable cents column.
    public init?(storedCents: Int64?) {
        guard let storedCents else { return nil }
        self.init(cents: storedCents)
    }
}

public enum StoreError: Error, CustomStringConvertible, Sendable {
    case corrupt(String)
    case notFound(String)
    case conflict(String)
    case invalid(field: String, message: String)

    public var description: String {
        switch self {
        case .corrupt(let detail): "Donnée stockée invalide : \(detail)"
        case .notFound(let what): "\(what) introuvable."
        case .conflict(let detail): detail
        case .invalid(let field, let message): "\(field) : \(message)"
        }
    }
}
