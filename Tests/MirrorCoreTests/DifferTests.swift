import MirrorCore
import Testing

/// Field-level proposals: what is a change, what is noise, and what is never proposed.
struct DifferTests {
    static func fields(_ build: (inout BookFields) -> Void) -> BookFields {
        var b = BookFields()
        build(&b)
        return b
    }

    static let hardcover = fields {
        $0.title = "The Way of Kings"
        $0.authors = ["Brandon Sanderson"]
        $0.narrators = ["Michael Kramer", "Kate Reading"]
        $0.series = [SeriesEntry(name: "The Stormlight Archive", sequence: "1")]
        $0.publishedYear = 2010
        $0.publisher = "Macmillan Audio"
        $0.description = "Roshar is a world of stone and storms."
        $0.isbn = "9780765326355"
        $0.asin = "B003ZWFO7E"
        $0.language = "English"
        $0.genres = ["Fantasy", "Epic"]
    }

    struct NoiseCase: Sendable, CustomTestStringConvertible {
        var name: String
        var field: DiffField
        var mine: FieldValue
        var theirs: FieldValue
        var testDescription: String { name }
    }

    static let noise: [NoiseCase] = [
        .init(name: "white space", field: .title, mine: .text("The  Way of Kings "), theirs: .text("The Way of Kings")),
        .init(name: "HTML against plain text", field: .description, mine: .text("<p>Roshar is a <b>world</b>&nbsp;of stone.</p>"), theirs: .text("Roshar is a world of stone.")),
        .init(name: "paragraph breaks lost", field: .description, mine: .text("Two sisters inherit a house.Winner of the award."),
              theirs: .text("Two sisters inherit a house.\nWinner of the award.")),
        .init(name: "author order and case", field: .authors, mine: .list(["kate reading", "Michael Kramer"]), theirs: .list(["Michael Kramer", "Kate Reading"])),
        .init(name: "Last, First", field: .authors, mine: .list(["Sanderson, Brandon"]), theirs: .list(["Brandon Sanderson"])),
        .init(name: "sequence 1 against 1.0", field: .series, mine: .series([SeriesEntry(name: "Stormlight Archive", sequence: "1.0")]),
              theirs: .series([SeriesEntry(name: "The Stormlight Archive", sequence: "1")])),
        .init(name: "ISBN forms", field: .isbn, mine: .text("0-7653-2635-3"), theirs: .text("9780765326355")),
        .init(name: "ASIN case", field: .asin, mine: .text("b003zwfo7e"), theirs: .text("B003ZWFO7E")),
        .init(name: "language code against name", field: .language, mine: .text("en"), theirs: .text("English")),
        .init(name: "genre case and order", field: .genres, mine: .list(["epic", "fantasy"]), theirs: .list(["Fantasy", "Epic"])),
    ]

    @Test(arguments: noise)
    func noiseIsNotAChange(_ c: NoiseCase) {
        #expect(Differ.same(c.field, c.mine, c.theirs))
    }

    static let changes: [NoiseCase] = [
        .init(name: "another title", field: .title, mine: .text("Way of Kings"), theirs: .text("The Way of Kings")),
        .init(name: "another author", field: .authors, mine: .list(["Brian Herbert"]), theirs: .list(["Frank Herbert"])),
        .init(name: "one more narrator", field: .narrators, mine: .list(["Michael Kramer"]), theirs: .list(["Michael Kramer", "Kate Reading"])),
        .init(name: "another sequence", field: .series, mine: .series([SeriesEntry(name: "Stormlight", sequence: "2")]),
              theirs: .series([SeriesEntry(name: "Stormlight", sequence: "1")])),
        .init(name: "another description", field: .description, mine: .text("A story of loss."), theirs: .text("A story of love.")),
        .init(name: "another ISBN", field: .isbn, mine: .text("9780765326362"), theirs: .text("9780765326355")),
    ]

    @Test(arguments: changes)
    func aRealDifferenceIsAChange(_ c: NoiseCase) {
        #expect(!Differ.same(c.field, c.mine, c.theirs))
    }

    @Test func byDefaultOnlyEmptyFieldsAreFilled() {
        let current = Self.fields {
            $0.title = "The Way of Kings (Unabridged)"
            $0.authors = ["Brandon Sanderson"]
        }
        let proposals = Differ.proposals(current: current, hardcover: Self.hardcover, tags: nil)
        #expect(!proposals.contains { $0.field == .title }, "a non-empty title is not replaced under fill")
        #expect(!proposals.contains { $0.field == .authors })
        #expect(proposals.allSatisfy { $0.action == .fill && $0.current == nil && $0.source == .hardcover })
        #expect(Set(proposals.map(\.field)) == [.narrators, .series, .publishedYear, .publisher, .description, .isbn, .asin, .language, .genres])
    }

