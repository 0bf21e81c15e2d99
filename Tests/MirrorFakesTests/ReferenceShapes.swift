import Foundation

/// The expanded item of the reference (shared/reference/abs-item-expanded.example.json), as the
/// yardstick for the fake's shapes: every key there must be in the fake's answer, and the reverse.
enum ReferenceShapes {
    static let expandedItem = #"""
    {
      "id": "eb40cb3e-33c6-4a1d-8c56-0ef7cdf23c00",
      "ino": "2251799814271830",
      "oldLibraryItemId": null,
      "libraryId": "ad90076d-32ff-42b8-97ca-758657c7aae1",
      "folderId": "15008f10-5eae-4b1e-b4e2-9ee9fe97976c",
      "path": "/audiobooks/Brandon Sanderson/The Stormlight Archive/1 - The Way of Kings",
      "relPath": "Brandon Sanderson/The Stormlight Archive/1 - The Way of Kings",
      "isFile": false,
      "mtimeMs": 1716998890000,
      "ctimeMs": 1716998890000,
      "birthtimeMs": 1716998850000,
      "addedAt": 1717010123456,
      "updatedAt": 1717012345678,
      "isMissing": false,
      "isInvalid": false,
      "mediaType": "book",
      "media": {
        "id": "be35fc60-3ab9-4958-8b5c-6dbb8bc54ce7",
        "metadata": {
          "title": "The Way of Kings",
          "subtitle": null,
          "authors": [{ "id": "40a3f6c4-3bdb-4df7-b55c-09dbb698d0f4", "name": "Brandon Sanderson" }],
          "narrators": ["Michael Kramer", "Kate Reading"],
          "series": [{ "id": "4937c908-e414-4760-a54c-afe3e7f824ef", "name": "The Stormlight Archive", "sequence": "1" }],
          "genres": ["Fantasy"],
          "publishedYear": "2010",
          "publishedDate": null,
          "publisher": "Macmillan Audio",
          "description": "<p>Roshar is a world of stone &amp; storms.</p>",
          "isbn": null,
          "asin": "B003ZWFO7E",
          "language": "English",
          "explicit": false,
          "abridged": false,
          "titleIgnorePrefix": "Way of Kings, The",
          "authorName": "Brandon Sanderson",
          "authorNameLF": "Sanderson, Brandon",
          "narratorName": "Michael Kramer, Kate Reading",
          "seriesName": "The Stormlight Archive #1",
          "descriptionPlain": "Roshar is a world of stone & storms."
        },
        "coverPath": "/audiobooks/Brandon Sanderson/The Stormlight Archive/1 - The Way of Kings/cover.jpg",
        "tags": ["owned"],
        "numTracks": 1,
        "numAudioFiles": 1,
        "numChapters": 3,
        "duration": 163842.5,
        "size": 1317412864,
        "libraryItemId": "eb40cb3e-33c6-4a1d-8c56-0ef7cdf23c00",
        "audioFiles": [{
          "index": 1,
          "ino": "2251799814271832",
          "metadata": {
            "filename": "The Way of Kings.m4b", "ext": ".m4b",
            "path": "/audiobooks/Brandon Sanderson/The Stormlight Archive/1 - The Way of Kings/The Way of Kings.m4b",
            "relPath": "The Way of Kings.m4b", "size": 1317412864,
            "mtimeMs": 1716998890000, "ctimeMs": 1716998890000, "birthtimeMs": 1716998850000
          },
          "addedAt": 1717010123401, "updatedAt": 1717010123401,
          "trackNumFromMeta": null, "discNumFromMeta": null,
          "trackNumFromFilename": null, "discNumFromFilename": null,
          "manuallyVerified": false, "exclude": false, "error": null,
          "format": "QuickTime / MOV", "duration": 163842.5, "bitRate": 62724,
          "language": "eng", "codec": "aac", "timeBase": "1/44100",
          "channels": 2, "channelLayout": "stereo",
          "chapters": [
            { "start": 0, "end": 1124.378, "title": "Prelude to the Stormlight Archive", "id": 0 },
            { "start": 1124.378, "end": 3217.901, "title": "Prologue: To Kill", "id": 1 },
            { "start": 3217.901, "end": 163842.5, "title": "Chapter 1: Stormblessed", "id": 2 }
          ],
          "embeddedCoverArt": "mjpeg",
          "metaTags": {
            "tagAlbum": "The Way of Kings", "tagArtist": "Brandon Sanderson", "tagGenre": "Fantasy",
            "tagTitle": "The Way of Kings", "tagSeries": "The Stormlight Archive", "tagSeriesPart": "1",
            "tagAlbumArtist": "Brandon Sanderson", "tagDate": "2010",
            "tagComposer": "Michael Kramer, Kate Reading", "tagPublisher": "Macmillan Audio",
            "tagEncoder": "Lavf60.16.100"
          },
          "mimeType": "audio/mp4"
        }],
        "chapters": [
          { "id": 0, "start": 0, "end": 1124.378, "title": "Prelude to the Stormlight Archive" },
          { "id": 1, "start": 1124.378, "end": 3217.901, "title": "Prologue: To Kill" },
          { "id": 2, "start": 3217.901, "end": 163842.5, "title": "Chapter 1: Stormblessed" }
        ],
        "ebookFile": null,
        "tracks": []
      },
      "numFiles": 2,
      "size": 1317725709,
      "lastScan": 1717010124012,
      "scanVersion": "2.36.0",
      "libraryFiles": [
        {
          "ino": "2251799814271832",
          "metadata": {
            "filename": "The Way of Kings.m4b", "ext": ".m4b",
            "path": "/audiobooks/Brandon Sanderson/The Stormlight Archive/1 - The Way of Kings/The Way of Kings.m4b",
            "relPath": "The Way of Kings.m4b", "size": 1317412864,
            "mtimeMs": 1716998890000, "ctimeMs": 1716998890000, "birthtimeMs": 1716998850000
          },
          "isSupplementary": null, "addedAt": 1717010123398, "updatedAt": 1717010123398, "fileType": "audio"
        }
      ]
    }
    """#

    /// Every key path in a JSON value ("media.audioFiles[].metadata.path"); arrays through their
    /// elements, metaTags' own keys left out (they vary by file).
    static func keyPaths(_ value: Any, prefix: String = "") -> Set<String> {
        var paths = Set<String>()
        if let object = value as? [String: Any] {
            for (key, child) in object {
                let path = prefix.isEmpty ? key : prefix + "." + key
                paths.insert(path)
                if key != "metaTags" { paths.formUnion(keyPaths(child, prefix: path)) }
            }
        } else if let array = value as? [Any] {
            for element in array { paths.formUnion(keyPaths(element, prefix: prefix + "[]")) }
        }
        return paths
    }

    /// The reference's key paths (its `tracks` is empty; tracks are audio files plus three keys).
    static var expandedKeyPaths: Set<String> {
        let object = try! JSONSerialization.jsonObject(with: Data(expandedItem.utf8))
        var paths = keyPaths(object)
        for path in paths where path.hasPrefix("media.audioFiles[]") {
            paths.insert("media.tracks[]" + path.dropFirst("media.audioFiles[]".count))
        }
        paths.formUnion(["media.tracks[].title", "media.tracks[].startOffset", "media.tracks[].contentUrl"])
        return paths
    }
}
