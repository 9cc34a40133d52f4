import Fluent
import Foundation
import PacteCore
import PacteStore
import Vapor

public struct ActionOut: Documented {
    public var id: UUID
    public var axisID: UUID?
    public var position: Int
    public var code: String
    public var title: String
    public var context: String?
    public var objectives: String?
    public var content: String?
    public var method: String?
    public var operatorID: UUID?
    public var calendar: String?
    public var coFinancing: String?
    public var technicalPartners: String?
    public var evaluation: String?
    public var dayRate: String?
    public var statedDays: Quantity?
    public var notes: [String]

    init(_ m: ActionModel) throws {
        id = try m.requireID(); axisID = m.$axis.id; position = m.position; code = m.code; title = m.title; context = m.context
        objectives = m.objectives; content = m.content; method = m.method; operatorID = m.$operator.id; calendar = m.calendar
        coFinancing = m.coFinancing; technicalPartners = m.technicalPartners; evaluation = m.evaluation
        dayRate = m.dayRate?.decimalString; statedDays = try StoredFraction.quantity(m.statedDaysText); notes = m.notes
    }

    public static var example: ActionOut {
        let m = ActionModel(id: exampleID, conventionID: exampleID, position: 1, code: "2.c", title: "Diagnostics numériques")
        m.$axis.id = exampleID; m.context = "…"; m.objectives = "…"; m.content = "…"; m.method = "…"; m.$operator.id = exampleID
        m.calendar = "2024"; m.coFinancing = "…"; m.technicalPartners = "…"; m.evaluation = "…"; m.dayRate = Money(cents: 70_000)
        m.statedDaysText = "16/1"
        return try! ActionOut(m)
    }
}

public struct ActionIn: Documented {
    public var position: Int?
    public var code: String?
    public var title: String?
    public var axisID: UUID?
    public var context: String?
    public var objectives: String?
    public var content: String?
    public var method: String?
    public var operatorID: UUID?
    public var calendar: String?
    public var coFinancing: String?
    public var technicalPartners: String?
    public var evaluation: String?
    public var dayRate: AmountInput?
    public var statedDays: QuantityInput?
    public var notes: [String]?

    public static var example: ActionIn {
        ActionIn(position: 1, code: "2.c", title: "Diagnostics numériques", axisID: nil, context: "…", objectives: "…", content: "…",
                 method: "…", operatorID: nil, calendar: "2024", coFinancing: nil, technicalPartners: nil, evaluation: "…",
                 dayRate: AmountInput(Money(cents: 70_000)), statedDays: QuantityInput(Quantity(16)), notes: [])
    }
}

public struct LineOut: Documented {
    public var id: UUID
    public var position: Int
    public var key: String
    public var label: String
    public var pricing: PricingKind
    public var quantity: Quantity?
    public var unitPrice: String?
    public var amount: String?
    public var taxRegime: TaxRegime
    public var statedAmount: String?
    public var effortDays: Quantity?
    public var year: Int?
    /// Computed by Pacte; absent for a line « sur devis ».
    public var computedAmount: String?
    public var computedAmountLabel: String

    init(_ m: CostLineModel) throws {
        let line = try m.costLine()
        id = try m.requireID(); position = m.position; key = m.lineKey; label = m.label; pricing = m.pricing
        quantity = try StoredFraction.quantity(m.quantityText); unitPrice = Money(storedCents: m.unitPriceCents)?.decimalString
        amount = Money(storedCents: m.amountCents)?.decimalString; taxRegime = m.taxRegime
        statedAmount = Money(storedCents: m.statedAmountCents)?.decimalString; effortDays = line.effortDays; year = m.year
        let computed = try line.computedAmount()
        computedAmount = computed?.decimalString
        computedAmountLabel = computed.map { "\($0) \(m.taxRegime.label)" } ?? "sur devis"
    }

    public static var example: LineOut {
        let line = CostLine(id: "diag", label: "Diagnostic Digipilote", pricing: .quantity(Quantity(5), unitPrice: Money(cents: 65_000)))
        return try! LineOut(CostLineModel(id: exampleID, actionID: exampleID, position: 1, line: line))
    }
}

public struct LineIn: Documented {
    public var position: Int?
    public var key: String?
    public var label: String?
    public var pricing: PricingKind?
    public var quantity: QuantityInput?
    public var unitPrice: AmountInput?
    public var amount: AmountInput?
    public var taxRegime: TaxRegime?
    public var statedAmount: AmountInput?
    public var effortDays: QuantityInput?
    public var year: Int?

    public static var example: LineIn {
        LineIn(position: 1, key: "diag", label: "Diagnostic Digipilote", pricing: .quantity, quantity: QuantityInput(Quantity(5)),
               unitPrice: AmountInput(Money(cents: 65_000)), amount: nil, taxRegime: .ht, statedAmount: nil, effortDays: nil, year: 2024)
    }

