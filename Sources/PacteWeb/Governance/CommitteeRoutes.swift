import Fluent
import Foundation
import PacteCore
import PacteStore
import Vapor

public struct DecisionOut: Content, Sendable {
    public var text: String
    public var votesFor: [String]
    public var votesAgainst: [String]
    /// Exact weights (`3/4`).
    public var weightFor: String
    public var weightAgainst: String
    public var adopted: Bool
    public var unknownVoters: [String]
}

public struct MeetingOut: Content, Sendable {
    public var id: UUID
    public var title: String
    public var date: CivilDate
    public var time: String?
    public var place: String?
    public var agenda: String?
    public var minutes: String?
    public var present: [String]
    public var decisions: [DecisionOut]

    init(_ m: MeetingModel, committee: CommitteeModel) throws {
        id = try m.requireID(); title = m.title; date = m.date; time = m.time; place = m.place; agenda = m.agenda; minutes = m.minutes
        present = m.present
        let members = committee.members.filter { m.present.contains($0.name) }
        decisions = m.decisions.map { decision in
            let tally = CommitteeVoting.tally(decision, present: members, equalColleges: committee.equalColleges)
            return DecisionOut(text: decision.text, votesFor: decision.votesFor, votesAgainst: decision.votesAgainst,
                               weightFor: tally.weightFor.description, weightAgainst: tally.weightAgainst.description,
                               adopted: tally.adopted, unknownVoters: tally.unknownVoters)
        }
    }
}

public struct CommitteeOut: Documented {
    public var id: UUID
    public var name: String
    public var kind: CommitteeKind
    public var equalColleges: Bool
    public var members: [CommitteeMember]
    public var meetings: [MeetingOut]

    init(_ m: CommitteeModel, meetings: [MeetingModel]) throws {
        id = try m.requireID(); name = m.name; kind = m.kind; equalColleges = m.equalColleges; members = m.members
        self.meetings = try meetings.map { try MeetingOut($0, committee: m) }
    }

    public static var example: CommitteeOut {
        let c = CommitteeModel(id: exampleID, conventionID: exampleID, name: "Comité de pilotage Mes courses en Ardennes", kind: .steering,
                               equalColleges: true, members: [CommitteeMember(name: "Département des Ardennes", college: "Département"),
                                                              CommitteeMember(name: "Ardenne Métropole", college: "Partenaires")])
        let meeting = MeetingModel(id: exampleID, committeeID: exampleID, conventionID: exampleID, title: "Bilan annuel",
                                   date: try! CivilDate(year: 2021, month: 12, day: 17))
        meeting.present = ["Département des Ardennes", "Ardenne Métropole"]
        meeting.decisions = [MeetingDecision(text: "Reconduire la convention", votesFor: ["Département des Ardennes", "Ardenne Métropole"])]
        return try! CommitteeOut(c, meetings: [meeting])
    }
}

public struct CommitteeIn: Documented {
    public var name: String
    public var kind: CommitteeKind?
    public var equalColleges: Bool?
    public var members: [CommitteeMember]
    public static var example: CommitteeIn {
        CommitteeIn(name: "Comité de pilotage", kind: .steering, equalColleges: true,
                    members: [CommitteeMember(name: "Département des Ardennes", college: "Département"),
                              CommitteeMember(name: "Ardenne Métropole", college: "Partenaires")])
    }
}

public struct MeetingIn: Documented {
    public var title: String
    public var date: CivilDate
    /// `14:30`.
    public var time: String?
    public var place: String?
    public var agenda: String?
    public var minutes: String?
    public var present: [String]?
    public var decisions: [MeetingDecision]?
    public static var example: MeetingIn {
        MeetingIn(title: "Bilan annuel", date: try! CivilDate(year: 2021, month: 12, day: 17), time: "14:30", place: "Charleville-Mézières",
                  agenda: "Bilan de l'année, reconduction", minutes: nil, present: ["Département des Ardennes", "Ardenne Métropole"],
                  decisions: [MeetingDecision(text: "Reconduire la convention", votesFor: ["Département des Ardennes", "Ardenne Métropole"])])
    }
}

