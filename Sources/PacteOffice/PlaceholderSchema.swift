/// The names an organisation's template may use, declared by the code that fills it: a template is
/// checked against it when uploaded, so a typo is refused then rather than printed blank in every
/// document made from it.
///
/// Names inside a section are written without the section's prefix, as Mustache looks them up in
/// the current element first: the field `code` of `sections["actions"]` is written `{{code}}`
/// between `{{#actions}}` and `{{/actions}}`, and listed as `actions.code` by `knownNames`. A name
/// of an enclosing scope stays usable inside a section (`{{convention.titre}}` in a row of actions).
public struct PlaceholderSchema: Sendable, Hashable {
    /// Values shown as text. A dotted name (`convention.titre`) is one field: the data may give it
    /// as nested dictionaries or as the dotted key itself.
    public var fields: Set<String>
    /// Lists repeated once per element, or conditionals shown when the value is present (a `Bool`,
    /// a dictionary): each with the schema of one element.
    public var sections: [String: PlaceholderSchema]

    public init(fields: Set<String> = [], sections: [String: PlaceholderSchema] = [:]) {
        self.fields = fields
        self.sections = sections
    }

    /// Every name a template may use, as `actions.code`-style paths, sorted, for the error message.
    public var knownNames: [String] {
        paths(prefix: "").sorted()
    }

    private func paths(prefix: String) -> [String] {
        var result = fields.map { prefix + $0 }
        for (name, schema) in sections {
            result.append(prefix + name)
            result += schema.paths(prefix: prefix + name + ".")
        }
        return result
    }
}
