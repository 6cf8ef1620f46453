#include "fast_normalize.h"

#include <array>
#include <cstring>

namespace declass::policies {

namespace {

inline bool is_blank(unsigned char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\v';
}

inline size_t blank_width(std::string_view text, size_t i) {
  const auto c = static_cast<unsigned char>(text[i]);
  if (is_blank(c)) return 1;
  if (c == 0xC2 && i + 1 < text.size() && static_cast<unsigned char>(text[i + 1]) == 0xA0) return 2;
  return 0;
}

constexpr auto kStop = [] {
  std::array<uint8_t, 256> t{};
  for (const char c : {' ', '\t', '\n', '\f', '\v'}) t[static_cast<unsigned char>(c)] = 1;
  t[0xC2] = 1;
  return t;
}();

inline bool is_word_byte(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c >= 0x80;
}

}  // namespace

void fast_normalize(const core::Source& source, const std::vector<core::Span>& pieces,
                    core::NormalizeOptions options, core::NormalizedText& out,
                    size_t* hyphen_joins) {
  const std::string_view text = source.text();
  size_t total = 0;
  for (const core::Span& p : pieces) total += p.size() + 1;
  // Written through raw pointers into buffers sized for the worst case, then
  // trimmed: no per-byte capacity checks.
  out.text.resize(total);
  out.origin.resize(total + 1);
  char* t = out.text.data();
  uint32_t* o = out.origin.data();
  size_t n = 0;
  size_t joins = 0;
  bool pending_space = false;
  uint32_t space_origin = 0;
  uint32_t last_end = 0;
  for (const core::Span& piece : pieces) {
    if (n > 0 && !pending_space) {
      pending_space = true;
      // From the end of the last piece, as core::normalize() does, so that a
      // line break between pieces counts for a hyphen join.
      space_origin = last_end;
    }
    const size_t end = std::min<size_t>(piece.end, text.size());
    size_t i = piece.begin;
    while (i < end) {
      const size_t w = blank_width(text, i);
      if (w > 0) {
        if (!pending_space && n > 0) {
          pending_space = true;
          space_origin = static_cast<uint32_t>(i);
        }
        i += w;
        continue;
      }
      if (pending_space) {
        const bool hyphen_join =
            n >= 2 && t[n - 1] == '-' && is_word_byte(static_cast<unsigned char>(t[n - 2])) &&
            is_word_byte(static_cast<unsigned char>(text[i])) &&
            text.substr(space_origin, i - space_origin).find('\n') != std::string_view::npos;
        if (hyphen_join) {
          ++joins;
          if (options.drop_line_end_hyphens) --n;
        } else {
          t[n] = ' ';
          o[n] = space_origin;
          ++n;
        }
        pending_space = false;
      }
      // A run of non-blank bytes goes over in one copy. kStop marks the bytes
      // that may start a blank (0xC2 only with 0xA0 after it).
      size_t j = i + 1;
      while (j < end &&
             (kStop[static_cast<unsigned char>(text[j])] == 0 || blank_width(text, j) == 0))
        ++j;
      std::memcpy(t + n, text.data() + i, j - i);
      for (size_t k = i; k < j; ++k) o[n++] = static_cast<uint32_t>(k);
      last_end = static_cast<uint32_t>(j);
      i = j;
    }
  }
  o[n] = last_end;
  out.text.resize(n);
  out.origin.resize(n + 1);
  if (hyphen_joins != nullptr) *hyphen_joins = joins;
}

}  // namespace declass::policies
