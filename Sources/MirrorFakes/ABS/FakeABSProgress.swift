import Foundation

// A user's listening state for one item, as AudiobookShelf 2.36 keeps it (models/MediaProgress.js,
// models/User.js createUpdateMediaProgressFromPayload) and the rules its PATCH applies, written
// anew for the fake. Books only: podcast episodes have no progress in the fake.

/// One MediaProgress row of one user: what ABS serves as `getOldMediaProgress()`.
public struct FakeABSProgress: Sendable, Equatable {
    public var id: String
    public var libraryItemId: String
    /// The book's id (the item's media id), as ABS keys progress by media item.
    public var mediaItemId: String
    /// Seconds, as the player reported it (0 when it never did).
    public var duration: Double
    /// 0...1 as stored (ABS's extraData.progress): not always currentTime / duration.
    public var progress: Double
    /// Seconds.
    public var currentTime: Double
    public var isFinished: Bool
    public var hideFromContinueListening: Bool
    public var ebookLocation: String?
    public var ebookProgress: Double?
    /// Milliseconds since the epoch (the row's updatedAt).
    public var lastUpdate: Int64
    /// Milliseconds since the epoch (the row's createdAt: the first listen; a re-listen keeps it).
    public var startedAt: Int64
    /// Milliseconds since the epoch; nil unless finished.
    public var finishedAt: Int64?

    public init(id: String, libraryItemId: String, mediaItemId: String, duration: Double, progress: Double,
                currentTime: Double, isFinished: Bool, hideFromContinueListening: Bool = false,
                ebookLocation: String? = nil, ebookProgress: Double? = 0,
                lastUpdate: Int64, startedAt: Int64, finishedAt: Int64?) {
        self.id = id
        self.libraryItemId = libraryItemId
        self.mediaItemId = mediaItemId
        self.duration = duration
        self.progress = progress
        self.currentTime = currentTime
        self.isFinished = isFinished
        self.hideFromContinueListening = hideFromContinueListening
        self.ebookLocation = ebookLocation
        self.ebookProgress = ebookProgress
        self.lastUpdate = lastUpdate
        self.startedAt = startedAt
        self.finishedAt = finishedAt
    }

    /// ABS's `progress` getter: currentTime / duration clamped to 0...1, 0 without a duration.
    /// Its finishing rules use this, not the stored `progress`.
    var positionFraction: Double {
        guard duration != 0, !duration.isNaN else { return 0 }
        return max(0, min(currentTime / duration, 1))
    }
}

/// What a test or the demo sets for a user and an item through the state (not through HTTP).
public enum FakeABSListening: Sendable, Equatable {
    /// Listening: at `currentTime` seconds, started at `startedAt`, last played at `lastUpdate` (ms).
    case inProgress(currentTime: Double, startedAt: Int64, lastUpdate: Int64)
    /// Finished at `finishedAt` (ms), started at `startedAt`; the position at the end.
    case finished(startedAt: Int64, finishedAt: Int64)
}

/// How much of a generated library (`FakeABSState.generated`) its admin has listened to, as
/// shares of the books: each book draws a number in 0..<1; below `finished` it is finished, below
/// `listened` in progress, else untouched (books without a duration never have progress).
public struct FakeABSListenedShare: Sendable, Equatable {
    /// Books with listening state, finished or not (0...1).
    public var listened: Double
    /// Books finished (0...listened).
    public var finished: Double

    public init(listened: Double, finished: Double) {
        self.listened = listened
        self.finished = finished
    }

    /// About 3/8 of the books: a quarter finished, one in eight in progress.
    public static let standard = FakeABSListenedShare(listened: 0.37, finished: 0.25)

    /// `fraction` of the books (clamped to 0...1), finished and in progress in the standard's
    /// proportion (25 to 12): `scaled(1)` gives every book with a duration listening state.
    public static func scaled(_ fraction: Double) -> FakeABSListenedShare {
        let listened = max(0, min(fraction, 1))
        return FakeABSListenedShare(listened: listened, finished: listened * standard.finished / standard.listened)
    }
}

// MARK: - The server's rules, on a PATCH body read with JavaScript's rules

extension FakeABSProgress {
    /// A new row from a PATCH body (createUpdateMediaProgressFromPayload's create branch): no
    /// finishing by position here, and `createdAt` in the body sets startedAt.
    static func created(from body: [String: JSONValue], id: String, libraryItemId: String, mediaItemId: String,
                        now: Int64) -> FakeABSProgress {
        func number(_ key: String) -> Double { JS.isNullOrNaN(body[key]) ? 0 : JS.number(body[key]!) }
        var progress = FakeABSProgress(
            id: id, libraryItemId: libraryItemId, mediaItemId: mediaItemId,
            duration: number("duration"), progress: number("progress"), currentTime: number("currentTime"),
            isFinished: body["isFinished"]?.isTruthy ?? false,
            hideFromContinueListening: body["hideFromContinueListening"]?.isTruthy ?? false,
            ebookLocation: body["ebookLocation"].flatMap { $0.isTruthy ? JS.string($0) : nil },
            ebookProgress: number("ebookProgress"),
            lastUpdate: now,
            startedAt: body["createdAt"].flatMap { $0.isTruthy ? JS.date($0) : nil } ?? now,
            finishedAt: body["finishedAt"].flatMap { $0.isTruthy ? JS.date($0) : nil })
        if progress.isFinished {
            progress.finishedAt = progress.finishedAt ?? now
            progress.progress = 1
        } else {
            progress.finishedAt = nil
        }
        return progress
    }

