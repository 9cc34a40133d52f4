import Fluent
import Foundation
import PacteCore
import PacteStore
import Plot
import Vapor

/// A convention's life and governance on screen: its steps and history, renewal, ending and
/// withdrawals, and the deliberations of the parties with what the rules of their date make of them.
enum GovernancePages {
    static func register(_ convention: any RoutesBuilder) {
        convention.get("gouvernance") { req async throws -> Page in
            let model = try await Access.convention(req)
            let view = try await View.load(model, principal: try req.requirePrincipal(), on: req.db)
            return page(view, viewer: try req.viewer(), notice: req.query[String.self, at: "ok"].flatMap(Notices.text))
        }
        convention.get("deliberations.csv") { req async throws -> Response in
            let model = try await Access.convention(req)
            return try await ScdlExport.response(for: model, on: req.db)
        }
        convention.get("versions") { req async throws -> Page in
            let model = try await Access.convention(req)
            let diff = try await GovernanceRoutes.diff(req, model, from: req.query[String.self, at: "de"], to: req.query[String.self, at: "a"])
            return comparison(diff, convention: model, viewer: try req.viewer())
        }
        registerVersionForm(convention)
        registerCommitteeForms(convention)
        registerLifeForms(convention)
        registerDeliberationForm(convention)
    }

    // MARK: View

    struct View {
        var convention: ConventionModel
        var id: UUID
        var canWrite: Bool
        var events: [ConventionEventModel]
        var deliberations: [DeliberationModel]
        var versions: [ConventionVersionModel]
        var committees: [CommitteeOut]
        var names: [UUID: String]
        var signatories: [ConventionPartyModel]

        static func load(_ convention: ConventionModel, principal: Principal, on db: any Database) async throws -> View {
            let id = try convention.requireID()
            let parties = try await ConventionPartyModel.query(on: db).filter(\.$convention.$id == id).with(\.$organisation).all()
            return View(convention: convention, id: id, canWrite: try await Access.canWrite(principal, conventionID: id, on: db),
                        events: try await ConventionLife.history(of: id, on: db),
                        deliberations: try await DeliberationModel.query(on: db).filter(\.$convention.$id == id).sort(\.$sessionDate).all(),
                        versions: try await ConventionVersions.all(of: id, on: db),
                        committees: try await CommitteeRoutes.committees(of: convention, on: db),
                        names: Dictionary(parties.map { ($0.$organisation.id, $0.organisation.name) }, uniquingKeysWith: { a, _ in a }),
                        signatories: parties.filter { $0.roles.contains(.signatory) }.sorted { $0.organisation.name < $1.organisation.name })
        }
    }

    static func page(_ view: View, viewer: Viewer, notice: String?) -> Page {
        let c = view.convention
        let base = "/conventions/\(view.id)"
        let content: BodyNode = .group(
            .h1(.text("Vie et gouvernance")),
            .p(.class("lead"), .text(c.title)),
            .p(UI.statusBadge(c.status), .text(" " + dates(c))),
            .unwrap(notice) { .p(.class("notice ok"), .attribute(named: "role", value: "status"), .text($0)) },
            .unwrap(renewalReminder(c)) { .p(.class("notice warning"), .text($0)) },
            .div(.class("page-actions"),
                 .if(view.canWrite && !c.status.next.isEmpty, .a(.class("button"), .href("\(base)/etape"), .text("Changer d'étape"))),
                 .if(view.canWrite && c.status == .inForce, .a(.class("button secondary"), .href("\(base)/reconduction"), .text("Reconduire"))),
                 .if(view.canWrite && c.status.next.contains(.terminated), .a(.class("button secondary"), .href("\(base)/fin"), .text("Résilier ou retirer un partenaire"))),
                 .a(.class("button secondary"), .href(base), .text("Retour à la convention"))),
            .h2(.id("signatures"), .text("Signatures")),
            signatures(view, base: base),
            .h2(.id("histoire"), .text("Histoire")),
            history(view),
            .h2(.id("versions"), .text("Versions et avenants")),
            versions(view, base: base),
            .h2(.id("comites"), .text("Comités et réunions")),
            .if(view.canWrite, .div(.class("page-actions"), .a(.class("button"), .href("\(base)/comites/nouveau"), .text("Créer un comité")))),
            .if(view.committees.isEmpty, .p(.class("muted"), .text("Aucun comité."))),
            .forEach(view.committees) { committee($0, base: base, canWrite: view.canWrite) },
            .h2(.id("deliberations"), .text("Délibérations")),
            .div(.class("page-actions"),
                 .if(view.canWrite, .a(.class("button"), .href("\(base)/deliberations/nouvelle"), .text("Inscrire une délibération"))),
                 .if(!view.deliberations.isEmpty, .a(.class("button secondary"), .href("\(base)/deliberations.csv"), .text("Export SCDL « Délibérations » (CSV)")))),
            .if(view.deliberations.isEmpty, .p(.class("muted"), .text("Aucune délibération inscrite."))),
            .forEach(view.deliberations) { deliberation($0, authority: view.names[$0.$organisation.id] ?? "—") }
        )
        return Page(title: "Vie et gouvernance — \(c.title)", section: .conventions, viewer: viewer,
                    breadcrumbs: [("Tableau de bord", "/"), ("Conventions", "/conventions"), (c.title, base), ("Vie et gouvernance", nil)],
                    content: content)
    }

