@testable import PacteCore
import Testing

@Suite("Délibérations : quorum, pouvoirs, majorité selon le régime en vigueur à la date de séance ; fins de convention")
struct GovernanceTests {
    static func date(_ y: Int, _ m: Int, _ d: Int) -> CivilDate { CivilDate(unchecked: y, m, d) }

    /// Seed 001 (CCST, 17/12/2020): 31 present (30 titular members and one substitute), seven proxies,
    /// Thomas BIETRY holding two of them; the register states 37 votants.
    static let seed001Attendance: [Attendance] = {
        let present = ["Christian RAYOT", "Jacques ALEXANDRE", "Martine BENJAMAA", "Thomas BIETRY", "Daniel BOUR", "Bernard CERF", "Catherine CLAYEUX",
                       "Roland DAMOTTE", "Monique DINET", "Imann EL MOUSSAFER", "Jean-Jacques DUPREZ", "Gérard FESSELET", "Vincent FREARD",
                       "Daniel FRERY", "Hamid HAMLIL", "Jean-Louis HOTTLET", "Fatima KHELIFI", "Sandrine LARCHER", "Jean LOCATELLI",
                       "Emmanuelle PALMA GERARD", "Thierry MARCJAN", "Anaïs MONNIER", "Claude MONNIER", "Robert NATALE", "Annick PRENAT",
                       "Jean RACINE", "Lionel ROY", "Jean Michel TALON", "Dominique TRELA", "Pierre VALLAT"].map { Attendance(member: $0, status: .present) }
        let proxies = [("Lounès ABDOUN-SONTOT", "Daniel BOUR"), ("Chantal BEQUILLARD", "Hamid HAMLIL"), ("Gilles COURGEY", "Thomas BIETRY"),
                       ("Christian GAILLARD", "Jean LOCATELLI"), ("Cédric PERRIN", "Anaïs MONNIER"), ("Virginie REY", "Thomas BIETRY"),
                       ("Bernard VIATTE", "Hervé FRACHISSE")].map { Attendance(member: $0.0, status: .represented, proxyHolder: $0.1) }
        return present + [Attendance(member: "Hervé FRACHISSE", status: .substitute)] + proxies
    }()
    static let seed001Vote = ItemVote(present: 31, votants: 37, votesFor: 37)

    @Test("Seed 001 : 37 votants pour 31 présents + 7 pouvoirs est relevé ; deux pouvoirs acceptés le 17/12/2020, refusés le 17/12/2019")
    func seed001() {
        let held = DeliberationRules.assess(date: Self.date(2020, 12, 17), inOffice: 50, attendance: Self.seed001Attendance, vote: Self.seed001Vote)
        #expect(held.regime == .emergency2020_1379)
        #expect(held.quorumMet)
        #expect(held.findings.map(\.code) == [.votersMismatch], "\(held.findings)")
        #expect(held.findings.first?.stated == "37" && held.findings.first?.computed == "38")
        #expect(held.verdict == .adopted)

        let yearBefore = DeliberationRules.assess(date: Self.date(2019, 12, 17), inOffice: 50, attendance: Self.seed001Attendance, vote: Self.seed001Vote)
        #expect(yearBefore.regime == .ordinary)
        let proxies = yearBefore.findings.filter { $0.code == .proxyLimit }
        #expect(proxies.count == 1)
        #expect(proxies.first?.location == "Thomas BIETRY")
        #expect(proxies.first?.message.contains("n'en permet que 1") == true)
    }

    @Test("Seed 002 : 122 en exercice, 81 présents, 19 représentés, 100 votants, 82 / 8 / 10 : adoptée, quorum atteint, aucun constat")
    func seed002() {
        let outcome = DeliberationRules.assess(date: Self.date(2020, 12, 17), inOffice: 122, attendance: [],
                                               vote: ItemVote(present: 81, represented: 19, votants: 100, votesFor: 82, votesAgainst: 8, abstentions: 10))
        #expect(outcome.verdict == .adopted)
        #expect(outcome.quorumMet)
        #expect(outcome.findings.isEmpty, "\(outcome.findings)")
        #expect(outcome.votesCast == 90)
    }

