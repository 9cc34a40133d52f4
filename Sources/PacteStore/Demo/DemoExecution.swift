import Fluent
import Foundation
import PacteCore

/// A year and a half of execution for each demo convention, consistent with its plan: envelopes
/// that hold each funder's planned amount, services given to demo companies at every step of their
/// life (accepted, delivered, invoiced, paid, one cancelled), revenue orders where a collector
/// recovers the partners' shares, deliverables sent on time and late, indicators measured and a
/// steering committee. Everything goes through the same store operations as the screens, so the
/// figures are the ones Pacte computes, and everything is derived from the seeds and the day of
/// loading: the same day gives the same data.
public enum DemoExecution {
    /// The execution's period: the 18 months before the convention's end when it has one (never
    /// after `today`), else the 18 months before `today`.
    static func window(_ convention: ConventionModel, today: CivilDate) throws -> ClosedRange<CivilDate> {
        if let end = convention.endsOn.map({ min($0, today) }) { return end.adding(months: -18).adding(days: 1)...end }
        if convention.status == .ended || convention.status == .terminated {
            return try CivilDate(year: 2020, month: 7, day: 1)...CivilDate(year: 2021, month: 12, day: 31)
        }
        return today.adding(months: -18)...today
    }

    struct DemoCompany {
        var name: String
        var naf: String
        var commune: String
        var address: String
    }

    /// Fictitious companies near each demo territory (real commune codes, invented names).
    static let companies: [String: [DemoCompany]] = [
        "000-sezanne": [
            DemoCompany(name: "Boulangerie du Mail", naf: "10.71C", commune: "51535", address: "12 place de la République, 51120 Sézanne"),
            DemoCompany(name: "Quincaillerie Sézannaise", naf: "47.52A", commune: "51535", address: "4 rue Notre-Dame, 51120 Sézanne"),
            DemoCompany(name: "Atelier Brie Champenoise", naf: "16.23Z", commune: "51535", address: "Zone artisanale des Auges, 51120 Sézanne"),
            DemoCompany(name: "Fleurs et Sens", naf: "47.76Z", commune: "51535", address: "27 rue du Capitaine Faucon, 51120 Sézanne"),
            DemoCompany(name: "Librairie L'Encre verte", naf: "47.61Z", commune: "51535", address: "3 rue de Paris, 51120 Sézanne"),
        ],
        "001-sud-territoire": [
            DemoCompany(name: "Menuiserie du Sundgau", naf: "43.32A", commune: "90033", address: "8 rue de Porrentruy, 90100 Delle"),
            DemoCompany(name: "Garage des Trois Frontières", naf: "45.20A", commune: "90033", address: "15 avenue du Général de Gaulle, 90100 Delle"),
            DemoCompany(name: "Coiffure Élégance", naf: "96.02A", commune: "90053", address: "2 Grande Rue, 90600 Grandvillars"),
        ],
        "002-ardennes": [
            DemoCompany(name: "Fonderie de la Meuse", naf: "24.51Z", commune: "08105", address: "22 quai Arthur Rimbaud, 08000 Charleville-Mézières"),
            DemoCompany(name: "Ardennes Tôlerie Services", naf: "25.62B", commune: "08409", address: "7 rue des Forges, 08200 Sedan"),
            DemoCompany(name: "Brasserie des Crêtes", naf: "11.05Z", commune: "08362", address: "5 place de la Gare, 08300 Rethel"),
            DemoCompany(name: "Transports Thiérache Logistique", naf: "49.41A", commune: "08105", address: "ZI du Moulin Leblanc, 08000 Charleville-Mézières"),
        ],
        "003-dijon": [
            DemoCompany(name: "Moutarderie du Castel", naf: "10.84Z", commune: "21231", address: "31 rue de la Liberté, 21000 Dijon"),
            DemoCompany(name: "Bureau d'études Énergie Bourgogne", naf: "71.12B", commune: "21231", address: "9 boulevard de Brosses, 21000 Dijon"),
            DemoCompany(name: "Imprimerie Chenôvienne", naf: "18.12Z", commune: "21166", address: "14 rue Armand Thibaut, 21300 Chenôve"),
            DemoCompany(name: "Laverie Verte du Grand Dijon", naf: "96.01B", commune: "21231", address: "40 avenue Jean Jaurès, 21000 Dijon"),
        ],
        "004-chaumont": [
            DemoCompany(name: "Coutellerie du Bassigny", naf: "25.71Z", commune: "52121", address: "6 rue Victoire de la Marne, 52000 Chaumont"),
            DemoCompany(name: "Studio graphique Haute-Marne", naf: "74.10Z", commune: "52121", address: "18 rue Toupot de Béveaux, 52000 Chaumont"),
        ],
    ]