    @Test func replaceProposesDifferencesButNotNoise() {
        var policy = DiffPolicy()
        policy.defaultPolicy = .replace
        let current = Self.fields {
            $0.title = "The Way of Kings (Unabridged)"
            $0.authors = ["Sanderson, Brandon"]
            $0.asin = "b003zwfo7e"
        }
        let proposals = Differ.proposals(current: current, hardcover: Self.hardcover, tags: nil, policy: policy)
        let title = proposals.first { $0.field == .title }
        #expect(title?.action == .replace)
        #expect(title?.current == .text("The Way of Kings (Unabridged)"))
        #expect(title?.proposed == .text("The Way of Kings"))
        #expect(!proposals.contains { $0.field == .authors || $0.field == .asin })
    }

    @Test func ignoredFieldsAreLeftAlone() {
        var policy = DiffPolicy()
        policy.fields[.genres] = .ignore
        policy.fields[.description] = .ignore
        let proposals = Differ.proposals(current: BookFields(), hardcover: Self.hardcover, tags: nil, policy: policy)
        #expect(!proposals.contains { $0.field == .genres || $0.field == .description })
    }

    @Test func tagsFillWhatAudiobookShelfAndHardcoverLack() {
        let tags = Self.fields {
            $0.narrators = ["Tag Narrator"]
            $0.publisher = "Tag Press"
            $0.title = "Tag Title"
        }
        var hardcover = Self.hardcover
        hardcover.publisher = nil
        let current = Self.fields { $0.title = "Mine" }
        var policy = DiffPolicy()
        policy.defaultPolicy = .replace
        let proposals = Differ.proposals(current: current, hardcover: hardcover, tags: tags, policy: policy)
        #expect(proposals.first { $0.field == .publisher }?.source == .tags)
        #expect(proposals.first { $0.field == .narrators }?.source == .hardcover, "Hardcover first")
        #expect(proposals.first { $0.field == .title }?.source == .hardcover, "tags never replace")
    }

    /// Whatever the inputs, no proposal empties a field, and none proposes an empty author list.
    @Test func noProposalEverEmptiesAFieldOrTheAuthorList() {
        let blanks: [BookFields] = [
            BookFields(),
            Self.fields {
                $0.title = "  "
                $0.authors = ["", " "]
                $0.narrators = [""]
                $0.series = [SeriesEntry(name: " ", sequence: "1")]
                $0.publisher = ""
                $0.description = "\n"
                $0.genres = [" "]
                $0.isbn = ""
                $0.asin = " "
                $0.language = ""
            },
        ]
        let currents: [BookFields] = blanks + [Self.hardcover, Self.fields { $0.title = "X"; $0.authors = ["Someone"] }]
        for policy in FieldPolicy.allCases {
            var p = DiffPolicy()
            p.defaultPolicy = policy
            for current in currents {
                for proposed in blanks + [Self.hardcover] {
                    for tags in blanks + [nil] {
                        for proposal in Differ.proposals(current: current, hardcover: proposed, tags: tags, policy: p) {
                            #expect(!proposal.proposed.isEmptyForTest, "\(proposal)")
                            if proposal.field == .authors, case .list(let names) = proposal.proposed { #expect(!names.isEmpty) }
                        }
                    }
                }
            }
        }
    }

    @Test func hardcoverFieldsComeFromTheBookAndItsChosenEdition() {
        let book = HardcoverBook(id: 1, title: "Edgedancer", authors: ["Brandon Sanderson"],
                                 series: [HardcoverSeriesEntry(name: "The Stormlight Archive", position: 2.5)], genres: ["Fantasy"],
                                 releaseYear: 2016)
        let edition = HardcoverEdition(id: 2, bookId: 1, isbn10: "0765326353", asin: "B01N5AX61W", readingFormat: .audiobook,
                                       narrators: ["Kate Reading"], publisher: "Tor", language: "English")
        let fields = BookFields(hardcover: book, edition: edition)
        #expect(fields.series == [SeriesEntry(name: "The Stormlight Archive", sequence: "2.5")])
        #expect(fields.narrators == ["Kate Reading"])
        #expect(fields.isbn == "9780765326355")
        #expect(fields.publisher == "Tor")
        #expect(BookFields(hardcover: book, edition: nil).narrators.isEmpty)
    }
}

extension FieldValue {
    var isEmptyForTest: Bool {
        switch self {
        case .text(let s): s.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
        case .list(let l): l.isEmpty || l.contains { $0.trimmingCharacters(in: .whitespaces).isEmpty }
        case .series(let e): e.isEmpty || e.contains { $0.name.trimmingCharacters(in: .whitespaces).isEmpty }
        }
    }
}
