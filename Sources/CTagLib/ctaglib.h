// Umbrella for the system TagLib. Only CTagLibShim's C++ sources use TagLib's headers;
// this module exists so SwiftPM passes `pkg-config taglib` flags to that target.
#include <taglib/taglib_config.h>
