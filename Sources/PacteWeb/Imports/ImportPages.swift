import Fluent
import Foundation
import PacteAudit
import PacteCore
import PacteDocuments
import PacteStore
import Plot
import Vapor

/// Importing a document on screen: upload a text file or paste the text, then review the draft
/// convention side by side with the text (line numbers, findings), correct it, check it, and only
/// then save it as a draft convention. Nothing reaches the conventions before that last step.
enum ImportPages {
    static func register(_ pages: any RoutesBuilder) {
        let imports = pages.grouped("imports")
        imports.get { req async throws -> Page in
            try await listPage(req)
        }
        imports.get("nouveau") { req async throws -> Page in
            let options = try await FormPages.organisationsWritable(req)
            var state = FormState()
            if options.count == 1 { state.set("organisationID", options[0].value) }
            return try newForm(req, state: state, organisations: options)
        }
        imports.on(.POST, "nouveau", body: .collect(maxSize: ByteCount(value: DocumentUploads.maximumBodyBytes))) { req async throws -> Response in
            try await upload(req)
        }
        imports.get(":importID") { req async throws -> Page in
            let record = try await ImportRoutes.find(req)
            let draft = try record.draft
            return try await reviewPage(req, record, draft: draft, state: draftState(draft),
                                        notice: req.query[String.self, at: "ok"].flatMap(Notices.text))
        }
        imports.post(":importID") { req async throws -> Response in
            let record = try await ImportRoutes.find(req)
            guard record.status == .pending else { return try await refusedAsSaved(req, record) }
            let form = try FormState(request: req)
            guard form.values["title"] != nil else { return try await incompleteForm(req, record) }
            let draft = readDraft(form)
            try await DocumentImports.updateDraft(record, draft: draft, actor: try req.requirePrincipal().actor, on: req.db)
            var state = draftState(draft)
            check(&state, draft)
            guard !state.hasErrors else {
                return try await reviewPage(req, record, draft: draft, state: state, notice: nil).encodeResponse(for: req)
            }
            return req.redirect(to: "/imports/\(try record.requireID())?ok=brouillon-verifie#brouillon", redirectType: .normal)
        }
        imports.post(":importID", "enregistrer") { req async throws -> Response in
            let record = try await ImportRoutes.find(req)
            guard record.status == .pending else { return try await refusedAsSaved(req, record) }
            let actor = try req.requirePrincipal().actor
            let form = try FormState(request: req)
            guard form.values["title"] != nil else { return try await incompleteForm(req, record) }
            let draft = readDraft(form)
            try await DocumentImports.updateDraft(record, draft: draft, actor: actor, on: req.db)
            var state = draftState(draft)
            check(&state, draft)
            guard !state.hasErrors else {
                return try await reviewPage(req, record, draft: draft, state: state, notice: nil).encodeResponse(for: req)
            }
            do {
                let convention = try await DocumentImports.save(importID: try record.requireID(), draft: draft, actor: actor, on: req.db)
                return req.redirect(to: "/conventions/\(try convention.requireID())?ok=import", redirectType: .normal)
            } catch StoreError.invalid(let path, let message) {
                place(planPath: path, message: message, in: &state, draft: draft)
                return try await reviewPage(req, record, draft: draft, state: state, notice: nil).encodeResponse(for: req)
            } catch StoreError.conflict {
                let saved = try await DocumentImportModel.find(try record.requireID(), on: req.db) ?? record
                return try await refusedAsSaved(req, saved)
            }
        }
    }

    // MARK: New import

    /// What the upload form sends, as multipart (a file) or URL-encoded (pasted text only).
    struct UploadIn: Content {
        var organisationID: String?
        var fileName: String?
        var text: String?
        var file: File?
    }

