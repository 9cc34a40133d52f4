import AsyncHTTPClient
import Fluent
import Foundation
import NIOConcurrencyHelpers
import PacteCore
import PacteStore
import PacteWeb
import SQLKit
import Vapor

/// `pacte bench cluster`: a throw-away PostgreSQL, several `pacte serve` processes and nginx on
/// loopback, users signing in, browsing and committing services on shared envelopes while one
/// server is killed (SIGKILL) and restarted and PostgreSQL is restarted; then the checks that
/// matter: no envelope over its cap, every acknowledged write present, sessions valid on every
/// process, the audit chain intact. Figures are printed; only a failed check fails the command.
public struct ClusterBenchmark: Sendable {
    public typealias ApplicationMaker = @Sendable (_ databaseURL: String) async throws -> Application

    public var instances = 3
    public var clients = 64
    /// Length of each measured phase; the short form measures only the phase with the faults.
    public var seconds = 60
    public var healthSeconds = 10
    public var short = false
    public var basePort = 18_500
    public var connectionsPerLoop = 4
    /// What each phase's envelope holds: once spent, acceptances are refused (and must be).
    public var budget = Money(cents: 90_000_00)
    public var directory: String
    public var executable: String
    public var makeApplication: ApplicationMaker

    public init(directory: String, executable: String, makeApplication: @escaping ApplicationMaker) {
        self.directory = directory
        self.executable = executable
        self.makeApplication = makeApplication
    }

    public struct Outcome: Sendable {
        public var lines: [String]
        public var failures: [String]
    }

