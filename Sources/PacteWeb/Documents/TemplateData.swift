import Foundation
import PacteCore
import PacteOffice

/// The data each kind of template is filled with: the same figures as Pacte's own documents, as
/// French text (amounts `1 400,00 €`, dates `24/12/2020`), under the names `TemplateKind.schema` lists.
enum TemplateValues {
    static func party(_ party: PageQueries.PartyRow) -> TemplateData {
        ["nom": party.name, "siren": party.siren.map(DirectoryPage.formatSiren) ?? "", "representant": party.representative ?? "",
         "designation": party.designation ?? "", "roles": party.roles.map(\.label).joined(separator: ", ").lowercased()]
    }

    static func conventionFields(_ view: PageQueries.ConventionView, version: String, today: CivilDate) -> TemplateData {
        let c = view.convention
        return [
            "convention": [
                "titre": c.title, "reference": c.reference ?? "", "objet": c.object ?? "", "version": version,
                "date_signature": c.signedOn.map(FrenchFormat.date) ?? "", "date_effet": c.startsOn.map(FrenchFormat.date) ?? "",
                "date_fin": c.endsOn.map(FrenchFormat.date) ?? "", "duree": ConventionDocument.durationSentence(c),
                "regime": view.table.regime.label, "cout_total": FrenchFormat.money(view.table.totalCost),
            ] as TemplateData,
            "date_du_jour": FrenchFormat.date(today),
            "parties": view.parties.map(party),
            "signataires": view.parties.filter { $0.roles.contains(.signatory) }.map(party),
        ]
    }

    static func financingTable(_ view: PageQueries.ConventionView) -> TemplateData {
        let table = view.table
        let officeTable = ConventionDocument.financingTable(view)
        let funderColumns = 2..<(2 + table.funders.count)
        return [
            "regime": table.regime.label,
            "cout_total": FrenchFormat.money(table.totalCost),
            "financeurs": zip(table.funders, zip(table.totalsPerFunder, table.funderHasKnownAmount)).map { funder, total in
                ["nom": funder.name, "nom_court": funder.displayName, "total": total.1 ? FrenchFormat.money(total.0) : "à préciser"] as TemplateData
            },
            "lignes": officeTable.rows.filter { $0.kind == .body }.map { row in
                ["action": row.cells[0], "cout": row.cells[1],
                 "montants": funderColumns.map { ["financeur": table.funders[$0 - 2].displayName, "montant": row.cells[$0]] as TemplateData }] as TemplateData
            },
        ]
    }

    static func convention(_ source: ConventionDocument.Source) -> TemplateData {
        let view = source.view
        var data = conventionFields(view, version: source.version, today: source.today)
        data["articles"] = view.articles.map { ["numero": $0.number, "titre": $0.title ?? "", "texte": $0.body] as TemplateData }
        let axisTitles = Dictionary(view.axes.map { ($0.code, $0.title) }, uniquingKeysWith: { first, _ in first })
        data["actions"] = view.evaluation.actions.enumerated().map { index, result -> TemplateData in
            let sheet = index < source.sheets.count ? source.sheets[index] : nil
            let plan = ConventionDocument.financingPlan(result, plan: view.evaluation.plan)
            return [
                "code": result.action.code, "titre": result.action.title, "axe": result.action.axis ?? "",
                "axe_titre": result.action.axis.flatMap { axisTitles[$0] } ?? "",
                "contexte": sheet?.context ?? "", "objectifs": sheet?.objectives ?? "", "contenu": sheet?.content ?? "",
                "methode": sheet?.method ?? "", "operateur": sheet?.operator?.name ?? "", "calendrier": sheet?.calendar ?? "",
                "cout": FrenchFormat.money(result.cost),
                "total_finance": FrenchFormat.money(result.periods.map(\.funded).reduce(.zero, +)),
                "non_finance": FrenchFormat.money(result.unfunded),
                "lignes": result.action.lines.map { line in
                    ["libelle": line.label, "detail": line.pricingDescription, "montant": ConventionDocument.amount(ConventionDocument.lineAmount(line))] as TemplateData
                },
                "financements": plan.rows.filter { $0.kind == .body }.map { row in
                    ["financeur": row.cells[0], "regle": row.cells[1], "montant": row.cells[2]] as TemplateData
                },
            ]
        }
        data["plan"] = financingTable(view)
        return data
    }

    static func avenant(_ source: AvenantDocument.Source) -> TemplateData {
        var data = conventionFields(source.view, version: source.isDraft ? "Projet d'avenant n° \(source.number)" : "Avenant n° \(source.number)", today: source.today)
        data["avenant"] = [
            "numero": String(source.number), "titre": source.title, "objet": source.version?.summary ?? "",
            "approbation": source.version?.approval ?? "", "date_approbation": source.version?.approvedOn.map(FrenchFormat.date) ?? "",
            "projet": source.isDraft ? "oui" : "",
        ] as TemplateData
        data["modifications"] = source.changes.map { change -> TemplateData in
            let (group, item) = AvenantDocument.split(change.key)
            return ["groupe": group, "element": item, "changement": change.kind.label, "avant": change.before ?? "—", "apres": change.after ?? "—"]
        }
        data["plan"] = financingTable(source.view)
        return data
    }

    static func fundingNotice(_ facts: FundingNotice.Facts) -> TemplateData {
        [
            "entreprise": ["nom": facts.company.name, "siren": DirectoryPage.formatSiren(facts.company.siren), "adresse": facts.company.address ?? ""] as TemplateData,
            "prestation": [
                "libelle": facts.intervention.label, "programme": facts.intervention.programme ?? "", "prestataire": facts.provider?.name ?? "",
                "montant": FrenchFormat.money(facts.amount), "base": facts.basis, "etape": InterventionPages.history(facts.intervention),
            ] as TemplateData,
            "convention": ["titre": facts.convention.title, "reference": facts.convention.reference ?? ""] as TemplateData,
            "action": ["titre": facts.action.displayName] as TemplateData,
            "aide": ["publique": FrenchFormat.money(facts.publicAid), "texte": facts.aidSentence] as TemplateData,
            "date_du_jour": FrenchFormat.date(.today()),
            "financeurs": facts.parts.map { organisation, part in
                ["nom": facts.funderName(organisation), "part": UI.percent(part, of: facts.amount), "montant": FrenchFormat.money(part)] as TemplateData
            },
        ]
    }

    static func deMinimisStatement(_ facts: DeMinimisStatement.Facts) -> TemplateData {
        let a = facts.assessment
        return [
            "entreprise": ["nom": facts.company.name, "siren": DirectoryPage.formatSiren(facts.company.siren), "adresse": facts.company.address ?? ""] as TemplateData,
            "periode": ["debut": FrenchFormat.date(a.window.lowerBound), "fin": FrenchFormat.date(a.window.upperBound)] as TemplateData,
            "reglement": a.regulation.officialTitle,
            "plafond": FrenchFormat.money(a.ceiling), "recu": FrenchFormat.money(a.received), "disponible": FrenchFormat.money(a.room),
            "date_du_jour": FrenchFormat.date(.today()),
            "membres": facts.members.map { ["nom": $0.name, "siren": DirectoryPage.formatSiren($0.siren), "adresse": $0.address ?? ""] as TemplateData },
            "aides": facts.counted.map { grant in
                ["date": FrenchFormat.date(grant.grantedOn), "beneficiaire": facts.beneficiary(grant), "organisme": grant.grantor,
                 "reglement": grant.regulation.label, "montant": FrenchFormat.money(Money(cents: grant.amountCents))] as TemplateData
            },
        ]
    }
}
