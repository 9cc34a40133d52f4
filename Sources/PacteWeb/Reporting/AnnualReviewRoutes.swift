import Fluent
import Foundation
import PacteCore
import PacteStore
import Vapor

public struct ReviewFiguresOut: Content, Sendable {
    public var planned: String
    public var committed: String
    public var delivered: String
    public var invoiced: String
    public var paid: String

    init(_ t: AnnualReview.Totals) {
        planned = t.planned.decimalString; committed = t.committed.decimalString; delivered = t.delivered.decimalString
        invoiced = t.invoiced.decimalString; paid = t.paid.decimalString
    }
}

public struct ReviewRowOut: Content, Sendable {
    public var action: String
    public var funder: String
    public var figures: ReviewFiguresOut
}

public struct ReviewFunderOut: Content, Sendable {
    public var funder: String
    public var figures: ReviewFiguresOut
}

public struct AnnualReviewOut: Documented {
    public var year: Int
    /// The planned figures are the whole convention's (its plan has no years).
    public var plannedOverWholeConvention: Bool
    public var rows: [ReviewRowOut]
    public var byFunder: [ReviewFunderOut]
    public var total: ReviewFiguresOut
    public var previousYear: ReviewFiguresOut
    public var notes: String?

    init(_ data: AnnualReviewRoutes.Review) {
        self.init(data.review, previous: data.previous, notes: data.notes)
    }

    init(_ review: AnnualReview, previous: AnnualReview, notes: String?) {
        year = review.year; plannedOverWholeConvention = review.plannedOverWholeConvention
        rows = review.rows.map { ReviewRowOut(action: $0.action, funder: $0.funder, figures: ReviewFiguresOut($0.figures)) }
        byFunder = review.byFunder.map { ReviewFunderOut(funder: $0.funder, figures: ReviewFiguresOut($0.totals)) }
        total = ReviewFiguresOut(review.total)
        previousYear = ReviewFiguresOut(previous.total)
        self.notes = notes
    }

    public static var example: AnnualReviewOut {
        var t = AnnualReview.Totals()
        t.planned = Money(cents: 5_000_00); t.committed = Money(cents: 4_450_00); t.delivered = Money(cents: 300_00)
        t.invoiced = Money(cents: 250_00); t.paid = Money(cents: 250_00)
        let figures = ReviewFiguresOut(t)
        return AnnualReviewOut(year: 2021, plannedOverWholeConvention: true,
                               rows: [ReviewRowOut(action: "FA2 Coaching Rebond", funder: "CCST", figures: figures)],
                               byFunder: [ReviewFunderOut(funder: "CCST", figures: figures)], total: figures, previousYear: ReviewFiguresOut(.init()),
                               notes: "Bonne dynamique de prescription au premier trimestre.")
    }

    init(year: Int, plannedOverWholeConvention: Bool, rows: [ReviewRowOut], byFunder: [ReviewFunderOut], total: ReviewFiguresOut,
         previousYear: ReviewFiguresOut, notes: String?) {
        self.year = year; self.plannedOverWholeConvention = plannedOverWholeConvention; self.rows = rows; self.byFunder = byFunder
        self.total = total; self.previousYear = previousYear; self.notes = notes
    }
}

public struct ReviewNotesIn: Documented {
    public var notes: String
    public static var example: ReviewNotesIn { ReviewNotesIn(notes: "Bonne dynamique de prescription au premier trimestre.") }
}

/// The annual review of a convention: planned against done, per action and funder, from the plan and the tracking table.
enum AnnualReviewRoutes {
    static func register(_ api: APIBuilder) {
        let base: [PathComponent] = ["conventions", ":conventionID", "annual-review"]
        api.on(.GET, base, summary: "Bilan annuel : prévu et réalisé par action et financeur, comparaison avec l'année précédente (year)",
               tag: "Bilans", response: AnnualReviewOut.example) { req in
            let convention = try await Access.convention(req)
            return try await review(convention, year: try year(req), on: req.db)
        }
        api.on(.PUT, base + ["notes"], summary: "Enregistrer les observations qualitatives du bilan annuel (year)", tag: "Bilans",
               request: ReviewNotesIn.example, response: AnnualReviewOut.example) { req in
            let convention = try await Access.writableConvention(req)
            let year = try year(req)
            try await saveNotes(req, convention, year: year, notes: try req.content.decode(ReviewNotesIn.self).notes)
            return try await review(convention, year: year, on: req.db)
        }
    }

    static func year(_ req: Request) throws -> Int {
        let year = try req.query.get(Int?.self, at: "year") ?? req.query.get(Int?.self, at: "annee") ?? CivilDate.today().year - 1
        guard (1990...2200).contains(year) else { throw Problem.invalid("year", "Année invalide : \(year).") }
        return year
    }

    /// A year's review, the year before's and the notes; shared by the API and the page.
    struct Review {
        var review: AnnualReview
        var previous: AnnualReview
        var notes: String?
    }

    static func load(_ convention: ConventionModel, year: Int, on db: any Database) async throws -> Review {
        let evaluation = try await PlanMapping.plan(for: convention, on: db).evaluate()
        let tracking = try await Tracking.table(for: convention, on: db)
        let notes = try await AnnualReviewModel.query(on: db).filter(\.$convention.$id == convention.requireID()).filter(\.$year == year).first()?.notes
        return Review(review: try AnnualReview(year: year, evaluation: evaluation, tracking: tracking),
                      previous: try AnnualReview(year: year - 1, evaluation: evaluation, tracking: tracking), notes: notes)
    }

    static func review(_ convention: ConventionModel, year: Int, on db: any Database) async throws -> AnnualReviewOut {
        AnnualReviewOut(try await load(convention, year: year, on: db))
    }

    static func saveNotes(_ req: Request, _ convention: ConventionModel, year: Int, notes: String) async throws {
        let actor = try req.requirePrincipal().actor
        let id = try convention.requireID()
        try await Store.write(on: req.db) { tx in
            if let existing = try await AnnualReviewModel.query(on: tx).filter(\.$convention.$id == id).filter(\.$year == year).first() {
                try await Audited.update(existing, "annual-review", conventionID: id, actor: actor, on: tx) { $0.notes = notes }
            } else {
                try await Audited.create(AnnualReviewModel(id: UUID(), conventionID: id, year: year, notes: notes), "annual-review",
                                         conventionID: id, actor: actor, on: tx)
            }
        }
    }
}
