import Foundation
import PacteCore
import Vapor

/// The example of the computed financing report: a one-line plan, evaluated.
enum PlanReportExample {
    static var example: PlanJSONReport {
        let plan = ConventionPlan(title: "Exemple", funders: [Funder(id: "ville", name: "Ville")], actions: [
            PlannedAction(code: "1", title: "Diagnostics", lines: [CostLine(id: "diag", label: "Diagnostic", pricing: .forfait(Money(cents: 65_000)))],
                          shares: [.funder("ville", .remainder)]),
        ])
        return PlanJSONReport(try! plan.evaluate())
    }
}

/// OpenAPI 3.1 document built from the registered operations: the schemas come from each type's example,
/// so a route cannot exist without being documented.
public enum OpenAPIDocument {
    public static func json(for operations: [APIOperation]) throws -> Data {
        var paths: [String: [String: Any]] = [:]
        for operation in operations {
            var entry: [String: Any] = [
                "summary": operation.summary,
                "tags": [operation.tag],
                "operationId": operationID(operation),
            ]
            let parameters = parameterNames(operation.path).map { name -> [String: Any] in
                // Ids are UUIDs; other path values (a département code) are plain text.
                ["name": name, "in": "path", "required": true, "schema": name.hasSuffix("ID") ? ["type": "string", "format": "uuid"] : ["type": "string"]]
            } + (operation.paged ? [
                ["name": "page", "in": "query", "required": false, "schema": ["type": "integer", "minimum": 1]],
                ["name": "per", "in": "query", "required": false, "schema": ["type": "integer", "minimum": 1, "maximum": 200]],
            ] : []) + operation.query.map { parameter -> [String: Any] in
                ["name": parameter.name, "in": "query", "required": parameter.isRequired, "description": parameter.description, "schema": parameter.schema]
            }
            if !parameters.isEmpty { entry["parameters"] = parameters }
            if let request = operation.requestExample {
                entry["requestBody"] = ["required": true, "content": ["application/json": ["schema": try requestSchema(of: request), "example": try jsonObject(request)]]]
            }
            var responses: [String: Any] = [:]
            if !operation.fileTypes.isEmpty {
                var content: [String: Any] = [:]
                for type in operation.fileTypes { content[type] = ["schema": ["type": "string", "format": "binary"]] }
                responses[String(operation.status.code)] = ["description": "Le fichier", "content": content]
            } else if let response = operation.responseExample {
                responses[String(operation.status.code)] = ["description": "Succès",
                                                            "content": ["application/json": ["schema": try schema(of: response)]]]
            } else {
                responses[String(operation.status.code)] = ["description": "Succès, sans contenu"]
            }
            responses["default"] = ["description": "Erreur (RFC 7807), message en français",
                                    "content": ["application/problem+json": ["schema": try schema(of: ProblemBody.example)]]]
            entry["responses"] = responses
            if !operation.requiresAuthentication { entry["security"] = [] as [Any] }
            paths[operation.path, default: [:]][operation.method.rawValue.lowercased()] = entry
        }
        let document: [String: Any] = [
            "openapi": "3.1.0",
            "info": ["title": "API Pacte", "version": "1", "description": "Conventions de partenariat pour le développement économique. Montants en chaînes décimales (« 7500.00 »), taux exacts (« 1/4 »), dates AAAA-MM-JJ."],
            "servers": [["url": "/"]],
            "security": [["bearer": [] as [String]], ["session": [] as [String]]],
            "components": ["securitySchemes": [
                "bearer": ["type": "http", "scheme": "bearer"],
                "session": ["type": "apiKey", "in": "cookie", "name": "pacte_session"],
            ]],
            "paths": paths,
        ]
        return try JSONSerialization.data(withJSONObject: document, options: [.sortedKeys, .prettyPrinted])
    }

    static func operationID(_ operation: APIOperation) -> String {
        operation.method.rawValue.lowercased() + operation.path.split(separator: "/").dropFirst(2)
            .map { $0.hasPrefix("{") ? "By" + $0.dropFirst().dropLast().prefix(1).uppercased() + $0.dropFirst(2).dropLast() : $0.prefix(1).uppercased() + $0.dropFirst() }
            .joined().replacingOccurrences(of: "-", with: "")
    }

    static func parameterNames(_ path: String) -> [String] {
        path.split(separator: "/").filter { $0.hasPrefix("{") }.map { String($0.dropFirst().dropLast()) }
    }

