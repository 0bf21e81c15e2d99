import Foundation
import Hummingbird

/// Everything a fake AudiobookShelf server holds: libraries, items (in storage order, which is
/// the order ABS's unsorted queries return), users, injected faults and the request log.
/// Tests read and change it directly; the HTTP side goes through `handle`.
public actor FakeABSState {
    public let serverVersion: String
    var libraries: [FakeABSLibrary]
    var items: [FakeABSItem]
    /// Item id -> position in `items`.
    var positions: [String: Int] = [:]
    var users: [FakeABSUser]
    /// User id -> that user's listening progress, oldest row first (the order ABS's unsorted
    /// queries return it).
    var progressByUser: [String: [FakeABSProgress]]
    var faults: [FaultRule] = []
    var log: [FakeRequestRecord] = []
    /// Requests a latency fault is holding now, in arrival order.
    var held: [FakeRoute] = []
    var crashedUntil: ContinuousClock.Instant?
    var crashDowntime: Duration = .milliseconds(250)
    var crashes = 0
    /// Ids for authors and series the PATCH route creates.
    var idSource: SplitMix64
    var randomSource = SplitMix64(seed: 0x5EED)
    var generator: FakeABSGenerator?

    // Caches: encoded items, and sorted orders per listing. Every write clears what it touches.
    var minifiedCache: [String: ByteBuffer] = [:]
    var expandedCache: [String: ByteBuffer] = [:]
    var orderCache: [OrderKey: [Int]] = [:]
    let encoder = WireJSONEncoder()

    struct OrderKey: Hashable {
        var libraryId: String
        var sort: String?
        var desc: Bool
        var withExplicit: Bool
    }

    public init(libraries: [FakeABSLibrary], items: [FakeABSItem], users: [FakeABSUser], serverVersion: String = "2.36.0") {
        self.init(libraries: libraries, items: items, users: users, serverVersion: serverVersion, generator: nil)
    }

    init(libraries: [FakeABSLibrary], items: [FakeABSItem], users: [FakeABSUser], serverVersion: String = "2.36.0",
         generator: FakeABSGenerator?, progress: [String: [FakeABSProgress]] = [:]) {
        self.generator = generator
        self.libraries = libraries
        self.items = items
        self.users = users
        self.progressByUser = progress
        self.serverVersion = serverVersion
        self.idSource = SplitMix64(seed: UInt64(items.count) &* 0x2545_F491_4F6C_DD1D)
        var positions: [String: Int] = [:]
        for (n, item) in items.enumerated() { positions[item.id] = n }
        self.positions = positions
    }

    // MARK: - Users

    /// The root user's token: can update, sees explicit items.
    public static let adminToken = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ1c2VySWQiOiJyb290In0.fake-root-signature"
    /// A "user" account: update=false, accessExplicitContent=false.
    public static let userToken = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ1c2VySWQiOiJyZWFkZXIifQ.fake-reader-signature"
    /// An inactive account: every request with it gets 401.
    public static let inactiveToken = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ1c2VySWQiOiJmb3JtZXIifQ.fake-former-signature"

    public static let standardUsers: [FakeABSUser] = [
        FakeABSUser(id: "2b1c7f0e-5d3a-4c8e-9f61-0a7b3c2d1e01", username: "root", token: adminToken, type: "root",
                    canUpdate: true, canAccessExplicit: true),
        FakeABSUser(id: "7e4d2a19-8b6c-4f3e-a1d5-3c9b8e7f6a02", username: "reader", token: userToken, type: "user",
                    canUpdate: false, canAccessExplicit: false),
        FakeABSUser(id: "c3a9e5b7-1f2d-4e6a-8b0c-9d4f2e1a7b03", username: "former", token: inactiveToken, type: "user",
                    canUpdate: false, canAccessExplicit: false, isActive: false),
    ]

    public func allUsers() -> [FakeABSUser] { users }

    public func addUser(_ user: FakeABSUser) { users.append(user) }

    func user(token: String?) -> FakeABSUser? {
        guard let token, !token.isEmpty else { return nil }
        return users.first { $0.token == token && $0.isActive }
    }

    // MARK: - Reading

    public func allLibraries() -> [FakeABSLibrary] { libraries }

    /// What the server holds, all libraries, in storage order.
    public func allItems() -> [FakeABSItem] { items }

    public func item(id: String) -> FakeABSItem? { positions[id].map { items[$0] } }

    /// The authors linked to at least one item (ABS deletes the others), first seen first.
    public func allAuthors() -> [FakeABSAuthor] {
        var seen = Set<String>()
        return items.flatMap(\.authors).filter { seen.insert($0.id).inserted }
    }

    /// The series linked to at least one item, sequence nil.
    public func allSeries() -> [FakeABSSeries] {
        var seen = Set<String>()
        return items.flatMap(\.series).filter { seen.insert($0.id).inserted }
            .map { FakeABSSeries(id: $0.id, name: $0.name, sequence: nil) }
    }

    // MARK: - Changing, as things happen on a real server behind the mirror's back

    /// A metadata edit: applies `change`, bumps updatedAt.
    public func update(itemId: String, _ change: @Sendable (inout FakeABSItem) -> Void) {
        guard let n = positions[itemId] else { return }
        change(&items[n])
        items[n].updatedAt = Self.bumped(items[n].updatedAt)
        itemsChanged([items[n].id])
    }

    /// Renames an author everywhere. Does NOT bump updatedAt, as the real server does not.
    public func renameAuthor(from old: String, to new: String) {
        var changed: [String] = []
        for n in items.indices where items[n].authors.contains(where: { $0.name == old }) {
            for a in items[n].authors.indices where items[n].authors[a].name == old { items[n].authors[a].name = new }
            changed.append(items[n].id)
        }
        itemsChanged(changed)
    }

    public func removeItem(id: String) {
        guard let n = positions[id] else { return }
        items.remove(at: n)
        reindex()
        itemsChanged([id])
    }

    public func addItem(_ item: FakeABSItem) {
        if let n = positions[item.id] {
            items[n] = item
        } else {
            positions[item.id] = items.count
            items.append(item)
        }
        itemsChanged([item.id])
    }

    /// A new realistic book for the first book library, not yet added, the same for the same
    /// index. In a generated state its authors and series are the library's (under their current
    /// names); addedAt is now (later than every item's).
    public func makeItem(index: Int) -> FakeABSItem {
        let library = libraries.first { $0.mediaType == "book" }
            ?? FakeABSLibrary(id: "lib-books", name: "Audiobooks", mediaType: "book", folderPath: "/audiobooks")
        if generator == nil || generator?.library.id != library.id {
            generator = FakeABSGenerator(seed: 1, itemCount: max(items.count, 8), library: library)
        }
        var sequences: [String: Int] = [:]
        for item in items { for s in item.series { sequences[s.id, default: 0] += 1 } }
        var made = [generator!.item(index: index, stream: 1, nextSequence: { sequences[$0, default: 0] + 1 })]
        FakeABSGenerator.separateFolders(&made, existing: Set(items.map(\.relPath)))
        var item = made[0]
        // Authors and series may have been renamed since generation: use the names the server has now.
        var names: [String: String] = [:]
        for existing in items { for a in existing.authors { names[a.id] = a.name }; for s in existing.series { names[s.id] = s.name } }
        for a in item.authors.indices { item.authors[a].name = names[item.authors[a].id] ?? item.authors[a].name }
        for s in item.series.indices { item.series[s].name = names[item.series[s].id] ?? item.series[s].name }
        let now = Self.nowMs()
        let latest = items.map(\.addedAt).max() ?? 0
        item.addedAt = max(now, latest + 1)
        item.updatedAt = item.addedAt
        return item
    }

    // MARK: - Faults and the request log

    /// The next `times` requests on `route` (or on any route for `.any`) get `fault`.
    /// Faults queue in the order injected.
    public func inject(_ fault: FakeFault, on route: FakeRoute, times: Int = 1) {
        guard times > 0 else { return }
        faults.append(FaultRule(fault: fault, route: route, remaining: times))
    }

    public func clearFaults() { faults.removeAll() }

    /// Every request seen, oldest first.
    public func requests() -> [FakeRequestRecord] { log }

    public func resetRequestLog() { log.removeAll() }

    /// The routes of the requests a latency fault is holding right now, in arrival order: a
    /// test waits for one to be in flight instead of guessing how long that takes.
    public func heldRequests() -> [FakeRoute] { held }

    /// How long the fake refuses requests after a request that crashes the real server
    /// (a batch update entry without mediaPayload). 250 ms by default.
    public func setCrashDowntime(milliseconds: Int) { crashDowntime = .milliseconds(milliseconds) }

    /// How many requests crashed the "server" so far.
    public func crashCount() -> Int { crashes }

    /// Ends a crash downtime at once (the server "restarted").
    public func restart() { crashedUntil = nil }

    // MARK: - Internals

    static func nowMs() -> Int64 { Int64((Date().timeIntervalSince1970 * 1000).rounded()) }

    /// updatedAt after a change: now, and always later than before.
    static func bumped(_ previous: Int64) -> Int64 { max(nowMs(), previous + 1) }

    func reindex() {
        positions.removeAll(keepingCapacity: true)
        for (n, item) in items.enumerated() { positions[item.id] = n }
    }

    func itemsChanged(_ ids: [String]) {
        for id in ids {
            minifiedCache[id] = nil
            expandedCache[id] = nil
        }
        orderCache.removeAll()
    }

    func library(id: String) -> FakeABSLibrary? { libraries.first { $0.id == id } }

    func mediaType(of item: FakeABSItem) -> String { library(id: item.libraryId)?.mediaType ?? "book" }

    /// ABS's checkCanAccessLibraryItem for the permissions the fake models.
    func canAccess(_ user: FakeABSUser, _ item: FakeABSItem) -> Bool {
        !item.explicit || user.canAccessExplicit
    }

    func record(_ call: FakeCall, status: Int, fault: FakeFault?, user: FakeABSUser?) {
        log.append(FakeRequestRecord(method: call.method, path: call.path, query: call.redactedQuery, status: status,
                                     route: call.route, usedPrefix: call.usedPrefix, fault: fault,
                                     username: user?.username))
    }
}
