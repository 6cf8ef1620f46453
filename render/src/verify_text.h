// Words, decodings and the needle matcher shared by the verification of every
// output kind. Every channel is decoded to UTF-8 text, cut into case-folded
// words and matched word by word: no substring search, so a withheld "Stephen"
// never fires inside a released "Stephens".
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <functional>
#include <map>
#include <memory>
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

/// An open-addressing hash set of 64-bit hashes (no node per element). The
/// value 0 is stored as 1: a collision of 2^-64 that can only drop a needle
/// equal to an allowed word by hash, never add one.
class HashSet64 {
 public:
  explicit HashSet64(size_t expected = 16) { rehash(expected * 2 + 16); }
  bool insert(uint64_t h) {
    if (h == 0) h = 1;
    if ((size_ + 1) * 2 > slots_.size()) rehash(slots_.size() * 2);
    size_t i = h & (slots_.size() - 1);
    while (slots_[i] != 0) {
      if (slots_[i] == h) return false;
      i = (i + 1) & (slots_.size() - 1);
    }
    slots_[i] = h;
    ++size_;
    return true;
  }
  /// Empties the set for `expected` elements, keeping its memory (the
  /// capacity is that of HashSet64(expected)).
  void reset(size_t expected) {
    size_t cap = 16;
    while (cap < expected * 2 + 16) cap *= 2;
    slots_.assign(cap, 0);
    size_ = 0;
  }
  bool contains(uint64_t h) const {
    if (h == 0) h = 1;
    for (size_t i = h & (slots_.size() - 1);; i = (i + 1) & (slots_.size() - 1)) {
      if (slots_[i] == h) return true;
      if (slots_[i] == 0) return false;
    }
  }

 private:
  void rehash(size_t n) {
    size_t cap = 16;
    while (cap < n) cap *= 2;
    std::vector<uint64_t> old;
    old.swap(slots_);
    slots_.assign(cap, 0);
    size_ = 0;
    for (const uint64_t h : old)
      if (h != 0) insert(h);
  }
  std::vector<uint64_t> slots_;
  size_t size_ = 0;
};

/// 64-bit hash of a word, case-folded (declared below).
inline uint64_t folded_hash(std::string_view w);
inline uint64_t word_hash(std::string_view w) {
  return folded_hash(w);
}

/// Which needles a channel is searched for.
enum class Channel : uint8_t {
  kText,    ///< decoded text: every needle
  kBinary,  ///< a guess at text inside binary data: needles of 6+ characters and phrases
  kLog,     ///< our log: no number-only words (line numbers and extents are ours)
};

/// A font's code -> text map (from its ToUnicode CMap).
struct FontMap {
  /// Nonzero when the map was parsed from a ToUnicode stream held by the
  /// scan's per-thread stream cache: equal ids, equal maps (see pdf_inspect.cpp).
  uint64_t cache_id = 0;
  bool finished = false;  // finish() has run: the tables below are set
  int code_bytes = 2;
  double advance = 1.0;  // glyph advance as a fraction of the font size (CID fonts: /DW / 1000)
  std::map<uint32_t, std::string> to_text;  // UTF-8 (moved into `dense` by finish())
  std::vector<std::string> dense;           // to_text as a table when the codes are small
  /// Per code of `dense`, for the matcher's fast path: the folded byte of a
  /// one-character ASCII word text, 0 for a blank (no text, or one ASCII
  /// character that is no word), 1 for anything else (read the text).
  std::vector<uint8_t> ascii;
  /// Per code of `dense`, for decode_append()'s fast path: the one byte it
  /// appends (a blank for no text), or 0 where it appends anything else.
  std::vector<char> single;
  /// One-byte codes only: per byte, whether decode() gives it exactly the
  /// text cp1252_to_utf8() gives it (so that bytes holding only such codes
  /// read the same either way).
  std::array<bool, 256> as_cp1252{};

