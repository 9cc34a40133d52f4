import Vapor

extension Request {
    /// Pacte's address for links sent outside (calendar feeds, invitations, password resets):
    /// `PACTE_PUBLIC_URL` when set (behind a load balancer), else the address the browser used.
    var publicBase: String {
        if let configured = Environment.get("PACTE_PUBLIC_URL"), !configured.isEmpty {
            return configured.hasSuffix("/") ? String(configured.dropLast()) : configured
        }
        return "http://" + (headers.first(name: .host) ?? "127.0.0.1:8080")
    }
}