    @Test("Le régime est une donnée datée : bornes des lois d'urgence sanitaire, droit commun entre elles")
    func regimesByDate() {
        #expect(VotingRegime.inForce(on: Self.date(2020, 3, 23)) == .ordinary)
        #expect(VotingRegime.inForce(on: Self.date(2020, 3, 24)) == .emergency2020_290)
        #expect(VotingRegime.inForce(on: Self.date(2020, 8, 30)) == .emergency2020_290)
        #expect(VotingRegime.inForce(on: Self.date(2020, 10, 1)) == .ordinary, "no health regime between 31/08 and 14/11/2020")
        #expect(VotingRegime.inForce(on: Self.date(2020, 11, 15)) == .emergency2020_1379)
        #expect(VotingRegime.inForce(on: Self.date(2021, 9, 30)) == .emergency2020_1379)
        #expect(VotingRegime.inForce(on: Self.date(2021, 10, 15)) == .ordinary)
        #expect(VotingRegime.inForce(on: Self.date(2021, 11, 10)) == .emergency2021_1465)
        #expect(VotingRegime.inForce(on: Self.date(2022, 7, 31)) == .emergency2021_1465)
        #expect(VotingRegime.inForce(on: Self.date(2022, 8, 1)) == .ordinary)
    }

    @Test("Quorum : plus de la moitié en droit commun, le tiers sous le régime d'urgence ; sans quorum la délibération est irrégulière")
    func quorum() {
        #expect(VotingRegime.Quorum.moreThanHalfPresent.minimumPresent(inOffice: 50) == 26)
        #expect(VotingRegime.Quorum.moreThanHalfPresent.minimumPresent(inOffice: 51) == 26)
        #expect(VotingRegime.Quorum.oneThirdPresent.minimumPresent(inOffice: 50) == 17)
        #expect(VotingRegime.Quorum.oneThirdPresent.minimumPresent(inOffice: 51) == 17)
        let vote = ItemVote(present: 20, votants: 20, votesFor: 20)
        #expect(DeliberationRules.assess(date: Self.date(2021, 1, 10), inOffice: 50, attendance: [], vote: vote).verdict == .adopted)
        let ordinary = DeliberationRules.assess(date: Self.date(2019, 1, 10), inOffice: 50, attendance: [], vote: vote)
        #expect(ordinary.verdict == .invalid)
        #expect(ordinary.findings.map(\.code) == [.quorumNotMet])
    }

    @Test("Majorité absolue des suffrages exprimés ; égalité : voix prépondérante du président, sauf scrutin secret")
    func majority() {
        let day = Self.date(2019, 6, 1)
        func verdict(_ vote: ItemVote) -> DeliberationOutcome {
            DeliberationRules.assess(date: day, inOffice: 30, attendance: [], vote: vote)
        }
        #expect(verdict(ItemVote(present: 20, votants: 20, votesFor: 6, votesAgainst: 5, abstentions: 9)).verdict == .adopted, "abstentions are not votes cast")
        #expect(verdict(ItemVote(present: 20, votants: 20, votesFor: 5, votesAgainst: 6, abstentions: 9)).verdict == .rejected)
        let tie = verdict(ItemVote(present: 20, votants: 20, votesFor: 10, votesAgainst: 10, chairVotedFor: true))
        #expect(tie.verdict == .adopted && tie.decidedByChair)
        #expect(verdict(ItemVote(present: 20, votants: 20, votesFor: 10, votesAgainst: 10, chairVotedFor: false)).verdict == .rejected)
        #expect(verdict(ItemVote(present: 20, votants: 20, votesFor: 10, votesAgainst: 10, secretBallot: true, chairVotedFor: true)).verdict == .rejected)
        let wrong = verdict(ItemVote(present: 20, votants: 20, votesFor: 10, votesAgainst: 5))
        #expect(wrong.findings.map(\.code) == [.votesMismatch])
    }

    @Test("Fins de convention : mise en demeure du 31/01/2021 + trois mois ; retrait notifié le 15/10/2021 avec deux mois de préavis")
    func endings() {
        let breach = ConventionEnding(kind: .breach, notifiedOn: Self.date(2021, 1, 31), notice: .months(3))
        #expect(breach.effectiveOn == Self.date(2021, 4, 30), "three months after 31 January: 30 April (no 31 April)")
        #expect(breach.explanation == "Mise en demeure du 31/01/2021 + préavis de 3 mois : effet le 30/04/2021.")
        let withdrawal = ConventionEnding(kind: .withdrawal, notifiedOn: Self.date(2021, 10, 15), notice: .months(2))
        #expect(withdrawal.effectiveOn == Self.date(2021, 12, 15))
        let later = ConventionEnding(kind: .withdrawal, notifiedOn: Self.date(2021, 10, 15), notice: .months(2), requestedOn: Self.date(2022, 1, 1))
        #expect(later.effectiveOn == Self.date(2022, 1, 1), "a withdrawal may be notified for a later day")
        let tooSoon = ConventionEnding(kind: .withdrawal, notifiedOn: Self.date(2021, 10, 15), notice: .months(2), requestedOn: Self.date(2021, 11, 1))
        #expect(tooSoon.effectiveOn == Self.date(2021, 12, 15), "never before the notice has run")
        let agreed = ConventionEnding(kind: .mutualAgreement, notifiedOn: Self.date(2021, 3, 1), requestedOn: Self.date(2021, 6, 30))
        #expect(agreed.effectiveOn == Self.date(2021, 6, 30))
    }

