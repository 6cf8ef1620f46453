// Verification: the withheld material of a document, and the search of an
// output for it. The byte classification below is deliberately written again
// (not shared with release_builder.cpp): a bug there must not blind this.
#include "declass/render/verify.h"

#include <algorithm>
#include <array>
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

// The word state of one channel: the hash of the word being read, the hashes
// of the words before it, and the needles found (by the index of their first
// word, to report them in the order a reader meets them).
class WordMatcher {
 public:
  WordMatcher(const NeedlePlan::Tables& table, const std::vector<uint32_t>& next,
              const std::vector<uint64_t>& hashes, const std::vector<uint32_t>& first,
              const std::vector<uint32_t>& count, const std::vector<bool>& reported,
              size_t ring_mask)
      : table_(table),
        next_(next),
        hashes_(hashes),
        first_(first),
        count_(count),
        reported_(reported),
        ring_(ring_mask + 1, 0),
        ring_mask_(ring_mask) {}

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
  // UTF-8 text, read as for_each_word() reads it.
  void utf8(std::string_view text) {
    for (size_t i = 0; i < text.size();) {
      const auto c = static_cast<unsigned char>(text[i]);
      if (c < 0x80) {
        ascii(c);
        ++i;
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
  // The hot loops keep the word state in locals (the matcher's members are
  // written back around the rare calls out).
  void cp1252(std::string_view bytes) {
    const auto& t = cp1252_table();
    uint64_t h = h_;
    bool in = in_;
    for (const char ch : bytes) {
      const Cp1252Char& e = t[static_cast<unsigned char>(ch)];
      if (e.len == 0) {
        if (in) {
          in = false;
          end_word(h);
        }
        continue;
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

 private:
  void end_word(uint64_t h) {
    ring_[index_ & ring_mask_] = h;
    check(table_.single.find(h));
    if (index_ > 0) check(table_.multi.find(pair_key(ring_[(index_ - 1) & ring_mask_], h)));
    ++index_;
  }
  // The needles of one chain that end at the word just read.
  void check(uint32_t head) {
    for (uint32_t k = head; k != UINT32_MAX; k = next_[k]) {
      if (reported_[k]) continue;
      const uint32_t n = count_[k];
      if (n > index_ + 1) continue;
      bool match = true;
      for (uint32_t t = 0; t < n && match; ++t)
        match = ring_[(index_ - (n - 1) + t) & ring_mask_] == hashes_[first_[k] + t];
      if (!match) continue;
      if (found_.empty()) found_.assign(reported_.size(), false);
      if (found_[k]) continue;
      found_[k] = true;
      hits_.emplace_back(index_ + 1 - n, k);
    }
  }

  const NeedlePlan::Tables& table_;
  const std::vector<uint32_t>& next_;
  const std::vector<uint64_t>& hashes_;
  const std::vector<uint32_t>& first_;
  const std::vector<uint32_t>& count_;
  const std::vector<bool>& reported_;
  std::vector<uint64_t> ring_;
  size_t ring_mask_;
  uint64_t h_ = 0;
  bool in_ = false;
  uint64_t index_ = 0;
  std::vector<std::pair<uint64_t, uint32_t>> hits_;
  std::vector<bool> found_;  // per needle, once one is found
};

constexpr std::array<unsigned char, 256> kFoldAscii = [] {
  std::array<unsigned char, 256> t{};
  for (unsigned c = 0; c < 256; ++c)
    t[c] = static_cast<unsigned char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return t;
}();

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

// `word` in Windows-1252, if every character has a byte there that decodes
// to it; false if the word can never be read from Windows-1252 bytes.
bool to_cp1252(std::string_view word, std::string* out) {
  static const std::map<char32_t, unsigned char> inverse = [] {
    std::map<char32_t, unsigned char> m;
    for (unsigned c = 0; c < 256; ++c) {
      const std::u32string u = code_points(cp1252_to_utf8(std::string(1, static_cast<char>(c))));
      if (u.size() == 1 && u[0] != 0xFFFD) m.emplace(u[0], static_cast<unsigned char>(c));
    }
    return m;
  }();
  out->clear();
  for (const char32_t cp : code_points(word)) {
    auto it = inverse.find(cp);
    if (it == inverse.end()) return false;
    *out += static_cast<char>(it->second);
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

NeedleIndex::NeedleIndex(const WithheldMaterial& m)
    : m_(m),
      plan_(m.plan_ != nullptr ? m.plan_ : std::make_shared<const NeedlePlan>(m.needles())),
      reported_(m.needles().size(), false) {}

NeedlePlan::NeedlePlan(const std::vector<WithheldMaterial::Needle>& needles) {
  size_t longest = 1;
  for (const WithheldMaterial::Needle& n : needles) {
    first_.push_back(static_cast<uint32_t>(hashes_.size()));
    count_.push_back(static_cast<uint32_t>(n.tokens.size()));
    for (const std::string& t : n.tokens) hashes_.push_back(folded_hash(t));
    longest = std::max(longest, n.tokens.size());
  }
  size_t ring = 1;
  while (ring < longest) ring *= 2;
  ring_mask_ = ring - 1;
  for (const Channel c : {Channel::kText, Channel::kBinary, Channel::kLog}) {
    Tables& t = tables_[static_cast<size_t>(c)];
    std::vector<uint32_t>& next = next_[static_cast<size_t>(c)];
    next.assign(needles.size(), UINT32_MAX);
    size_t singles = 0;
    size_t multis = 0;
    for (size_t k = 0; k < needles.size(); ++k)
      if (!needles[k].tokens.empty() && searched_in(needles[k], c))
        ++(count_[k] == 1 ? singles : multis);
    for (Table* table : {&t.single, &t.multi}) {
      // At most a quarter full: a probe for a word that is no needle (nearly
      // every word) mostly ends at the first, empty slot.
      const size_t entries = table == &t.single ? singles : multis;
      size_t cap = 16;
      while (cap < entries * 4) cap *= 2;
      table->keys.assign(cap, 0);
      table->heads.assign(cap, UINT32_MAX);
      table->mask = cap - 1;
    }
    for (size_t k = 0; k < needles.size(); ++k) {
      const WithheldMaterial::Needle& n = needles[k];
      if (n.tokens.empty() || !searched_in(n, c)) continue;
      const uint64_t last = hashes_[first_[k] + count_[k] - 1];
      Table& table = count_[k] == 1 ? t.single : t.multi;
      uint64_t h = count_[k] == 1 ? last : pair_key(hashes_[first_[k] + count_[k] - 2], last);
      if (h == 0) h = 1;
      size_t i = h & table.mask;
      while (table.keys[i] != 0 && table.keys[i] != h) i = (i + 1) & table.mask;
      table.keys[i] = h;
      next[k] = table.heads[i];
      table.heads[i] = static_cast<uint32_t>(k);
    }
  }
  // The grams of the needles searched in binary channels.
  cp1252_grams_.usable = utf16_grams_.usable = true;
  std::string bytes;
  for (const WithheldMaterial::Needle& n : needles) {
    if (n.tokens.empty() || !searched_in(n, Channel::kBinary)) continue;
    const std::string* anchor = &n.tokens[0];
    size_t most = 0;
    for (const std::string& t : n.tokens)
      if (const size_t c = code_points(t).size(); c > most) {
        most = c;
        anchor = &t;
      }
    if (to_cp1252(*anchor, &bytes)) {
      if (bytes.size() >= 4)
        cp1252_grams_.sorted.push_back(gram_of(bytes));
      else
        cp1252_grams_.usable = false;
    }  // else no Windows-1252 bytes read as this word: the needle is never there
    bytes = to_utf16be(*anchor);
    if (bytes.size() >= 4)
      utf16_grams_.sorted.push_back(gram_of(bytes));
    else
      utf16_grams_.usable = false;
  }
  for (Grams* g : {&cp1252_grams_, &utf16_grams_}) {
    std::sort(g->sorted.begin(), g->sorted.end());
    g->bloom.assign(1024, 0);
    for (const uint32_t gram : g->sorted) {
      const uint32_t bit = gram_bit(gram);
      g->bloom[bit >> 6] |= uint64_t{1} << (bit & 63);
    }
  }
}

bool NeedlePlan::Grams::any(std::string_view bytes) const {
  if (bytes.size() < 4) return false;
  uint32_t g = 0;
  for (size_t i = 0; i < 3; ++i) g = (g << 8) | kFoldAscii[static_cast<unsigned char>(bytes[i])];
  for (size_t i = 3; i < bytes.size(); ++i) {
    g = (g << 8) | kFoldAscii[static_cast<unsigned char>(bytes[i])];
    const uint32_t bit = gram_bit(g);
    if ((bloom[bit >> 6] >> (bit & 63)) & 1)
      if (std::binary_search(sorted.begin(), sorted.end(), g)) return true;
  }
  return false;
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
  if (channel == Channel::kBinary) {
    const NeedlePlan::Grams* grams = source.encoding == Encoding::kCp1252    ? &p.cp1252_grams_
                                     : source.encoding == Encoding::kUtf16be ? &p.utf16_grams_
                                                                             : nullptr;
    if (grams != nullptr && grams->usable && !grams->any(source.bytes)) return;
  }
  const auto c = static_cast<size_t>(channel);
  WordMatcher wm(p.tables_[c], p.next_[c], p.hashes_, p.first_, p.count_, reported_, p.ring_mask_);
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
                std::to_string(n.where.line) + ":" + std::to_string(n.where.column) + " (" +
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
    "endbfrange endcmap currentdict CMap defineresource pop end def "
    "glyf loca head hhea hmtx maxp cvt fpgm prep post cmap OS2 "
    "declass";

struct Shingle {
  std::string key;
  uint32_t origin;
  uint32_t chars;
};

uint32_t cps(std::string_view s) {
  uint32_t n = 0;
  for (const char c : s)
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;
  return n;
}

}  // namespace

WithheldMaterial collect_withheld(const core::Document& doc, const core::Decisions& decisions,
                                  const std::vector<std::string>& extra_wording) {
  WithheldMaterial m;
  m.source_path_ = doc.source.path();
  m.document_id_ = doc.id;
  const std::string_view text = doc.source.text();
  const auto n = static_cast<uint32_t>(text.size());
  std::vector<uint8_t> cls(n, kNone);
  std::vector<int32_t> owner(n, -1);

  auto action = [&](size_t b) {
    if (b >= decisions.blocks.size()) return Action::kWithhold;
    const Action a = decisions.blocks[b].action;
    if (a == Action::kOmit) return a;
    if (decisions.disposition == core::DocumentDisposition::kDeniedInFull) return Action::kWithhold;
    return a == Action::kRelease || a == Action::kRedact ? a : Action::kWithhold;
  };
  for (size_t b = 0; b < doc.blocks.size(); ++b) {
    const Action a = action(b);
    const uint8_t c = a == Action::kOmit ? kGone : a == Action::kWithhold ? kHidden : kShown;
    for (const core::Span& p : doc.blocks[b].pieces)
      for (uint32_t i = p.begin; i < p.end && i < n; ++i)
        if (c > cls[i]) {
          cls[i] = c;
          owner[i] = static_cast<int32_t>(b);
        }
  }
  // What a withheld block still shows: label, mark, a lead keyword such as "SUBJECT:".
  for (size_t b = 0; b < doc.blocks.size(); ++b) {
    if (action(b) != Action::kWithhold) continue;
    const Block& blk = doc.blocks[b];
    std::vector<core::Span> shown = {blk.label_span};
    if (blk.mark) shown.push_back(blk.mark->span);
    const bool keyword_kind = blk.kind == BlockKind::kSubject || blk.kind == BlockKind::kRef ||
                              blk.kind == BlockKind::kTags || blk.kind == BlockKind::kClassifiedBy;
    if (keyword_kind && !blk.pieces.empty()) {
      const core::Span p = blk.pieces.front();
      for (uint32_t i = p.begin; i < p.end && i < n && i - p.begin < 16; ++i) {
        const char c = text[i];
        if (c == ':') {
          shown.push_back({p.begin, i + 1});
          break;
        }
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == ' ' || c == '.')) break;
      }
    }
    for (const core::Span& s : shown)
      for (uint32_t i = s.begin; i < s.end && i < n; ++i)
        if (cls[i] == kHidden && owner[i] == static_cast<int32_t>(b)) cls[i] = kShown;
  }
  std::vector<std::pair<core::Span, size_t>> terms;  // redaction spans and their block
  for (size_t b = 0; b < decisions.blocks.size(); ++b)
    for (const core::Redaction& r : decisions.blocks[b].redactions) {
      const core::Span s{r.span.begin, std::min(r.span.end, n)};
      terms.emplace_back(s, b);
      for (uint32_t i = s.begin; i < s.end; ++i)
        if (cls[i] != kGone) cls[i] = kHidden;
    }
  for (uint32_t i = 0; i < n; ++i)
    if (cls[i] == kNone && !blank(static_cast<unsigned char>(text[i])) &&
        !(static_cast<unsigned char>(text[i]) == 0xC2 && i + 1 < n &&
          static_cast<unsigned char>(text[i + 1]) == 0xA0) &&
        !(static_cast<unsigned char>(text[i]) == 0xA0 && i > 0 &&
          static_cast<unsigned char>(text[i - 1]) == 0xC2))
      cls[i] = kHidden;
  for (uint32_t i = 0; i < n; ++i)
    if (cls[i] == kHidden) ++m.withheld_bytes_;

  // Word streams in source order, as views of one folded copy. A word is
  // split where its bytes change class; a stream breaks where the other
  // visible class intervenes. Words and phrases are compared by 64-bit hash.
  const std::string folded = detail::fold(text);
  struct Tok {
    std::string_view word;
    uint64_t hash;
    uint32_t origin;
    bool brk;  // a break before this token
  };
  using detail::word_hash;
  auto phrase_hash = [](uint64_t a, uint64_t b, uint64_t c) {
    uint64_t h = a * 0x9E3779B97F4A7C15ull;
    h = (h ^ (h >> 29)) + b * 0xBF58476D1CE4E5B9ull;
    h = (h ^ (h >> 31)) + c * 0x94D049BB133111EBull;
    return h ^ (h >> 32);
  };
  std::vector<Tok> hidden;
  std::vector<Tok> shown;
  uint8_t last_visible = kNone;
  detail::for_each_word(folded, [&](size_t a, size_t b) {
    size_t i = a;
    while (i < b) {
      size_t j = i + 1;
      while (j < b && cls[j] == cls[i]) ++j;
      const uint8_t c = cls[i];
      if (c == kHidden || c == kShown) {
        std::vector<Tok>& into = c == kHidden ? hidden : shown;
        const std::string_view w = std::string_view(folded).substr(i, j - i);
        into.push_back({w, word_hash(w), static_cast<uint32_t>(i), last_visible != c});
        last_visible = c;
      }
      i = j;
    }
  });

  // The allowed wording: released words and phrases, the writers' wording and
  // the stamp and log values of this document.
  detail::HashSet64 allowed_words(shown.size() + 1024);
  detail::HashSet64 allowed_phrases(shown.size() + 1024);
  auto allow_stream = [&](const std::vector<Tok>& toks) {
    for (size_t i = 0; i < toks.size(); ++i) {
      allowed_words.insert(toks[i].hash);
      if (i + 2 < toks.size() && !toks[i + 1].brk && !toks[i + 2].brk)
        allowed_phrases.insert(phrase_hash(toks[i].hash, toks[i + 1].hash, toks[i + 2].hash));
    }
  };
  std::vector<std::string> wording_words;  // folded words of the stamp and log values
  auto allow_text = [&](std::string_view s) {
    std::vector<std::string> ws = detail::words(s);
    std::vector<Tok> toks;
    for (const std::string& w : ws) toks.push_back({w, word_hash(w), 0, false});
    allow_stream(toks);
    return ws;
  };
  allow_stream(shown);
  detail::HashSet64 wording_hashes;  // every word the writers print on their own
  for (const std::string& t : allow_text(kWriterWording)) wording_hashes.insert(word_hash(t));
  for (const std::string& c : log_columns())
    for (const std::string& t : allow_text(c)) wording_hashes.insert(word_hash(t));
  for (const char* j : {kNoDecisionJustification, kUncoveredJustification})
    for (const std::string& t : allow_text(j)) wording_hashes.insert(word_hash(t));
  std::vector<std::string> wording = extra_wording;
  wording.push_back(doc.id);
  wording.push_back(decisions.review.case_id);
  wording.push_back(decisions.review.reviewer);
  wording.push_back(decisions.review.policy_name);
  wording.push_back(decisions.review.policy_version);
  wording.push_back(decisions.exemptions.text());
  std::string state_date = "(none)";
  if (!decisions.review.review_date.is_special()) {
    const std::string iso = core::format_iso_date(decisions.review.review_date);
    wording.push_back(iso);
    state_date = iso.substr(5, 2) + "/" + iso.substr(8, 2) + "/" + iso.substr(0, 4);
    wording.push_back(state_date);
  }
  // The id printed next to other fields: the stamp line and the PDF title.
  wording.push_back("Case No. " + decisions.review.case_id + "  Doc No. " + doc.id +
                    "  Date: " + state_date);
  for (const char* d : {"RELEASED IN FULL", "RELEASED IN PART", "DENIED IN FULL"})
    wording.push_back(doc.id + " " + d);
  for (const core::BlockDecision& d : decisions.blocks) {
    if (!d.rule.empty()) wording.push_back(d.rule);
    if (!d.justification.empty()) wording.push_back(d.justification);
    if (!d.labels.empty()) wording.push_back(d.labels.text());
    for (const core::Redaction& r : d.redactions) {
      wording.push_back(r.rule);
      wording.push_back(r.match);
      wording.push_back(r.labels.text());
    }
  }
  std::sort(wording.begin(), wording.end());
  wording.erase(std::unique(wording.begin(), wording.end()), wording.end());
  for (const std::string& w : wording)
    for (const std::string& t : allow_text(w)) wording_hashes.insert(word_hash(t));
  // The document's own name and path are printed in messages and stamps.
  allow_text(doc.source.path());

  // Words of placeholder labels: "withheld", "b1", "1", "4", "d", "b3", statute words.
  detail::HashSet64 label_words;
  label_words.insert(word_hash("withheld"));
  auto add_label_words = [&](const core::LabelSet& l) {
    for (const std::string& w : detail::words(l.text())) label_words.insert(word_hash(w));
  };
  add_label_words(decisions.exemptions);
  for (const core::BlockDecision& bd : decisions.blocks) {
    add_label_words(bd.labels);
    for (const core::Redaction& r : bd.redactions) add_label_words(r.labels);
  }
  for (const char* w : {"b1", "b2", "b3", "b4", "b5", "b6", "b7", "b8", "b9", "1", "4", "a", "b",
                        "c", "d", "e", "f", "g", "h"})
    label_words.insert(word_hash(w));

  // Needles. Terms first: they are searched whatever else is allowed, except
  // where they are the writers' own wording (a reviewer named like a term).
  detail::HashSet64 seen(hidden.size() + terms.size());
  auto add = [&](WithheldMaterial::Needle needle, uint64_t key) {
    if (!seen.insert(key)) return;
    for (const std::string& t : needle.tokens) {
      needle.word_chars += cps(t);
      const bool digits =
          std::all_of(t.begin(), t.end(), [](char c) { return c >= '0' && c <= '9'; });
      if (needle.tokens.size() > 1 &&
          (digits || wording_hashes.contains(word_hash(t)) || label_words.contains(word_hash(t))))
        needle.own_words = true;
    }
    m.needles_.push_back(std::move(needle));
  };
  for (const auto& [span, block] : terms) {
    (void)block;
    WithheldMaterial::Needle needle;
    needle.kind = WithheldMaterial::Needle::kTerm;
    needle.tokens = detail::words(text.substr(span.begin, span.size()));
    if (needle.tokens.empty()) continue;
    needle.origin = span.begin;
    needle.chars = cps(text.substr(span.begin, span.size()));
    // The writers' own words ("sub", a case id, a label's "d") can stand next
    // to anything, so they are trimmed from both ends of a term; a term made
    // only of them is printed by design, and one of fewer than 3 letters or
    // digits is no more distinctive than a short word.
    auto own = [&](const std::string& t) {
      return wording_hashes.contains(word_hash(t)) || label_words.contains(word_hash(t));
    };
    while (!needle.tokens.empty() && own(needle.tokens.front()))
      needle.tokens.erase(needle.tokens.begin());
    while (!needle.tokens.empty() && own(needle.tokens.back())) needle.tokens.pop_back();
    size_t letters = 0;
    for (const std::string& t : needle.tokens) letters += cps(t);
    if (needle.tokens.empty() || letters < 3) continue;
    // A short number ("10", "2024") is no more distinctive as a term than as a
    // word: page numbers, dates and paragraph labels print such numbers.
    size_t digits = 0;
    needle.numeric = true;
    for (const std::string& t : needle.tokens) {
      needle.numeric &=
          std::all_of(t.begin(), t.end(), [](char c) { return c >= '0' && c <= '9'; });
      digits += t.size();
    }
    if (needle.numeric && digits < 6) continue;
    // Does the term also stand in released text?
    for (size_t i = 0; i + needle.tokens.size() <= shown.size() && !needle.released_elsewhere;
         ++i) {
      bool match = true;
      for (size_t t = 0; t < needle.tokens.size() && match; ++t)
        match = shown[i + t].word == needle.tokens[t] && (t == 0 || !shown[i + t].brk);
      needle.released_elsewhere = match;
    }
    uint64_t key = 0x7465726dull;  // "term"
    for (const std::string& t : needle.tokens)
      key = phrase_hash(key, word_hash(t), needle.tokens.size());
    add(std::move(needle), key);
  }
  for (size_t i = 0; i < hidden.size(); ++i) {
    const Tok& t = hidden[i];
    const uint32_t len = cps(t.word);
    const bool digits =
        std::all_of(t.word.begin(), t.word.end(), [](char c) { return c >= '0' && c <= '9'; });
    const bool long_enough = digits ? len >= 6 : len >= 3;
    if (long_enough && !allowed_words.contains(t.hash)) {
      WithheldMaterial::Needle needle;
      needle.kind = WithheldMaterial::Needle::kWord;
      needle.numeric = digits;
      needle.tokens = {std::string(t.word)};
      needle.origin = t.origin;
      needle.chars = len;
      add(std::move(needle), t.hash);
    }
    if (i + 2 < hidden.size() && !hidden[i + 1].brk && !hidden[i + 2].brk) {
      const uint64_t key = phrase_hash(t.hash, hidden[i + 1].hash, hidden[i + 2].hash);
      const uint32_t chars = len + 2 + cps(hidden[i + 1].word) + cps(hidden[i + 2].word);
      // A placeholder label can sit next to any shown word, so a phrase with a
      // label word in it ("d classified by" after "[B1 1.4(D)]") is no proof.
      const bool label_word = label_words.contains(t.hash) ||
                              label_words.contains(hidden[i + 1].hash) ||
                              label_words.contains(hidden[i + 2].hash);
      if (chars >= 10 && !label_word && !allowed_phrases.contains(key)) {
        WithheldMaterial::Needle needle;
        needle.kind = WithheldMaterial::Needle::kPhrase;
        needle.tokens = {std::string(t.word), std::string(hidden[i + 1].word),
                         std::string(hidden[i + 2].word)};
        needle.origin = t.origin;
        needle.chars = chars;
        add(std::move(needle), ~key);
      }
    }
  }
  // Line:column of every needle in one sweep over the text.
  std::vector<std::pair<uint32_t, uint32_t>> order;  // origin, needle
  order.reserve(m.needles_.size());
  for (uint32_t k = 0; k < m.needles_.size(); ++k) order.emplace_back(m.needles_[k].origin, k);
  std::sort(order.begin(), order.end());
  core::Position pos;
  uint32_t at = 0;
  for (const auto& [origin, k] : order) {
    for (; at < origin && at < n; ++at) {
      if (text[at] == '\n') {
        ++pos.line;
        pos.column = 1;
      } else if ((static_cast<unsigned char>(text[at]) & 0xC0) != 0x80) {
        ++pos.column;
      }
    }
    m.needles_[k].where = pos;
  }
  m.plan_ = std::make_shared<const detail::NeedlePlan>(m.needles_);
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
      // JSON escapes could split a word: search the unescaped form as well.
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
