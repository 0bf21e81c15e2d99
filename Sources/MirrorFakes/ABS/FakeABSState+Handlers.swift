import Hummingbird

// The HTTP side of the state: admission (crash downtime, faults), then Express's order —
// body parsing, authentication for /api, the route — and the request log.

extension FakeABSState {
    /// Called first for every request.
    func admit(_ call: FakeCall) -> FakeAdmission {
        if let until = crashedUntil {
            if ContinuousClock.now < until {
                record(call, status: 0, fault: nil, user: nil)
                return .down
            }
            crashedUntil = nil
        }
        guard let n = faults.firstIndex(where: { $0.route == .any || $0.route == call.route }) else { return .proceed }
        let fault = faults[n].fault
        faults[n].remaining -= 1
        if faults[n].remaining <= 0 { faults.remove(at: n) }
        switch fault {
        case .latency:
            held.append(call.route) // recorded once handled
        case .truncatedBody:
            break // recorded once handled
        case .connectionReset:
            record(call, status: 0, fault: fault, user: nil)
        case .status, .malformedJSON, .emptyBody:
            record(call, status: fault.reply?.status ?? 0, fault: fault, user: nil)
        }
        return .fault(fault)
    }

    /// A request a latency fault held is let go: answered next, or dropped.
    func release(_ call: FakeCall) {
        if let n = held.firstIndex(of: call.route) { held.remove(at: n) }
    }

    /// Answers a request as ABS would, and logs it.
    func handle(_ call: FakeCall, fault: FakeFault? = nil) -> FakeReply {
        var user: FakeABSUser? = nil
        var reply = answer(call, user: &user)
        if fault == .truncatedBody { reply.action = .truncate }
        record(call, status: reply.action == .respond || reply.action == .truncate ? reply.status : 0, fault: fault, user: user)
        return reply
    }

    private func answer(_ call: FakeCall, user: inout FakeABSUser?) -> FakeReply {
        let body: JSONValue
        switch call.body {
        case .malformed: return .expressError(400, "Bad Request")
        case .tooLarge: return .expressError(413, "Payload Too Large")
        case .json(let json): body = json
        }
        guard call.isAPI else {
            switch call.route {
            case .status:
                return .json(WireStatus(app: "audiobookshelf", serverVersion: serverVersion, isInit: true,
                                        language: "en-us", authMethods: ["local"]), encoder: encoder)
            case .health:
                return call.path.lowercased().hasPrefix("/ping")
                    ? .json(WirePing(success: true), encoder: encoder) : .sendStatus(200)
            default:
                return .cannot(call.method, call.requestedPath)
            }
        }
        // Under /api authentication comes first, even for paths no route takes.
        guard let authenticated = self.user(token: call.token) else { return .unauthorized }
        user = authenticated
        switch call.route {
        case .me:
            return .json(wireMe(authenticated), encoder: encoder)
        case .authorize:
            return authorize(authenticated)
        case .progress:
            return getProgress(call, user: authenticated)
        case .updateProgress:
            return updateProgress(call, body: body, user: authenticated)
        case .hideProgress:
            return hideProgress(call, user: authenticated)
        case .itemsInProgress:
            return itemsInProgress(call, user: authenticated)
        case .user:
            return getUser(call, requester: authenticated)
        case .libraries:
            guard let id = call.parameter else {
                return .json(WireLibraries(libraries: libraries.enumerated().map { n, library in
                    library.wire(displayOrder: n + 1, scanVersion: serverVersion)
                }), encoder: encoder)
            }
            guard let n = libraries.firstIndex(where: { $0.id == id }) else { return .send(404, "Library not found") }
            return .json(libraries[n].wire(displayOrder: n + 1, scanVersion: serverVersion), encoder: encoder)
        case .libraryItems:
            return listItems(call, user: authenticated)
        case .batchGet:
            return batchGet(body, user: authenticated)
        case .item:
            return getItem(call, user: authenticated)
        case .patchMedia:
            return patchMedia(call.parameter ?? "", body: body, user: authenticated)
        case .batchUpdate:
            return batchUpdate(body, user: authenticated)
        case .any, .status, .health, .unknown:
            return .cannot(call.method, call.requestedPath)
        }
    }

