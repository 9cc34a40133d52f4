import Fluent
import Foundation
import PacteCore
import PacteStore
import Plot
import Vapor

/// Each user's calendar of deadlines and meetings: a private address to subscribe to from a
/// calendar program, and the feed itself.
enum CalendarPages {
    static func register(pages: any RoutesBuilder, open: any RoutesBuilder) {
        pages.get("calendrier") { req async throws -> Page in
            page(url: nil, hasFeed: try await hasFeed(req), viewer: try req.viewer())
        }
        pages.post("calendrier") { req async throws -> Page in
            let principal = try req.requirePrincipal()
            let token = TokenHash.newToken(prefix: "cal_").replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
                .replacingOccurrences(of: "=", with: "")
            let actor = principal.actor
            try await Store.write(on: req.db) { tx in
                // A new address replaces the old one, which stops working at once.
                for old in try await CalendarFeedModel.query(on: tx).filter(\.$user.$id == principal.userID).all() {
                    try await Audited.delete(old, "calendar-feed", conventionID: nil, actor: actor, on: tx)
                }
                try await Audited.create(CalendarFeedModel(id: UUID(), userID: principal.userID, tokenHash: TokenHash.of(token)), "calendar-feed",
                                         conventionID: nil, actor: actor, on: tx)
            }
            return page(url: publicBase(req) + "/calendrier/\(token).ics", hasFeed: true, viewer: try req.viewer())
        }
        open.get("calendrier", ":feed") { req async throws -> Response in
            let name = req.parameters.get("feed") ?? ""
            guard name.hasSuffix(".ics"),
                  let feed = try await CalendarFeedModel.query(on: req.db).filter(\.$tokenHash == TokenHash.of(String(name.dropLast(4)))).first(),
                  let principal = try await PrincipalMiddleware.load(userID: feed.$user.id, viaSession: false, on: req.db) else {
                throw Problem.notFound("Calendrier")
            }
            let calendar = ICalendar(name: "Pacte — \(principal.email)", events: try await events(for: principal, base: publicBase(req), on: req.db))
            let response = Response(status: .ok, body: .init(string: calendar.render()))
            response.headers.replaceOrAdd(name: .contentType, value: "text/calendar; charset=utf-8")
            response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
            return response
        }
    }

    static func hasFeed(_ req: Request) async throws -> Bool {
        try await CalendarFeedModel.query(on: req.db).filter(\.$user.$id == req.requirePrincipal().userID).count() > 0
    }

    static func publicBase(_ req: Request) -> String { req.publicBase }

    /// Milestones and effective endings of every convention the user sees, and their committees' meetings.
    static func events(for principal: Principal, base: String, on db: any Database) async throws -> [ICalendar.Event] {
        let query = ConventionModel.query(on: db).sort(\.$title)
        if let visible = try await Access.visibleConventionIDs(principal, on: db) { query.filter(\.$id ~~ visible) }
        let conventions = try await query.all()
        let ids = try conventions.map { try $0.requireID() }
        let titles = Dictionary(uniqueKeysWithValues: conventions.map { ($0.id!, $0.reference ?? $0.title) })
        var events: [ICalendar.Event] = []
        for convention in conventions {
            let id = convention.id!
            for milestone in ConventionMilestones.of(startsOn: convention.startsOn, endsOn: convention.endsOn, renewal: convention.renewal,
                                                     noticeMonths: convention.noticeMonths) {
                events.append(ICalendar.Event(uid: "\(milestone.kind.rawValue)-\(id)@pacte", date: milestone.date, time: nil,
                                              summary: "\(milestone.label) — \(convention.title)", description: titles[id],
                                              location: nil, url: "\(base)/conventions/\(id)/gouvernance"))
            }
        }
        let endings = try await ConventionLife.effectiveEndings(of: ids, on: db)
        let partners = try await OrganisationModel.query(on: db).filter(\.$id ~~ endings.compactMap(\.organisationID)).all()
        let names = Dictionary(uniqueKeysWithValues: partners.map { ($0.id!, $0.name) })
        for event in endings {
            guard let effective = event.effectiveOn else { continue }
            let what = event.kind == ConventionLife.EventKind.ending.rawValue ? "Fin effective de la convention"
                : "Retrait effectif de \(event.organisationID.flatMap { names[$0] } ?? "un partenaire")"
            events.append(ICalendar.Event(uid: "\(event.kind)-\(event.id!)@pacte", date: effective, time: nil,
                                          summary: "\(what) — \(titles[event.$convention.id] ?? "")", description: event.reason, location: nil,
                                          url: "\(base)/conventions/\(event.$convention.id)/gouvernance"))
        }
        for meeting in try await MeetingModel.query(on: db).filter(\.$convention.$id ~~ ids).with(\.$committee).all() {
            events.append(ICalendar.Event(uid: "meeting-\(meeting.id!)@pacte", date: meeting.date, time: meeting.time,
                                          summary: "\(meeting.committee.name) — \(meeting.title)", description: meeting.agenda,
                                          location: meeting.place, url: "\(base)/conventions/\(meeting.$convention.id)/gouvernance#comites"))
        }
        return events.sorted { ($0.date, $0.uid) < ($1.date, $1.uid) }
    }

    static func page(url: String?, hasFeed: Bool, viewer: Viewer) -> Page {
        let content: BodyNode = .group(
            .h1(.text("Mon calendrier")),
            .p(.class("lead"), .text("Les échéances de vos conventions (prise d'effet, décision de renouvellement, réunion annuelle de bilan, échéance, "
                                     + "fins et retraits) et les réunions de leurs comités, dans votre agenda (Outlook, Thunderbird, téléphone).")),
            .unwrap(url) { url in
                .div(.class("notice ok"), .attribute(named: "role", value: "status"),
                     .p(.text("Votre adresse de calendrier (notez-la : elle ne sera plus affichée) :")),
                     .p(.code(.id("adresse-calendrier"), .text(url))),
                     .p(.text("Abonnez-vous à cette adresse dans votre agenda. Elle donne accès à vos échéances : ne la partagez pas.")))
            },
            .if(url == nil && hasFeed, .p(.text("Vous avez déjà une adresse de calendrier. En créer une nouvelle désactive l'ancienne."))),
            .form(.method(.post), .action("/calendrier"), CSRF.field(viewer.csrf),
                  .button(.class("button"), .type(.submit), .text(hasFeed ? "Créer une nouvelle adresse" : "Créer mon adresse de calendrier")))
        )
        return Page(title: "Mon calendrier", section: .dashboard, viewer: viewer, breadcrumbs: [("Tableau de bord", "/"), ("Mon calendrier", nil)],
                    content: content)
    }
}
