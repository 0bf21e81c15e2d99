import Foundation

/// The fields of a Hardcover user's listening state a change writes (target `hardcover`): the
/// user book's status, edition and owned flag; the latest read's progress and dates; or a new
/// read (a first listen, or a re-listen after the last finish).
public enum ListeningField: String, Sendable, Equatable, Hashable, CaseIterable, Codable {
    /// user_books.status_id, as `ListeningValue.status` writes it ("read").
    case status
    /// user_books.edition_id: the audiobook edition the match chose.
    case edition
    /// Whether the book is on the user's owned list (opt-in).
    case owned
    /// The latest read's position, whole seconds.
    case progressSeconds = "progress_seconds"
    /// The latest read's start and finish, as dates in the listener's time zone.
    case startedOn = "started_on"
    case finishedOn = "finished_on"
    /// The latest read as a whole (`ReadValue`); a proposal without an id adds a new read.
    case read
}

extension HardcoverReadingStatus {
    /// The name a change stores and a user types: "want_to_read", "currently_reading", "read",
    /// "paused", "did_not_finish", "ignored".
    public var slug: String {
        switch self {
        case .wantToRead: "want_to_read"
        case .currentlyReading: "currently_reading"
        case .read: "read"
        case .paused: "paused"
        case .didNotFinish: "did_not_finish"
        case .ignored: "ignored"
        }
    }

    /// From a slug or Hardcover's own name, any case ("Did Not Finish", "dnf" too).
    public init?(slug text: String) {
        let key = text.trimmingCharacters(in: .whitespaces).lowercased().replacingOccurrences(of: " ", with: "_")
        if key == "dnf" {
            self = .didNotFinish
            return
        }
        guard let status = Self.allCases.first(where: { $0.slug == key }) else { return nil }
        self = status
    }
}

extension HardcoverDate {
    /// Days since 1970-01-01 (negative before): for "a day later" comparisons.
    public var ordinal: Int {
        // Days from civil (proleptic Gregorian), after H. Hinnant's algorithm.
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The calendar day of `instant` in `timeZone`.
    public init(_ instant: Date, in timeZone: TimeZone) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let c = calendar.dateComponents([.year, .month, .day], from: instant)
        // A Gregorian calendar always gives a valid date.
        self.init(year: c.year ?? 1970, month: c.month ?? 1, day: c.day ?? 1)!
    }
}

/// A read as a `read` change holds it: an object with sorted keys, `id` only when it names a read
/// that exists (`{"edition":12,"finished_on":"2026-03-05","id":7,"progress_seconds":null,"started_on":null}`).
public struct ReadValue: Sendable, Equatable {
    public var id: Int?
    public var editionId: Int?
    public var startedOn: HardcoverDate?
    public var finishedOn: HardcoverDate?
    public var progressSeconds: Int?

    public init(id: Int? = nil, editionId: Int?, startedOn: HardcoverDate?, finishedOn: HardcoverDate?, progressSeconds: Int?) {
        self.id = id
        self.editionId = editionId
        self.startedOn = startedOn
        self.finishedOn = finishedOn
        self.progressSeconds = progressSeconds
    }

    public init(_ read: HardcoverRead) {
        self.init(id: read.id, editionId: read.editionId, startedOn: read.startedOn, finishedOn: read.finishedOn,
                  progressSeconds: read.progressSeconds)
    }

    public init?(json: String) {
        guard let object = ListeningValue.object(json) as? [String: Any] else { return nil }
        id = object["id"] as? Int
        editionId = object["edition"] as? Int
        startedOn = (object["started_on"] as? String).flatMap(HardcoverDate.init)
        finishedOn = (object["finished_on"] as? String).flatMap(HardcoverDate.init)
        progressSeconds = object["progress_seconds"] as? Int
    }

    public var json: String {
        func text(_ d: HardcoverDate?) -> String { d.map { JSONText.string($0.description) } ?? "null" }
        func number(_ n: Int?) -> String { n.map(String.init) ?? "null" }
        return "{\"edition\":\(number(editionId)),\"finished_on\":\(text(finishedOn))"
            + (id.map { ",\"id\":\($0)" } ?? "") + ",\"progress_seconds\":\(number(progressSeconds)),\"started_on\":\(text(startedOn))}"
    }

