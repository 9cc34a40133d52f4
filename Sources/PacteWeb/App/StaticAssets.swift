import Foundation
import PacteStore
import Vapor

/// The stylesheet and the script, read once from the module's resources and served with a
/// content hash in their address so that browsers may keep them for a year.
enum StaticAssets {
    struct Asset: Sendable {
        var body: Data
        var contentType: HTTPMediaType
    }

    static let assets: [String: Asset] = {
        var found: [String: Asset] = [:]
        for (name, type) in [("pacte.css", HTTPMediaType(type: "text", subType: "css", parameters: ["charset": "utf-8"])),
                             ("pacte.js", HTTPMediaType(type: "text", subType: "javascript", parameters: ["charset": "utf-8"]))] {
            if let url = Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "static"),
               let data = try? Data(contentsOf: url) {
                found[name] = Asset(body: data, contentType: type)
            }
        }
        return found
    }()

    static let version: String = {
        let all = assets.keys.sorted().compactMap { assets[$0]?.body }.reduce(Data(), +)
        return String(sha256Hex(String(decoding: all, as: UTF8.self)).prefix(12))
    }()

    static var stylesheetPath: String { "/static/\(version)/pacte.css" }
    static var scriptPath: String { "/static/\(version)/pacte.js" }

    /// The stylesheet's text, for the accessibility check of its colour pairs and the PDF export.
    static var stylesheet: String { assets["pacte.css"].map { String(decoding: $0.body, as: UTF8.self) } ?? "" }

    static func register(on routes: any RoutesBuilder) {
        routes.get("static", ":version", ":name") { req -> Response in
            guard let name = req.parameters.get("name"), let asset = assets[name] else {
                throw Abort(.notFound)
            }
            let response = Response(status: .ok, body: .init(data: asset.body))
            response.headers.contentType = asset.contentType
            let current = req.parameters.get("version") == version
            response.headers.replaceOrAdd(name: .cacheControl, value: current ? "public, max-age=31536000, immutable" : "no-cache")
            return response
        }
    }
}
