import MirrorStore

extension Settings {
    /// The mirror these settings name, for writing: it holds the writer lock, and is created or
    /// migrated (after a backup) as needed. Throws `StoreError.busy` while another process writes it.
    public func openMirror() throws -> Mirror {
        try Mirror.openForWriting(path: database.value)
    }

    /// The mirror these settings name, read-only (`query`, `search`, `status`, `explain`, `history`).
    public func openMirrorReadOnly() throws -> Mirror {
        try Mirror.openReadOnly(path: database.value)
    }
}
