import Foundation

// PATCH /api/items/:id/media and POST /api/items/batch/update, with ABS 2.36's semantics
// (LibraryItemController.updateMedia/batchUpdate, Book.updateFromRequest,
// updateSeriesFromRequest, updateAuthorsFromRequest) — including what goes wrong.

extension FakeABSState {
    enum MediaUpdateResult: Equatable {
        case updated(Bool)
        /// The real server throws here and the process exits: no response.
        case crashed
    }

    /// Authors and series unlinked during one request: ABS deletes orphans only at its end, so
    /// until then they can still be found by name.
    struct Limbo {
        var authors: [FakeABSAuthor] = []
        var series: [FakeABSSeries] = []
    }

    static let metadataStringKeys = ["title", "subtitle", "publishedYear", "publishedDate", "publisher",
                                     "description", "isbn", "asin", "language"]

    func patchMedia(_ id: String, body: JSONValue, user: FakeABSUser) -> FakeReply {
        guard let n = positions[id] else { return .sendStatus(404) }
        guard canAccess(user, items[n]) else { return .sendStatus(403) }
        guard user.canUpdate else { return .sendStatus(403) }
        var limbo = Limbo()
        switch applyMediaPayload(body, toItemAt: n, limbo: &limbo) {
        case .crashed:
            return crash()
        case .updated(let updated):
            return .json(WireUpdateMediaResponse(updated: updated,
                                                 libraryItem: items[n].wireOld(mediaType: mediaType(of: items[n]),
                                                                               scanVersion: serverVersion)),
                         encoder: encoder)
        }
    }

    func batchUpdate(_ body: JSONValue, user: FakeABSUser) -> FakeReply {
        guard user.canUpdate else { return .sendStatus(403) }
        guard case .array(let entries) = body, !entries.isEmpty else { return .sendStatus(400) }
        // `[...new Set(payloads.map(up => up?.id).filter(id => id))]` must keep every entry.
        let ids = entries.compactMap { entry -> JSONValue? in
            guard let id = entry["id"], id.isTruthy else { return nil }
            return id
        }
        var seen: [JSONValue] = []
        var unique = 0
        for id in ids {
            switch id {
            case .array, .object: unique += 1 // distinct objects are never equal in a JS Set
            default:
                if !seen.contains(id) { seen.append(id); unique += 1 }
            }
        }
        guard unique > 0, unique == entries.count else { return .sendStatus(400) }
        let wanted = Set(ids.compactMap(\.stringValue))
        let found = items.indices.filter { wanted.contains(items[$0].id) }
        guard found.count == entries.count else { return .sendStatus(404) }
        if found.contains(where: { !canAccess(user, items[$0]) }) { return .sendStatus(403) }

        var updates = 0
        var limbo = Limbo()
        for entry in entries {
            guard let id = entry["id"]?.stringValue, let n = positions[id] else { continue }
            // Sequential, no transaction: entries before a crash stay applied.
            switch applyMediaPayload(entry["mediaPayload"], toItemAt: n, limbo: &limbo) {
            case .crashed: return crash()
            case .updated(let updated): if updated { updates += 1 }
            }
        }
        return .json(WireBatchUpdateResponse(success: true, updates: updates), encoder: encoder)
    }

    /// The real server dies; the fake closes the connection and refuses requests for a moment.
    func crash() -> FakeReply {
        crashes += 1
        crashedUntil = ContinuousClock.now.advanced(by: crashDowntime)
        return .closed(reset: false)
    }

    /// One item's media update. `payload` nil is a missing key (JS undefined).
    func applyMediaPayload(_ payload: JSONValue?, toItemAt n: Int, limbo: inout Limbo) -> MediaUpdateResult {
        let before = items[n]
        var item = before
        defer {
            if items[n] != before { itemsChanged([item.id]) }
        }
        // `mediaPayload.metadata?.series` on undefined/null throws.
        guard let payload, payload != .null else { return .crashed }
        var hasUpdates = false

        // Book.updateFromRequest: `if (!payload) return false`, then key by key.
        if payload.isTruthy, let metadata = payload["metadata"], metadata.isTruthy, case .object(let m) = metadata {
            for key in Self.metadataStringKeys {
                guard var value = m[key] else { continue }
                if case .number(let number) = value { value = .string(JSONValue.jsString(number)) }
                let incoming: String?
                switch value {
                case .string(let s): incoming = s
                case .null: incoming = nil
                default: continue
                }
                // Compared before sanitising: an equivalent value still counts as a change.
                guard item.stringField(key) != incoming else { continue }
                var stored = incoming
                if key == "description", let text = stored, !text.isEmpty { stored = HTMLSanitiser.sanitize(text) }
                item.setStringField(key, stored?.isEmpty == false ? stored : nil)
                hasUpdates = true
            }
            if let value = m["explicit"], item.explicit != value.isTruthy {
                item.explicit = value.isTruthy
                hasUpdates = true
            }
            if let value = m["abridged"], item.abridged != value.isTruthy {
                item.abridged = value.isTruthy
                hasUpdates = true
            }
            if let narrators = Self.strings(m["narrators"]), narrators != item.narrators {
                item.narrators = narrators
                hasUpdates = true
            }
            if let genres = Self.strings(m["genres"]), genres != item.genres {
                item.genres = genres
                hasUpdates = true
            }
        }
        // Tags are read at the top level only.
        if payload.isTruthy, let tags = Self.strings(payload["tags"]), tags != item.tags {
            item.tags = tags
            hasUpdates = true
        }
        items[n] = item // saved before series and authors are looked at

        let isBook = mediaType(of: item) == "book"
        if isBook, case .array(let entries) = payload["metadata"]?["series"] {
            // `some(se => !se.name || ...)` stops at the first bad entry: a null one throws.
            if entries.first(where: { $0 == .null || !Self.hasStringName($0) }) == .null { return .crashed }
            if updateSeries(&item, entries, limbo: &limbo) == true { hasUpdates = true }
            items[n] = item
        }
        if isBook, case .array(let entries) = payload["metadata"]?["authors"] {
            // `authors.map(au => typeof au.name === 'string' ? au.name.trim() : null)`: null throws.
            if entries.contains(.null) { return .crashed }
            let names = entries.compactMap { $0["name"]?.stringValue?.trimmingCharacters(in: .whitespacesAndNewlines) }
                .filter { !$0.isEmpty }
            if updateAuthors(&item, names, limbo: &limbo) { hasUpdates = true }
        }
        if hasUpdates { item.updatedAt = Self.bumped(item.updatedAt) }
        items[n] = item
        return .updated(hasUpdates)
    }

