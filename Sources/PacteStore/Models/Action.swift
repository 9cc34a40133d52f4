import Fluent
import Foundation
import PacteCore

/// A fiche-action: every field of the sheet, its cost lines, its financing shares and indicators.
public final class ActionModel: Model, @unchecked Sendable {
    public static let schema = "actions"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "convention_id") public var convention: ConventionModel
    @OptionalParent(key: "axis_id") public var axis: AxisModel?
    @Field(key: "position") public var position: Int
    @Field(key: "code") public var code: String
    @Field(key: "title") public var title: String
    /// Constat.
    @OptionalField(key: "context") public var context: String?
    @OptionalField(key: "objectives") public var objectives: String?
    @OptionalField(key: "content") public var content: String?
    @OptionalField(key: "method") public var method: String?
    /// Maîtrise d'ouvrage.
    @OptionalParent(key: "operator_id") public var `operator`: OrganisationModel?
    @OptionalField(key: "calendar") public var calendar: String?
    @OptionalField(key: "co_financing") public var coFinancing: String?
    @OptionalField(key: "technical_partners") public var technicalPartners: String?
    @OptionalField(key: "evaluation") public var evaluation: String?
    @OptionalField(key: "day_rate_cents") public var dayRateCents: Int64?
    @OptionalField(key: "stated_days") public var statedDaysText: String?
    @Field(key: "notes") public var notes: [String]

    @Children(for: \.$action) public var lines: [CostLineModel]
    @Children(for: \.$action) public var shares: [ShareModel]
    @Children(for: \.$action) public var indicators: [IndicatorModel]
    @Children(for: \.$action) public var statedTotals: [StatedTotalModel]

    public init() {}

    public init(id: UUID? = nil, conventionID: UUID, position: Int, code: String, title: String) {
        self.id = id
        self.$convention.id = conventionID
        self.position = position
        self.code = code
        self.title = title
        self.notes = []
    }

    public var dayRate: Money? {
        get { Money(storedCents: dayRateCents) }
        set { dayRateCents = newValue?.cents }
    }

    /// `2.c Parcours digital`, as `PlannedAction.displayName` writes it.
    public var displayName: String { [code, title].filter { !$0.isEmpty }.joined(separator: " ") }
}

/// A total as the document states it (per year, or per funder), kept to compare with the computed one.
public final class StatedTotalModel: Model, @unchecked Sendable {
    public static let schema = "action_stated_totals"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "action_id") public var action: ActionModel
    @OptionalField(key: "year") public var year: Int?
    @OptionalParent(key: "funder_id") public var funder: OrganisationModel?
    @Field(key: "amount_cents") public var amountCents: Int64

    public init() {}

    public init(id: UUID? = nil, actionID: UUID, year: Int?, funderID: UUID?, amount: Money) {
        self.id = id
        self.$action.id = actionID
        self.year = year
        self.$funder.id = funderID
        self.amountCents = amount.cents
    }
}

public enum PricingKind: String, FrenchCodedEnum, Sendable {
    case quantity, days, forfait, onQuote
}

public final class CostLineModel: Model, @unchecked Sendable {
    public static let schema = "cost_lines"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "action_id") public var action: ActionModel
    @Field(key: "position") public var position: Int
    /// Unique within the action; shares name the lines they pay for by this key.
    @Field(key: "line_key") public var lineKey: String
    @Field(key: "label") public var label: String
    @Field(key: "pricing") public var pricing: PricingKind
    @OptionalField(key: "quantity") public var quantityText: String?
    @OptionalField(key: "unit_price_cents") public var unitPriceCents: Int64?
    @OptionalField(key: "amount_cents") public var amountCents: Int64?
    @Field(key: "tax_regime") public var taxRegime: TaxRegime
    @OptionalField(key: "stated_amount_cents") public var statedAmountCents: Int64?
    @OptionalField(key: "effort_days") public var effortDaysText: String?
    @OptionalField(key: "year") public var year: Int?

    public init() {}

    public init(id: UUID? = nil, actionID: UUID, position: Int, line: CostLine) {
        self.id = id
        self.$action.id = actionID
        self.position = position
        self.apply(line)
    }

    /// Writes a domain cost line into the columns.
    public func apply(_ line: CostLine) {
        lineKey = line.id
        label = line.label
        taxRegime = line.regime
        statedAmountCents = line.statedAmount?.cents
        effortDaysText = StoredFraction.text(line.effortDays)
        year = line.year
        quantityText = nil
        unitPriceCents = nil
        amountCents = nil
        switch line.pricing {
        case .quantity(let q, let price):
            pricing = .quantity
            quantityText = StoredFraction.text(q.value)
            unitPriceCents = price.cents
        case .days(let d, let rate):
            pricing = .days
            quantityText = StoredFraction.text(d.value)
            unitPriceCents = rate.cents
        case .forfait(let amount):
            pricing = .forfait
            amountCents = amount.cents
        case .onQuote:
            pricing = .onQuote
        }
    }

    /// Reads the columns back into a domain cost line.
    public func costLine() throws -> CostLine {
        let line: CostLine.Pricing
        switch pricing {
        case .quantity, .days:
            guard let q = try StoredFraction.quantity(quantityText), let price = unitPriceCents else {
                throw StoreError.corrupt("ligne \(lineKey) sans quantité ou prix")
            }
            line = pricing == .quantity ? .quantity(q, unitPrice: Money(cents: price)) : .days(q, dayRate: Money(cents: price))
        case .forfait:
            guard let amountCents else { throw StoreError.corrupt("forfait \(lineKey) sans montant") }
            line = .forfait(Money(cents: amountCents))
        case .onQuote:
            line = .onQuote
        }
        return CostLine(id: lineKey, label: label, pricing: line, regime: taxRegime,
                        statedAmount: Money(storedCents: statedAmountCents),
                        effortDays: try StoredFraction.quantity(effortDaysText), year: year)
    }
}

