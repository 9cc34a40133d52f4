import Foundation

/// Why an uploaded template was refused, in words its author can act on: the messages name the
/// tags as they are typed in the word processor.
public enum OfficeTemplateError: Error, Equatable, CustomStringConvertible {
    /// Not a ZIP, neither ODT nor DOCX, an unreadable part, or a macro-enabled Word file (we do not
    /// hand macros on to every recipient of the documents).
    case notAnOfficeDocument
    /// The unknown names as written, in order of appearance; `known` is the root schema's `knownNames`.
    case unknownPlaceholders([String], known: [String])
    /// The tag as written, `{{#actions}}` (never closed) or `{{/actions}}` (closes nothing open).
    case unbalancedSection(String)
    /// The opening tag of a section that closes at another level of the document (opened in a
    /// paragraph, closed in a table cell): repeating or removing it would break the file.
    case sectionAcrossElements(String)
    /// `{{{x}}}`, `{{&x}}`, partials, set-delimiter, pragmas, blocks, transforms: they would insert
    /// unescaped text or other templates, or change the syntax under the checker's feet.
    case unsupportedTag(String)
    /// What is wrong, in French (a tag not closed in its paragraph, a Mustache parse error).
    case invalidTemplate(String)

    public var description: String {
        switch self {
        case .notAnOfficeDocument:
            return "Le modèle n'est ni un document ODT ni un document DOCX lisible."
        case .unknownPlaceholders(let unknown, let known):
            let label = unknown.count > 1 ? "Champs inconnus dans le modèle" : "Champ inconnu dans le modèle"
            var message = "\(label) : \(unknown.map { "{{\($0)}}" }.joined(separator: ", "))."
            message += known.isEmpty
                ? " Ce modèle n'accepte aucun champ."
                : " Champs connus : \(known.map { "{{\($0)}}" }.joined(separator: ", "))."
            // A path `actions.code` is typed `{{code}}` inside its section: say so with a real example.
            if let section = known.first(where: { name in known.contains { $0.hasPrefix(name + ".") } }),
               let child = known.first(where: { $0.hasPrefix(section + ".") }) {
                let short = String(child.dropFirst(section.count + 1))
                message += " Entre {{#\(section)}} et {{/\(section)}}, « \(child) » s'écrit {{\(short)}}."
            }
            return message
        case .unbalancedSection(let tag):
            let name = Self.sectionName(of: tag)
            if tag.hasPrefix("{{/") {
                return "\(tag) ferme une section qui n'est pas ouverte : ajoutez {{#\(name)}} au début de la partie concernée, ou retirez \(tag)."
            }
            return "La section \(tag) n'est pas fermée : ajoutez {{/\(name)}} à la fin de la partie à répéter ou à afficher sous condition."
        case .sectionAcrossElements(let tag):
            let name = Self.sectionName(of: tag)
            return "La section \(tag) s'ouvre et se ferme à des niveaux différents du document (par exemple dans un paragraphe et dans une cellule de tableau) : "
                + "placez \(tag) et {{/\(name)}} chacun seul dans son paragraphe, ou au début de la première cellule et à la fin de la dernière cellule d'une ligne de tableau."
        case .unsupportedTag(let tag):
            return "La balise \(tag) n'est pas acceptée : seules les balises {{champ}}, {{#section}}, {{^section}}, {{/section}} et {{! commentaire }} le sont."
        case .invalidTemplate(let reason):
            return "Le modèle est mal formé : \(reason)."
        }
    }

    /// `actions` from `{{#actions}}`, `{{^ actions }}` or `{{/actions}}`.
    private static func sectionName(of tag: String) -> String {
        tag.trimmingCharacters(in: CharacterSet(charactersIn: "{}#^/")).trimmingCharacters(in: .whitespaces)
    }
}
