// sm_nullability.h — the shim's headers use Clang's nullability qualifiers; a compiler without
// them (g++ building the fuzz driver) sees them defined away. One place, so that the headers
// cannot disagree.
#ifndef SM_NULLABILITY_H
#define SM_NULLABILITY_H

#ifndef __has_feature
#define __has_feature(x) 0
#endif
#if !__has_feature(nullability)
#ifndef _Nullable
#define _Nullable
#endif
#ifndef _Nonnull
#define _Nonnull
#endif
#endif

#endif // SM_NULLABILITY_H