public enum ShareSizeKind: String, FrenchCodedEnum, Sendable {
    case percentage, fixed, remainder, undetermined
}

public final class ShareModel: Model, @unchecked Sendable {
    public static let schema = "financing_shares"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "action_id") public var action: ActionModel
    @Field(key: "position") public var position: Int
    /// Nil when the share is a prorata pool (its members are in `share_prorata_members`).
    @OptionalParent(key: "funder_id") public var funder: OrganisationModel?
    @Field(key: "size_kind") public var sizeKind: ShareSizeKind
    @OptionalField(key: "rate") public var rate: Rate?
    @OptionalField(key: "amount_cents") public var amountCents: Int64?
    @OptionalField(key: "basis_lines") public var basisLines: [String]?
    @OptionalField(key: "cap_amount_cents") public var capAmountCents: Int64?
    @OptionalField(key: "cap_rate") public var capRate: Rate?
    @OptionalParent(key: "cap_overflow_to_id") public var capOverflowTo: OrganisationModel?
    @OptionalField(key: "cap_label") public var capLabel: String?
    @OptionalField(key: "condition") public var condition: String?
    @OptionalField(key: "year") public var year: Int?
    @OptionalField(key: "stated_amount_cents") public var statedAmountCents: Int64?
    @OptionalField(key: "prorata_quantity") public var prorataQuantity: String?
    @OptionalField(key: "prorata_year") public var prorataYear: Int?
    @OptionalField(key: "prorata_source") public var prorataSource: String?

    @Children(for: \.$share) public var prorataMembers: [ProrataMemberModel]

    public init() {}

    public init(id: UUID? = nil, actionID: UUID, position: Int) {
        self.id = id
        self.$action.id = actionID
        self.position = position
        self.sizeKind = .undetermined
    }
}

public final class ProrataMemberModel: Model, @unchecked Sendable {
    public static let schema = "share_prorata_members"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "share_id") public var share: ShareModel
    @Parent(key: "organisation_id") public var organisation: OrganisationModel
    @Field(key: "position") public var position: Int
    @Field(key: "weight") public var weight: Int64

    public init() {}

    public init(id: UUID? = nil, shareID: UUID, organisationID: UUID, position: Int, weight: Int64) {
        self.id = id
        self.$share.id = shareID
        self.$organisation.id = organisationID
        self.position = position
        self.weight = weight
    }
}

public final class IndicatorModel: Model, @unchecked Sendable {
    public static let schema = "indicators"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "action_id") public var action: ActionModel
    @Field(key: "position") public var position: Int
    @Field(key: "label") public var label: String
    @OptionalField(key: "target") public var targetText: String?
    @OptionalField(key: "measured") public var measuredText: String?
    @OptionalField(key: "unit") public var unit: String?
    @OptionalField(key: "year") public var year: Int?
    /// A share goal: this indicator over its base indicator must reach the rate (`60 %`).
    @OptionalField(key: "goal_rate") public var goalRate: Rate?
    @OptionalField(key: "base_indicator_id") public var baseIndicatorID: UUID?
    /// Measured from execution rather than by hand: `servicesDelivered`, `companiesHelped`, `amountCommitted`.
    @OptionalField(key: "auto_source") public var autoSource: IndicatorSource?

    public init() {}

    public init(id: UUID? = nil, actionID: UUID, position: Int, label: String) {
        self.id = id
        self.$action.id = actionID
        self.position = position
        self.label = label
    }
}
