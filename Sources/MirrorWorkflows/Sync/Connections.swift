import AsyncHTTPClient
import Foundation
import MirrorCore
import MirrorRemote

/// Clients built from the resolved settings, with clear errors for what is missing, and never
/// with a token from one place and a server URL from another.
public enum Connections {
    public static func audiobookshelf(_ settings: Settings, policy: RetryPolicy = RetryPolicy(),
                                      httpClient: HTTPClient = .mirror) throws -> ABSClient {
        guard let url = settings.absURL else {
            throw RemoteError(.missingSetting(name: "server URL", variables: Settings.absURLVariables), service: .audiobookshelf)
        }
        guard let token = settings.absToken else {
            throw RemoteError(.missingSetting(name: "API token", variables: Settings.absTokenVariables), service: .audiobookshelf)
        }
        try settings.requireOneSource(for: .audiobookshelf)
        let connection = try ABSConnection(url: url.value, token: token.value.value, tokenSource: Settings.origin(token.source))
        return ABSClient(connection: connection, httpClient: httpClient, policy: policy)
    }
}

extension Connections {
    public static func hardcover(_ settings: Settings, limiter: RateLimiter = RateLimiter(), policy: RetryPolicy = RetryPolicy(),
                                 httpClient: HTTPClient = .mirror) throws -> HardcoverClient {
        guard let token = settings.hardcoverToken else {
            throw RemoteError(.missingSetting(name: "API token", variables: Settings.hardcoverTokenVariables), service: .hardcover)
        }
        try settings.requireOneSource(for: .hardcover)
        let connection = try HardcoverConnection(url: settings.hardcoverURL.value, token: token.value.value,
                                                 tokenSource: Settings.origin(token.source))
        return HardcoverClient(connection: connection, httpClient: httpClient, limiter: limiter, policy: policy)
    }
}
