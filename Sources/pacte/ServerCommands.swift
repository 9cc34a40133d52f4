import ArgumentParser
import Fluent
import Foundation
import NIOConcurrencyHelpers
import PacteCore
import PacteStore
import PacteWeb
import Vapor

/// Options shared by every command that opens the database.
struct DatabaseOptions: ParsableArguments {
    @ArgumentParser.Option(name: .customLong("database-url"), help: "postgres://… ou sqlite:///chemin (défaut : DATABASE_URL, sinon pacte.sqlite dans PACTE_DATA_DIR).")
    var databaseURL: String?

    var location: DatabaseLocation {
        get throws {
            let env = ProcessInfo.processInfo.environment
            return try DatabaseLocation.resolve(databaseURL: databaseURL ?? env["DATABASE_URL"],
                                                dataDirectory: env["PACTE_DATA_DIR"] ?? "pacte-data")
        }
    }

    static let loggingBootstrapped = NIOLockedValueBox(false)

    /// A configured application (not started); the caller shuts it down. `instance` names the
    /// process in logs, metrics and PostgreSQL when `PACTE_INSTANCE` does not.
    func application(arguments: [String] = ["pacte"], instance: String? = nil) async throws -> Application {
        var environment = Environment(name: ProcessInfo.processInfo.environment["PACTE_ENV"] ?? "production", arguments: arguments)
        // The logging system takes one bootstrap per process; `bench scale` opens several applications.
        if !Self.loggingBootstrapped.withLockedValue({ done in defer { done = true }; return done }) {
            try LogFormat.bootstrap(from: &environment)
        }
        var settings = try PacteSettings.fromEnvironment()
        if settings.instance == nil { settings.instance = instance }
        do { AuditKey.processKey = try AuditKey.fromEnvironment() } catch { throw ValidationError(error.description) }
        let app = try await Application.make(environment)
        do {
            try PacteApp.configure(app, location: try location, settings: settings)
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
        return app
    }
}

/// How log lines are written (`PACTE_LOG_FORMAT`): `text` for a terminal, `json` (one object per
/// line, request lines at `info` unless `LOG_LEVEL` says otherwise) for a log collector.
enum LogFormat {
    static func bootstrap(from environment: inout Environment) throws {
        let format = ProcessInfo.processInfo.environment["PACTE_LOG_FORMAT"]?.lowercased() ?? "text"
        switch format {
        case "text", "":
            try LoggingSystem.bootstrap(from: &environment)
        case "json":
            let explicit = ProcessInfo.processInfo.environment["LOG_LEVEL"] != nil || environment.arguments.contains("--log")
            try LoggingSystem.bootstrap(from: &environment) { detected in
                let level = explicit ? detected : .info
                return { label in JSONLogHandler(label: label, level: level) }
            }
        default:
            throw ValidationError("PACTE_LOG_FORMAT vaut « \(format) » : text ou json.")
        }
    }
}

/// Runs `body` with a configured, migrated application, and always shuts it down.
func withApplication<T>(_ options: DatabaseOptions, migrate: Bool = true, _ body: (Application) async throws -> T) async throws -> T {
    try await PacteApp.run(try await options.application(), migrate: migrate, body)
}

func printDemoAccounts(_ report: DemoData.Report) {
    if report.alreadyLoaded {
        print("Les données de démonstration sont déjà chargées (mot de passe affiché lors du premier chargement).")
    } else {
        print("Données de démonstration chargées : \(report.conventions.count) conventions des documents sources.")
    }
    print("Comptes de DÉMONSTRATION (à ne pas utiliser en production) :")
    for account in report.accounts {
        print("  \(account.email)  —  \(account.role), \(account.organisation)")
    }
    if !report.alreadyLoaded { print("Mot de passe commun des comptes de démonstration : \(report.password)") }
}

func loadDemo(_ app: Application) async throws -> DemoData.Report {
    let password = "demo-" + UUID().uuidString.prefix(13).lowercased()
    let hash = try await app.password.async.hash(password)
    let reference = try await ReferenceData.load(on: app.db)
    print("Référentiels chargés : \(reference.communes) communes, \(reference.epci) EPCI, \(reference.naf) codes NAF.")
    return try await DemoData.load(on: app.db, password: password, hash: hash, execution: true)
}

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "serve", abstract: "Démarre le serveur Pacte (SQLite par défaut).")

    @ArgumentParser.OptionGroup var database: DatabaseOptions
    @ArgumentParser.Option(help: "Port d'écoute (défaut : PORT, sinon 8080).") var port: Int?
    @ArgumentParser.Option(help: "Adresse d'écoute.") var hostname = "127.0.0.1"
    @ArgumentParser.Flag(name: .customLong("no-migrate"), help: "Ne pas appliquer les migrations au démarrage.") var noMigrate = false
    @ArgumentParser.Flag(help: "Charge les données de démonstration (cinq conventions sources) avant de démarrer.") var demo = false

    func run() async throws {
        let port = self.port ?? Int(ProcessInfo.processInfo.environment["PORT"] ?? "") ?? 8080
        let app = try await database.application(arguments: ["pacte", "serve", "--hostname", hostname, "--port", String(port)],
                                                 instance: "\(ProcessInfo.processInfo.hostName):\(port)")
        do {
            if !noMigrate {
                try await DatabaseSetup.prepare(app.db)
                try await app.autoMigrate()
            }
            if demo { printDemoAccounts(try await loadDemo(app)) }
            print("Pacte écoute sur http://\(hostname):\(port) — base : \(try database.location)")
            // Under systemd or a pipe stdout is block-buffered: without this the demo accounts and this line wait for kilobytes more.
            fflush(nil)
            let watchdog = PoolWatchdog.start(app, location: try database.location)
            defer { watchdog?.cancel() }
            try await app.execute()
            try await app.asyncShutdown()
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
    }
}

struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "demo", abstract: "Charge les cinq conventions sources et crée les comptes de démonstration.")
    @ArgumentParser.OptionGroup var database: DatabaseOptions

    func run() async throws {
        try await withApplication(database) { app in printDemoAccounts(try await loadDemo(app)) }
    }
}

struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "migrate", abstract: "Applique les migrations de la base.")
    @ArgumentParser.OptionGroup var database: DatabaseOptions

    func run() async throws {
        try await withApplication(database) { _ in print("Base à jour : \(try database.location)") }
    }
}

struct ReferenceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "reference", abstract: "Référentiels publics (communes, EPCI, NAF).",
                                                    subcommands: [Load.self])

    struct Load: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "load", abstract: "Charge (ou recharge) les référentiels livrés avec Pacte.")
        @ArgumentParser.OptionGroup var database: DatabaseOptions

        func run() async throws {
            try await withApplication(database) { app in
                let report = try await ReferenceData.load(on: app.db) { print($0) }
                print("\(report.regions) régions, \(report.departements) départements, \(report.epci) EPCI, \(report.communes) communes, \(report.naf) codes NAF.")
            }
        }
    }
}

struct UserCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "user", abstract: "Comptes utilisateurs.", subcommands: [Add.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "add", abstract: "Crée un compte ; le mot de passe est lu sur l'entrée standard.")
        @ArgumentParser.OptionGroup var database: DatabaseOptions
        @ArgumentParser.Option(help: "Adresse électronique.") var email: String
        @ArgumentParser.Option(help: "SIREN de l'organisation.") var organisation: String
        @ArgumentParser.Option(help: "Rôle : orgAdmin, agent ou reader.") var role: String
        @ArgumentParser.Option(help: "Nom affiché.") var name: String?
        @ArgumentParser.Flag(name: .customLong("platform-admin"), help: "Administrateur de la plateforme.") var platformAdmin = false

        func run() async throws {
            guard let role = MembershipRole(rawValue: role) else {
                throw ValidationError("Rôle inconnu « \(role) » : orgAdmin, agent ou reader.")
            }
            let siren: Siren
            do { siren = try Siren(organisation) } catch { throw ValidationError("SIREN invalide : \(error)") }
            guard let line = readLine(strippingNewline: true), !line.isEmpty else {
                throw ValidationError("Mot de passe attendu sur l'entrée standard.")
            }
            try await withApplication(database) { app in
                guard let org = try await OrganisationModel.query(on: app.db).filter(\.$siren == siren).first() else {
                    throw ValidationError("Aucune organisation de SIREN \(siren.digits) : créez-la d'abord (API /api/v1/organisations ou `pacte demo`).")
                }
                let user = try await Accounts.createUser(email: email, displayName: name, password: line, organisationID: try org.requireID(),
                                                         role: role, isPlatformAdmin: platformAdmin,
                                                         actor: .system, on: app.db) { try await app.password.async.hash($0) }
                print("Compte créé : \(user.email) (\(role.label), \(org.name)).")
            }
        }
    }
}

