#include "term_matcher.h"

#include <algorithm>
#include <numeric>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

namespace declass::policies {

namespace {

// Code point -> folded code point for the two-byte UTF-8 range (U+0080-U+07FF).
uint32_t fold_cp(uint32_t cp) {
  if (cp >= 0xC0 && cp <= 0xDE && cp != 0xD7) return cp + 0x20;
  if (cp >= 0x100 && cp <= 0x137) return cp | 1u;
  if (cp >= 0x139 && cp <= 0x148) return (cp & 1u) ? cp + 1 : cp;
  if (cp >= 0x14A && cp <= 0x177) return cp | 1u;
  if (cp == 0x178) return 0xFF;
  if (cp >= 0x179 && cp <= 0x17E) return (cp & 1u) ? cp + 1 : cp;
  if ((cp >= 0x391 && cp <= 0x3A1) || (cp >= 0x3A3 && cp <= 0x3AB)) return cp + 0x20;
  if (cp >= 0x410 && cp <= 0x42F) return cp + 0x20;
  if (cp >= 0x400 && cp <= 0x40F) return cp + 0x50;
  return cp;
}

// Decodes the code point starting at text[i]; `len` receives its byte length
// (1 for an invalid byte, which is returned as itself).
uint32_t decode_at(std::string_view text, size_t i, size_t& len) {
  const auto b0 = static_cast<unsigned char>(text[i]);
  len = 1;
  if (b0 < 0x80) return b0;
  size_t n = b0 >= 0xF0 ? 4 : b0 >= 0xE0 ? 3 : b0 >= 0xC0 ? 2 : 1;
  if (n == 1 || i + n > text.size()) return b0;
  uint32_t cp = b0 & (0x3Fu >> (n - 1));
  for (size_t k = 1; k < n; ++k) {
    const auto b = static_cast<unsigned char>(text[i + k]);
    if ((b & 0xC0) != 0x80) return b0;
    cp = (cp << 6) | (b & 0x3Fu);
  }
  len = n;
  return cp;
}

bool is_word_cp(uint32_t cp) {
  if (cp < 0x80) {
    return (cp >= '0' && cp <= '9') || (cp >= 'A' && cp <= 'Z') || (cp >= 'a' && cp <= 'z') ||
           cp == '_';
  }
  if (cp <= 0xBF || cp == 0xD7 || cp == 0xF7) return false;
  if (cp >= 0x2000 && cp <= 0x206F) return false;  // General Punctuation: ’ “ ” — …
  if (cp >= 0x3000 && cp <= 0x303F) return false;  // CJK punctuation
  return true;
}

constexpr uint32_t kDenseBudgetBytes = 4u << 20;

// At most this many stop byte values (a letter counting once for both cases)
// for the skipping scan: each costs one compare per 16 bytes. With more, few
// bytes are skipped and the interleaved scan is faster.
constexpr size_t kMaxStopValues = 16;

// Rough share (percent) of each byte in cable text, to tell whether the stop
// bytes are rare enough for skipping to pay: each stop costs a call and a
// restart, so bytes as common as a few frequent letters make it slower than
// the interleaved scan.
double text_percent(int b) {
  static constexpr double kLetters[26] = {7, 1.5, 3, 4,   10, 2, 2, 5, 6, 0.2, 0.7, 4, 2.5,
                                          6, 7,   2, 0.1, 6,  6, 7, 3, 1, 2,   0.2, 2, 0.1};
  if (b == ' ') return 16;
  if (b >= 'a' && b <= 'z') return kLetters[b - 'a'];
  if (b >= 'A' && b <= 'Z') return kLetters[b - 'A'] / 4;
  if (b >= '0' && b <= '9') return 1;
  if (b == '.' || b == ',' || b == '\n') return 1;
  return 0.3;
}

// Skipping is used while the stop bytes make up at most this share of text.
constexpr double kMaxStopPercent = 6;

}  // namespace

void fold_case(std::string_view in, std::string& out) {
  out.resize(in.size());
  const size_t n = in.size();
  for (size_t i = 0; i < n;) {
    const auto c = static_cast<unsigned char>(in[i]);
    if (c < 0x80) {
      out[i] = (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : static_cast<char>(c);
      ++i;
      continue;
    }
    if (c >= 0xC3 && c <= 0xD0 && i + 1 < n &&
        (static_cast<unsigned char>(in[i + 1]) & 0xC0) == 0x80) {
      const uint32_t cp = ((c & 0x1Fu) << 6) | (static_cast<unsigned char>(in[i + 1]) & 0x3Fu);
      const uint32_t f = fold_cp(cp);
      out[i] = static_cast<char>(0xC0u | (f >> 6));
      out[i + 1] = static_cast<char>(0x80u | (f & 0x3Fu));
      i += 2;
      continue;
    }
    out[i] = static_cast<char>(c);
    ++i;
  }
}

bool has_unfolded_letters(std::string_view text) {
  static constexpr uint32_t kRanges[][2] = {
      {0x0180, 0x024F}, {0x0370, 0x0390}, {0x03D0, 0x03FF}, {0x0460, 0x052F}, {0x0531, 0x0556},
      {0x10A0, 0x10CF}, {0x1E00, 0x1FFF}, {0x2C00, 0x2C7F}, {0xA640, 0xA7FF}, {0xFF21, 0xFF3A}};
  for (size_t i = 0; i < text.size();) {
    size_t len = 1;
    const uint32_t cp = decode_at(text, i, len);
    i += len;
    for (const auto& r : kRanges)
      if (cp >= r[0] && cp <= r[1]) return true;
  }
  return false;
}

bool word_char_before(std::string_view text, size_t pos) {
  if (pos == 0) return false;
  size_t start = pos - 1;
  while (start > 0 && pos - start < 4 && (static_cast<unsigned char>(text[start]) & 0xC0) == 0x80)
    --start;
  size_t len = 1;
  const uint32_t cp = decode_at(text, start, len);
  return is_word_cp(cp);
}

bool word_char_after(std::string_view text, size_t pos) {
  if (pos >= text.size()) return false;
  size_t len = 1;
  return is_word_cp(decode_at(text, pos, len));
}

void TermMatcher::build(const std::vector<TermSpec>& specs) {
  specs_ = specs;
  max_len_ = 0;
  for (const TermSpec& t : specs_)
    max_len_ = std::max(max_len_, static_cast<uint32_t>(t.text.size()));
  // Alphabet: one class per byte value used by some folded term, class 0 for
  // every other byte (which always leads back to the root).
  std::vector<std::string> folded(specs_.size());
  bool used[256] = {};
  for (size_t i = 0; i < specs_.size(); ++i) {
    fold_case(specs_[i].text, folded[i]);
    for (char c : folded[i]) used[static_cast<unsigned char>(c)] = true;
  }
  class_count_ = 1;
  for (int b = 0; b < 256; ++b) {
    classes_[b] = used[b] ? static_cast<uint8_t>(class_count_++) : 0;
  }
  // class_count_ <= 257 only if every byte is used; byte values map to <= 255
  // classes plus "other", so cap: with all 256 bytes used there is no class 0 use.
  if (class_count_ > 256) {
    for (int b = 0; b < 256; ++b) classes_[b] = static_cast<uint8_t>(b);
    class_count_ = 256;
  }
  // Upper-case ASCII is folded by the class table itself (terms are folded, so
  // they hold no upper-case ASCII): the scan needs no folding pass for ASCII.
  for (int b = 'A'; b <= 'Z'; ++b) classes_[b] = classes_[b + 32];

  // Trie from the sorted terms: a term shares the path of the common prefix
  // with the previous one, so insertion is linear in the total length.
  std::vector<uint32_t> order(specs_.size());
  std::iota(order.begin(), order.end(), 0u);
  std::stable_sort(order.begin(), order.end(),
                   [&](uint32_t a, uint32_t b) { return folded[a] < folded[b]; });
  struct Edge {
    uint32_t parent;
    uint8_t cls;
    uint32_t child;
  };
  std::vector<Edge> edges;
  std::vector<uint32_t> term_state(specs_.size(), 0);
  std::vector<uint32_t> path{0};  // states along the previous term
  uint32_t states = 1;
  const std::string* prev = nullptr;
  for (uint32_t t : order) {
    const std::string& s = folded[t];
    size_t common = 0;
    if (prev != nullptr) {
      const size_t m = std::min(prev->size(), s.size());
      while (common < m && (*prev)[common] == s[common]) ++common;
    }
    path.resize(common + 1);
    for (size_t k = common; k < s.size(); ++k) {
      const uint32_t child = states++;
      edges.push_back({path.back(), classes_[static_cast<unsigned char>(s[k])], child});
      path.push_back(child);
    }
    term_state[t] = path[s.size()];
    prev = &s;
  }

  // Children in CSR form (edges are already grouped by class order per parent,
  // but not contiguous): counting sort by parent keeps that order.
  std::vector<uint32_t> cbegin(states + 1, 0);
  for (const Edge& e : edges) ++cbegin[e.parent + 1];
  for (uint32_t s = 0; s < states; ++s) cbegin[s + 1] += cbegin[s];
  std::vector<uint8_t> ccls(edges.size());
  std::vector<uint32_t> cstate(edges.size());
  {
    std::vector<uint32_t> fill(cbegin.begin(), cbegin.end() - 1);
    for (const Edge& e : edges) {
      const uint32_t at = fill[e.parent]++;
      ccls[at] = e.cls;
      cstate[at] = e.child;
    }
  }

  // Renumber in breadth-first order so the shallow states (visited by almost
  // every byte) are the dense, cache-friendly ones.
  std::vector<uint32_t> bfs;
  bfs.reserve(states);
  bfs.push_back(0);
  for (size_t head = 0; head < bfs.size(); ++head) {
    const uint32_t s = bfs[head];
    for (uint32_t e = cbegin[s]; e < cbegin[s + 1]; ++e) bfs.push_back(cstate[e]);
  }
  std::vector<uint32_t> new_id(states);
  for (uint32_t i = 0; i < states; ++i) new_id[bfs[i]] = i;

  child_begin_.assign(states + 1, 0);
  child_class_.resize(edges.size());
  child_state_.resize(edges.size());
  {
    uint32_t at = 0;
    for (uint32_t i = 0; i < states; ++i) {
      const uint32_t s = bfs[i];
      child_begin_[i] = at;
      for (uint32_t e = cbegin[s]; e < cbegin[s + 1]; ++e) {
        child_class_[at] = ccls[e];
        child_state_[at] = new_id[cstate[e]];
        ++at;
      }
    }
    child_begin_[states] = at;
  }

  // Outputs per state.
  out_begin_.assign(states + 1, 0);
  for (uint32_t t = 0; t < specs_.size(); ++t) ++out_begin_[new_id[term_state[t]] + 1];
  for (uint32_t s = 0; s < states; ++s) out_begin_[s + 1] += out_begin_[s];
  out_term_.assign(specs_.size(), 0);
  {
    std::vector<uint32_t> fill(out_begin_.begin(), out_begin_.end() - 1);
    for (uint32_t t = 0; t < specs_.size(); ++t) out_term_[fill[new_id[term_state[t]]]++] = t;
  }

  auto child = [&](uint32_t s, uint8_t c) -> uint32_t {
    for (uint32_t e = child_begin_[s]; e < child_begin_[s + 1]; ++e) {
      if (child_class_[e] == c) return child_state_[e];
      if (child_class_[e] > c) break;
    }
    return 0;
  };

  // Failure and dictionary links, breadth first (a state's failure target is
  // shallower, so it is done before the state itself).
  fail_.assign(states, 0);
  dict_.assign(states, 0);
  std::vector<uint8_t> reports(states, 0);
  for (uint32_t s = 0; s < states; ++s) {
    for (uint32_t e = child_begin_[s]; e < child_begin_[s + 1]; ++e) {
      const uint32_t c = child_state_[e];
      const uint8_t cls = child_class_[e];
      uint32_t f = 0;
      if (s != 0) {
        f = fail_[s];
        while (true) {
          const uint32_t g = child(f, cls);
          if (g != 0) {
            f = g;
            break;
          }
          if (f == 0) break;
          f = fail_[f];
        }
      }
      fail_[c] = f;
    }
  }
  for (uint32_t s = 1; s < states; ++s) {
    const uint32_t f = fail_[s];
    dict_[s] = out_begin_[f + 1] > out_begin_[f] ? f : dict_[f];
    reports[s] = (out_begin_[s + 1] > out_begin_[s] || dict_[s] != 0) ? 1 : 0;
  }

  // Full transition rows for the shallowest states, within a fixed budget.
  const uint64_t row_bytes = uint64_t{class_count_} * sizeof(uint32_t);
  dense_count_ = static_cast<uint32_t>(std::min<uint64_t>(states, kDenseBudgetBytes / row_bytes));
  if (dense_count_ == 0) dense_count_ = 1;
  dense_.assign(size_t{dense_count_} * class_count_, 0);
  for (uint32_t s = 0; s < dense_count_; ++s) {
    uint32_t* row = &dense_[size_t{s} * class_count_];
    if (s != 0) {
      const uint32_t* frow = &dense_[size_t{fail_[s]} * class_count_];
      std::copy(frow, frow + class_count_, row);
    }
    for (uint32_t e = child_begin_[s]; e < child_begin_[s + 1]; ++e)
      row[child_class_[e]] = child_state_[e];
  }
  auto enc = [&](uint32_t& v) { v = encode(v, reports[v] != 0); };
  for (uint32_t& v : dense_) enc(v);
  for (uint32_t& v : child_state_) enc(v);
  for (uint32_t& v : fail_) enc(v);

  // Stop bytes (see the header). Root is dense row 0, and it never reports,
  // so a transition that keeps the root is encoded 0.
  bool starts[256] = {};
  for (int b = 0; b < 256; ++b) starts[b] = dense_[classes_[b]] != 0;
  for (int b = 0; b < 256; ++b) stop_[b] = starts[b];
  for (uint32_t lead = 0xC3; lead <= 0xD0; ++lead) {
    for (uint32_t cont = 0x80; cont <= 0xBF; ++cont) {
      const uint32_t f = fold_cp(((lead & 0x1Fu) << 6) | (cont & 0x3Fu));
      if (starts[0xC0u | (f >> 6)] || starts[0x80u | (f & 0x3Fu)]) stop_[lead] = true;
    }
  }
  stop_letters_.clear();
  stop_others_.clear();
  for (int b = 0; b < 256; ++b) {
    if (!stop_[b] || (b >= 'A' && b <= 'Z')) continue;
    // An upper-case ASCII letter has its small letter's class, so both stop.
    if (b >= 'a' && b <= 'z')
      stop_letters_.push_back(static_cast<uint8_t>(b));
    else
      stop_others_.push_back(static_cast<uint8_t>(b));
  }
  double percent = 0;
  for (int b = 0; b < 256; ++b)
    if (stop_[b]) percent += text_percent(b);
  skip_ = !specs_.empty() && stop_letters_.size() + stop_others_.size() <= kMaxStopValues &&
          percent <= kMaxStopPercent;
}

uint32_t TermMatcher::encode(uint32_t id, bool reports) const {
  const uint32_t v = id < dense_count_ ? id * class_count_ : (kSparse | id);
  return reports ? (v | kReport) : v;
}

uint32_t TermMatcher::decode(uint32_t v) const {
  return (v & kSparse) != 0 ? (v & kValueMask) : (v & kValueMask) / class_count_;
}

// One step from a sparse (deep, rarely visited) state: its own children, else
// down the failure links until a state that has the child or a dense one.
uint32_t TermMatcher::sparse_step(uint32_t v, uint8_t c) const {
  while ((v & kSparse) != 0) {
    const uint32_t id = v & kValueMask;
    for (uint32_t e = child_begin_[id]; e < child_begin_[id + 1]; ++e)
      if (child_class_[e] == c) return child_state_[e];
    v = fail_[id];
  }
  return dense_[(v & kValueMask) + c];
}

void TermMatcher::report(uint32_t state, uint32_t end, std::string_view text,
                         std::vector<Hit>& hits) const {
  for (uint32_t o = state; o != 0; o = dict_[o]) {
    for (uint32_t j = out_begin_[o]; j < out_begin_[o + 1]; ++j) {
      const uint32_t t = out_term_[j];
      const TermSpec& spec = specs_[t];
      const auto len = static_cast<uint32_t>(spec.text.size());
      const uint32_t begin = end - len;
      if (spec.case_sensitive && text.substr(begin, len) != spec.text) continue;
      if (spec.whole_word) {
        if (word_char_after(spec.text, 0) && word_char_before(text, begin)) continue;
        if (word_char_before(spec.text, spec.text.size()) && word_char_after(text, end)) continue;
      }
      hits.push_back({t, begin, end});
    }
  }
}

namespace {

// Lead bytes of the two-byte letters fold_case() folds.
inline bool folds_pair(const unsigned char* bytes, size_t i, size_t n) {
  return bytes[i] >= 0xC3 && bytes[i] <= 0xD0 && i + 1 < n && (bytes[i + 1] & 0xC0) == 0x80;
}

// Texts shorter than this are scanned in one stream (the split costs more).
constexpr size_t kInterleaveMin = 64;

}  // namespace

void TermMatcher::scan_one_stream(std::string_view text, std::vector<Hit>& hits) const {
  if (specs_.empty() || text.empty()) return;
  const uint32_t* dense = dense_.data();
  const uint8_t* cls = classes_;
  uint32_t v = 0;  // the root: dense row 0
  auto step = [&](uint8_t c) {
    v = (v & kSparse) == 0 ? dense[(v & kValueMask) + c] : sparse_step(v, c);
  };
  const size_t n = text.size();
  const auto* bytes = reinterpret_cast<const unsigned char*>(text.data());
  for (size_t i = 0; i < n;) {
    const unsigned char b = bytes[i];
    if (folds_pair(bytes, i, n)) {
      // A two-byte letter that may have a case: fold both bytes, as fold_case() does.
      const uint32_t f = fold_cp(((b & 0x1Fu) << 6) | (bytes[i + 1] & 0x3Fu));
      step(cls[0xC0u | (f >> 6)]);
      if ((v & kReport) != 0) report(decode(v), static_cast<uint32_t>(i + 1), text, hits);
      step(cls[0x80u | (f & 0x3Fu)]);
      if ((v & kReport) != 0) report(decode(v), static_cast<uint32_t>(i + 2), text, hits);
      i += 2;
      continue;
    }
    step(cls[b]);
    ++i;
    if ((v & kReport) != 0) report(decode(v), static_cast<uint32_t>(i), text, hits);
  }
}

namespace {

// Finds the stop bytes of a matcher: the compare vectors are set up once per
// scan, not once per stop.
struct StopFinder {
  const bool* stop;
#ifdef __SSE2__
  __m128i letters[kMaxStopValues];
  __m128i others[kMaxStopValues];
  size_t nl = 0, no = 0;
#endif

  StopFinder(const bool* stop_table, const std::vector<uint8_t>& stop_letters,
             const std::vector<uint8_t>& stop_others)
      : stop(stop_table) {
#ifdef __SSE2__
    nl = stop_letters.size();
    no = stop_others.size();
    for (size_t k = 0; k < nl; ++k) letters[k] = _mm_set1_epi8(static_cast<char>(stop_letters[k]));
    for (size_t k = 0; k < no; ++k) others[k] = _mm_set1_epi8(static_cast<char>(stop_others[k]));
#else
    (void)stop_letters;
    (void)stop_others;
#endif
  }

  // The first position from i on that holds a stop byte, or n. The next 4
  // bytes are looked at one by one (a stop is often near), then 16 at a time.
  size_t next(const unsigned char* bytes, size_t i, size_t n) const {
    const size_t near_end = std::min(n, i + 4);
    for (; i < near_end; ++i)
      if (stop[bytes[i]]) return i;
#ifdef __SSE2__
    const __m128i case_bit = _mm_set1_epi8(0x20);
    for (; i + 16 <= n; i += 16) {
      const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(bytes + i));
      // x | 0x20 is a small letter exactly when x is a letter of either case.
      const __m128i lower = _mm_or_si128(x, case_bit);
      __m128i hit = _mm_setzero_si128();
      for (size_t k = 0; k < nl; ++k) hit = _mm_or_si128(hit, _mm_cmpeq_epi8(lower, letters[k]));
      for (size_t k = 0; k < no; ++k) hit = _mm_or_si128(hit, _mm_cmpeq_epi8(x, others[k]));
      const auto mask = static_cast<unsigned>(_mm_movemask_epi8(hit));
      if (mask != 0) return i + static_cast<size_t>(__builtin_ctz(mask));
    }
#endif
    while (i < n && !stop[bytes[i]]) ++i;
    return i;
  }
};

}  // namespace

// As scan_one_stream(), but bytes that keep the root are skipped, many at a
// time: the same states are visited at every byte that is stepped, so the
// hits and their order are the same.
void TermMatcher::scan_skipping(std::string_view text, std::vector<Hit>& hits) const {
  const uint32_t* dense = dense_.data();
  const uint8_t* cls = classes_;
  const StopFinder finder(stop_, stop_letters_, stop_others_);
  uint32_t v = 0;
  auto step = [&](uint8_t c) {
    v = (v & kSparse) == 0 ? dense[(v & kValueMask) + c] : sparse_step(v, c);
  };
  const size_t n = text.size();
  const auto* bytes = reinterpret_cast<const unsigned char*>(text.data());
  size_t i = 0;
  while (true) {
    if (v == 0) {
      const size_t p = finder.next(bytes, i, n);
      if (p >= n) break;
      // A continuation byte whose lead folds with it is stepped from its lead
      // (the lead was skipped in the root, as the one-stream scan would
      // have stepped it: both bytes of a folded pair go in one step).
      i = (p > i && (bytes[p] & 0xC0) == 0x80 && folds_pair(bytes, p - 1, n)) ? p - 1 : p;
    }
    const unsigned char b = bytes[i];
    if (folds_pair(bytes, i, n)) {
      const uint32_t f = fold_cp(((b & 0x1Fu) << 6) | (bytes[i + 1] & 0x3Fu));
      step(cls[0xC0u | (f >> 6)]);
      if ((v & kReport) != 0) report(decode(v), static_cast<uint32_t>(i + 1), text, hits);
      step(cls[0x80u | (f & 0x3Fu)]);
      if ((v & kReport) != 0) report(decode(v), static_cast<uint32_t>(i + 2), text, hits);
      i += 2;
    } else {
      step(cls[b]);
      ++i;
      if ((v & kReport) != 0) report(decode(v), static_cast<uint32_t>(i), text, hits);
    }
    if (i >= n) break;
  }
}

void TermMatcher::scan(std::string_view text, std::vector<Hit>& hits) const {
  if (specs_.empty() || text.empty()) return;
  if (skip_) {
    scan_skipping(text, hits);
    return;
  }
  const size_t n = text.size();
  if (n < kInterleaveMin || n < 4 * size_t{max_len_}) {
    scan_one_stream(text, hits);
    return;
  }
  // Stream A takes [0, mid), stream B restarts from the root at `restart`,
  // max_len_ bytes before mid, so that by mid it is in the state A would be
  // in (a term ending after mid starts at or after `restart`). Both points
  // are on a byte that is not a UTF-8 continuation byte, so B folds the same
  // two-byte letters as A.
  const auto* bytes = reinterpret_cast<const unsigned char*>(text.data());
  size_t mid = n / 2;
  while (mid > 0 && (bytes[mid] & 0xC0) == 0x80) --mid;
  size_t restart = mid > max_len_ ? mid - max_len_ : 0;
  while (restart > 0 && (bytes[restart] & 0xC0) == 0x80) --restart;
  scan_interleaved(text, mid, restart, hits);
}

// Two independent walks of the automaton in one loop: each step is a load
// that depends on the previous one, so one stream leaves the core waiting on
// the cache; two overlap their waits. Hits of B that end at or before mid are
// A's and are dropped; A's hits then B's keep the order of one stream.
void TermMatcher::scan_interleaved(std::string_view text, size_t mid, size_t restart,
                                   std::vector<Hit>& hits) const {
  const uint32_t* dense = dense_.data();
  const uint8_t* cls = classes_;
  const size_t n = text.size();
  const auto* bytes = reinterpret_cast<const unsigned char*>(text.data());
  thread_local std::vector<Hit> second;
  second.clear();
  uint32_t va = 0, vb = 0;
  size_t ia = 0, ib = restart;
  auto step = [&](uint32_t& v, uint8_t c) {
    v = (v & kSparse) == 0 ? dense[(v & kValueMask) + c] : sparse_step(v, c);
  };
  // One letter (one or two bytes) of a stream; `floor` is the end a hit must
  // pass to be reported.
  auto advance = [&](uint32_t& v, size_t& i, size_t floor, std::vector<Hit>& out) {
    const unsigned char b = bytes[i];
    if (folds_pair(bytes, i, n)) {
      const uint32_t f = fold_cp(((b & 0x1Fu) << 6) | (bytes[i + 1] & 0x3Fu));
      step(v, cls[0xC0u | (f >> 6)]);
      if ((v & kReport) != 0 && i + 1 > floor)
        report(decode(v), static_cast<uint32_t>(i + 1), text, out);
      step(v, cls[0x80u | (f & 0x3Fu)]);
      if ((v & kReport) != 0 && i + 2 > floor)
        report(decode(v), static_cast<uint32_t>(i + 2), text, out);
      i += 2;
      return;
    }
    step(v, cls[b]);
    ++i;
    if ((v & kReport) != 0 && i > floor) report(decode(v), static_cast<uint32_t>(i), text, out);
  };
  while (ia < mid && ib < n) {
    advance(va, ia, 0, hits);
    advance(vb, ib, mid, second);
  }
  while (ia < mid) advance(va, ia, 0, hits);
  while (ib < n) advance(vb, ib, mid, second);
  hits.insert(hits.end(), second.begin(), second.end());
}

}  // namespace declass::policies
