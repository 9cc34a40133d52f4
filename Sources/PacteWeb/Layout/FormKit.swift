import Foundation
import PacteCore
import Plot
import Vapor

/// What a form holds between two requests: the submitted text of every field (so nothing typed is
/// lost when the form comes back with errors) and one French message per field in error.
struct FormState: Sendable {
    var values: [String: [String]] = [:]
    var errors: [String: String] = [:]
    /// An error that belongs to no single field.
    var formError: String?

    init(values: [String: [String]] = [:]) { self.values = values }

    /// Reads an `application/x-www-form-urlencoded` body, keeping repeated fields (checkboxes).
    init(request: Request) throws {
        guard request.body.data != nil else { return }
        values = (try? request.content.decode([String: [String]].self, as: .urlEncodedForm)) ?? [:]
    }

    subscript(_ name: String) -> String { values[name]?.first ?? "" }

    /// The trimmed value, nil when empty.
    func text(_ name: String) -> String? {
        let value = self[name].trimmingCharacters(in: .whitespacesAndNewlines)
        return value.isEmpty ? nil : value
    }

    var hasErrors: Bool { !errors.isEmpty || formError != nil }

    mutating func set(_ name: String, _ value: String?) { values[name] = value.map { [$0] } ?? [] }

    /// Records the error of a problem raised by the shared create/update code: next to its field when
    /// the field is on this form (forms name their fields like the API's JSON keys), at the top otherwise.
    mutating func absorb(_ error: any Error) {
        let problem = ProblemMiddleware.problem(for: error)
        if let field = problem.field, values[field] != nil {
            errors[field] = problem.detail
            return
        }
        formError = problem.detail
    }

    // MARK: Typed readers: each records a French error next to its field and returns nil.

    mutating func required(_ name: String, _ label: String) -> String? {
        guard let value = text(name) else {
            errors[name] = "Renseignez « \(label) »."
            return nil
        }
        return value
    }

    mutating func amount(_ name: String, required isRequired: Bool = false, label: String) -> Money? {
        guard let text = text(name) else {
            if isRequired { errors[name] = "Renseignez « \(label) »." }
            return nil
        }
        do {
            return try AmountParser.parse(text).amount
        } catch {
            errors[name] = "Montant illisible : \(error.description)"
            return nil
        }
    }

    mutating func quantity(_ name: String, required isRequired: Bool = false, label: String) -> Quantity? {
        guard let text = text(name) else {
            if isRequired { errors[name] = "Renseignez « \(label) »." }
            return nil
        }
        if text.hasPrefix("-") {
            errors[name] = "Une quantité ne peut pas être négative."
            return nil
        }
        do {
            return try Quantity.parse(text)
        } catch {
            errors[name] = "Quantité illisible : « \(text) » (exemples : 5 ; 1,5)."
            return nil
        }
    }

    mutating func rate(_ name: String, required isRequired: Bool = false, label: String) -> Rate? {
        guard let text = text(name) else {
            if isRequired { errors[name] = "Renseignez « \(label) »." }
            return nil
        }
        do {
            return try Rate.parse(text.hasSuffix("%") ? text : text + " %")
        } catch {
            errors[name] = "Taux illisible : \(error.description)"
            return nil
        }
    }

    mutating func date(_ name: String, required isRequired: Bool = false, label: String) -> CivilDate? {
        guard let text = text(name) else {
            if isRequired { errors[name] = "Renseignez la date (jj/mm/aaaa)." }
            return nil
        }
        do {
            return try CivilDate.parse(text)
        } catch {
            errors[name] = "Date illisible : « \(text) » (format jj/mm/aaaa)."
            return nil
        }
    }

    mutating func integer(_ name: String, label: String, range: ClosedRange<Int>) -> Int? {
        guard let text = text(name) else { return nil }
        guard let value = Int(text.replacingOccurrences(of: " ", with: "")), range.contains(value) else {
            errors[name] = "« \(label) » : nombre entier entre \(range.lowerBound) et \(range.upperBound) attendu."
            return nil
        }
        return value
    }

    mutating func uuid(_ name: String, label: String, required isRequired: Bool = false) -> UUID? {
        guard let text = text(name) else {
            if isRequired { errors[name] = "Choisissez « \(label) »." }
            return nil
        }
        guard let id = UUID(uuidString: text) else {
            errors[name] = "Choix invalide pour « \(label) »."
            return nil
        }
        return id
    }

    /// A SIRET, SIREN, NAF code…: the type's own French message when it does not parse.
    mutating func identifier<T>(_ name: String, label: String, required isRequired: Bool = false,
                                _ parse: (String) throws(IdentifierError) -> T) -> T? {
        guard let text = text(name) else {
            if isRequired { errors[name] = "Renseignez « \(label) »." }
            return nil
        }
        do throws(IdentifierError) {
            return try parse(text)
        } catch {
            errors[name] = "\(label) invalide : \(error.description)"
            return nil
        }
    }

    mutating func choice<E: RawRepresentable>(_ name: String, _ type: E.Type, label: String) -> E? where E.RawValue == String {
        guard let text = text(name) else {
            errors[name] = "Choisissez « \(label) »."
            return nil
        }
        guard let value = E(rawValue: text) else {
            errors[name] = "Choix invalide pour « \(label) »."
            return nil
        }
        return value
    }
}

/// One form control with its label, hint and error, wired for screen readers
/// (`aria-describedby` to hint and error, `aria-invalid` when in error).
struct Field {
    enum Control {
        case text, email, password, date, search
        case textarea(rows: Int)
        case select([(value: String, label: String)], placeholder: String?)
        /// Checked server-side as you leave the field (progressive enhancement): amount, quantity, rate, date.
        case checked(String)
        /// A file to upload (the form must be sent as `multipart/form-data`); `accept` lists the types offered.
        case file(accept: String)
    }

