// sm_taglib.cpp — see include/sm_taglib.h.
#include "sm_taglib.h"
#include "pread_stream.hpp"

#include <taglib/attachedpictureframe.h>
#include <taglib/chapterframe.h>
#include <taglib/flacfile.h>
#include <taglib/flacproperties.h>
#include <taglib/id3v1tag.h>
#include <taglib/id3v2tag.h>
#include <taglib/mp4file.h>
#include <taglib/mp4properties.h>
#include <taglib/mp4tag.h>
#include <taglib/mpegfile.h>
#include <taglib/mpegproperties.h>
#include <taglib/oggflacfile.h>
#include <taglib/opusfile.h>
#include <taglib/rifffile.h>
#include <taglib/aifffile.h>
#include <taglib/wavfile.h>
#include <taglib/apefile.h>
#include <taglib/asffile.h>
#include <taglib/mpcfile.h>
#include <taglib/speexfile.h>
#include <taglib/wavpackfile.h>
#include <taglib/tdebuglistener.h>
#include <taglib/textidentificationframe.h>
#include <taglib/tpropertymap.h>
#include <taglib/taglib.h>
#include <taglib/vorbisfile.h>
#include <taglib/xiphcomment.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <sys/stat.h>
#include <utility>
#include <vector>

namespace {

// TagLib reports parse problems through a global debug listener; keep them out of our output.
class SilentListener : public TagLib::DebugListener {
public:
    void printMessage(const TagLib::String &) override {}
};

SilentListener silentListener;
struct InstallListener {
    InstallListener() { TagLib::setDebugListener(&silentListener); }
} installListener;

char *copyString(const std::string &s) {
    char *out = static_cast<char *>(std::malloc(s.size() + 1));
    if (!out) throw std::bad_alloc();
    std::memcpy(out, s.data(), s.size());
    out[s.size()] = '\0';
    return out;
}

// Cuts `s` to at most `limit` bytes without splitting a UTF-8 sequence.
bool cutUTF8(std::string &s, size_t limit) {
    if (limit == 0 || s.size() <= limit) return false;
    size_t end = limit;
    while (end > 0 && (static_cast<unsigned char>(s[end]) & 0xC0) == 0x80) end--;
    s.resize(end);
    return true;
}

enum class Kind { Unknown, MPEG, MP4, FLAC, OggVorbis, Opus, OggFLAC, Speex, WAV, AIFF, APE, ASF, MPC, WavPack };

const char *formatName(Kind kind) {
    switch (kind) {
    case Kind::MPEG: return "MP3";
    case Kind::MP4: return "MP4";
    case Kind::FLAC: return "FLAC";
    case Kind::OggVorbis: return "Ogg Vorbis";
    case Kind::Opus: return "Opus";
    case Kind::OggFLAC: return "Ogg FLAC";
    case Kind::Speex: return "Speex";
    case Kind::WAV: return "WAV";
    case Kind::AIFF: return "AIFF";
    case Kind::APE: return "APE";
    case Kind::ASF: return "ASF";
    case Kind::MPC: return "Musepack";
    case Kind::WavPack: return "WavPack";
    case Kind::Unknown: break;
    }
    return nullptr;
}

bool startsWith(const TagLib::ByteVector &v, size_t offset, const char *magic) {
    size_t n = std::strlen(magic);
    if (v.size() < offset + n) return false;
    return std::memcmp(v.data() + offset, magic, n) == 0;
}

// Detects the container from the first bytes (after any leading ID3v2 tag), as the extension
// may lie. Leaves the stream at offset 0.
Kind sniff(TagLib::IOStream &stream) {
    stream.seek(0);
    TagLib::ByteVector head = stream.readBlock(64);
    long offset = 0;
    // A leading ID3v2 tag (MP3, sometimes FLAC): skip it by its syncsafe size.
    if (startsWith(head, 0, "ID3") && head.size() >= 10) {
        const unsigned char *h = reinterpret_cast<const unsigned char *>(head.data());
        long size = (long(h[6] & 0x7f) << 21) | (long(h[7] & 0x7f) << 14) | (long(h[8] & 0x7f) << 7) | long(h[9] & 0x7f);
        offset = 10 + size + ((h[5] & 0x10) ? 10 : 0);
        stream.seek(offset);
        head = stream.readBlock(64);
        if (startsWith(head, 0, "fLaC")) { stream.seek(0); return Kind::FLAC; }
        stream.seek(0);
        return Kind::MPEG;
    }
    stream.seek(0);
    if (startsWith(head, 4, "ftyp")) return Kind::MP4;
    if (startsWith(head, 0, "fLaC")) return Kind::FLAC;
    if (startsWith(head, 0, "OggS")) {
        if (startsWith(head, 28, "\x01vorbis")) return Kind::OggVorbis;
        if (startsWith(head, 28, "OpusHead")) return Kind::Opus;
        if (startsWith(head, 28, "\x7f" "FLAC")) return Kind::OggFLAC;
        if (startsWith(head, 28, "Speex   ")) return Kind::Speex;
        return Kind::Unknown;
    }
    if (startsWith(head, 0, "RIFF") && startsWith(head, 8, "WAVE")) return Kind::WAV;
    if (startsWith(head, 0, "FORM") && (startsWith(head, 8, "AIFF") || startsWith(head, 8, "AIFC"))) return Kind::AIFF;
    if (startsWith(head, 0, "MAC ")) return Kind::APE;
    if (startsWith(head, 0, "MPCK") || startsWith(head, 0, "MP+")) return Kind::MPC;
    if (startsWith(head, 0, "wvpk")) return Kind::WavPack;
    if (startsWith(head, 0, "\x30\x26\xB2\x75\x8E\x66\xCF\x11")) return Kind::ASF;
    if (head.size() >= 2) {
        unsigned char b0 = static_cast<unsigned char>(head[0]);
        unsigned char b1 = static_cast<unsigned char>(head[1]);
        // MPEG audio frame sync (11 bits), layer bits not zero.
        if (b0 == 0xFF && (b1 & 0xE0) == 0xE0 && (b1 & 0x06) != 0) return Kind::MPEG;
    }
    return Kind::Unknown;
}

struct Result {
    std::vector<std::pair<std::string, std::string>> properties;
    std::vector<sm_chapter> chapters;
    std::vector<std::string> chapterTitles;
    int truncated = 0;
    size_t limit = 0;

