import GRDB
import MirrorCore

// The change lifecycle's vocabulary stored as database values: each enum's raw value is the
// schema's CHECK value, so a record's property reads and writes its column directly.

extension PushTarget: DatabaseValueConvertible {}
extension ChangeStatus: DatabaseValueConvertible {}
extension JournalState: DatabaseValueConvertible {}
extension RunKind: DatabaseValueConvertible {}
extension RunStatus: DatabaseValueConvertible {}
extension DiffField: DatabaseValueConvertible {}
extension ChangeField: DatabaseValueConvertible {}
extension Proposal.Source: DatabaseValueConvertible {}
extension Proposal.Action: DatabaseValueConvertible {}
