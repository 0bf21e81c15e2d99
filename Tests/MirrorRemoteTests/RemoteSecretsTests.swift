import AsyncHTTPClient
import Foundation
import MirrorCore
@testable import MirrorRemote
import TestSupport
import Testing

/// Remote errors carry neither tokens nor the credentials of URLs.
struct RemoteSecretsTests {
    @Test func aTokenTheHTTPClientQuotesInItsErrorIsScrubbedFromIt() async throws {
        // Settings refuse such a token; a client made without them must not echo it either.
        try await EchoingServer.with { echo in
            var policy = RetryPolicy()
            policy.sleep = { _ in }
            policy.timeout = TestLimits.request
            let client = ABSClient(connection: try ABSConnection(url: echo.url, token: "eyJ-VISIBLE\nSECRET-PART", tokenSource: "ABS_TOKEN"),
                                   httpClient: .mirror, policy: policy)
            do {
                _ = try await client.me()
                Issue.record("sent")
            } catch let error as RemoteError {
                #expect(error.summary.contains("invalidHeaderFieldValues"), "\(error.summary)")
                #expect(!error.description.contains("VISIBLE") && !error.description.contains("SECRET"), "\(error.description)")
            }
            #expect(echo.authorizations.isEmpty)
        }
    }

    @Test func everyURLARemoteErrorShowsIsWithoutCredentials() {
        let invalid = RemoteError(.invalidURL("http://me:pa55word@nas host/?token=t0ken-value"), service: .audiobookshelf)
        #expect(invalid.summary == #"ABS_URL is not a usable http(s) URL: "http://***@nas host/?token=***""#)
        let quoted = RemoteError(.unauthorized, service: .hardcover, method: "POST", url: "https://api.hardcover.app/v1/graphql",
                                 detail: "retry at https://me:pa55word@proxy/?api_key=k3y-value")
        #expect(quoted.summary.hasSuffix("retry at https://***@proxy/?api_key=***"), "\(quoted.summary)")
        // Control characters of an address that does not parse are shown escaped.
        #expect(RemoteError(.invalidURL("http://nas\u{1B}[2J"), service: .audiobookshelf).summary.contains(#"\u{1B}[2J"#))
    }

    @Test func aScrubbedErrorKeepsItsShapeAndLosesItsSecrets() {
        let redactor = Redactor(secrets: ["s3cret-token"])
        let error = RemoteError(.graphQL(["token s3cret-token unknown"]), service: .hardcover, url: "https://h/v1/graphql",
                                tokenSource: "HARDCOVER_TOKEN", detail: "s3cret-token").scrubbed(by: redactor)
        #expect(error.code == .graphQL(["token ‹redacted› unknown"]))
        #expect(error.detail == "‹redacted›")
        #expect(error.kind == .badData)
        #expect(HTTPTransport.credentials(in: ["Authorization": "Bearer s3cret-token", "Accept": "application/json"]).secrets
            .contains("s3cret-token"))
        #expect(!HTTPTransport.credentials(in: ["Accept": "application/json"]).secrets.contains("application/json"))
    }
}