    /// A SIREN in the demo's own range (9000…), from a serial number.
    static func siren(_ serial: Int) throws -> Siren { try Siren.completing(90_000_000 + serial) }

    /// The SIRET of `siren`'s head office (NIC 0001 and its key).
    static func siret(_ siren: Siren) throws -> Siret { try Siret.completing(siren, establishment: 1) }

    /// Plays the execution of every demo convention that has none yet.
    public static func play(on db: any Database, today: CivilDate = .today()) async throws {
        let conventions = try await ConventionModel.query(on: db).filter(\.$isDemo == true).sort(\.$createdAt).all()
        guard try await InterventionModel.query(on: db).count() == 0 else { return }
        var serial = 1
        for (index, convention) in conventions.enumerated() where index < DemoData.files.count {
            try await play(convention, key: DemoData.files[index], today: today, serial: &serial, on: db)
        }
        try await registerSample(today: today, on: db)
    }

    static func play(_ convention: ConventionModel, key: String, today: CivilDate, serial: inout Int, on db: any Database) async throws {
        let actor = Actor.system
        let conventionID = try convention.requireID()
        if key == "000-sezanne" {
            // Its source gives a 12-month term renewed expressly and no date: the demo starts it 20
            // months ago, so that the decision on the next renewal (3 months' notice) is a month away.
            let start = today.adding(months: -20)
            try await Store.write(on: db) { tx in
                try await Audited.update(convention, "convention", conventionID: conventionID, actor: actor, on: tx) {
                    $0.startsOn = start
                    $0.endsOn = start.adding(months: 24).adding(days: -1)
                    $0.noticeMonths = 3
                }
            }
        }
        let period = try window(convention, today: today)
        let finalStatus = convention.status
        // Funds are committed only on a convention in force: an ended one is played as it was.
        if finalStatus != .signed && finalStatus != .inForce { try await setStatus(convention, .inForce, on: db) }

        let plan = try await PlanMapping.plan(for: convention, on: db)
        let evaluation = try plan.evaluate()
        let organisations = try await OrganisationModel.query(on: db).all()
        let byID = Dictionary(uniqueKeysWithValues: organisations.compactMap { o in o.id.map { ($0, o) } })
        var envelopes: [EnvelopeModel] = []
        for funder in plan.funders {
            let amount = evaluation.amount(for: funder.id)
            guard amount.cents > 0, let org = UUID(uuidString: funder.id.rawValue).flatMap({ byID[$0] }), org.kind != .company else { continue }
            envelopes.append(EnvelopeModel(id: UUID(), conventionID: conventionID, funderID: try org.requireID(),
                                           name: "Enveloppe \(org.shortName ?? org.name)", cap: amount))
        }
        try await Store.write(on: db) { [envelopes] tx in
            for envelope in envelopes { try await Audited.create(envelope, "envelope", conventionID: conventionID, actor: actor, on: tx) }
        }

        // Companies of the territory.
        var companies: [CompanyModel] = []
        for company in Self.companies[key] ?? [] {
            let siren = try siren(serial)
            serial += 1
            let model = CompanyModel(siren: siren, name: company.name, isDemo: true)
            model.naf = try? NafCode(company.naf)
            model.communeCode = company.commune
            model.address = company.address
            model.workforceBand = try? WorkforceBand(["03", "11", "02", "12"][serial % 4])
            let establishment = EstablishmentModel(companyID: model.id!, siret: try siret(siren), address: company.address,
                                                   communeCode: company.commune, isHeadOffice: true)
            try await Store.write(on: db) { tx in
                try await Audited.create(model, "company", conventionID: nil, actor: actor, on: tx)
                try await Audited.create(establishment, "establishment", conventionID: nil, actor: actor, on: tx)
            }
            companies.append(model)
        }

        let services = try await ServiceModel.query(on: db).filter(\.$isDemo == true).all()
        let actions = try await ActionModel.query(on: db).filter(\.$convention.$id == conventionID).sort(\.$position).all()
        let funding = try await Interventions.Funding(for: convention, on: db)
        let months = max(1, period.lowerBound.days(until: period.upperBound) / 30)
        var count = 0
        for (actionIndex, action) in actions.enumerated() where actionIndex < plan.actions.count && !companies.isEmpty {
            let planned = plan.actions[actionIndex]
            guard let (price, quantity) = unitPrice(planned) else { continue }
            let catalogue = services.first { s in s.unitPrice == price && planned.lines.contains { $0.label.localizedCaseInsensitiveContains(s.name.prefix(8)) } }
            let year = period.lowerBound.year
            guard (try? funding.split(action: try action.requireID(), amount: price, year: year)) != nil else { continue }
            for n in 0..<min(quantity, 4) {
                count += 1
                let company = companies[(actionIndex + n) % companies.count]
                let prescribed = period.lowerBound.adding(days: ((n * 2 + actionIndex) % months) * 30 + (actionIndex * 7) % 25)
                guard prescribed < period.upperBound else { continue }
                let model = InterventionModel(id: UUID(), conventionID: conventionID, actionID: try action.requireID(),
                                              serviceID: catalogue?.id, companyID: try company.requireID(),
                                              label: catalogue?.name ?? planned.lines.first?.label ?? action.title, quote: price)
                try await Store.write(on: db) { tx in
                    try await Audited.create(model, "intervention", conventionID: conventionID, actor: actor, on: tx)
                }
                try await advance(model, prescribed: prescribed, until: period.upperBound, rank: count, on: db)
            }
        }

        try await deliverables(convention, period: period, on: db)
        try await indicators(actions, period: period, on: db)
        try await committee(convention, period: period, today: today, on: db)
        if key == "002-ardennes", let collector = organisations.first(where: { $0.name.contains("Département des Ardennes") || $0.shortName == "CD08" }) {
            let issued = try await RevenueOrders.issue(convention, collector: try collector.requireID(), year: nil,
                                                       on: period.lowerBound.adding(months: 6), actor: actor, db: db)
            for (index, order) in issued.enumerated() where index % 3 != 2 {
                let amount = index % 3 == 0 ? Money(cents: order.amountCents) : Money(cents: order.amountCents / 2)
                try await RevenueOrders.recordPayment(order, amount: amount, on: period.lowerBound.adding(months: 8), actor: actor, db: db)
            }
        }
        if finalStatus != .signed && finalStatus != .inForce { try await setStatus(convention, finalStatus, on: db) }
    }

