import Foundation

/// The API endpoint a replay talks to. Only a loopback endpoint (moto, LocalStack on this
/// machine) is accepted unless the caller says otherwise: a replay creates and deletes resources.
package struct ReplayEndpoint: Sendable, Hashable {
    /// nil: the AWS CLI's own endpoints, for the account the caller's credentials name.
    package var url: URL?

    /// The real AWS endpoints (needs the caller's explicit consent: `--allow-remote-endpoint`).
    package static let aws = ReplayEndpoint(url: nil)

    private init(url: URL?) { self.url = url }

    package enum Problem: Error, Equatable, CustomStringConvertible {
        case notAURL(String)
        case notLoopback(String)

        package var description: String {
            switch self {
            case .notAURL(let text): "--endpoint-url: expected a URL such as http://127.0.0.1:5000, found '\(text)'"
            case .notLoopback(let host):
                "--endpoint-url: \(host) is not this machine; a replay against another endpoint needs "
                    + "--allow-remote-endpoint, and then touches only what it creates"
            }
        }
    }

    package init(_ text: String, allowRemote: Bool) throws(Problem) {
        guard let url = URL(string: text), let scheme = url.scheme, ["http", "https"].contains(scheme),
            let host = url.host, !host.isEmpty
        else {
            throw .notAURL(text)
        }
        guard allowRemote || Self.isLoopback(host) else { throw .notLoopback(host) }
        self.url = url
    }

    package static func isLoopback(_ host: String) -> Bool {
        let h = host.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        if h == "localhost" || h == "::1" { return true }
        let labels = h.split(separator: ".", omittingEmptySubsequences: false)
        let parts = labels.compactMap { Int($0) }
        return labels.count == 4 && parts.count == 4 && parts[0] == 127 && parts.allSatisfy { (0...255).contains($0) }
    }
}