  void finish() {
    if (finished) return;  // a copy of a finished map (the scan's stream cache)
    finished = true;
    if (!to_text.empty() && to_text.rbegin()->first < 8192) {
      dense.assign(to_text.rbegin()->first + 1, std::string());
      for (auto& [code, text] : to_text) dense[code] = std::move(text);
      // The table answers every lookup() from here on: no tree is left for
      // each document's copy of a cached map to copy node by node.
      to_text.clear();
      ascii.assign(dense.size(), 0);
      single.assign(dense.size(), ' ');
      for (size_t code = 0; code < dense.size(); ++code) {
        const std::string& t = dense[code];
        if (t.empty()) continue;
        single[code] = t.size() == 1 ? t[0] : '\0';
        const auto c = static_cast<unsigned char>(t[0]);
        if (t.size() != 1 || c >= 0x80)
          ascii[code] = 1;
        else if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z'))
          ascii[code] = c;
        else if (c >= 'A' && c <= 'Z')
          ascii[code] = static_cast<uint8_t>(c - 'A' + 'a');
      }
    }
    if (code_bytes == 1) {
      // Through lookup(), as decode() reads the codes.
      static const std::array<std::string, 256> kCp1252 = [] {
        std::array<std::string, 256> t;
        for (size_t b = 0; b < 256; ++b)
          t[b] = cp1252_to_utf8(std::string(1, static_cast<char>(b)));
        return t;
      }();
      for (uint32_t b = 0; b < 256; ++b) {
        const std::string* t = lookup(b);
        as_cp1252[b] = t != nullptr ? *t == kCp1252[b] : kCp1252[b] == " ";
      }
    }
  }
  /// True if `present` (bytes, by value) holds only one-byte codes that
  /// decode as Windows-1252 does.
  bool reads_as_cp1252(const std::array<bool, 256>& present) const {
    if (code_bytes != 1) return false;
    for (size_t b = 0; b < 256; ++b)
      if (present[b] && !as_cp1252[b]) return false;
    return true;
  }
  /// The text of one code: nullptr for "no mapping" (a blank).
  const std::string* lookup(uint32_t code) const {
    if (!dense.empty() || to_text.empty())
      return code < dense.size() && !dense[code].empty() ? &dense[code] : nullptr;
    auto it = to_text.find(code);
    return it != to_text.end() ? &it->second : nullptr;
  }
  /// `bytes` from `offset` as codes, each through the map (unmapped: a blank).
  std::string decode(std::string_view bytes, size_t offset = 0) const {
    std::string out;
    out.reserve(bytes.size());
    decode_append(out, bytes, offset);
    return out;
  }
  void decode_append(std::string& out, std::string_view bytes, size_t offset = 0) const {
    if (code_bytes == 2 && !dense.empty()) return decode_small<2>(out, bytes, offset);
    if (code_bytes == 1 && !dense.empty()) return decode_small<1>(out, bytes, offset);
    const auto n = static_cast<size_t>(code_bytes);
    for (size_t i = offset; i + n <= bytes.size(); i += n) {
      uint32_t code = 0;
      for (size_t k = 0; k < n; ++k) code = (code << 8) | static_cast<unsigned char>(bytes[i + k]);
      const std::string* t = lookup(code);
      if (t != nullptr)
        out += *t;
      else
        out += ' ';
    }
  }

 private:
  // decode_append() of N-byte codes through the table. Page text is nearly
  // all one-byte texts: room is made for one byte per code and they are
  // written through a pointer (the table and the output held in locals: a
  // store through a char pointer would make the compiler reload members); a
  // longer text grows the room geometrically (linear overall).
  template <size_t N>
  void decode_small(std::string& out, std::string_view bytes, size_t offset) const {
    const size_t start = out.size();
    out.resize(start + (bytes.size() - std::min(offset, bytes.size())) / N);
    const char* const table = single.data();
    const size_t limit = single.size();
    char* p = out.data() + start;
    for (size_t i = offset; i + N <= bytes.size(); i += N) {
      uint32_t code = static_cast<unsigned char>(bytes[i]);
      if constexpr (N == 2) code = (code << 8) | static_cast<unsigned char>(bytes[i + 1]);
      const char c = code < limit ? table[code] : ' ';
      if (c != '\0') {
        *p++ = c;
        continue;
      }
      const std::string& t = dense[code];
      const auto used = static_cast<size_t>(p - out.data());
      const size_t need = used + t.size() + (bytes.size() - i - N) / N;
      if (need > out.size()) out.resize(std::max(need, 2 * out.size()));
      p = out.data() + used;
      std::memcpy(p, t.data(), t.size());
      p += t.size();
    }
    out.resize(static_cast<size_t>(p - out.data()));
  }
};

/// How the bytes of a channel are read as text.
enum class Encoding : uint8_t {
  kUtf8,     ///< already text
  kCp1252,   ///< Windows-1252 (PDFDocEncoding is close enough for search)
  kUtf16be,  ///< UTF-16BE from `offset`; bad units are U+FFFD, controls blanks
  kGlyphs,   ///< codes of `font` from `offset`, through its ToUnicode map
};

/// The words of a channel as the matcher reads them, independent of any
/// needle: every word hash and every pair key of two consecutive words. A
/// needle can only be found in a channel holding its key, so a channel whose
/// summary holds no key of an unreported needle needs no search.
struct WordSummary {
  HashSet64 singles;
  HashSet64 pairs;
  /// A Bloom filter (one hash) over both sets, small enough to stay in cache
  /// while every needle is tested: false only if neither set holds `key`.
  std::vector<uint64_t> bloom;
  unsigned shift = 63;
  bool may_hold(uint64_t key) const {
    const uint64_t bit = (key * 0x9E3779B97F4A7C15ull) >> shift;
    return (bloom[bit >> 6] >> (bit & 63)) & 1;
  }
  void add(uint64_t key) {
    const uint64_t bit = (key * 0x9E3779B97F4A7C15ull) >> shift;
    bloom[bit >> 6] |= uint64_t{1} << (bit & 63);
  }
};

