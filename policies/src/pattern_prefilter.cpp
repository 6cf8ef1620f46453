#include "pattern_prefilter.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

namespace declass::policies {

namespace {

using Cls = std::bitset<128>;
using Chain = ByteChain;

// Longest chain kept while analysing (prefixes, suffixes, whole strings).
constexpr size_t kKeep = 16;
// Chain bits per text pass are 64; at most this many passes.
constexpr size_t kMaxWords = 4;
// At most this many ranges of rare bytes are searched 16 bytes at a time
// (three vector operations each per 16 bytes).
constexpr size_t kMaxRareRanges = 6;

// What every match of a sub-expression looks like. When `exact`, every match
// is a string of `whole` (one byte per class); otherwise every match starts
// with a string of `prefix`, ends with one of `suffix` and contains one of
// `best` somewhere. Empty chains say nothing.
struct Info {
  bool exact = false;
  Chain whole, prefix, suffix, best;
};

double score(const Chain& c) {
  double s = 0;
  for (const Cls& k : c)
    s += std::log2(256.0 / static_cast<double>(k.count() == 0 ? 1 : k.count()));
  return s;
}

const Chain& better(const Chain& a, const Chain& b) {
  return score(b) > score(a) ? b : a;
}

Chain front(const Chain& c, size_t n) {
  return Chain(c.begin(), c.begin() + static_cast<long>(std::min(n, c.size())));
}
Chain back(const Chain& c, size_t n) {
  return Chain(c.end() - static_cast<long>(std::min(n, c.size())), c.end());
}
Chain cat(const Chain& a, const Chain& b) {
  Chain out = a;
  out.insert(out.end(), b.begin(), b.end());
  return out;
}

Info exact_info(Chain w) {
  Info i;
  if (w.size() > kKeep) {
    i.prefix = front(w, kKeep);
    i.suffix = back(w, kKeep);
    i.best = better(i.prefix, i.suffix);
    return i;
  }
  i.exact = true;
  i.prefix = i.suffix = i.best = w;
  i.whole = std::move(w);
  return i;
}

Info empty_info() {
  return exact_info({});
}
Info any_info() {
  return Info{};
}  // at least one byte of unknown class

Info concat(const Info& a, const Info& b) {
  if (a.exact && b.exact) return exact_info(cat(a.whole, b.whole));
  Info i;
  i.prefix = a.exact ? front(cat(a.whole, b.prefix), kKeep) : a.prefix;
  i.suffix = b.exact ? back(cat(a.suffix, b.whole), kKeep) : b.suffix;
  // The bytes where a's match ends and b's begins are adjacent in every match.
  const Chain junction = cat(back(a.suffix, kKeep / 2), front(b.prefix, kKeep / 2));
  i.best = better(better(a.best, b.best), better(junction, better(i.prefix, i.suffix)));
  return i;
}

Info alternate(const Info& a, const Info& b) {
  if (a.exact && b.exact && a.whole.size() == b.whole.size()) {
    Chain w = a.whole;
    for (size_t k = 0; k < w.size(); ++k) w[k] |= b.whole[k];
    return exact_info(std::move(w));
  }
  Info i;
  const size_t np = std::min(a.prefix.size(), b.prefix.size());
  for (size_t k = 0; k < np; ++k) i.prefix.push_back(a.prefix[k] | b.prefix[k]);
  const size_t ns = std::min(a.suffix.size(), b.suffix.size());
  for (size_t k = 0; k < ns; ++k)
    i.suffix.push_back(a.suffix[a.suffix.size() - ns + k] | b.suffix[b.suffix.size() - ns + k]);
  i.best = better(i.prefix, i.suffix);
  return i;
}

// x{min,max}; max < 0 is unbounded.
Info repeat(const Info& x, long min, long max) {
  if (min == 0) return max == 0 ? empty_info() : any_info();
  if (x.exact) {
    Chain w;
    for (long k = 0; k < min && w.size() <= kKeep; ++k) w = cat(w, x.whole);
    if (min == max && w.size() <= kKeep) return exact_info(std::move(w));
    Info i;
    i.prefix = front(w, kKeep);
    i.suffix = back(w, kKeep);
    i.best = better(i.prefix, i.suffix);
    return i;
  }
  Info i = x;
  i.exact = false;
  if (min >= 2) i.best = better(i.best, cat(back(x.suffix, kKeep / 2), front(x.prefix, kKeep / 2)));
  return i;
}

// Recursive descent over RE2's syntax. Whatever it does not model sets
// `failed_`, and then the pattern gets no chain.
class Analyzer {
 public:
  Analyzer(std::string_view re, bool fold) : re_(re), fold_(fold) {}

