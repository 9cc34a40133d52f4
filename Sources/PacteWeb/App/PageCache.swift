import Fluent
import Foundation
import NIOConcurrencyHelpers
import PacteCore
import PacteStore
import SQLKit
import Vapor

/// Rendered pages kept in memory, each valid for one state of the database (`DatabaseStamp`):
/// a page rendered after reading stamp N is still right as long as the stamp is N, on every
/// instance behind a load balancer. A page also depends on the calendar day (deadlines,
/// statuses) and on who looks at it: the viewer's e-mail and CSRF token are left as markers in the
/// cached text and filled in for each request; whether the viewer may write, and is an
/// administrator, are part of the key.
public final class PageCache: Sendable {
    /// A kept page cut at its markers, so that serving it is a copy, not a search through its text.
    struct Template: Sendable {
        enum Part: Sendable {
            case text([UInt8])
            case email
            case csrf
        }

        let parts: [Part]
        let size: Int

        init(_ html: String) {
            let bytes = Array(html.utf8)
            let markers = [(Array(PageCache.emailMarker.utf8), Part.email), (Array(PageCache.csrfMarker.utf8), Part.csrf)]
            var parts: [Part] = []
            var start = 0, index = 0
            // Every marker starts with U+E000 (EE 80 80 in UTF-8), a private character Pacte never writes otherwise.
            while index < bytes.count {
                if bytes[index] == 0xEE, let (marker, part) = markers.first(where: { bytes[index...].starts(with: $0.0) }) {
                    parts.append(.text(Array(bytes[start..<index])))
                    parts.append(part)
                    index += marker.count
                    start = index
                } else {
                    index += 1
                }
            }
            parts.append(.text(Array(bytes[start...])))
            self.parts = parts
            self.size = bytes.count
        }

        /// The page for one viewer, as the bytes of the response.
        func filled(email: String, csrf: String) -> ByteBuffer {
            let email = XMLEscaping.escape(email), csrf = XMLEscaping.escape(csrf)
            var buffer = ByteBufferAllocator().buffer(capacity: size + 8 * (email.utf8.count + csrf.utf8.count))
            for part in parts {
                switch part {
                case .text(let bytes): buffer.writeBytes(bytes)
                case .email: buffer.writeString(email)
                case .csrf: buffer.writeString(csrf)
                }
            }
            return buffer
        }
    }

    struct Entry {
        var stamp: Int64
        var day: CivilDate
        var renderedAt: ContinuousClock.Instant
        var template: Template
        var lastUsed: UInt64
    }

    struct State {
        var entries: [String: Entry] = [:]
        var bytes = 0
        var clock: UInt64 = 0
    }

    /// The budget in bytes (UTF-8 size of the kept pages); 0 turns the cache off.
    public let budget: Int
    /// Accounts and rights remembered for the current stamp; on when the budget is not 0.
    let memos: StampedMemos
    private let state = NIOLockedValueBox(State())

    /// Told of every look-up, kept (`true`) or rendered (`false`): the metrics count them.
    let observer: (@Sendable (_ hit: Bool) -> Void)?

    public init(budget: Int, observer: (@Sendable (_ hit: Bool) -> Void)? = nil) {
        self.budget = budget
        self.observer = observer
        self.memos = StampedMemos(enabled: budget > 0)
    }

    static let emailMarker = "\u{E000}pacte-courriel\u{E000}"
    static let csrfMarker = "\u{E000}pacte-csrf\u{E000}"

    /// The page for `key`: from memory when it was rendered for the same stamp and day, otherwise
    /// from `render`, which receives a viewer whose e-mail and CSRF token are markers.
    func page(_ key: String, viewer: Viewer, stamp: Int64, render: (Viewer) async throws -> Page) async throws -> Page {
        guard budget > 0 else { return try await render(viewer) }
        let day = CivilDate.today()
        let fullKey = "\(key)|\(viewer.isAdmin)"
        let cached: Template? = state.withLockedValue { state in
            guard let entry = state.entries[fullKey], entry.stamp == stamp, entry.day == day,
                  ContinuousClock.now - entry.renderedAt < DatabaseStamp.maxAge else { return nil }
            state.clock += 1
            state.entries[fullKey]?.lastUsed = state.clock
            return entry.template
        }
        observer?(cached != nil)
        let template: Template
        if let cached {
            template = cached
        } else {
            var marked = viewer
            marked.email = Self.emailMarker
            marked.csrf = Self.csrfMarker
            let page = try await render(marked)
            guard page.status == .ok else { return try await render(viewer) }
            template = Template(page.html)
            store(fullKey, Entry(stamp: stamp, day: day, renderedAt: .now, template: template, lastUsed: 0))
        }
        return Page(status: .ok, bytes: template.filled(email: viewer.email, csrf: viewer.csrf))
    }

    private func store(_ key: String, _ entry: Entry) {
        let size = entry.template.size
        guard size <= budget / 4 else { return }
        state.withLockedValue { state in
            state.clock += 1
            var entry = entry
            entry.lastUsed = state.clock
            if let old = state.entries.updateValue(entry, forKey: key) { state.bytes -= old.template.size }
            state.bytes += size
            guard state.bytes > budget else { return }
            // Over budget: forget the least recently used pages down to three quarters of it.
            for (key, old) in state.entries.sorted(by: { $0.value.lastUsed < $1.value.lastUsed }) {
                guard state.bytes > budget * 3 / 4 else { break }
                state.entries[key] = nil
                state.bytes -= old.template.size
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
