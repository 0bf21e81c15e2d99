/// One file as a scan saw it: where, how big, when modified, and what reading it gave.
public struct ScannedFile: Sendable, Equatable {
    public var path: String
    public var sizeBytes: Int64
    public var mtimeNs: Int64
    public var outcome: Result<FileTags, ReadFailure>

    public init(path: String, sizeBytes: Int64, mtimeNs: Int64, outcome: Result<FileTags, ReadFailure>) {
        self.path = path
        self.sizeBytes = sizeBytes
        self.mtimeNs = mtimeNs
        self.outcome = outcome
    }
}