    struct Phase: Sendable {
        var title: String
        var snapshot: ClusterLoad.Snapshot
        var duration: Duration
        var envelopeID: UUID
        var perSecond: Double { Double(snapshot.requests) / Self.seconds(duration) }
        static func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18 }
    }

    static func say(_ text: String) { DatasetLoader.say(text) }

    /// Interrupted (Ctrl-C, SIGTERM), the benchmark stops what it started: no server, nginx or
    /// PostgreSQL is left behind on its ports.
    static let interruption = NIOLockedValueBox<[@Sendable () -> Void]>([])
    nonisolated(unsafe) static var signalSources: [any DispatchSourceSignal] = []

    static func onInterruption(_ cleanup: @escaping @Sendable () -> Void) {
        interruption.withLockedValue { $0.append(cleanup) }
    }

    static func installInterruptionHandlers() {
        for number in [SIGINT, SIGTERM] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                say("Interruption : arrêt des serveurs, de nginx et de PostgreSQL…")
                for cleanup in interruption.withLockedValue({ $0 }).reversed() { cleanup() }
                exit(130)
            }
            source.resume()
            signalSources.append(source)
        }
    }

    public func run() async throws -> Outcome {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        Self.installInterruptionHandlers()
        let allPorts = [basePort, basePort + 1, basePort + 2] + (1...instances).map { basePort + 10 + $0 }
        if let taken = allPorts.first(where: Self.isListening) {
            throw BenchTools.Failure(description: "Le port \(taken) est déjà pris (un banc précédent encore en marche ?) : choisissez-en d'autres avec --base-port.")
        }
        Self.say("PostgreSQL jetable (port \(basePort))…")
        let postgres = try ThrowawayPostgres(directory: directory + "/postgresql", port: basePort)
        Self.onInterruption { postgres.stop() }
        defer { postgres.stop() }
        try postgres.start()

        Self.say("Migrations et données de démonstration…")
        let password = "grappe-" + UUID().uuidString.prefix(12).lowercased()
        let seed = try await prepare(url: postgres.url, password: password)

        let token = String(repeating: "m", count: 8) + UUID().uuidString.replacingOccurrences(of: "-", with: "")
        let ports = (1...instances).map { basePort + 10 + $0 }
        @Sendable func launch(_ index: Int) throws -> ServerProcess {
            try ServerProcess(executable: executable, databaseURL: postgres.url, port: ports[index], logPath: "\(directory)/app-\(index + 1).log",
                              environment: ["PACTE_TRUST_PROXY": "1", "PACTE_INSTANCE": "app-\(index + 1)", "PACTE_LOG_FORMAT": "json",
                                            "LOG_LEVEL": ProcessInfo.processInfo.environment["PACTE_BENCH_LOG_LEVEL"] ?? "info", "PACTE_METRICS_TOKEN": token, "PACTE_PAGE_CACHE_MB": "64",
                                            "PACTE_DATABASE_CONNECTIONS": String(connectionsPerLoop)])
        }
        Self.say("\(instances) serveurs Pacte (ports \(ports.map(String.init).joined(separator: ", "))) et nginx (port \(basePort + 1))…")
        let servers = NIOLockedValueBox(try (0..<instances).map(launch))
        Self.onInterruption { servers.withLockedValue { $0.forEach { $0.kill() } } }
        defer { servers.withLockedValue { $0.forEach { $0.stop() } } }
        for server in servers.withLockedValue({ $0 }) { try await server.waitUntilReady() }
        // As systemd's `Restart=always` would: a server that ends by itself (the pool watchdog's
        // exit 75) is started again; the one the faults kill is left to them.
        let supervision = Supervision()
        let supervisor = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(500))
                for index in 0..<instances where !supervision.isPaused(index) {
                    let ended = servers.withLockedValue { !$0[index].process.isRunning ? $0[index].process.terminationStatus : nil }
                    guard let status = ended, let restarted = try? launch(index) else { continue }
                    servers.withLockedValue { $0[index] = restarted }
                    supervision.note("app-\(index + 1) s'est arrêté de lui-même (code \(status)) et a été relancé")
                }
            }
        }
        defer { supervisor.cancel() }
        let nginx = try NginxBalancer(directory: directory + "/nginx", port: basePort + 1, singlePort: basePort + 2, servers: ports)
        Self.onInterruption { nginx.stop() }
        defer { nginx.stop() }
        try await nginx.waitUntilListening()

        var configuration = HTTPClient.Configuration(redirectConfiguration: .disallow, timeout: .init(connect: .seconds(5), read: .seconds(60)))
        configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: clients * 2)
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        do {
            var outcome = try await measure(client: client, nginx: nginx, servers: servers, ports: ports, postgres: postgres, seed: seed,
                                            password: password, token: token, supervision: supervision, launch: launch)
            let restarts = supervision.notes
            if !restarts.isEmpty { outcome.lines.insert("Relances par le superviseur : " + restarts.joined(separator: " ; ") + ".", at: outcome.lines.count - 2) }
            try? await client.shutdown()
            return outcome
        } catch {
            try? await client.shutdown()
            throw error
        }
    }

    func measure(client: HTTPClient, nginx: NginxBalancer, servers: NIOLockedValueBox<[ServerProcess]>, ports: [Int], postgres: ThrowawayPostgres,
                 seed: Seed, password: String, token: String, supervision: Supervision, launch: @escaping @Sendable (Int) throws -> ServerProcess) async throws -> Outcome {

        Self.say("Entreprises et enveloppes (API, jeton de l'agent)…")
        let setup = try await Setup.make(client: client, base: nginx.base, seed: seed, password: password, budget: budget, phases: short ? 1 : 3)

        var lines = ["Pacte — grappe de \(instances) serveurs derrière nginx, PostgreSQL \(postgres.port), \(clients) clients, "
                     + "\(short ? "forme courte" : "forme longue") (\(seconds) s par phase)."]

        Self.say("Référence : /health à travers nginx (\(healthSeconds) s)…")
        let healthTally = ClusterLoad.Tally()
        let healthClock = ContinuousClock()
        let healthStart = healthClock.now
        await ClusterLoad.hammer(nginx.base + "/health", clients: clients, until: healthStart + .seconds(healthSeconds), client: client, tally: healthTally)
        let health = Phase(title: "/health", snapshot: healthTally.snapshot, duration: healthClock.now - healthStart, envelopeID: UUID())
        lines.append("Référence /health (\(instances) serveurs derrière nginx) : \(ScaleReport.fr(health.perSecond)) req/s, "
                     + "p50 \(ScaleReport.ms(health.snapshot.latencies.p50)), p99 \(ScaleReport.ms(health.snapshot.latencies.p99)).")

        var phases: [Phase] = []
        var session: ClusterLoad.Session?
        func measure(_ title: String, base: String, index: Int, faults: (@Sendable (ContinuousClock.Instant) async -> [String])?) async -> [String] {
            Self.say("Phase « \(title) » (\(seconds) s)…")
            let tally = ClusterLoad.Tally()
            let clock = ContinuousClock()
            let start = clock.now
            let deadline = start + .seconds(seconds)
            async let notes: [String] = faults?(start) ?? []
            let first = await ClusterLoad.run(base: base, workload: setup.workload(index), clients: clients, until: deadline, client: client, tally: tally)
            session = session ?? first
            let said = await notes
            phases.append(Phase(title: title, snapshot: tally.snapshot, duration: clock.now - start, envelopeID: setup.envelopes[index]))
            return said
        }
        if !short {
            _ = await measure("1 serveur derrière nginx", base: nginx.singleBase, index: 1, faults: nil)
            _ = await measure("\(instances) serveurs derrière nginx", base: nginx.base, index: 2, faults: nil)
        }
        let phaseSeconds = self.seconds
        let faultNotes = await measure("\(instances) serveurs, un tué puis relancé, PostgreSQL redémarré", base: nginx.base, index: 0) { start in
            var notes: [String] = []
            try? await Task.sleep(until: start + .seconds(phaseSeconds) / 3, clock: .continuous)
            let victim = min(1, instances - 1)
            supervision.pause(victim)
            defer { supervision.resume(victim) }
            servers.withLockedValue { $0[victim].kill() }
            notes.append("app-\(victim + 1) tué (SIGKILL) à \(phaseSeconds / 3) s")
            try? await Task.sleep(for: .seconds(2))
            if let restarted = try? launch(victim) {
                servers.withLockedValue { $0[victim] = restarted }
                let clock = ContinuousClock()
                let begun = clock.now
                try? await restarted.waitUntilReady()
                notes.append("relancé, prêt en \(ScaleReport.ms(clock.now - begun))")
            } else {
                notes.append("relance IMPOSSIBLE")
            }
            try? await Task.sleep(until: start + .seconds(phaseSeconds) * 2 / 3, clock: .continuous)
            let clock = ContinuousClock()
            let begun = clock.now
            let watch = Task { await Self.watchReadiness(client: client, url: "http://127.0.0.1:\(ports[0])/ready") }
            do {
                try postgres.restart()
                notes.append("PostgreSQL redémarré (arrêt rapide) à \(2 * phaseSeconds / 3) s en \(ScaleReport.ms(clock.now - begun))")
            } catch {
                notes.append("redémarrage de PostgreSQL ÉCHOUÉ : \(error)")
            }
            try? await Task.sleep(for: .seconds(2))
            watch.cancel()
            let unready = await watch.value
            notes.append("/ready de app-1 : « indisponible » à \(unready.refused) interrogation\(unready.refused > 1 ? "s" : "") sur \(unready.asked), "
                         + "de nouveau prêt ensuite")
            return notes
        }

        for phase in phases {
            lines.append(Self.describe(phase, health: health))
        }
        lines.append("Pannes : " + faultNotes.joined(separator: " ; ") + ".")
        if !short, phases.count == 3 {
            let ratio = phases[1].perSecond / max(phases[0].perSecond, 1e-9)
            lines.append("1 serveur contre \(instances) (même nginx, même charge, même exécution) : \(ScaleReport.fr(phases[0].perSecond)) req/s contre "
                         + "\(ScaleReport.fr(phases[1].perSecond)) req/s, soit ×\(ScaleReport.fr(ratio, decimals: 2)) ; p99 \(ScaleReport.ms(phases[0].snapshot.latencies.p99)) "
                         + "contre \(ScaleReport.ms(phases[1].snapshot.latencies.p99)).")
        }

        // Observability: a request id through nginx into a server's JSON log; each server's metrics.
        // Every server ready again, straight, not through nginx: a server whose pool the restart of
        // PostgreSQL broke answers `/ready` with 503 until its watchdog has had it started again.
        Self.say("Attente de chaque serveur prêt…")
        let readyBy = ContinuousClock().now + .seconds(90)
        var failures: [String] = []
        for (index, port) in ports.enumerated() {
            var ready = false
            while !ready, ContinuousClock().now < readyBy {
                ready = await ClusterLoad.send(client, .GET, "http://127.0.0.1:\(port)/ready", tally: nil).status == 200
                if !ready { try? await Task.sleep(for: .milliseconds(500)) }
            }
            if !ready { failures.append("app-\(index + 1) n'est pas redevenu prêt dans les 90 s") }
        }
        // Once every server is back (the watchdog may have had one restarted).
        var traced = await ClusterLoad.send(client, .GET, nginx.base + "/ready", tally: nil)
        for _ in 0..<40 where traced.status != 200 {
            try? await Task.sleep(for: .milliseconds(250))
            traced = await ClusterLoad.send(client, .GET, nginx.base + "/ready", tally: nil)
        }
        if let id = traced.headers.first(name: "X-Request-Id"), !id.isEmpty {
            try? await Task.sleep(for: .milliseconds(1_500))
            let logs = (1...instances).compactMap { index in
                (try? String(contentsOfFile: "\(directory)/app-\(index).log", encoding: .utf8))?.contains("\"request-id\":\"\(id)\"") == true ? "app-\(index)" : nil
            }
            let inNginx = (try? String(contentsOfFile: nginx.accessLog, encoding: .utf8))?.contains(id) ?? false
            if logs.isEmpty || !inNginx {
                failures.append("l'identifiant de requête \(id) n'est pas retrouvé dans les journaux (nginx : \(inNginx ? "oui" : "non"), serveurs : \(logs.isEmpty ? "aucun" : logs.joined(separator: ", ")))")
            } else {
                lines.append("Identifiant de requête \(id) : dans le journal de nginx et dans le journal JSON de \(logs.joined(separator: ", ")).")
            }
        } else {
            failures.append("nginx ne renvoie pas d'en-tête X-Request-Id")
        }
        var metricLines: [String] = []
        for (index, port) in ports.enumerated() {
            let metrics = await ClusterLoad.send(client, .GET, "http://127.0.0.1:\(port)/metrics", headers: [("Authorization", "Bearer \(token)")], tally: nil)
            let refused = await ClusterLoad.send(client, .GET, "http://127.0.0.1:\(port)/metrics", tally: nil)
            guard metrics.status == 200, metrics.body.contains("pacte_http_requests_total"), refused.status == 401 else {
                failures.append("/metrics de app-\(index + 1) : \(metrics.status) avec le jeton, \(refused.status) sans")
                continue
            }
            metricLines.append("app-\(index + 1) " + Self.count(Self.sum("pacte_http_requests_total", in: metrics.body), "requête", "requêtes") + ", "
                               + Self.count(Self.sum("pacte_commitments_refused_total", in: metrics.body), "refus", "refus") + ", "
                               + Self.count(Self.sum("pacte_database_connections_open", in: metrics.body), "connexion ouverte", "connexions ouvertes"))
        }
        if !metricLines.isEmpty { lines.append("/metrics (jeton exigé, 401 sans) : " + metricLines.joined(separator: " ; ") + " (un serveur relancé compte depuis sa relance).") }

        // Sessions opened through nginx hold on every server, the restarted one included.
        if let session {
            var valid = 0
            for port in ports {
                let page = await ClusterLoad.send(client, .GET, "http://127.0.0.1:\(port)/", headers: [("Cookie", session.cookie)], tally: nil)
                if page.status == 200, page.body.contains(seed.email) { valid += 1 }
            }
            let lost = phases.map(\.snapshot.sessionsLost).reduce(0, +)
            lines.append("Sessions : une session ouverte à travers nginx est reconnue par \(valid) serveur\(valid > 1 ? "s" : "") sur \(instances) ; "
                         + "\(lost) session\(lost > 1 ? "s" : "") perdue\(lost > 1 ? "s" : "") pendant les phases.")
            if valid != instances { failures.append("session refusée par \(instances - valid) serveur(s)") }
            if lost > 0 { failures.append("\(lost) session(s) perdue(s) pendant la charge") }
        } else {
            failures.append("aucun client n'a pu se connecter")
        }
        for index in 0..<instances { supervision.pause(index) }
        servers.withLockedValue { $0.forEach { $0.stop() } }

        Self.say("Contrôles dans la base…")
        let checks = try await check(url: postgres.url, phases: phases, seed: seed)
        lines += checks.lines
        failures += checks.failures
        let audit = try BenchTools.run(executable, ["audit-log", "verify", "--database-url", postgres.url])
        if audit.status == 0 {
            lines.append("pacte audit-log verify : " + audit.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
        } else {
            failures.append("pacte audit-log verify a échoué (\(audit.status)) : \(audit.stderr)\(audit.stdout)")
        }
        lines.append(failures.isEmpty ? "Contrôles : tous satisfaits." : "Contrôles ÉCHOUÉS : " + failures.joined(separator: " ; ") + ".")
        lines.append("Journaux : \(directory)/app-*.log (JSON), \(nginx.accessLog).")
        return Outcome(lines: lines, failures: failures)
    }

    /// What the supervisor did, and which server the faults are handling.
    final class Supervision: @unchecked Sendable {
        private let lock = NSLock()
        private var paused: Set<Int> = []
        private var said: [String] = []
        func pause(_ index: Int) { lock.withLock { _ = paused.insert(index) } }
        func resume(_ index: Int) { lock.withLock { _ = paused.remove(index) } }
        func isPaused(_ index: Int) -> Bool { lock.withLock { paused.contains(index) } }
        func note(_ text: String) { lock.withLock { said.append(text) } }
        var notes: [String] { lock.withLock { said } }
    }

    static func describe(_ phase: Phase, health: Phase) -> String {
        let s = phase.snapshot
        let errors = s.errors.isEmpty ? "aucune" : s.errors.map { "\($0.status == 0 ? "connexion" : String($0.status)) ×\($0.count)" }.joined(separator: ", ")
        return "Phase « \(phase.title) » : \(ScaleReport.fr(Double(s.requests))) requêtes servies en \(ScaleReport.fr(Phase.seconds(phase.duration), decimals: 1)) s, "
            + "\(ScaleReport.fr(phase.perSecond)) req/s = \(ScaleReport.percent(phase.perSecond / max(health.perSecond, 1e-9))) de /health ; "
            + "p50 \(ScaleReport.ms(s.latencies.p50)), p99 \(ScaleReport.ms(s.latencies.p99)) ; erreurs : \(errors) ; "
            + Self.count(s.signIns, "connexion d'utilisateur", "connexions d'utilisateurs") + " ; prestations : "
            + "\(s.created.count) prescrite\(s.created.count > 1 ? "s" : ""), \(s.accepted.count) acceptée\(s.accepted.count > 1 ? "s" : ""), "
            + "\(s.refused) refusée\(s.refused > 1 ? "s" : "") (enveloppe pleine)."
    }

    /// The sum of a metric's samples in a Prometheus exposition.
    static func sum(_ name: String, in text: String) -> Int {
        let total = text.split(separator: "\n").filter { $0.hasPrefix(name + "{") || $0.hasPrefix(name + " ") }
            .compactMap { $0.split(separator: " ").last.flatMap { Double($0) } }.reduce(0, +)
        return Int(total.rounded())
    }

    /// « 1 requête », « 0 requête », « 2 requêtes »: French takes the singular below two.
    static func count(_ value: Int, _ one: String, _ many: String) -> String {
        ScaleReport.fr(Double(value)) + " " + (value < 2 ? one : many)
    }

    /// True when something already listens on the loopback port.
    static func isListening(_ port: Int) -> Bool {
        let socket = Foundation.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { return false }
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        return result == 0
    }

    /// Asks `/ready` every 100 ms until cancelled: how often it said the server was not ready.
    static func watchReadiness(client: HTTPClient, url: String) async -> (asked: Int, refused: Int) {
        var asked = 0, refused = 0
        while !Task.isCancelled {
            let answer = await ClusterLoad.send(client, .GET, url, tally: nil)
            asked += 1
            if answer.status != 200 { refused += 1 }
            try? await Task.sleep(for: .milliseconds(100))
        }
        return (asked, refused)
    }
}
