import Foundation

/// nginx in front of the Pacte servers, on loopback, from a configuration of its own folder: the
/// same proxy settings as the README's « Deploying » section. One port balances every server,
/// another sends everything to the first one, so that one process and three are measured through
/// the same proxy in the same run.
public final class NginxBalancer: @unchecked Sendable {
    public let port: Int
    public let singlePort: Int
    let directory: String
    let process: Process

    public init(directory: String, port: Int, singlePort: Int, servers: [Int]) throws {
        guard let nginx = BenchTools.which("nginx") else {
            throw BenchTools.Failure(description: "nginx est introuvable : installez-le (Debian : apt-get install nginx-light).")
        }
        self.port = port
        self.singlePort = singlePort
        self.directory = directory
        let temporary = directory + "/tmp"
        try FileManager.default.createDirectory(atPath: temporary, withIntermediateDirectories: true)
        // Workers run as `nobody` when nginx starts as root: they write request bodies there.
        try FileManager.default.setAttributes([.posixPermissions: 0o777], ofItemAtPath: temporary)
        try Self.configuration(directory: directory, port: port, singlePort: singlePort, servers: servers)
            .write(toFile: directory + "/nginx.conf", atomically: true, encoding: .utf8)
        process = Process()
        process.executableURL = URL(fileURLWithPath: nginx)
        process.arguments = ["-p", directory, "-c", directory + "/nginx.conf", "-e", directory + "/error.log"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        let check = try BenchTools.run(nginx, process.arguments! + ["-t"])
        guard check.status == 0 else { throw BenchTools.Failure(description: "Configuration nginx refusée : \(check.stderr)") }
        try process.run()
    }

    public var base: String { "http://127.0.0.1:\(port)" }
    public var singleBase: String { "http://127.0.0.1:\(singlePort)" }
    public var accessLog: String { directory + "/access.log" }

    /// The proxy part is the README's; only the paths and ports are the benchmark's.
    static func configuration(directory: String, port: Int, singlePort: Int, servers: [Int]) -> String {
        func upstream(_ name: String, _ ports: [Int]) -> String {
            """
            upstream \(name) {
            \(ports.map { "    server 127.0.0.1:\($0) max_fails=1 fail_timeout=3s;" }.joined(separator: "\n"))
                keepalive 64;
            }
            """
        }
        func server(_ listen: Int, _ upstream: String) -> String {
            """
            server {
                listen 127.0.0.1:\(listen);
                client_max_body_size 64m;
                location = /metrics { return 404; }
                location / {
                    proxy_pass http://\(upstream);
                    proxy_http_version 1.1;
                    proxy_set_header Connection "";
                    proxy_set_header Host $host;
                    proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
                    proxy_set_header X-Forwarded-Proto $scheme;
                    proxy_set_header X-Request-Id $request_id;
                    proxy_next_upstream error timeout http_502 http_503;
                    proxy_connect_timeout 2s;
                    proxy_read_timeout 120s;
                }
            }
            """
        }
        return """
        worker_processes 2;
        pid \(directory)/nginx.pid;
        daemon off;
        error_log \(directory)/error.log warn;
        events { worker_connections 4096; }
        http {
            log_format pacte '$remote_addr [$time_iso8601] "$request" $status $body_bytes_sent $request_time $upstream_addr $request_id';
            access_log \(directory)/access.log pacte buffer=64k flush=1s;
            client_body_temp_path \(directory)/tmp/body;
            proxy_temp_path \(directory)/tmp/proxy;
            fastcgi_temp_path \(directory)/tmp/fastcgi;
            uwsgi_temp_path \(directory)/tmp/uwsgi;
            scgi_temp_path \(directory)/tmp/scgi;
        \(upstream("pacte", servers))
        \(upstream("pacte_un", Array(servers.prefix(1))))
        \(server(port, "pacte"))
        \(server(singlePort, "pacte_un"))
        }
        """
    }

    /// Waits until nginx answers on its port (whatever the servers behind it say).
    public func waitUntilListening(timeout: Duration = .seconds(15)) async throws {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        while clock.now < deadline {
            guard process.isRunning else { throw BenchTools.Failure(description: "nginx s'est arrêté au démarrage ; voir \(directory)/error.log.") }
            if (try? await LoadBenchmark.get(base + "/health", token: nil)) != nil { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw BenchTools.Failure(description: "nginx ne répond pas sur \(base) ; voir \(directory)/error.log.")
    }

    public func stop() {
        guard process.isRunning else { return }
        process.terminate()
        process.waitUntilExit()
    }
}
