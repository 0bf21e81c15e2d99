import MirrorCore
import MirrorRemote
import MirrorStore

/// AudiobookShelf as the settings name it, connected by `Connections.audiobookshelfServer`: the
/// workflows take it, so a command holds a server without naming (or calling) its client.
public struct AudiobookShelfServer: Sendable {
    let client: ABSClient
}

/// Hardcover as the settings name it, with the pacing of one run (`Connections.hardcoverServer`).
public struct HardcoverServer: Sendable {
    let client: HardcoverClient
}

/// How one run spends Hardcover's quota: requests a minute, the burst, the daily reserve, the run
/// limit (`sync --hardcover-*`, `--max-hardcover-requests`).
public typealias HardcoverPacing = RateLimiter.Configuration

extension Connections {
    /// Throws the missing-setting error when the URL or the token is not set, or when they come
    /// from different places.
    public static func audiobookshelfServer(_ settings: Settings) throws -> AudiobookShelfServer {
        AudiobookShelfServer(client: try audiobookshelf(settings))
    }

    /// Throws the missing-setting error when the token is not set.
    public static func hardcoverServer(_ settings: Settings, pacing: HardcoverPacing) throws -> HardcoverServer {
        HardcoverServer(client: try hardcover(settings, limiter: RateLimiter(configuration: pacing)))
    }
}

extension ABSSync {
    public static func run(mirror: Mirror, server: AudiobookShelfServer, options: SyncOptions = SyncOptions(),
                           progress: (SyncProgress) -> Void = { _ in }) async throws -> SyncSummary {
        try await run(mirror: mirror, client: server.client, options: options, progress: progress)
    }
}

extension HardcoverSync {
    public static func run(mirror: Mirror, server: HardcoverServer, options: HardcoverSyncOptions = HardcoverSyncOptions(),
                           progress: @escaping (HardcoverProgress) -> Void = { _ in }) async throws -> HardcoverSyncSummary {
        try await run(mirror: mirror, client: server.client, options: options, progress: progress)
    }
}
