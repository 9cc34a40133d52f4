import Foundation
import PacteCore
import Plot
import Vapor

typealias BodyNode = Node<HTML.BodyContext>

/// The sections of the main navigation; the current one is marked `aria-current="page"`.
enum NavSection: String, CaseIterable, Sendable {
    case dashboard, conventions, catalogue, companies, register, departements, directory

    var label: String {
        switch self {
        case .dashboard: "Tableau de bord"
        case .conventions: "Conventions"
        case .catalogue: "Prestations"
        case .companies: "Entreprises"
        case .register: "Registre des entreprises"
        case .departements: "Départements"
        case .directory: "Annuaire"
        }
    }

    var path: String {
        switch self {
        case .dashboard: "/"
        case .conventions: "/conventions"
        case .catalogue: "/prestations"
        case .companies: "/entreprises"
        case .register: "/registre"
        case .departements: "/territoires/departements"
        case .directory: "/organisations"
        }
    }
}

/// Who is looking at the page, as the layout needs it.
struct Viewer: Sendable {
    var email: String
    var csrf: String
    /// A platform administrator sees the link to the settings.
    var isAdmin = false
}

/// A complete HTML page: the layout (skip link, header, navigation, breadcrumbs, footer) around a body.
struct Page: AsyncResponseEncodable, Sendable {
    var status: HTTPResponseStatus
    /// Rendered at once: Plot nodes are not Sendable.
    var html: String { bytes.map { String(buffer: $0) } ?? text }
    private var text: String
    /// The response's bytes, when already built (a page from `PageCache`).
    private var bytes: ByteBuffer?

    init(title: String, section: NavSection?, viewer: Viewer?, breadcrumbs: [(label: String, path: String?)] = [],
         status: HTTPResponseStatus = .ok, printable: Bool = false, content: BodyNode) {
        self.status = status
        self.text = Page.render(title: title, section: section, viewer: viewer, breadcrumbs: breadcrumbs, printable: printable, content: content)
    }

    /// A page already rendered, as the bytes of the response (from `PageCache`).
    init(status: HTTPResponseStatus, bytes: ByteBuffer) {
        self.status = status
        self.text = ""
        self.bytes = bytes
    }

    func encodeResponse(for request: Request) async throws -> Response {
        let response = Response(status: status, body: bytes.map { .init(buffer: $0) } ?? .init(string: text))
        response.headers.contentType = .html
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return response
    }

    /// `stylesheet` nil: the served stylesheet and script; a file name: a standalone document (the PDF's)
    /// that reads its stylesheet beside it and needs no script.
    static func render(title: String, section: NavSection?, viewer: Viewer?, breadcrumbs: [(label: String, path: String?)],
                       printable: Bool, stylesheet: String? = nil, content: BodyNode) -> String {
        let document = HTML(
            .lang(.french),
            .head(
                .meta(.charset(.utf8)),
                .meta(.name("viewport"), .content("width=device-width, initial-scale=1")),
                // Not Plot's `.title`: it also writes unescaped Open Graph meta tags.
                .element(named: "title", nodes: [.text("\(title) — Pacte")]),
                .link(.rel(.stylesheet), .href(stylesheet ?? StaticAssets.stylesheetPath)),
                .if(stylesheet == nil, .script(.src(StaticAssets.scriptPath), .defer()))
            ),
            .body(
                .class(printable ? "printable" : ""),
                .a(.class("skip-link"), .href("#contenu"), .text("Aller au contenu")),
                header(section: section, viewer: viewer),
                .main(
                    .id("contenu"),
                    .attribute(named: "tabindex", value: "-1"),
                    .if(!breadcrumbs.isEmpty, crumbs(breadcrumbs)),
                    content
                ),
                .footer(
                    .class("site-footer"),
                    .div(.class("inner"), .text("Pacte — partenariats de développement économique. Montants en euros ; dates au format jj/mm/aaaa."))
                )
            )
        )
        return document.render()
    }

    static func header(section: NavSection?, viewer: Viewer?) -> BodyNode {
        .header(
            .class("site-header"),
            .div(
                .class("inner"),
                .a(.class("brand"), .href("/"), .text("Pacte")),
                .if(viewer != nil, .nav(
                    .ariaLabel("Navigation principale"),
                    .class("site-nav"),
                    .ul(.forEach(NavSection.allCases) { item in
                        .li(.a(.href(item.path), .text(item.label),
                               .attribute(named: "aria-current", value: item == section ? "page" : nil)))
                    })
                )),
                .unwrap(viewer) { viewer in
                    .div(
                        .class("user-box"),
                        .span(.text(viewer.email)),
                        .a(.href("/mon-compte"), .text("Mon compte")),
                        .a(.href("/calendrier"), .text("Mon calendrier")),
                        .if(viewer.isAdmin, .a(.href("/parametres"), .text("Paramètres"))),
                        .form(
                            .action("/deconnexion"), .method(.post),
                            CSRF.field(viewer.csrf),
                            .button(.class("button-link"), .type(.submit), .text("Se déconnecter"))
                        )
                    )
                }
            )
        )
    }

    static func crumbs(_ items: [(label: String, path: String?)]) -> BodyNode {
        .nav(
            .class("breadcrumbs"), .ariaLabel("Fil d'Ariane"),
            .ol(.forEach(items.indices) { index in
                let item = items[index]
                let isLast = index == items.count - 1
                if let path = item.path, !isLast {
                    return .li(.a(.href(path), .text(item.label)))
                }
                return .li(.attribute(named: "aria-current", value: isLast ? "page" : nil), .text(item.label))
            })
        )
    }
}

enum CSRF {
    static func field<C: HTML.BodyContext>(_ token: String) -> Node<C> {
        .input(.type(.hidden), .name("_csrf"), .value(escapeAttribute(token)))
    }
}

/// Plot escapes text but writes attribute values as given: every value that may hold user input goes through here.
func escapeAttribute(_ value: String) -> String { XMLEscaping.escape(value) }

/// A percent-encoded path segment or query value.
func urlPart(_ value: String) -> String {
    value.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed.subtracting(CharacterSet(charactersIn: "&=+?#/"))) ?? ""
}
