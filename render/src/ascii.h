// Byte-level text tests shared by the writers.
#pragma once

#include <cstdint>
#include <cstring>
#include <string_view>

namespace declass::render::detail {

/// True if every byte of `s` is below 0x80 (8 bytes at a time: all page and
/// layout text goes through here).
inline bool all_ascii(std::string_view s) {
  const char* p = s.data();
  size_t n = s.size();
  uint64_t any = 0;
  for (; n >= 8; p += 8, n -= 8) {
    uint64_t w;
    std::memcpy(&w, p, 8);
    any |= w;
  }
  for (; n > 0; ++p, --n) any |= static_cast<unsigned char>(*p);
  return (any & 0x8080808080808080ull) == 0;
}

}  // namespace declass::render::detail