struct AuditLogCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "audit-log", abstract: "Journal d'audit chaîné.", subcommands: [Verify.self, Checkpoint.self])

    /// The daily log of checkpoints: `PACTE_AUDIT_CHECKPOINTS`, else `audit-checkpoints.jsonl` in PACTE_DATA_DIR.
    static var checkpointLog: URL {
        let env = ProcessInfo.processInfo.environment
        if let path = env["PACTE_AUDIT_CHECKPOINTS"], !path.isEmpty { return URL(fileURLWithPath: path) }
        return URL(fileURLWithPath: env["PACTE_DATA_DIR"] ?? "pacte-data").appendingPathComponent("audit-checkpoints.jsonl")
    }

    /// The audit commands read the seals of migration 040: on a database not migrated yet, say so in French.
    static func requireMigrated(_ app: Application) async throws {
        guard let pending = await PacteApp.pendingMigrations(app) else {
            throw ValidationError("Base vide ou sans journal des migrations : lancez d'abord pacte migrate (ou vérifiez DATABASE_URL et PACTE_DATA_DIR).")
        }
        guard pending.isEmpty else {
            throw ValidationError("La base n'est pas à jour : \(pending.count) migration(s) en attente. Lancez d'abord pacte migrate.")
        }
    }

    /// Appends the trail's head to `files` (the daily log when none is named) and says where.
    static func writeCheckpoint(_ app: Application, to files: [URL]) async throws -> AuditCheckpoint {
        let checkpoint = try await AuditTrail.checkpoint(on: app.db, key: AuditKey.processKey)
        for file in files { try checkpoint.append(to: file) }
        return checkpoint
    }

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "verify",
            abstract: "Vérifie la chaîne d'empreintes, les sceaux (PACTE_AUDIT_KEY) et les points de contrôle ; signale le premier maillon rompu.")
        @ArgumentParser.OptionGroup var database: DatabaseOptions
        @ArgumentParser.Option(name: .customLong("checkpoint"), help: "Fichier de points de contrôle (répétable ; le journal quotidien est lu s'il existe).")
        var checkpointFiles: [String] = []

        func run() async throws {
            var files = checkpointFiles.map { URL(fileURLWithPath: $0) }
            if FileManager.default.fileExists(atPath: AuditLogCommand.checkpointLog.path) { files.append(AuditLogCommand.checkpointLog) }
            var checkpoints: [AuditCheckpoint] = []
            for file in files {
                do { checkpoints += try AuditCheckpoint.read(file) } catch let error as AuditCheckpointError {
                    throw ValidationError(error.description)
                } catch { throw ValidationError("\(file.path) : fichier illisible.") }
            }
            let result = try await withApplication(database, migrate: false) { app in
                try await AuditLogCommand.requireMigrated(app)
                return try await AuditTrail.verify(on: app.db, key: AuditKey.processKey, checkpoints: checkpoints)
            }
            if let broken = result.firstBroken {
                printError("Journal d'audit ALTÉRÉ : événement n° \(broken.eventID) — \(broken.reason). \(result.checked) événement(s) vérifié(s) avant lui.")
                throw ExitCode(4)
            }
            var said = "Journal d'audit intègre : \(result.checked) événement(s) vérifié(s)"
            if AuditKey.processKey != nil {
                said += result.unsealed > 0 ? ", dont \(result.unsealed) antérieur(s) à la clé, non scellé(s)" : ", tous scellés"
            } else {
                said += " (sans PACTE_AUDIT_KEY : un événement ajouté avec une empreinte recalculée ne se verrait pas)"
            }
            print(said + (result.checkpoints > 0 ? ", \(result.checkpoints) point(s) de contrôle atteint(s)." : ", aucun point de contrôle."))
        }
    }

    struct Checkpoint: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "checkpoint",
            abstract: "Note la tête du journal (nombre, dernier événement, empreinte, sceau) hors de la base ; `pacte backup` et `pacte reminders` le font aussi.")
        @ArgumentParser.OptionGroup var database: DatabaseOptions
        @ArgumentParser.Argument(help: "Fichier où l'ajouter (défaut : PACTE_AUDIT_CHECKPOINTS, sinon audit-checkpoints.jsonl dans PACTE_DATA_DIR).")
        var file: String?

        func run() async throws {
            let url = file.map { URL(fileURLWithPath: $0) } ?? AuditLogCommand.checkpointLog
            let checkpoint = try await withApplication(database, migrate: false) { app in
                try await AuditLogCommand.requireMigrated(app)
                return try await AuditLogCommand.writeCheckpoint(app, to: [url])
            }
            print("Point de contrôle ajouté à \(url.path) : \(checkpoint.count) événement(s), dernier n° \(checkpoint.lastID)\(checkpoint.seal == nil ? " (non scellé : PACTE_AUDIT_KEY absente)" : ", scellé").")
        }
    }
}

