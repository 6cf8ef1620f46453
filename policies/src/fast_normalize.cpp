#include "fast_normalize.h"

#include <array>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
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

namespace {

// kOrigin false: the text only; out.origin is left empty (no stores to it).
template <bool kOrigin>
void normalize_impl(const core::Source& source, const std::vector<core::Span>& pieces,
                    core::NormalizeOptions options, core::NormalizedText& out,
                    size_t* hyphen_joins) {
  const std::string_view text = source.text();
  size_t total = 0;
  for (const core::Span& p : pieces) total += p.size() + 1;
  // Written through raw pointers into buffers sized for the worst case, then
  // trimmed: no per-byte capacity checks.
  out.text.resize(total + 16);
  if constexpr (kOrigin)
    out.origin.resize(total + 1 + 16);
  else
    out.origin.clear();
  char* t = out.text.data();
  [[maybe_unused]] uint32_t* o = out.origin.data();
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
          if constexpr (kOrigin) o[n] = space_origin;
          ++n;
        }
        pending_space = false;
      }
      // A run of non-blank bytes, copied and mapped; 16 bytes at a time where
      // the piece allows (the buffers have 16 bytes of slack for the stores).
      size_t j = i;
      while (true) {
#ifdef __SSE2__
        // The 16 bytes may reach past the piece (not past the text): bytes
        // from `end` on count as stops.
        if (j < end && j + 16 <= text.size()) {
          const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(text.data() + j));
          const __m128i space = _mm_cmpeq_epi8(v, _mm_set1_epi8(' '));
          const __m128i stop =
              _mm_or_si128(_mm_or_si128(_mm_or_si128(space, _mm_cmpeq_epi8(v, _mm_set1_epi8('\n'))),
                                        _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('\t')),
                                                     _mm_cmpeq_epi8(v, _mm_set1_epi8('\f')))),
                           _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('\v')),
                                        _mm_cmpeq_epi8(v, _mm_set1_epi8(static_cast<char>(0xC2)))));
          auto stops = static_cast<unsigned>(_mm_movemask_epi8(stop));
          if (end - j < 16) stops |= 0xFFFFu & (0xFFFFu << (end - j));
          // A lone ' ' between two bytes that are no stop (the one before is
          // always copied non-blank text) is what the blank path would emit:
          // one ' ' whose origin is that byte, and no hyphen join (it holds
          // no line end). It is copied with the run. The last byte's
          // successor is not in view, so it stays a stop; so does a ' '
          // that ends the piece.
          const unsigned lone =
              static_cast<unsigned>(_mm_movemask_epi8(space)) & ~(stops >> 1) & 0x7FFFu;
          const unsigned mask = stops & ~lone;
          const size_t k = mask == 0 ? 16 : static_cast<size_t>(__builtin_ctz(mask));
          _mm_storeu_si128(reinterpret_cast<__m128i*>(t + n), v);
          if constexpr (kOrigin) {
            const __m128i base =
                _mm_add_epi32(_mm_set1_epi32(static_cast<int>(j)), _mm_setr_epi32(0, 1, 2, 3));
            for (int q = 0; q < 4; ++q)
              _mm_storeu_si128(reinterpret_cast<__m128i*>(o + n + 4 * static_cast<size_t>(q)),
                               _mm_add_epi32(base, _mm_set1_epi32(4 * q)));
          }
          n += k;
          j += k;
          if (k == 16) continue;
          if (j >= end || blank_width(text, j) != 0) break;
          // 0xC2 without 0xA0: an ordinary byte.
          t[n] = text[j];
          if constexpr (kOrigin) o[n] = static_cast<uint32_t>(j);
          ++n;
          ++j;
          continue;
        }
#endif
        if (j >= end ||
            (kStop[static_cast<unsigned char>(text[j])] != 0 && blank_width(text, j) != 0))
          break;
        t[n] = text[j];
        if constexpr (kOrigin) o[n] = static_cast<uint32_t>(j);
        ++n;
        ++j;
      }
      last_end = static_cast<uint32_t>(j);
      i = j;
    }
  }
  out.text.resize(n);
  if constexpr (kOrigin) {
    o[n] = last_end;
    out.origin.resize(n + 1);
  }
  if (hyphen_joins != nullptr) *hyphen_joins = joins;
}

}  // namespace

void fast_normalize(const core::Source& source, const std::vector<core::Span>& pieces,
                    core::NormalizeOptions options, core::NormalizedText& out,
                    size_t* hyphen_joins) {
  normalize_impl<true>(source, pieces, options, out, hyphen_joins);
}

void fast_normalize_text(const core::Source& source, const std::vector<core::Span>& pieces,
                         core::NormalizeOptions options, core::NormalizedText& out,
                         size_t* hyphen_joins) {
  normalize_impl<false>(source, pieces, options, out, hyphen_joins);
}

}  // namespace declass::policies