    private static func hasStringName(_ entry: JSONValue) -> Bool {
        guard case .string(let name)? = entry["name"] else { return false }
        return !name.isEmpty
    }

    /// An array of strings, else nil (a non-string element makes ABS ignore the field).
    private static func strings(_ value: JSONValue?) -> [String]? {
        guard case .array(let elements)? = value else { return nil }
        var out: [String] = []
        for element in elements {
            guard case .string(let s) = element else { return nil }
            out.append(s)
        }
        return out
    }

    /// updateSeriesFromRequest: nil when the array is refused (an entry without a string name).
    private func updateSeries(_ item: inout FakeABSItem, _ entries: [JSONValue], limbo: inout Limbo) -> Bool? {
        for entry in entries where entry == .null || !Self.hasStringName(entry) { return nil }
        let wanted = entries.compactMap { $0["name"]?.stringValue }
        let lowered = Set(wanted.map { $0.lowercased() })
        let removed = item.series.filter { !lowered.contains($0.name.lowercased()) }
        var changed = false
        for entry in entries {
            let name = entry["name"]?.stringValue ?? ""
            let sequence = entry["sequence"]?.stringValue
            if let k = item.series.firstIndex(where: { $0.name.lowercased() == name.lowercased() }) {
                if item.series[k].sequence != sequence {
                    item.series[k].sequence = sequence
                    changed = true
                }
            } else {
                let found = findSeries(named: name, libraryId: item.libraryId, limbo: limbo)
                    ?? FakeABSSeries(id: FakeIDs.uuid(&idSource), name: name, sequence: nil)
                item.series.append(FakeABSSeries(id: found.id, name: found.name, sequence: sequence))
                changed = true
            }
        }
        let removedIds = Set(removed.map(\.id))
        item.series.removeAll { removedIds.contains($0.id) }
        limbo.series += removed
        return changed || !removed.isEmpty
    }

    /// updateAuthorsFromRequest: unlisted authors unlinked, new names found (case-insensitively,
    /// in the library) or created. Order or case changes of linked authors change nothing.
    private func updateAuthors(_ item: inout FakeABSItem, _ names: [String], limbo: inout Limbo) -> Bool {
        let lowered = Set(names.map { $0.lowercased() })
        let removed = item.authors.filter { !lowered.contains($0.name.lowercased()) }
        let newNames = names.filter { name in !item.authors.contains { $0.name.lowercased() == name.lowercased() } }
        let removedIds = Set(removed.map(\.id))
        item.authors.removeAll { removedIds.contains($0.id) }
        limbo.authors += removed
        var added = 0
        for name in newNames {
            let author = findAuthor(named: name, libraryId: item.libraryId, limbo: limbo, pending: item.authors)
                ?? FakeABSAuthor(id: FakeIDs.uuid(&idSource), name: name)
            guard !item.authors.contains(where: { $0.id == author.id }) else { continue }
            item.authors.append(author)
            added += 1
        }
        return !removed.isEmpty || added > 0
    }

    /// `lower(name) = :name.toLowerCase()` in SQLite: only ASCII folds on the stored side.
    private func findAuthor(named name: String, libraryId: String, limbo: Limbo, pending: [FakeABSAuthor]) -> FakeABSAuthor? {
        let key = name.lowercased()
        for author in pending where Self.nocase(author.name) == key { return author }
        for item in items where item.libraryId == libraryId {
            for author in item.authors where Self.nocase(author.name) == key { return author }
        }
        return limbo.authors.first { Self.nocase($0.name) == key }
    }

    private func findSeries(named name: String, libraryId: String, limbo: Limbo) -> FakeABSSeries? {
        let key = name.lowercased()
        for item in items where item.libraryId == libraryId {
            for series in item.series where Self.nocase(series.name) == key { return series }
        }
        return limbo.series.first { Self.nocase($0.name) == key }
    }
}

extension FakeABSItem {
    /// The string metadata fields by ABS key; an empty title is null.
    func stringField(_ key: String) -> String? {
        switch key {
        case "title": title.isEmpty ? nil : title
        case "subtitle": subtitle
        case "publishedYear": publishedYear
        case "publishedDate": publishedDate
        case "publisher": publisher
        case "description": description
        case "isbn": isbn
        case "asin": asin
        case "language": language
        default: nil
        }
    }

    mutating func setStringField(_ key: String, _ value: String?) {
        switch key {
        case "title": title = value ?? ""
        case "subtitle": subtitle = value
        case "publishedYear": publishedYear = value
        case "publishedDate": publishedDate = value
        case "publisher": publisher = value
        case "description": description = value
        case "isbn": isbn = value
        case "asin": asin = value
        case "language": language = value
        default: break
        }
    }
}