    void add(const std::string &key, const TagLib::String &value) {
        std::string v = value.to8Bit(true);
        if (v.empty()) return;
        if (cutUTF8(v, limit)) truncated++;
        properties.emplace_back(key, std::move(v));
    }

    void addMap(const TagLib::PropertyMap &map) {
        for (auto it = map.begin(); it != map.end(); ++it) {
            std::string key = it->first.to8Bit(true);
            for (auto v = it->second.begin(); v != it->second.end(); ++v) add(key, *v);
        }
    }

    bool hasKey(const std::string &key) const {
        return std::any_of(properties.begin(), properties.end(),
                           [&](const std::pair<std::string, std::string> &p) { return p.first == key; });
    }
};

// MP4 freeform atoms ("----:com.apple.iTunes:NAME") that TagLib's PropertyMap leaves out, and
// the movement atoms some taggers use for series.
void addMP4Extras(TagLib::MP4::Tag *tag, Result &r) {
    if (!tag) return;
    const TagLib::MP4::ItemMap &items = tag->itemMap();
    for (auto it = items.begin(); it != items.end(); ++it) {
        const std::string atom = it->first.to8Bit(true);
        std::string key;
        static const std::string prefix = "----:com.apple.iTunes:";
        if (atom.compare(0, prefix.size(), prefix) == 0) {
            key = atom.substr(prefix.size());
        } else if (atom.compare(0, 5, "----:") == 0) {
            size_t colon = atom.rfind(':');
            key = atom.substr(colon + 1);
        } else {
            continue;
        }
        std::transform(key.begin(), key.end(), key.begin(), [](unsigned char c) { return std::toupper(c); });
        if (key.empty() || r.hasKey(key)) continue;
        TagLib::StringList values = it->second.toStringList();
        for (auto v = values.begin(); v != values.end(); ++v) r.add(key, *v);
    }
}

void addID3v2Chapters(TagLib::ID3v2::Tag *tag, Result &r) {
    if (!tag) return;
    const TagLib::ID3v2::FrameList &frames = tag->frameListMap()["CHAP"];
    for (auto it = frames.begin(); it != frames.end(); ++it) {
        auto *chap = dynamic_cast<TagLib::ID3v2::ChapterFrame *>(*it);
        if (!chap) continue;
        std::string title;
        const TagLib::ID3v2::FrameList &titles = chap->embeddedFrameList("TIT2");
        if (!titles.isEmpty()) {
            title = titles.front()->toString().to8Bit(true);
            cutUTF8(title, r.limit);
        }
        sm_chapter c{};
        c.start_ms = chap->startTime();
        c.end_ms = chap->endTime();
        r.chapters.push_back(c);
        r.chapterTitles.push_back(title);
    }
    // Chapters by start time; titles move with them.
    std::vector<size_t> order(r.chapters.size());
    for (size_t i = 0; i < order.size(); i++) order[i] = i;
    std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
        if (r.chapters[a].start_ms != r.chapters[b].start_ms) return r.chapters[a].start_ms < r.chapters[b].start_ms;
        return a < b;
    });
    std::vector<sm_chapter> chapters;
    std::vector<std::string> titles;
    for (size_t i : order) {
        chapters.push_back(r.chapters[i]);
        titles.push_back(r.chapterTitles[i]);
    }
    r.chapters.swap(chapters);
    r.chapterTitles.swap(titles);
}

