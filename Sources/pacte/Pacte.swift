import ArgumentParser
import Foundation
import PacteCore

@main
struct Pacte: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pacte",
        abstract: "Pacte : conventions de partenariat pour le développement économique.",
        version: "0.1.0",
        subcommands: [ServeCommand.self, BenchCommand.self, DemoCommand.self, MigrateCommand.self, ReferenceCommand.self, UserCommand.self, AuditLogCommand.self, BackupCommand.self, RestoreCommand.self, PlanCommand.self, AuditCommand.self, ImportCommand.self, RemindersCommand.self, CompaniesCommand.self]
    )
}

/// Writes a French message on standard error.
func printError(_ message: String) {
    FileHandle.standardError.write(Data((message + "\n").utf8))
}
