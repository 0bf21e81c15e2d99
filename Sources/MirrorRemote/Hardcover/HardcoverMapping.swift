import Foundation
import MirrorCore

/// Hardcover's wire JSON to Core types.
enum HardcoverMapping {
    static func edition(_ w: WireEdition, bookId: Int? = nil) -> HardcoverEdition {
        HardcoverEdition(
            id: w.id, bookId: w.book_id ?? bookId ?? 0, title: clean(w.title), subtitle: clean(w.subtitle),
            isbn10: clean(w.isbn_10), isbn13: clean(w.isbn_13), asin: clean(w.asin).map { $0.uppercased() },
            readingFormat: .init(id: w.reading_format_id), audioSeconds: w.audio_seconds, pages: w.pages,
            editionFormat: clean(w.edition_format), narrators: contributors(w.cached_contributors, role: "narrator"),
            publisher: clean(w.publisher?.name), language: clean(w.language?.language),
            languageCode: clean(w.language?.code2) ?? clean(w.language?.code3),
            releaseDate: clean(w.release_date), usersCount: w.users_count ?? 0)
    }

    static func book(_ w: WireBook) -> HardcoverBook {
        let contributions = (w.contributions ?? []).compactMap { c -> HardcoverContributor? in
            guard let name = clean(c.author?.name) else { return nil }
            return HardcoverContributor(name: name, role: clean(c.contribution))
        }
        var editions: [HardcoverEdition] = []
        for e in [w.default_audio_edition].compactMap({ $0 }) + (w.editions ?? []) where !editions.contains(where: { $0.id == e.id }) {
            editions.append(edition(e, bookId: w.id))
        }
        let series = (w.book_series ?? []).compactMap { s -> HardcoverSeriesEntry? in
            guard let name = clean(s.series?.name) else { return nil }
            return HardcoverSeriesEntry(name: name, position: s.position?.value)
        }
        return HardcoverBook(
            id: w.id, title: clean(w.title) ?? "", subtitle: clean(w.subtitle), description: clean(w.description),
            authors: unique(contributions.filter { $0.role == nil }.map(\.name)), contributors: contributions,
            series: series, genres: genres(w.cached_tags), releaseYear: w.release_year, releaseDate: clean(w.release_date),
            pages: w.pages, audioSeconds: w.audio_seconds, rating: w.rating?.value, usersCount: w.users_count ?? 0,
            defaultAudioEditionId: w.default_audio_edition_id, canonicalId: w.canonical_id, editions: editions)
    }

    /// Typesense hits, in rank order; ids arrive as strings (sometimes numbers).
    static func searchHits(_ w: WireSearch) -> [HardcoverSearchHit] {
        let hits = (w.results?.unwrapped["hits"]?.array ?? [])
        var out: [HardcoverSearchHit] = []
        for hit in hits {
            let document = hit["document"] ?? hit
            guard let id = document["id"]?.int, !out.contains(where: { $0.bookId == id }) else { continue }
            out.append(HardcoverSearchHit(bookId: id, rank: out.count + 1, title: document["title"]?.string,
                                          authorNames: document["author_names"]?.array.compactMap(\.string) ?? []))
        }
        if out.isEmpty, let ids = w.ids {
            for id in ids.compactMap({ $0 }) where !out.contains(where: { $0.bookId == id }) {
                out.append(HardcoverSearchHit(bookId: id, rank: out.count + 1))
            }
        }
        return out
    }

    /// Names from cached_contributors (`[{"author": {"name"}, "contribution": "Narrator"}]`, or
    /// flat `{"name"}`) with the given role, or the primary authors when role is nil.
    static func contributors(_ json: WireJSON?, role: String?) -> [String] {
        guard let json else { return [] }
        let names = json.unwrapped.array.compactMap { entry -> String? in
            let contribution = entry["contribution"]?.string?.lowercased()
            guard contribution == role?.lowercased() else { return nil }
            return clean(entry["author"]?["name"]?.string ?? entry["name"]?.string)
        }
        return unique(names)
    }

    /// Genre tags from cached_tags, most-voted first as Hardcover lists them.
    static func genres(_ json: WireJSON?) -> [String] {
        guard let json else { return [] }
        return unique((json.unwrapped["Genre"]?.array ?? []).compactMap { clean($0["tag"]?.string) })
    }

    /// A user_books row, or nil when it cannot be understood: no id or book id, a status that is
    /// not 1...6, no updated_at, or a read without an id or with a date that is not "YYYY-MM-DD".
    /// Such a row is skipped whole (a book missing a read would look like one to add a read to).
    static func userBook(_ w: WireUserBook) -> HardcoverUserBook? {
        guard let id = w.id, let bookId = w.book_id, let status = w.status_id.flatMap(HardcoverReadingStatus.init(rawValue:)),
              let updatedAt = clean(w.updated_at) else { return nil }
        var reads: [HardcoverRead] = []
        for lossy in w.user_book_reads ?? [] {
            guard let r = lossy.value.flatMap(read) else { return nil }
            reads.append(r)
        }
        return HardcoverUserBook(id: id, bookId: bookId, editionId: w.edition_id, status: status, owned: w.owned ?? false,
                                 updatedAt: updatedAt, reads: reads)
    }

    /// A user_book_reads row, or nil without an id or with a date that is not "YYYY-MM-DD".
    static func read(_ r: WireUserBookRead) -> HardcoverRead? {
        guard let readId = r.id else { return nil }
        let started = clean(r.started_at), finished = clean(r.finished_at)
        let startedOn = started.flatMap(HardcoverDate.init), finishedOn = finished.flatMap(HardcoverDate.init)
        guard (started == nil) == (startedOn == nil), (finished == nil) == (finishedOn == nil) else { return nil }
        return HardcoverRead(id: readId, editionId: r.edition_id, startedOn: startedOn, finishedOn: finishedOn,
                             progressSeconds: r.progress_seconds)
    }

    static func clean(_ s: String?) -> String? {
        guard let s else { return nil }
        let t = s.trimmingCharacters(in: .whitespacesAndNewlines)
        return t.isEmpty ? nil : t
    }

    private static func unique(_ names: [String]) -> [String] {
        var seen = Set<String>()
        return names.filter { seen.insert($0.lowercased()).inserted }
    }
}