    @Test("L'identifiant @CTES de la délibération de seed 002 se génère et se relit")
    func actesIdOfSeed002() throws {
        let id = try ActesId(departement: "008", siren: try Siren("240800920"), decisionDate: Self.date(2020, 12, 17), actNumber: "DC2020_114", nature: .deliberation)
        #expect(id.description == "008-240800920-20201217-DC2020_114-DE")
        #expect(try ActesId(id.description) == id)
        #expect(throws: IdentifierError.self) { try ActesId(departement: "008", siren: try Siren("240800920"), decisionDate: Self.date(2020, 12, 17),
                                                           actNumber: "DC2020/114", nature: .deliberation) }
    }

    @Test("Différence de versions : modifié, ajouté, retiré, dans l'ordre du texte")
    func versionDiff() {
        let old = [VersionFact("Article 1", "Objet"), VersionFact("Article 2", "Durée d'un an"), VersionFact("Article 3", "Résiliation"),
                   VersionFact("Action 2.c › Ligne Parcours", "5 × 6 000,00 €")]
        let new = [VersionFact("Article 1", "Objet"), VersionFact("Article 2", "Durée de deux ans"),
                   VersionFact("Action 2.c › Ligne Parcours", "5 × 6 000,00 €"), VersionFact("Action 2.c › Part Région", "50 %")]
        let changes = VersionDiff.compare(old, new)
        #expect(changes.map(\.kind) == [.changed, .removed, .added])
        #expect(changes.map(\.key) == ["Article 2", "Article 3", "Action 2.c › Part Région"])
        #expect(changes[0].before == "Durée d'un an" && changes[0].after == "Durée de deux ans")
        #expect(VersionDiff.compare(new, new).isEmpty)
    }

    @Test("Comité de seed 002 : le Département et les partenaires à égalité de voix")
    func equalColleges() throws {
        let partners = ["Ardenne Métropole", "Portes du Luxembourg", "Vallées et Plateau", "Crêtes Préardennaises", "Ardennes Thiérache",
                        "Argonne Ardennaise", "Pays Rethélois"].map { CommitteeMember(name: $0, college: "Partenaires") }
        let members = [CommitteeMember(name: "Département des Ardennes", college: "Département")] + partners
        let weights = CommitteeVoting.weights(present: members, equalColleges: true)
        #expect(weights["Département des Ardennes"] == (try Fraction(1, 2)))
        #expect(weights["Ardenne Métropole"] == (try Fraction(1, 14)))
        let against = CommitteeVoting.tally(MeetingDecision(text: "Reconduire", votesFor: ["Département des Ardennes"],
                                                            votesAgainst: partners.map(\.name)), present: members, equalColleges: true)
        #expect(!against.adopted, "a tie between the colleges does not pass")
        #expect(against.weightFor == against.weightAgainst)
        let oneMore = CommitteeVoting.tally(MeetingDecision(text: "Reconduire", votesFor: ["Département des Ardennes", "Ardenne Métropole"],
                                                            votesAgainst: partners.dropFirst().map(\.name)), present: members, equalColleges: true)
        #expect(oneMore.adopted)
        let perHead = CommitteeVoting.tally(MeetingDecision(text: "Reconduire", votesFor: ["Département des Ardennes", "Ardenne Métropole"],
                                                            votesAgainst: partners.dropFirst().map(\.name)), present: members, equalColleges: false)
        #expect(!perHead.adopted, "one vote each: 2 against 6")
    }

    @Test("Jalons : reconduction tacite, dernier jour pour dénoncer, réunion annuelle de bilan à la date de renouvellement")
    func milestones() {
        let m = ConventionMilestones.of(startsOn: Self.date(2021, 1, 1), endsOn: Self.date(2021, 12, 31), renewal: .tacit, noticeMonths: 3)
        #expect(m.map(\.kind) == [.start, .renewalDecision, .annualReview, .end])
        #expect(m[1].date == Self.date(2021, 10, 1), "notice given on 1 October runs three months to 1 January, the day the renewal would take effect")
        #expect(m[2].date == Self.date(2021, 12, 31))
        #expect(ConventionMilestones.of(startsOn: nil, endsOn: Self.date(2021, 12, 31), renewal: Renewal.none, noticeMonths: 3).map(\.kind) == [.end])
    }
}

