// sm_taglib.h — shelfmirror's C ABI over TagLib's C++ API.
//
// TagLib 1.13's own C API (tag_c.h) exposes only the basic fields; this shim returns the whole
// PropertyMap (ALBUMARTIST, COMPOSER, ASIN, SERIES, MP4 freeform atoms, ...), audio properties in
// milliseconds, whether a cover is embedded, and ID3v2 CHAP chapters. Strings are UTF-8. The file
// format is detected from the content, not the extension. No C++ exception crosses this boundary.
#ifndef SM_TAGLIB_H
#define SM_TAGLIB_H

#include <stddef.h>
#include <stdint.h>

#include "sm_nullability.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum sm_status {
    SM_OK = 0,
    SM_ERR_OPEN = 1,         // the file could not be opened (missing, permission denied, ...)
    SM_ERR_EMPTY = 2,        // zero bytes
    SM_ERR_UNSUPPORTED = 3,  // the content is not an audio format TagLib reads
    SM_ERR_INVALID = 4,      // a known format that TagLib could not parse (corrupt, truncated)
    SM_ERR_INTERNAL = 5,     // an unexpected failure inside TagLib (caught)
    SM_ERR_LIMIT = 6         // reading it would take more than any real audio file needs: sizes
                             // above 64 MiB, too much data or search, atoms nested too deep (hostile
                             // or damaged); `error` says which limit
} sm_status;

/// One value of a property. A key with several values appears once per value, in order.
typedef struct sm_property {
    const char *_Nonnull key;
    const char *_Nonnull value;
} sm_property;

typedef struct sm_chapter {
    int64_t start_ms;
    int64_t end_ms;
    const char *_Nullable title;
} sm_chapter;

typedef struct sm_file {
    sm_status status;
    const char *_Nullable error;   // why, when status != SM_OK
    const char *_Nullable format;  // "MP3", "MP4", "FLAC", "Ogg Vorbis", "Opus", "Ogg FLAC", "WAV", ...
    const char *_Nullable codec;   // "MP3", "AAC", "ALAC", "FLAC", "Vorbis", "Opus", ...
    int64_t length_ms;             // 0 when unknown
    int32_t bitrate_kbps;
    int32_t sample_rate;
    int32_t channels;
    int32_t has_cover;             // ID3v2 APIC, MP4 covr, FLAC or Xiph pictures
    int32_t truncated_values;      // how many values were cut at max_value_bytes
    size_t property_count;
    sm_property *_Nullable properties;
    size_t chapter_count;
    sm_chapter *_Nullable chapters;
} sm_file;

/// Reads the tags and audio properties of the file at `path` (opened read-only).
/// Values longer than `max_value_bytes` are cut at a UTF-8 boundary (0: no limit).
/// Never returns NULL; release the result with sm_file_free.
sm_file *_Nonnull sm_read_file(const char *_Nonnull path, size_t max_value_bytes);

void sm_file_free(sm_file *_Nullable file);

/// The TagLib version this shim was built against, e.g. "1.13.0".
const char *_Nonnull sm_taglib_version(void);

#ifdef __cplusplus
}
#endif

#endif
