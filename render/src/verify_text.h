// Words, decodings and the needle matcher shared by the verification of every
// output kind. Every channel is decoded to UTF-8 text, cut into case-folded
// words and matched word by word: no substring search, so a withheld "Stephen"
// never fires inside a released "Stephens".
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "declass/render/verify.h"

namespace declass::render::detail {

/// Calls f(begin, end) for each word of UTF-8 `text`: a maximal run of ASCII
/// letters and digits and of non-ASCII letters (Latin-1 and general
/// punctuation, no-break and other spaces, U+FFFD separate words).
template <class F>
void for_each_word(std::string_view text, F f);

/// `word` with ASCII letters lower-cased.
std::string fold(std::string_view word);

/// Folded words of `text`.
std::vector<std::string> words(std::string_view text);

/// Windows-1252 bytes (PDFDocEncoding is close enough for search) to UTF-8.
std::string cp1252_to_utf8(std::string_view bytes);
/// UTF-16BE to UTF-8 from byte `offset`; bad units become U+FFFD.
std::string utf16be_to_utf8(std::string_view bytes, size_t offset = 0);
/// Appends code point `cp` as UTF-8.
void append_utf8(std::string& out, char32_t cp);

/// Which needles a channel is searched for.
enum class Channel : uint8_t {
  kText,    ///< decoded text: every needle
  kBinary,  ///< a guess at text inside binary data: needles of 6+ characters and phrases
  kLog,     ///< our log: no number-only words (line numbers and extents are ours)
};

/// Searches one decoded channel and appends findings (one per needle and output).
class NeedleIndex {
 public:
  explicit NeedleIndex(const WithheldMaterial& m) : m_(m), reported_(m.needles().size(), false) {}
  void search(std::string_view utf8, Channel channel, const std::string& output,
              const std::string& where, VerifyReport& report);

 private:
  const WithheldMaterial& m_;
  std::vector<bool> reported_;
};

// ---------------------------------------------------------------------------

inline bool word_byte_ascii(unsigned char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// Non-ASCII code points that separate words rather than form them.
inline bool separator_cp(char32_t cp) {
  return (cp >= 0x80 && cp <= 0xBF) || cp == 0xD7 || cp == 0xF7 || (cp >= 0x2000 && cp <= 0x206F) ||
         (cp >= 0x3000 && cp <= 0x303F) || cp == 0xFEFF || cp == 0xFFFD ||
         (cp >= 0x2190 && cp <= 0x25FF);
}

template <class F>
void for_each_word(std::string_view text, F f) {
  size_t start = std::string_view::npos;
  for (size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    bool word = false;
    size_t len = 1;
    if (c < 0x80) {
      word = word_byte_ascii(c);
    } else {
      len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
      if (i + len > text.size()) len = 1;
      char32_t cp = len == 1 ? 0xFFFD : static_cast<char32_t>(c & (0xFF >> (len + 1)));
      for (size_t k = 1; k < len; ++k)
        cp = (cp << 6) | (static_cast<unsigned char>(text[i + k]) & 0x3F);
      word = !separator_cp(cp);
    }
    if (word && start == std::string_view::npos) start = i;
    if (!word && start != std::string_view::npos) {
      f(start, i);
      start = std::string_view::npos;
    }
    i += len;
  }
  if (start != std::string_view::npos) f(start, text.size());
}

}  // namespace declass::render::detail