    static func dates(_ c: ConventionModel) -> String {
        var parts: [String] = []
        if let date = c.signedOn { parts.append("signée le \(FrenchFormat.date(date))") }
        if let date = c.startsOn { parts.append("effet le \(FrenchFormat.date(date))") }
        if let date = c.endsOn { parts.append("échéance le \(FrenchFormat.date(date))") }
        if let renewal = c.renewal { parts.append(renewal.label.lowercased()) }
        return parts.isEmpty ? "" : parts.joined(separator: " · ")
    }

    /// Before a renewal deadline: the last day to decide (express) or to give notice (tacit).
    static func renewalReminder(_ c: ConventionModel, today: CivilDate = .today()) -> String? {
        guard c.status == .inForce, let end = c.endsOn, end >= today else { return nil }
        let milestones = ConventionMilestones.of(startsOn: c.startsOn, endsOn: end, renewal: c.renewal, noticeMonths: c.noticeMonths)
        guard let decision = milestones.first(where: { $0.kind == .renewalDecision }) else { return nil }
        return "\(decision.label) : le \(FrenchFormat.date(decision.date)) (échéance le \(FrenchFormat.date(end)))."
    }

    static func signatures(_ view: View, base: String) -> BodyNode {
        guard !view.signatories.isEmpty else { return .p(.class("muted"), .text("Aucune partie signataire.")) }
        let rows: [Node<HTML.TableContext>] = view.signatories.map { party in
            .tr(.th(.attribute(named: "scope", value: "row"), .text(party.organisation.name)),
                .td(.text(party.signedOn.map { "signée le \(FrenchFormat.date($0))" } ?? "à signer")),
                .td(.if(view.canWrite && party.signedOn == nil,
                        .a(.href("\(base)/parties/\(party.id!)/signer"), .text("Enregistrer sa signature"),
                           .ariaLabel(escapeAttribute("Enregistrer la signature de \(party.organisation.name)"))))))
        }
        return .div(.class("table-wrap"), .table(
            .caption(.text("Signature de chaque partie signataire")),
            .thead(.tr(.th(.attribute(named: "scope", value: "col"), .text("Partie")),
                       .th(.attribute(named: "scope", value: "col"), .text("Signature")),
                       .th(.attribute(named: "scope", value: "col"), .text("Enregistrer")))),
            .tbody(.group(rows))))
    }

    static func versions(_ view: View, base: String) -> BodyNode {
        let rows: [Node<HTML.TableContext>] = view.versions.map { v in
            .tr(.th(.attribute(named: "scope", value: "row"), .text(v.label)), .td(.text(v.summary ?? "—")), .td(.text(v.approval ?? "—")),
                .td(.text(v.approvedOn.map(FrenchFormat.date) ?? "—")), .td(.text(v.signedOn.map(FrenchFormat.date) ?? "—")),
                .td(.class("num"), .text(String(v.facts.count))))
        }
        let options = view.versions.map { (value: String($0.number), label: $0.label) }
        let from = view.versions.count > 1 ? String(view.versions[view.versions.count - 2].number) : view.versions.last.map { String($0.number) } ?? ""
        let to = view.versions.count > 1 ? String(view.versions[view.versions.count - 1].number) : "current"
        let state = FormState(values: ["de": [from], "a": [to]])
        return .group(
            .div(.class("page-actions"),
                 .if(view.canWrite, .a(.class("button"), .href("\(base)/versions/nouvelle"),
                                       .text(view.versions.isEmpty ? "Figer la version initiale" : "Enregistrer un avenant"))),
                 .a(.class("button secondary"), .href("\(base)/documents"), .text("Avenants en ODT et DOCX"))),
            view.versions.isEmpty
                ? .p(.class("muted"), .text("Aucune version figée : enregistrez la version initiale avant de modifier la convention par avenant."))
                : .group(
                    .div(.class("table-wrap"), .table(
                        .caption(.text("Versions de la convention")),
                        .thead(.tr(.th(.attribute(named: "scope", value: "col"), .text("Version")),
                                   .th(.attribute(named: "scope", value: "col"), .text("Objet")),
                                   .th(.attribute(named: "scope", value: "col"), .text("Approbation")),
                                   .th(.attribute(named: "scope", value: "col"), .text("Approuvée le")),
                                   .th(.attribute(named: "scope", value: "col"), .text("Signée le")),
                                   .th(.attribute(named: "scope", value: "col"), .class("num"), .text("Éléments")))),
                        .tbody(.group(rows)))),
                    .form(.class("search-form"), .method(.get), .action("\(base)/versions"),
                          Field(name: "de", label: "Comparer", control: .select(options, placeholder: nil)).render(state),
                          Field(name: "a", label: "avec", control: .select(options + [("current", "État actuel")], placeholder: nil)).render(state),
                          .button(.class("button"), .type(.submit), .text("Comparer"))))
        )
    }

