import Foundation
import MirrorCore
import MirrorRemote
import MirrorStore

/// `push`: the accepted changes to AudiobookShelf, safely (DESIGN "Push, safe").
public enum PushWorkflow {
    public static func run(mirror: Mirror, client: ABSClient, options: PushOptions = PushOptions()) async throws -> PushSummary {
        throw WorkflowError(summary: "push is being built", hint: nil, kind: .failure)
    }
}

/// `undo`: a push run's before-values sent back, with the same conflict check.
public enum UndoWorkflow {
    /// `runId` nil: the last push run that changed something.
    public static func run(mirror: Mirror, client: ABSClient, runId: Int64?, dryRun: Bool = false) async throws -> PushSummary {
        throw WorkflowError(summary: "undo is being built", hint: nil, kind: .failure)
    }
}
