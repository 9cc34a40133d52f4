import Foundation

/// The data handed to Mustache, made safe for XML and shaped as templates are written.
enum OfficeTemplateValues {
    /// Dictionaries and arrays are walked; strings lose what XML 1.0 forbids; dotted keys
    /// (`convention.titre`) become nested dictionaries, since Mustache walks dotted names through
    /// nested values; nil and empty strings are dropped from dictionaries, so that
    /// `{{#commentaire}}…{{/commentaire}}` hides an empty comment as its author expects (the
    /// renderer counts an empty string as present). Other values (numbers, `Bool`, structures)
    /// are passed as they are: format numbers and dates into strings first.
    static func context(_ values: [String: any Sendable]) -> [String: Any] {
        dictionary(values.mapValues { $0 as Any })
    }

    static func dictionary(_ values: [String: Any]) -> [String: Any] {
        var result: [String: Any] = [:]
        // Plain keys first: a nested value given in full wins over a dotted key saying otherwise.
        let keys = values.keys.sorted { ($0.contains(".") ? 1 : 0, $0) < ($1.contains(".") ? 1 : 0, $1) }
        for key in keys {
            guard let value = sanitised(values[key] as Any) else { continue }
            if let string = value as? String, string.isEmpty { continue }
            let components = key.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
            if components.count > 1, !components.contains("") {
                insert(value, at: components[...], into: &result)
            } else if result[key] == nil {
                result[key] = value
            }
        }
        return result
    }

    private static func insert(_ value: Any, at path: ArraySlice<String>, into dictionary: inout [String: Any]) {
        guard let head = path.first else { return }
        if path.count == 1 {
            if dictionary[head] == nil { dictionary[head] = value }
            return
        }
        var child: [String: Any]
        if let existing = dictionary[head] {
            guard let nested = existing as? [String: Any] else { return }
            child = nested
        } else {
            child = [:]
        }
        insert(value, at: path.dropFirst(), into: &child)
        dictionary[head] = child
    }

    static func sanitised(_ value: Any) -> Any? {
        let mirror = Mirror(reflecting: value)
        if mirror.displayStyle == .optional {
            guard let wrapped = mirror.children.first?.value else { return nil }
            return sanitised(wrapped)
        }
        switch value {
        case let string as String: return xmlText(string)
        case let string as Substring: return xmlText(String(string))
        case let nested as [String: Any]: return dictionary(nested)
        case let array as [Any]: return array.compactMap(sanitised)
        default: return value
        }
    }

    /// Without the characters XML 1.0 forbids (a control character pasted from another program
    /// would make the whole document unreadable); carriage returns become line feeds.
    static func xmlText(_ string: String) -> String {
        func allowed(_ v: UInt32) -> Bool {
            v == 0x09 || v == 0x0A || (0x20..<0x7F).contains(v) || (v > 0x9F && v != 0xFFFE && v != 0xFFFF)
        }
        guard string.unicodeScalars.contains(where: { !allowed($0.value) }) else { return string }
        var result = String.UnicodeScalarView()
        var afterCarriageReturn = false
        for scalar in string.unicodeScalars {
            defer { afterCarriageReturn = scalar == "\r" }
            if scalar == "\r" { result.append("\n"); continue }
            if scalar == "\n" && afterCarriageReturn { continue }
            if allowed(scalar.value) { result.append(scalar) }
        }
        return String(result)
    }
}