    var name: String
    var label: String
    var control: Control = .text
    var hint: String? = nil
    var isRequired = false
    var short = false
    var autocomplete: String? = nil
    /// Shown only when another control has one of these values (`("pricing", "quantity days")`);
    /// the script hides it otherwise, and without the script every field stays visible.
    var showWhen: (attribute: String, values: String)? = nil

    var inputID: String { "f-" + name.replacingOccurrences(of: ".", with: "-") }

    func render<C: HTML.BodyContext>(_ state: FormState) -> Node<C> {
        let error = state.errors[name]
        let hintID = inputID + "-hint"
        let errorID = inputID + "-error"
        let describedBy = [hint != nil ? hintID : nil, error != nil ? errorID : nil].compactMap { $0 }.joined(separator: " ")
        let value = state[name]
        return .div(
            .class(error == nil ? "field" : "field has-error"),
            .unwrap(showWhen) { .data(named: $0.attribute, value: $0.values) },
            .label(.for(inputID), .text(label), .if(isRequired, .span(.class("muted"), .text(" (obligatoire)")))),
            .unwrap(hint) { .span(.class("hint"), .id(hintID), .text($0)) },
            control(value: value, describedBy: describedBy, invalid: error != nil),
            .unwrap(error) { .span(.class("field-error"), .id(errorID), .attribute(named: "role", value: "alert"), .text($0)) }
        )
    }

    private func control<C: HTML.BodyContext>(value: String, describedBy: String, invalid: Bool) -> Node<C> {
        func input(_ type: String, check: String? = nil) -> Node<C> {
            .selfClosedElement(named: "input", attributes: [
                Attribute<C>(name: "type", value: type),
                Attribute<C>(name: "id", value: inputID),
                Attribute<C>(name: "name", value: escapeAttribute(name)),
                Attribute<C>(name: "value", value: escapeAttribute(value)),
                Attribute<C>(name: "class", value: short ? "short" : ""),
                Attribute<C>(name: "required", value: isRequired ? "required" : ""),
                Attribute<C>(name: "autocomplete", value: autocomplete ?? ""),
                Attribute<C>(name: "aria-describedby", value: describedBy),
                Attribute<C>(name: "aria-invalid", value: invalid ? "true" : ""),
                Attribute<C>(name: "data-check", value: check ?? ""),
                Attribute<C>(name: "inputmode", value: check == "amount" || check == "quantity" || check == "rate" ? "decimal" : ""),
            ])
        }
        switch control {
        case .text: return input("text")
        case .email: return input("email")
        case .password: return input("password")
        case .search: return input("search")
        case .date: return input("text", check: "date")
        case .checked(let kind): return input("text", check: kind)
        case .file(let accept):
            return .selfClosedElement(named: "input", attributes: [
                Attribute<C>(name: "type", value: "file"),
                Attribute<C>(name: "id", value: inputID),
                Attribute<C>(name: "name", value: escapeAttribute(name)),
                Attribute<C>(name: "accept", value: escapeAttribute(accept)),
                Attribute<C>(name: "aria-describedby", value: describedBy),
                Attribute<C>(name: "aria-invalid", value: invalid ? "true" : ""),
            ])
        case .textarea(let rows):
            return .element(named: "textarea", nodes: [
                .attribute(named: "id", value: inputID),
                .attribute(named: "name", value: escapeAttribute(name)),
                .attribute(named: "rows", value: String(rows)),
                .attribute(named: "aria-describedby", value: describedBy),
                .attribute(named: "aria-invalid", value: invalid ? "true" : nil),
                .attribute(named: "required", value: isRequired ? "required" : nil),
                .text(value),
            ])
        case .select(let options, let placeholder):
            var nodes: [Node<C>] = [
                .attribute(named: "id", value: inputID),
                .attribute(named: "name", value: escapeAttribute(name)),
                .attribute(named: "aria-describedby", value: describedBy),
                .attribute(named: "aria-invalid", value: invalid ? "true" : nil),
                .attribute(named: "required", value: isRequired ? "required" : nil),
            ]
            if let placeholder {
                nodes.append(.element(named: "option", nodes: [.attribute(named: "value", value: "", ignoreIfValueIsEmpty: false), .text(placeholder)]))
            }
            for option in options {
                nodes.append(.element(named: "option", nodes: [
                    .attribute(named: "value", value: escapeAttribute(option.value), ignoreIfValueIsEmpty: false),
                    .attribute(named: "selected", value: option.value == value ? "selected" : nil),
                    .text(option.label),
                ]))
            }
            return .element(named: "select", nodes: nodes)
        }
    }
}

/// The box at the top of a form that failed: how many fields to fix, with links to them.
func errorSummary<C: HTML.BodyContext>(_ state: FormState, fields: [Field]) -> Node<C> {
    guard state.hasErrors else { return .empty }
    let inError = fields.filter { state.errors[$0.name] != nil }
    let count = inError.count == 1 ? "un champ est à corriger" : "\(inError.count) champs sont à corriger"
    let headline = inError.isEmpty ? "Rien n'a été enregistré." : "Rien n'a été enregistré : \(count)."
    return .div(
        .class("notice error"), .attribute(named: "role", value: "alert"), .id("erreurs"),
        .p(.strong(.text(headline))),
        .unwrap(state.formError) { .p(.text($0)) },
        .if(!inError.isEmpty, .ul(.forEach(inError) { field in
            .li(.a(.href("#" + field.inputID), .text("\(field.label) : \(state.errors[field.name] ?? "")")))
        }))
    )
}