/// Committees of a convention and their meetings.
enum CommitteeRoutes {
    static func register(_ api: APIBuilder) {
        let base: [PathComponent] = ["conventions", ":conventionID", "committees"]
        api.on(.GET, base, summary: "Comités de la convention, leurs membres par collège et leurs réunions", tag: "Gouvernance",
               response: [CommitteeOut.example]) { req in
            let convention = try await Access.convention(req)
            return try await committees(of: convention, on: req.db)
        }
        api.on(.POST, base, summary: "Créer un comité (membres et collèges ; collèges à égalité de voix)", tag: "Gouvernance",
               request: CommitteeIn.example, response: CommitteeOut.example, status: .created) { req in
            let convention = try await Access.writableConvention(req)
            return try CommitteeOut(try await create(req, convention, try req.content.decode(CommitteeIn.self)), meetings: [])
        }
        api.on(.POST, base + [":committeeID", "meetings"], summary: "Inscrire une réunion (ordre du jour, présents, compte rendu, décisions)",
               tag: "Gouvernance", request: MeetingIn.example, response: CommitteeOut.example, status: .created) { req in
            let convention = try await Access.writableConvention(req)
            let committee = try await find(req, convention)
            _ = try await addMeeting(req, convention, committee, try req.content.decode(MeetingIn.self))
            let meetings = try await MeetingModel.query(on: req.db).filter(\.$committee.$id == committee.requireID()).sort(\.$date).all()
            return try CommitteeOut(committee, meetings: meetings)
        }
    }

    static func committees(of convention: ConventionModel, on db: any Database) async throws -> [CommitteeOut] {
        let id = try convention.requireID()
        let meetings = try await MeetingModel.query(on: db).filter(\.$convention.$id == id).sort(\.$date).all()
        return try await CommitteeModel.query(on: db).filter(\.$convention.$id == id).sort(\.$name).all().map { committee in
            try CommitteeOut(committee, meetings: meetings.filter { $0.$committee.id == committee.id })
        }
    }

    static func find(_ req: Request, _ convention: ConventionModel) async throws -> CommitteeModel {
        let id = try Access.uuid(req, "committeeID", "Comité")
        guard let found = try await CommitteeModel.query(on: req.db).filter(\.$id == id)
            .filter(\.$convention.$id == convention.requireID()).first() else { throw Problem.notFound("Comité") }
        return found
    }

    static func create(_ req: Request, _ convention: ConventionModel, _ input: CommitteeIn) async throws -> CommitteeModel {
        let members = input.members.map { CommitteeMember(name: $0.name.trimmingCharacters(in: .whitespaces), college: $0.college.trimmingCharacters(in: .whitespaces)) }
        guard !members.isEmpty else { throw Problem.invalid("members", "Un comité compte au moins un membre.") }
        if members.contains(where: { $0.name.isEmpty || $0.college.isEmpty }) {
            throw Problem.invalid("members", "Chaque membre a un nom et un collège.")
        }
        if Set(members.map(\.name)).count != members.count { throw Problem.invalid("members", "Un membre figure deux fois.") }
        let model = CommitteeModel(id: UUID(), conventionID: try convention.requireID(), name: try required(input.name, "name"),
                                   kind: input.kind ?? .steering, equalColleges: input.equalColleges ?? false, members: members)
        let actor = try req.requirePrincipal().actor
        try await Store.write(on: req.db) { tx in
            try await Audited.create(model, "committee", conventionID: convention.id, actor: actor, on: tx)
        }
        return model
    }

    static func addMeeting(_ req: Request, _ convention: ConventionModel, _ committee: CommitteeModel, _ input: MeetingIn) async throws -> MeetingModel {
        let names = Set(committee.members.map(\.name))
        let present = input.present ?? []
        if let stranger = present.first(where: { !names.contains($0) }) {
            throw Problem.invalid("present", "« \(stranger) » n'est pas membre du comité « \(committee.name) ».")
        }
        for decision in input.decisions ?? [] {
            if let voter = (decision.votesFor + decision.votesAgainst).first(where: { !present.contains($0) }) {
                throw Problem.invalid("decisions", "« \(voter) » vote sur « \(decision.text) » sans être présent.")
            }
        }
        if let time = input.time, !time.isEmpty {
            let parts = time.split(separator: ":")
            guard parts.count == 2, let h = Int(parts[0]), let m = Int(parts[1]), (0...23).contains(h), (0...59).contains(m) else {
                throw Problem.invalid("time", "Heure illisible : « \(time) » (format 14:30).")
            }
        }
        let model = MeetingModel(id: UUID(), committeeID: try committee.requireID(), conventionID: try convention.requireID(),
                                 title: try required(input.title, "title"), date: input.date)
        model.time = input.time.flatMap { $0.isEmpty ? nil : $0 }; model.place = input.place; model.agenda = input.agenda; model.minutes = input.minutes
        model.present = present
        model.decisions = input.decisions ?? []
        let actor = try req.requirePrincipal().actor
        try await Store.write(on: req.db) { tx in
            try await Audited.create(model, "meeting", conventionID: convention.id, actor: actor, on: tx)
        }
        return model
    }
}