    /// Builds the domain line from the stored one and this input, so that an update keeps what it does not name.
    func line(merging existing: CostLine?, defaultRegime: TaxRegime) throws -> CostLine {
        let key = try self.key ?? existing?.id ?? required(nil as String?, "key")
        let label = try self.label ?? existing?.label ?? required(nil as String?, "label")
        guard !key.trimmingCharacters(in: .whitespaces).isEmpty else { throw Problem.invalid("key", "« key » ne peut pas être vide.") }
        let kind = try pricing ?? existing.map { PricingKind(of: $0.pricing) } ?? required(nil as PricingKind?, "pricing")
        let oldQuantity: Quantity? = existing.flatMap {
            switch $0.pricing { case .quantity(let q, _), .days(let q, _): q; default: nil }
        }
        let oldPrice: Money? = existing.flatMap {
            switch $0.pricing { case .quantity(_, let p), .days(_, dayRate: let p): p; default: nil }
        }
        let pricing: CostLine.Pricing
        switch kind {
        case .quantity, .days:
            let q = try quantity?.quantity ?? oldQuantity ?? required(nil as Quantity?, "quantity")
            let p = try unitPrice?.money ?? oldPrice ?? required(nil as Money?, "unitPrice")
            guard p.cents >= 0 else { throw Problem.invalid("unitPrice", "Le prix unitaire ne peut pas être négatif.") }
            pricing = kind == .quantity ? .quantity(q, unitPrice: p) : .days(q, dayRate: p)
        case .forfait:
            var old: Money?
            if case .forfait(let a) = existing?.pricing { old = a }
            let a = try amount?.money ?? old ?? required(nil as Money?, "amount")
            guard a.cents >= 0 else { throw Problem.invalid("amount", "Le montant ne peut pas être négatif.") }
            pricing = .forfait(a)
        case .onQuote:
            pricing = .onQuote
        }
        let line = CostLine(id: key, label: label, pricing: pricing, regime: taxRegime ?? existing?.regime ?? defaultRegime,
                            statedAmount: statedAmount?.money ?? existing?.statedAmount,
                            effortDays: effortDays?.quantity ?? existing?.effortDays, year: year ?? existing?.year)
        do {
            _ = try line.computedAmount()
        } catch {
            throw Problem.invalid("quantity", "Montant de ligne hors limites : \(error)")
        }
        return line
    }
}

extension PricingKind {
    init(of pricing: CostLine.Pricing) {
        switch pricing {
        case .quantity: self = .quantity
        case .days: self = .days
        case .forfait: self = .forfait
        case .onQuote: self = .onQuote
        }
    }
}

public struct CapDTO: Content, Sendable {
    public var amount: AmountInput?
    public var rate: Rate?
    public var overflowToID: UUID?
    public var label: String?
}

public struct ProrataMemberDTO: Content, Sendable {
    public var organisationID: UUID
    public var weight: Int64
}

public struct ProrataDTO: Content, Sendable {
    public var quantity: String
    public var year: Int
    public var source: String?
    public var members: [ProrataMemberDTO]
}

public struct ShareOut: Documented {
    public var id: UUID
    public var position: Int
    public var funderID: UUID?
    public var kind: ShareSizeKind
    public var rate: Rate?
    public var amount: String?
    public var basisLines: [String]?
    public var cap: CapDTO?
    public var condition: String?
    public var year: Int?
    public var statedAmount: String?
    public var prorata: ProrataDTO?

    init(_ m: ShareModel, members: [ProrataMemberModel]) throws {
        id = try m.requireID(); position = m.position; funderID = m.$funder.id; kind = m.sizeKind; rate = m.rate
        amount = Money(storedCents: m.amountCents)?.decimalString; basisLines = m.basisLines
        if m.capAmountCents != nil || m.capRate != nil {
            cap = CapDTO(amount: Money(storedCents: m.capAmountCents).map(AmountInput.init), rate: m.capRate,
                         overflowToID: m.$capOverflowTo.id, label: m.capLabel)
        }
        condition = m.condition; year = m.year; statedAmount = Money(storedCents: m.statedAmountCents)?.decimalString
        if m.$funder.id == nil {
            prorata = ProrataDTO(quantity: m.prorataQuantity ?? "", year: m.prorataYear ?? 0, source: m.prorataSource,
                                 members: members.sorted { $0.position < $1.position }.map { ProrataMemberDTO(organisationID: $0.$organisation.id, weight: $0.weight) })
        }
    }

    public static var example: ShareOut {
        let m = ShareModel(id: exampleID, actionID: exampleID, position: 1)
        m.$funder.id = exampleID; m.sizeKind = .percentage; m.rate = .percent(25); m.basisLines = ["diag"]; m.condition = "sous réserve"
        m.year = 2024; m.capAmountCents = 2_000_000; m.capLabel = "20 000 € maxi"; m.$capOverflowTo.id = exampleID; m.statedAmountCents = 750_000
        var out = try! ShareOut(m, members: [])
        out.amount = "7500.00"
        out.prorata = ProrataDTO(quantity: "population", year: 2025, source: "epcicom 2026", members: [ProrataMemberDTO(organisationID: exampleID, weight: 1000)])
        return out
    }
}

