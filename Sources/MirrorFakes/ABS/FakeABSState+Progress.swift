import Foundation
import Hummingbird

// Listening progress per user: the state API for tests and the demo, and the HTTP routes ABS
// 2.36 serves it on (MeController, UserController.findOne, LibraryItemController.findOne's
// include=progress, MiscController.authorize), written after their behaviour.

extension FakeABSState {
    // MARK: - The state API

    /// The standard users' ids: the root (admin) user of `adminToken`, the plain user of `userToken`.
    public static var adminUserId: String { standardUsers[0].id }
    public static var plainUserId: String { standardUsers[1].id }

    /// "Now" for the generated library's progress: finishes fall in the year before it, listening
    /// in progress in the 90 days before it. 2026-11-01T00:00:00Z.
    public static let generatedProgressReference: Int64 = 1_793_491_200_000

    /// Sets what `userId` has listened of an item, as the server would hold it: a position in
    /// progress, or finished (position at the end, progress 1). Replaces the user's row for the
    /// item, keeping its id. nil (and nothing set) when the item does not exist.
    @discardableResult
    public func setProgress(userId: String, itemId: String, _ listening: FakeABSListening) -> FakeABSProgress? {
        guard let item = item(id: itemId) else { return nil }
        let progress = Self.progress(of: item, userId: userId, listening)
        store(progress, userId: userId)
        return progress
    }

    /// Stores a row exactly as given (for states no listener produces); replaces the user's row
    /// for the same item.
    public func setProgress(_ progress: FakeABSProgress, userId: String) {
        store(progress, userId: userId)
    }

    /// A listener plays a book again from `currentTime` seconds, at `at` (ms): the player's sync
    /// goes through the server's rules, so a finished book becomes unfinished, finishedAt is
    /// cleared and startedAt is kept (that is all ABS keeps of a re-listen). nil when the user
    /// has no progress for the item.
    @discardableResult
    public func startAgain(userId: String, itemId: String, currentTime: Double, at: Int64) -> FakeABSProgress? {
        guard var progress = progress(userId: userId, itemId: itemId) else { return nil }
        let duration = progress.duration > 0 ? progress.duration : item(id: itemId)?.duration ?? 0
        var body: [String: JSONValue] = ["currentTime": .number(currentTime), "duration": .number(duration)]
        if duration > 0 { body["progress"] = .number(currentTime / duration) }
        progress.apply(body, now: at)
        store(progress, userId: userId)
        return progress
    }

    /// The user's row for the item (what GET /api/me/progress/:id serves), if any.
    public func progress(userId: String, itemId: String) -> FakeABSProgress? {
        progressByUser[userId]?.first { $0.libraryItemId == itemId }
    }

    /// All of the user's rows, oldest first.
    public func progress(userId: String) -> [FakeABSProgress] { progressByUser[userId] ?? [] }

    public func removeProgress(userId: String, itemId: String) {
        progressByUser[userId]?.removeAll { $0.libraryItemId == itemId }
    }

    private func store(_ progress: FakeABSProgress, userId: String) {
        var rows = progressByUser[userId] ?? []
        if let n = rows.firstIndex(where: { $0.libraryItemId == progress.libraryItemId }) {
            rows[n] = progress
        } else {
            rows.append(progress)
        }
        progressByUser[userId] = rows
    }

    static func progressId(userId: String, itemId: String) -> String {
        FakeIDs.derived(from: userId + "/" + itemId, salt: "progress")
    }

    static func progress(of item: FakeABSItem, userId: String, _ listening: FakeABSListening) -> FakeABSProgress {
        let id = progressId(userId: userId, itemId: item.id)
        let duration = item.duration
        switch listening {
        case .inProgress(let currentTime, let startedAt, let lastUpdate):
            return FakeABSProgress(id: id, libraryItemId: item.id, mediaItemId: item.mediaId, duration: duration,
                                   progress: duration > 0 ? max(0, min(currentTime / duration, 1)) : 0,
                                   currentTime: currentTime, isFinished: false,
                                   lastUpdate: lastUpdate, startedAt: startedAt, finishedAt: nil)
        case .finished(let startedAt, let finishedAt):
            return FakeABSProgress(id: id, libraryItemId: item.id, mediaItemId: item.mediaId, duration: duration,
                                   progress: 1, currentTime: duration, isFinished: true,
                                   lastUpdate: finishedAt, startedAt: startedAt, finishedAt: finishedAt)
        }
    }

