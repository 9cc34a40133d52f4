import Fluent
import Foundation
import PacteCore
import PacteStore
import Plot
import Vapor

/// An error meant for the user: an HTTP status, a French message and, when one field is at fault, its name.
/// Rendered as RFC 7807 `application/problem+json`.
public struct Problem: Error, AbortError, Sendable {
    public var status: HTTPResponseStatus
    public var detail: String
    public var field: String?

    public init(_ status: HTTPResponseStatus, _ detail: String, field: String? = nil) {
        self.status = status
        self.detail = detail
        self.field = field
    }

    public var reason: String { detail }

    public static func notFound(_ what: String) -> Problem { Problem(.notFound, "\(what) introuvable.") }
    public static let unauthenticated = Problem(.unauthorized, "Authentification requise : connectez-vous ou présentez un jeton d'API.")
    public static let readOnly = Problem(.forbidden, "Votre rôle (lecteur) ne permet que la lecture.")
    public static func invalid(_ field: String, _ message: String) -> Problem { Problem(.unprocessableEntity, message, field: field) }
}

/// The JSON body of a problem (RFC 7807), with the offending field when there is one.
public struct ProblemBody: Content, Documented {
    public var type: String
    public var title: String
    public var status: Int
    public var detail: String
    public var field: String?
    public var instance: String?

    public static var example: ProblemBody {
        ProblemBody(type: "about:blank", title: "Requête invalide", status: 422, detail: "Montant illisible.", field: "amount", instance: "/api/v1/…")
    }
}

/// Turns every error into a problem document; 5xx are logged and never shown raw.
public struct ProblemMiddleware: AsyncMiddleware {
    public init() {}