  std::optional<Info> run() {
    Info i = alternation(0);
    if (failed_ || pos_ != re_.size()) return std::nullopt;
    return i;
  }

 private:
  std::string_view re_;
  size_t pos_ = 0;
  bool fold_;
  bool failed_ = false;

  bool at_end() const { return pos_ >= re_.size(); }
  char peek() const { return re_[pos_]; }
  Info fail() {
    failed_ = true;
    pos_ = re_.size();
    return any_info();
  }

  Info alternation(int depth) {
    if (depth > 200) return fail();  // bounded recursion for hostile patterns
    Info r = sequence(depth);
    while (!failed_ && !at_end() && peek() == '|') {
      ++pos_;
      r = alternate(r, sequence(depth));
    }
    return r;
  }

  Info sequence(int depth) {
    Info r = empty_info();
    while (!failed_ && !at_end() && peek() != '|' && peek() != ')')
      r = concat(r, repetition(depth));
    return r;
  }

  bool number(long& out) {
    const size_t start = pos_;
    out = 0;
    while (!at_end() && peek() >= '0' && peek() <= '9') {
      out = out * 10 + (peek() - '0');
      if (out > 100000) return false;
      ++pos_;
    }
    return pos_ > start;
  }

  Info repetition(int depth) {
    Info a = atom(depth);
    while (!failed_ && !at_end()) {
      const char c = peek();
      long min = 0, max = -1;
      if (c == '*') {
        ++pos_;
      } else if (c == '+') {
        ++pos_, min = 1;
      } else if (c == '?') {
        ++pos_, max = 1;
      } else if (c == '{') {
        // Only the forms RE2 reads as a repetition; anything else (a literal
        // brace) is not modelled.
        ++pos_;
        if (!number(min)) return fail();
        if (!at_end() && peek() == ',') {
          ++pos_;
          if (!at_end() && peek() != '}' && !number(max)) return fail();
        } else {
          max = min;
        }
        if (at_end() || peek() != '}' || (max >= 0 && max < min)) return fail();
        ++pos_;
      } else {
        break;
      }
      if (!at_end() && peek() == '?') ++pos_;  // non-greedy: same strings
      a = repeat(a, min, max);
    }
    return a;
  }

  // A class as RE2 would match it under the current flags; nullopt when it may
  // match a non-ASCII character (negated, or folded onto one: RE2 folds k to
  // U+212A and s to U+017F).
  std::optional<Cls> finish(Cls c, bool negated) {
    if (negated) return std::nullopt;
    if (fold_) {
      if (c['k'] || c['K'] || c['s'] || c['S']) return std::nullopt;
      for (int b = 'a'; b <= 'z'; ++b) {
        const auto lo = static_cast<size_t>(b), up = static_cast<size_t>(b - 32);
        if (c[lo] || c[up]) c.set(lo), c.set(up);
      }
    }
    return c;
  }

  Info of(const std::optional<Cls>& c) { return c ? exact_info({*c}) : any_info(); }

