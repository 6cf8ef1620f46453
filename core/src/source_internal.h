// Construction of Source objects, shared by the decoder and Source::from_utf8.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "declass/core/document.h"
#include "declass/core/source.h"

namespace declass::core {

/// decode(path, bytes, options), taking over the buffer of `bytes` for the
/// Source's text when the text is kept as it is (UTF-8, LF, no BOM): read_file
/// reads each file into a string it no longer needs.
Result<Source> decode_owned(std::string path, std::string bytes, const ReadOptions& options);

class SourceBuilder {
 public:
  /// `line_starts`, if not empty, must be the start offsets of the lines of
  /// `text` (0 first); empty: computed here.
  static Source build(std::string path, std::string text, Encoding encoding, bool had_cr,
                      uint64_t original_size, std::vector<std::pair<uint32_t, uint64_t>> offset_map,
                      std::vector<uint32_t> line_starts = {});
};

}  // namespace declass::core
