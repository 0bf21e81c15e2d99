// From the fake's values to the wire shapes, computing what ABS derives (joined names, sizes,
// tracks, library files) the way ABS does.

extension FakeABSItem {
    private var wireTitle: String? { title.isEmpty ? nil : title }
    /// getTitlePrefixAtEnd(null) is null.
    private var wireTitleIgnorePrefix: String? { title.isEmpty ? nil : titleIgnorePrefix }

    private var fileLanguage: String? {
        switch language?.lowercased() {
        case "english": "eng"
        case "german", "deutsch": "ger"
        case "french", "français": "fre"
        case "spanish", "español": "spa"
        case "italian": "ita"
        case .none: nil
        case .some(let other): String(other.prefix(3))
        }
    }

    func wireAudioFile(_ file: FakeABSAudioFile) -> WireAudioFile {
        let track = file.metaTags["tagTrack"].flatMap { Int($0.split(separator: "/").first ?? "") }
        let disc = file.metaTags["tagDisc"].flatMap { Int($0.split(separator: "/").first ?? "") }
        let leadingDigits = file.filename.prefix(while: \.isNumber)
        return WireAudioFile(
            index: file.index, ino: file.ino,
            metadata: WireFileMetadata(filename: file.filename, ext: file.ext, path: file.path, relPath: file.relPath,
                                       size: file.size, mtimeMs: file.mtimeMs, ctimeMs: file.mtimeMs,
                                       birthtimeMs: file.mtimeMs - 40_000),
            addedAt: addedAt - 55, updatedAt: addedAt - 55,
            trackNumFromMeta: track, discNumFromMeta: disc,
            trackNumFromFilename: leadingDigits.isEmpty ? nil : Int(leadingDigits), discNumFromFilename: nil,
            manuallyVerified: false, exclude: false, error: nil,
            format: file.format, duration: file.duration, bitRate: file.bitRate, language: fileLanguage,
            codec: file.codec, timeBase: file.codec == "mp3" ? "1/14112000" : "1/44100",
            channels: file.channels, channelLayout: file.channels == 1 ? "mono" : "stereo",
            chapters: file.chapters.enumerated().map { WireFileChapter(start: $1.start, end: $1.end, title: $1.title, id: $0) },
            embeddedCoverArt: file.embeddedCoverArt, metaTags: WireMetaTags(file.metaTags), mimeType: file.mimeType)
    }

    var wireChapters: [WireChapter] {
        chapters.enumerated().map { WireChapter(id: $0, start: $1.start, end: $1.end, title: $1.title) }
    }

    var wireLibraryFiles: [WireLibraryFile] {
        var files = audioFiles.map { file in
            WireLibraryFile(ino: file.ino,
                            metadata: WireFileMetadata(filename: file.filename, ext: file.ext, path: file.path,
                                                       relPath: file.relPath, size: file.size, mtimeMs: file.mtimeMs,
                                                       ctimeMs: file.mtimeMs, birthtimeMs: file.mtimeMs - 40_000),
                            isSupplementary: nil, addedAt: addedAt - 58, updatedAt: addedAt - 58, fileType: "audio")
        }
        if let coverPath {
            let filename = String(coverPath.split(separator: "/").last ?? "cover.jpg")
            let ext = filename.lastIndex(of: ".").map { String(filename[$0...]).lowercased() } ?? ""
            let coverIno = UInt64(ino).map { String($0 + 1) } ?? ino + "1"
            files.append(WireLibraryFile(ino: coverIno,
                                         metadata: WireFileMetadata(filename: filename, ext: ext, path: coverPath,
                                                                    relPath: filename, size: coverSize, mtimeMs: mtimeMs,
                                                                    ctimeMs: mtimeMs, birthtimeMs: birthtimeMs),
                                         isSupplementary: nil, addedAt: addedAt - 58, updatedAt: addedAt - 58,
                                         fileType: "image"))
        }
        return files
    }

    /// libraryItem.size: every file of the item.
    var itemSize: Int64 { mediaSize + coverSize }
    var numFiles: Int { audioFiles.count + (coverPath == nil ? 0 : 1) }

    private var wireAuthors: [WireAuthorRef] { authors.map { WireAuthorRef(id: $0.id, name: $0.name) } }
    private var wireSeries: [WireSeriesRef] { series.map { WireSeriesRef(id: $0.id, name: $0.name, sequence: $0.sequence) } }

    private var tracks: [WireAudioTrack] {
        var offset = 0.0
        return audioFiles.map { file in
            let track = WireAudioTrack(file: wireAudioFile(file), title: file.filename, startOffset: offset,
                                       contentUrl: "/api/items/\(id)/file/\(file.ino)")
            offset += file.duration
            return track
        }
    }

    // MARK: Podcasts