  static Cls range(int lo, int hi) {
    Cls c;
    for (int b = lo; b <= hi; ++b) c.set(static_cast<size_t>(b));
    return c;
  }
  static Cls digits() { return range('0', '9'); }
  static Cls word() {
    return range('0', '9') | range('A', 'Z') | range('a', 'z') | range('_', '_');
  }
  static Cls space() {
    Cls c;
    for (char b : {'\t', '\n', '\f', '\r', ' '}) c.set(static_cast<size_t>(b));
    return c;
  }

  // One-byte escapes shared by classes and atoms: the byte, or -1.
  static int simple_escape(char e) {
    switch (e) {
      case 'a':
        return '\a';
      case 'f':
        return '\f';
      case 't':
        return '\t';
      case 'n':
        return '\n';
      case 'r':
        return '\r';
      case 'v':
        return '\v';
      default:
        break;
    }
    const auto u = static_cast<unsigned char>(e);
    if (u < 0x80 && u > 0x20 && !std::isalnum(u)) return e;  // escaped punctuation
    return -1;
  }

  void skip_char() {
    ++pos_;
    while (!at_end() && (static_cast<unsigned char>(peek()) & 0xC0) == 0x80) ++pos_;
  }

  Info atom(int depth) {
    const char c = peek();
    const auto u = static_cast<unsigned char>(c);
    if (c == '(') return group(depth);
    if (c == '[') return char_class();
    if (c == '\\') return escape();
    if (c == '*' || c == '+' || c == '?' || c == '{') return fail();
    if (c == '.') {
      ++pos_;
      return any_info();
    }
    if (c == '^' || c == '$') {
      ++pos_;
      return empty_info();
    }
    if (u >= 0x80) {
      skip_char();
      return any_info();  // one character of several bytes
    }
    ++pos_;
    Cls k;
    k.set(u);
    return of(finish(k, false));
  }

  Info escape() {
    ++pos_;
    if (at_end()) return fail();
    const char e = peek();
    ++pos_;
    switch (e) {
      case 'd':
        return of(finish(digits(), false));
      case 'w':
        return of(finish(word(), false));
      case 's':
        return of(finish(space(), false));
      case 'D':
      case 'W':
      case 'S':
        return any_info();
      case 'b':
      case 'B':
      case 'A':
      case 'z':
        return empty_info();
      default:
        break;
    }
    const int b = simple_escape(e);
    if (b < 0) return fail();  // \x, \p, \Q, \C, octal...: not modelled
    Cls k;
    k.set(static_cast<size_t>(b));
    return of(finish(k, false));
  }

  // Flags RE2 accepts in (?flags) and (?flags:...): i, m, s, U, with '-'.
  bool flags(bool& fold) {
    bool negate = false;
    while (!at_end() && peek() != ')' && peek() != ':') {
      const char f = peek();
      if (f == '-') {
        negate = true;
      } else if (f == 'i') {
        fold = !negate;
      } else if (f != 'm' && f != 's' && f != 'U') {
        return false;
      }
      ++pos_;
    }
    return !at_end();
  }

  Info group(int depth) {
    ++pos_;
    const bool saved = fold_;
    if (!at_end() && peek() == '?') {
      ++pos_;
      if (!at_end() && peek() == 'P') {
        // (?P<name>...)
        const size_t close = re_.find('>', pos_);
        if (close == std::string_view::npos || pos_ + 1 >= re_.size() || re_[pos_ + 1] != '<')
          return fail();
        pos_ = close + 1;
      } else {
        bool fold = fold_;
        if (!flags(fold)) return fail();
        if (peek() == ')') {
          // (?i) alone: changes the flags for the rest of the enclosing group.
          ++pos_;
          fold_ = fold;
          return empty_info();
        }
        ++pos_;  // ':'
        fold_ = fold;
      }
    }
    Info i = alternation(depth + 1);
    if (failed_ || at_end() || peek() != ')') return fail();
    ++pos_;
    fold_ = saved;
    return i;
  }