    static func setStatus(_ convention: ConventionModel, _ status: ConventionStatus, on db: any Database) async throws {
        try await Store.write(on: db) { tx in
            try await Audited.update(convention, "convention", conventionID: convention.id, actor: .system, on: tx) { $0.status = status }
        }
    }

    /// The price of one service of an action and how many the plan foresees: the unit price of its
    /// first priced line, or its whole cost as one service.
    static func unitPrice(_ action: PlannedAction) -> (Money, Int)? {
        for line in action.lines {
            switch line.pricing {
            case let .quantity(q, unitPrice) where unitPrice.cents > 0:
                return (unitPrice, max(1, Int(q.value.numerator / max(1, q.value.denominator))))
            case let .days(d, rate) where rate.cents > 0:
                return (Money(cents: ((try? rate.multiplied(by: d.value)) ?? rate).cents / 3), 3)
            case let .forfait(amount) where amount.cents > 0:
                // A lump sum is delivered as three services of a third each.
                return (Money(cents: amount.cents / 3), 3)
            default: continue
            }
        }
        return nil
    }

    /// Moves a service along its life as far as its dates allow: accepted 10 days after the quote,
    /// delivered 45 days later, invoiced 15 days after that, paid 30 days later; every seventh
    /// stays a quote, every eleventh is cancelled, and of the others one in five stops at each of
    /// acceptance, delivery and invoice. A refusal (an envelope full) leaves it a quote.
    static func advance(_ model: InterventionModel, prescribed: CivilDate, until end: CivilDate, rank: Int, on db: any Database) async throws {
        if rank % 7 == 0 { return }
        let actor = Actor.system
        let accepted = prescribed.adding(days: 10)
        guard accepted <= end else { return }
        do { try await Interventions.accept(model, on: accepted, actor: actor, db: db) } catch is EnvelopeRefusal { return } catch StoreError.conflict { return }
        if rank % 11 == 0 {
            try await Interventions.cancel(model, reason: "L'entreprise a renoncé à la prestation.", actor: actor, db: db)
            return
        }
        let stage = rank % 5
        let delivered = accepted.adding(days: 45)
        guard delivered <= end, stage != 0 else { return }
        try await Interventions.deliver(model, on: delivered, deliverable: "Compte rendu remis à l'entreprise", actor: actor, db: db)
        let invoiced = delivered.adding(days: 15)
        guard invoiced <= end, stage != 3 else { return }
        let number = "F-\(invoiced.year)-" + String(format: "%03d", rank)
        try await Interventions.invoice(model, number: number, on: invoiced, amount: Money(cents: model.quoteCents), actor: actor, db: db)
        let paid = invoiced.adding(days: 30)
        guard paid <= end, stage != 2 else { return }
        try await Interventions.pay(model, on: paid, actor: actor, db: db)
    }

