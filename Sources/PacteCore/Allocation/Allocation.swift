/// Splits an amount into shares that add up exactly, to the cent, by the largest-remainder method
/// (Hamilton's method).
///
/// Each share first gets the floor of its exact quota `total × weight / Σweights`, in cents. The cents
/// left over (fewer than the number of shares) go one each to the shares with the largest remainders.
/// Ties are broken deterministically: the larger weight first, then the earlier position in the list.
/// Hence a larger weight never receives less than a smaller one, and the result never depends on
/// anything but the inputs.
///
/// A negative total is split as its magnitude and negated, so that a refund mirrors the charge.
public enum Allocation {
    public enum Failure: Error, Equatable, Sendable, CustomStringConvertible {
        case noWeights
        case negativeWeight(index: Int)
        case zeroTotalWeight
        case overflow

        public var description: String {
            switch self {
            case .noWeights: "Aucune part à répartir."
            case .negativeWeight(let i): "La clé de répartition n° \(i + 1) est négative."
            case .zeroTotalWeight: "Les clés de répartition sont toutes nulles : rien ne permet de répartir le montant."
            case .overflow: "Dépassement de capacité pendant la répartition."
            }
        }
    }

    /// Splits `total` by integer weights (populations, counts, basis points…).
    public static func split(_ total: Money, weights: [Int64]) throws(Failure) -> [Money] {
        try split(total, wideWeights: weights.map { Int128($0) })
    }

    /// Splits `total` by exact rates (`25 %`, `2/3`…), brought to a common denominator.
    public static func split(_ total: Money, rates: [Rate]) throws(Failure) -> [Money] {
        guard !rates.isEmpty else { throw .noWeights }
        var common: Int128 = 1
        for rate in rates {
            let d = Int128(rate.fraction.denominator)
            let g = Exact.gcd(common, d)
            let (scaled, overflow) = (common / g).multipliedReportingOverflow(by: d)
            guard !overflow, scaled <= Int128(Int64.max) else { throw .overflow }
            common = scaled
        }
        let weights = rates.map { Int128($0.fraction.numerator) * (common / Int128($0.fraction.denominator)) }
        return try split(total, wideWeights: weights)
    }

    static func split(_ total: Money, wideWeights weights: [Int128]) throws(Failure) -> [Money] {
        guard !weights.isEmpty else { throw .noWeights }
        if let negative = weights.firstIndex(where: { $0 < 0 }) { throw .negativeWeight(index: negative) }
        var weightSum: Int128 = 0
        for w in weights {
            let (s, overflow) = weightSum.addingReportingOverflow(w)
            guard !overflow else { throw .overflow }
            weightSum = s
        }
        guard weightSum > 0 else { throw .zeroTotalWeight }

        let magnitude = Int128(total.cents.magnitude)
        var shares = [Int128](repeating: 0, count: weights.count)
        var remainders = [Int128](repeating: 0, count: weights.count)
        var distributed: Int128 = 0
        for (i, w) in weights.enumerated() {
            let (product, overflow) = magnitude.multipliedReportingOverflow(by: w)
            guard !overflow else { throw .overflow }
            let (q, r) = product.quotientAndRemainder(dividingBy: weightSum)
            shares[i] = q
            remainders[i] = r
            distributed += q
        }
        let leftover = Int(magnitude - distributed) // < weights.count
        let order = weights.indices.sorted { a, b in
            if remainders[a] != remainders[b] { return remainders[a] > remainders[b] }
            if weights[a] != weights[b] { return weights[a] > weights[b] }
            return a < b
        }
        for i in order.prefix(leftover) { shares[i] += 1 }
        return shares.map { Money(cents: Int64(total.cents < 0 ? -$0 : $0)) }
    }
}
