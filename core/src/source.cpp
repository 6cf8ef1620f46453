#include "declass/core/source.h"

#include <algorithm>
#include <cstring>

#include "source_internal.h"

namespace declass::core {

namespace {

std::vector<uint32_t> index_lines(std::string_view text) {
  std::vector<uint32_t> starts;
  starts.reserve(text.size() / 48 + 1);
  starts.push_back(0);
  const char* base = text.data();
  const char* p = base;
  const char* end = base + text.size();
  while (p < end) {
    const void* nl = std::memchr(p, '\n', static_cast<size_t>(end - p));
    if (nl == nullptr) break;
    p = static_cast<const char*>(nl) + 1;
    if (p < end) starts.push_back(static_cast<uint32_t>(p - base));
  }
  return starts;
}

}  // namespace

Source SourceBuilder::build(std::string path, std::string text, Encoding encoding, bool had_cr,
                            uint64_t original_size,
                            std::vector<std::pair<uint32_t, uint64_t>> offset_map,
                            std::vector<uint32_t> line_starts) {
  Source s;
  s.path_ = std::move(path);
  s.text_ = std::move(text);
  s.line_starts_ = line_starts.empty() ? index_lines(s.text_) : std::move(line_starts);
  s.offset_map_ = std::move(offset_map);
  s.encoding_ = encoding;
  s.had_cr_ = had_cr;
  s.original_size_ = original_size;
  return s;
}

Source Source::from_utf8(std::string path, std::string text) {
  const uint64_t size = text.size();
  return SourceBuilder::build(std::move(path), std::move(text), Encoding::kUtf8, false, size, {});
}

std::string_view Source::line_text(uint32_t line) const {
  const uint32_t begin = line_starts_[line - 1];
  uint32_t end =
      line < line_starts_.size() ? line_starts_[line] : static_cast<uint32_t>(text_.size());
  if (end > begin && text_[end - 1] == '\n') --end;
  return std::string_view(text_).substr(begin, end - begin);
}

uint32_t Source::line_of(uint32_t offset) const {
  auto it = std::upper_bound(line_starts_.begin(), line_starts_.end(), offset);
  return static_cast<uint32_t>(it - line_starts_.begin());
}

Position Source::position(uint32_t offset) const {
  offset = std::min<uint32_t>(offset, static_cast<uint32_t>(text_.size()));
  const uint32_t line = line_of(offset);
  uint32_t column = 1;
  for (uint32_t i = line_starts_[line - 1]; i < offset; ++i) {
    // Count code points: every byte that is not a UTF-8 continuation byte.
    if ((static_cast<unsigned char>(text_[i]) & 0xC0) != 0x80) ++column;
  }
  return {line, column};
}

uint64_t Source::original_offset(uint32_t offset) const {
  if (offset_map_.empty()) return offset;
  auto it = std::upper_bound(offset_map_.begin(), offset_map_.end(), offset,
                             [](uint32_t o, const auto& e) { return o < e.first; });
  if (it == offset_map_.begin()) return offset;
  --it;
  return it->second + (offset - it->first);
}

}  // namespace declass::core