    static func jsonObject(_ value: any Encodable) throws -> Any {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        return try JSONSerialization.jsonObject(with: try encoder.encode(value), options: [.fragmentsAllowed])
    }

    /// A request body's schema: the example's shape, with what decoding the type really does. A
    /// property is `required` when the type refuses the body without it, and may be `null` when the
    /// type takes null for « absent » (every optional field of a change: null leaves it as it is).
    /// Found by decoding the example with each property removed, then set to null.
    static func requestSchema(of value: any Encodable) throws -> [String: Any] {
        var shape = try schema(of: value)
        guard let documented = value as? any Documented else { return shape }
        let example = try jsonObject(value)
        func probe<T: Documented>(_ value: T) {
            let decoder = JSONDecoder()
            decoder.dateDecodingStrategy = .iso8601
            annotate(&shape, at: [], in: example) { candidate in
                guard let data = try? JSONSerialization.data(withJSONObject: candidate, options: [.fragmentsAllowed]) else { return nil }
                do { _ = try decoder.decode(T.self, from: data); return nil } catch let error as DecodingError { return error } catch { return nil }
            }
        }
        probe(documented)
        return shape
    }

    /// A step into a JSON value: a property name or an array index.
    enum JSONStep: Equatable { case key(String), index(Int) }

    private static func annotate(_ shape: inout [String: Any], at path: [JSONStep], in root: Any, decodingError: (Any) -> DecodingError?) {
        if shape["type"] as? String == "array", var items = shape["items"] as? [String: Any] {
            annotate(&items, at: path + [.index(0)], in: root, decodingError: decodingError)
            shape["items"] = items
            return
        }
        guard var properties = shape["properties"] as? [String: Any] else { return }
        var required: [String] = []
        for key in properties.keys.sorted() {
            guard var property = properties[key] as? [String: Any] else { continue }
            let here = path + [.key(key)]
            if case .keyNotFound(let missing, let context)? = decodingError(replacing(here, in: root, with: nil)),
               missing.stringValue == key, steps(context.codingPath) == path {
                required.append(key)
            } else if decodingError(replacing(here, in: root, with: NSNull())) == nil, let type = property["type"] as? String {
                property["type"] = [type, "null"]
            }
            // An empty list in the example says nothing of its items: the type tells, asked with one item of each kind.
            if (property["items"] as? [String: Any])?.isEmpty == true,
               let item = [("string", "texte" as Any), ("integer", 1 as Any)].first(where: { decodingError(replacing(here, in: root, with: [$0.1])) == nil }) {
                property["items"] = ["type": item.0]
            }
            annotate(&property, at: here, in: root, decodingError: decodingError)
            properties[key] = property
        }
        shape["properties"] = properties
        if !required.isEmpty { shape["required"] = required }
    }

    private static func steps(_ codingPath: [any CodingKey]) -> [JSONStep] {
        codingPath.map { key in key.intValue.map(JSONStep.index) ?? .key(key.stringValue) }
    }

    /// `root` with the value at `path` replaced (removed when nil).
    private static func replacing(_ path: [JSONStep], in root: Any, with value: Any?) -> Any {
        guard let step = path.first else { return value ?? NSNull() }
        let rest = Array(path.dropFirst())
        switch (step, root) {
        case (.key(let key), var object as [String: Any]):
            if rest.isEmpty { object[key] = value } else if let child = object[key] { object[key] = replacing(rest, in: child, with: value) }
            return object
        case (.index(let index), var array as [Any]) where array.indices.contains(index):
            if rest.isEmpty { if let value { array[index] = value } else { array.remove(at: index) } } else { array[index] = replacing(rest, in: array[index], with: value) }
            return array
        default:
            return root
        }
    }

    public static func schema(of value: any Encodable) throws -> [String: Any] {
        schema(fromJSON: try jsonObject(value))
    }

    static func schema(fromJSON value: Any) -> [String: Any] {
        switch value {
        case let object as [String: Any]:
            var properties: [String: Any] = [:]
            for (key, member) in object { properties[key] = schema(fromJSON: member) }
            return ["type": "object", "properties": properties]
        case let array as [Any]:
            return ["type": "array", "items": array.first.map(schema(fromJSON:)) ?? [:]]
        case let number as NSNumber:
            let type = String(cString: number.objCType)
            if type == "c" || type == "B" { return ["type": "boolean"] }
            return ["type": type == "d" || type == "f" ? "number" : "integer"]
        case is String:
            return ["type": "string"]
        default:
            return [:]
        }
    }
}
