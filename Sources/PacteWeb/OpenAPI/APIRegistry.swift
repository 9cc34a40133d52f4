import Fluent
import Foundation
import PacteCore
import Vapor

/// The identifier every example of the API document uses.
let exampleID = UUID(uuidString: "3F2504E0-4F89-11D3-9A0C-0305E82C3301")!

/// A JSON type of the API with an example value; the OpenAPI schemas are derived from the examples,
/// and a test checks real responses against them.
public protocol Documented: Content {
    static var example: Self { get }
}

/// One documented operation of the API.
public struct APIOperation: Sendable {
    public let method: HTTPMethod
    /// OpenAPI form: `/api/v1/conventions/{conventionID}`.
    public let path: String
    public let summary: String
    public let tag: String
    public let requestExample: (any Encodable & Sendable)?
    public let responseExample: (any Encodable & Sendable)?
    public let status: HTTPResponseStatus
    public let paged: Bool
    public let requiresAuthentication: Bool
    /// A file download: its media types (the response is binary, not JSON).
    public var fileTypes: [String] = []
    /// Query parameters, with their description in French.
    public var query: [QueryParameter] = []
}

/// A documented query parameter: text, or one of `values`, or a UUID.
public struct QueryParameter: Sendable {
    public var name: String
    public var description: String
    public var isRequired = false
    public var values: [String] = []
    public var isUUID = false
    public var minimumLength: Int?

    public var schema: [String: any Sendable] {
        var schema: [String: any Sendable] = ["type": "string"]
        if !values.isEmpty { schema["enum"] = values }
        if isUUID { schema["format"] = "uuid" }
        if let minimumLength { schema["minLength"] = minimumLength }
        return schema
    }
}

struct APIOperationsKey: StorageKey { typealias Value = [APIOperation] }

extension Application {
    public var apiOperations: [APIOperation] {
        get { storage[APIOperationsKey.self] ?? [] }
        set { storage[APIOperationsKey.self] = newValue }
    }
}

/// Registers a route and its documentation in one call, so that the OpenAPI document cannot forget a route.
struct APIBuilder {
    let app: Application
    let routes: any RoutesBuilder
    let prefix: [PathComponent]

    func on<Output: AsyncResponseEncodable & Sendable>(
        _ method: HTTPMethod, _ path: PathComponent..., summary: String, tag: String,
        request: (any Encodable & Sendable)? = nil, response: (any Encodable & Sendable)?,
        status: HTTPResponseStatus = .ok, paged: Bool = false, authenticated: Bool = true,
        fileTypes: [String] = [], query: [QueryParameter] = [],
        handler: @escaping @Sendable (Request) async throws -> Output
    ) {
        on(method, path, summary: summary, tag: tag, request: request, response: response, status: status, paged: paged,
           authenticated: authenticated, fileTypes: fileTypes, query: query, handler: handler)
    }

    func on<Output: AsyncResponseEncodable & Sendable>(
        _ method: HTTPMethod, _ path: [PathComponent], summary: String, tag: String,
        request: (any Encodable & Sendable)? = nil, response: (any Encodable & Sendable)?,
        status: HTTPResponseStatus = .ok, paged: Bool = false, authenticated: Bool = true,
        fileTypes: [String] = [], query: [QueryParameter] = [],
        handler: @escaping @Sendable (Request) async throws -> Output
    ) {
        let full = prefix + path
        let openAPIPath = "/" + full.map { component -> String in
            switch component {
            case .parameter(let name): "{\(name)}"
            default: component.description
            }
        }.joined(separator: "/")
        app.apiOperations.append(APIOperation(method: method, path: openAPIPath, summary: summary, tag: tag,
                                              requestExample: request, responseExample: response, status: status,
                                              paged: paged, requiresAuthentication: authenticated, fileTypes: fileTypes, query: query))
        routes.on(method, full) { request async throws -> Response in
            if authenticated { _ = try request.requirePrincipal() }
            let response = try await handler(request).encodeResponse(for: request)
            if status != .ok { response.status = status }
            return response
        }
    }
}

