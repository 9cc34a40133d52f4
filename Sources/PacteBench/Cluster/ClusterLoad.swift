import AsyncHTTPClient
import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1

/// Users of the cluster as a browser would be: they sign in with the form (a session cookie),
/// browse the convention and its execution, and prescribe and accept services through the API
/// with their session and its CSRF token; every answer is counted and timed.
public enum ClusterLoad {
    /// What one user does on one convention.
    public struct Workload: Sendable {
        public var conventionID: UUID
        public var actionID: UUID
        public var companies: [UUID]
        public var email: String
        public var password: String
        public var quote: String
        public var date: String
    }

    /// Everything a phase saw.
    public final class Tally: @unchecked Sendable {
        private let lock = NIOLock()
        private var statuses: [Int: Int] = [:]
        private var durations: [Duration] = []
        private(set) var created: [UUID] = []
        private(set) var accepted: [UUID] = []
        private(set) var refused = 0
        private(set) var sessionsLost = 0
        private(set) var signIns = 0

        func request(_ status: Int, _ duration: Duration) {
            lock.withLock {
                statuses[status, default: 0] += 1
                durations.append(duration)
            }
        }
        func created(_ id: UUID) { lock.withLock { created.append(id) } }
        func accepted(_ id: UUID) { lock.withLock { accepted.append(id) } }
        func refusedOne() { lock.withLock { refused += 1 } }
        func lostSession() { lock.withLock { sessionsLost += 1 } }
        func signedIn() { lock.withLock { signIns += 1 } }

        public var snapshot: Snapshot {
            lock.withLock {
                Snapshot(statuses: statuses, latencies: LoadBenchmark.Latencies(label: "", samples: durations), created: created,
                         accepted: accepted, refused: refused, sessionsLost: sessionsLost, signIns: signIns)
            }
        }
    }

    public struct Snapshot: Sendable {
        /// Answers by HTTP status; 0 for a connection that failed without one.
        public var statuses: [Int: Int]
        public var latencies: LoadBenchmark.Latencies
        public var created: [UUID]
        public var accepted: [UUID]
        public var refused: Int
        public var sessionsLost: Int
        public var signIns: Int
        public var requests: Int { statuses.values.reduce(0, +) }
        /// Statuses that are not part of the work: refusals (409) are answers, not errors.
        public var errors: [(status: Int, count: Int)] {
            statuses.filter { ![200, 201, 303, 409].contains($0.key) }.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        }
    }

    /// A signed-in user: the session cookie and its CSRF token.
    public struct Session: Sendable {
        public var cookie: String
        public var csrf: String
    }

    public struct Answer: Sendable {
        public var status: Int
        public var headers: HTTPHeaders
        public var body: String
    }

    /// One request, timed to the last byte; a failed connection answers status 0.
    static func send(_ client: HTTPClient, _ method: HTTPMethod, _ url: String, headers: [(String, String)] = [], body: String? = nil,
                     tally: Tally?) async -> Answer {
        var request = HTTPClientRequest(url: url)
        request.method = method
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body { request.body = .bytes(ByteBuffer(string: body)) }
        let clock = ContinuousClock()
        let start = clock.now
        do {
            let response = try await client.execute(request, timeout: .seconds(60))
            let bytes = try await response.body.collect(upTo: 64 << 20)
            tally?.request(Int(response.status.code), clock.now - start)
            return Answer(status: Int(response.status.code), headers: response.headers, body: String(buffer: bytes))
        } catch {
            tally?.request(0, clock.now - start)
            return Answer(status: 0, headers: [:], body: "\(error)")
        }
    }

    static func cookie(_ name: String, in headers: HTTPHeaders) -> String? {
        for line in headers["set-cookie"] {
            let pair = line.split(separator: ";").first.map(String.init) ?? ""
            if pair.hasPrefix(name + "="), pair.count > name.count + 1 { return pair }
        }
        return nil
    }

