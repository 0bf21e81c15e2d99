import Foundation

/// The server a change is pushed to.
public enum PushTarget: String, Sendable, Equatable, Hashable, CaseIterable, Codable {
    /// AudiobookShelf's item metadata.
    case abs
    /// The Hardcover user's listening state of the item's matched book.
    case hardcover

    /// The server's name in messages.
    public var serverName: String {
        switch self {
        case .abs: "AudiobookShelf"
        case .hardcover: "Hardcover"
        }
    }
}

/// Where a proposed change is in its life (`change.status`).
public enum ChangeStatus: String, Sendable, Equatable, Hashable, CaseIterable, Codable {
    /// Proposed by `diff`, waiting for a person or a policy.
    case pending
    /// Accepted; the next push sends it.
    case accepted
    case rejected
    /// Sent and seen applied by a push run (`change.push_run_id`).
    case pushed
    /// Not sent: the server's value is no longer the one it was proposed against.
    case conflict
    /// Sent and not applied, or not sendable.
    case failed
    /// Replaced by a newer proposal for the same field.
    case superseded

    /// The statuses a person may set with accept, reject and reset.
    public static let decidable: Set<ChangeStatus> = [.pending, .accepted, .rejected]
    /// Every status but `superseded`: what `diff` and `history` show.
    public static let live: Set<ChangeStatus> = Set(allCases).subtracting([.superseded])
}

/// Where a journaled field write is (`push_journal.state`): `planned` before it is sent, `sent`
/// when the send ended without an answer, then `applied`, `failed` or `conflict` once the server
/// was re-read; `reverted` when an undo run wrote the before-value back.
public enum JournalState: String, Sendable, Equatable, Hashable, CaseIterable, Codable {
    case planned, sent, applied, failed, conflict, reverted

    /// Not settled yet: the next push re-reads the server to settle these.
    public static let open: Set<JournalState> = [.planned, .sent]
}

/// What a push run does (`push_run.kind`).
public enum RunKind: String, Sendable, Equatable, Hashable, CaseIterable, Codable {
    /// Sends accepted changes.
    case push
    /// Writes a push run's before-values back.
    case undo
}

/// How a run ended (`push_run.status`, `scan_run.status`, `sync_run.status`): `running` until it
/// ends; a run found `running` by the next one was killed, and is settled and marked `failed`.
public enum RunStatus: String, Sendable, Equatable, Hashable, CaseIterable, Codable {
    case running, finished, failed
}