public struct ShareIn: Documented {
    public var position: Int?
    /// The paying organisation; absent for a prorata pool.
    public var funderID: UUID?
    public var kind: ShareSizeKind?
    public var rate: Rate?
    public var amount: AmountInput?
    public var basisLines: [String]?
    public var cap: CapDTO?
    public var condition: String?
    public var year: Int?
    public var statedAmount: AmountInput?
    public var prorata: ProrataDTO?

    public static var example: ShareIn {
        ShareIn(position: 1, funderID: exampleID, kind: .percentage, rate: .percent(25), amount: nil, basisLines: ["diag"],
                cap: CapDTO(amount: AmountInput(Money(cents: 2_000_000)), rate: nil, overflowToID: nil, label: "20 000 € maxi"),
                condition: nil, year: 2024, statedAmount: AmountInput(Money(cents: 750_000)), prorata: nil)
    }

    /// The domain share this input describes, merged over the stored one.
    func share(merging existing: Share?) throws -> Share {
        let kind = try self.kind ?? existing.map { ShareSizeKind(of: $0.size) } ?? required(nil as ShareSizeKind?, "kind")
        let size: Share.Size
        switch kind {
        case .percentage:
            var old: Rate?
            if case .percentage(let r) = existing?.size { old = r }
            size = .percentage(try rate ?? old ?? required(nil as Rate?, "rate"))
        case .fixed:
            var old: Money?
            if case .fixed(let a) = existing?.size { old = a }
            let a = try amount?.money ?? old ?? required(nil as Money?, "amount")
            guard a.cents >= 0 else { throw Problem.invalid("amount", "Une part ne peut pas être négative.") }
            size = .fixed(a)
        case .remainder: size = .remainder
        case .undetermined: size = .undetermined
        }
        let payer: Share.Payer
        if let prorata {
            guard !prorata.members.isEmpty else { throw Problem.invalid("prorata.members", "Un prorata nomme au moins un membre.") }
            guard prorata.members.allSatisfy({ $0.weight >= 0 }) else { throw Problem.invalid("prorata.members", "Un poids de prorata ne peut pas être négatif.") }
            payer = .prorata(ProrataGroup(quantity: prorata.quantity, year: prorata.year, source: prorata.source,
                                          members: prorata.members.map { .init(funder: PlanMapping.funderID($0.organisationID), weight: $0.weight) }))
        } else if let funderID {
            payer = .funder(PlanMapping.funderID(funderID))
        } else if let existing {
            payer = existing.payer
        } else {
            throw Problem.invalid("funderID", "Champ obligatoire : « funderID » (ou « prorata »).")
        }
        var cap = existing?.cap
        if let c = self.cap {
            if let amount = c.amount {
                cap = Cap(limit: .amount(amount.money), overflowTo: c.overflowToID.map(PlanMapping.funderID), label: c.label)
            } else if let rate = c.rate {
                cap = Cap(limit: .rate(rate), overflowTo: c.overflowToID.map(PlanMapping.funderID), label: c.label)
            } else {
                throw Problem.invalid("cap", "Un plafond donne un montant (« amount ») ou un taux (« rate »).")
            }
        }
        return Share(payer: payer, size: size, basisLines: basisLines ?? existing?.basisLines, cap: cap,
                     condition: condition ?? existing?.condition, year: year ?? existing?.year,
                     statedAmount: statedAmount?.money ?? existing?.statedAmount)
    }
}

extension ShareSizeKind {
    init(of size: Share.Size) {
        switch size {
        case .percentage: self = .percentage
        case .fixed: self = .fixed
        case .remainder: self = .remainder
        case .undetermined: self = .undetermined
        }
    }
}

public struct IndicatorOut: Documented {
    public var id: UUID
    public var position: Int
    public var label: String
    public var target: Quantity?
    public var measured: Quantity?
    public var unit: String?
    public var year: Int?

    init(_ m: IndicatorModel) throws {
        id = try m.requireID(); position = m.position; label = m.label; target = try StoredFraction.quantity(m.targetText)
        measured = try StoredFraction.quantity(m.measuredText); unit = m.unit; year = m.year
    }

    public static var example: IndicatorOut {
        let m = IndicatorModel(id: exampleID, actionID: exampleID, position: 1, label: "Sites diagnostiqués")
        m.targetText = "5/1"; m.measuredText = "3/1"; m.unit = "sites/an"; m.year = 2024
        return try! IndicatorOut(m)
    }
}

public struct IndicatorIn: Documented {
    public var position: Int?
    public var label: String?
    public var target: QuantityInput?
    public var measured: QuantityInput?
    public var unit: String?
    public var year: Int?

    public static var example: IndicatorIn {
        IndicatorIn(position: 1, label: "Sites diagnostiqués", target: QuantityInput(Quantity(5)), measured: nil, unit: "sites/an", year: 2024)
    }
}
