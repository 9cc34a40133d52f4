/// A cap on what one funder pays under a convention (« dans la limite de 5 000 € », seed 001),
/// optionally for one action or one year. Commitments are checked against it.
public struct Envelope: Hashable, Sendable {
    public var name: String
    public var cap: Money

    public init(name: String, cap: Money) {
        self.name = name
        self.cap = cap
    }

    /// What is left once `committed` is taken.
    public func remaining(after committed: Money) -> Money { Money(cents: max(0, cap.cents - committed.cents)) }

    /// Admits a commitment of `amount` when `committed` is already taken; the caller holds the lock
    /// that makes the read of `committed` and the write of the commitment one step.
    public func admit(_ amount: Money, committed: Money) throws(EnvelopeRefusal) -> Money {
        guard amount.cents > 0 else { throw EnvelopeRefusal(envelope: self, requested: amount, remaining: remaining(after: committed), reason: .notPositive) }
        guard let total = try? committed.adding(amount), total <= cap else {
            throw EnvelopeRefusal(envelope: self, requested: amount, remaining: remaining(after: committed), reason: .overCap)
        }
        return remaining(after: total)
    }
}

public struct EnvelopeRefusal: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Reason: Hashable, Sendable { case overCap, notPositive }

    public var envelope: Envelope
    public var requested: Money
    public var remaining: Money
    public var reason: Reason

    public init(envelope: Envelope, requested: Money, remaining: Money, reason: Reason) {
        self.envelope = envelope
        self.requested = requested
        self.remaining = remaining
        self.reason = reason
    }

    public var description: String {
        switch reason {
        case .overCap:
            "Engagement refusé : l'enveloppe « \(envelope.name) » (\(FrenchFormat.money(envelope.cap))) n'a plus que "
                + "\(FrenchFormat.money(remaining)) disponibles ; \(FrenchFormat.money(requested)) demandés."
        case .notPositive:
            "Engagement refusé : le montant engagé doit être positif (\(FrenchFormat.money(requested)))."
        }
    }
}