bool hasID3v2Cover(TagLib::ID3v2::Tag *tag) {
    return tag && !tag->frameListMap()["APIC"].isEmpty();
}

bool hasXiphCover(TagLib::Ogg::XiphComment *comment) {
    return comment && !comment->pictureList().isEmpty();
}

void fillAudio(sm_file *out, const TagLib::AudioProperties *p) {
    if (!p) return;
    out->length_ms = p->lengthInMilliseconds();
    out->bitrate_kbps = p->bitrate();
    out->sample_rate = p->sampleRate();
    out->channels = p->channels();
}

void fail(sm_file *out, sm_status status, const std::string &message) {
    out->status = status;
    out->error = copyString(message);
}

const char *mpegCodec(const TagLib::MPEG::Properties *p) {
    if (!p) return "MPEG audio";
    switch (p->layer()) {
    case 1: return "MP1";
    case 2: return "MP2";
    default: return "MP3";
    }
}

// Reads a file of a known kind. Returns false (with out->status set) when TagLib rejects it.
bool readKind(Kind kind, TagLib::IOStream &stream, sm_file *out, Result &r) {
    const auto style = TagLib::AudioProperties::Average;
    std::unique_ptr<TagLib::File> file;
    const char *codec = nullptr;
    switch (kind) {
    case Kind::MPEG: {
        auto *f = new TagLib::MPEG::File(&stream, TagLib::ID3v2::FrameFactory::instance(), true, style);
        file.reset(f);
        if (!f->isValid()) break;
        codec = mpegCodec(f->audioProperties());
        out->has_cover = hasID3v2Cover(f->ID3v2Tag());
        addID3v2Chapters(f->ID3v2Tag(), r);
        break;
    }
    case Kind::MP4: {
        auto *f = new TagLib::MP4::File(&stream, true, style);
        file.reset(f);
        if (!f->isValid()) break;
        if (auto *p = f->audioProperties()) {
            codec = p->codec() == TagLib::MP4::Properties::ALAC ? "ALAC"
                  : p->codec() == TagLib::MP4::Properties::AAC ? "AAC" : nullptr;
        }
        if (auto *tag = f->tag()) {
            out->has_cover = tag->contains("covr") && !tag->item("covr").toCoverArtList().isEmpty();
        }
        break;
    }
    case Kind::FLAC: {
        auto *f = new TagLib::FLAC::File(&stream, TagLib::ID3v2::FrameFactory::instance(), true, style);
        file.reset(f);
        if (!f->isValid()) break;
        codec = "FLAC";
        out->has_cover = !f->pictureList().isEmpty() || hasXiphCover(f->xiphComment()) || hasID3v2Cover(f->ID3v2Tag());
        break;
    }
    case Kind::OggVorbis: {
        auto *f = new TagLib::Ogg::Vorbis::File(&stream, true, style);
        file.reset(f);
        if (!f->isValid()) break;
        codec = "Vorbis";
        out->has_cover = hasXiphCover(f->tag());
        break;
    }
    case Kind::Opus: {
        auto *f = new TagLib::Ogg::Opus::File(&stream, true, style);
        file.reset(f);
        if (!f->isValid()) break;
        codec = "Opus";
        out->has_cover = hasXiphCover(f->tag());
        break;
    }
    case Kind::OggFLAC: {
        auto *f = new TagLib::Ogg::FLAC::File(&stream, true, style);
        file.reset(f);
        if (!f->isValid()) break;
        codec = "FLAC";
        out->has_cover = hasXiphCover(f->tag());
        break;
    }
    case Kind::Speex: file.reset(new TagLib::Ogg::Speex::File(&stream, true, style)); codec = "Speex"; break;
    case Kind::WAV: file.reset(new TagLib::RIFF::WAV::File(&stream, true, style)); codec = "PCM"; break;
    case Kind::AIFF: file.reset(new TagLib::RIFF::AIFF::File(&stream, true, style)); codec = "PCM"; break;
    case Kind::APE: file.reset(new TagLib::APE::File(&stream, true, style)); codec = "APE"; break;
    case Kind::ASF: file.reset(new TagLib::ASF::File(&stream, true, style)); codec = "WMA"; break;
    case Kind::MPC: file.reset(new TagLib::MPC::File(&stream, true, style)); codec = "Musepack"; break;
    case Kind::WavPack: file.reset(new TagLib::WavPack::File(&stream, true, style)); codec = "WavPack"; break;
    case Kind::Unknown: return false;
    }
    if (!file || !file->isValid()) {
        fail(out, SM_ERR_INVALID,
             std::string("not a valid ") + formatName(kind) + " file: TagLib could not parse it (corrupt or truncated?)");
        return false;
    }
    out->codec = codec ? copyString(codec) : nullptr;
    fillAudio(out, file->audioProperties());
    r.addMap(file->properties());
    if (kind == Kind::MPEG) {
        // TagLib's properties() shows only the ID3v2 tag when there is one; keys that only the
        // ID3v1 tag has (often genre or comment) are added after, as other readers do.
        auto *mpeg = static_cast<TagLib::MPEG::File *>(file.get());
        if (mpeg->hasID3v2Tag() && mpeg->hasID3v1Tag()) {
            TagLib::PropertyMap v1 = mpeg->ID3v1Tag()->properties();
            for (auto it = v1.begin(); it != v1.end(); ++it) {
                if (r.hasKey(it->first.to8Bit(true))) continue;
                for (auto v = it->second.begin(); v != it->second.end(); ++v) r.add(it->first.to8Bit(true), *v);
            }
        }
    }
    if (kind == Kind::MP4) addMP4Extras(dynamic_cast<TagLib::MP4::File *>(file.get())->tag(), r);
    return true;
}

