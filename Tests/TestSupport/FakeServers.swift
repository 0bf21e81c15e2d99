import MirrorFakes

/// Runs `body` with a fake AudiobookShelf over `state` on loopback, and stops the server when
/// `body` returns or throws: the stop is awaited, so no server outlives its test.
public func withFakeABS<T>(_ state: FakeABSState, isolation: isolated (any Actor)? = #isolation,
                           _ body: (FakeABSServer) async throws -> T) async throws -> T {
    try await withStopping(try await FakeABSServer.start(state: state), isolation: isolation, body)
}

/// Runs `body` with a fake Hardcover over `state` on loopback, and stops the server when `body`
/// returns or throws: the stop is awaited, so no server outlives its test.
public func withFakeHardcover<T>(_ state: FakeHardcoverState, isolation: isolated (any Actor)? = #isolation,
                                 _ body: (FakeHardcoverServer) async throws -> T) async throws -> T {
    try await withStopping(try await FakeHardcoverServer.start(state: state), isolation: isolation, body)
}

/// Runs `body` with a started fake server and awaits its stop, whether `body` returns or throws.
func withStopping<State, T>(_ server: FakeServer<State>, isolation: isolated (any Actor)? = #isolation,
                           _ body: (FakeServer<State>) async throws -> T) async throws -> T {
    let result: T
    do {
        result = try await body(server)
    } catch {
        await server.stop()
        throw error
    }
    await server.stop()
    return result
}

/// Runs `body` with a webhook receiver on loopback, and stops it when `body` returns or throws.
public func withFakeWebhook<T>(_ state: FakeWebhookState, isolation: isolated (any Actor)? = #isolation,
                               _ body: (FakeWebhookServer) async throws -> T) async throws -> T {
    try await withStopping(try await FakeWebhookServer.start(state: state), isolation: isolation, body)
}
