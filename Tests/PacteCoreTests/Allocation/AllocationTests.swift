import PropertyBased
import Testing
@testable import PacteCore

@Suite struct AllocationTests {
    /// Populations 2025 of the seven EPCI of seed 002 (DGCL epcicom 2026, total_pop_tot).
    static let ardennesPopulations: [(String, Int64, Int64)] = [
        ("CA Ardenne Métropole", 123_142, 1_101_296),
        ("CC du Pays Rethélois", 30_645, 274_067),
        ("CC Vallées et Plateau d'Ardenne", 24_430, 218_485),
        ("CC des Crêtes Préardennaises", 22_112, 197_754),
        ("CC des Portes du Luxembourg", 19_821, 177_265),
        ("CC de l'Argonne Ardennaise", 16_977, 151_830),
        ("CC Ardennes Thiérache", 9_670, 86_482),
    ]

    @Test("Seed 002: 22 071,79 € split among the seven EPCI by population", .tags(.golden))
    func ardennes() throws {
        let weights = Self.ardennesPopulations.map(\.1)
        #expect(weights.reduce(0, +) == 246_797)
        let shares = try Allocation.split(Money(cents: 2_207_179), weights: weights)
        #expect(shares == Self.ardennesPopulations.map { Money(cents: $0.2) })
        #expect(try Money.sum(shares) == Money(cents: 2_207_179))
    }

    @Test("Ties go to the larger weight, then to the earlier position")
    func ties() throws {
        #expect(try Allocation.split(Money(cents: 1), weights: [1, 1, 1]) == [1, 0, 0].map { Money(cents: $0) })
        #expect(try Allocation.split(Money(cents: 2), weights: [1, 1, 1]) == [1, 1, 0].map { Money(cents: $0) })
        // 10 cents over weights 1 and 2 and 3 (quotas 1,67 / 3,33 / 5): the largest remainder wins.
        #expect(try Allocation.split(Money(cents: 10), weights: [1, 2, 3]) == [2, 3, 5].map { Money(cents: $0) })
        // Equal remainders (0,5 each), the larger weight first.
        #expect(try Allocation.split(Money(cents: 3), weights: [1, 1, 4]) == [1, 0, 2].map { Money(cents: $0) })
        // Quotas 0,5 and 1,5: equal remainders, the cent goes to the larger weight.
        #expect(try Allocation.split(Money(cents: 2), weights: [1, 3]) == [0, 2].map { Money(cents: $0) })
    }

    @Test("Rates split exactly: 25 % / 25 % / 50 % of 30 000 €; thirds of 100 €")
    func rates() throws {
        #expect(try Allocation.split(.euros(30_000), rates: [.percent(25), .percent(25), .percent(50)]) == [.euros(7_500), .euros(7_500), .euros(15_000)])
        let third = try Rate(try Fraction(1, 3))
        #expect(try Allocation.split(.euros(100), rates: [third, third, third]) == [3334, 3333, 3333].map { Money(cents: $0) })
    }

    @Test("A refund mirrors the charge")
    func negative() throws {
        #expect(try Allocation.split(Money(cents: -10), weights: [1, 2, 3]) == [-2, -3, -5].map { Money(cents: $0) })
    }

    @Test("Weights that cannot split anything are refused")
    func errors() {
        #expect(throws: Allocation.Failure.noWeights) { try Allocation.split(.euros(1), weights: []) }
        #expect(throws: Allocation.Failure.zeroTotalWeight) { try Allocation.split(.euros(1), weights: [0, 0]) }
        #expect(throws: Allocation.Failure.negativeWeight(index: 1)) { try Allocation.split(.euros(1), weights: [1, -1]) }
    }

    static let totals = Gen.int64(in: -1_000_000_000_00...1_000_000_000_00)
    static let weights = Gen.int64(in: 0...5_000_000).array(of: 1...12)

    @Test("Shares always add up exactly to the amount", .tags(.property))
    func sumsExactly() async {
        await propertyCheck(count: 1_000, input: Self.totals, Self.weights) { total, weights in
            guard weights.contains(where: { $0 > 0 }) else { return }
            let shares = try Allocation.split(Money(cents: total), weights: weights)
            #expect(shares.count == weights.count)
            #expect(try Money.sum(shares) == Money(cents: total))
        }
    }

    @Test("Each share is within one cent of its exact quota", .tags(.property))
    func withinOneCent() async {
        await propertyCheck(count: 1_000, input: Self.totals, Self.weights) { total, weights in
            guard weights.contains(where: { $0 > 0 }) else { return }
            let shares = try Allocation.split(Money(cents: total), weights: weights)
            let sum = Int128(weights.reduce(0, +))
            for (share, weight) in zip(shares, weights) {
                // |share − total × w / W| < 1 cent  ⇔  |share × W − total × w| < W
                let gap = Int128(share.cents) * sum - Int128(total) * Int128(weight)
                #expect(gap.magnitude < sum.magnitude)
            }
        }
    }

    @Test("A larger weight never gets less", .tags(.property))
    func monotonic() async {
        await propertyCheck(count: 1_000, input: Gen.int64(in: 0...1_000_000_000_00), Self.weights) { total, weights in
            guard weights.contains(where: { $0 > 0 }) else { return }
            let shares = try Allocation.split(Money(cents: total), weights: weights)
            for i in weights.indices {
                for j in weights.indices where weights[i] > weights[j] {
                    #expect(shares[i] >= shares[j])
                }
            }
        }
    }

    @Test("Splitting by rates equals splitting by their integer equivalents", .tags(.property))
    func ratesMatchWeights() async {
        await propertyCheck(count: 300, input: Gen.int64(in: 0...1_000_000_00), Gen.int64(in: 0...10_000).array(of: 1...6)) { total, points in
            guard points.contains(where: { $0 > 0 }) else { return }
            let byRates = try Allocation.split(Money(cents: total), rates: points.map { Rate.basisPoints($0) })
            let byWeights = try Allocation.split(Money(cents: total), weights: points)
            #expect(byRates == byWeights)
        }
    }
}
