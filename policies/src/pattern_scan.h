// Where the patterns of a compiled policy match a (normalized) text.
#pragma once

#include <re2/re2.h>

#include <cstdint>
#include <string_view>
#include <vector>

#include "policy_model.h"

namespace declass::policies {

struct PatternHit {
  uint32_t list;   ///< the pattern's list index
  uint32_t begin;  ///< the pattern's group in the text
  uint32_t end;
};

/// Buffers reused from call to call.
struct PatternScratch {
  std::vector<uint8_t> may;
  std::vector<int> set_hits;
  std::vector<re2::StringPiece> sub;
};

/// Appends every match of every pattern to `out` (pattern by pattern, each in
/// text order). With `use_prefilter` false the RE2::Set runs on every text:
/// the reference that the prefiltered path is tested against.
void find_patterns(const CompiledPolicy& p, std::string_view text, bool use_prefilter,
                   PatternScratch& scratch, std::vector<PatternHit>& out);

}  // namespace declass::policies