    /// A quarterly activity report: sent a few days early, one in three twelve days late, the last one missing.
    static func deliverables(_ convention: ConventionModel, period: ClosedRange<CivilDate>, on db: any Database) async throws {
        let first = period.lowerBound.adding(months: 3)
        let deliverable = DeliverableModel(id: UUID(), conventionID: try convention.requireID(), name: "Rapport d'activité trimestriel",
                                           periodicity: .quarterly, firstDue: first, lastDue: period.upperBound.adding(months: 3),
                                           responsible: "Chargé de mission de l'opérateur")
        try await Store.write(on: db) { tx in
            try await Audited.create(deliverable, "deliverable", conventionID: convention.id, actor: .system, on: tx)
            var due = first
            var index = 0
            while due.adding(months: 3) <= period.upperBound {
                let sent = index % 3 == 2 ? due.adding(days: 12) : due.adding(days: -3)
                let delivery = DeliveryModel(id: UUID(), deliverableID: try deliverable.requireID(), dueOn: due, deliveredOn: sent,
                                             link: "https://documents.demo.pacte.fr/rapport-\(due.year)-\(index + 1).pdf")
                try await Audited.create(delivery, "delivery", conventionID: convention.id, actor: .system, on: tx)
                index += 1
                due = first.adding(months: 3 * index)
            }
        }
    }

    /// Each indicator with a target measured twice: at a third and at two thirds of its target.
    static func indicators(_ actions: [ActionModel], period: ClosedRange<CivilDate>, on db: any Database) async throws {
        let ids = try actions.map { try $0.requireID() }
        let indicators = try await IndicatorModel.query(on: db).filter(\.$action.$id ~~ ids).all()
        try await Store.write(on: db) { tx in
            for indicator in indicators {
                guard let text = indicator.targetText, let target = try? StoredFraction.fraction(text) else { continue }
                for (k, date) in [(1, period.lowerBound.adding(months: 6)), (2, period.upperBound.adding(months: -1))] {
                    let value = try Quantity(Fraction(target.numerator * Int64(k), target.denominator * 3))
                    let reading = IndicatorMeasurementModel(id: UUID(), indicatorID: try indicator.requireID(), measuredOn: date, value: value,
                                                            source: "Tableau de bord de l'opérateur")
                    try await Audited.create(reading, "indicator-measurement", conventionID: actions.first?.$convention.id, actor: .system, on: tx)
                }
            }
        }
    }

