import AsyncHTTPClient
import Foundation
import MirrorCore
import MirrorRemote

/// Clients built from the resolved settings, with clear errors for what is missing.
public enum Connections {
    public static func audiobookshelf(_ settings: Settings, policy: RetryPolicy = RetryPolicy(),
                                      httpClient: HTTPClient = .mirror) throws -> ABSClient {
        guard let url = settings.absURL else {
            throw RemoteError(.missingSetting(name: "server URL", variables: Settings.absURLVariables), service: .audiobookshelf)
        }
        guard let token = settings.absToken else {
            throw RemoteError(.missingSetting(name: "API token", variables: Settings.absTokenVariables), service: .audiobookshelf)
        }
        let connection = try ABSConnection(url: url.value, token: token.value.value, tokenSource: Settings.origin(token.source))
        return ABSClient(connection: connection, httpClient: httpClient, policy: policy)
    }
}