/// Bytes to search without decoding them first: the matcher decodes as it
/// goes (no UTF-8 copy of each stream in each encoding). With `breaks`, the
/// bytes are pieces ending at those offsets, each decoded on its own (from
/// `offset`) and followed by a blank, as if decoded and joined with blanks.
struct Source {
  Encoding encoding = Encoding::kUtf8;
  std::string_view bytes;
  uint8_t offset = 0;
  const FontMap* font = nullptr;
  const std::vector<uint32_t>* breaks = nullptr;
  /// summarize() of exactly this source, or nullptr.
  const WordSummary* summary = nullptr;
};

/// The summary of `source` (its `summary` is not used).
std::shared_ptr<const WordSummary> summarize(const Source& source);

/// The needles of a document compiled for search, once per document (built
/// by collect_withheld(), shared by the searches of all its outputs). The
/// needles are indexed by their *last* word (one-word needles) or last two
/// words; every word of a channel is hashed once as it is decoded and looked
/// up, and the words before it are compared by hash from a ring of the last
/// words. Equal hashes of unequal words (2^-64) could only add a finding,
/// never drop one.
struct NeedlePlan {
  explicit NeedlePlan(const std::vector<WithheldMaterial::Needle>& needles);
  /// The same plan from the needles' word hashes, already computed: needle
  /// k's words hash to hashes[first[k]], ... (the ranges of needles may
  /// overlap: a phrase shares its words with its neighbours).
  NeedlePlan(const std::vector<WithheldMaterial::Needle>& needles, std::vector<uint64_t> hashes,
             std::vector<uint32_t> first);

  /// Word hash (or the key of the last two words) -> first needle of a
  /// chain (next_ links the rest).
  struct Table {
    std::vector<uint64_t> keys;   // 0: empty
    std::vector<uint32_t> heads;  // needle index
    size_t mask = 0;
    uint32_t find(uint64_t h) const {
      if (h == 0) h = 1;
      for (size_t i = h & mask;; i = (i + 1) & mask) {
        if (keys[i] == h) return heads[i];
        if (keys[i] == 0) return UINT32_MAX;
      }
    }
  };
  /// Needles of one word by its hash; longer ones by their last two words.
  struct Tables {
    Table single;
    Table multi;
  };
  // Binary channels are mostly random bytes, where a word ends every few
  // bytes at unpredictable places. Every needle searched there needs its
  // longest word as a word of the channel, hence the first 4 bytes of that
  // word, in the channel's encoding, somewhere in its bytes: a channel
  // without any of these grams cannot hold a needle and is not tokenized.
  struct Grams {
    bool usable = false;           // every needle has a gram (else tokenize always)
    std::vector<uint32_t> sorted;  // grams of ASCII-folded bytes
    std::vector<uint64_t> bloom;   // 2^16 bits over the grams
    bool any(std::string_view bytes) const;
    /// The same, given mask() (made once per plan by the search).
    bool any(std::string_view bytes, const std::array<uint32_t, 256>& mask) const;
    /// Per byte ~0 if it occurs (folded) in some gram, else 0.
    std::array<uint32_t, 256> mask() const;
  };

  std::vector<uint64_t> hashes_;  // token hashes of every needle, concatenated
  std::vector<uint32_t> first_;   // per needle: its first token in hashes_ (may overlap)
  std::vector<uint32_t> count_;   // per needle: its number of tokens
  Tables tables_;                 // every needle searched in some channel
  std::vector<uint32_t> next_;
  std::vector<uint8_t>
      channels_;  // per needle: bit 1 << Channel for each channel it is searched in
  Grams cp1252_grams_;
  Grams utf16_grams_;
  size_t ring_mask_ = 0;
  /// A bit per hash of the last word of a searched needle (2^16 bits, one
  /// hash): most words of an output end no needle, and this answers so
  /// without probing the tables.
  std::vector<uint64_t> last_words_;
  static unsigned last_word_bit(uint64_t h) {
    return static_cast<unsigned>((h * 0x9E3779B97F4A7C15ull) >> 48);
  }
  bool may_end_needle(uint64_t h) const {
    const unsigned bit = last_word_bit(h);
    return (last_words_[bit >> 6] >> (bit & 63)) & 1;
  }
};