    static func committee(_ c: CommitteeOut, base: String, canWrite: Bool) -> BodyNode {
        let colleges = Dictionary(grouping: c.members, by: \.college).sorted { $0.key < $1.key }
        let weights = CommitteeVoting.weights(present: c.members, equalColleges: c.equalColleges)
        return .section(
            .class("card"),
            .h3(.text("\(c.name) (\(c.kind.label.lowercased()))")),
            .p(.text(c.equalColleges ? "Les collèges votent à égalité de voix : chaque collège pèse autant, partagé entre ses membres présents."
                                     : "Une voix par membre présent.")),
            .ul(.forEach(colleges) { college, members in
                .li(.strong(.text(college)), .text(" : " + members.map { member in
                    member.name + (weights[member.name].map { " (\($0) des voix si tous présents)" } ?? "")
                }.joined(separator: ", ")))
            }),
            .if(canWrite, .p(.a(.class("button secondary"), .href("\(base)/comites/\(c.id)/reunions/nouvelle"), .text("Inscrire une réunion"),
                                .ariaLabel(escapeAttribute("Inscrire une réunion du comité \(c.name)"))))),
            .forEach(c.meetings) { meeting in
                .div(.class("meeting"),
                     .h4(.text("\(FrenchFormat.date(meeting.date))\(meeting.time.map { " à \($0)" } ?? "") — \(meeting.title)")),
                     .unwrap(meeting.place) { .p(.text("Lieu : \($0)")) },
                     .unwrap(meeting.agenda) { .p(.text("Ordre du jour : \($0)")) },
                     .p(.text("Présents : " + (meeting.present.isEmpty ? "—" : meeting.present.joined(separator: ", ")))),
                     .unwrap(meeting.minutes) { .p(.text("Compte rendu : \($0)")) },
                     .if(!meeting.decisions.isEmpty, .ul(.forEach(meeting.decisions) { d in
                         .li(.text("\(d.text) : \(d.adopted ? "adoptée" : "non adoptée") (pour \(d.weightFor), contre \(d.weightAgainst) des voix)"))
                     })))
            }
        )
    }

    static func history(_ view: View) -> BodyNode {
        guard !view.events.isEmpty else { return .p(.class("muted"), .text("Aucun événement enregistré depuis la saisie de la convention.")) }
        let rows: [Node<HTML.TableContext>] = view.events.map { event in
            let kind = ConventionLife.EventKind(rawValue: event.kind)
            let change = [event.fromStatus?.label, event.toStatus?.label].compactMap { $0 }.joined(separator: " → ")
            let partner = event.organisationID.flatMap { view.names[$0] }
            return .tr(.th(.attribute(named: "scope", value: "row"), .text(FrenchFormat.date(event.onDate))),
                       .td(.text(kind?.label ?? event.kind)), .td(.text(change.isEmpty ? "—" : change)),
                       .td(.text(event.effectiveOn.map(FrenchFormat.date) ?? "—")),
                       .td(.text([partner, event.noticeMonths.map { "préavis de \($0) mois" }, event.reason].compactMap { $0 }.joined(separator: " · "))))
        }
        return .div(.class("table-wrap"), .table(
            .caption(.text("Histoire de la convention")),
            .thead(.tr(.th(.attribute(named: "scope", value: "col"), .text("Date")),
                       .th(.attribute(named: "scope", value: "col"), .text("Événement")),
                       .th(.attribute(named: "scope", value: "col"), .text("Étape")),
                       .th(.attribute(named: "scope", value: "col"), .text("Prend effet le")),
                       .th(.attribute(named: "scope", value: "col"), .text("Détail")))),
            .tbody(.group(rows))))
    }

    static func deliberation(_ d: DeliberationModel, authority: String) -> BodyNode {
        let outcome = d.outcome
        let vote = d.vote
        let counts: [(String, String)] = [
            ("En exercice", String(d.membersInOffice)), ("Présents", String(vote.present)), ("Représentés", String(outcome.represented)),
            ("Votants", vote.votants.map(String.init) ?? "\(outcome.votants) (calculé)"),
            ("Pour", String(vote.votesFor)), ("Contre", String(vote.votesAgainst)), ("Abstentions", String(vote.abstentions)),
            ("Ne prennent pas part", String(vote.notTakingPart)),
        ]
        let verdictClass = outcome.verdict == .adopted ? "notice ok" : "notice warning"
        return .section(
            .class("card deliberation"),
            .h3(.text("\(authority) — \(d.body.label), séance du \(FrenchFormat.date(d.sessionDate)) — délibération n° \(d.itemNumber)")),
            .p(.text(d.subject)),
            .dl(.class("facts"),
                .unwrap(d.place) { .group(.dt(.text("Lieu")), .dd(.text($0))) },
                .unwrap(d.convocationDate) { .group(.dt(.text("Convocation")), .dd(.text(FrenchFormat.date($0)))) },
                .unwrap(d.rapporteur) { .group(.dt(.text("Rapporteur")), .dd(.text($0))) },
                .dt(.text("Identifiant @CTES")), .dd(.text(d.actesID?.description ?? "—")),
                .unwrap(d.transmittedOn) { .group(.dt(.text("Transmise en préfecture")), .dd(.text(FrenchFormat.date($0)))) },
                .dt(.text("Règles appliquées")), .dd(.text("\(outcome.regime.name) : quorum de \(outcome.quorumRequired) présents (\(outcome.regime.quorum.label)), \(outcome.regime.proxiesPerMember == 1 ? "un pouvoir" : "\(outcome.regime.proxiesPerMember) pouvoirs") par membre"))),
            .div(.class("table-wrap"), .table(
                .caption(.text("Décompte de la séance pour ce point")),
                .thead(.tr(.forEach(counts) { .th(.attribute(named: "scope", value: "col"), .class("num"), .text($0.0)) })),
                .tbody(.tr(.forEach(counts) { .td(.class("num"), .text($0.1)) })))),
            .p(.class(verdictClass), .text("Délibération \(outcome.verdict.label)"
                + (outcome.decidedByChair ? " (voix prépondérante du président)" : "")
                + (outcome.quorumMet ? ", quorum atteint (\(vote.present) présents pour \(outcome.quorumRequired) requis)." : "."))),
            outcome.findings.isEmpty ? .p(.class("muted"), .text("Aucun constat : les décomptes concordent.")) : findingsList(outcome.findings, caption: "Constats sur le registre"),
            .if(!d.attendance.isEmpty, .details(
                .summary(.text("Liste d'émargement (\(d.attendance.count) membres)")),
                .ul(.forEach(d.attendance) { a in
                    .li(.text(a.member + " : " + a.status.label + (a.proxyHolder.map { ", pouvoir à \($0)" } ?? "")
                              + (a.since.map { ", depuis \($0)" } ?? "") + (a.until.map { ", jusqu'à \($0)" } ?? "")))
                })))
        )
    }

