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
                ["name": parameter.name, "in": "query", "required": false, "description": parameter.description, "schema": ["type": "string"]]
            }
            if !parameters.isEmpty { entry["parameters"] = parameters }
            if let request = operation.requestExample {
                entry["requestBody"] = ["required": true, "content": ["application/json": ["schema": try schema(of: request), "example": try jsonObject(request)]]]
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