    static func upload(_ req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let options = try await FormPages.organisationsWritable(req)
        let input = (try? req.content.decode(UploadIn.self)) ?? UploadIn()
        var state = FormState()
        state.set("organisationID", input.organisationID)
        state.set("text", input.text)
        state.set("fileName", input.fileName)
        let organisationID = state.uuid("organisationID", label: "Organisation qui importe", required: true)
        if let organisationID, !Access.writesFor(principal, organisation: organisationID) {
            state.errors["organisationID"] = "Vous n'écrivez pas pour cette organisation."
        }
        var text: String?
        var fileName = ImportRoutes.cleanFileName(state.text("fileName")) ?? "texte collé"
        if let file = input.file, !(file.filename.isEmpty && file.data.readableBytes == 0) {
            let name = ImportRoutes.cleanFileName(file.filename) ?? "document.txt"
            do throws(UnreadableDocument) {
                text = try await DocumentReader.read(Data(file.data.readableBytesView), file: name, limits: DocumentUploads.limits).text
                fileName = name
            } catch {
                state.errors["file"] = "Fichier illisible : \(error.description)"
            }
        } else if let pasted = input.text, !pasted.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            // As typed: trimming would shift the line numbers the findings cite.
            text = pasted
        } else {
            state.errors["file"] = "Choisissez un fichier (PDF, Word, OpenDocument, image ou texte) ou collez le texte du document."
        }
        guard !state.hasErrors, let organisationID, let text else {
            return try await newForm(req, state: state, organisations: options).encodeResponse(for: req)
        }
        let (record, _) = try await ImportRoutes.start(text: text, fileName: fileName, organisationID: organisationID, principal: principal, on: req.db)
        return req.redirect(to: "/imports/\(try record.requireID())", redirectType: .normal)
    }

    static func newForm(_ req: Request, state: FormState, organisations: [(value: String, label: String)]) throws -> Page {
        let fields = [
            Field(name: "organisationID", label: "Organisation qui importe", control: .select(organisations, placeholder: "Choisir…"),
                  hint: "Ses agents relisent le brouillon ; elle devient partie (signataire) de la convention.", isRequired: true),
            Field(name: "file", label: "Fichier", control: .file(accept: DocumentUploads.accept),
                  hint: "Une convention, des fiches actions ou un extrait de délibération : PDF (avec texte ou scanné), Word (.docx), "
                      + "OpenDocument (.odt), image d'une page ou texte brut ; \(DocumentUploads.maximumFileMegabytes) Mo au plus. "
                      + "Un scan est lu par reconnaissance de caractères : vérifiez ses chiffres."),
            Field(name: "text", label: "Ou le texte collé", control: .textarea(rows: 12), hint: "Pris en compte quand aucun fichier n'est choisi."),
            Field(name: "fileName", label: "Nom du document", hint: "Pour un texte collé ; « texte collé » s'il reste vide."),
        ]
        return FormPages.formPage(
            title: "Importer un document", crumbs: [("Tableau de bord", "/"), ("Imports", "/imports"), ("Importer un document", nil)],
            state: state, fields: fields, action: "/imports/nouveau", back: "/imports", viewer: try req.viewer(),
            intro: "Pacte lit le texte, vérifie ses montants et ses votes, et propose une convention en brouillon que vous relisez et corrigez "
                + "à côté du texte. Rien n'est enregistré comme convention avant cette relecture.",
            multipart: true, submitLabel: "Lire le document")
    }

    // MARK: List

    static func listPage(_ req: Request) async throws -> Page {
        let principal = try req.requirePrincipal()
        let writable = principal.roles.filter { $0.value.canWrite }.map(\.key)
        func query() -> QueryBuilder<DocumentImportModel> {
            // The list never loads the texts themselves.
            let query = DocumentImportModel.query(on: req.db)
                .field(\.$id).field(\.$organisation.$id).field(\.$fileName).field(\.$status).field(\.$convention.$id)
                .field(\.$createdBy.$id).field(\.$createdAt)
            if !principal.isPlatformAdmin { query.filter(\.$organisation.$id ~~ writable) }
            return query
        }
        let pending = try await query().filter(\.$status == .pending).sort(\.$createdAt, .descending).limit(200).all()
        let saved = try await query().filter(\.$status == .saved).sort(\.$createdAt, .descending).limit(20).all()
        let all = pending + saved
        let names = try await PageQueries.organisationNames(all.map { $0.$organisation.id }, on: req.db)
        let authorIDs = Array(Set(all.compactMap { $0.$createdBy.id }))
        let authors = authorIDs.isEmpty ? [:] : Dictionary(uniqueKeysWithValues: try await UserModel.query(on: req.db).filter(\.$id ~~ authorIDs).all()
            .map { ($0.id!, $0.email) })
        func table(_ records: [DocumentImportModel], caption: String, saved: Bool) -> BodyNode {
            .div(.class("table-wrap"), .table(
                .caption(.text(caption)),
                .thead(.tr(
                    .th(.attribute(named: "scope", value: "col"), .text("Document")),
                    .th(.attribute(named: "scope", value: "col"), .text("Organisation")),
                    .th(.attribute(named: "scope", value: "col"), .text("Importé le")),
                    .th(.attribute(named: "scope", value: "col"), .text("Par")),
                    .th(.attribute(named: "scope", value: "col"), .text(saved ? "Convention" : "État"))
                )),
                .tbody(.forEach(records) { record in
                    .tr(.th(.attribute(named: "scope", value: "row"), .a(.href("/imports/\(record.id!)"), .text(record.fileName))),
                        .td(.text(names[record.$organisation.id] ?? "—")),
                        .td(.class("num"), .text(record.createdAt.map { FrenchFormat.date(CivilDate(instant: $0)) } ?? "—")),
                        .td(.text(record.$createdBy.id.flatMap { authors[$0] } ?? "ligne de commande")),
                        .td(saved
                            ? .unwrap(record.$convention.id, { .a(.href("/conventions/\($0)"), .text("Voir la convention")) }, else: .text("supprimée depuis"))
                            : .text(record.status.label)))
                })
            ))
        }
        let content: BodyNode = .group(
            .h1(.text("Imports de documents")),
            .p(.class("lead"), .text("Les documents lus et proposés comme conventions en brouillon, en attente de relecture par un agent de l'organisation qui importe.")),
            .if(principal.canWriteSomewhere, .div(.class("page-actions"), .a(.class("button"), .href("/imports/nouveau"), .text("Importer un document")))),
            .h2(.text("À relire")),
            pending.isEmpty ? .p(.class("muted"), .text("Aucun import en attente de relecture.")) : table(pending, caption: "Imports en attente de relecture", saved: false),
            .h2(.text("Enregistrés récemment")),
            saved.isEmpty ? .p(.class("muted"), .text("Aucun import enregistré.")) : table(saved, caption: "Imports enregistrés comme conventions en brouillon", saved: true)
        )
        return Page(title: "Imports de documents", section: .conventions, viewer: try req.viewer(),
                    breadcrumbs: [("Tableau de bord", "/"), ("Imports", nil)], content: content)
    }

    // MARK: The draft in a form

    /// Every field of the draft form, named after the draft's structure (`actions.2.lines.0.amount`;
    /// dots, because brackets are nesting for the form decoder), with one empty row to add a party,
    /// a line and a share to each action, and an action.
    static func draftState(_ draft: ImportDraft) -> FormState {
        var state = FormState()
        func put(_ name: String, _ value: String?) { state.values[name] = [value ?? ""] }
        put("title", draft.title)
        for (i, party) in draft.parties.enumerated() {
            put("parties.\(i).name", party.name)
            put("parties.\(i).shortName", party.shortName)
            put("parties.\(i).siren", party.siren)
        }
        for key in ["name", "shortName", "siren"] { put("parties.\(draft.parties.count).\(key)", nil) }
        for (i, action) in draft.actions.enumerated() {
            let a = "actions.\(i)"
            put("\(a).code", action.code)
            put("\(a).axis", action.axis)
            put("\(a).title", action.title)
            put("\(a).statedTotal", action.statedTotal)
            put("\(a).sourceLine", action.sourceLine.map(String.init))
            for (j, line) in action.lines.enumerated() {
                let l = "\(a).lines.\(j)"
                put("\(l).label", line.label)
                put("\(l).quantity", line.quantity)
                put("\(l).unitPrice", line.unitPrice)
                put("\(l).days", line.days)
                put("\(l).amount", line.amount)
                state.values["\(l).onQuote"] = line.onQuote ? ["1"] : []
                put("\(l).sourceLine", line.sourceLine.map(String.init))
            }
            for key in lineKeys { put("\(a).lines.\(action.lines.count).\(key)", nil) }
            for (k, share) in action.shares.enumerated() {
                let s = "\(a).shares.\(k)"
                put("\(s).funder", share.funder)
                put("\(s).percent", share.percent)
                put("\(s).amount", share.amount)
                put("\(s).condition", share.condition)
                put("\(s).sourceLine", share.sourceLine.map(String.init))
            }
            for key in shareKeys { put("\(a).shares.\(action.shares.count).\(key)", nil) }
        }
        for key in ["code", "axis", "title", "statedTotal"] { put("actions.\(draft.actions.count).\(key)", nil) }
        return state
    }

    static let lineKeys = ["label", "quantity", "unitPrice", "days", "amount"]
    static let shareKeys = ["funder", "percent", "amount", "condition"]

    /// The draft the form describes: rows marked « supprimer » and empty rows left out, every value
    /// kept as typed (trimmed), so that nothing typed is lost when the draft is shown again.
    static func readDraft(_ state: FormState) -> ImportDraft {
        func text(_ name: String) -> String? { state.text(name) }
        func removed(_ prefix: String) -> Bool { state.text(prefix + ".remove") != nil }
        func indices(under prefix: String) -> [Int] {
            var found = Set<Int>()
            for key in state.values.keys where key.hasPrefix(prefix) {
                let rest = key.dropFirst(prefix.count)
                if let end = rest.firstIndex(of: "."), let index = Int(rest[..<end]), index >= 0 { found.insert(index) }
            }
            return found.sorted()
        }
        let parties: [ImportDraft.Party] = indices(under: "parties.").compactMap { i in
            let p = "parties.\(i)"
            guard !removed(p) else { return nil }
            let name = text("\(p).name"), short = text("\(p).shortName"), siren = text("\(p).siren")
            guard name != nil || short != nil || siren != nil else { return nil }
            return ImportDraft.Party(name: name ?? "", shortName: short, siren: siren)
        }
        let actions: [ImportDraft.Action] = indices(under: "actions.").compactMap { i in
            let a = "actions.\(i)"
            guard !removed(a) else { return nil }
            let lines: [ImportDraft.Line] = indices(under: "\(a).lines.").compactMap { j in
                let l = "\(a).lines.\(j)"
                let onQuote = text("\(l).onQuote") != nil
                guard !removed(l), onQuote || lineKeys.contains(where: { text("\(l).\($0)") != nil }) else { return nil }
                return ImportDraft.Line(label: text("\(l).label") ?? "", quantity: text("\(l).quantity"), unitPrice: text("\(l).unitPrice"),
                                        days: text("\(l).days"), amount: text("\(l).amount"), onQuote: onQuote,
                                        sourceLine: text("\(l).sourceLine").flatMap { Int($0) })
            }
            let shares: [ImportDraft.Share] = indices(under: "\(a).shares.").compactMap { k in
                let s = "\(a).shares.\(k)"
                guard !removed(s), shareKeys.contains(where: { text("\(s).\($0)") != nil }) else { return nil }
                return ImportDraft.Share(funder: text("\(s).funder") ?? "", percent: text("\(s).percent"), amount: text("\(s).amount"),
                                         condition: text("\(s).condition"), sourceLine: text("\(s).sourceLine").flatMap { Int($0) })
            }
            let code = text("\(a).code"), axis = text("\(a).axis"), title = text("\(a).title"), statedTotal = text("\(a).statedTotal")
            guard code != nil || axis != nil || title != nil || statedTotal != nil || !lines.isEmpty || !shares.isEmpty else { return nil }
            return ImportDraft.Action(code: code, axis: axis, title: title ?? "", lines: lines, shares: shares, statedTotal: statedTotal,
                                      sourceLine: text("\(a).sourceLine").flatMap { Int($0) })
        }
        return ImportDraft(title: text("title") ?? "", parties: parties, actions: actions)
    }

    /// Checks every field the way the other forms do (all the unreadable amounts at once, each next
    /// to its field), then the draft as a whole as a plan file.
    static func check(_ state: inout FormState, _ draft: ImportDraft) {
        if draft.title.isEmpty { state.errors["title"] = "Renseignez l'intitulé de la convention." }
        for (i, party) in draft.parties.enumerated() {
            if party.name.isEmpty { state.errors["parties.\(i).name"] = "Renseignez le nom de la partie (ou cochez « supprimer »)." }
            _ = state.identifier("parties.\(i).siren", label: "SIREN") { text throws(IdentifierError) in try Siren(text) }
        }
        for (i, action) in draft.actions.enumerated() {
            if action.title.isEmpty { state.errors["actions.\(i).title"] = "Renseignez l'intitulé de l'action (ou cochez « supprimer cette action »)." }
            _ = state.amount("actions.\(i).statedTotal", label: "Total indiqué")
            for j in action.lines.indices {
                let l = "actions.\(i).lines.\(j)"
                if action.lines[j].label.isEmpty { state.errors["\(l).label"] = "Renseignez le libellé de la ligne." }
                _ = state.quantity("\(l).quantity", label: "Quantité")
                _ = state.amount("\(l).unitPrice", label: "Prix unitaire")
                _ = state.quantity("\(l).days", label: "Jours")
                _ = state.amount("\(l).amount", label: "Montant")
            }
            for k in action.shares.indices {
                let s = "actions.\(i).shares.\(k)"
                if action.shares[k].funder.isEmpty { state.errors["\(s).funder"] = "Renseignez le financeur de la part." }
                _ = state.rate("\(s).percent", label: "Taux")
                _ = state.amount("\(s).amount", label: "Montant")
            }
        }
        guard !state.hasErrors else { return }
        do throws(PlanFileError) {
            _ = try draft.plan()
        } catch {
            place(planPath: error.path, message: error.message, in: &state, draft: draft)
        }
    }

    /// Puts a plan-file error next to the field it names (`actions[2].lines[0].amount`), or at the top
    /// with the place written out in French when it names no single field of the form.
    static func place(planPath path: String, message: String, in state: inout FormState, draft: ImportDraft) {
        var name = path.replacingOccurrences(of: "[", with: ".").replacingOccurrences(of: "]", with: "")
        if name.hasSuffix(".stated") { name = String(name.dropLast("stated".count)) + "amount" }
        if name.hasPrefix("funders.") {
            let parts = name.split(separator: ".")
            if parts.count == 3, let index = Int(parts[1]), index < draft.parties.count {
                name = "parties.\(index).\(parts[2] == "short" ? "shortName" : String(parts[2]))"
            }
        }
        if state.values[name] != nil, state.errors[name] == nil {
            state.errors[name] = message
        } else {
            state.formError = (path.isEmpty ? "" : "\(describe(planPath: path, draft: draft)) : ") + message
        }
    }

    /// `actions[2].lines[0]` → « Action 3, ligne de coût 1 ».
    static func describe(planPath path: String, draft: ImportDraft) -> String {
        var out: [String] = []
        for part in path.split(separator: ".") {
            let pieces = part.split(separator: "[")
            let key = String(pieces.first ?? "")
            let index = pieces.count > 1 ? Int(pieces[1].dropLast()) : nil
            switch (key, index) {
            case ("actions", let i?): out.append("Action \(i + 1)")
            case ("lines", let j?): out.append("ligne de coût \(j + 1)")
            case ("shares", let k?): out.append("part \(k + 1)")
            case ("funders", let f?): out.append("financeur « \(f < draft.funders.count ? draft.funders[f].name : String(f + 1)) »")
            default: out.append(fieldWords[key] ?? key)
            }
        }
        return out.joined(separator: ", ")
    }

    static let fieldWords = [
        "title": "intitulé", "name": "nom", "shortName": "nom court", "short": "nom court", "siren": "SIREN", "code": "numéro", "axis": "axe",
        "label": "libellé", "quantity": "quantité", "unitPrice": "prix unitaire", "days": "jours", "amount": "montant", "onQuote": "sur devis",
        "funder": "financeur", "percent": "taux", "stated": "montant", "condition": "condition", "statedTotal": "total indiqué",
    ]

    /// A field's name as the error summary says it: `actions.2.lines.0.amount` → « Action 3, ligne 1 : montant ».
    static func fieldLabel(_ name: String) -> String {
        let parts = name.split(separator: ".").map(String.init)
        if parts == ["title"] { return "Intitulé de la convention" }
        var out: [String] = []
        var index = 0
        while index < parts.count {
            let part = parts[index]
            let number = index + 1 < parts.count ? Int(parts[index + 1]) : nil
            switch (part, number) {
            case ("parties", let n?): out.append("Partie \(n + 1)"); index += 2
            case ("actions", let n?): out.append("Action \(n + 1)"); index += 2
            case ("lines", let n?): out.append("ligne \(n + 1)"); index += 2
            case ("shares", let n?): out.append("part \(n + 1)"); index += 2
            default: out.append(fieldWords[part] ?? part); index += 1
            }
        }
        return out.joined(separator: ", ")
    }

    // MARK: Review page

    /// A post that is not the review form (no title field at all) would empty the draft: it changes nothing.
    static func incompleteForm(_ req: Request, _ record: DocumentImportModel) async throws -> Response {
        let draft = try record.draft
        var state = draftState(draft)
        state.formError = "Le formulaire reçu est incomplet : rien n'a été modifié. Rechargez la page et recommencez."
        return try await reviewPage(req, record, draft: draft, state: state, notice: nil, status: .unprocessableEntity).encodeResponse(for: req)
    }

    static func refusedAsSaved(_ req: Request, _ record: DocumentImportModel) async throws -> Response {
        var state = FormState()
        state.formError = "Ce document a déjà été enregistré comme convention : il ne peut pas l'être une seconde fois."
        return try await reviewPage(req, record, draft: try record.draft, state: state, notice: nil, status: .conflict).encodeResponse(for: req)
    }

    static func reviewPage(_ req: Request, _ record: DocumentImportModel, draft: ImportDraft, state: FormState, notice: String?,
                           status: HTTPResponseStatus? = nil) async throws -> Page {
        let id = try record.requireID()
        let document = DocumentAudit.audit(text: record.sourceText, file: record.fileName)
        let plan = state.hasErrors ? nil : try? draft.plan()
        let evaluation = try? plan?.evaluate()
        let resolutions = try await plan.asyncMap { try await DocumentImports.resolve($0, on: req.db) }
        let organisation = try await OrganisationModel.find(record.$organisation.id, on: req.db)
        let author = try await record.$createdBy.id.asyncMap { try await UserModel.find($0, on: req.db)?.email }
        let pending = record.status == .pending
        var intro = "Pour \(organisation?.name ?? "—"), importé"
        if let created = record.createdAt { intro += " le \(FrenchFormat.date(CivilDate(instant: created)))" }
        intro += (author ?? nil).map { " par \($0)" } ?? " en ligne de commande"
        intro += "."
        let content: BodyNode = .group(
            .h1(.text("Relire l'import « \(record.fileName) »")),
            .p(.class("lead"), .text(intro)),
            .unwrap(notice) { .p(.class("notice ok"), .attribute(named: "role", value: "status"), .text($0)) },
            .if(pending, .p(.class("notice"), .text("Ce n'est pas encore une convention : corrigez le brouillon à côté du texte, « Vérifier » garde vos "
                + "corrections et les contrôle, puis « Enregistrer la convention en brouillon » la crée."))),
            .if(!pending, .div(.class("notice ok"),
                .p(.text("Ce document a été enregistré comme convention en brouillon.")),
                .unwrap(record.$convention.id, { .p(.a(.href("/conventions/\($0)"), .text("Voir la convention"))) },
                        else: .p(.text("La convention créée a été supprimée depuis."))))),
            .if(!pending && state.formError != nil, .p(.class("notice error"), .attribute(named: "role", value: "alert"), .text(state.formError ?? ""))),
            .div(
                .class("import-review"),
                sourceColumn(record.sourceText, cited: Set(document.findings.compactMap(\.line))),
                .section(
                    .class("import-draft"), .attribute(named: "aria-labelledby", value: "constats"),
                    .h2(.id("constats"), .text("Constats de la lecture")),
                    findingsTable(document.findings),
                    .if(pending, draftForm(id: id, draft: draft, state: state, evaluation: evaluation, resolutions: resolutions, csrf: try req.viewer().csrf))
                )
            )
        )
        return Page(title: "Relire l'import « \(record.fileName) »", section: .conventions, viewer: try req.viewer(),
                    breadcrumbs: [("Tableau de bord", "/"), ("Imports", "/imports"), (record.fileName, nil)],
                    status: status ?? (state.hasErrors ? .unprocessableEntity : .ok), content: content)
    }

    /// The lines of the text as the reader numbers them: `\n`, `\r\n` and a lone `\r` each end one.
    static func sourceLines(_ text: String) -> [String] {
        text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }).map(String.init)
    }

    static func sourceColumn(_ text: String, cited: Set<Int>) -> BodyNode {
        let lines = sourceLines(text)
        return .section(
            .class("import-source"), .attribute(named: "aria-labelledby", value: "texte-source"),
            .h2(.id("texte-source"), .text("Texte du document")),
            .p(.class("muted"), .text("\(lines.count) lignes, numérotées comme les constats les citent ; une ligne citée est encadrée à gauche.")),
            .div(
                .class("source-scroll"), .attribute(named: "tabindex", value: "0"), .attribute(named: "role", value: "region"),
                .ariaLabel("Texte du document, ligne par ligne"),
                .ol(.class("source-lines"), .forEach(Array(lines.enumerated())) { index, line in
                    .li(.id("L\(index + 1)"), .class(cited.contains(index + 1) ? "cited" : ""), .text(line.isEmpty ? "\u{00A0}" : line))
                })
            )
        )
    }

    static func findingsTable(_ findings: [Finding]) -> BodyNode {
        guard !findings.isEmpty else {
            return .p(.class("notice ok"), .text("Aucun constat : ce que la lecture a trouvé se recalcule à l'identique."))
        }
        return .div(.class("table-wrap"), .table(
            .caption(.text("Ce que la lecture du document a relevé (\(findings.count))")),
            .thead(.tr(
                .th(.attribute(named: "scope", value: "col"), .text("Gravité")),
                .th(.attribute(named: "scope", value: "col"), .text("Code")),
                .th(.attribute(named: "scope", value: "col"), .text("Constat")),
                .th(.attribute(named: "scope", value: "col"), .text("Ligne"))
            )),
            .tbody(.forEach(findings) { finding in
                .tr(.class(finding.severity == .error ? "flagged" : ""),
                    .td(UI.severityBadge(finding.severity)),
                    .td(.code(.text(finding.code.rawValue))),
                    .td(.text(finding.message)),
                    .td(.class("num"), .unwrap(finding.line, { sourceLink($0) }, else: .text("—"))))
            })
        ))
    }

    static func sourceLink(_ line: Int) -> BodyNode {
        .a(.href("#L\(line)"), .text("l. \(line)"), .ariaLabel(escapeAttribute("Ligne \(line) du document")))
    }

    static func draftForm(id: UUID, draft: ImportDraft, state: FormState, evaluation: PlanEvaluation?,
                          resolutions: [DocumentImports.FunderResolution]?, csrf: String) -> BodyNode {
        let next = draft.actions.count
        let actions: [BodyNode] = draft.actions.enumerated().map { index, action in
            actionSection(index, action, state: state, result: evaluation.flatMap { index < $0.actions.count ? $0.actions[index] : nil })
        }
        let newAction: BodyNode = .div(
            .class("inline-fields"),
            Field(name: "actions.\(next).code", label: "Numéro", short: true).render(state),
            Field(name: "actions.\(next).axis", label: "Axe", short: true).render(state),
            Field(name: "actions.\(next).title", label: "Intitulé de la nouvelle action").render(state))
        let buttons: BodyNode = .div(
            .class("form-actions"),
            .button(.class("button secondary"), .type(.submit), .text("Vérifier")),
            .button(.class("button"), .type(.submit), .attribute(named: "formaction", value: "/imports/\(id)/enregistrer"),
                    .text("Enregistrer la convention en brouillon")))
        let fields: BodyNode = .group(
            Field(name: "title", label: "Intitulé de la convention", isRequired: true).render(state),
            .h3(.text("Parties")),
            partiesTable(draft, state),
            .unwrap(resolutions) { resolutionsTable($0, draft: draft) },
            funderList(draft.funders.map(\.name)),
            .group(actions),
            .h3(.text("Ajouter une action")),
            newAction,
            buttons)
        let summary: BodyNode = .unwrap(evaluation) { evaluation in
            .p(.class("notice"), .text("Le brouillon se lit : \(evaluation.actions.count) action(s), coût calculé \(FrenchFormat.money(evaluation.cost)), "
                + "financé \(FrenchFormat.money(funded(evaluation.actions))), reste à financer \(FrenchFormat.money(evaluation.unfunded))."))
        }
        return .group(
            .h2(.id("brouillon"), .text("Brouillon de convention")),
            .p(.class("muted"), .text("Montants comme les documents les écrivent (« 1 400,00 », « 22.300 € »), taux « 25 % », jours « 1,5 ». "
                + "Une ligne à prix unitaire se calcule (quantité × prix) ; une ligne en jours garde son montant. Cochez « supprimer » pour "
                + "écarter une ligne ; la ligne vide de chaque tableau en ajoute une.")),
            errorBox(state, draft: draft),
            summary,
            .form(
                .class("import-form"), .method(.post), .action("/imports/\(id)"), .attribute(named: "novalidate"),
                CSRF.field(csrf),
                .section(.class("draft-body"), fields)
            )
        )
    }

    /// The names a share's funder field suggests: the draft's parties and funders.
    static func funderList(_ names: [String]) -> BodyNode {
        let options: [Node<HTML.BodyContext>] = names.map { name in
            .element(named: "option", nodes: [.attribute(named: "value", value: escapeAttribute(name))])
        }
        return .element(named: "datalist", nodes: [.attribute(named: "id", value: "financeurs"), .group(options)])
    }

    static func funded(_ actions: [ActionResult]) -> Money {
        actions.flatMap(\.periods).map(\.funded).reduce(.zero, +)
    }

    static func errorBox(_ state: FormState, draft: ImportDraft) -> BodyNode {
        guard state.hasErrors else { return .empty }
        let order = Dictionary(state.values.keys.sorted(by: fieldOrder).enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        let names = state.errors.keys.sorted { (order[$0] ?? Int.max, $0) < (order[$1] ?? Int.max, $1) }
        let count = names.count == 1 ? "un champ est à corriger" : "\(names.count) champs sont à corriger"
        return .div(
            .class("notice error"), .attribute(named: "role", value: "alert"), .id("erreurs"),
            .p(.strong(.text(names.isEmpty ? "Le brouillon n'est pas encore une convention valable."
                                           : "Le brouillon n'est pas encore une convention valable : \(count)."))),
            .p(.text("Vos corrections sont gardées dans l'import ; aucune convention n'a été créée.")),
            .unwrap(state.formError) { .p(.text($0)) },
            .if(!names.isEmpty, .ul(.forEach(names) { name in
                .li(.a(.href("#" + inputID(name)), .text("\(fieldLabel(name)) : \(state.errors[name] ?? "")")))
            }))
        )
    }

    /// Page order of the draft's field names: numbers compared as numbers.
    static func fieldOrder(_ a: String, _ b: String) -> Bool {
        let rank = ["title": 0, "parties": 1, "actions": 2]
        let x = a.split(separator: "."), y = b.split(separator: ".")
        for (p, q) in zip(x, y) where p != q {
            if let m = Int(p), let n = Int(q) { return m < n }
            if let m = rank[String(p)], let n = rank[String(q)] { return m < n }
            return p < q
        }
        return x.count < y.count
    }

    static func inputID(_ name: String) -> String { "f-" + name.replacingOccurrences(of: ".", with: "-") }

    /// A text input inside a table cell: named by `aria-label`, its error under it.
    static func cellInput(_ name: String, label: String, state: FormState, check: String? = nil, list: String? = nil) -> BodyNode {
        let id = inputID(name)
        let error = state.errors[name]
        return .group(
            .selfClosedElement(named: "input", attributes: [
                Attribute(name: "type", value: "text"),
                Attribute(name: "id", value: id),
                Attribute(name: "name", value: escapeAttribute(name)),
                Attribute(name: "value", value: escapeAttribute(state[name])),
                Attribute(name: "aria-label", value: escapeAttribute(label)),
                Attribute(name: "aria-invalid", value: error != nil ? "true" : ""),
                Attribute(name: "aria-describedby", value: error != nil ? id + "-error" : ""),
                Attribute(name: "data-check", value: check ?? ""),
                Attribute(name: "inputmode", value: check == nil ? "" : "decimal"),
                Attribute(name: "list", value: list ?? ""),
                Attribute(name: "class", value: error != nil ? "in-error" : ""),
            ]),
            .unwrap(error) { .span(.class("field-error"), .id(id + "-error"), .attribute(named: "role", value: "alert"), .text($0)) }
        )
    }

    static func checkbox(_ name: String, label: String, checked: Bool) -> BodyNode {
        .selfClosedElement(named: "input", attributes: [
            Attribute(name: "type", value: "checkbox"),
            Attribute(name: "id", value: inputID(name)),
            Attribute(name: "name", value: escapeAttribute(name)),
            Attribute(name: "value", value: "1"),
            Attribute(name: "checked", value: checked ? "checked" : ""),
            Attribute(name: "aria-label", value: escapeAttribute(label)),
        ])
    }

    static func hidden(_ name: String, _ state: FormState) -> BodyNode {
        .input(.type(.hidden), .name(escapeAttribute(name)), .value(escapeAttribute(state[name])))
    }

    static func columnHeaders(_ titles: [String]) -> Node<HTML.TableContext> {
        .thead(.tr(.forEach(titles) { .th(.attribute(named: "scope", value: "col"), .text($0)) }))
    }

    static func partiesTable(_ draft: ImportDraft, _ state: FormState) -> BodyNode {
        let rows = Array(0...draft.parties.count)
        return .div(.class("table-wrap"), .table(
            .class("draft-table"),
            .caption(.text("Parties que le document nomme (votre organisation s'y ajoute comme signataire)")),
            columnHeaders(["Nom", "Nom court", "SIREN", "Supprimer"]),
            .tbody(.forEach(rows) { i in
                let p = "parties.\(i)"
                let who = i < draft.parties.count ? "Partie \(i + 1)" : "Nouvelle partie"
                return .tr(
                    .td(cellInput("\(p).name", label: "\(who) : nom", state: state)),
                    .td(cellInput("\(p).shortName", label: "\(who) : nom court", state: state)),
                    .td(cellInput("\(p).siren", label: "\(who) : SIREN", state: state)),
                    .td(.if(i < draft.parties.count, checkbox("\(p).remove", label: "Supprimer la partie \(i + 1)", checked: false))))
            })
        ))
    }

    static func resolutionsTable(_ resolutions: [DocumentImports.FunderResolution], draft: ImportDraft) -> BodyNode {
        .group(
            .h3(.text("Financeurs et organisations")),
            .div(.class("table-wrap"), .table(
                .caption(.text("Ce que chaque partie ou financeur deviendra à l'enregistrement")),
                columnHeaders(["Dans le brouillon", "Dans l'annuaire"]),
                .tbody(.forEach(Array(resolutions.enumerated())) { index, resolution in
                    .tr(.td(.text(resolution.name + (index < draft.parties.count ? " (partie)" : ""))),
                        .td(.unwrap(resolution.existing, { organisation in
                            .text("\(organisation.name)" + (organisation.siren.map { ", SIREN \($0)" } ?? "") + " : organisation existante")
                        }, else: .text("nouvelle organisation (\(resolution.kind.label.lowercased()))" + (resolution.siren.map { ", SIREN \($0)" } ?? "")))))
                })
            ))
        )
    }

    static func actionSection(_ i: Int, _ action: ImportDraft.Action, state: FormState, result: ActionResult?) -> BodyNode {
        let a = "actions.\(i)"
        let heading = "Action \(i + 1)" + (action.code.map { " — \($0)" } ?? "") + (action.title.isEmpty ? "" : " : \(action.title)")
        let planFindings = result?.findings.filter { $0.severity != .info } ?? []
        return .section(
            .class("draft-action"), .attribute(named: "aria-labelledby", value: "action-\(i)"),
            .h3(.id("action-\(i)"), .text(heading)),
            .p(.class("muted"),
               .unwrap(action.sourceLine) { .group(.text("Lue à partir de la "), .a(.href("#L\($0)"), .text("ligne \($0)")), .text(". ")) },
               .unwrap(result) { result in
                   .text("Coût calculé \(FrenchFormat.money(result.cost)) ; financé \(FrenchFormat.money(funded([result]))) ; "
                       + "reste à financer \(FrenchFormat.money(result.unfunded))"
                       + (result.pendingLines.isEmpty ? "." : " ; \(result.pendingLines.count) ligne(s) sur devis, hors total."))
               }),
            .if(!planFindings.isEmpty, .ul(.class("plan-findings"), .forEach(planFindings) { finding in
                .li(UI.severityBadge(finding.severity), .text(" " + finding.message))
            })),
            hidden("\(a).sourceLine", state),
            .div(.class("inline-fields"),
                 Field(name: "\(a).code", label: "Numéro", short: true).render(state),
                 Field(name: "\(a).axis", label: "Axe", short: true).render(state),
                 Field(name: "\(a).title", label: "Intitulé", isRequired: true).render(state),
                 Field(name: "\(a).statedTotal", label: "Total indiqué par le document", short: true).render(state)),
            linesTable(i, action, state: state),
            sharesTable(i, action, state: state),
            .p(checkbox("\(a).remove", label: "Supprimer l'action \(i + 1)", checked: false), .text(" "),
               .label(.for(inputID("\(a).remove")), .text("Supprimer cette action du brouillon")))
        )
    }

    static func linesTable(_ i: Int, _ action: ImportDraft.Action, state: FormState) -> BodyNode {
        .div(.class("table-wrap"), .table(
            .class("draft-table"),
            .caption(.text("Lignes de coût de l'action \(i + 1)")),
            columnHeaders(["Libellé", "Quantité", "Prix unitaire", "Jours", "Montant", "Sur devis", "Source", "Supprimer"]),
            .tbody(.forEach(Array(0...action.lines.count)) { j in
                let l = "actions.\(i).lines.\(j)"
                let existing = j < action.lines.count
                let who = existing ? "Action \(i + 1), ligne \(j + 1)" : "Action \(i + 1), nouvelle ligne"
                return .tr(
                    .td(.class("wide"), cellInput("\(l).label", label: "\(who) : libellé", state: state)),
                    .td(.class("narrow"), cellInput("\(l).quantity", label: "\(who) : quantité", state: state, check: "quantity")),
                    .td(cellInput("\(l).unitPrice", label: "\(who) : prix unitaire", state: state, check: "amount")),
                    .td(.class("narrow"), cellInput("\(l).days", label: "\(who) : jours", state: state, check: "quantity")),
                    .td(cellInput("\(l).amount", label: "\(who) : montant", state: state, check: "amount")),
                    .td(checkbox("\(l).onQuote", label: "\(who) : sur devis", checked: !(state.values["\(l).onQuote"] ?? []).isEmpty)),
                    .td(.unwrap(existing ? action.lines[j].sourceLine : nil, { sourceLink($0) }, else: .text("—")), hidden("\(l).sourceLine", state)),
                    .td(.if(existing, checkbox("\(l).remove", label: "Supprimer : \(who)", checked: false))))
            })
        ))
    }

    static func sharesTable(_ i: Int, _ action: ImportDraft.Action, state: FormState) -> BodyNode {
        .div(.class("table-wrap"), .table(
            .class("draft-table"),
            .caption(.text("Financement de l'action \(i + 1)")),
            columnHeaders(["Financeur", "Taux", "Montant", "Condition", "Source", "Supprimer"]),
            .tbody(.forEach(Array(0...action.shares.count)) { k in
                let s = "actions.\(i).shares.\(k)"
                let existing = k < action.shares.count
                let who = existing ? "Action \(i + 1), part \(k + 1)" : "Action \(i + 1), nouvelle part"
                return .tr(
                    .td(.class("wide"), cellInput("\(s).funder", label: "\(who) : financeur", state: state, list: "financeurs")),
                    .td(.class("narrow"), cellInput("\(s).percent", label: "\(who) : taux", state: state, check: "rate")),
                    .td(cellInput("\(s).amount", label: "\(who) : montant", state: state, check: "amount")),
                    .td(.class("wide"), cellInput("\(s).condition", label: "\(who) : condition (sous réserve de…)", state: state)),
                    .td(.unwrap(existing ? action.shares[k].sourceLine : nil, { sourceLink($0) }, else: .text("—")), hidden("\(s).sourceLine", state)),
                    .td(.if(existing, checkbox("\(s).remove", label: "Supprimer : \(who)", checked: false))))
            })
        ))
    }
}

extension Optional {
    func asyncMap<U>(_ transform: (Wrapped) async throws -> U) async rethrows -> U? {
        guard let value = self else { return nil }
        return try await transform(value)
    }
}
