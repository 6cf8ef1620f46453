// Construction of Source objects, shared by the decoder and Source::from_utf8.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "declass/core/source.h"

namespace declass::core {

class SourceBuilder {
 public:
  static Source build(std::string path, std::string text, Encoding encoding, bool had_cr,
                      uint64_t original_size,
                      std::vector<std::pair<uint32_t, uint64_t>> offset_map);
};

}  // namespace declass::core
