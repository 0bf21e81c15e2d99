import Foundation
import MirrorCore

/// Wire JSON to Core types: the one place where AudiobookShelf's shapes are interpreted.
enum ABSMapping {
    static func library(_ w: WireLibraries.Library) -> Library {
        Library(id: w.id, name: w.name, mediaType: w.mediaType ?? "book", folders: (w.folders ?? []).compactMap(\.fullPath))
    }

    static func user(_ w: WireMe) -> ServerUser {
        ServerUser(id: w.id, username: w.username ?? "", type: w.type ?? "user",
                   canUpdate: w.permissions?.update ?? false,
                   canAccessExplicit: w.permissions?.accessExplicitContent ?? false,
                   isActive: w.isActive ?? true)
    }

    /// The user and their books' listening state. Episodes are left out; an entry that cannot be
    /// read, names no item, holds a bad number, is another user's or repeats an item (the latest
    /// is kept) is skipped and counted, never fatal.
    static func listening(_ w: WireMe) -> ListeningState {
        let owner = user(w)
        var byItem: [String: ListeningProgress] = [:]
        var order: [String] = []
        var skipped = 0
        var episodes = 0
        for entry in w.mediaProgress?.entries ?? [] {
            guard case .progress(let p) = entry else { skipped += 1; continue }
            if clean(p.episodeId) != nil || (p.mediaItemType.map { $0 != "book" } ?? false) { episodes += 1; continue }
            guard let itemId = clean(p.libraryItemId), clean(p.userId).map({ $0 == owner.id }) ?? true else { skipped += 1; continue }
            let current = p.currentTime?.value ?? 0
            let duration = p.duration?.value ?? 0
            let fraction = p.progress?.value ?? (duration > 0 ? current / duration : 0)
            guard current.isFinite, duration.isFinite, fraction.isFinite, current >= 0, duration >= 0, fraction >= 0 else {
                skipped += 1
                continue
            }
            let isFinished = p.isFinished?.value ?? false
            let progress = ListeningProgress(
                itemId: itemId, userId: owner.id, currentSeconds: current, durationSeconds: duration,
                progress: min(1, fraction), isFinished: isFinished, startedAt: p.startedAt?.date,
                finishedAt: isFinished ? p.finishedAt?.date : nil, lastUpdate: p.lastUpdate?.date)
            if let earlier = byItem[itemId] {
                skipped += 1
                if (progress.lastUpdate ?? .distantPast) > (earlier.lastUpdate ?? .distantPast) { byItem[itemId] = progress }
            } else {
                byItem[itemId] = progress
                order.append(itemId)
            }
        }
        return ListeningState(user: owner, progress: order.compactMap { byItem[$0] }, skipped: skipped, episodes: episodes)
    }

    /// The fingerprint covers every field of the minified entry that the mirror shows, so a
    /// change that does not move `updatedAt` (an author renamed elsewhere) is still seen.
    static func listed(_ w: WireMinifiedItem) -> ListedItem {
        let m = w.media?.metadata
        let parts: [String?] = [
            w.updatedAt.map { String($0) }, w.mtimeMs.map { String($0) }, w.size.map { String($0.value) },
            w.numFiles.map(String.init), w.isMissing.map { String($0) },
            m?.title, m?.subtitle, m?.authorName, m?.narratorName, m?.seriesName,
            m?.genres?.joined(separator: "\u{1E}"), m?.publishedYear?.value, m?.publishedDate?.value, m?.publisher,
            m?.description, m?.isbn?.value, m?.asin?.value, m?.language,
            m?.explicit.map { String($0.value) }, m?.abridged.map { String($0.value) },
            w.media?.tags?.joined(separator: "\u{1E}"), w.media?.duration.map { String($0.value) },
            w.media?.size.map { String($0.value) }, w.media?.numAudioFiles.map(String.init),
        ]
        return ListedItem(id: w.id, updatedAtMs: w.updatedAt ?? 0, fingerprint: Fingerprint.of(parts))
    }

    static func item(_ w: WireExpandedItem) -> LibraryItem {
        let m = w.media.metadata
        var metadata = ItemMetadata()
        metadata.title = clean(m.title)
        metadata.subtitle = clean(m.subtitle)
        metadata.authors = (m.authors ?? []).compactMap { clean($0.name) }
        metadata.narrators = (m.narrators ?? []).compactMap(clean)
        metadata.series = (m.series ?? []).compactMap { s in
            clean(s.name).map { SeriesEntry(name: $0, sequence: s.sequence.flatMap { clean($0.value) }) }
        }
        metadata.genres = (m.genres ?? []).compactMap(clean)
        metadata.publishedYear = m.publishedYear.flatMap { clean($0.value) }
        metadata.publishedDate = m.publishedDate.flatMap { clean($0.value) }
        metadata.publisher = clean(m.publisher)
        metadata.descriptionHTML = clean(m.description)
        metadata.descriptionPlain = clean(m.descriptionPlain) ?? metadata.descriptionHTML.map(HTMLText.plain).flatMap(clean)
        metadata.isbn = m.isbn.flatMap { clean($0.value) }
        metadata.asin = m.asin.flatMap { clean($0.value) }
        metadata.language = clean(m.language)
        metadata.explicit = m.explicit?.value ?? false
        metadata.abridged = m.abridged?.value ?? false
        let files = (w.media.audioFiles ?? []).enumerated().map { offset, f in audioFile(f, position: offset + 1) }
        let duration = w.media.duration?.value ?? files.reduce(0) { $0 + $1.durationSeconds }
        let size = w.media.size.map { Int64($0.value) } ?? w.size.map { Int64($0.value) } ?? files.reduce(0) { $0 + $1.sizeBytes }
        return LibraryItem(id: w.id, libraryId: w.libraryId, path: w.path ?? "", relPath: w.relPath ?? "",
                           addedAtMs: w.addedAt ?? 0, updatedAtMs: w.updatedAt ?? 0, isMissing: w.isMissing ?? false,
                           metadata: metadata, tags: (w.media.tags ?? []).compactMap(clean),
                           durationSeconds: duration, sizeBytes: size, audioFiles: files)
    }

    static func audioFile(_ f: WireAudioFile, position: Int) -> ItemAudioFile {
        var tags: [String: String] = [:]
        for (key, value) in f.metaTags ?? [:] {
            if let v = clean(value.value) { tags[key] = v }
        }
        let chapters = (f.chapters ?? []).map {
            Chapter(startMs: Int64(($0.start.value * 1000).rounded()), endMs: Int64(($0.end.value * 1000).rounded()), title: clean($0.title))
        }
        return ItemAudioFile(index: f.index ?? position, ino: f.ino.value, path: f.metadata.path,
                             relPath: f.metadata.relPath ?? f.metadata.filename ?? "",
                             sizeBytes: f.metadata.size.map { Int64($0.value) } ?? 0,
                             durationSeconds: f.duration?.value ?? 0, codec: f.codec,
                             bitrate: f.bitRate.map { Int($0.value) }, format: f.format, metaTags: tags, chapters: chapters)
    }

    /// Text as stored: NFC, trimmed; empty becomes nil.
    static func clean(_ text: String?) -> String? {
        guard let text else { return nil }
        let value = TextCleaner.tagValue(text)
        return value.isEmpty ? nil : value
    }
}