    /// Two versions side by side: only what changed, each fact with its two values.
    static func comparison(_ diff: VersionDiffOut, convention c: ConventionModel, viewer: Viewer) -> Page {
        let base = "/conventions/\(c.id!)"
        let rows: [Node<HTML.TableContext>] = diff.changes.map { change in
            .tr(.th(.attribute(named: "scope", value: "row"), .text(change.key)),
                .td(.text(VersionChange.Kind(rawValue: change.kind)?.label ?? change.kind)),
                .td(.class("diff-before"), .text(change.before ?? "—")),
                .td(.class("diff-after"), .text(change.after ?? "—")))
        }
        let count = diff.changes.count
        let content: BodyNode = .group(
            .h1(.text("\(diff.from) → \(diff.to)")),
            .p(.class("lead"), .attribute(named: "role", value: "status"),
               .text(count == 0 ? "Aucune différence." : count == 1 ? "Une différence." : "\(count) différences.")),
            .if(count > 0, .div(.class("table-wrap"), .table(
                .caption(.text("Différences entre \(diff.from) et \(diff.to)")),
                .thead(.tr(.th(.attribute(named: "scope", value: "col"), .text("Élément")),
                           .th(.attribute(named: "scope", value: "col"), .text("Changement")),
                           .th(.attribute(named: "scope", value: "col"), .text(diff.from)),
                           .th(.attribute(named: "scope", value: "col"), .text(diff.to)))),
                .tbody(.group(rows))))),
            .p(.a(.href("\(base)/gouvernance#versions"), .text("Retour aux versions")))
        )
        return Page(title: "\(diff.from) → \(diff.to) — \(c.title)", section: .conventions, viewer: viewer,
                    breadcrumbs: crumbs(c, "Comparaison de versions"), content: content)
    }

    static func registerVersionForm(_ convention: any RoutesBuilder) {
        let fields = [
            Field(name: "summary", label: "Objet de l'avenant", control: .textarea(rows: 2), hint: "Ce que la nouvelle version change, en une phrase."),
            Field(name: "approval", label: "Approbation", hint: "Par exemple « Délibération n° 2021-12 du conseil municipal »."),
            Field(name: "approvedOn", label: "Approuvé le", control: .checked("date"), hint: "jj/mm/aaaa", short: true),
            Field(name: "signedOn", label: "Signé le", control: .checked("date"), hint: "jj/mm/aaaa", short: true),
        ]
        @Sendable func form(_ req: Request, _ state: FormState, _ c: ConventionModel) async throws -> Page {
            let versions = try await ConventionVersions.all(of: try c.requireID(), on: req.db)
            let count = versions.count
            let title = count == 0 ? "Figer la version initiale" : "Enregistrer l'avenant n° \(count)"
            return FormPages.formPage(title: title, crumbs: crumbs(c, title), state: state, fields: fields,
                                      action: "/conventions/\(c.id!)/versions/nouvelle", back: "/conventions/\(c.id!)/gouvernance#versions",
                                      viewer: try req.viewer(),
                                      intro: "La convention est figée telle qu'elle est maintenant (dates, parties, articles, lignes et parts) : "
                                          + "modifiez-la d'abord, puis enregistrez l'avenant.")
        }
        convention.get("versions", "nouvelle") { req async throws -> Page in
            try await form(req, FormState(), try await Access.writableConvention(req))
        }
        convention.post("versions", "nouvelle") { req async throws -> Response in
            let c = try await Access.writableConvention(req)
            var state = try FormState(request: req)
            let approvedOn = state.date("approvedOn", label: "Approuvé le")
            let signedOn = state.date("signedOn", label: "Signé le")
            let summary = state.text("summary"), approval = state.text("approval")
            return try await FormPages.submit(req, state: state, redirect: { "/conventions/\(c.id!)/gouvernance?ok=version#versions" },
                                              form: { try await form(req, $0, c) }) {
                _ = try await ConventionVersions.record(c, summary: summary, approval: approval, approvedOn: approvedOn, signedOn: signedOn,
                                                        actor: try req.requirePrincipal().actor, db: req.db)
            }
        }
    }

