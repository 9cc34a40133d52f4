import Foundation

/// A PostgreSQL server of its own for the cluster benchmark, on loopback, in a temporary folder:
/// started, restarted once under load, stopped and removed at the end. As root, it runs as the
/// `postgres` account (PostgreSQL refuses root).
public final class ThrowawayPostgres: @unchecked Sendable {
    public let port: Int
    let directory: String
    let bin: String
    let runAs: [String]

    public init(directory: String, port: Int) throws {
        guard let bin = (try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql"))?
            .sorted(by: { $0.compare($1, options: .numeric) == .orderedAscending }).last.map({ "/usr/lib/postgresql/\($0)/bin" }),
            FileManager.default.isExecutableFile(atPath: bin + "/initdb") else {
            throw BenchTools.Failure(description: "PostgreSQL est introuvable (/usr/lib/postgresql/*/bin) : installez-le (Debian : apt-get install postgresql).")
        }
        self.bin = bin
        self.port = port
        self.directory = directory
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        if getuid() == 0 {
            if (try? BenchTools.run("id", ["postgres"]))?.status != 0 {
                _ = try BenchTools.run("useradd", ["--system", "--no-create-home", "postgres"])
            }
            _ = try BenchTools.run("chown", ["postgres", directory])
            runAs = ["runuser", "-u", "postgres", "--"]
        } else {
            runAs = []
        }
        try run("initdb", ["-D", data, "-U", "pacte", "--auth=trust", "-E", "UTF8"])
    }

    var data: String { directory + "/data" }
    public var url: String { "postgres://pacte@127.0.0.1:\(port)/pacte?sslmode=disable" }

    /// Through the shell, output to `pg_ctl.log`: the server `pg_ctl` starts would inherit pipes
    /// and hold them open, and Foundation's `Process` does not always see `runuser` end.
    private func run(_ tool: String, _ arguments: [String]) throws {
        let words = runAs + [bin + "/" + tool] + arguments
        let log = directory + "/pg_ctl.log"
        let status = system(words.map(Self.quoted).joined(separator: " ") + " </dev/null >>" + Self.quoted(log) + " 2>&1")
        guard status == 0 else {
            let said = (try? String(contentsOfFile: log, encoding: .utf8))?.split(separator: "\n").suffix(5).joined(separator: "\n") ?? ""
            throw BenchTools.Failure(description: "PostgreSQL : \(tool) a échoué (\(status)) : \(said)")
        }
    }

    static func quoted(_ word: String) -> String { "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'" }

    /// Enough connections for three instances at their largest pool and the checks.
    public func start() throws {
        try run("pg_ctl", ["-D", data, "-o", "-p \(port) -k \(directory) -c listen_addresses=127.0.0.1 -c max_connections=300 -c fsync=on",
                           "-l", directory + "/postgresql.log", "-w", "start"])
        let created = try BenchTools.run(bin + "/createdb", ["-h", "127.0.0.1", "-p", String(port), "-U", "pacte", "pacte"])
        guard created.status == 0 || created.stderr.contains("already exists") else {
            throw BenchTools.Failure(description: "PostgreSQL : createdb a échoué : \(created.stderr)")
        }
    }

    /// A fast restart: every session is cut, transactions in flight are rolled back.
    public func restart() throws {
        try run("pg_ctl", ["-D", data, "-m", "fast", "-w", "restart"])
    }

    public func stop() {
        try? run("pg_ctl", ["-D", data, "-m", "fast", "-w", "stop"])
        try? FileManager.default.removeItem(atPath: directory)
    }
}