    private func podcastMetadata(withPrefix: Bool) -> WirePodcastMetadata {
        WirePodcastMetadata(title: wireTitle, author: authors.first?.name, description: description, releaseDate: publishedDate,
                            genres: genres, feedUrl: "https://feeds.example.com/\(mediaId.prefix(8)).xml", imageUrl: nil,
                            itunesPageUrl: nil, itunesId: nil, itunesArtistId: nil, explicit: explicit, language: language,
                            type: "episodic", titleIgnorePrefix: withPrefix ? wireTitleIgnorePrefix : nil)
    }

    private var episodes: [WirePodcastEpisode] {
        audioFiles.map { file in
            WirePodcastEpisode(libraryItemId: id, podcastId: mediaId, id: FakeIDs.derived(from: file.ino, salt: "episode"),
                               index: file.index, title: file.metaTags["tagTitle"] ?? file.filename,
                               description: nil, audioFile: wireAudioFile(file), publishedAt: file.mtimeMs,
                               addedAt: addedAt, updatedAt: updatedAt)
        }
    }

    private func podcastMedia(form: WireForm) -> WirePodcastMedia {
        WirePodcastMedia(id: mediaId, libraryItemId: form == .minified ? nil : id,
                         metadata: podcastMetadata(withPrefix: form != .old), coverPath: coverPath, tags: tags,
                         numEpisodes: form == .old ? nil : audioFiles.count,
                         episodes: form == .minified ? nil : episodes,
                         autoDownloadEpisodes: false, autoDownloadSchedule: "0 * * * *", lastEpisodeCheck: nil,
                         maxEpisodesToKeep: 0, maxNewEpisodesToDownload: 3, size: form == .old ? nil : mediaSize)
    }

    private enum WireForm { case minified, old, expanded }

    // MARK: Items

    func wireMinified(mediaType: String) -> WireLibraryItemMinified {
        let media: WireMedia<WireBookMediaMinified>
        if mediaType == "podcast" {
            media = .podcast(podcastMedia(form: .minified))
        } else {
            media = .book(WireBookMediaMinified(
                id: mediaId,
                metadata: WireBookMetadataMinified(
                    title: wireTitle, titleIgnorePrefix: wireTitleIgnorePrefix, subtitle: subtitle,
                    authorName: authorName, authorNameLF: authorNameLF, narratorName: narratorName,
                    seriesName: seriesName, genres: genres, publishedYear: publishedYear, publishedDate: publishedDate,
                    publisher: publisher, description: description, isbn: isbn, asin: asin, language: language,
                    explicit: explicit, abridged: abridged),
                coverPath: coverPath, tags: tags, numTracks: audioFiles.count, numAudioFiles: audioFiles.count,
                numChapters: chapterCount, duration: duration, size: mediaSize))
        }
        return WireLibraryItemMinified(
            id: id, ino: ino, oldLibraryItemId: nil, libraryId: libraryId, folderId: folderId, path: path,
            relPath: relPath, isFile: false, mtimeMs: mtimeMs, ctimeMs: mtimeMs, birthtimeMs: birthtimeMs,
            addedAt: addedAt, updatedAt: updatedAt, isMissing: isMissing, isInvalid: false, mediaType: mediaType,
            media: media, numFiles: numFiles, size: itemSize)
    }

    func wireOld(mediaType: String, scanVersion: String) -> WireLibraryItem {
        let media: WireMedia<WireBookMedia>
        if mediaType == "podcast" {
            media = .podcast(podcastMedia(form: .old))
        } else {
            media = .book(WireBookMedia(
                id: mediaId, libraryItemId: id,
                metadata: WireBookMetadata(
                    title: wireTitle, subtitle: subtitle, authors: wireAuthors, narrators: narrators, series: wireSeries,
                    genres: genres, publishedYear: publishedYear, publishedDate: publishedDate, publisher: publisher,
                    description: description, isbn: isbn, asin: asin, language: language,
                    explicit: explicit, abridged: abridged),
                coverPath: coverPath, tags: tags, audioFiles: audioFiles.map(wireAudioFile), chapters: wireChapters,
                ebookFile: nil))
        }
        return WireLibraryItem(
            id: id, ino: ino, oldLibraryItemId: nil, libraryId: libraryId, folderId: folderId, path: path,
            relPath: relPath, isFile: false, mtimeMs: mtimeMs, ctimeMs: mtimeMs, birthtimeMs: birthtimeMs,
            addedAt: addedAt, updatedAt: updatedAt, lastScan: lastScan, scanVersion: scanVersion,
            isMissing: isMissing, isInvalid: false, mediaType: mediaType, media: media, libraryFiles: wireLibraryFiles)
    }

