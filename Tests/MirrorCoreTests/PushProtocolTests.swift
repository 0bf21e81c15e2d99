import MirrorCore
import Testing

/// The push and undo protocol's decisions, without I/O: each case is what the server holds, and
/// what the protocol must decide from it.
struct PushProtocolTests {
    /// ABS's semantics, as the push adapter gives them.
    static let semantics = FieldSemantics<DiffField>(
        same: { field, a, b in Differ.same(field, FieldValue(json: a, field: field), FieldValue(json: b, field: field)) },
        show: { field, value in FieldValue(json: value, field: field).map { "“\($0.display)”" } ?? "nothing" })

    static func write(_ field: DiffField, base: FieldWrite<DiffField>.Base, value: String?) -> FieldWrite<DiffField> {
        FieldWrite(itemId: "li_1", changeId: 7, field: field, base: base, value: value)
    }

    enum Expected: Equatable { case send, conflict }

    // The raw value recorded at diff time is compared exactly; the normalised (legacy) one as diff
    // compares. nil base: the field was empty; the outer nil of `now`: the item is gone.
    @Test(arguments: [
        // A year typed as text since the proposal (`diff` reads no year in it, like the base).
        (DiffField.publishedYear, FieldWrite<DiffField>.Base.raw(nil), String??.some("\"unknown\""), Expected.conflict),
        // Respaced: the same to `diff`, not to the user.
        (.publisher, .raw("\"Tor Books\""), .some("\"Tor  Books\""), .conflict),
        (.publisher, .normalised("\"Tor Books\""), .some("\"Tor  Books\""), .send),
        // A language code for the name: the same language, not the same value.
        (.language, .raw("\"English\""), .some("\"eng\""), .conflict),
        (.language, .normalised("\"English\""), .some("\"eng\""), .send),
        // Unchanged.
        (.language, .raw("\"eng\""), .some("\"eng\""), .send),
        (.authors, .raw("[\"A\",\"B\"]"), .some("[\"A\",\"B\"]"), .send),
        (.title, .raw(nil), .some(nil), .send),
        // Names reordered on the server: a different raw value.
        (.authors, .raw("[\"A\",\"B\"]"), .some("[\"B\",\"A\"]"), .conflict),
        // Gone from the server.
        (.title, .raw(nil), String??.none, .conflict),
    ])
    func aFieldIsSentOnlyWhileTheServerHoldsItsBase(_ field: DiffField, _ base: FieldWrite<DiffField>.Base, _ now: String??, _ expected: Expected) {
        let check = PushProtocol.check(Self.write(field, base: base, value: "\"new\""), now: now, server: "AudiobookShelf", semantics: Self.semantics)
        switch (check, expected) {
        case (.send(let before), .send): #expect(before == now ?? nil)
        case (.conflict, .conflict): break
        default: Issue.record("\(field) base \(base) now \(String(describing: now)): \(check), expected \(expected)")
        }
    }

    @Test func aConflictNamesWhatTheServerHoldsAndWhatWasExpected() {
        let check = PushProtocol.check(Self.write(.language, base: .raw("\"English\""), value: "\"French\""), now: .some("\"eng\""),
                                       server: "AudiobookShelf", semantics: Self.semantics)
        #expect(check == .conflict(reason: "AudiobookShelf now has “eng” (written differently), not “English” as when it was proposed"))
        let spelled = PushProtocol.check(Self.write(.title, base: .raw("\"Dune Messiah\""), value: "\"X\""), now: .some("\"Dune  Messiah\""),
                                         server: "AudiobookShelf", semantics: Self.semantics)
        #expect(spelled == .conflict(reason: "AudiobookShelf now has “Dune  Messiah” (written differently), not “Dune Messiah” as when it was proposed"))
        let gone = PushProtocol.check(Self.write(.title, base: .raw(nil), value: "\"X\""), now: .none, server: "Hardcover", semantics: Self.semantics)
        #expect(gone == .conflict(reason: "the item is gone from Hardcover"))
    }

    // After the send, the re-read decides: (before, now, how the send ended) → journal state.
    @Test(arguments: [
        // Seen applied (the server may write it its own way).
        (String?.none, String??.some("\"Dune\""), PushProtocol.SendResult.answered, JournalState.applied),
        (nil, .some("\"Dune\""), .failed("timed out", unknown: true), .applied),
        (nil, .some("\"Dune \""), .answered, .applied),
        // Still the old value: no answer leaves it open, a refusal fails it.
        (nil, .some(nil), .failed("timed out", unknown: true), .sent),
        (nil, .some(nil), .failed("500", unknown: false), .failed),
        (nil, .some(nil), .answered, .failed),
        // Something else: failed, whatever the send said.
        (nil, .some("\"Other\""), .failed("timed out", unknown: true), .failed),
        (nil, String??.none, .answered, .failed),
    ])
    func aSentFieldIsSettledByWhatTheServerHoldsAfterwards(_ before: String?, _ now: String??, _ send: PushProtocol.SendResult, _ state: JournalState) {
        let verdict = PushProtocol.verify(Self.write(.title, base: .raw(before), value: "\"Dune\""), before: before, now: now, send: send,
                                          semantics: Self.semantics)
        #expect(verdict.state == state)
        #expect((verdict.after != nil) == (state == .applied))
        #expect((verdict.reason == nil) == (state == .applied))
    }