    static func csrfField(in html: String) -> String? {
        guard let range = html.range(of: #"name="_csrf" value=""#) else { return nil }
        let rest = html[range.upperBound...]
        return rest.firstIndex(of: "\"").map { String(rest[..<$0]) }
    }

    /// The sign-in form, as a browser fills it: its token and cookie, then the session's CSRF token
    /// from the first page. Nil when any step fails (the caller tries again).
    public static func signIn(_ client: HTTPClient, base: String, email: String, password: String, tally: Tally?) async -> Session? {
        let form = await send(client, .GET, base + "/connexion", tally: tally)
        guard form.status == 200, let formCookie = cookie("pacte_connexion", in: form.headers), let token = csrfField(in: form.body) else { return nil }
        func encoded(_ text: String) -> String { text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? text }
        let posted = await send(client, .POST, base + "/connexion",
                                headers: [("Cookie", formCookie), ("Content-Type", "application/x-www-form-urlencoded")],
                                body: "email=\(encoded(email))&password=\(encoded(password))&_csrf=\(encoded(token))&retour=%2F", tally: tally)
        guard posted.status == 303, let session = cookie("pacte_session", in: posted.headers) else { return nil }
        let home = await send(client, .GET, base + "/", headers: [("Cookie", session)], tally: tally)
        guard home.status == 200, let csrf = csrfField(in: home.body) else { return nil }
        tally?.signedIn()
        return Session(cookie: session, csrf: csrf)
    }

    /// `clients` users work until `deadline`; returns the first user's session (for the checks
    /// made afterwards on each instance).
    public static func run(base: String, workload: Workload, clients: Int, until deadline: ContinuousClock.Instant,
                           client: HTTPClient, tally: Tally) async -> Session? {
        await withTaskGroup(of: Session?.self) { group in
            for index in 0..<clients {
                group.addTask {
                    await user(index, base: base, workload: workload, until: deadline, client: client, tally: tally)
                }
            }
            var first: Session?
            for await session in group where first == nil { first = session }
            return first
        }
    }

    static func user(_ index: Int, base: String, workload: Workload, until deadline: ContinuousClock.Instant,
                     client: HTTPClient, tally: Tally) async -> Session? {
        let clock = ContinuousClock()
        var session: Session?
        var lastSession: Session?
        var turn = 0
        let convention = "/conventions/\(workload.conventionID)"
        let api = "/api/v1/conventions/\(workload.conventionID)/interventions"
        while clock.now < deadline {
            guard let current = session else {
                session = await signIn(client, base: base, email: workload.email, password: workload.password, tally: tally)
                if session == nil { try? await Task.sleep(for: .milliseconds(200)) }
                lastSession = session ?? lastSession
                continue
            }
            turn += 1
            let page = await send(client, .GET, base + (turn % 2 == 0 ? convention : convention + "/execution"),
                                  headers: [("Cookie", current.cookie)], tally: tally)
            if page.status == 303, page.headers.first(name: "location")?.hasPrefix("/connexion") == true {
                tally.lostSession()
                session = nil
                continue
            }
            let company = workload.companies[(index + turn) % workload.companies.count]
            let headers = [("Cookie", current.cookie), ("X-CSRF-Token", current.csrf), ("Content-Type", "application/json")]
            let created = await send(client, .POST, base + api, headers: headers, body: """
                {"actionID":"\(workload.actionID)","companyID":"\(company)","label":"Prestation de charge","quote":"\(workload.quote)"}
                """, tally: tally)
            if created.status == 401 { tally.lostSession(); session = nil; continue }
            guard created.status == 201, let id = identifier(in: created.body) else { continue }
            tally.created(id)
            let accepted = await send(client, .POST, base + api + "/\(id)/accept", headers: headers,
                                      body: #"{"date":"\#(workload.date)"}"#, tally: tally)
            switch accepted.status {
            case 200: tally.accepted(id)
            case 409: tally.refusedOne()
            case 401: tally.lostSession(); session = nil
            default: break
            }
        }
        return lastSession
    }

    static func identifier(in json: String) -> UUID? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any] else { return nil }
        return (object["id"] as? String).flatMap(UUID.init(uuidString:))
    }

    /// `clients` loops on one address (the reference: `/health` through the same proxy).
    public static func hammer(_ url: String, clients: Int, until deadline: ContinuousClock.Instant, client: HTTPClient, tally: Tally) async {
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<clients {
                group.addTask {
                    while ContinuousClock().now < deadline { _ = await send(client, .GET, url, tally: tally) }
                }
            }
        }
    }
}
