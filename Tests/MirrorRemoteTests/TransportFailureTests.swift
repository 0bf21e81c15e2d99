import AsyncHTTPClient
import Foundation
@testable import MirrorRemote
import MirrorFakes
import TestSupport
import Testing

/// Transport failures are reported quickly and by name, after the policy's own retries.
struct TransportFailureTests {
    final class Waits: @unchecked Sendable {
        private let lock = NSLock()
        private var list: [Duration] = []
        var all: [Duration] { lock.withLock { list } }
        func record(_ d: Duration) { lock.withLock { list.append(d) } }
    }

    @Test func aRefusedConnectionIsRetriedThenNamed() async throws {
        // Port 9 (discard) has no listener here: the kernel refuses at once.
        let waits = Waits()
        var policy = RetryPolicy()
        policy.sleep = { waits.record($0) }
        let client = ABSClient(connection: try ABSConnection(url: "http://127.0.0.1:9", token: "t"), httpClient: .mirror, policy: policy)
        do {
            _ = try await client.status()
            Issue.record("connected")
        } catch let error as RemoteError {
            #expect(error.code == .connectionRefused)
            #expect(error.kind == .unavailable)
            #expect(error.summary == "cannot connect to AudiobookShelf at http://127.0.0.1:9/status: connection refused")
        }
        #expect(client.requestCount == 4)
        // Our backoff between attempts; the pool itself does not retry silently until the
        // request's deadline (which ended in a timeout after 4 × 30 s).
        #expect(waits.all.count == 3)
    }
}

extension TransportFailureTests {
    @Test func aFailedTLSHandshakeIsNamed() async throws {
        let state = MirrorFakes.FakeABSState.generated(items: 1)
        try await withFakeABS(state) { server in
            var policy = RetryPolicy()
            policy.sleep = { _ in }
            policy.attempts = 1
            policy.timeout = TestLimits.request
            // The mirror's client gives a connection 10 s, handshake included; with every test running
            // at once on two cores the fake server can take that long to answer, which is a timeout,
            // not the failure under test. This client waits as long as it takes.
            var configuration = HTTPClient.Configuration()
            configuration.connectionPool.retryConnectionEstablishment = false
            configuration.timeout = .init(connect: .seconds(120))
            let http = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
            // https:// to a server that speaks plain HTTP: the handshake fails.
            let client = ABSClient(connection: try ABSConnection(url: "https://127.0.0.1:\(server.port)", token: "t"),
                                   httpClient: http, policy: policy)
            do {
                _ = try await client.status()
                Issue.record("connected")
            } catch let error as RemoteError {
                if case .tlsFailure = error.code {
                    #expect(error.summary.contains("TLS (https) handshake"))
                    #expect(error.hint?.contains("http://") == true)
                } else {
                    Issue.record("\(error.code)")
                }
            }
            try await http.shutdown()
        }
    }
}