    public func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        do {
            return try await next.respond(to: request)
        } catch {
            var problem = Self.problem(for: error)
            let allowed = problem.status == .notFound && request.route == nil
                ? Self.allowedMethods(request.url.path, among: request.application.apiOperations) : []
            if !allowed.isEmpty {
                problem = Problem(.methodNotAllowed, "Méthode \(request.method.rawValue) non autorisée pour cette adresse : \(allowed.joined(separator: ", ")) seulement.")
            }
            if problem.status.code >= 500 {
                request.logger.report(error: error)
            }
            if request.wantsHTML {
                return try await Self.page(for: problem, request: request)
            }
            let body = ProblemBody(type: "about:blank", title: Self.title(problem.status), status: Int(problem.status.code),
                                   detail: problem.detail, field: problem.field, instance: request.url.path)
            let response = Response(status: problem.status)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            response.body = .init(data: try encoder.encode(body))
            response.headers.contentType = HTTPMediaType(type: "application", subType: "problem+json", parameters: ["charset": "utf-8"])
            if problem.status == .tooManyRequests { response.headers.replaceOrAdd(name: .retryAfter, value: "900") }
            if !allowed.isEmpty { response.headers.replaceOrAdd(name: .allow, value: allowed.joined(separator: ", ")) }
            return response
        }
    }

    /// The methods the API document declares for an address no route answered with this method: a
    /// `DELETE` on a read-only list is a 405 naming what is allowed (RFC 9110), not a 404.
    static func allowedMethods(_ path: String, among operations: [APIOperation]) -> [String] {
        let segments = path.split(separator: "/", omittingEmptySubsequences: true)
        let methods = operations.filter { operation in
            let pattern = operation.path.split(separator: "/", omittingEmptySubsequences: true)
            return pattern.count == segments.count
                && zip(pattern, segments).allSatisfy { template, segment in template.hasPrefix("{") || template == segment }
        }.map(\.method.rawValue)
        return Set(methods).sorted()
    }

    /// Browsers get a page in the site's layout; a missing sign-in sends them to the sign-in form.
    static func page(for problem: Problem, request: Request) async throws -> Response {
        if problem.status == .unauthorized {
            return request.redirect(to: "/connexion?retour=" + urlPart(request.url.path))
        }
        let viewer = request.principal == nil ? nil : try? request.viewer()
        let content: BodyNode = .group(
            .h1(.text(title(problem.status))),
            .p(.class("notice error"), .attribute(named: "role", value: "alert"), .text(problem.detail)),
            .p(.a(.href("/"), .text("Retour au tableau de bord")))
        )
        let response = try await Page(title: title(problem.status), section: nil, viewer: viewer, status: problem.status, content: content)
            .encodeResponse(for: request)
        if problem.status == .tooManyRequests { response.headers.replaceOrAdd(name: .retryAfter, value: "900") }
        return response
    }

    static func problem(for error: any Error) -> Problem {
        switch error {
        case let problem as Problem:
            return problem
        case let decoding as DecodingError:
            return frenchDecodingProblem(decoding)
        case let store as StoreError:
            switch store {
            case .notFound: return Problem(.notFound, store.description)
            case .conflict: return Problem(.conflict, store.description)
            case .invalid(let field, let message): return Problem(.unprocessableEntity, message, field: field)
            case .corrupt: return Problem(.internalServerError, "Erreur interne : une donnée stockée est invalide.")
            }
        case let plan as PlanError:
            return Problem(.unprocessableEntity, "Le plan de financement deviendrait incohérent : \(plan.description)", field: plan.location.isEmpty ? nil : plan.location)
        case let transition as InterventionTransitionError:
            return Problem(.conflict, transition.description, field: "status")
        case let transition as ConventionTransitionError:
            return Problem(.conflict, transition.description, field: "status")
        case let refusal as DeMinimisRefusal:
            return Problem(.conflict, refusal.description, field: "amount")
        case let refusal as EnvelopeRefusal:
            return Problem(refusal.reason == .overCap ? .conflict : .unprocessableEntity, refusal.description, field: "amount")
        case let range as DateRangeError:
            return Problem(.unprocessableEntity, range.description, field: "endsOn")
        case let db as any DatabaseError where db.isConstraintFailure:
            return Problem(.conflict, "Cette opération contredit une donnée existante (doublon ou élément encore utilisé).")
        case let abort as any AbortError:
            return Problem(abort.status, frenchReason(abort))
        default:
            return Problem(.internalServerError, "Erreur interne du serveur. L'incident a été journalisé.")
        }
    }

    static func frenchReason(_ abort: any AbortError) -> String {
        switch abort.status {
        case .notFound: "Ressource introuvable."
        case .methodNotAllowed: "Méthode non autorisée pour cette adresse."
        case .payloadTooLarge: "Requête trop volumineuse : un document envoyé ne peut dépasser \(DocumentUploads.maximumFileMegabytes) Mo, les autres requêtes 2 Mo. Rien n'a été enregistré."
        case .unsupportedMediaType: "Type de contenu non pris en charge : envoyez du JSON (application/json)."
        case .badRequest: "Requête invalide : \(abort.reason)"
        case .unauthorized: Problem.unauthenticated.detail
        case .forbidden: "Accès refusé."
        default: abort.reason
        }
    }

    static func frenchDecodingProblem(_ error: DecodingError) -> Problem {
        func path(_ keys: [any CodingKey]) -> String? {
            let text = DecodingErrorText.path(keys)
            return text.isEmpty ? nil : text
        }
        switch error {
        case .typeMismatch(let type, let context):
            let field = path(context.codingPath)
            return Problem(.badRequest, "Type inattendu pour « \(field ?? "corps") » : il faut \(DecodingErrorText.expected(type)).", field: field)
        case .valueNotFound(_, let context):
            let field = path(context.codingPath)
            return Problem(.badRequest, "Valeur manquante pour « \(field ?? "corps") ».", field: field)
        case .keyNotFound(let key, let context):
            let field = path(context.codingPath + [key])
            return Problem(.badRequest, "Champ obligatoire manquant : « \(field ?? key.stringValue) ».", field: field)
        case .dataCorrupted(let context):
            let field = path(context.codingPath)
            if field == nil {
                return Problem(.badRequest, "Le corps de la requête n'est pas un JSON valide.")
            }
            return Problem(.unprocessableEntity, "« \(field!) » : \(context.debugDescription)", field: field)
        @unknown default:
            return Problem(.badRequest, "Requête illisible.")
        }
    }

    static func title(_ status: HTTPResponseStatus) -> String {
        switch status.code {
        case 400: "Requête invalide"
        case 401: "Authentification requise"
        case 403: "Accès refusé"
        case 404: "Introuvable"
        case 409: "Conflit"
        case 415: "Type de contenu non pris en charge"
        case 422: "Donnée invalide"
        case 429: "Trop de tentatives"
        case 503: "Service indisponible"
        default: status.code >= 500 ? "Erreur interne" : "Erreur"
        }
    }
}