void export_(const Result &r, sm_file *out) {
    out->truncated_values = r.truncated;
    if (!r.properties.empty()) {
        out->properties = static_cast<sm_property *>(std::calloc(r.properties.size(), sizeof(sm_property)));
        if (!out->properties) throw std::bad_alloc();
        out->property_count = r.properties.size();
        for (size_t i = 0; i < r.properties.size(); i++) {
            out->properties[i].key = copyString(r.properties[i].first);
            out->properties[i].value = copyString(r.properties[i].second);
        }
    }
    if (!r.chapters.empty()) {
        out->chapters = static_cast<sm_chapter *>(std::calloc(r.chapters.size(), sizeof(sm_chapter)));
        if (!out->chapters) throw std::bad_alloc();
        out->chapter_count = r.chapters.size();
        for (size_t i = 0; i < r.chapters.size(); i++) {
            out->chapters[i] = r.chapters[i];
            out->chapters[i].title = r.chapterTitles[i].empty() ? nullptr : copyString(r.chapterTitles[i]);
        }
    }
}

void readInto(const char *path, size_t limit, sm_file *out) {
    shelfmirror::PreadStream stream(path);
    if (!stream.isOpen()) {
        fail(out, SM_ERR_OPEN, std::string("cannot open: ") + std::strerror(stream.openError()));
        return;
    }
    if (stream.isDirectory()) {
        fail(out, SM_ERR_OPEN, "cannot open: is a directory");
        return;
    }
    if (stream.length() == 0) {
        fail(out, SM_ERR_EMPTY, "the file is empty (0 bytes)");
        return;
    }
    Kind kind = sniff(stream);
    if (kind == Kind::Unknown) {
        fail(out, SM_ERR_UNSUPPORTED, "not an audio format shelfmirror can read (unrecognised content)");
        return;
    }
    out->format = copyString(formatName(kind));
    Result r;
    r.limit = limit;
    if (!readKind(kind, stream, out, r)) return;
    export_(r, out);
}

}  // namespace

