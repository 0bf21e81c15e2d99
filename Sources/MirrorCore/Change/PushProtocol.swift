import Foundation

/// One field to write on one record of a push target: the value the server must hold now (the
/// base), and the value to write. Push builds these from accepted changes, undo from a run's
/// journal.
public struct FieldWrite<Field: Hashable & Sendable>: Sendable {
    /// What the server's value is checked against before anything is sent.
    public enum Base: Sendable, Equatable {
        /// The server's value as it held it, recorded when the proposal was made (or when a push
        /// was verified): compared exactly.
        case raw(String?)
        /// Only a normalised value is known (proposals made before raw values were recorded):
        /// compared as `diff` compares.
        case normalised(String?)
    }

    public var itemId: String
    public var changeId: Int64?
    public var field: Field
    public var base: Base
    /// JSON; nil when the field is (or must be made) empty.
    public var value: String?
    /// For undo: the journal entry being reverted.
    public var revertsEntry: Int64?

    public init(itemId: String, changeId: Int64?, field: Field, base: Base, value: String?, revertsEntry: Int64? = nil) {
        self.itemId = itemId
        self.changeId = changeId
        self.field = field
        self.base = base
        self.value = value
        self.revertsEntry = revertsEntry
    }
}

/// How a target's values compare and show: what the protocol needs to know of a field.
public struct FieldSemantics<Field: Sendable>: Sendable {
    /// Whether two JSON values (nil: empty) say the same thing, as `diff` compares them.
    public var same: @Sendable (Field, String?, String?) -> Bool
    /// A value for a message, e.g. “Dune”, or "nothing".
    public var show: @Sendable (Field, String?) -> String
    /// Whether a field of a push from `before` to `after` may hold `value` between the push's
    /// own steps (Hardcover: a book inserted "Currently Reading" until its read exists, then set
    /// "Read"). A killed push can leave it so; that is the push's doing, not someone's edit.
    public var between: @Sendable (_ field: Field, _ before: String?, _ after: String?, _ value: String?) -> Bool

    public init(same: @escaping @Sendable (Field, String?, String?) -> Bool, show: @escaping @Sendable (Field, String?) -> String,
                between: @escaping @Sendable (Field, String?, String?, String?) -> Bool = { _, _, _, _ in false }) {
        self.same = same
        self.show = show
        self.between = between
    }
}

/// The push and undo protocol (DESIGN "Push, safe") as pure decisions, with no I/O: the engine
/// reads the server, asks what to send, sends, re-reads, and asks what the re-read proves.
///
/// 1. check: a field is sent only if the server still holds the base; raw values are compared
///    exactly, so a value that only normalises to the base is a conflict, not an overwrite.
/// 2. journal every sendable field as `planned`, then send.
/// 3. verify: after the send, the server's value decides: the value wanted → applied; still the
///    value before, and the send ended without an answer → `sent`, settled by the next push;
///    anything else → failed, with what the server holds.
/// 4. settle an interrupted run's open entries by the same re-read.
public enum PushProtocol {
    /// What a check decides for one field.
    public enum Check: Sendable, Equatable {
        /// Send it; `before` is the server's raw value, journaled for undo.
        case send(before: String?)
        case conflict(reason: String)
    }

    /// How a send ended.
    public enum SendResult: Sendable, Equatable {
        case answered
        /// The server refused, or the request failed. `unknown`: it ended without an answer (a
        /// timeout, a dropped connection), so the server may still apply it.
        case failed(String, unknown: Bool)
        /// Not sent at all, for a reason that passes (a request budget spent): the change stays
        /// accepted, and the next push sends it.
        case notSent(String)

        var message: String? {
            switch self {
            case .answered: nil
            case .failed(let message, _), .notSent(let message): message
            }
        }

        /// Whether the change keeps its decision for the next push.
        public var deferred: Bool {
            if case .notSent = self { return true }
            return false
        }

        var leavesWriteUnknown: Bool {
            if case .failed(_, let unknown) = self { return unknown }
            return false
        }
    }

    /// What a re-read proves of a sent field: the journal entry's new state, why, and the server's
    /// raw value when it was seen applied (the base an undo checks against).
    public struct Verdict: Sendable, Equatable {
        public var state: JournalState
        public var reason: String?
        public var after: String?

        public init(state: JournalState, reason: String? = nil, after: String? = nil) {
            self.state = state
            self.reason = reason
            self.after = after
        }
    }

    /// Step 1. `now`: the server's raw value (nil: empty); the outer nil: the record is gone.
    public static func check<Field>(_ write: FieldWrite<Field>, now: String??, server: String,
                                    semantics: FieldSemantics<Field>) -> Check {
        guard let now else { return .conflict(reason: "the item is gone from \(server)") }
        let base: String?
        let holdsBase: Bool
        switch write.base {
        case .raw(let raw):
            base = raw
            holdsBase = now == raw
        case .normalised(let value):
            base = value
            holdsBase = semantics.same(write.field, now, value)
        }
        guard holdsBase else {
            let shown = semantics.show(write.field, now)
            let expected = semantics.show(write.field, base)
            let detail = semantics.same(write.field, now, base) ? " (written differently)" : ""
            return .conflict(reason: "\(server) now has \(shown)\(detail), not \(expected) as when it was proposed")
        }
        return .send(before: now)
    }