    static func registerCommitteeForms(_ convention: any RoutesBuilder) {
        let committeeFields = [
            Field(name: "name", label: "Nom du comité", hint: "Par exemple « Comité de pilotage ».", isRequired: true),
            Field(name: "kind", label: "Nature", control: .select(CommitteeKind.allCases.map { ($0.rawValue, $0.label) }, placeholder: nil), isRequired: true),
            Field(name: "equalColleges", label: "Collèges à égalité de voix", control: .select([("non", "Non : une voix par membre"), ("oui", "Oui")], placeholder: nil)),
            Field(name: "members", label: "Membres", control: .textarea(rows: 6),
                  hint: "Un membre par ligne : « Nom ; collège », par exemple « Département des Ardennes ; Département ».", isRequired: true),
        ]
        @Sendable func committeeForm(_ req: Request, _ state: FormState, _ c: ConventionModel) throws -> Page {
            FormPages.formPage(title: "Créer un comité", crumbs: crumbs(c, "Créer un comité"), state: state, fields: committeeFields,
                               action: "/conventions/\(c.id!)/comites/nouveau", back: "/conventions/\(c.id!)/gouvernance#comites", viewer: try req.viewer())
        }
        convention.get("comites", "nouveau") { req async throws -> Page in
            try committeeForm(req, FormState(values: ["kind": ["steering"], "equalColleges": ["non"]]), try await Access.writableConvention(req))
        }
        convention.post("comites", "nouveau") { req async throws -> Response in
            let c = try await Access.writableConvention(req)
            var state = try FormState(request: req)
            let name = state.required("name", "Nom du comité")
            let kind = state.choice("kind", CommitteeKind.self, label: "Nature")
            var members: [CommitteeMember] = []
            for (index, line) in state["members"].split(whereSeparator: \.isNewline).enumerated() {
                let parts = line.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
                guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
                    state.errors["members"] = "Ligne \(index + 1) : écrivez « Nom ; collège »."
                    break
                }
                members.append(CommitteeMember(name: parts[0], college: parts[1]))
            }
            if members.isEmpty, state.errors["members"] == nil { state.errors["members"] = "Renseignez au moins un membre." }
            let input = name.map { CommitteeIn(name: $0, kind: kind, equalColleges: state.text("equalColleges") == "oui", members: members) }
            return try await FormPages.submit(req, state: state, redirect: { "/conventions/\(c.id!)/gouvernance?ok=comite#comites" },
                                              form: { try committeeForm(req, $0, c) }) {
                if let input { _ = try await CommitteeRoutes.create(req, c, input) }
            }
        }