namespace {

sm_file outOfMemory = {SM_ERR_INTERNAL, "out of memory", nullptr, nullptr, 0, 0, 0, 0, 0, 0, 0, nullptr, 0, nullptr};

// Frees what `file` owns and zeroes it, keeping the struct itself.
void clear(sm_file *file) {
    for (size_t i = 0; i < file->property_count; i++) {
        std::free(const_cast<char *>(file->properties[i].key));
        std::free(const_cast<char *>(file->properties[i].value));
    }
    std::free(file->properties);
    for (size_t i = 0; i < file->chapter_count; i++) std::free(const_cast<char *>(file->chapters[i].title));
    std::free(file->chapters);
    std::free(const_cast<char *>(file->error));
    std::free(const_cast<char *>(file->format));
    std::free(const_cast<char *>(file->codec));
    std::memset(file, 0, sizeof(sm_file));
}

void failInternal(sm_file *out, const char *what) {
    clear(out);
    out->status = SM_ERR_INTERNAL;
    try {
        out->error = copyString(std::string("TagLib failed: ") + what);
    } catch (...) {
        out->error = nullptr;
    }
}

}  // namespace

extern "C" sm_file *sm_read_file(const char *path, size_t max_value_bytes) {
    sm_file *out = static_cast<sm_file *>(std::calloc(1, sizeof(sm_file)));
    if (!out) return &outOfMemory;
    try {
        readInto(path, max_value_bytes, out);
    } catch (const std::exception &e) {
        failInternal(out, e.what());
    } catch (...) {
        failInternal(out, "unknown error");
    }
    return out;
}

extern "C" void sm_file_free(sm_file *file) {
    if (!file || file == &outOfMemory) return;
    clear(file);
    std::free(file);
}

extern "C" const char *sm_taglib_version(void) {
    static const std::string version = std::to_string(TAGLIB_MAJOR_VERSION) + "." + std::to_string(TAGLIB_MINOR_VERSION) +
                                       "." + std::to_string(TAGLIB_PATCH_VERSION);
    return version.c_str();
}
