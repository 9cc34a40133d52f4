import Foundation
import Vapor

/// The outermost middleware: gives each request an id (the load balancer's `X-Request-Id` when it
/// sends a sane one, a new one otherwise), puts it on every log line of the request and on the
/// response, then logs one line per request (method, path, route template, status, duration) and
/// counts it in the metrics.
struct RequestTelemetryMiddleware: AsyncMiddleware {
    static let header = "X-Request-Id"

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let id = Self.acceptedID(request.headers.first(name: Self.header)) ?? UUID().uuidString.lowercased()
        request.logger[metadataKey: "request-id"] = .string(id)
        let clock = ContinuousClock()
        let start = clock.now
        let response: Response
        do {
            response = try await next.respond(to: request)
        } catch {
            // Only what the problem middleware could not turn into a response arrives here.
            finish(request, status: .internalServerError, duration: clock.now - start)
            throw error
        }
        response.headers.replaceOrAdd(name: Self.header, value: id)
        finish(request, status: response.status, duration: clock.now - start)
        return response
    }

    private func finish(_ request: Request, status: HTTPResponseStatus, duration: Duration) {
        let route = Self.template(of: request)
        let telemetry = request.application.telemetry
        telemetry.recordRequest(method: request.method.rawValue, route: route, status: status.code, duration: duration)
        let milliseconds = duration.components.seconds * 1_000 + duration.components.attoseconds / 1_000_000_000_000_000
        request.logger.info("\(request.method.rawValue) \(request.url.path) \(status.code)", metadata: [
            "method": .string(request.method.rawValue),
            "path": .string(request.url.path),
            "route": .string(route),
            "status": .stringConvertible(status.code),
            "duration_ms": .stringConvertible(milliseconds),
            "instance": .string(telemetry.instance),
        ])
    }

    /// The route as declared (`/conventions/:conventionID`), so that metrics do not grow with every id;
    /// `non routée` for an address no route matches.
    static func template(of request: Request) -> String {
        guard let route = request.route else { return "non routée" }
        return "/" + route.path.map(\.description).joined(separator: "/")
    }

    /// A caller's id is kept when it is short and plain (letters, digits, `-`, `_`, `.`): it ends
    /// up in log lines, which must not be forged.
    static func acceptedID(_ raw: String?) -> String? {
        guard let raw, !raw.isEmpty, raw.utf8.count <= 128,
              raw.unicodeScalars.allSatisfy({ $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "-_.".unicodeScalars.contains($0)) })
        else { return nil }
        return raw
    }
}
