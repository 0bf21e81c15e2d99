import MirrorCore

/// A workflow's own failure (no such library, nothing to scan yet...), with what to do next.
public struct WorkflowError: UserFacingError {
    public var summary: String
    public var hint: String?
    public var kind: FailureKind

    public init(summary: String, hint: String?, kind: FailureKind) {
        self.summary = summary
        self.hint = hint
        self.kind = kind
    }
}