    /// The same read-through, whatever its id: edition, dates and progress.
    public func sameContent(_ other: ReadValue) -> Bool {
        editionId == other.editionId && startedOn == other.startedOn && finishedOn == other.finishedOn
            && progressSeconds == other.progressSeconds
    }

    /// "started 2026-03-01, finished 2026-03-05, 4 h 10 min, edition 12".
    public var display: String {
        var parts: [String] = []
        if let startedOn { parts.append("started \(startedOn)") }
        if let finishedOn { parts.append("finished \(finishedOn)") }
        if let progressSeconds { parts.append(ListeningValue.duration(progressSeconds)) }
        if let editionId { parts.append("edition \(editionId)") }
        let body = parts.isEmpty ? "no dates" : parts.joined(separator: ", ")
        return id == nil ? "new read: " + body : "read \(id!): " + body
    }
}

/// The JSON a listening change stores for each field (nil: empty), how it shows, and when two
/// say the same.
public enum ListeningValue {
    public static func status(_ status: HardcoverReadingStatus) -> String { JSONText.string(status.slug) }
    public static func int(_ n: Int) -> String { String(n) }
    public static func date(_ d: HardcoverDate) -> String { JSONText.string(d.description) }
    public static func bool(_ b: Bool) -> String { b ? "true" : "false" }

    /// The parsed JSON value (fragments allowed); nil when it is not JSON or is `null`.
    static func object(_ json: String?) -> Any? {
        guard let json, let data = json.data(using: .utf8),
              let value = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]), !(value is NSNull) else { return nil }
        return value
    }

    public static func statusValue(_ json: String?) -> HardcoverReadingStatus? {
        (object(json) as? String).flatMap { HardcoverReadingStatus(slug: $0) }
    }

    public static func intValue(_ json: String?) -> Int? {
        json.flatMap { Int($0.trimmingCharacters(in: .whitespaces)) }
    }

    public static func dateValue(_ json: String?) -> HardcoverDate? {
        (object(json) as? String).flatMap(HardcoverDate.init)
    }

    public static func boolValue(_ json: String?) -> Bool? {
        switch json?.trimmingCharacters(in: .whitespaces) {
        case "true": true
        case "false": false
        default: nil
        }
    }

    /// Whether two values of `field` say the same (JSON null and nil are both empty). A `read`
    /// without an id (a proposed new read) is the same as an existing read with its content.
    public static func same(_ field: ListeningField, _ a: String?, _ b: String?) -> Bool {
        let a = object(a) == nil ? nil : a
        let b = object(b) == nil ? nil : b
        switch (a, b) {
        case (nil, nil): return true
        case (nil, _), (_, nil): return false
        case (let a?, let b?):
            switch field {
            case .status: return statusValue(a) == statusValue(b)
            case .edition, .progressSeconds: return intValue(a) == intValue(b)
            case .startedOn, .finishedOn: return dateValue(a) == dateValue(b)
            case .owned: return boolValue(a) == boolValue(b)
            case .read:
                guard let x = ReadValue(json: a), let y = ReadValue(json: b) else { return a == b }
                return x.sameContent(y) && (x.id == nil || y.id == nil || x.id == y.id)
            }
        }
    }

    /// One line for tables and messages: "Currently Reading", "4 h 10 min", "2026-03-05".
    public static func display(_ field: ListeningField, _ json: String?) -> String {
        guard object(json) != nil, let json else { return "" }
        switch field {
        case .status: return statusValue(json)?.name ?? json
        case .edition: return intValue(json).map { "edition \($0)" } ?? json
        case .owned: return boolValue(json).map { $0 ? "owned" : "not owned" } ?? json
        case .progressSeconds: return intValue(json).map(duration) ?? json
        case .startedOn, .finishedOn: return dateValue(json)?.description ?? json
        case .read: return ReadValue(json: json)?.display ?? json
        }
    }

    /// "4 h 10 min", "12 min 5 s", "40 s".
    public static func duration(_ seconds: Int) -> String {
        let h = seconds / 3600, m = seconds % 3600 / 60, s = seconds % 60
        if h > 0 { return "\(h) h \(m) min" }
        if m > 0 { return "\(m) min \(s) s" }
        return "\(s) s"
    }
}