    /// Step 3. `before`: the raw value the server held when the field was sent; `now`: the re-read.
    public static func verify<Field>(_ write: FieldWrite<Field>, before: String?, now: String??, send: SendResult,
                                     semantics: FieldSemantics<Field>) -> Verdict {
        let value = now ?? nil
        if now != nil, semantics.same(write.field, value, write.value) {
            return Verdict(state: .applied, after: value)
        }
        let unchanged = now != nil && value == before
        if unchanged, send.leavesWriteUnknown {
            return Verdict(state: .sent, reason: "not confirmed (\(send.message ?? "no answer")); the next push checks again")
        }
        if unchanged, send.deferred {
            return Verdict(state: .failed, reason: "not sent (\(send.message ?? "stopped")); it stays accepted and the next push sends it")
        }
        if unchanged {
            return Verdict(state: .failed, reason: "not applied" + (send.message.map { ": \($0)" } ?? " by the server"))
        }
        if now == nil { return Verdict(state: .failed, reason: "the item is gone") }
        return Verdict(state: .failed, reason: "the server stored \(semantics.show(write.field, value)) instead")
    }

    /// What settling decides for a journal entry and its change.
    public struct Settlement: Sendable, Equatable {
        public var state: JournalState
        public var reason: String
        /// The change's new status (nil: unchanged).
        public var changeStatus: ChangeStatus?
        /// The server's raw value when the entry was found applied.
        public var after: String?
        /// The change's new base, when it is sent again from a value the push itself left
        /// between its steps (nil: unchanged).
        public var rebase: String?? = .none
    }

    /// Step 4: an entry a killed run left `planned` or `sent`, by what the server holds now. An
    /// applied push entry makes its change pushed; an applied undo entry leaves its change pending;
    /// a field still at its old value was not applied and its change is sent again; anything else
    /// is a conflict.
    public static func settleInterrupted<Field>(field: Field, before: String?, after: String?, now: String??, kind: RunKind,
                                                semantics: FieldSemantics<Field>) -> Settlement {
        let value = now ?? nil
        if now != nil, semantics.same(field, value, after) {
            return Settlement(state: .applied, reason: "settled after an interruption",
                              changeStatus: kind == .undo ? .pending : .pushed, after: value)
        }
        if now != nil, kind == .push, semantics.between(field, before, after, value) {
            return Settlement(state: .failed, reason: "interrupted between its steps; sent again", changeStatus: .accepted, after: nil,
                              rebase: .some(value))
        }
        if now != nil, value == before || semantics.same(field, value, before) {
            return Settlement(state: .failed, reason: kind == .undo ? "interrupted before it was applied; undo the run again to revert it"
                                                                  : "interrupted before it was applied; sent again",
                              changeStatus: kind == .undo ? nil : .accepted)
        }
        return Settlement(state: .conflict, reason: "changed on the server during an interrupted push",
                          changeStatus: kind == .undo ? nil : .conflict)
    }

    /// The change status a push run's verdict leaves (undo runs leave reverted changes pending).
    public static func changeStatus(after state: JournalState, kind: RunKind) -> ChangeStatus? {
        switch (kind, state) {
        case (.push, .applied): .pushed
        case (.push, .failed): .failed
        case (.push, .conflict): .conflict
        case (.undo, .applied): .pending
        default: nil
        }
    }

    /// A journal entry a push applied, as undo reads it.
    public struct AppliedEntry<Field: Hashable & Sendable>: Sendable {
        public var id: Int64
        public var itemId: String
        public var changeId: Int64?
        public var field: Field
        /// JSON: the server's value before the push, and the value sent.
        public var before: String?
        public var after: String?
        /// The server's raw value once the push was verified (nil: empty); the outer nil: not
        /// recorded (runs from before raw values were).
        public var afterRaw: String??

        public init(id: Int64, itemId: String, changeId: Int64?, field: Field, before: String?, after: String?, afterRaw: String??) {
            self.id = id
            self.itemId = itemId
            self.changeId = changeId
            self.field = field
            self.before = before
            self.after = after
            self.afterRaw = afterRaw
        }
    }

    /// Undo's writes for a push run's applied entries: the server must still hold what the push
    /// left (its raw value, recorded when the push was verified; or, for runs recorded before raw
    /// values were, the value sent), and the value before is written back, whatever it was: an
    /// undo is an explicit request to restore.
    public static func undoWrites<Field>(_ entries: [AppliedEntry<Field>]) -> [FieldWrite<Field>] {
        entries.map { e in
            let base: FieldWrite<Field>.Base = e.afterRaw.map { .raw($0) } ?? .normalised(e.after)
            return FieldWrite(itemId: e.itemId, changeId: e.changeId, field: e.field, base: base, value: e.before, revertsEntry: e.id)
        }
    }
}