/// Searches the channels of one output and appends findings (one per needle
/// and output). Findings of a channel are reported in the order of their
/// first word (at one word: the later needle first).
class NeedleIndex {
 public:
  explicit NeedleIndex(const WithheldMaterial& m);
  /// UTF-8 text.
  void search(std::string_view utf8, Channel channel, const std::string& output,
              const std::string& where, VerifyReport& report);
  /// Any encoding; `where` is only called for a finding.
  void search(const Source& source, Channel channel, const std::string& output,
              const std::function<std::string()>& where, VerifyReport& report);

 private:
  const WithheldMaterial& m_;
  std::shared_ptr<const NeedlePlan> plan_;
  std::vector<bool> reported_;
  // The last gram test of a binary channel (bytes, grams, result): binary
  // channels must not change while the index lives (the scan owns them).
  std::string_view last_bytes_;
  const NeedlePlan::Grams* last_grams_ = nullptr;
  bool last_any_ = false;
  // Per channel kind, built on the first summarized channel: (key, needle)
  // of every needle searched there (key: its word hash, or the key of its
  // last two words).
  std::vector<std::pair<uint64_t, uint32_t>> keys_[3];
  bool keys_built_[3] = {false, false, false};
  // Per gram set (Windows-1252, UTF-16BE): the bytes that occur in a gram.
  std::array<uint32_t, 256> in_gram_[2] = {};
  bool in_gram_built_[2] = {false, false};
};

// ---------------------------------------------------------------------------

inline constexpr std::array<bool, 256> kWordByteAscii = [] {
  std::array<bool, 256> t{};
  for (unsigned c = 0; c < 256; ++c)
    t[c] = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  return t;
}();
inline bool word_byte_ascii(unsigned char c) {
  return kWordByteAscii[c];
}

// Non-ASCII code points that separate words rather than form them.
inline bool separator_cp(char32_t cp) {
  return (cp >= 0x80 && cp <= 0xBF) || cp == 0xD7 || cp == 0xF7 || (cp >= 0x2000 && cp <= 0x206F) ||
         (cp >= 0x3000 && cp <= 0x303F) || cp == 0xFEFF || cp == 0xFFFD ||
         (cp >= 0x2190 && cp <= 0x25FF);
}

// Width and word-ness of the character at text[i].
inline size_t char_at(std::string_view text, size_t i, bool* word) {
  const auto c = static_cast<unsigned char>(text[i]);
  if (c < 0x80) {
    *word = word_byte_ascii(c);
    return 1;
  }
  size_t len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
  if (i + len > text.size()) len = 1;
  char32_t cp = len == 1 ? 0xFFFD : static_cast<char32_t>(c & (0xFF >> (len + 1)));
  for (size_t k = 1; k < len; ++k)
    cp = (cp << 6) | (static_cast<unsigned char>(text[i + k]) & 0x3F);
  *word = !separator_cp(cp);
  return len;
}

/// The next word at or after `from`: true with [*a, *b), false at the end.
inline bool next_word(std::string_view text, size_t from, size_t* a, size_t* b) {
  size_t i = from;
  bool word = false;
  const size_t n = text.size();
  while (i < n) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {  // the common case, without the call
      if (word_byte_ascii(c)) break;
      ++i;
      continue;
    }
    const size_t len = char_at(text, i, &word);
    if (word) break;
    i += len;
  }
  if (i >= n) return false;
  *a = i;
  while (i < n) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      if (!word_byte_ascii(c)) break;
      ++i;
      continue;
    }
    const size_t len = char_at(text, i, &word);
    if (!word) break;
    i += len;
  }
  *b = i;
  return true;
}

template <class F>
void for_each_word(std::string_view text, F f) {
  size_t a = 0;
  size_t b = 0;
  for (size_t at = 0; next_word(text, at, &a, &b); at = b) f(a, b);
}

/// FNV-1a of `w` with ASCII letters folded (so a word hashes the same before
/// and after fold()).
inline uint64_t folded_hash(std::string_view w) {
  uint64_t h = 1469598103934665603ull;
  for (const char ch : w) {
    auto c = static_cast<unsigned char>(ch);
    if (c >= 'A' && c <= 'Z') c = static_cast<unsigned char>(c - 'A' + 'a');
    h = (h ^ c) * 1099511628211ull;
  }
  return h;
}

/// True if `a` and `b` are equal once folded.
inline bool folded_equal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    auto c = static_cast<unsigned char>(a[i]);
    auto d = static_cast<unsigned char>(b[i]);
    if (c >= 'A' && c <= 'Z') c = static_cast<unsigned char>(c - 'A' + 'a');
    if (d >= 'A' && d <= 'Z') d = static_cast<unsigned char>(d - 'A' + 'a');
    if (c != d) return false;
  }
  return true;
}

/// What the needles of one WithheldMaterial view: a copy of the source text
/// and the needles' words in it.
struct WordStore {
  std::string text;
  std::vector<std::string_view> words;  // views of `text`
  std::vector<uint32_t> line_starts;    // of `text`, as its core::Source has them
};

}  // namespace declass::render::detail
