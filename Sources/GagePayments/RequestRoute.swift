/// Which action a request asks for, the same way behind every front door: CGI's `PATH_INFO` and the OpenFaaS
/// classic watchdog's `Http_Path` name it by path (`/order`), a stdin body may name it in `"action"`.
extension Action {
    /// `` or `/verify` is verification; `/webhook`, `/prepare`, `/stock`, `/identity`, `/order`, `/subscribe`,
    /// `/subscription`, `/confirm` name their action. Trailing slashes do not matter; any other path is nil.
    public init?(path: String) {
        var path = Substring(path)
        while path.hasSuffix("/") { path.removeLast() }
        switch path {
        case "", "/verify": self = .verify
        case "/webhook": self = .webhook
        case "/prepare": self = .prepare
        case "/stock": self = .stock
        case "/identity": self = .identity
        case "/order": self = .order
        case "/subscribe": self = .subscribe
        case "/subscription": self = .subscription
        case "/confirm": self = .confirm
        default: return nil
        }
    }

    /// The HTTP methods it answers: the mobile redirect (verify), a buyer's subscription link and the cart's
    /// stock question are GETs too.
    var allowedMethods: [String] {
        self == .verify || self == .subscription || self == .stock ? ["GET", "POST", "OPTIONS"] : ["POST", "OPTIONS"]
    }
}

/// The HTTP request the OpenFaaS classic watchdog turned into a process: with `cgi_headers` on (its default) it
/// sets `Http_Method`, `Http_Path`, `Http_Query` (only when there is one) and one `Http_<Header>` per request
/// header (`Content-Type` → `Http_Content_Type`), and writes the body to stdin.
struct WatchdogRequest {
    var method: String
    var path: String?
    var query: String
    var contentType: String?

    /// nil when the process was not started for an HTTP request (a plain `gage-verify < request.json`).
    init?(environment: [String: String]) {
        guard let method = environment["Http_Method"], !method.isEmpty else { return nil }
        self.method = method.uppercased()
        path = environment["Http_Path"]
        query = environment["Http_Query"] ?? ""
        contentType = environment["Http_Content_Type"]
    }
}