        let meetingFields = [
            Field(name: "title", label: "Intitulé", hint: "Par exemple « Réunion annuelle de bilan ».", isRequired: true),
            Field(name: "date", label: "Date", control: .checked("date"), hint: "jj/mm/aaaa", isRequired: true, short: true),
            Field(name: "time", label: "Heure", hint: "Par exemple « 14:30 ».", short: true),
            Field(name: "place", label: "Lieu"),
            Field(name: "agenda", label: "Ordre du jour", control: .textarea(rows: 3)),
            Field(name: "present", label: "Présents", control: .textarea(rows: 5), hint: "Un membre du comité par ligne."),
            Field(name: "minutes", label: "Compte rendu", control: .textarea(rows: 4)),
            Field(name: "decisions", label: "Décisions", control: .textarea(rows: 4),
                  hint: "Une décision par ligne : « Texte ; pour : Nom, Nom ; contre : Nom »."),
        ]
        @Sendable func meetingForm(_ req: Request, _ state: FormState, _ c: ConventionModel, _ committee: CommitteeModel) throws -> Page {
            FormPages.formPage(title: "Réunion — \(committee.name)", crumbs: crumbs(c, "Inscrire une réunion"), state: state, fields: meetingFields,
                               action: "/conventions/\(c.id!)/comites/\(committee.id!)/reunions/nouvelle",
                               back: "/conventions/\(c.id!)/gouvernance#comites", viewer: try req.viewer(),
                               intro: "Membres : " + committee.members.map { "\($0.name) (\($0.college))" }.joined(separator: ", ") + ".")
        }
        convention.get("comites", ":committeeID", "reunions", "nouvelle") { req async throws -> Page in
            let c = try await Access.writableConvention(req)
            let committee = try await CommitteeRoutes.find(req, c)
            return try meetingForm(req, FormState(values: ["present": [committee.members.map(\.name).joined(separator: "\n")]]), c, committee)
        }
        convention.post("comites", ":committeeID", "reunions", "nouvelle") { req async throws -> Response in
            let c = try await Access.writableConvention(req)
            let committee = try await CommitteeRoutes.find(req, c)
            var state = try FormState(request: req)
            let title = state.required("title", "Intitulé")
            let date = state.date("date", required: true, label: "Date")
            let present = state["present"].split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            var decisions: [MeetingDecision] = []
            for (index, line) in state["decisions"].split(whereSeparator: \.isNewline).enumerated() {
                let parts = line.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
                guard let text = parts.first, !text.isEmpty else { continue }
                var decision = MeetingDecision(text: text)
                for part in parts.dropFirst() {
                    let lowered = part.lowercased()
                    let names = part.split(separator: ":", maxSplits: 1).last.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty } } ?? []
                    if lowered.hasPrefix("pour") { decision.votesFor = names } else if lowered.hasPrefix("contre") { decision.votesAgainst = names } else {
                        state.errors["decisions"] = "Ligne \(index + 1) : « \(part) » : écrivez « pour : … » ou « contre : … »."
                    }
                }
                decisions.append(decision)
            }
            let input = title.flatMap { title in date.map {
                MeetingIn(title: title, date: $0, time: state.text("time"), place: state.text("place"), agenda: state.text("agenda"),
                          minutes: state.text("minutes"), present: present, decisions: decisions)
            } }
            return try await FormPages.submit(req, state: state, redirect: { "/conventions/\(c.id!)/gouvernance?ok=reunion#comites" },
                                              form: { try meetingForm(req, $0, c, committee) }) {
                if let input { _ = try await CommitteeRoutes.addMeeting(req, c, committee, input) }
            }
        }
    }

    // MARK: Life forms

    static func crumbs(_ c: ConventionModel, _ last: String) -> [(label: String, path: String?)] {
        let base = "/conventions/\(c.id!)"
        return [("Tableau de bord", "/"), ("Conventions", "/conventions"), (c.title, base), ("Vie et gouvernance", "\(base)/gouvernance"), (last, nil)]
    }

    static func registerLifeForms(_ convention: any RoutesBuilder) {
        @Sendable func signatureForm(_ req: Request, _ state: FormState, _ c: ConventionModel, _ party: ConventionPartyModel) async throws -> Page {
            let organisation = try await party.$organisation.get(on: req.db)
            return FormPages.formPage(title: "Signature de \(organisation.name)", crumbs: crumbs(c, "Signature"), state: state,
                                      fields: [Field(name: "date", label: "Date de signature", control: .checked("date"), hint: "jj/mm/aaaa",
                                                     isRequired: true, short: true)],
                                      action: "/conventions/\(c.id!)/parties/\(party.id!)/signer", back: "/conventions/\(c.id!)/gouvernance#signatures",
                                      viewer: try req.viewer(),
                                      intro: "La dernière signature rend la convention « Signée » à sa date.")
        }
        convention.get("parties", ":partyID", "signer") { req async throws -> Page in
            let c = try await Access.writableConvention(req)
            return try await signatureForm(req, FormState(values: ["date": [FrenchFormat.date(.today())]]), c, try await ConventionRoutes.findParty(req, c))
        }
        convention.post("parties", ":partyID", "signer") { req async throws -> Response in
            let c = try await Access.writableConvention(req)
            let party = try await ConventionRoutes.findParty(req, c)
            var state = try FormState(request: req)
            let date = state.date("date", required: true, label: "Date de signature")
            return try await FormPages.submit(req, state: state, redirect: { "/conventions/\(c.id!)/gouvernance?ok=signature#signatures" },
                                              form: { try await signatureForm(req, $0, c, party) }) {
                if let date { try await ConventionLife.sign(c, party: party, on: date, actor: try req.requirePrincipal().actor, db: req.db) }
            }
        }

        @Sendable func statusForm(_ req: Request, _ state: FormState, _ c: ConventionModel) throws -> Page {
            let fields = [
                Field(name: "status", label: "Nouvelle étape", control: .select(c.status.next.map { ($0.rawValue, $0.label) }, placeholder: "Choisir…"),
                      hint: "Étapes possibles depuis « \(c.status.label) ».", isRequired: true),
                Field(name: "date", label: "Date", control: .checked("date"), hint: "Signature, prise d'effet… (jj/mm/aaaa)", isRequired: true, short: true),
                Field(name: "reason", label: "Motif ou référence", control: .textarea(rows: 2)),
            ]
            return FormPages.formPage(title: "Changer d'étape", crumbs: crumbs(c, "Changer d'étape"), state: state, fields: fields,
                                      action: "/conventions/\(c.id!)/etape", back: "/conventions/\(c.id!)/gouvernance", viewer: try req.viewer())
        }
        convention.get("etape") { req async throws -> Page in
            try statusForm(req, FormState(values: ["date": [FrenchFormat.date(.today())]]), try await Access.writableConvention(req))
        }
        convention.post("etape") { req async throws -> Response in
            let c = try await Access.writableConvention(req)
            var state = try FormState(request: req)
            let status = state.choice("status", ConventionStatus.self, label: "Nouvelle étape")
            let date = state.date("date", required: true, label: "Date")
            let reason = state.text("reason")
            return try await FormPages.submit(req, state: state, redirect: { "/conventions/\(c.id!)/gouvernance?ok=etape-convention#histoire" },
                                              form: { try statusForm(req, $0, c) }) {
                if let status, let date {
                    try await ConventionLife.move(c, to: status, on: date, reason: reason, actor: try req.requirePrincipal().actor, db: req.db)
                }
            }
        }

        @Sendable func renewalForm(_ req: Request, _ state: FormState, _ c: ConventionModel) throws -> Page {
            let fields = [
                Field(name: "endsOn", label: "Nouvelle échéance", control: .checked("date"), hint: "jj/mm/aaaa", isRequired: true, short: true),
                Field(name: "date", label: "Date de la décision", control: .checked("date"), hint: "jj/mm/aaaa", isRequired: true, short: true),
                Field(name: "reason", label: "Décision", control: .textarea(rows: 2), hint: "Par exemple « reconduction expresse, délibération du … »."),
            ]
            return FormPages.formPage(title: "Reconduire la convention", crumbs: crumbs(c, "Reconduire"), state: state, fields: fields,
                                      action: "/conventions/\(c.id!)/reconduction", back: "/conventions/\(c.id!)/gouvernance", viewer: try req.viewer(),
                                      intro: c.endsOn.map { "Échéance actuelle : \(FrenchFormat.date($0))." })
        }
        convention.get("reconduction") { req async throws -> Page in
            let c = try await Access.writableConvention(req)
            var state = FormState(values: ["date": [FrenchFormat.date(.today())]])
            if let end = c.endsOn { state.set("endsOn", FrenchFormat.date(end.adding(years: 1))) }
            return try renewalForm(req, state, c)
        }
        convention.post("reconduction") { req async throws -> Response in
            let c = try await Access.writableConvention(req)
            var state = try FormState(request: req)
            let end = state.date("endsOn", required: true, label: "Nouvelle échéance")
            let date = state.date("date", required: true, label: "Date de la décision")
            let reason = state.text("reason")
            return try await FormPages.submit(req, state: state, redirect: { "/conventions/\(c.id!)/gouvernance?ok=reconduction#histoire" },
                                              form: { try renewalForm(req, $0, c) }) {
                if let end, let date {
                    try await ConventionLife.renew(c, until: end, on: date, reason: reason, actor: try req.requirePrincipal().actor, db: req.db)
                }
            }
        }

        @Sendable func endingForm(_ req: Request, _ state: FormState, _ c: ConventionModel) async throws -> Page {
            let (parties, _) = try await InterventionPages.choices(c, on: req.db)
            let fields = [
                Field(name: "kind", label: "Nature", control: .select(ConventionEnding.Kind.allCases.map { ($0.rawValue, $0.label) }, placeholder: "Choisir…"),
                      isRequired: true),
                Field(name: "organisationID", label: "Partenaire qui se retire", control: .select(parties, placeholder: "Choisir…"),
                      hint: "Pour un retrait seulement.", showWhen: ("kind", "withdrawal")),
                Field(name: "notifiedOn", label: "Date de l'accord, de la mise en demeure ou de la notification", control: .checked("date"),
                      hint: "jj/mm/aaaa", isRequired: true, short: true),
                Field(name: "noticeMonths", label: "Préavis (mois)", hint: "Par défaut celui de la convention\(c.noticeMonths.map { " (\($0) mois)" } ?? "").",
                      short: true, showWhen: ("kind", "breach withdrawal")),
                Field(name: "requestedOn", label: "Date d'effet souhaitée", control: .checked("date"),
                      hint: "Commun accord : la date convenue. Retrait : une date plus tardive que la fin du préavis.", short: true),
                Field(name: "reason", label: "Motif", control: .textarea(rows: 2)),
            ]
            return FormPages.formPage(title: "Résilier la convention ou retirer un partenaire", crumbs: crumbs(c, "Fin ou retrait"), state: state,
                                      fields: fields, action: "/conventions/\(c.id!)/fin", back: "/conventions/\(c.id!)/gouvernance", viewer: try req.viewer(),
                                      intro: "Dans tous les cas, les actions en cours sont menées à leur terme et gardent leur financement ; "
                                          + "ce qu'un partenaire a engagé avant son retrait reste dû.")
        }
        convention.get("fin") { req async throws -> Page in
            try await endingForm(req, FormState(), try await Access.writableConvention(req))
        }
        convention.post("fin") { req async throws -> Response in
            let c = try await Access.writableConvention(req)
            var state = try FormState(request: req)
            let kind = state.choice("kind", ConventionEnding.Kind.self, label: "Nature")
            let organisation = state.uuid("organisationID", label: "Partenaire qui se retire", required: kind == .withdrawal)
            let notified = state.date("notifiedOn", required: true, label: "Date")
            let months = state.integer("noticeMonths", label: "Préavis (mois)", range: 0...120)
            let requested = state.date("requestedOn", label: "Date d'effet souhaitée")
            let input = kind.flatMap { kind in notified.map {
                EndingIn(kind: kind, notifiedOn: $0, noticeMonths: months, requestedOn: requested, organisationID: organisation, reason: state.text("reason"))
            } }
            return try await FormPages.submit(req, state: state, redirect: { "/conventions/\(c.id!)/gouvernance?ok=fin#histoire" },
                                              form: { try await endingForm(req, $0, c) }) {
                if let input { _ = try await GovernanceRoutes.end(req, c, input) }
            }
        }
    }

    // MARK: Deliberation form

    static func registerDeliberationForm(_ convention: any RoutesBuilder) {
        @Sendable func form(_ req: Request, _ state: FormState, _ c: ConventionModel) async throws -> Page {
            let parties = try await InterventionPages.choices(c, on: req.db).parties
            let fields = [
                Field(name: "organisationID", label: "Autorité qui délibère", control: .select(parties, placeholder: "Choisir…"), isRequired: true),
                Field(name: "body", label: "Organe", control: .select(DecidingBody.allCases.map { ($0.rawValue, $0.label) }, placeholder: nil), isRequired: true),
                Field(name: "sessionDate", label: "Date de la séance", control: .checked("date"), hint: "jj/mm/aaaa", isRequired: true, short: true),
                Field(name: "place", label: "Lieu"),
                Field(name: "convocationDate", label: "Date de convocation", control: .checked("date"), hint: "jj/mm/aaaa", short: true),
                Field(name: "itemNumber", label: "Numéro de la délibération", hint: "Tel que le registre l'écrit, par exemple « DC2020/114 ».", isRequired: true, short: true),
                Field(name: "subject", label: "Objet", control: .textarea(rows: 2), isRequired: true),
                Field(name: "rapporteur", label: "Rapporteur"),
                Field(name: "membersInOffice", label: "Membres en exercice", isRequired: true, short: true),
                Field(name: "present", label: "Présents", isRequired: true, short: true),
                Field(name: "represented", label: "Représentés", hint: "Laissez vide si le registre ne le dit pas : la liste des pouvoirs compte.", short: true),
                Field(name: "votants", label: "Votants (selon le registre)", hint: "Pacte vérifie votants = présents + représentés.", short: true),
                Field(name: "votesFor", label: "Pour", isRequired: true, short: true),
                Field(name: "votesAgainst", label: "Contre", short: true),
                Field(name: "abstentions", label: "Abstentions", short: true),
                Field(name: "notTakingPart", label: "Ne prennent pas part au vote", short: true),
                Field(name: "secretBallot", label: "Scrutin secret", control: .select([("non", "Non"), ("oui", "Oui")], placeholder: nil)),
                Field(name: "chairVotedFor", label: "Vote du président (en cas d'égalité)", control: .select([("pour", "Pour"), ("contre", "Contre")], placeholder: "Non précisé")),
                Field(name: "attendance", label: "Liste d'émargement", control: .textarea(rows: 6),
                      hint: "Un membre par ligne : « Nom ; présent » ou « Nom ; représenté ; porteur du pouvoir » (statuts : présent, représenté, excusé, absent, suppléant ; heure d'arrivée facultative en 4e position)."),
                Field(name: "matterCode", label: "Matière @CTES (code)", hint: "Par exemple « 7.5 ».", short: true),
                Field(name: "matterName", label: "Matière @CTES (libellé)", hint: "Par exemple « Subventions »."),
                Field(name: "departement", label: "Département (pour l'identifiant @CTES)", hint: "Trois caractères, par exemple « 008 » ; vide : pas d'identifiant.", short: true),
                Field(name: "actNumber", label: "Numéro d'acte @CTES", hint: "Par défaut le numéro de la délibération, « / » et « - » devenus « _ ».", short: true),
                Field(name: "transmittedOn", label: "Transmise en préfecture le", control: .checked("date"), hint: "jj/mm/aaaa", short: true),
            ]
            return FormPages.formPage(title: "Inscrire une délibération", crumbs: crumbs(c, "Inscrire une délibération"), state: state, fields: fields,
                                      action: "/conventions/\(c.id!)/deliberations/nouvelle", back: "/conventions/\(c.id!)/gouvernance#deliberations",
                                      viewer: try req.viewer())
        }
        convention.get("deliberations", "nouvelle") { req async throws -> Page in
            try await form(req, FormState(values: ["body": ["council"], "secretBallot": ["non"], "matterCode": ["7.5"], "matterName": ["Subventions"]]),
                           try await Access.writableConvention(req))
        }
        convention.post("deliberations", "nouvelle") { req async throws -> Response in
            let c = try await Access.writableConvention(req)
            var state = try FormState(request: req)
            let input = readDeliberation(&state)
            return try await FormPages.submit(req, state: state, redirect: { "/conventions/\(c.id!)/gouvernance?ok=deliberation#deliberations" },
                                              form: { try await form(req, $0, c) }) {
                if let input { _ = try await GovernanceRoutes.createDeliberation(req, c, input) }
            }
        }
    }

    static func readDeliberation(_ state: inout FormState) -> DeliberationIn? {
        let organisation = state.uuid("organisationID", label: "Autorité qui délibère", required: true)
        let body = state.choice("body", DecidingBody.self, label: "Organe")
        let date = state.date("sessionDate", label: "Date de la séance")
        if date == nil, state.errors["sessionDate"] == nil { state.errors["sessionDate"] = "Renseignez la date de la séance (jj/mm/aaaa)." }
        let number = state.required("itemNumber", "Numéro de la délibération")
        let subject = state.required("subject", "Objet")
        func count(_ name: String, _ label: String, required: Bool = false) -> Int? {
            if required, state.text(name) == nil { state.errors[name] = "Renseignez « \(label) »."; return nil }
            return state.integer(name, label: label, range: 0...10_000)
        }
        let inOffice = count("membersInOffice", "Membres en exercice", required: true)
        let present = count("present", "Présents", required: true)
        let votesFor = count("votesFor", "Pour", required: true)
        let represented = count("represented", "Représentés")
        let votants = count("votants", "Votants")
        let against = count("votesAgainst", "Contre") ?? 0
        let abstentions = count("abstentions", "Abstentions") ?? 0
        let notTakingPart = count("notTakingPart", "Ne prennent pas part au vote") ?? 0
        let attendance = readAttendance(&state)
        let chair: Bool? = state.text("chairVotedFor").map { $0 == "pour" }
        guard let organisation, let date, let number, let subject, let inOffice, let present, let votesFor, !state.hasErrors else { return nil }
        return DeliberationIn(organisationID: organisation, body: body, sessionDate: date, place: state.text("place"),
                              convocationDate: state.date("convocationDate", label: "Date de convocation"), membersInOffice: inOffice,
                              itemNumber: number, subject: subject, rapporteur: state.text("rapporteur"), matterCode: state.text("matterCode"),
                              matterName: state.text("matterName"), departement: state.text("departement"), actNumber: state.text("actNumber"),
                              transmittedOn: state.date("transmittedOn", label: "Transmise en préfecture le"),
                              vote: ItemVote(present: present, represented: represented, votants: votants, votesFor: votesFor, votesAgainst: against,
                                             abstentions: abstentions, notTakingPart: notTakingPart, secretBallot: state.text("secretBallot") == "oui",
                                             chairVotedFor: chair),
                              attendance: attendance)
    }

    /// `Nom ; statut ; porteur du pouvoir ; depuis`, one member per line.
    static func readAttendance(_ state: inout FormState) -> [Attendance] {
        let statuses: [String: Attendance.Status] = ["présent": .present, "present": .present, "présente": .present, "représenté": .represented,
                                                     "représentée": .represented, "represente": .represented, "excusé": .excused, "excusée": .excused,
                                                     "absent": .absent, "absente": .absent, "suppléant": .substitute, "suppléante": .substitute]
        var result: [Attendance] = []
        var problems: [String] = []
        for (index, line) in state["attendance"].split(whereSeparator: \.isNewline).enumerated() {
            let parts = line.split(separator: ";", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard let name = parts.first, !name.isEmpty else { continue }
            let word = parts.count > 1 ? parts[1].lowercased() : "présent"
            guard let status = statuses[word] else {
                problems.append("ligne \(index + 1) : statut « \(parts[1]) » inconnu (présent, représenté, excusé, absent, suppléant)")
                continue
            }
            let holder = parts.count > 2 && !parts[2].isEmpty ? parts[2] : nil
            if status == .represented, holder == nil { problems.append("ligne \(index + 1) : indiquez qui porte le pouvoir de \(name)") }
            result.append(Attendance(member: name, status: status, proxyHolder: status == .represented ? holder : nil,
                                     since: parts.count > 3 && !parts[3].isEmpty ? parts[3] : nil))
        }
        if !problems.isEmpty { state.errors["attendance"] = "Liste d'émargement : " + problems.joined(separator: " ; ") + "." }
        return result
    }
}
