// Construction of Source objects, shared by the decoder and Source::from_utf8.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "declass/core/source.h"

namespace declass::core {

class SourceBuilder {
 public:
  /// `line_starts`, if not empty, must be the start offsets of the lines of
  /// `text` (0 first); empty: computed here.
  static Source build(std::string path, std::string text, Encoding encoding, bool had_cr,
                      uint64_t original_size, std::vector<std::pair<uint32_t, uint64_t>> offset_map,
                      std::vector<uint32_t> line_starts = {});
};

}  // namespace declass::core
