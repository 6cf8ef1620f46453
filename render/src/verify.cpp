// Verification: the withheld material of a document, and the search of an
// output for it. The byte classification below is deliberately written again
// (not shared with release_builder.cpp): a bug there must not blind this.
#include "declass/render/verify.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <map>
#include <unordered_set>

#include "declass/render/log_writer.h"
#include "declass/render/release_view.h"
#include "pdf_inspect.h"
#include "verify_text.h"

namespace declass::render {

namespace detail {

std::string fold(std::string_view word) {
  std::string out(word);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

std::vector<std::string> words(std::string_view text) {
  std::vector<std::string> out;
  for_each_word(text, [&](size_t a, size_t b) { out.push_back(fold(text.substr(a, b - a))); });
  return out;
}

void append_utf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

std::string cp1252_to_utf8(std::string_view bytes) {
  static const char16_t k80[32] = {0x20AC, 0xFFFD, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
                                   0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0xFFFD, 0x017D, 0xFFFD,
                                   0xFFFD, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
                                   0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0xFFFD, 0x017E, 0x0178};
  std::string out;
  out.resize(bytes.size() * 3);
  size_t o = 0;
  for (const char ch : bytes) {
    const auto c = static_cast<unsigned char>(ch);
    if (c < 0x80) {
      out[o++] = static_cast<char>(c);
      continue;
    }
    const char32_t cp = c < 0xA0 ? k80[c - 0x80] : c;
    if (cp < 0x800) {
      out[o++] = static_cast<char>(0xC0 | (cp >> 6));
      out[o++] = static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      out[o++] = static_cast<char>(0xE0 | (cp >> 12));
      out[o++] = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out[o++] = static_cast<char>(0x80 | (cp & 0x3F));
    }
  }
  out.resize(o);
  return out;
}

std::string utf16be_to_utf8(std::string_view b, size_t offset) {
  std::string out;
  out.resize(b.size() / 2 * 3 + 4);
  size_t o = 0;
  auto put = [&](char32_t cp) {
    if (cp < 0x80) {
      out[o++] = static_cast<char>(cp);
    } else if (cp < 0x800) {
      out[o++] = static_cast<char>(0xC0 | (cp >> 6));
      out[o++] = static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      out[o++] = static_cast<char>(0xE0 | (cp >> 12));
      out[o++] = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out[o++] = static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      if (o + 4 > out.size()) out.resize(out.size() + 64);
      out[o++] = static_cast<char>(0xF0 | (cp >> 18));
      out[o++] = static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      out[o++] = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out[o++] = static_cast<char>(0x80 | (cp & 0x3F));
    }
  };
  for (size_t i = offset; i + 1 < b.size(); i += 2) {
    char32_t u = static_cast<char32_t>((static_cast<unsigned char>(b[i]) << 8) |
                                       static_cast<unsigned char>(b[i + 1]));
    if (u >= 0xD800 && u <= 0xDBFF && i + 3 < b.size()) {
      const char32_t lo = static_cast<char32_t>((static_cast<unsigned char>(b[i + 2]) << 8) |
                                                static_cast<unsigned char>(b[i + 3]));
      if (lo >= 0xDC00 && lo <= 0xDFFF) {
        u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
        i += 2;
      } else {
        u = 0xFFFD;
      }
    } else if (u >= 0xD800 && u <= 0xDFFF) {
      u = 0xFFFD;
    }
    // Control characters separate words like any other non-letter.
    put(u < 0x20 ? char32_t{' '} : u);
  }
  out.resize(o);
  return out;
}

namespace {

constexpr uint64_t kFnvOffset = 1469598103934665603ull;
constexpr uint64_t kFnvPrime = 1099511628211ull;

// The key of a needle of 2+ words: its last two words.
uint64_t pair_key(uint64_t a, uint64_t b) {
  uint64_t h = a * 0x9E3779B97F4A7C15ull;
  h = (h ^ (h >> 29)) + b * 0xBF58476D1CE4E5B9ull;
  return h ^ (h >> 32);
}

// One Windows-1252 byte as the UTF-8 the old decoder made of it, folded.
struct Cp1252Char {
  uint8_t len = 0;  // 0: separator
  uint8_t bytes[3] = {0, 0, 0};
};

const std::array<Cp1252Char, 256>& cp1252_table() {
  static const std::array<Cp1252Char, 256> table = [] {
    std::array<Cp1252Char, 256> t{};
    for (unsigned c = 0; c < 256; ++c) {
      const std::string u = cp1252_to_utf8(std::string(1, static_cast<char>(c)));
      bool word = false;
      char_at(u, 0, &word);
      if (!word) continue;
      const std::string f = fold(u);
      t[c].len = static_cast<uint8_t>(f.size());
      for (size_t k = 0; k < f.size(); ++k) t[c].bytes[k] = static_cast<uint8_t>(f[k]);
    }
    return t;
  }();
  return table;
}

constexpr std::array<unsigned char, 256> kFoldAscii = [] {
  std::array<unsigned char, 256> t{};
  for (unsigned c = 0; c < 256; ++c)
    t[c] = static_cast<unsigned char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return t;
}();

// The word state of one channel: the hash of the word being read, the hashes
// of the words before it, and the needles found (by the index of their first
// word, to report them in the order a reader meets them).
class WordMatcher {
 public:
  WordMatcher(const NeedlePlan& plan, uint8_t channel_bit, const std::vector<bool>& reported)
      : plan_(plan),
        channel_bit_(channel_bit),
        reported_(reported),
        ring_(plan.ring_mask_ + 1, 0),
        ring_mask_(plan.ring_mask_),
        ring_data_(ring_.data()),
        last_words_(plan.last_words_.data()) {}

  void byte(unsigned char c) {
    if (!in_) {
      in_ = true;
      h_ = kFnvOffset;
    }
    h_ = (h_ ^ c) * kFnvPrime;
  }
  void ascii(unsigned char c) {
    if (word_byte_ascii(c)) {
      byte(c >= 'A' && c <= 'Z' ? static_cast<unsigned char>(c - 'A' + 'a') : c);
    } else {
      brk();
    }
  }
  void brk() {
    if (in_) {
      in_ = false;
      end_word(h_);
    }
  }
  // A code point as the old decoders wrote it in UTF-8.
  void cp(char32_t u) {
    if (u < 0x80) return ascii(static_cast<unsigned char>(u));
    if (separator_cp(u)) return brk();
    if (u < 0x800) {
      byte(static_cast<unsigned char>(0xC0 | (u >> 6)));
      byte(static_cast<unsigned char>(0x80 | (u & 0x3F)));
    } else if (u < 0x10000) {
      byte(static_cast<unsigned char>(0xE0 | (u >> 12)));
      byte(static_cast<unsigned char>(0x80 | ((u >> 6) & 0x3F)));
      byte(static_cast<unsigned char>(0x80 | (u & 0x3F)));
    } else {
      byte(static_cast<unsigned char>(0xF0 | (u >> 18)));
      byte(static_cast<unsigned char>(0x80 | ((u >> 12) & 0x3F)));
      byte(static_cast<unsigned char>(0x80 | ((u >> 6) & 0x3F)));
      byte(static_cast<unsigned char>(0x80 | (u & 0x3F)));
    }
  }
  // UTF-8 text, read as for_each_word() reads it. ASCII (nearly all of our
  // text) runs through a table with the word state in locals.
  void utf8(std::string_view text) {
    for (size_t i = 0; i < text.size();) {
      const auto c = static_cast<unsigned char>(text[i]);
      if (c < 0x80) {
        uint64_t h = h_;
        bool in = in_;
        size_t j = i;
        for (; j < text.size(); ++j) {
          const auto a = static_cast<unsigned char>(text[j]);
          if (a >= 0x80) break;
          // feed(t[a], h, in) for ASCII: one folded byte or a break.
          if (word_byte_ascii(a)) {
            if (!in) {
              in = true;
              h = kFnvOffset;
            }
            h = (h ^ kFoldAscii[a]) * kFnvPrime;
          } else if (in) {
            in = false;
            end_word(h);
          }
        }
        h_ = h;
        in_ = in;
        i = j;
        continue;
      }
      bool word = false;
      const size_t len = char_at(text, i, &word);
      if (word)
        for (size_t k = 0; k < len; ++k) byte(static_cast<unsigned char>(text[i + k]));
      else
        brk();
      i += len;
    }
  }
  // One Windows-1252 character (its UTF-8 bytes; none for a word break) into
  // the word state, which the hot loops keep in locals (the matcher's members
  // are written back around the rare calls out).
  void feed(const Cp1252Char& e, uint64_t& h, bool& in) {
    if (e.len == 0) {
      if (in) {
        in = false;
        end_word(h);
      }
      return;
    }
    if (!in) {
      in = true;
      h = kFnvOffset;
    }
    h = (h ^ e.bytes[0]) * kFnvPrime;
    if (e.len > 1) {
      h = (h ^ e.bytes[1]) * kFnvPrime;
      if (e.len > 2) h = (h ^ e.bytes[2]) * kFnvPrime;
    }
  }
  void cp1252(std::string_view bytes) {
    const auto& t = cp1252_table();
    uint64_t h = h_;
    bool in = in_;
    for (const char ch : bytes) feed(t[static_cast<unsigned char>(ch)], h, in);
    h_ = h;
    in_ = in;
  }
  // As utf16be_to_utf8() decodes.
  void utf16be(std::string_view b, size_t offset) {
    uint64_t h = h_;
    bool in = in_;
    for (size_t i = offset; i + 1 < b.size(); i += 2) {
      char32_t u = static_cast<char32_t>((static_cast<unsigned char>(b[i]) << 8) |
                                         static_cast<unsigned char>(b[i + 1]));
      if (u >= 0x3040 && u < 0xD800) {
        // CJK and the like (what binary data mostly reads as): no separators here.
        if (!in) {
          in = true;
          h = kFnvOffset;
        }
        h = (h ^ (0xE0 | (u >> 12))) * kFnvPrime;
        h = (h ^ (0x80 | ((u >> 6) & 0x3F))) * kFnvPrime;
        h = (h ^ (0x80 | (u & 0x3F))) * kFnvPrime;
        continue;
      }
      if (u >= 0xD800 && u <= 0xDBFF && i + 3 < b.size()) {
        const char32_t lo = static_cast<char32_t>((static_cast<unsigned char>(b[i + 2]) << 8) |
                                                  static_cast<unsigned char>(b[i + 3]));
        if (lo >= 0xDC00 && lo <= 0xDFFF) {
          u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
          i += 2;
        } else {
          u = 0xFFFD;
        }
      } else if (u >= 0xD800 && u <= 0xDFFF) {
        u = 0xFFFD;
      }
      h_ = h;
      in_ = in;
      cp(u < 0x20 ? char32_t{' '} : u);
      h = h_;
      in = in_;
    }
    h_ = h;
    in_ = in;
  }
  // As FontMap::decode() decodes.
  void glyphs(std::string_view bytes, size_t offset, const FontMap& font) {
    if (font.code_bytes == 2 && !font.ascii.empty()) return glyphs_small<2>(bytes, offset, font);
    if (font.code_bytes == 1 && !font.ascii.empty()) return glyphs_small<1>(bytes, offset, font);
    const auto n = static_cast<size_t>(font.code_bytes);
    for (size_t i = offset; i + n <= bytes.size(); i += n) {
      uint32_t code = 0;
      for (size_t k = 0; k < n; ++k) code = (code << 8) | static_cast<unsigned char>(bytes[i + k]);
      const std::string* t = font.lookup(code);
      if (t == nullptr)
        brk();
      else if (t->size() == 1 && static_cast<unsigned char>((*t)[0]) < 0x80)
        ascii(static_cast<unsigned char>((*t)[0]));
      else
        utf8(*t);
    }
  }
  // 1- or 2-byte codes of a font with small codes (ours): one-character ASCII
  // texts through FontMap::ascii with the word state in locals.
  template <size_t N>
  void glyphs_small(std::string_view bytes, size_t offset, const FontMap& font) {
    const uint8_t* fast = font.ascii.data();
    const size_t size = font.ascii.size();
    uint64_t h = h_;
    bool in = in_;
    for (size_t i = offset; i + N <= bytes.size(); i += N) {
      uint32_t code = static_cast<unsigned char>(bytes[i]);
      if constexpr (N == 2) code = (code << 8) | static_cast<unsigned char>(bytes[i + 1]);
      const uint8_t v = code < size ? fast[code] : 0;
      if (v == 0) {
        if (in) {
          in = false;
          end_word(h);
        }
      } else if (v != 1) {
        if (!in) {
          in = true;
          h = kFnvOffset;
        }
        h = (h ^ v) * kFnvPrime;
      } else {
        h_ = h;
        in_ = in;
        utf8(font.dense[code]);
        h = h_;
        in = in_;
      }
    }
    h_ = h;
    in_ = in;
  }
  void source(const Source& s) {
    auto piece = [&](std::string_view p) {
      switch (s.encoding) {
        case Encoding::kUtf8:
          utf8(p);
          break;
        case Encoding::kCp1252:
          cp1252(p);
          break;
        case Encoding::kUtf16be:
          utf16be(p, s.offset);
          break;
        case Encoding::kGlyphs:
          if (s.font != nullptr) glyphs(p, s.offset, *s.font);
          break;
      }
      brk();
    };
    if (s.breaks == nullptr) return piece(s.bytes);
    size_t from = 0;
    for (const uint32_t end : *s.breaks) {
      piece(s.bytes.substr(from, end - from));
      from = end;
    }
  }

  /// (index of the first word, needle) of every needle found.
  std::vector<std::pair<uint64_t, uint32_t>>& hits() { return hits_; }
  /// Instead of looking needles up, appends the hash of every word to `seq`.
  void record(std::vector<uint64_t>* seq) { record_ = seq; }

 private:
  // Every word of every channel comes through here: inlined into the
  // decoding loops, with the rare work (a word that may end a needle, a
  // summary's record) out of line.
  [[gnu::always_inline]] void end_word(uint64_t h) {
    if (record_ != nullptr) [[unlikely]]
      return record_->push_back(h);
    ring_data_[index_ & ring_mask_] = h;
    const unsigned bit = NeedlePlan::last_word_bit(h);
    if ((last_words_[bit >> 6] >> (bit & 63)) & 1) [[unlikely]]
      may_end_needle(h);
    ++index_;
  }
  [[gnu::noinline]] void may_end_needle(uint64_t h) {
    check(plan_.tables_.single.find(h));
    if (index_ > 0) check(plan_.tables_.multi.find(pair_key(ring_[(index_ - 1) & ring_mask_], h)));
  }
  // The needles of one chain that end at the word just read.
  void check(uint32_t head) {
    for (uint32_t k = head; k != UINT32_MAX; k = plan_.next_[k]) {
      if ((plan_.channels_[k] & channel_bit_) == 0 || reported_[k]) continue;
      const uint32_t n = plan_.count_[k];
      if (n > index_ + 1) continue;
      bool match = true;
      for (uint32_t t = 0; t < n && match; ++t)
        match = ring_[(index_ - (n - 1) + t) & ring_mask_] == plan_.hashes_[plan_.first_[k] + t];
      if (!match) continue;
      if (found_.empty()) found_.assign(reported_.size(), false);
      if (found_[k]) continue;
      found_[k] = true;
      hits_.emplace_back(index_ + 1 - n, k);
    }
  }

  const NeedlePlan& plan_;
  uint8_t channel_bit_;
  const std::vector<bool>& reported_;
  std::vector<uint64_t> ring_;
  size_t ring_mask_;
  uint64_t* ring_data_;         // ring_.data()
  const uint64_t* last_words_;  // plan_.last_words_.data()
  uint64_t h_ = 0;
  bool in_ = false;
  uint64_t index_ = 0;
  std::vector<std::pair<uint64_t, uint32_t>> hits_;
  std::vector<bool> found_;  // per needle, once one is found
  std::vector<uint64_t>* record_ = nullptr;
};

uint32_t gram_bit(uint32_t g) {
  return static_cast<uint32_t>((g * 0x9E3779B1u) >> 16);
}

// The code points of UTF-8 `s` (valid: needle words come from our decoders
// or the source's UTF-8 as char_at() reads it).
std::u32string code_points(std::string_view s) {
  std::u32string out;
  for (size_t i = 0; i < s.size();) {
    bool word = false;
    const size_t len = char_at(s, i, &word);
    const auto c = static_cast<unsigned char>(s[i]);
    char32_t cp =
        len == 1 ? (c < 0x80 ? c : 0xFFFD) : static_cast<char32_t>(c & (0xFF >> (len + 1)));
    for (size_t k = 1; k < len; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    out += cp;
    i += len;
  }
  return out;
}

// code_points(s).size() without the copy.
size_t code_point_count(std::string_view s) {
  size_t n = 0;
  for (size_t i = 0; i < s.size(); ++n) {
    bool word = false;
    i += char_at(s, i, &word);
  }
  return n;
}

// `word` in Windows-1252, if every character has a byte there that decodes
// to it; false if the word can never be read from Windows-1252 bytes.
bool to_cp1252(std::string_view word, std::string* out) {
  // Code point -> byte + 1 (0: none); every Windows-1252 character is below U+2200.
  static const std::vector<uint16_t> inverse = [] {
    std::vector<uint16_t> m(0x2200, 0);
    for (unsigned c = 0; c < 256; ++c) {
      const std::u32string u = code_points(cp1252_to_utf8(std::string(1, static_cast<char>(c))));
      if (u.size() == 1 && u[0] != 0xFFFD && u[0] < m.size() && m[u[0]] == 0)
        m[u[0]] = static_cast<uint16_t>(c + 1);
    }
    return m;
  }();
  out->clear();
  for (size_t i = 0; i < word.size();) {
    bool w = false;
    const size_t len = char_at(word, i, &w);
    const auto c = static_cast<unsigned char>(word[i]);
    char32_t cp =
        len == 1 ? (c < 0x80 ? c : 0xFFFD) : static_cast<char32_t>(c & (0xFF >> (len + 1)));
    for (size_t k = 1; k < len; ++k)
      cp = (cp << 6) | (static_cast<unsigned char>(word[i + k]) & 0x3F);
    i += len;
    if (cp >= inverse.size() || inverse[cp] == 0) return false;
    *out += static_cast<char>(inverse[cp] - 1);
  }
  return true;
}

std::string to_utf16be(std::string_view word) {
  std::string out;
  for (const char32_t cp : code_points(word)) {
    auto unit = [&](char32_t u) {
      out += static_cast<char>((u >> 8) & 0xFF);
      out += static_cast<char>(u & 0xFF);
    };
    if (cp >= 0x10000) {
      unit(0xD800 + ((cp - 0x10000) >> 10));
      unit(0xDC00 + ((cp - 0x10000) & 0x3FF));
    } else {
      unit(cp);
    }
  }
  return out;
}

uint32_t gram_of(std::string_view b) {
  uint32_t g = 0;
  for (size_t k = 0; k < 4; ++k) g = (g << 8) | kFoldAscii[static_cast<unsigned char>(b[k])];
  return g;
}

bool searched_in(const WithheldMaterial::Needle& n, Channel channel) {
  // Inside binary data short words turn up by chance: only long needles.
  if (channel == Channel::kBinary &&
      n.word_chars < (n.kind == WithheldMaterial::Needle::kPhrase ? 10u : 6u))
    return false;
  // A log is nothing but our fields side by side: a number or a word of
  // ours next to anything proves nothing there.
  if (channel == Channel::kLog && (n.numeric || n.own_words)) return false;
  return true;
}

}  // namespace

const NeedlePlan* plan_of(const WithheldMaterial& m) {
  return m.plan_.get();
}

NeedleIndex::NeedleIndex(const WithheldMaterial& m)
    : m_(m),
      plan_(m.plan_ != nullptr ? m.plan_ : std::make_shared<const NeedlePlan>(m.needles())),
      reported_(m.needles().size(), false) {}

namespace {

// The grams of one needle word: its first 4 bytes in Windows-1252 and in
// UTF-16BE, ASCII-folded (what a binary channel must hold for the word to be
// there).
struct WordGrams {
  bool cp1252 = false;       // the word has a Windows-1252 spelling
  bool cp1252_long = false;  // of 4+ bytes: cp1252_gram is set
  bool utf16_long = false;   // its UTF-16BE form has 4+ bytes: utf16_gram is set
  uint32_t cp1252_gram = 0;
  uint32_t utf16_gram = 0;
};

WordGrams word_grams(std::string_view word, std::string& bytes) {
  WordGrams g;
  if (std::all_of(word.begin(), word.end(),
                  [](char c) { return static_cast<unsigned char>(c) < 0x80; })) {
    // What to_cp1252() and to_utf16be() make of ASCII (nearly every needle
    // word), without the copies: the bytes themselves, and 00 xx.
    g.cp1252 = true;
    if (word.size() >= 4) {
      g.cp1252_long = true;
      g.cp1252_gram = gram_of(word);
    }
    if (word.size() >= 2) {
      g.utf16_long = true;
      g.utf16_gram = (uint32_t{kFoldAscii[static_cast<unsigned char>(word[0])]} << 16) |
                     kFoldAscii[static_cast<unsigned char>(word[1])];
    }
    return g;
  }
  if (to_cp1252(word, &bytes)) {
    g.cp1252 = true;
    if (bytes.size() >= 4) {
      g.cp1252_long = true;
      g.cp1252_gram = gram_of(bytes);
    }
  }
  bytes = to_utf16be(word);
  if (bytes.size() >= 4) {
    g.utf16_long = true;
    g.utf16_gram = gram_of(bytes);
  }
  return g;
}

size_t code_point_count_fast(std::string_view s) {
  for (const char c : s)
    if (static_cast<unsigned char>(c) >= 0x80) return code_point_count(s);
  return s.size();
}

// The distinct grams of one table, in the order first met (a word anchors
// many phrases: sorting the distinct grams only is a fraction of the work).
class GramSet {
 public:
  void reset(size_t expected) {
    size_t cap = 16;
    while (cap < expected * 2) cap *= 2;
    slots_.assign(cap, 0);
    mask_ = cap - 1;
    zero_ = false;
  }
  void add(uint32_t g, std::vector<uint32_t>& out) {
    if (g == 0) {
      if (!zero_) out.push_back(0);
      zero_ = true;
      return;
    }
    size_t i = (g * 0x9E3779B1u) & mask_;
    while (slots_[i] != 0) {
      if (slots_[i] == g) return;
      i = (i + 1) & mask_;
    }
    slots_[i] = g;
    out.push_back(g);
  }

 private:
  std::vector<uint32_t> slots_;
  size_t mask_ = 0;
  bool zero_ = false;
};

// The rest of a plan once hashes_, first_ and count_ are set.
void compile(NeedlePlan& plan, const std::vector<WithheldMaterial::Needle>& needles) {
  size_t longest = 1;
  for (const uint32_t c : plan.count_) longest = std::max<size_t>(longest, c);
  size_t ring = 1;
  while (ring < longest) ring *= 2;
  plan.ring_mask_ = ring - 1;
  // One table for all channels: a chain holds every needle of its key, each
  // marked with the channels it is searched in (a third of the memory to
  // clear per document than a table per channel).
  std::vector<uint8_t>& channels = plan.channels_;
  channels.assign(needles.size(), 0);
  size_t binary = 0;
  for (size_t k = 0; k < needles.size(); ++k)
    if (!needles[k].tokens.empty()) {
      for (const Channel c : {Channel::kText, Channel::kBinary, Channel::kLog})
        if (searched_in(needles[k], c))
          channels[k] |= static_cast<uint8_t>(1u << static_cast<unsigned>(c));
      if (channels[k] & (1u << static_cast<unsigned>(Channel::kBinary))) ++binary;
    }
  {
    NeedlePlan::Tables& t = plan.tables_;
    std::vector<uint32_t>& next = plan.next_;
    const std::vector<uint64_t>& hashes = plan.hashes_;
    const std::vector<uint32_t>& first = plan.first_;
    const std::vector<uint32_t>& count = plan.count_;
    next.assign(needles.size(), UINT32_MAX);
    size_t singles = 0;
    size_t multis = 0;
    for (size_t k = 0; k < needles.size(); ++k)
      if (channels[k] != 0) ++(count[k] == 1 ? singles : multis);
    for (NeedlePlan::Table* table : {&t.single, &t.multi}) {
      // At most a quarter full: a probe for a word that is no needle (nearly
      // every word) mostly ends at the first, empty slot.
      const size_t entries = table == &t.single ? singles : multis;
      size_t cap = 16;
      while (cap < entries * 4) cap *= 2;
      table->keys.assign(cap, 0);
      table->heads.assign(cap, UINT32_MAX);
      table->mask = cap - 1;
    }
    plan.last_words_.assign((size_t{1} << 16) / 64, 0);
    for (size_t k = 0; k < needles.size(); ++k) {
      if (channels[k] == 0) continue;
      const uint64_t last = hashes[first[k] + count[k] - 1];
      const unsigned bit = NeedlePlan::last_word_bit(last);
      plan.last_words_[bit >> 6] |= uint64_t{1} << (bit & 63);
      NeedlePlan::Table& table = count[k] == 1 ? t.single : t.multi;
      uint64_t h = count[k] == 1 ? last : pair_key(hashes[first[k] + count[k] - 2], last);
      if (h == 0) h = 1;
      size_t i = h & table.mask;
      while (table.keys[i] != 0 && table.keys[i] != h) i = (i + 1) & table.mask;
      table.keys[i] = h;
      next[k] = table.heads[i];
      table.heads[i] = static_cast<uint32_t>(k);
    }
  }
  // The grams of the needles searched in binary channels (each distinct gram
  // once; Grams::any() only asks whether one is there).
  NeedlePlan::Grams& cp = plan.cp1252_grams_;
  NeedlePlan::Grams& u16 = plan.utf16_grams_;
  cp.usable = u16.usable = true;
  thread_local GramSet cp_seen;
  thread_local GramSet u16_seen;
  thread_local std::string bytes;
  cp_seen.reset(binary);
  u16_seen.reset(binary);
  for (size_t k = 0; k < needles.size(); ++k) {
    if ((channels[k] & (1u << static_cast<unsigned>(Channel::kBinary))) == 0) continue;
    const WithheldMaterial::Needle& n = needles[k];
    const std::string_view* anchor = &n.tokens[0];
    size_t most = 0;
    for (const std::string_view& t : n.tokens)
      if (const size_t c = code_point_count_fast(t); c > most) {
        most = c;
        anchor = &t;
      }
    const WordGrams g = word_grams(*anchor, bytes);
    if (g.cp1252) {
      if (g.cp1252_long)
        cp_seen.add(g.cp1252_gram, cp.sorted);
      else
        cp.usable = false;
    }  // else no Windows-1252 bytes read as this word: the needle is never there
    if (g.utf16_long)
      u16_seen.add(g.utf16_gram, u16.sorted);
    else
      u16.usable = false;
  }
  for (NeedlePlan::Grams* g : {&cp, &u16}) {
    std::sort(g->sorted.begin(), g->sorted.end());
    g->bloom.assign(1024, 0);
    for (const uint32_t gram : g->sorted) {
      const uint32_t bit = gram_bit(gram);
      g->bloom[bit >> 6] |= uint64_t{1} << (bit & 63);
    }
  }
}

}  // namespace

NeedlePlan::NeedlePlan(const std::vector<WithheldMaterial::Needle>& needles) {
  first_.reserve(needles.size());
  count_.reserve(needles.size());
  for (const WithheldMaterial::Needle& n : needles) {
    first_.push_back(static_cast<uint32_t>(hashes_.size()));
    count_.push_back(static_cast<uint32_t>(n.tokens.size()));
    for (const std::string_view t : n.tokens) hashes_.push_back(folded_hash(t));
  }
  compile(*this, needles);
}

NeedlePlan::NeedlePlan(const std::vector<WithheldMaterial::Needle>& needles,
                       std::vector<uint64_t> hashes, std::vector<uint32_t> first)
    : hashes_(std::move(hashes)), first_(std::move(first)) {
  count_.reserve(needles.size());
  for (const WithheldMaterial::Needle& n : needles)
    count_.push_back(static_cast<uint32_t>(n.tokens.size()));
  compile(*this, needles);
}

std::array<uint32_t, 256> NeedlePlan::Grams::mask() const {
  std::array<uint32_t, 256> m{};
  for (const uint32_t g : sorted)
    for (unsigned k = 0; k < 4; ++k) m[(g >> (8 * k)) & 0xFF] = ~0u;
  for (unsigned c = 0; c < 256; ++c) m[c] = m[kFoldAscii[c]];
  return m;
}

bool NeedlePlan::Grams::any(std::string_view bytes) const {
  return any(bytes, mask());
}

bool NeedlePlan::Grams::any(std::string_view bytes, const std::array<uint32_t, 256>& mask) const {
  // A gram is 4 bytes that each occur (folded) in some gram. The scan looks
  // at the last byte of a window first: where it occurs in no gram, no
  // window holding it can be a gram, and the next window to look at ends 4
  // bytes on (glyph codes and binary data skip most bytes this way). Where
  // a whole window passes, the gram rolls along byte by byte and is tested
  // in the bloom filter, then in the sorted grams.
  const auto* b = reinterpret_cast<const unsigned char*>(bytes.data());
  const size_t n = bytes.size();
  size_t e = 3;  // the last byte of the window looked at
  while (e < n) {
    if (mask[b[e]] == 0) {
      e += 4;
      continue;
    }
    if (mask[b[e - 1]] == 0) {
      e += 3;
      continue;
    }
    if (mask[b[e - 2]] == 0) {
      e += 2;
      continue;
    }
    if (mask[b[e - 3]] == 0) {
      e += 1;
      continue;
    }
    uint32_t g = (uint32_t{kFoldAscii[b[e - 3]]} << 24) | (uint32_t{kFoldAscii[b[e - 2]]} << 16) |
                 (uint32_t{kFoldAscii[b[e - 1]]} << 8) | kFoldAscii[b[e]];
    for (;;) {
      const uint32_t bit = gram_bit(g);
      if ((bloom[bit >> 6] >> (bit & 63)) & 1)
        if (std::binary_search(sorted.begin(), sorted.end(), g)) return true;
      if (++e >= n) return false;
      if (mask[b[e]] == 0) {
        e += 4;
        break;
      }
      g = (g << 8) | kFoldAscii[b[e]];
    }
  }
  return false;
}

std::shared_ptr<const WordSummary> summarize(const Source& source) {
  static const NeedlePlan kNoNeedles{std::vector<WithheldMaterial::Needle>{}};
  static const std::vector<bool> kNoneReported;
  const NeedlePlan& p = kNoNeedles;
  std::vector<uint64_t> seq;
  WordMatcher wm(p, 0, kNoneReported);
  wm.record(&seq);
  wm.source(source);
  auto out = std::make_shared<WordSummary>();
  // About 8 bits per key (singles and pairs), at least one word of bits.
  unsigned log2 = 6;
  while ((size_t{1} << log2) < seq.size() * 16 && log2 < 30) ++log2;
  out->shift = 64 - log2;
  out->bloom.assign((size_t{1} << log2) / 64, 0);
  for (size_t i = 0; i < seq.size(); ++i) {
    // HashSet64 stores 0 as 1: so does the filter, so that it agrees with contains().
    out->singles.insert(seq[i]);
    out->add(seq[i] == 0 ? 1 : seq[i]);
    // The matcher pairs a word with the one before it across piece breaks too.
    if (i > 0) {
      const uint64_t k = pair_key(seq[i - 1], seq[i]);
      out->pairs.insert(k);
      out->add(k == 0 ? 1 : k);
    }
  }
  return out;
}

void NeedleIndex::search(std::string_view text, Channel channel, const std::string& output,
                         const std::string& where, VerifyReport& report) {
  Source s;
  s.bytes = text;
  search(
      s, channel, output, [&] { return where; }, report);
}

void NeedleIndex::search(const Source& source, Channel channel, const std::string& output,
                         const std::function<std::string()>& where, VerifyReport& report) {
  ++report.channels;
  const NeedlePlan& p = *plan_;
  if (source.summary != nullptr) {
    // The matcher finds a needle only at a word whose hash (one-word needles)
    // or pair key (longer ones) is the needle's: without any such key in the
    // channel, it would find nothing.
    const auto c = static_cast<unsigned>(channel);
    const auto bit = static_cast<uint8_t>(1u << c);
    if (!keys_built_[c]) {
      keys_built_[c] = true;
      for (uint32_t k = 0; k < p.count_.size(); ++k) {
        const uint32_t n = p.count_[k];
        if ((p.channels_[k] & bit) == 0 || n == 0) continue;
        const uint64_t last = p.hashes_[p.first_[k] + n - 1];
        keys_[c].emplace_back(n == 1 ? last : pair_key(p.hashes_[p.first_[k] + n - 2], last), k);
      }
    }
    bool candidate = false;
    for (const auto& [key, k] : keys_[c]) {
      if (reported_[k] || !source.summary->may_hold(key == 0 ? 1 : key)) continue;
      const HashSet64& set = p.count_[k] == 1 ? source.summary->singles : source.summary->pairs;
      if (set.contains(key)) {
        candidate = true;
        break;
      }
    }
    if (!candidate) return;
  }
  if (channel == Channel::kBinary) {
    const NeedlePlan::Grams* grams = source.encoding == Encoding::kCp1252    ? &p.cp1252_grams_
                                     : source.encoding == Encoding::kUtf16be ? &p.utf16_grams_
                                                                             : nullptr;
    if (grams != nullptr && grams->usable) {
      // The same bytes come again at the other alignment (UTF-16BE): the
      // grams do not depend on it, so the answer is reused.
      if (source.bytes.data() != last_bytes_.data() || source.bytes.size() != last_bytes_.size() ||
          grams != last_grams_) {
        last_bytes_ = source.bytes;
        last_grams_ = grams;
        const size_t which = grams == &p.cp1252_grams_ ? 0 : 1;
        if (!in_gram_built_[which]) {
          in_gram_built_[which] = true;
          in_gram_[which] = grams->mask();
        }
        last_any_ = grams->any(source.bytes, in_gram_[which]);
      }
      if (!last_any_) return;
    }
  }
  const auto bit = static_cast<uint8_t>(1u << static_cast<unsigned>(channel));
  WordMatcher wm(p, bit, reported_);
  wm.source(source);
  auto& hits = wm.hits();
  if (hits.empty()) return;
  // In the order of their first word; at one word, in descending needle order.
  std::sort(hits.begin(), hits.end(), [](const auto& x, const auto& y) {
    return x.first != y.first ? x.first < y.first : x.second > y.second;
  });
  const std::string place = where();
  const auto& needles = m_.needles();
  for (const auto& [at, k] : hits) {
    (void)at;
    reported_[k] = true;
    const WithheldMaterial::Needle& n = needles[k];
    const char* what = n.kind == WithheldMaterial::Needle::kTerm     ? "withheld term"
                       : n.kind == WithheldMaterial::Needle::kPhrase ? "withheld phrase"
                                                                     : "withheld word";
    Finding f;
    f.code = n.released_elsewhere ? "term-released" : "leak";
    f.message = std::string(what) + " from " + m_.source_path() + ":" +
                std::to_string(m_.where(n).line) + ":" + std::to_string(m_.where(n).column) + " (" +
                std::to_string(n.chars) + " characters) found in " + output + " (" + place + ")";
    if (n.released_elsewhere)
      f.message += "; the decisions also release this term elsewhere in the document";
    report.findings.push_back(std::move(f));
  }
}

}  // namespace detail

namespace {

using core::Action;
using core::Block;
using core::BlockKind;

// Byte classes for verification (see the file comment).
enum Class : uint8_t { kNone = 0, kShown = 1, kGone = 2, kHidden = 3 };

bool blank(unsigned char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

// The words the writers print on their own (stamps, footers, log columns,
// PDF structure, CMap and font program names): never needles as single words.
constexpr const char* kWriterWording =
    "UNCLASSIFIED U.S. Department of State Case No. Doc No. Date: RELEASED IN FULL PART DENIED "
    "REVIEW AUTHORITY: (none) WITHHELD Page of DECL "
    "document block span uncovered true false preamble notice routing banner caption addressee "
    "eo-line tags subject ref classified-by paragraph sub-paragraph signature page-break "
    "uncovered-text no-decision default "
    "Type Catalog Pages Page Kids Count Parent MediaBox Resources ProcSet PDF Text ImageB ImageC "
    "ImageI Font Contents Filter FlateDecode Length Length1 Subtype Type0 CIDFontType2 BaseFont "
    "DejaVuSansMono DejaVu Sans Mono Encoding Identity-H DescendantFonts ToUnicode CIDSystemInfo "
    "Registry Adobe Ordering Identity Supplement FontDescriptor FontName Flags FontBBox "
    "ItalicAngle "
    "Ascent Descent CapHeight StemV FontFile2 DW CIDToGIDMap Info Title Producer CreationDate "
    "ModDate Root Size ID xref trailer startxref obj endobj stream endstream EOF "
    "CIDInit findresource begin dict begincmap CMapName Adobe-Identity-UCS UCS CMapType "
    "codespacerange begincodespacerange endcodespacerange beginbfchar endbfchar beginbfrange "
    "endbfrange endcmap currentdict CMap defineresource pop end def begincidrange endcidrange "
    "DeclassOneByte "
    "glyf loca head hhea hmtx maxp cvt fpgm prep post cmap OS2 "
    "declass";

uint32_t cps(std::string_view s) {
  uint32_t n = 0;
  for (const char c : s)
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;
  return n;
}

// A key of a whole string, eight bytes a step (rules and justifications
// are read once per document by key: they repeat from block to block).
uint64_t string_key(std::string_view s) {
  uint64_t h = s.size() * 0x9E3779B97F4A7C15ull;
  size_t i = 0;
  for (uint64_t w; i + 8 <= s.size(); i += 8) {
    std::memcpy(&w, s.data() + i, 8);
    h = (h ^ w) * 0xBF58476D1CE4E5B9ull;
    h ^= h >> 29;
  }
  uint64_t tail = 0;
  std::memcpy(&tail, s.data() + i, s.size() - i);
  h = (h ^ tail) * 0x94D049BB133111EBull;
  return h ^ (h >> 32);
}

// 3-word phrase key (allowed phrases and phrase needles).
uint64_t phrase_hash(uint64_t a, uint64_t b, uint64_t c) {
  uint64_t h = a * 0x9E3779B97F4A7C15ull;
  h = (h ^ (h >> 29)) + b * 0xBF58476D1CE4E5B9ull;
  h = (h ^ (h >> 31)) + c * 0x94D049BB133111EBull;
  return h ^ (h >> 32);
}

// Calls f(hash) for each folded word of `s`, in order (no copies: a word's
// folded hash is that of its fold()).
template <class F>
void for_each_word_hash(std::string_view s, F f) {
  detail::for_each_word(s, [&](size_t a, size_t b) { f(detail::folded_hash(s.substr(a, b - a))); });
}

// Adds the words and 3-word phrases of `s` to `words` and `phrases` (and the
// words to `own`, if given).
void allow_words(std::string_view s, detail::HashSet64& words, detail::HashSet64& phrases,
                 detail::HashSet64* own) {
  uint64_t h0 = 0;
  uint64_t h1 = 0;
  size_t k = 0;
  for_each_word_hash(s, [&](uint64_t h) {
    words.insert(h);
    if (own != nullptr) own->insert(h);
    if (k >= 2) phrases.insert(phrase_hash(h0, h1, h));
    h0 = h1;
    h1 = h;
    ++k;
  });
}

// The wording every document shares (the writers' words, the log columns,
// the fixed justifications, the placeholder label words), hashed once per
// process instead of once per document.
struct ConstWording {
  detail::HashSet64 words{512};    // allowed words, and the writers' own words
  detail::HashSet64 phrases{512};  // allowed phrases
  detail::HashSet64 labels{64};    // fixed placeholder label words
};

const ConstWording& const_wording() {
  static const ConstWording k = [] {
    ConstWording c;
    allow_words(kWriterWording, c.words, c.phrases, nullptr);
    for (const std::string& col : log_columns()) allow_words(col, c.words, c.phrases, nullptr);
    for (const char* j : {kNoDecisionJustification, kUncoveredJustification})
      allow_words(j, c.words, c.phrases, nullptr);
    for (const char* w : {"withheld", "b1", "b2", "b3", "b4", "b5", "b6", "b7", "b8", "b9",
                          "1",        "4",  "a",  "b",  "c",  "d",  "e",  "f",  "g",  "h"})
      c.labels.insert(detail::word_hash(w));
    return c;
  }();
  return k;
}

bool all_digits(std::string_view t) {
  return std::all_of(t.begin(), t.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// Per-thread scratch of collect_withheld(): the byte classes and owners of a
// document and its word streams, kept between documents (no allocation per
// document once warm).
struct Tok {
  std::string_view word;  // in the source text (not folded: compare folded)
  uint64_t hash;          // folded
  uint32_t origin;
  uint32_t chars;  // code points (bytes other than UTF-8 continuation bytes)
  bool brk;        // a break before this token
};
// What a needle needs of a withheld word, looked up once per word (a word
// stands in a word needle and three phrases).
struct TokInfo {
  uint32_t chars;  // code points
  bool digits;     // only digits
  bool allowed;    // released or the writers' wording
  bool own;        // a word the writers print on their own (or a label word)
  bool label;      // a placeholder label word
};
struct CollectScratch {
  std::vector<uint8_t> cls;
  std::vector<int32_t> owner;
  std::vector<Tok> hidden;
  std::vector<Tok> shown;
  std::vector<TokInfo> info;  // per hidden token
  std::vector<std::pair<core::Span, size_t>> terms;
  std::vector<std::string_view> term_words;
  std::vector<uint32_t> tok_first;  // per needle: its first word in the store
  detail::HashSet64 allowed_words;
  detail::HashSet64 allowed_phrases;
  detail::HashSet64 wording_hashes;
  detail::HashSet64 wording_seen;
  detail::HashSet64 label_words;
  detail::HashSet64 seen;
  detail::HashSet64 ask_words;
  detail::HashSet64 ask_phrases;
  std::string label_text;
};

}  // namespace

core::Position WithheldMaterial::where(const Needle& n) const {
  // As core::Source::position() counts, over the store's copy of the text
  // (a material with needles has one).
  if (words_ == nullptr || words_->line_starts.empty()) return {};
  const std::string_view text = words_->text;
  const std::vector<uint32_t>& starts = words_->line_starts;
  const uint32_t offset = std::min<uint32_t>(n.origin, static_cast<uint32_t>(text.size()));
  const auto line = static_cast<uint32_t>(std::upper_bound(starts.begin(), starts.end(), offset) -
                                          starts.begin());
  uint32_t column = 1;
  for (uint32_t i = starts[line - 1]; i < offset; ++i)
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) ++column;
  return {line, column};
}

WithheldMaterial collect_withheld(const core::Document& doc, const core::Decisions& decisions,
                                  const std::vector<std::string>& extra_wording) {
  WithheldMaterial m;
  m.source_path_ = doc.source.path();
  m.document_id_ = doc.id;
  const std::string_view text = doc.source.text();
  const auto n = static_cast<uint32_t>(text.size());
  thread_local CollectScratch scratch;
  std::vector<uint8_t>& cls = scratch.cls;
  std::vector<int32_t>& owner = scratch.owner;
  cls.assign(n, kNone);
  // An owner is read only where the class is kHidden, which only the block
  // fill below sets, together with the owner (every class it writes is above
  // kNone): the array is not cleared between documents.
  if (owner.size() < n) owner.resize(n);

  auto action = [&](size_t b) {
    if (b >= decisions.blocks.size()) return Action::kWithhold;
    const Action a = decisions.blocks[b].action;
    if (a == Action::kOmit) return a;
    if (decisions.disposition == core::DocumentDisposition::kDeniedInFull) return Action::kWithhold;
    return a == Action::kRelease || a == Action::kRedact ? a : Action::kWithhold;
  };
  // Plain pointers in the byte loops: through the thread_local references
  // the compiler reloads them on every byte.
  uint8_t* const cls_at = cls.data();
  int32_t* const owner_at = owner.data();
  for (size_t b = 0; b < doc.blocks.size(); ++b) {
    const Action a = action(b);
    const uint8_t c = a == Action::kOmit ? kGone : a == Action::kWithhold ? kHidden : kShown;
    const auto bi = static_cast<int32_t>(b);
    for (const core::Span& p : doc.blocks[b].pieces) {
      const uint32_t e = std::min(p.end, n);
      if (p.begin >= e) continue;
      // Pieces of blocks seldom overlap: a range not yet classed (all
      // kNone, eight bytes a step) is filled outright.
      uint32_t i = p.begin;
      for (uint64_t w; i + 8 <= e; i += 8) {
        std::memcpy(&w, cls_at + i, 8);
        if (w != 0) break;
      }
      while (i < e && cls_at[i] == kNone) ++i;
      if (i == e) {
        std::memset(cls_at + p.begin, c, e - p.begin);
        std::fill(owner_at + p.begin, owner_at + e, bi);
        continue;
      }
      for (i = p.begin; i < e; ++i) {
        const bool up = c > cls_at[i];
        cls_at[i] = up ? c : cls_at[i];
        owner_at[i] = up ? bi : owner_at[i];
      }
    }
  }
  // What a withheld block still shows: label, mark, a lead keyword such as "SUBJECT:".
  for (size_t b = 0; b < doc.blocks.size(); ++b) {
    if (action(b) != Action::kWithhold) continue;
    const Block& blk = doc.blocks[b];
    std::array<core::Span, 3> shown_spans{};
    size_t n_shown = 0;
    shown_spans[n_shown++] = blk.label_span;
    if (blk.mark) shown_spans[n_shown++] = blk.mark->span;
    const bool keyword_kind = blk.kind == BlockKind::kSubject || blk.kind == BlockKind::kRef ||
                              blk.kind == BlockKind::kTags || blk.kind == BlockKind::kClassifiedBy;
    if (keyword_kind && !blk.pieces.empty()) {
      const core::Span p = blk.pieces.front();
      for (uint32_t i = p.begin; i < p.end && i < n && i - p.begin < 16; ++i) {
        const char c = text[i];
        if (c == ':') {
          shown_spans[n_shown++] = {p.begin, i + 1};
          break;
        }
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == ' ' || c == '.')) break;
      }
    }
    for (size_t k = 0; k < n_shown; ++k) {
      const core::Span s = shown_spans[k];
      for (uint32_t i = s.begin, e = std::min(s.end, n); i < e; ++i)
        if (cls_at[i] == kHidden && owner_at[i] == static_cast<int32_t>(b)) cls_at[i] = kShown;
    }
  }
  auto& terms = scratch.terms;  // redaction spans and their block
  terms.clear();
  for (size_t b = 0; b < decisions.blocks.size(); ++b)
    for (const core::Redaction& r : decisions.blocks[b].redactions) {
      const core::Span s{r.span.begin, std::min(r.span.end, n)};
      terms.emplace_back(s, b);
      for (uint32_t i = s.begin; i < s.end; ++i)
        if (cls_at[i] != kGone) cls_at[i] = kHidden;
    }
  // Uncovered bytes other than blanks (and no-break spaces) are withheld
  // (memchr finds them: nearly every byte is covered).
  for (uint32_t i = 0; i < n;) {
    const void* at = std::memchr(cls_at + i, kNone, n - i);
    if (at == nullptr) break;
    i = static_cast<uint32_t>(static_cast<const uint8_t*>(at) - cls_at);
    const auto ch = static_cast<unsigned char>(text[i]);
    if (!blank(ch) &&
        !(ch == 0xC2 && i + 1 < n && static_cast<unsigned char>(text[i + 1]) == 0xA0) &&
        !(ch == 0xA0 && i > 0 && static_cast<unsigned char>(text[i - 1]) == 0xC2))
      cls_at[i] = kHidden;
    ++i;
  }
  m.withheld_bytes_ = static_cast<uint64_t>(std::count(cls_at, cls_at + n, uint8_t{kHidden}));

  // Word streams in source order, as views of the source text (folding only
  // changes ASCII letters, so the words are those of the folded text and
  // their hashes are folded). A word is split where its bytes change class;
  // a stream breaks where the other visible class intervenes. Words and
  // phrases are compared by 64-bit hash.
  using detail::word_hash;
  std::vector<Tok>& hidden = scratch.hidden;
  std::vector<Tok>& shown = scratch.shown;
  hidden.clear();
  shown.clear();
  // One pass: the words of detail::for_each_word(), each hashed as it is
  // read (detail::folded_hash()). The byte class is constant over long runs
  // (it changes at block edges): a word inside one run is one token; a word
  // across a change of class is cut there, piece by piece.
  uint8_t last_visible = kNone;
  {
    // 1: an ASCII letter or digit; 0: other ASCII; 2: not ASCII (char_at()).
    static constexpr std::array<uint8_t, 256> kScan = [] {
      std::array<uint8_t, 256> t{};
      for (unsigned c = 0; c < 256; ++c) t[c] = c >= 0x80 ? 2 : detail::kWordByteAscii[c] ? 1 : 0;
      return t;
    }();
    constexpr uint64_t kOffset = 1469598103934665603ull;
    constexpr uint64_t kPrime = 1099511628211ull;
    const auto* s = reinterpret_cast<const unsigned char*>(text.data());
    auto push = [&](size_t from, size_t to, uint64_t h, uint32_t chars) {
      const uint8_t c = cls_at[from];
      if (c != kHidden && c != kShown) return;
      (c == kHidden ? hidden : shown)
          .push_back({std::string_view(text.data() + from, to - from), h,
                      static_cast<uint32_t>(from), chars, last_visible != c});
      last_visible = c;
    };
    size_t run_end = 0;  // cls_at[] holds one value from the last word's start up to here
    size_t i = 0;
    while (i < n) {
      if (kScan[s[i]] != 1) {
        if (kScan[s[i]] == 0) {
          ++i;
          continue;
        }
        bool word = false;
        const size_t len = detail::char_at(text, i, &word);
        if (!word) {
          i += len;
          continue;
        }
      }
      const size_t a = i;
      uint64_t h = kOffset;
      bool ascii = true;
      while (i < n) {
        const unsigned char b = s[i];
        if (kScan[b] == 1) {
          h = (h ^ detail::kFoldAscii[b]) * kPrime;
          ++i;
          continue;
        }
        if (kScan[b] == 0) break;
        bool word = false;
        const size_t len = detail::char_at(text, i, &word);
        if (!word) break;
        for (const size_t end = i + len; i < end; ++i) h = (h ^ s[i]) * kPrime;
        ascii = false;
      }
      if (a >= run_end) {
        // Eight class bytes at a time: runs are hundreds of bytes long.
        const uint8_t c = cls_at[a];
        const uint64_t eight = 0x0101010101010101ull * c;
        run_end = a + 1;
        for (uint64_t w; run_end + 8 <= n; run_end += 8) {
          std::memcpy(&w, cls_at + run_end, 8);
          if (w != eight) break;
        }
        while (run_end < n && cls_at[run_end] == c) ++run_end;
      }
      if (i <= run_end) {
        push(a, i, h,
             ascii ? static_cast<uint32_t>(i - a) : cps(std::string_view(text.data() + a, i - a)));
        continue;
      }
      for (size_t from = a; from < i;) {
        size_t k = from;
        while (k < i && cls_at[k] == cls_at[from]) ++k;
        const std::string_view piece = text.substr(from, k - from);
        push(from, k, detail::folded_hash(piece), cps(piece));
        from = k;
      }
    }
  }

  // The allowed wording: released words and phrases, the writers' wording and
  // the stamp and log values of this document. The wording every document
  // shares is in const_wording(); the sets below hold this document's.
  const ConstWording& cw = const_wording();
  detail::HashSet64& allowed_words = scratch.allowed_words;
  detail::HashSet64& allowed_phrases = scratch.allowed_phrases;
  detail::HashSet64& wording_hashes = scratch.wording_hashes;  // every word the writers print
  wording_hashes.reset(256);
  if (shown.size() <= hidden.size()) {
    allowed_words.reset(shown.size() + 256);
    allowed_phrases.reset(shown.size() + 256);
    for (size_t i = 0; i < shown.size(); ++i) {
      allowed_words.insert(shown[i].hash);
      if (i + 2 < shown.size() && !shown[i + 1].brk && !shown[i + 2].brk)
        allowed_phrases.insert(phrase_hash(shown[i].hash, shown[i + 1].hash, shown[i + 2].hash));
    }
  } else {
    // Most of the cable is shown (as most policies decide): only the shown
    // words and phrases that will be asked about are kept, i.e. those equal
    // to a withheld word, a withheld phrase or a word of a term (whose first
    // word is asked below). The questions go into small sets first, and the
    // answers for them are those of the whole shown text.
    detail::HashSet64& ask_words = scratch.ask_words;
    detail::HashSet64& ask_phrases = scratch.ask_phrases;
    ask_words.reset(hidden.size() + 8 * terms.size());
    ask_phrases.reset(hidden.size());
    for (size_t i = 0; i < hidden.size(); ++i) {
      ask_words.insert(hidden[i].hash);
      if (i + 2 < hidden.size() && !hidden[i + 1].brk && !hidden[i + 2].brk)
        ask_phrases.insert(phrase_hash(hidden[i].hash, hidden[i + 1].hash, hidden[i + 2].hash));
    }
    for (const auto& [span, block] : terms) {
      (void)block;
      for_each_word_hash(text.substr(span.begin, span.size()),
                         [&](uint64_t h) { ask_words.insert(h); });
    }
    allowed_words.reset(hidden.size() + 256);
    allowed_phrases.reset(hidden.size() + 256);
    for (size_t i = 0; i < shown.size(); ++i) {
      if (ask_words.contains(shown[i].hash)) allowed_words.insert(shown[i].hash);
      if (i + 2 < shown.size() && !shown[i + 1].brk && !shown[i + 2].brk) {
        const uint64_t key = phrase_hash(shown[i].hash, shown[i + 1].hash, shown[i + 2].hash);
        if (ask_phrases.contains(key)) allowed_phrases.insert(key);
      }
    }
  }
  // Rules and justifications repeat from block to block: each distinct
  // string is read once (equal hashes of unequal strings, 2^-64, could only
  // leave wording out, i.e. add a finding).
  detail::HashSet64& wording_seen = scratch.wording_seen;
  wording_seen.reset(64);
  auto allow_wording = [&](std::string_view s) {
    if (s.empty() || !wording_seen.insert(string_key(s))) return;
    allow_words(s, allowed_words, allowed_phrases, &wording_hashes);
  };
  for (const std::string& w : extra_wording) allow_wording(w);
  allow_wording(doc.id);
  allow_wording(decisions.review.case_id);
  allow_wording(decisions.review.reviewer);
  allow_wording(decisions.review.policy_name);
  allow_wording(decisions.review.policy_version);
  // Words of placeholder labels: "withheld", "b1", "1", "4", "d", "b3", statute words.
  detail::HashSet64& label_words = scratch.label_words;
  label_words.reset(64);
  // Blocks mostly carry the labels of the block before: each distinct label
  // set is read once.
  const core::LabelSet* last_labels = nullptr;
  std::string& label_text = scratch.label_text;
  auto allow_labels = [&](const core::LabelSet& l) {
    if (l.empty() || (last_labels != nullptr && *last_labels == l)) return;
    last_labels = &l;
    label_text.clear();
    l.append_text(label_text);
    if (!wording_seen.insert(string_key(label_text) ^ 0x6C6162656C73ull)) return;  // "labels"
    allow_words(label_text, allowed_words, allowed_phrases, &wording_hashes);
    for_each_word_hash(label_text, [&](uint64_t h) { label_words.insert(h); });
  };
  allow_labels(decisions.exemptions);
  std::string state_date = "(none)";
  if (!decisions.review.review_date.is_special()) {
    const std::string iso = core::format_iso_date(decisions.review.review_date);
    allow_wording(iso);
    state_date = iso.substr(5, 2) + "/" + iso.substr(8, 2) + "/" + iso.substr(0, 4);
    allow_wording(state_date);
  }
  // The id printed next to other fields: the stamp line and the PDF title.
  allow_wording("Case No. " + decisions.review.case_id + "  Doc No. " + doc.id +
                "  Date: " + state_date);
  for (const char* d : {" RELEASED IN FULL", " RELEASED IN PART", " DENIED IN FULL"})
    allow_wording(doc.id + d);
  for (const core::BlockDecision& d : decisions.blocks) {
    allow_wording(d.rule);
    allow_wording(d.justification);
    allow_labels(d.labels);
    for (const core::Redaction& r : d.redactions) {
      allow_wording(r.rule);
      allow_wording(r.match);
      allow_labels(r.labels);
    }
  }
  // The document's own name and path are printed in messages and stamps.
  allow_words(doc.source.path(), allowed_words, allowed_phrases, nullptr);

  auto allowed_word = [&](uint64_t h) { return allowed_words.contains(h) || cw.words.contains(h); };
  auto label_word = [&](uint64_t h) { return label_words.contains(h) || cw.labels.contains(h); };
  auto own_word = [&](uint64_t h) {
    return wording_hashes.contains(h) || cw.words.contains(h) || label_word(h);
  };

  // The needles' words: views of the source text (the words of the terms,
  // then every withheld word, each once: a phrase views three neighbours),
  // moved to a copy of the text once complete, and beside them their folded
  // hashes, from which the plan is compiled without hashing a word again.
  auto store = std::make_shared<detail::WordStore>();
  std::vector<std::string_view>& words_in = store->words;
  std::vector<uint64_t> store_hashes;
  std::vector<uint32_t>& tok_first = scratch.tok_first;
  tok_first.clear();
  // Needles. Terms first: they are searched whatever else is allowed, except
  // where they are the writers' own wording (a reviewer named like a term).
  detail::HashSet64& seen = scratch.seen;
  seen.reset(hidden.size() + terms.size());  // grows if phrases need more
  m.needles_.reserve(hidden.size() + terms.size());
  std::vector<std::string_view>& term_words = scratch.term_words;
  for (const auto& [span, block] : terms) {
    (void)block;
    const std::string_view term = text.substr(span.begin, span.size());
    term_words.clear();
    detail::for_each_word(term,
                          [&](size_t a, size_t b) { term_words.push_back(term.substr(a, b - a)); });
    // The writers' own words ("sub", a case id, a label's "d") can stand next
    // to anything, so they are trimmed from both ends of a term; a term made
    // only of them is printed by design, and one of fewer than 3 letters or
    // digits is no more distinctive than a short word.
    size_t lo = 0;
    size_t hi = term_words.size();
    while (lo < hi && own_word(detail::folded_hash(term_words[lo]))) ++lo;
    while (hi > lo && own_word(detail::folded_hash(term_words[hi - 1]))) --hi;
    if (lo == hi) continue;
    size_t letters = 0;
    for (size_t k = lo; k < hi; ++k) letters += cps(term_words[k]);
    if (letters < 3) continue;
    // A short number ("10", "2024") is no more distinctive as a term than as a
    // word: page numbers, dates and paragraph labels print such numbers.
    size_t digits = 0;
    bool numeric = true;
    for (size_t k = lo; k < hi; ++k) {
      numeric &= all_digits(term_words[k]);
      digits += term_words[k].size();
    }
    if (numeric && digits < 6) continue;
    const size_t words = hi - lo;
    uint64_t key = 0x7465726dull;  // "term"
    for (size_t k = lo; k < hi; ++k)
      key = phrase_hash(key, detail::folded_hash(term_words[k]), words);
    if (!seen.insert(key)) continue;
    WithheldMaterial::Needle needle;
    needle.kind = WithheldMaterial::Needle::kTerm;
    needle.numeric = numeric;
    needle.origin = span.begin;
    needle.chars = cps(term);
    const auto at = static_cast<uint32_t>(words_in.size());
    for (size_t k = lo; k < hi; ++k) {
      const uint64_t h = detail::folded_hash(term_words[k]);
      words_in.push_back(term_words[k]);
      store_hashes.push_back(h);
      needle.word_chars += cps(term_words[k]);
      if (words > 1 && (all_digits(term_words[k]) || own_word(h))) needle.own_words = true;
    }
    // Does the term also stand in released text? (Only if its first word is
    // an allowed word at all, which most withheld terms are not.)
    const uint64_t first_hash = store_hashes[at];
    if (allowed_words.contains(first_hash))
      for (size_t i = 0; i + words <= shown.size() && !needle.released_elsewhere; ++i) {
        if (shown[i].hash != first_hash) continue;
        bool match = true;
        for (size_t t = 0; t < words && match; ++t)
          match = detail::folded_equal(shown[i + t].word, words_in[at + t]) &&
                  (t == 0 || !shown[i + t].brk);
        needle.released_elsewhere = match;
      }
    tok_first.push_back(at);
    needle.tokens = std::span<const std::string_view>(words_in.data(), words);  // set below
    m.needles_.push_back(needle);
  }
  // Every withheld word once, looked up once.
  std::vector<TokInfo>& info = scratch.info;
  info.resize(hidden.size());
  const auto base = static_cast<uint32_t>(words_in.size());
  words_in.resize(base + hidden.size());
  store_hashes.resize(base + hidden.size());
  for (size_t i = 0; i < hidden.size(); ++i) {
    const Tok& t = hidden[i];
    words_in[base + i] = t.word;
    store_hashes[base + i] = t.hash;
    TokInfo& f = info[i];
    f.chars = t.chars;
    f.digits = all_digits(t.word);
    f.allowed = allowed_word(t.hash);
    f.label = label_word(t.hash);
    f.own = f.label || wording_hashes.contains(t.hash) || cw.words.contains(t.hash);
  }
  auto word_needle = [](const TokInfo& f) {
    const bool long_enough = f.digits ? f.chars >= 6 : f.chars >= 3;
    return long_enough && !f.allowed;
  };
  for (size_t i = 0; i < hidden.size(); ++i) {
    const Tok& t = hidden[i];
    const TokInfo& f = info[i];
    if (word_needle(f) && seen.insert(t.hash)) {
      WithheldMaterial::Needle needle;
      needle.kind = WithheldMaterial::Needle::kWord;
      needle.numeric = f.digits;
      needle.origin = t.origin;
      needle.chars = f.chars;
      needle.word_chars = f.chars;
      tok_first.push_back(base + static_cast<uint32_t>(i));
      needle.tokens = std::span<const std::string_view>(words_in.data(), 1);  // set below
      m.needles_.push_back(needle);
    }
    if (i + 2 < hidden.size() && !hidden[i + 1].brk && !hidden[i + 2].brk) {
      const TokInfo& f1 = info[i + 1];
      const TokInfo& f2 = info[i + 2];
      const uint64_t key = phrase_hash(t.hash, hidden[i + 1].hash, hidden[i + 2].hash);
      const uint32_t chars = f.chars + 2 + f1.chars + f2.chars;
      // A placeholder label can sit next to any shown word, so a phrase with a
      // label word in it ("d classified by" after "[B1 1.4(D)]") is no proof.
      const bool has_label = f.label || f1.label || f2.label;
      // A phrase adds nothing where one of its words is a word needle
      // searched in every channel the phrase is (that word is found wherever
      // the phrase is): a word needle is searched everywhere except in binary
      // data below 6 characters (a phrase there needs 10) and in logs if it is
      // a number (a phrase searched in logs holds none).
      auto covers = [&](const TokInfo& w) {
        return word_needle(w) && (f.chars + f1.chars + f2.chars < 10 || w.chars >= 6);
      };
      if (chars >= 10 && !has_label && !covers(f) && !covers(f1) && !covers(f2) &&
          !allowed_phrases.contains(key) && !cw.phrases.contains(key) && seen.insert(~key)) {
        WithheldMaterial::Needle needle;
        needle.kind = WithheldMaterial::Needle::kPhrase;
        needle.origin = t.origin;
        needle.chars = chars;
        needle.word_chars = f.chars + f1.chars + f2.chars;
        needle.own_words = f.digits || f.own || f1.digits || f1.own || f2.digits || f2.own;
        tok_first.push_back(base + static_cast<uint32_t>(i));
        needle.tokens = std::span<const std::string_view>(words_in.data(), 3);  // set below
        m.needles_.push_back(needle);
      }
    }
  }
  // The store is complete: its views move to the material's copy of the
  // text (same offsets), and the tokens point at them.
  if (!words_in.empty()) {
    store->text.assign(text);
    const char* const copy = store->text.data();
    for (std::string_view& w : words_in) w = {copy + (w.data() - text.data()), w.size()};
  }
  for (size_t k = 0; k < m.needles_.size(); ++k) {
    WithheldMaterial::Needle& needle = m.needles_[k];
    needle.tokens =
        std::span<const std::string_view>(words_in.data() + tok_first[k], needle.tokens.size());
  }
  // The line table of the text the store copied, for where().
  if (!words_in.empty()) {
    const core::Source& src = doc.source;
    store->line_starts.resize(src.line_count());
    for (uint32_t line = 1; line <= src.line_count(); ++line)
      store->line_starts[line - 1] = src.line_start(line);
  }
  std::vector<uint32_t> first(tok_first.begin(), tok_first.end());
  m.words_ = store;
  m.plan_ = std::make_shared<const detail::NeedlePlan>(m.needles_, std::move(store_hashes),
                                                       std::move(first));
  return m;
}

std::vector<core::Diagnostic> VerifyReport::diagnostics(const std::string& output_path) const {
  std::vector<core::Diagnostic> out;
  for (const Finding& f : findings) {
    core::Diagnostic d;
    d.severity = core::Severity::kError;
    d.code = f.code;
    d.path = output_path;
    d.message = f.message;
    out.push_back(std::move(d));
  }
  return out;
}

VerifyReport verify_output(const WithheldMaterial& material, OutputKind kind,
                           std::string_view bytes, const std::string& name) {
  VerifyReport report;
  detail::NeedleIndex index(material);
  switch (kind) {
    case OutputKind::kText:
      index.search(bytes, detail::Channel::kText, name, "text", report);
      break;
    case OutputKind::kExtracted:
      index.search(bytes, detail::Channel::kText, name, "extracted text", report);
      break;
    case OutputKind::kLog: {
      index.search(bytes, detail::Channel::kLog, name, "log", report);
      // JSON escapes could split a word: search the unescaped form as well
      // (the same bytes, unless there is an escape).
      if (bytes.find('\\') == std::string_view::npos) break;
      std::string plain;
      plain.reserve(bytes.size());
      for (size_t i = 0; i < bytes.size(); ++i) {
        if (bytes[i] != '\\' || i + 1 >= bytes.size()) {
          plain += bytes[i];
          continue;
        }
        const char e = bytes[++i];
        if (e == 'u' && i + 4 < bytes.size()) {
          char32_t cp = 0;
          bool ok = true;
          for (size_t k = 1; k <= 4 && ok; ++k) {
            const char h = bytes[i + k];
            cp <<= 4;
            if (h >= '0' && h <= '9')
              cp |= static_cast<char32_t>(h - '0');
            else if (h >= 'a' && h <= 'f')
              cp |= static_cast<char32_t>(h - 'a' + 10);
            else if (h >= 'A' && h <= 'F')
              cp |= static_cast<char32_t>(h - 'A' + 10);
            else
              ok = false;
          }
          if (ok) {
            detail::append_utf8(plain, cp < 0x20 ? char32_t{' '} : cp);
            i += 4;
            continue;
          }
        }
        plain += e == 'n' || e == 't' || e == 'r' ? ' ' : e;
      }
      index.search(plain, detail::Channel::kLog, name, "log, escapes decoded", report);
      break;
    }
    case OutputKind::kPdf: {
      const detail::PdfScan scan = detail::scan_pdf(bytes);
      for (const std::string& p : scan.problems) report.findings.push_back({"pdf-hygiene", p});
      if (!scan.loaded)
        report.findings.push_back({"pdf-unreadable", "the pdf cannot be parsed: " + scan.error});
      // Decoded text first, so that a leak is reported where a reader would see it.
      for (const bool binary : {false, true})
        for (const detail::PdfChannel& c : scan.channels)
          if (c.binary == binary)
            index.search(
                c.source, binary ? detail::Channel::kBinary : detail::Channel::kText, name,
                [&] { return c.name(scan.streams); }, report);
      break;
    }
  }
  return report;
}

}  // namespace declass::render
