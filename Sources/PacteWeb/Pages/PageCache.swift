import Fluent
import Foundation
import NIOConcurrencyHelpers
import PacteCore
import PacteStore
import SQLKit
import Vapor

/// Rendered pages kept in memory, each valid for one state of the database.
///
/// Every change Pacte makes to its data is written to the audit trail in the same transaction,
/// under the write lock (`Store.write`), so the trail's last event number is a stamp of the whole
/// database: a page rendered after reading stamp N is still right as long as the stamp is N, on
/// every instance behind a load balancer. A page also depends on the calendar day (deadlines,
/// statuses) and on who looks at it: the viewer's e-mail and CSRF token are left as markers in the
/// cached text and filled in for each request; whether the viewer may write, and is an
/// administrator, are part of the key.
public final class PageCache: Sendable {
    struct Entry {
        var stamp: Int64
        var day: CivilDate
        var html: String
        var lastUsed: UInt64
    }

    struct State {
        var entries: [String: Entry] = [:]
        var bytes = 0
        var clock: UInt64 = 0
    }

    /// The budget in bytes (UTF-8 size of the kept pages); 0 turns the cache off.
    public let budget: Int
    private let state = NIOLockedValueBox(State())

    public init(budget: Int) { self.budget = budget }

    static let emailMarker = "\u{E000}pacte-courriel\u{E000}"
    static let csrfMarker = "\u{E000}pacte-csrf\u{E000}"

    /// The stamp of the database now: the last audit event's number (0 before the first).
    static func stamp(on db: any Database) async throws -> Int64 {
        guard let sql = db as? any SQLDatabase else { return 0 }
        let row = try await sql.raw("SELECT MAX(id) AS stamp FROM \(unsafeRaw: AuditEventModel.schema)").first()
        return try row.flatMap { try $0.decodeNil(column: "stamp") ? nil : try $0.decode(column: "stamp", as: Int64.self) } ?? 0
    }

    /// The page for `key`: from memory when it was rendered for the same stamp and day, otherwise
    /// from `render`, which receives a viewer whose e-mail and CSRF token are markers.
    func page(_ key: String, viewer: Viewer, on db: any Database, render: (Viewer) async throws -> Page) async throws -> Page {
        guard budget > 0 else { return try await render(viewer) }
        // Read before the page's own queries: a change committed in between only makes the entry older than its data.
        let stamp = try await Self.stamp(on: db)
        let day = CivilDate.today()
        let fullKey = "\(key)|\(viewer.isAdmin)"
        let cached: String? = state.withLockedValue { state in
            guard let entry = state.entries[fullKey], entry.stamp == stamp, entry.day == day else { return nil }
            state.clock += 1
            state.entries[fullKey]?.lastUsed = state.clock
            return entry.html
        }
        let html: String
        if let cached {
            html = cached
        } else {
            var template = viewer
            template.email = Self.emailMarker
            template.csrf = Self.csrfMarker
            let page = try await render(template)
            guard page.status == .ok else { return try await render(viewer) }
            html = page.html
            store(fullKey, Entry(stamp: stamp, day: day, html: html, lastUsed: 0))
        }
        return Page(status: .ok, html: html.replacingOccurrences(of: Self.emailMarker, with: XMLEscaping.escape(viewer.email))
            .replacingOccurrences(of: Self.csrfMarker, with: XMLEscaping.escape(viewer.csrf)))
    }

    private func store(_ key: String, _ entry: Entry) {
        let size = entry.html.utf8.count
        guard size <= budget / 4 else { return }
        state.withLockedValue { state in
            state.clock += 1
            var entry = entry
            entry.lastUsed = state.clock
            if let old = state.entries.updateValue(entry, forKey: key) { state.bytes -= old.html.utf8.count }
            state.bytes += size
            guard state.bytes > budget else { return }
            // Over budget: forget the least recently used pages down to three quarters of it.
            for (key, old) in state.entries.sorted(by: { $0.value.lastUsed < $1.value.lastUsed }) {
                guard state.bytes > budget * 3 / 4 else { break }
                state.entries[key] = nil
                state.bytes -= old.html.utf8.count
            }
        }
    }

    /// How many pages and bytes are kept (for the tests and the benchmark).
    public var usage: (pages: Int, bytes: Int) { state.withLockedValue { ($0.entries.count, $0.bytes) } }
}

struct PageCacheKey: StorageKey { typealias Value = PageCache }

extension Application {
    /// The rendered-page cache (`PACTE_PAGE_CACHE_MB`, 64 by default, 0 to turn it off).
    public var pageCache: PageCache {
        get { storage[PageCacheKey.self] ?? PageCache(budget: 0) }
        set { storage[PageCacheKey.self] = newValue }
    }
}