struct BackupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "backup", abstract: "Copie cohérente de la base, serveur en marche.")
    @ArgumentParser.OptionGroup var database: DatabaseOptions
    @ArgumentParser.Argument(help: "Fichier de sauvegarde à créer.") var file: String

    func run() async throws {
        let location = try database.location
        let checkpointFile = URL(fileURLWithPath: file + ".audit-checkpoint.jsonl")
        let checkpointed = try await withApplication(database, migrate: false) { app in
            try await Backup.backup(location, to: file, db: app.db)
            // The head of the trail at the backup, beside it and in the daily log: a later truncation shows.
            // A database not migrated yet is still backed up (before an upgrade, above all), without checkpoint.
            if await PacteApp.pendingMigrations(app)?.isEmpty == true {
                _ = try await AuditLogCommand.writeCheckpoint(app, to: [checkpointFile, AuditLogCommand.checkpointLog])
                return true
            }
            return false
        }
        print("Sauvegarde écrite : \(file)" + (checkpointed ? " (point de contrôle du journal d'audit : \(checkpointFile.path))"
            : " (sans point de contrôle du journal d'audit : base à migrer)"))
    }
}

struct RestoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "restore", abstract: "Restaure une sauvegarde (arrêtez le serveur avant, pour SQLite).")
    @ArgumentParser.OptionGroup var database: DatabaseOptions
    @ArgumentParser.Argument(help: "Fichier de sauvegarde.") var file: String

    func run() async throws {
        let location = try database.location
        try Backup.restore(location, from: file)
        let ok = try await withApplication(database, migrate: false) { app in try await Backup.integrityCheck(on: app.db) }
        guard ok else {
            printError("La base restaurée ne passe pas le contrôle d'intégrité.")
            throw ExitCode(5)
        }
        print("Sauvegarde restaurée et vérifiée : \(location)")
    }
}