/// A page of results: `?page=1&per=50` (at most 200 per page).
public struct Paged<Item: Content>: Content {
    public var items: [Item]
    public var page: Int
    public var per: Int
    public var total: Int

    /// One page of `query` (sorted by the caller), counted and fetched by Fluent's own pagination.
    static func fetch<M: Model>(_ query: QueryBuilder<M>, for request: Request,
                                _ transform: (M) async throws -> Item) async throws -> Paged<Item> {
        let (page, per) = try parameters(request)
        let result = try await query.paginate(PageRequest(page: page, per: per))
        var items: [Item] = []
        for row in result.items { items.append(try await transform(row)) }
        return Paged(items: items, page: page, per: per, total: result.metadata.total)
    }

    static func parameters(_ request: Request) throws -> (page: Int, per: Int) {
        let page = try request.query.get(Int?.self, at: "page") ?? 1
        let per = try request.query.get(Int?.self, at: "per") ?? 50
        guard page >= 1 else { throw Problem.invalid("page", "Le numéro de page commence à 1.") }
        guard (1...200).contains(per) else { throw Problem.invalid("per", "Entre 1 et 200 éléments par page.") }
        return (page, per)
    }
}

/// Sends any Encodable (the financing report is not Decodable) as JSON.
struct EncodedJSON<Value: Encodable & Sendable>: AsyncResponseEncodable, Sendable {
    let value: Value
    func encodeResponse(for request: Request) async throws -> Response {
        let response = Response(status: .ok)
        try response.content.encode(value, as: .json)
        return response
    }
}

// MARK: - Input values checked at the edge

/// An amount as a user types it (`"1 400,00 €"`, `"1400.00"`, `"7 500"`); French error otherwise.
public struct AmountInput: Codable, Sendable, Hashable {
    public let money: Money

    public init(_ money: Money) { self.money = money }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        if let exact = try? Money(decimalString: text) {
            money = exact
            return
        }
        do {
            money = try AmountParser.parse(text).amount
        } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: error.description)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(money.decimalString)
    }
}

/// A quantity or a number of days: a whole JSON number or a decimal string, never negative.
public struct QuantityInput: Codable, Sendable, Hashable {
    public let quantity: Quantity

    public init(_ quantity: Quantity) { self.quantity = quantity }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let whole = try? container.decode(Int64.self) {
            guard whole >= 0 else {
                throw DecodingError.dataCorruptedError(in: container, debugDescription: "une quantité ne peut pas être négative (\(whole)).")
            }
            quantity = Quantity(whole)
            return
        }
        guard let text = try? container.decode(String.self) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "quantité attendue (nombre entier ou texte comme « 1,5 »).")
        }
        if text.trimmingCharacters(in: .whitespaces).hasPrefix("-") {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "une quantité ne peut pas être négative (\(text)).")
        }
        do {
            quantity = try Quantity.parse(text)
        } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: error.description)
        }
    }

    public func encode(to encoder: any Encoder) throws { try quantity.encode(to: encoder) }
}

/// A field that goes as typed into the SCDL open-data files (names, titles, references, deliberation
/// subjects): refused when a spreadsheet would take it for a formula, since the schema leaves no way
/// to neutralise it there.
func publishable(_ text: String, _ field: String, label: String) throws -> String {
    if let refusal = SpreadsheetFormula.openDataRefusal(text, label: label) { throw Problem.invalid(field, refusal) }
    return text
}

func required<T>(_ value: T?, _ field: String) throws -> T {
    guard let value else { throw Problem.invalid(field, "Champ obligatoire : « \(field) ».") }
    if let text = value as? String, text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
        throw Problem.invalid(field, "« \(field) » ne peut pas être vide.")
    }
    return value
}
