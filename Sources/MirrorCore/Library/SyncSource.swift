/// The server a sync run reads (`sync_run.source`).
public enum SyncSource: String, Sendable, Equatable, Hashable, CaseIterable, Codable {
    case abs, hardcover
}