    /// A steering committee of the signatories: one meeting held, the next one three weeks ahead
    /// (or at the end of an ended convention).
    static func committee(_ convention: ConventionModel, period: ClosedRange<CivilDate>, today: CivilDate, on db: any Database) async throws {
        let conventionID = try convention.requireID()
        let parties = try await ConventionPartyModel.query(on: db).filter(\.$convention.$id == conventionID).with(\.$organisation).all()
        let members = parties.map { CommitteeMember(name: $0.organisation.shortName ?? $0.organisation.name, college: "Signataires") }
        guard !members.isEmpty else { return }
        let committee = CommitteeModel(id: UUID(), conventionID: conventionID, name: "Comité de pilotage", kind: .steering,
                                       equalColleges: false, members: members)
        try await Store.write(on: db) { tx in
            try await Audited.create(committee, "committee", conventionID: conventionID, actor: .system, on: tx)
            let held = MeetingModel(id: UUID(), committeeID: try committee.requireID(), conventionID: conventionID,
                                    title: "Comité de pilotage — bilan d'étape", date: period.lowerBound.adding(months: 9))
            held.time = "14:30"
            held.place = "Salle du conseil"
            held.agenda = "Bilan des prestations du semestre ; consommation des enveloppes ; programme du semestre suivant."
            held.minutes = "Le comité prend acte du bilan et valide le programme du semestre suivant."
            held.present = members.map(\.name)
            held.decisions = [MeetingDecision(text: "Programme du semestre suivant validé", votesFor: members.map(\.name))]
            try await Audited.create(held, "meeting", conventionID: conventionID, actor: .system, on: tx)
            let next = MeetingModel(id: UUID(), committeeID: try committee.requireID(), conventionID: conventionID,
                                    title: "Comité de pilotage — bilan annuel",
                                    date: period.upperBound == today ? today.adding(days: 21) : period.upperBound.adding(days: -10))
            next.time = "10:00"
            next.place = "Salle du conseil"
            next.agenda = "Bilan annuel ; renouvellement de la convention."
            try await Audited.create(next, "meeting", conventionID: conventionID, actor: .system, on: tx)
        }
    }

    /// A small sample of the company register (INSEE StockEtablissement layout) around Sézanne and
    /// Charleville-Mézières: establishments created over the last 18 months, a few closed.
    static func registerSample(today: CivilDate, on db: any Database) async throws {
        let communes = [("51535", "SEZANNE", "51120"), ("51535", "SEZANNE", "51120"), ("08105", "CHARLEVILLE-MEZIERES", "08000"),
                        ("08409", "SEDAN", "08200"), ("21231", "DIJON", "21000")]
        let nafs = ["47.11B", "56.10A", "43.22A", "62.01Z", "96.02A", "47.71Z", "10.71C", "49.41A"]
        let bands = ["NN", "00", "01", "02", "03", "11"]
        let header = SireneLayout.establishmentHeader
        var lines = [header.joined(separator: ",")]
        for i in 0..<48 {
            let siren = try siren(500 + i)
            let created = today.adding(days: -(i * 11 + 5))
            let closed = i % 9 == 4
            let (commune, label, postal) = communes[i % communes.count]
            let values: [String: String] = [
                "siren": siren.digits, "nic": "00011", "siret": try siret(siren).digits, "statutDiffusionEtablissement": "O",
                "dateCreationEtablissement": created.isoString, "trancheEffectifsEtablissement": bands[i % bands.count],
                "anneeEffectifsEtablissement": bands[i % bands.count] == "NN" ? "" : String(today.year - 1),
                "etablissementSiege": "true", "activitePrincipaleEtablissement": nafs[i % nafs.count],
                "nomenclatureActivitePrincipaleEtablissement": "NAFRev2", "codeCommuneEtablissement": commune,
                "libelleCommuneEtablissement": label, "codePostalEtablissement": postal, "numeroVoieEtablissement": String(i % 40 + 1),
                "typeVoieEtablissement": "RUE", "libelleVoieEtablissement": ["DE LA GARE", "DU MARCHE", "DES ECOLES", "JEAN JAURES"][i % 4],
                "etatAdministratifEtablissement": closed ? "F" : "A", "dateDebut": (closed ? created.adding(days: 40) : created).isoString,
                "denominationUsuelleEtablissement": "DEMO \(["BOULANGERIE", "RESTAURANT", "PLOMBERIE", "LOGICIELS", "COIFFURE", "MODE", "FOURNIL", "TRANSPORTS"][i % 8]) \(i + 1)",
                "dateDernierTraitementEtablissement": today.isoString + "T00:00:00",
            ]
            lines.append(header.map { values[$0] ?? "" }.joined(separator: ","))
        }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("pacte-demo-registre-\(UUID().uuidString).csv").path
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        defer {
            try? FileManager.default.removeItem(atPath: path)
            try? FileManager.default.removeItem(atPath: RegisterImport.rejectsFilePath(for: path))
        }
        _ = try await RegisterImport.run(path: path, on: db, startedBy: "démonstration")
    }
}