    // MARK: - GET /api/libraries/:id/items

    private func listItems(_ call: FakeCall, user: FakeABSUser) -> FakeReply {
        guard let library = library(id: call.parameter ?? "") else { return .send(404, "Library not found") }
        var limit = 0, page = 0
        for key in ["limit", "page"] {
            guard let text = call.query[key] else { continue }
            var value = jsNumber(text)
            if value.isNaN { value = 0 }
            guard value >= 0, value == value.rounded(), value.isFinite, value < 1e15 else {
                return .send(400, "Invalid request. \(key) must be a positive integer")
            }
            if key == "limit" { limit = Int(value) } else { page = Int(value) }
        }
        let include = (call.query["include"] ?? "").split(separator: ",")
            .map { $0.trimmingCharacters(in: .whitespaces).lowercased() }.filter { !$0.isEmpty }
        let sort = call.query["sort"]
        let desc = call.query["desc"] == "1"
        let order = sortedOrder(OrderKey(libraryId: library.id, sort: sort, desc: desc, withExplicit: user.canAccessExplicit))
        let offset = page * limit
        let window = limit > 0 ? order.dropFirst(offset).prefix(limit) : order[...]

        let envelope = WireItemsEnvelope(
            total: order.count, limit: limit, page: page, sortBy: sort, sortDesc: desc, filterBy: call.query["filter"],
            mediaType: library.mediaType, minified: call.query["minified"] == "1",
            collapseseries: call.query["collapseseries"] == "1", include: include.joined(separator: ","), offset: offset)
        guard let tail = try? encoder.encode(envelope) else { return .expressError(500, "Internal Server Error") }

        var body = ByteBuffer()
        var parts: [ByteBuffer] = []
        parts.reserveCapacity(window.count)
        var size = tail.count + 16
        for n in window {
            let part = minifiedJSON(at: n)
            size += part.readableBytes + 1
            parts.append(part)
        }
        body.reserveCapacity(size)
        body.writeString("{\"results\":[")
        for (n, part) in parts.enumerated() {
            if n > 0 { body.writeInteger(UInt8(ascii: ",")) }
            body.writeImmutableBuffer(part)
        }
        body.writeString("],")
        body.writeBytes(tail.dropFirst()) // the envelope's members after its "{"
        return .json(body)
    }

    /// The items of a listing in order. Unsorted listings come in id order.
    private func sortedOrder(_ key: OrderKey) -> [Int] {
        if let cached = orderCache[key], key.sort != "random" { return cached }
        var order = items.indices.filter { n in
            items[n].libraryId == key.libraryId && (key.withExplicit || !items[n].explicit)
        }
        func byThenId<T: Comparable>(_ value: (FakeABSItem) -> T) {
            let values = order.map { value(items[$0]) }
            let ids = order.map { items[$0].id }
            let sorted = order.indices.sorted { a, b in values[a] != values[b] ? values[a] < values[b] : ids[a] < ids[b] }
            order = sorted.map { order[$0] }
        }
        var sorted = true
        switch key.sort {
        case "addedAt": byThenId(\.addedAt)
        case "size": byThenId(\.itemSize)
        case "birthtimeMs": byThenId(\.birthtimeMs)
        case "mtimeMs": byThenId(\.mtimeMs)
        case "media.duration": byThenId(\.duration)
        case "media.metadata.title": byThenId { Self.nocase($0.title) }
        // CAST(publishedYear AS INTEGER): NULL first.
        case "media.metadata.publishedYear": byThenId { $0.publishedYear.map(Self.sqliteInteger) ?? Int.min }
        case "media.metadata.authorName": byThenId { Self.nocase($0.authorName) + "\u{0}" + Self.nocase($0.title) }
        case "media.metadata.authorNameLF": byThenId { Self.nocase($0.authorNameLF) + "\u{0}" + Self.nocase($0.title) }
        case "random":
            for i in stride(from: order.count - 1, to: 0, by: -1) { order.swapAt(i, randomSource.below(i + 1)) }
            sorted = false
        default:
            order.sort { items[$0].id < items[$1].id }
            sorted = false
        }
        if sorted, key.desc { order.reverse() }
        orderCache[key] = order
        return order
    }