    /// The generated library's listening state of one user, seeded: by default (`.standard`) about
    /// a quarter of the books finished (finishedAt spread over the year before
    /// `generatedProgressReference`), about one in eight in progress, the rest untouched. Rows in
    /// the order they were started.
    static func generatedProgress(books: [FakeABSItem], userId: String, seed: UInt64,
                                  share: FakeABSListenedShare = .standard) -> [FakeABSProgress] {
        var rng = SplitMix64(seed: seed ^ 0x0B5E_55ED_9A0C_4E55)
        let day: Int64 = 86_400_000
        let reference = generatedProgressReference
        var rows: [FakeABSProgress] = []
        for item in books {
            let draw = rng.unit()
            let duration = item.duration
            guard draw < share.listened, duration > 0 else { continue }
            let id = progressId(userId: userId, itemId: item.id)
            if draw < share.finished {
                let finishedAt = reference - Int64(rng.unit() * Double(365 * day))
                // Listened over days to weeks; the last sync lands a few ms after the finish.
                let startedAt = finishedAt - Int64(duration * 1000 * (1.5 + rng.unit() * 20))
                let currentTime = ((duration - rng.unit() * 9) * 1000).rounded() / 1000
                rows.append(FakeABSProgress(id: id, libraryItemId: item.id, mediaItemId: item.mediaId, duration: duration,
                                            progress: 1, currentTime: currentTime, isFinished: true,
                                            lastUpdate: finishedAt + Int64(rng.below(40)), startedAt: startedAt,
                                            finishedAt: finishedAt))
            } else {
                let startedAt = reference - Int64((1 + rng.unit() * 89) * Double(day))
                let lastUpdate = startedAt + Int64(rng.unit() * Double(reference - startedAt))
                let currentTime = (duration * (0.02 + 0.9 * rng.unit()) * 1000).rounded() / 1000
                rows.append(FakeABSProgress(id: id, libraryItemId: item.id, mediaItemId: item.mediaId, duration: duration,
                                            progress: currentTime / duration, currentTime: currentTime, isFinished: false,
                                            lastUpdate: lastUpdate, startedAt: startedAt, finishedAt: nil))
            }
        }
        return rows.enumerated().sorted { ($0.element.startedAt, $0.offset) < ($1.element.startedAt, $1.offset) }.map(\.element)
    }

    // MARK: - HTTP

    static let userCreatedAt: Int64 = 1_577_836_800_000

    func wireMe(_ user: FakeABSUser) -> WireMe {
        user.wireUser(createdAt: Self.userCreatedAt, progress: progress(userId: user.id).map { $0.wire(userId: user.id) })
    }

    /// POST /api/authorize: the login payload for the token's user.
    func authorize(_ user: FakeABSUser) -> FakeReply {
        .json(WireAuthorize(user: wireMe(user), userDefaultLibraryId: libraries.first?.id,
                            serverSettings: WireServerSettings(version: serverVersion), ereaderDevices: [],
                            Source: "docker"), encoder: encoder)
    }

    /// GET /api/me/progress (all) and GET /api/me/progress/:libraryItemId(/:episodeId): 404 "Not Found" when none.
    func getProgress(_ call: FakeCall, user: FakeABSUser) -> FakeReply {
        guard let itemId = call.parameter else {
            return .json(WireAllProgress(mediaProgress: progress(userId: user.id).map { $0.wire(userId: user.id) }),
                         encoder: encoder)
        }
        let row = progress(userId: user.id).first { row in
            if let episodeId = call.episodeId, !episodeId.isEmpty, row.mediaItemId != episodeId { return false }
            return row.libraryItemId == itemId
        }
        guard let row else { return .sendStatus(404) }
        return .json(row.wire(userId: user.id), encoder: encoder)
    }

    /// PATCH /api/me/progress/:libraryItemId(/:episodeId): creates or updates the row by the
    /// server's rules and answers 200 "OK". No permission check: any user may track any item.
    func updateProgress(_ call: FakeCall, body: JSONValue, user: FakeABSUser) -> FakeReply {
        // {...req.body}: only an object's members count.
        var members: [String: JSONValue] = [:]
        if case .object(let object) = body { members = object }
        if let episodeId = call.episodeId, !episodeId.isEmpty { return .send(404, "Episode not found") }
        let itemId = call.parameter ?? ""
        guard let item = item(id: itemId) else { return .send(404, "Library item not found") }
        guard mediaType(of: item) == "book" else { return .send(400, "Library item is not a book") }
        let now = Self.nowMs()
        if var row = progress(userId: user.id, itemId: itemId) {
            row.apply(members, now: now)
            store(row, userId: user.id)
        } else {
            store(FakeABSProgress.created(from: members, id: Self.progressId(userId: user.id, itemId: itemId),
                                          libraryItemId: itemId, mediaItemId: item.mediaId, now: now),
                  userId: user.id)
        }
        return .sendStatus(200)
    }

    /// GET /api/me/progress/:id/remove-from-continue-listening, by the progress row's id: the user's JSON.
    func hideProgress(_ call: FakeCall, user: FakeABSUser) -> FakeReply {
        guard var rows = progressByUser[user.id], let n = rows.firstIndex(where: { $0.id == call.parameter }) else {
            return .sendStatus(404)
        }
        if !rows[n].hideFromContinueListening {
            rows[n].hideFromContinueListening = true
            rows[n].lastUpdate = max(Self.nowMs(), rows[n].lastUpdate)
            progressByUser[user.id] = rows
        }
        return .json(wireMe(user), encoder: encoder)
    }