    @Test func aFailureSaysWhatTheServerStoredOrWhyItRefused() {
        let stored = PushProtocol.verify(Self.write(.title, base: .raw(nil), value: "\"Dune\""), before: nil, now: .some("\"Other\""),
                                         send: .answered, semantics: Self.semantics)
        #expect(stored.reason == "the server stored “Other” instead")
        let refused = PushProtocol.verify(Self.write(.title, base: .raw(nil), value: "\"Dune\""), before: nil, now: .some(nil),
                                          send: .failed("HTTP 500", unknown: false), semantics: Self.semantics)
        #expect(refused.reason == "not applied: HTTP 500")
    }

    // An entry a killed run left open: (kind, before, after, now) → state and the change's status.
    @Test(arguments: [
        (RunKind.push, String??.some("\"New\""), JournalState.applied, ChangeStatus?.some(.pushed)),
        (.push, .some("\"Old\""), .failed, .accepted),
        (.push, .some("\"Third\""), .conflict, .conflict),
        (.push, String??.none, .conflict, .conflict),
        (.undo, .some("\"New\""), .applied, .pending),
        (.undo, .some("\"Old\""), .failed, nil),
        (.undo, .some("\"Third\""), .conflict, nil),
    ])
    func anInterruptedRunIsSettledByARereadOfTheServer(_ kind: RunKind, _ now: String??, _ state: JournalState, _ change: ChangeStatus?) {
        let s = PushProtocol.settleInterrupted(field: DiffField.title, before: "\"Old\"", after: "\"New\"", now: now, kind: kind,
                                               semantics: Self.semantics)
        #expect(s.state == state)
        #expect(s.changeStatus == change)
    }

    /// A value the push itself leaves between its steps (a book inserted "Currently Reading"
    /// until its read exists) is sent again from there, with that value as the new base; the
    /// same value reached by an undo, or any other value, is not.
    @Test func aValueThePushLeftBetweenItsStepsIsSentAgainFromThere() {
        let semantics = FieldSemantics<String>(same: { _, a, b in a == b }, show: { _, v in v ?? "nothing" },
                                               between: { _, before, after, value in before == nil && after == "\"read\"" && value == "\"reading\"" })
        let push = PushProtocol.settleInterrupted(field: "status", before: nil, after: "\"read\"", now: .some("\"reading\""), kind: .push,
                                                  semantics: semantics)
        #expect(push.state == .failed && push.changeStatus == .accepted)
        #expect(push.rebase == .some("\"reading\""))
        let undo = PushProtocol.settleInterrupted(field: "status", before: nil, after: "\"read\"", now: .some("\"reading\""), kind: .undo,
                                                  semantics: semantics)
        #expect(undo.state == .conflict && undo.rebase == .none)
        let other = PushProtocol.settleInterrupted(field: "status", before: nil, after: "\"read\"", now: .some("\"paused\""), kind: .push,
                                                   semantics: semantics)
        #expect(other.state == .conflict && other.rebase == .none)
    }

    @Test func undoChecksTheRawValueThePushLeftAndWritesBackWhateverWasThere() {
        let writes = PushProtocol.undoWrites([
            PushProtocol.AppliedEntry(id: 1, itemId: "li_1", changeId: 10, field: DiffField.authors, before: nil, after: "[\"Ann Leckie\"]",
                                      afterRaw: .some("[\"Ann Leckie\"]")),
            PushProtocol.AppliedEntry(id: 2, itemId: "li_1", changeId: 11, field: DiffField.language, before: "\"eng\"", after: "\"English\"",
                                      afterRaw: .none),
        ])
        #expect(writes.map(\.base) == [.raw("[\"Ann Leckie\"]"), .normalised("\"English\"")])
        #expect(writes.map(\.value) == [nil, "\"eng\""])
        #expect(writes.map(\.revertsEntry) == [1, 2])
    }

    @Test func aPushVerdictDecidesTheChangeAndAnUndoLeavesItPending() {
        #expect(PushProtocol.changeStatus(after: .applied, kind: .push) == .pushed)
        #expect(PushProtocol.changeStatus(after: .failed, kind: .push) == .failed)
        #expect(PushProtocol.changeStatus(after: .sent, kind: .push) == nil)
        #expect(PushProtocol.changeStatus(after: .applied, kind: .undo) == .pending)
        #expect(PushProtocol.changeStatus(after: .failed, kind: .undo) == nil)
    }

    @Test func aFieldsRawValueIsWhatTheServerHoldsNotItsNormalisedForm() {
        var m = ItemMetadata()
        m.publishedYear = "unknown"
        m.language = "eng"
        m.authors = ["B", "A"]
        m.descriptionHTML = "<p>Hi</p>"
        m.descriptionPlain = "Hi"
        #expect(m.raw(.publishedYear) == "\"unknown\"")
        #expect(BookFields(item: m).publishedYear == nil)
        #expect(m.raw(.language) == "\"eng\"")
        #expect(m.raw(.authors) == "[\"B\",\"A\"]")
        #expect(m.raw(.description) == "\"<p>Hi<\\/p>\"" || m.raw(.description) == "\"<p>Hi</p>\"")
        #expect(m.raw(.title) == nil)
        #expect(m.raw(.series) == nil)
    }
}