  Info char_class() {
    ++pos_;
    bool negated = false;
    if (!at_end() && peek() == '^') negated = true, ++pos_;
    Cls k;
    bool non_ascii = false;
    bool first = true;
    while (true) {
      if (at_end()) return fail();
      if (peek() == ']' && !first) break;
      first = false;
      if (peek() == '[' && pos_ + 1 < re_.size() && re_[pos_ + 1] == ':') return fail();
      // One item: a byte (for a range), a class escape, or a non-ASCII char.
      int lo = -1;
      if (peek() == '\\') {
        if (pos_ + 1 >= re_.size()) return fail();
        const char e = re_[pos_ + 1];
        pos_ += 2;
        if (e == 'd') {
          k |= digits();
        } else if (e == 'w') {
          k |= word();
        } else if (e == 's') {
          k |= space();
        } else if (e == 'D' || e == 'W' || e == 'S') {
          non_ascii = true;
        } else {
          lo = simple_escape(e);
          if (lo < 0) return fail();
        }
      } else if (static_cast<unsigned char>(peek()) >= 0x80) {
        skip_char();
        non_ascii = true;
        if (!at_end() && peek() == '-' && pos_ + 1 < re_.size() && re_[pos_ + 1] != ']')
          return fail();
        continue;
      } else {
        lo = static_cast<unsigned char>(peek());
        ++pos_;
      }
      if (lo < 0) continue;
      int hi = lo;
      if (!at_end() && peek() == '-' && pos_ + 1 < re_.size() && re_[pos_ + 1] != ']') {
        ++pos_;
        if (peek() == '\\') {
          if (pos_ + 1 >= re_.size()) return fail();
          hi = simple_escape(re_[pos_ + 1]);
          if (hi < 0) return fail();
          pos_ += 2;
        } else if (static_cast<unsigned char>(peek()) >= 0x80) {
          return fail();
        } else {
          hi = static_cast<unsigned char>(peek());
          ++pos_;
        }
        if (hi < lo) return fail();
      }
      k |= range(lo, hi);
    }
    ++pos_;  // ']'
    if (non_ascii) return any_info();
    return of(finish(k, negated));
  }
};

}  // namespace

std::optional<ByteChain> required_chain(std::string_view regex, bool case_sensitive,
                                        size_t max_len) {
  Analyzer a(regex, !case_sensitive);
  const std::optional<Info> info = a.run();
  if (!info || max_len == 0) return std::nullopt;
  const Chain& best = info->best;
  if (best.empty()) return std::nullopt;
  // The most selective window of at most max_len classes.
  size_t at = 0;
  double top = -1;
  const size_t n = std::min(max_len, best.size());
  for (size_t s = 0; s + n <= best.size(); ++s) {
    const double v =
        score(Chain(best.begin() + static_cast<long>(s), best.begin() + static_cast<long>(s + n)));
    if (v > top) top = v, at = s;
  }
  return Chain(best.begin() + static_cast<long>(at), best.begin() + static_cast<long>(at + n));
}

std::string to_string(const ByteChain& chain) {
  std::string out;
  for (const auto& k : chain) {
    if (k.count() == 1) {
      for (size_t b = 0; b < 128; ++b)
        if (k[b]) out += static_cast<char>(b);
      continue;
    }
    out += '[';
    for (size_t b = 0; b < 128; ++b) {
      if (!k[b]) continue;
      size_t e = b;
      while (e + 1 < 128 && k[e + 1]) ++e;
      out += static_cast<char>(b);
      if (e > b + 1) out += '-';
      if (e > b) out += static_cast<char>(e);
      b = e;
    }
    out += ']';
  }
  return out;
}

namespace {

// A rough share of byte b in English cable text (capitals as often as small
// letters: many cables are in capitals). Only used to pick a rare position.
double text_weight(size_t b) {
  static constexpr double kLetters[26] = {7, 1.5, 3, 4,   10, 2, 2, 5, 6, 0.2, 0.7, 4, 2.5,
                                          6, 7,   2, 0.1, 6,  6, 7, 3, 1, 2,   0.2, 2, 0.1};
  if (b == ' ') return 16;
  if (b >= 'a' && b <= 'z') return kLetters[b - 'a'];
  if (b >= 'A' && b <= 'Z') return kLetters[b - 'A'];
  if (b >= '0' && b <= '9') return 1;
  if (b == '.' || b == ',') return 1;
  if (b < 0x20 || b == 0x7F) return 0.05;
  return 0.3;
}

// The position of `chain` whose class is least frequent (the first if tied).
size_t rare_position(const ByteChain& chain) {
  size_t best = 0;
  double best_weight = -1;
  for (size_t j = 0; j < chain.size(); ++j) {
    double w = 0;
    for (size_t b = 0; b < 128; ++b)
      if (chain[j][b]) w += text_weight(b);
    if (best_weight < 0 || w < best_weight) best = j, best_weight = w;
  }
  return best;
}

}  // namespace

void PatternPrefilter::build(const std::vector<std::pair<std::string, bool>>& patterns) {
  words_.clear();
  always_.assign(patterns.size(), 0);
  chains_.clear();
  uint32_t used = 64;  // bits used in the last word
  for (size_t i = 0; i < patterns.size(); ++i) {
    chains_.push_back(required_chain(patterns[i].first, patterns[i].second));
    const std::optional<ByteChain>& c = chains_.back();
    if (!c) {
      always_[i] = 1;
      continue;
    }
    const auto len = static_cast<uint32_t>(c->size());
    if (used + len > 64 && words_.size() == kMaxWords) {
      // Each word is one more pass over every text: beyond a few, patterns
      // just run (bounded cost for policies with very many patterns).
      chains_.back().reset();
      always_[i] = 1;
      continue;
    }
    if (used + len > 64) {
      words_.emplace_back();
      used = 0;
    }
    Word& w = words_.back();
    w.start |= uint64_t{1} << used;
    for (uint32_t j = 0; j < len; ++j)
      for (size_t b = 0; b < 128; ++b)
        if ((*c)[j][b]) w.table[b] |= uint64_t{1} << (used + j);
    w.ends.push_back(used + len - 1);
    w.pattern.push_back(static_cast<uint32_t>(i));
    const size_t r = rare_position(*c);
    for (size_t b = 0; b < 128; ++b)
      if ((*c)[r][b]) w.rare[b] = 1;
    for (uint32_t j = static_cast<uint32_t>(r); j < len; ++j)
      w.after_rare |= uint64_t{1} << (used + j);
    w.reach = std::max(w.reach, static_cast<uint32_t>(r));
    used += len;
  }
  for (Word& w : words_) {
    w.rare_ranges.clear();
    for (size_t b = 0; b < 128; ++b) {
      if (w.rare[b] == 0) continue;
      if (!w.rare_ranges.empty() && w.rare_ranges.back().second + 1u == b)
        w.rare_ranges.back().second = static_cast<uint8_t>(b);
      else
        w.rare_ranges.emplace_back(static_cast<uint8_t>(b), static_cast<uint8_t>(b));
    }
    if (w.rare_ranges.size() > kMaxRareRanges) w.rare_ranges.clear();
  }
}

size_t PatternPrefilter::finish(const std::vector<uint64_t>& seen,
                                std::vector<uint8_t>& out) const {
  for (size_t wi = 0; wi < words_.size(); ++wi) {
    const Word& w = words_[wi];
    for (size_t k = 0; k < w.ends.size(); ++k)
      if ((seen[wi] >> w.ends[k]) & 1) out[w.pattern[k]] = 1;
  }
  size_t count = 0;
  for (uint8_t v : out) count += v;
  return count;
}

namespace {

// Finds the rare bytes of a word: 16 bytes at a time when they form few
// ranges, else byte by byte through the table.
class RareFinder {
 public:
  RareFinder(const std::array<uint8_t, 256>& rare,
             const std::vector<std::pair<uint8_t, uint8_t>>& ranges)
      : rare_(rare), count_(ranges.size()) {
#ifdef __SSE2__
    for (size_t k = 0; k < count_; ++k) {
      lo_[k] = _mm_set1_epi8(static_cast<char>(ranges[k].first));
      width_[k] = _mm_set1_epi8(static_cast<char>(ranges[k].second - ranges[k].first));
    }
#endif
  }

