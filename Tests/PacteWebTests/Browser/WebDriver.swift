import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// A failure of the harness itself (nothing installed, driver not ready, element absent, timeout).
struct BrowserError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// An error reported by chromedriver, with the W3C `error` code and its `message`.
struct WebDriverError: Error, CustomStringConvertible {
    let command: String
    let error: String
    let message: String
    var description: String { "WebDriver \(command): \(error): \(message)" }
}

/// A real headless Chromium driven through W3C WebDriver (chromedriver), one session per instance.
/// Always `quit()` it (or use `Browser.withSession`), otherwise chromedriver outlives the tests.
actor Browser {
    /// A W3C element reference; it can be passed as an argument to `execute`.
    struct Element: Codable, Hashable, Sendable {
        let id: String
        enum CodingKeys: String, CodingKey { case id = "element-6066-11e4-a52e-4f735466cecf" }
    }

    private let driver: Process
    private let base: String
    private let log: URL
    private var session: String?

    private init(driver: Process, port: Int, log: URL) {
        self.driver = driver
        self.base = "http://127.0.0.1:\(port)"
        self.log = log
    }

    // MARK: Installation and life cycle

    static var isRequired: Bool { ProcessInfo.processInfo.environment["PACTE_TEST_BROWSER"] == "required" }
    static var isInstalled: Bool { chromedriverPath != nil && chromiumPath != nil }
    static var chromedriverPath: String? { locate(override: "PACTE_CHROMEDRIVER", names: ["chromedriver"]) }
    static var chromiumPath: String? {
        locate(override: "PACTE_CHROMIUM", names: ["chromium", "chromium-browser", "google-chrome"])
    }

    private static func locate(override: String, names: [String]) -> String? {
        let environment = ProcessInfo.processInfo.environment
        if let path = environment[override], !path.isEmpty {
            return FileManager.default.isExecutableFile(atPath: path) ? path : nil
        }
        let directories = (environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":")
        for name in names {
            for directory in directories where FileManager.default.isExecutableFile(atPath: "\(directory)/\(name)") {
                return "\(directory)/\(name)"
            }
        }
        return nil
    }

    /// Starts chromedriver on a free port and opens a headless, French-speaking Chromium session.
    static func launch(width: Int = 1280, height: Int = 900) async throws -> Browser {
        guard let chromedriver = chromedriverPath, let chromium = chromiumPath else {
            throw BrowserError(
                "Chromium or chromedriver not found (looked at PACTE_CHROMIUM, PACTE_CHROMEDRIVER, then PATH): "
                    + "install the Debian packages chromium and chromium-driver.")
        }
        let port = try await freePort()
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("pacte-chromedriver-\(UUID().uuidString).log")
        guard FileManager.default.createFile(atPath: log.path, contents: nil) else {
            throw BrowserError("cannot create the chromedriver log \(log.path)")
        }
        let output = try FileHandle(forWritingTo: log)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: chromedriver)
        process.arguments = ["--port=\(port)"]
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = output
        process.standardError = output
        try process.run()
        try? output.close()
        let browser = Browser(driver: process, port: port, log: log)
        do {
            try await browser.waitUntilReady(timeout: .seconds(20))
            try await browser.startSession(chromium: chromium, width: width, height: height)
        } catch {
            await browser.quit()
            throw error
        }
        return browser
    }

    /// Runs `body` with a fresh browser and quits it afterwards, whether `body` throws or not.
    static func withSession<T>(
        width: Int = 1280, height: Int = 900, _ body: (Browser) async throws -> T
    ) async throws -> T {
        let browser = try await launch(width: width, height: height)
        do {
            let result = try await body(browser)
            await browser.quit()
            return result
        } catch {
            await browser.quit()
            throw error
        }
    }

    /// Closes the session and stops chromedriver; safe to call more than once.
    func quit() async {
        if let session {
            self.session = nil
            _ = try? await send(.DELETE, "/session/\(session)", nil)
        }
        if driver.isRunning {
            driver.terminate()
            for _ in 0..<30 where driver.isRunning { try? await Task.sleep(for: .milliseconds(100)) }
            if driver.isRunning { kill(driver.processIdentifier, SIGKILL) }
        }
        try? FileManager.default.removeItem(at: log)
    }

    private static func freePort() async throws -> Int {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(host: "127.0.0.1", port: 0).get()
        let port = channel.localAddress?.port
        try await channel.close().get()
        guard let port else { throw BrowserError("no free TCP port for chromedriver") }
        return port
    }

    private var logText: String { (try? String(contentsOf: log, encoding: .utf8)) ?? "(no chromedriver log)" }

    private func waitUntilReady(timeout: Duration) async throws {
        struct Status: Decodable { let ready: Bool }
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            guard driver.isRunning else {
                throw BrowserError("chromedriver exited with status \(driver.terminationStatus). Log:\n\(logText)")
            }
            // A short timeout: the HTTP client retries a refused connection until the request deadline.
            if let status: Status = try? await call(.GET, "/status", timeout: .seconds(1)), status.ready { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw BrowserError("chromedriver not ready at \(base) after \(timeout). Log:\n\(logText)")
    }

    private func startSession(chromium: String, width: Int, height: Int) async throws {
        struct ChromeOptions: Encodable { let binary: String; let args: [String] }
        struct Match: Encodable {
            let options: ChromeOptions
            enum CodingKeys: String, CodingKey { case options = "goog:chromeOptions" }
        }
        struct Capabilities: Encodable { let alwaysMatch: Match }
        struct Created: Decodable { let sessionId: String }
        // --no-sandbox: Chromium refuses to start as root (containers, CI) with its sandbox on.
        let args = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--lang=fr-FR",
                    "--window-size=\(width),\(height)"]
        let options = ChromeOptions(binary: chromium, args: args)
        do {
            let created: Created = try await call(.POST, "/session", ["capabilities": Capabilities(alwaysMatch: Match(options: options))])
            session = created.sessionId
        } catch let error as WebDriverError {
            throw BrowserError("\(error)\nchromedriver log:\n\(logText)")
        }
        try await perform(.POST, at("/timeouts"), ["script": 10_000, "pageLoad": 30_000, "implicit": 0])
    }

    // MARK: Navigation

    func go(_ url: String) async throws { try await perform(.POST, at("/url"), ["url": url]) }
    var currentURL: String { get async throws { try await call(.GET, at("/url")) } }
    var title: String { get async throws { try await call(.GET, at("/title")) } }
    func source() async throws -> String { try await call(.GET, at("/source")) }

    // MARK: Elements

    func find(_ css: String) async throws -> Element {
        do {
            return try await call(.POST, at("/element"), ["using": "css selector", "value": css])
        } catch let error as WebDriverError where error.error == "no such element" {
            let url = (try? await currentURL) ?? "?"
            throw BrowserError("no element matches `\(css)` on \(url)")
        }
    }

    func findAll(_ css: String) async throws -> [Element] {
        try await call(.POST, at("/elements"), ["using": "css selector", "value": css])
    }

    func exists(_ css: String) async throws -> Bool { try await !findAll(css).isEmpty }

    func click(_ css: String) async throws { try await click(find(css)) }
    func click(_ element: Element) async throws { try await perform(.POST, at("/element/\(element.id)/click"), [String: String]()) }

    /// Clicks a submit button; kept apart from `click` so that tests read as the user acts.
    func submit(_ buttonCSS: String) async throws { try await click(buttonCSS) }

    /// Clears the field, then types `text` as key strokes.
    func type(_ css: String, _ text: String) async throws {
        let element = try await find(css)
        try await perform(.POST, at("/element/\(element.id)/clear"), [String: String]())
        try await perform(.POST, at("/element/\(element.id)/value"), ["text": text])
    }

    /// Chooses a file in an `<input type="file">`, as a user picking it would (the path is typed, never cleared first).
    func attach(_ css: String, file path: String) async throws {
        let element = try await find(css)
        try await perform(.POST, at("/element/\(element.id)/value"), ["text": path])
    }

    func text(_ css: String) async throws -> String { try await text(find(css)) }
    func text(_ element: Element) async throws -> String { try await call(.GET, at("/element/\(element.id)/text")) }

    func attribute(_ css: String, _ name: String) async throws -> String? {
        let element = try await find(css)
        return try await call(.GET, at("/element/\(element.id)/attribute/\(name)"))
    }

    /// The live `value` property of a field (the attribute only holds the initial value).
    func value(_ css: String) async throws -> String {
        let element = try await find(css)
        return try await call(.GET, at("/element/\(element.id)/property/value"))
    }

    /// Chooses the option of a `<select>` whose visible text is `optionText`, by clicking it like a user.
    func select(_ css: String, optionText: String) async throws {
        for option in try await findAll("\(css) option") {
            if try await text(option).trimmingCharacters(in: .whitespacesAndNewlines) == optionText { return try await click(option) }
        }
        throw BrowserError("no option `\(optionText)` in `\(css)` on \((try? await currentURL) ?? "?")")
    }

    func select(_ css: String, value: String) async throws {
        let quoted = value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
        try await click("\(css) option[value=\"\(quoted)\"]")
    }

    func waitFor(_ css: String, timeout: Duration = .seconds(5)) async throws {
        let deadline = ContinuousClock.now + timeout
        while try await !exists(css) {
            guard ContinuousClock.now < deadline else {
                throw BrowserError("`\(css)` did not appear within \(timeout) on \((try? await currentURL) ?? "?")")
            }
            try await Task.sleep(for: .milliseconds(100))
        }
    }

    // MARK: Keyboard

    /// Sends a real Tab (or Shift+Tab) key press through the Actions API.
    func pressTab(backwards: Bool = false) async throws {
        struct Key: Encodable { let type: String; let value: String }
        struct Source: Encodable { var type = "key", id = "keyboard"; let actions: [Key] }
        let tab = "\u{E004}", shift = "\u{E008}"
        var keys = [Key(type: "keyDown", value: tab), Key(type: "keyUp", value: tab)]
        if backwards { keys = [Key(type: "keyDown", value: shift)] + keys + [Key(type: "keyUp", value: shift)] }
        try await perform(.POST, at("/actions"), ["actions": [Source(actions: keys)]])
        try await perform(.DELETE, at("/actions"))
    }

    /// `tag#id "text"` of `document.activeElement`, e.g. `a#skip "Aller au contenu"`.
    func activeElementDescription() async throws -> String {
        try await execute("""
            const e = document.activeElement;
            if (!e) return '';
            const name = (e.innerText || e.value || e.getAttribute('aria-label') || '').replace(/\\s+/g, ' ').trim().slice(0, 60);
            return e.localName + (e.id ? '#' + e.id : '') + (name ? ' "' + name + '"' : '');
            """)
    }

    // MARK: Scripts and screenshots

    /// Runs `script` as the body of a synchronous function (`arguments[i]` are `args`) and decodes its result.
    func execute<T: Decodable>(_ script: String, _ args: [any Encodable & Sendable] = []) async throws -> T {
        try await call(.POST, at("/execute/sync"), Script(script: script, args: args))
    }

    /// Runs `script` for its effects only.
    func run(_ script: String, _ args: [any Encodable & Sendable] = []) async throws {
        try await perform(.POST, at("/execute/sync"), Script(script: script, args: args))
    }

    func screenshot(to path: String) async throws {
        let encoded: String = try await call(.GET, at("/screenshot"))
        guard let png = Data(base64Encoded: encoded) else { throw BrowserError("screenshot is not base64") }
        let url = URL(fileURLWithPath: path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try png.write(to: url)
    }

    // MARK: Wire protocol

    private struct Script: Encodable {
        let script: String
        let args: [any Encodable & Sendable]
        enum CodingKeys: String, CodingKey { case script, args }
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(script, forKey: .script)
            var list = container.nestedUnkeyedContainer(forKey: .args)
            for arg in args { try list.encode(arg) }
        }
    }

    private struct Reply<Value: Decodable>: Decodable { let value: Value }

    private func at(_ path: String) throws -> String {
        guard let session else { throw BrowserError("the browser session is closed") }
        return "/session/\(session)\(path)"
    }

    private func call<Value: Decodable>(
        _ method: HTTPMethod, _ path: String, _ body: (any Encodable)? = nil, timeout: TimeAmount = .seconds(60)
    ) async throws -> Value {
        let data = try await send(method, path, body.map { try JSONEncoder().encode($0) }, timeout: timeout)
        do {
            return try JSONDecoder().decode(Reply<Value>.self, from: data).value
        } catch {
            throw BrowserError("unexpected reply to \(method) \(path) (\(error)): \(String(decoding: data.prefix(300), as: UTF8.self))")
        }
    }

    private func perform(_ method: HTTPMethod, _ path: String, _ body: (any Encodable)? = nil) async throws {
        _ = try await send(method, path, body.map { try JSONEncoder().encode($0) })
    }

    private func send(_ method: HTTPMethod, _ path: String, _ body: Data?, timeout: TimeAmount = .seconds(60)) async throws -> Data {
        var request = HTTPClientRequest(url: base + path)
        request.method = method
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json; charset=utf-8")
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        let response = try await HTTPClient.shared.execute(request, timeout: timeout)
        let data = Data(try await response.body.collect(upTo: 256 << 20).readableBytesView)
        guard (200..<300).contains(response.status.code) else {
            struct Failure: Decodable {
                struct Detail: Decodable { let error: String; let message: String }
                let value: Detail
            }
            let detail = try? JSONDecoder().decode(Failure.self, from: data).value
            throw WebDriverError(
                command: "\(method) \(path)", error: detail?.error ?? "HTTP \(response.status.code)",
                message: detail?.message ?? String(decoding: data.prefix(500), as: UTF8.self))
        }
        return data
    }
}
