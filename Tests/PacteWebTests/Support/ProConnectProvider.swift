import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
@testable import PacteWeb
import Testing

struct ProConnectProviderError: Error, CustomStringConvertible {
    let description: String
}

/// A real OpenID Connect provider for the tests: `scripts/proconnect-test-provider.py`
/// (oidc-provider-mock, with PKCE, nonce, ProConnect's scopes and a signed userinfo), started on a
/// free port for one test and stopped after it. Tests using it are skipped when the package is
/// missing, unless PACTE_TEST_OIDC=required (scripts/test installs it and sets PACTE_TEST_OIDC_PYTHON).
final class ProConnectProvider: Sendable {
    let issuer: String
    private let process: Process

    static var isRequired: Bool { ProcessInfo.processInfo.environment["PACTE_TEST_OIDC"] == "required" }
    static var python: String { ProcessInfo.processInfo.environment["PACTE_TEST_OIDC_PYTHON"] ?? "python3" }

    static var isInstalled: Bool {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [python, "-c", "import oidc_provider_mock"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return false }
        process.waitUntilExit()
        return process.terminationStatus == 0
    }

    /// Whether the ProConnect tests can run; records an issue when they must and cannot.
    static func available() -> Bool {
        if isInstalled { return true }
        if isRequired { Issue.record("PACTE_TEST_OIDC=required but oidc-provider-mock (pip) is missing for \(python)") }
        return false
    }

    /// The settings Pacte needs to use this provider.
    var settings: OIDCSettings { OIDCSettings(issuer: issuer, clientID: "pacte-tests", clientSecret: "secret-des-tests") }

    private init(issuer: String, process: Process) {
        self.issuer = issuer
        self.process = process
    }

    /// Runs `body` with a provider knowing `users` (claims with a "sub"), then stops it.
    static func with<T>(users: [[String: String]], _ body: (ProConnectProvider) async throws -> T) async throws -> T {
        let provider = try await start(users: users)
        do {
            let result = try await body(provider)
            provider.stop()
            return result
        } catch {
            provider.stop()
            throw error
        }
    }

    static func start(users: [[String: String]]) async throws -> ProConnectProvider {
        let script = Repository.root.appendingPathComponent("scripts/proconnect-test-provider.py").path
        var lastError = ""
        for _ in 0..<5 {
            let port = Int.random(in: 30_000...45_000)
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            var arguments = [python, script, "--port", String(port)]
            for user in users {
                let data = try JSONSerialization.data(withJSONObject: user, options: [.sortedKeys])
                arguments += ["--user-claims", String(decoding: data, as: UTF8.self)]
            }
            process.arguments = arguments
            var environment = ProcessInfo.processInfo.environment
            environment["AUTHLIB_INSECURE_TRANSPORT"] = "1"
            environment["PYTHONWARNINGS"] = "ignore"
            process.environment = environment
            // A file, not a pipe: nobody reads the provider's request log while the test runs, and a
            // full pipe would block it.
            let log = FileManager.default.temporaryDirectory.appendingPathComponent("pacte-oidc-\(port).log")
            _ = FileManager.default.createFile(atPath: log.path, contents: nil)
            let errors = try FileHandle(forWritingTo: log)
            process.standardOutput = FileHandle.nullDevice
            process.standardError = errors
            try process.run()
            let issuer = "http://127.0.0.1:\(port)"
            let deadline = Date().addingTimeInterval(20)
            while Date() < deadline, process.isRunning {
                if (try? await get(issuer + "/.well-known/openid-configuration"))?.status == .ok {
                    return ProConnectProvider(issuer: issuer, process: process)
                }
                try await Task.sleep(for: .milliseconds(100))
            }
            if process.isRunning { process.terminate() }
            lastError = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        }
        throw ProConnectProviderError(description: "the test provider did not start: \(lastError)")
    }

    func stop() {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
    }

    /// The agent `sub` approves on the provider's authorisation page (the form a browser would
    /// post); returns where the provider sends the browser back.
    func authorize(_ location: String, sub: String) async throws -> URLComponents {
        var request = HTTPClientRequest(url: location)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        request.body = .bytes(ByteBuffer(string: "sub=" + (sub.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? sub)))
        let response = try await Self.client.execute(request, timeout: .seconds(15))
        let body = try await response.body.collect(upTo: 1 << 20)
        guard response.status == .found || response.status == .seeOther, let back = response.headers.first(name: "Location"),
              let components = URLComponents(string: back) else {
            throw ProConnectProviderError(description: "authorize answered \(response.status): \(String(buffer: body))")
        }
        return components
    }

    /// Changes what the provider says of `sub` (its e-mail, its SIRET…).
    func setClaims(of sub: String, _ claims: [String: String]) async throws {
        var request = HTTPClientRequest(url: issuer + "/users/" + sub)
        request.method = .PUT
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(data: try JSONSerialization.data(withJSONObject: claims)))
        let response = try await Self.client.execute(request, timeout: .seconds(15))
        _ = try await response.body.collect(upTo: 1 << 20)
        guard response.status == .noContent else { throw ProConnectProviderError(description: "PUT /users answered \(response.status)") }
    }

    static func get(_ url: String) async throws -> HTTPClientResponse {
        let response = try await client.execute(HTTPClientRequest(url: url), timeout: .seconds(2))
        _ = try await response.body.collect(upTo: 1 << 20)
        return response
    }

    /// Never follows redirects: the test reads where the provider sends the browser.
    static let client: HTTPClient = {
        var configuration = HTTPClient.Configuration()
        configuration.redirectConfiguration = .disallow
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }()
}