    /// SQLite's CAST(text AS INTEGER): the leading integer, else 0.
    static func sqliteInteger(_ text: String) -> Int {
        let trimmed = text.drop(while: \.isWhitespace)
        let sign = trimmed.first == "-" ? -1 : 1
        let digits = trimmed.drop(while: { $0 == "-" || $0 == "+" }).prefix(while: \.isASCII).prefix(while: \.isNumber)
        return sign * (Int(digits.prefix(18)) ?? 0)
    }

    /// SQLite's COLLATE NOCASE: ASCII letters folded, nothing else.
    static func nocase(_ s: String) -> String {
        String(decoding: s.utf8.map { $0 >= 0x41 && $0 <= 0x5A ? $0 + 32 : $0 }, as: UTF8.self)
    }

    func minifiedJSON(at n: Int) -> ByteBuffer {
        let item = items[n]
        if let cached = minifiedCache[item.id] { return cached }
        let bytes = (try? encoder.encode(item.wireMinified(mediaType: mediaType(of: item)))).map { ByteBuffer(bytes: $0) } ?? ByteBuffer(string: "null")
        minifiedCache[item.id] = bytes
        return bytes
    }

    func expandedJSON(at n: Int) -> ByteBuffer {
        let item = items[n]
        if let cached = expandedCache[item.id] { return cached }
        let bytes = (try? encoder.encode(item.wireExpanded(mediaType: mediaType(of: item), scanVersion: serverVersion)))
            .map { ByteBuffer(bytes: $0) } ?? ByteBuffer(string: "null")
        expandedCache[item.id] = bytes
        return bytes
    }

    // MARK: - POST /api/items/batch/get

    private func batchGet(_ body: JSONValue, user: FakeABSUser) -> FakeReply {
        // `req.body.libraryItemIds || []`, then `.length`: a non-empty string is one id,
        // numbers, booleans and objects have no length.
        let wanted: Set<String>
        switch body["libraryItemIds"] {
        case .array(let values) where !values.isEmpty: wanted = Set(values.compactMap(\.stringValue))
        case .string(let id) where !id.isEmpty: wanted = [id]
        default: return .send(403, "Invalid payload")
        }
        // findAll where id IN (...): storage order, unknown ids dropped.
        let found = items.indices.filter { wanted.contains(items[$0].id) }
        if found.contains(where: { !canAccess(user, items[$0]) }) { return .sendStatus(403) }
        var out = ByteBuffer()
        out.writeString("{\"libraryItems\":[")
        for (k, n) in found.enumerated() {
            if k > 0 { out.writeInteger(UInt8(ascii: ",")) }
            out.writeImmutableBuffer(expandedJSON(at: n))
        }
        out.writeString("]}")
        return .json(out)
    }

    // MARK: - GET /api/items/:id

    private func getItem(_ call: FakeCall, user: FakeABSUser) -> FakeReply {
        guard let n = positions[call.parameter ?? ""] else { return .sendStatus(404) }
        guard canAccess(user, items[n]) else { return .sendStatus(403) }
        // `req.query.expanded == 1`: loose equality, "1", "01" and " 1 " all count.
        if let expanded = call.query["expanded"], jsNumber(expanded) == 1 {
            return .json(Self.appending(expandedJSON(at: n), includes(call, itemId: items[n].id, user: user)))
        }
        return .json(items[n].wireOld(mediaType: mediaType(of: items[n]), scanVersion: serverVersion), encoder: encoder)
    }
}