    /// An existing row updated by a PATCH body (MediaProgress.applyProgressUpdate), at `now`.
    /// Quirks kept: with `isFinished` in the body, `progress` in it is ignored; unfinishing zeroes
    /// currentTime; a position within 10 s of the end (or past `markAsFinishedPercentComplete`)
    /// finishes; moving a finished book's position back unfinishes it and clears finishedAt.
    mutating func apply(_ payload: [String: JSONValue], now: Int64) {
        var body = payload
        let before = self
        var forcedSave = false
        if let finished = body["isFinished"] {
            if finished.isTruthy && !isFinished {
                finishedAt = body["finishedAt"].flatMap { $0.isTruthy ? JS.date($0) : nil } ?? now
                progress = 1
                forcedSave = true
                body["finishedAt"] = nil
            } else if !finished.isTruthy && isFinished {
                finishedAt = nil
                progress = 0
                currentTime = 0
                forcedSave = true
                body["finishedAt"] = nil
                body["currentTime"] = nil
            }
        } else if let value = body["progress"], !JS.number(value).isNaN, JS.number(value) != positionFraction {
            progress = min(1, max(0, JS.number(value)))
            forcedSave = true
        }

        // this.set(payload): the model's own columns, as given.
        if let v = body["duration"].flatMap(JS.storedNumber) { duration = v }
        if let v = body["currentTime"].flatMap(JS.storedNumber) { currentTime = v }
        if let v = body["isFinished"] { isFinished = v.isTruthy }
        if let v = body["hideFromContinueListening"] { hideFromContinueListening = v.isTruthy }
        if let v = body["ebookLocation"] { ebookLocation = v == .null ? nil : JS.string(v) }
        if let v = body["ebookProgress"] { ebookProgress = v == .null ? nil : JS.storedNumber(v) ?? ebookProgress }
        if let v = body["finishedAt"] { finishedAt = v == .null ? nil : JS.date(v) ?? finishedAt }

        let positionChanged = currentTime != before.currentTime
        if positionChanged && !(body["hideFromContinueListening"]?.isTruthy ?? false) {
            hideFromContinueListening = false
        }
        var shouldFinish = false
        if duration != 0 && !duration.isNaN {
            if let percent = body["markAsFinishedPercentComplete"], !JS.isNullOrNaN(percent), JS.number(percent) > 0 {
                shouldFinish = JS.number(percent) / 100 < positionFraction
            } else {
                let remaining = JS.isNullOrNaN(body["markAsFinishedTimeRemaining"]) ? 10 : JS.number(body["markAsFinishedTimeRemaining"]!)
                shouldFinish = duration - currentTime < remaining
            }
        }
        if !isFinished && shouldFinish {
            isFinished = true
            finishedAt = finishedAt ?? now
            progress = 1
            forcedSave = true
        } else if isFinished && positionChanged && !shouldFinish {
            isFinished = false
            finishedAt = nil
        }

        // Sequelize's save() bumps updatedAt only when something changed.
        if forcedSave || self != before { lastUpdate = now }
        // "For local sync": a lastUpdate in the body overwrites updatedAt after the save.
        if let value = body["lastUpdate"], value.isTruthy, let date = JS.date(value) { lastUpdate = date }
    }
}

/// JavaScript's conversions, for the few ABS's progress code relies on.
enum JS {
    /// Number(value).
    static func number(_ value: JSONValue) -> Double {
        switch value {
        case .null: 0
        case .bool(let b): b ? 1 : 0
        case .number(let n): n
        case .string(let s): jsNumber(s)
        case .array(let a): a.isEmpty ? 0 : a.count == 1 ? number(.string(string(a[0]) ?? "")) : .nan
        case .object: .nan
        }
    }

    /// ABS's isNullOrNaN: undefined, null, or isNaN(value).
    static func isNullOrNaN(_ value: JSONValue?) -> Bool {
        guard let value, value != .null else { return true }
        return number(value).isNaN
    }

    /// String(value) for scalars; nil for arrays and objects.
    static func string(_ value: JSONValue) -> String? {
        switch value {
        case .null: "null"
        case .bool(let b): b ? "true" : "false"
        case .number(let n): JSONValue.jsString(n)
        case .string(let s): s
        case .array, .object: nil
        }
    }

    /// A value a FLOAT column keeps as a number: a number, a boolean (SQLite stores 1 or 0) or a
    /// numeric string (REAL affinity converts it). Anything else ABS would store as given and
    /// then serve as a string or null; the fake keeps the previous value instead.
    static func storedNumber(_ value: JSONValue) -> Double? {
        switch value {
        case .number(let n): n
        case .bool(let b): b ? 1 : 0
        case .string(let s):
            jsNumber(s).isNaN || s.trimmingCharacters(in: .whitespaces).isEmpty ? nil : jsNumber(s)
        default: nil
        }
    }

    /// new Date(value).valueOf() for a number of milliseconds or an ISO 8601 string; nil when
    /// it would be an Invalid Date.
    static func date(_ value: JSONValue) -> Int64? {
        switch value {
        case .number(let n):
            return n.isFinite && abs(n) <= 8.64e15 ? Int64(n) : nil
        case .string(let s):
            let text = s.trimmingCharacters(in: .whitespaces)
            let styles: [Date.ISO8601FormatStyle] = [
                Date.ISO8601FormatStyle(includingFractionalSeconds: true), .iso8601,
                Date.ISO8601FormatStyle().year().month().day(),
            ]
            for style in styles {
                if let date = try? style.parse(text) { return Int64((date.timeIntervalSince1970 * 1000).rounded()) }
            }
            return nil
        default:
            return nil
        }
    }
}
