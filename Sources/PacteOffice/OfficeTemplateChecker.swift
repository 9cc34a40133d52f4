import Foundation

/// The check of a normalised template against its schema, part after part, so that every
/// unknown name is reported at once and a section that would break the file is refused on upload.
struct OfficeTemplateChecker {
    private struct Scope {
        let schema: PlaceholderSchema
        /// The path of the section's element (`actions`), for the names used inside it.
        let path: String
        let name: String
        let openTag: String
        /// The element names around the opening tag: the closing tag must be at the same place,
        /// so that repeating or dropping what lies between gives well-formed XML.
        let location: [String]
    }

    let root: PlaceholderSchema
    private(set) var unknown: [String] = []
    private(set) var used: [String] = []
    private var unknownSeen = Set<String>()
    private var usedSeen = Set<String>()

    init(root: PlaceholderSchema) {
        self.root = root
    }

    /// Throws at once for what cannot be rendered safely; collects unknown names in `unknown`.
    mutating func check(_ scan: OfficeTemplateMarkup.Scan) throws(OfficeTemplateError) {
        var scopes: [Scope] = []
        var elements: [String] = []
        for (index, token) in scan.tokens.enumerated() {
            if token.kind == .close { elements.removeLast(); continue }
            let bytes = scan.content(index)
            let found = OfficeTemplateMarkup.tagRanges(bytes)
            if let start = found.unclosed {
                let snippet = String(Self.unescaped(String(decoding: scan.bytes[start..<token.end], as: UTF8.self)).prefix(40))
                throw .invalidTemplate("la balise « \(snippet) » n'est pas fermée par « }} » dans le même paragraphe")
            }
            // A tag inside markup (an attribute) is its own place: a section may not leave it.
            let location = token.kind == .text ? elements : elements + ["<\(index)>"]
            for range in found.closed {
                let text = Self.unescaped(String(decoding: scan.bytes[range], as: UTF8.self))
                try handle(text, location: location, scopes: &scopes)
            }
            if token.kind == .open { elements.append(token.name) }
        }
        if let open = scopes.last { throw .unbalancedSection(open.openTag) }
    }

    private mutating func handle(_ text: String, location: [String], scopes: inout [Scope]) throws(OfficeTemplateError) {
        let tag = OfficeTemplateMarkup.Tag(text)
        switch tag {
        case .comment:
            return
        case .unsupported:
            throw .unsupportedTag(text)
        case .variable(let name):
            // Transforms (`uppercased(x)`) are not offered: an unknown one prints nothing.
            if name.contains("(") { throw .unsupportedTag(text) }
            if let resolved = resolve(name, in: scopes) { use(resolved.path) } else { report(name) }
        case .open(let name), .inverted(let name):
            if name.contains("(") { throw .unsupportedTag(text) }
            let resolved = resolve(name, in: scopes)
            if let resolved { use(resolved.path) } else { report(name) }
            scopes.append(Scope(schema: resolved?.section ?? PlaceholderSchema(), path: resolved?.path ?? name,
                                name: name, openTag: text, location: location))
        case .close(let name):
            guard let top = scopes.last else { throw .unbalancedSection(text) }
            guard top.name == name else {
                // Closing an outer section first crosses the inner one; closing nothing open is an extra tag.
                throw .unbalancedSection(scopes.contains { $0.name == name } ? top.openTag : text)
            }
            guard top.location == location else { throw .sectionAcrossElements(top.openTag) }
            scopes.removeLast()
        }
    }

    /// Mustache looks a name up from the innermost section outwards; `.` is the current element
    /// and `.name` looks in the current element only.
    private func resolve(_ name: String, in scopes: [Scope]) -> (path: String, section: PlaceholderSchema?)? {
        if name == "." { return scopes.last.map { ($0.path, nil) } }
        var candidates = [(schema: root, path: "")] + scopes.map { (schema: $0.schema, path: $0.path) }
        var key = name
        if name.hasPrefix(".") {
            guard let innermost = candidates.last else { return nil }
            candidates = [innermost]
            key = String(name.dropFirst())
        }
        for candidate in candidates.reversed() {
            let path = candidate.path.isEmpty ? key : candidate.path + "." + key
            if candidate.schema.fields.contains(key) { return (path, nil) }
            if let section = candidate.schema.sections[key] { return (path, section) }
        }
        return nil
    }

    /// Tags as their author typed them, for the messages: `{{=<% %>=}}`, not `{{=&lt;% %&gt;=}}`.
    /// (A name holding an entity is unknown either way, and Mustache never sees the decoded text.)
    private static func unescaped(_ text: String) -> String {
        guard text.contains("&") else { return text }
        return text.replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&apos;", with: "'")
            .replacingOccurrences(of: "&amp;", with: "&")
    }

    private mutating func report(_ name: String) {
        if unknownSeen.insert(name).inserted { unknown.append(name) }
    }

    private mutating func use(_ path: String) {
        if usedSeen.insert(path).inserted { used.append(path) }
    }
}