  // The first position from i on that holds a rare byte, or n.
  size_t next(const unsigned char* p, size_t i, size_t n) const {
#ifdef __SSE2__
    if (count_ != 0) {
      for (; i + 16 <= n; i += 16) {
        const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i));
        __m128i hit = _mm_setzero_si128();
        for (size_t k = 0; k < count_; ++k) {
          // x - first (mod 256) <= last - first exactly when x is in the range.
          const __m128i t = _mm_sub_epi8(x, lo_[k]);
          hit = _mm_or_si128(hit, _mm_cmpeq_epi8(_mm_min_epu8(t, width_[k]), t));
        }
        const auto mask = static_cast<unsigned>(_mm_movemask_epi8(hit));
        if (mask != 0) return i + static_cast<size_t>(__builtin_ctz(mask));
      }
    }
#endif
    while (i + 4 <= n && (rare_[p[i]] | rare_[p[i + 1]] | rare_[p[i + 2]] | rare_[p[i + 3]]) == 0)
      i += 4;
    while (i < n && rare_[p[i]] == 0) ++i;
    return i;
  }

 private:
  const std::array<uint8_t, 256>& rare_;
  size_t count_;
#ifdef __SSE2__
  __m128i lo_[kMaxRareRanges];
  __m128i width_[kMaxRareRanges];
#endif
};

}  // namespace

