import Fluent
import Foundation
import PacteCore

/// Where an indicator's value comes from when Pacte holds the data.
public enum IndicatorSource: String, Codable, Sendable, CaseIterable {
    /// Services of the action delivered (delivered, invoiced or paid).
    case servicesDelivered
    /// Distinct companies that received a service of the action.
    case companiesHelped
    /// Euros committed on the action's services.
    case amountCommitted

    public var label: String {
        switch self {
        case .servicesDelivered: "prestations réalisées (calculé)"
        case .companiesHelped: "entreprises accompagnées (calculé)"
        case .amountCommitted: "montant engagé en euros (calculé)"
        }
    }
}

/// A measurement entered by hand, with its date and source.
public final class IndicatorMeasurementModel: Model, @unchecked Sendable {
    public static let schema = "indicator_measurements"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "indicator_id") public var indicator: IndicatorModel
    @Field(key: "measured_on") public var measuredOn: CivilDate
    /// Exact value, `numerator/denominator`.
    @Field(key: "value") public var valueText: String
    @OptionalField(key: "source") public var source: String?
    @Timestamp(key: "created_at", on: .create) public var createdAt: Date?

    public init() {}

    public init(id: UUID? = nil, indicatorID: UUID, measuredOn: CivilDate, value: Quantity, source: String?) {
        self.id = id
        self.$indicator.id = indicatorID
        self.measuredOn = measuredOn
        self.valueText = StoredFraction.text(value.value)
        self.source = source
    }
}

struct M027IndicatorGoalsAndMeasurements: AsyncMigration {
    var name: String { "027_IndicatorGoalsAndMeasurements" }
    func prepare(on db: any Database) async throws {
        try await db.schema(IndicatorModel.schema).field("goal_rate", .string).update()
        try await db.schema(IndicatorModel.schema).field("base_indicator_id", .uuid).update()
        try await db.schema(IndicatorModel.schema).field("auto_source", .string).update()
        try await db.schema(IndicatorMeasurementModel.schema)
            .id()
            .field("indicator_id", .uuid, .required, .references(IndicatorModel.schema, .id, onDelete: .cascade))
            .field("measured_on", .string, .required)
            .field("value", .string, .required)
            .field("source", .string)
            .field("created_at", .datetime)
            .create()
    }
    func revert(on db: any Database) async throws {
        try await db.schema(IndicatorMeasurementModel.schema).delete()
        try await db.schema(IndicatorModel.schema).deleteField("auto_source").update()
        try await db.schema(IndicatorModel.schema).deleteField("base_indicator_id").update()
        try await db.schema(IndicatorModel.schema).deleteField("goal_rate").update()
    }
}

/// Each indicator of an action with its value (measured from execution or entered by hand) and
/// whether it meets its goal at a date.
public enum IndicatorReadings {
    public struct Reading: Sendable {
        public var indicator: IndicatorModel
        public var indicatorID: UUID
        public var value: Quantity?
        public var measuredOn: CivilDate?
        public var source: String?
        public var goal: IndicatorGoal?
        public var assessment: IndicatorAssessment
    }

    /// The readings in the indicators' order on the sheet.
    public static func read(action: ActionModel, on date: CivilDate, db: any Database) async throws -> [Reading] {
        let actionID = try action.requireID()
        let indicators = try await IndicatorModel.query(on: db).filter(\.$action.$id == actionID).sort(\.$position).all()
        let ids = try indicators.map { try $0.requireID() }
        let measurements = try await IndicatorMeasurementModel.query(on: db).filter(\.$indicator.$id ~~ ids).sort(\.$measuredOn).all()
        let interventions = try await InterventionModel.query(on: db).filter(\.$action.$id == actionID).filter(\.$status != .cancelled).all()
        let commitments = try await CommitmentModel.query(on: db).filter(\.$action.$id == actionID).filter(\.$status == .committed).all()

        func value(of indicator: IndicatorModel) -> (Quantity?, CivilDate?, String?) {
            let inYear: (CivilDate?) -> Bool = { day in indicator.year == nil || day?.year == indicator.year }
            switch indicator.autoSource {
            case .servicesDelivered?:
                let delivered = interventions.filter { $0.deliveredOn != nil && inYear($0.deliveredOn) && $0.deliveredOn! <= date }
                return (Quantity(Int64(delivered.count)), date, IndicatorSource.servicesDelivered.label)
            case .companiesHelped?:
                let companies = Set(interventions.filter { $0.acceptedOn != nil && inYear($0.acceptedOn) && $0.acceptedOn! <= date }.map(\.$company.id))
                return (Quantity(Int64(companies.count)), date, IndicatorSource.companiesHelped.label)
            case .amountCommitted?:
                let cents = commitments.filter { $0.interventionID != nil && (indicator.year == nil || $0.year == indicator.year) }.reduce(Int64(0)) { $0 + $1.amountCents }
                return ((try? Quantity(Fraction(cents, 100))), date, IndicatorSource.amountCommitted.label)
            case nil:
                if let last = measurements.last(where: { $0.$indicator.id == indicator.id && $0.measuredOn <= date }),
                   let fraction = try? StoredFraction.fraction(last.valueText), let quantity = try? Quantity(fraction) {
                    return (quantity, last.measuredOn, last.source)
                }
                return ((try? StoredFraction.quantity(indicator.measuredText)) ?? nil, nil, nil)
            }
        }

        var readings: [Reading] = []
        let byID = Dictionary(uniqueKeysWithValues: indicators.map { ($0.id!, $0) })
        for indicator in indicators {
            let (measured, on, source) = value(of: indicator)
            var goal: IndicatorGoal?
            var base: Quantity?
            if let rate = indicator.goalRate {
                goal = .shareAtLeast(rate)
                base = indicator.baseIndicatorID.flatMap { byID[$0] }.flatMap { value(of: $0).0 }
            } else if let target = (try? StoredFraction.quantity(indicator.targetText)) ?? nil {
                goal = .atLeast(target)
            }
            let elapsed = indicator.year.map { year in elapsedShare(of: year, at: date) } ?? .one
            let assessment = goal.map { IndicatorRules.assess($0, value: measured, base: base, elapsed: elapsed) }
                ?? IndicatorAssessment(status: measured == nil ? .notMeasured : .onTrack, expected: nil, achieved: measured?.value)
            readings.append(Reading(indicator: indicator, indicatorID: indicator.id!, value: measured, measuredOn: on, source: source, goal: goal, assessment: assessment))
        }
        return readings
    }

    /// The part of `year` gone by at `date` (0 before it, 1 after it).
    static func elapsedShare(of year: Int, at date: CivilDate) -> Fraction {
        guard let start = try? CivilDate(year: year, month: 1, day: 1), let end = try? CivilDate(year: year, month: 12, day: 31) else { return .one }
        if date < start { return .zero }
        if date >= end { return .one }
        return (try? Fraction(Int64(start.days(until: date) + 1), Int64(start.days(until: end) + 1))) ?? .one
    }
}

struct M028AddOrganisationSiret: AsyncMigration {
    var name: String { "028_AddOrganisationSiret" }
    func prepare(on db: any Database) async throws {
        try await db.schema(OrganisationModel.schema).field("siret", .string).update()
    }
    func revert(on db: any Database) async throws {
        try await db.schema(OrganisationModel.schema).deleteField("siret").update()
    }
}
