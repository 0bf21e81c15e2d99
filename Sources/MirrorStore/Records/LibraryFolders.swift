import GRDB

extension Mirror {
    /// The folders of the AudiobookShelf libraries the mirror holds, as the server reported them
    /// (each once, in order): what `scan` with no path may read when no path map says otherwise.
    public func libraryFolders() throws -> [String] {
        try read { db in
            try String.fetchAll(db, sql: """
                SELECT DISTINCT f.value FROM abs_library l, json_each(l.folders) f
                WHERE f.type = 'text' ORDER BY f.value
                """)
        }
    }
}
