// The same result as core::normalize(), computed a run of bytes at a time.
//
// Why: core::normalize() appends byte by byte and measured ~5 ns/byte, about
// half of decide()'s time on the corpus; this version copies whole runs and
// fills the origin map with iota (docs/policy-language.md "Speed"). A
// differential test (tests/unit/policies/fast_normalize_test.cpp) checks that
// it gives byte-identical text and origin maps to core::normalize() on every
// block of the corpus, in both hyphen modes.
#pragma once

#include <vector>

#include "declass/core/document.h"

namespace declass::policies {

/// As core::normalize(source, pieces, options). `hyphen_joins`, if given,
/// receives the number of line-end hyphens that joined two words (when 0 the
/// text is the same in both hyphen modes).
void fast_normalize(const core::Source& source, const std::vector<core::Span>& pieces,
                    core::NormalizeOptions options, core::NormalizedText& out,
                    size_t* hyphen_joins = nullptr);

/// As fast_normalize(), but only out.text is computed; out.origin is left
/// empty. For scans that need the origin map only when something matched.
void fast_normalize_text(const core::Source& source, const std::vector<core::Span>& pieces,
                         core::NormalizeOptions options, core::NormalizedText& out,
                         size_t* hyphen_joins = nullptr);

}  // namespace declass::policies