size_t PatternPrefilter::candidates(std::string_view text, std::vector<uint8_t>& out) const {
  out.assign(always_.begin(), always_.end());
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const size_t n = text.size();
  thread_local std::vector<uint64_t> seen;
  seen.assign(words_.size(), 0);
  for (size_t wi = 0; wi < words_.size(); ++wi) {
    const Word& w = words_[wi];
    // Shift-and (bit j of d: the last bytes fit positions 0..j of a chain),
    // stepped only from `reach` bytes before each rare byte until no open
    // match has passed its rare position. A match can only start in a
    // skipped stretch if its rare byte lies within `reach` bytes after it,
    // that is at or before the next rare byte, from where the scan restarts
    // early enough; a match open at the end of a window never gets past its
    // rare byte unseen. So d is exact wherever it is read, and each byte is
    // stepped at most once.
    const RareFinder finder(w.rare, w.rare_ranges);
    uint64_t found = 0, d = 0;
    size_t done = 0;  // bytes below this have been stepped or skipped
    size_t i = 0;
    while (true) {
      i = finder.next(p, i, n);
      if (i >= n) break;
      size_t k = i > w.reach ? i - w.reach : 0;
      if (k <= done) {
        k = done;  // d is still the state at `done`
      } else {
        d = 0;  // nothing open at k can reach a rare byte
      }
      for (; k <= i; ++k) {
        d = ((d << 1) | w.start) & w.table[p[k]];
        found |= d;
      }
      while (k < n && (d & w.after_rare) != 0) {
        d = ((d << 1) | w.start) & w.table[p[k]];
        found |= d;
        ++k;
      }
      done = i = k;
    }
    seen[wi] = found;
  }
  return finish(seen, out);
}

size_t PatternPrefilter::candidates_every_byte(std::string_view text,
                                               std::vector<uint8_t>& out) const {
  out.assign(always_.begin(), always_.end());
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  std::vector<uint64_t> seen(words_.size(), 0);
  for (size_t wi = 0; wi < words_.size(); ++wi) {
    const Word& w = words_[wi];
    uint64_t d = 0;
    for (size_t i = 0; i < text.size(); ++i) {
      d = ((d << 1) | w.start) & w.table[p[i]];
      seen[wi] |= d;
    }
  }
  return finish(seen, out);
}

}  // namespace declass::policies