    /// GET /api/me/items-in-progress?limit=25: unfinished items with a position (or ebook
    /// progress), minified with progressLastUpdate, the most recently played first. Like ABS, it
    /// checks no library access.
    func itemsInProgress(_ call: FakeCall, user: FakeABSUser) -> FakeReply {
        // `!isNaN(req.query.limit) ? Number(req.query.limit) || 25 : 25`, then slice(0, limit).
        var limit = 25.0
        if let text = call.query["limit"], !jsNumber(text).isNaN, jsNumber(text) != 0 { limit = jsNumber(text) }
        let rows = progress(userId: user.id)
            .filter { !$0.isFinished && ($0.currentTime > 0 || ($0.ebookProgress ?? 0) > 0) }
            .compactMap { row in positions[row.libraryItemId].map { (row, $0) } }
            .enumerated()
            .sorted { a, b in
                a.element.0.lastUpdate != b.element.0.lastUpdate ? a.element.0.lastUpdate > b.element.0.lastUpdate : a.offset < b.offset
            }
            .map(\.element)
        let end = limit.isInfinite ? (limit > 0 ? rows.count : 0)
            : limit < 0 ? max(0, rows.count + Int(limit.rounded(.towardZero))) : min(rows.count, Int(limit.rounded(.towardZero)))
        var out = ByteBuffer()
        out.writeString("{\"libraryItems\":[")
        for (k, (row, n)) in rows.prefix(end).enumerated() {
            if k > 0 { out.writeInteger(UInt8(ascii: ",")) }
            out.writeImmutableBuffer(Self.appending(minifiedJSON(at: n), [("progressLastUpdate", String(row.lastUpdate))]))
        }
        out.writeString("]}")
        return .json(out)
    }

    /// GET /api/users/:id: admins only (a user asking for itself passes the middleware, then
    /// is refused too); 404 for an unknown id. Another admin reads the root's token as "".
    func getUser(_ call: FakeCall, requester: FakeABSUser) -> FakeReply {
        let id = call.parameter ?? ""
        guard requester.isAdminOrUp || requester.id == id else { return .sendStatus(403) }
        guard let target = users.first(where: { $0.id == id }) else { return .sendStatus(404) }
        guard requester.isAdminOrUp else { return .sendStatus(403) }
        let rows = progress(userId: target.id).map { row -> WireMediaProgressWithMedia in
            let book = item(id: row.libraryItemId).flatMap { $0.mediaId == row.mediaItemId ? $0 : nil }
            return WireMediaProgressWithMedia(progress: row.wire(userId: target.id), media: book.map { book in
                .init(displayTitle: book.title.isEmpty ? nil : book.title, coverPath: book.coverPath,
                      mediaUpdatedAt: Self.isoTime(book.updatedAt))
            })
        }
        return .json(target.wireUser(createdAt: Self.userCreatedAt, progress: rows,
                                     hidingRootToken: requester.type != "root"), encoder: encoder)
    }

    /// `include` on GET /api/items/:id?expanded=1: `progress` adds userMediaProgress (the
    /// token's user's row, or null), `rssfeed` adds rssFeed (the fake has no feeds: null).
    func includes(_ call: FakeCall, itemId: String, user: FakeABSUser) -> [(String, String)] {
        let include = (call.query["include"] ?? "").split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        var members: [(String, String)] = []
        if include.contains("progress") {
            let episodeId = call.query["episode"].flatMap { $0.isEmpty ? nil : $0 }
            let row = progress(userId: user.id).first { row in
                if let episodeId, row.mediaItemId != episodeId { return false }
                return row.libraryItemId == itemId
            }
            let json = row.flatMap { try? encoder.encode($0.wire(userId: user.id)) }.map { String(decoding: $0, as: UTF8.self) }
            members.append(("userMediaProgress", json ?? "null"))
        }
        if include.contains("rssfeed") { members.append(("rssFeed", "null")) }
        return members
    }

    /// A JSON object with members added at its end.
    static func appending(_ object: ByteBuffer, _ members: [(String, String)]) -> ByteBuffer {
        guard !members.isEmpty else { return object }
        var out = object
        out.moveWriterIndex(to: out.writerIndex - 1) // drop the closing brace
        for (key, json) in members { out.writeString(",\"\(key)\":\(json)") }
        out.writeString("}")
        return out
    }

    /// JavaScript's Date.toISOString(): "2020-01-01T00:00:00.000Z".
    static func isoTime(_ ms: Int64) -> String {
        Date(timeIntervalSince1970: Double(ms) / 1000)
            .formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }
}