    func wireExpanded(mediaType: String, scanVersion: String) -> WireLibraryItemExpanded {
        let media: WireMedia<WireBookMediaExpanded>
        if mediaType == "podcast" {
            media = .podcast(podcastMedia(form: .expanded))
        } else {
            let chapters = wireChapters
            media = .book(WireBookMediaExpanded(
                id: mediaId,
                metadata: WireBookMetadataExpanded(
                    title: wireTitle, subtitle: subtitle, authors: wireAuthors, narrators: narrators, series: wireSeries,
                    genres: genres, publishedYear: publishedYear, publishedDate: publishedDate, publisher: publisher,
                    description: description, isbn: isbn, asin: asin, language: language,
                    explicit: explicit, abridged: abridged, titleIgnorePrefix: wireTitleIgnorePrefix,
                    authorName: authorName, authorNameLF: authorNameLF, narratorName: narratorName,
                    seriesName: seriesName,
                    descriptionPlain: description.flatMap { $0.isEmpty ? nil : HTMLSanitiser.stripAllTags($0) }),
                coverPath: coverPath, tags: tags, numTracks: audioFiles.count, numAudioFiles: audioFiles.count,
                numChapters: chapters.count, duration: duration, size: mediaSize, libraryItemId: id,
                audioFiles: audioFiles.map(wireAudioFile), chapters: chapters, ebookFile: nil, tracks: tracks))
        }
        return WireLibraryItemExpanded(
            id: id, ino: ino, oldLibraryItemId: nil, libraryId: libraryId, folderId: folderId, path: path,
            relPath: relPath, isFile: false, mtimeMs: mtimeMs, ctimeMs: mtimeMs, birthtimeMs: birthtimeMs,
            addedAt: addedAt, updatedAt: updatedAt, isMissing: isMissing, isInvalid: false, mediaType: mediaType,
            media: media, numFiles: numFiles, size: itemSize, lastScan: lastScan, scanVersion: scanVersion,
            libraryFiles: wireLibraryFiles)
    }
}

extension FakeABSUser {
    /// toOldJSONForBrowser, with `progress` as its mediaProgress; the root's token is "" when
    /// `hidingRootToken` (another admin reads the root user).
    func wireUser<Progress>(createdAt: Int64, progress: [Progress], hidingRootToken: Bool = false) -> WireUserJSON<Progress> {
        WireUserJSON(id: id, username: username, email: nil, type: type,
               token: type == "root" && hidingRootToken ? "" : token, isOldToken: false,
               mediaProgress: progress, seriesHideFromContinueListening: [], bookmarks: [], isActive: isActive,
               isLocked: false, lastSeen: createdAt + 86_400_000, createdAt: createdAt,
               permissions: WirePermissions(download: true, update: canUpdate, delete: type == "root",
                                            upload: isAdminOrUp, createEreader: isAdminOrUp,
                                            accessAllLibraries: true, accessAllTags: true,
                                            accessExplicitContent: canAccessExplicit, selectedTagsNotAccessible: false),
               librariesAccessible: [], itemTagsSelected: [], hasOpenIDLink: false)
    }
}

extension FakeABSProgress {
    func wire(userId: String) -> WireMediaProgress {
        WireMediaProgress(id: id, userId: userId, libraryItemId: libraryItemId, episodeId: nil, mediaItemId: mediaItemId,
                          mediaItemType: "book", duration: duration, progress: progress, currentTime: currentTime,
                          isFinished: isFinished, hideFromContinueListening: hideFromContinueListening,
                          ebookLocation: ebookLocation, ebookProgress: ebookProgress, lastUpdate: lastUpdate,
                          startedAt: startedAt, finishedAt: finishedAt)
    }
}

extension FakeABSLibrary {
    func wire(displayOrder: Int, scanVersion: String) -> WireLibrary {
        let isPodcast = mediaType == "podcast"
        let settings = WireLibrarySettings(
            coverAspectRatio: 1, disableWatcher: false, autoScanCronExpression: nil,
            skipMatchingMediaWithAsin: isPodcast ? nil : false, skipMatchingMediaWithIsbn: isPodcast ? nil : false,
            audiobooksOnly: isPodcast ? nil : false, epubsAllowScriptedContent: isPodcast ? nil : false,
            hideSingleBookSeries: isPodcast ? nil : false, onlyShowLaterBooksInContinueSeries: isPodcast ? nil : false,
            metadataPrecedence: isPodcast ? nil : ["folderStructure", "audioMetatags", "nfoFile", "txtFiles", "opfFile", "absMetadata"],
            podcastSearchRegion: isPodcast ? "us" : nil, markAsFinishedPercentComplete: nil,
            markAsFinishedTimeRemaining: 10)
        return WireLibrary(
            id: id, name: name,
            folders: [WireFolder(id: folderId, fullPath: folderPath, libraryId: id, addedAt: createdAt)],
            displayOrder: displayOrder, icon: isPodcast ? "podcast" : "database", mediaType: mediaType,
            provider: isPodcast ? "itunes" : "audible", settings: settings,
            lastScan: createdAt + 3_600_000, lastScanVersion: scanVersion, createdAt: createdAt, lastUpdate: createdAt + 3_600_000)
    }
}
