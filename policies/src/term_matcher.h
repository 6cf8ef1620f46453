// One automaton for every term of every list of a policy (Aho-Corasick over
// case-folded bytes). Built once; scanning is const and thread-safe.
//
// Why hand-written: docs/policy-language.md "Matcher" has the numbers.
// Hyperscan (libhyperscan-dev 5.4) scans fast but takes ~5.7 s to compile
// 100,000 literals (target < 2 s); one RE2 alternation scans at 1-5 MB/s with
// 10,000+ terms; RE2::Set does not say where a term matched.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace declass::policies {

/// Folds case for matching without changing byte lengths: ASCII, Latin-1,
/// Latin Extended-A, Greek and Cyrillic capitals become small letters. Every
/// other byte is copied. `out` is resized to `in.size()`.
void fold_case(std::string_view in, std::string& out);

/// True if `text` holds a letter whose case fold_case() does not fold (so a
/// case-insensitive term containing it matches only as written).
bool has_unfolded_letters(std::string_view text);

/// True if the code point that starts or ends at a position is a word character
/// (letters, digits, `_` and any non-ASCII character except the Latin-1 and
/// General Punctuation blocks).
bool word_char_before(std::string_view text, size_t pos);
bool word_char_after(std::string_view text, size_t pos);

struct TermSpec {
  std::string text;  ///< already whitespace-normalized; never empty
  uint32_t list = 0;
  bool case_sensitive = false;
  bool whole_word = true;
};

class TermMatcher {
 public:
  struct Hit {
    uint32_t term;  ///< index into the specs given to build()
    uint32_t begin;
    uint32_t end;
  };

  TermMatcher() = default;
  /// Builds the automaton. Never fails; memory is linear in the total term bytes.
  void build(const std::vector<TermSpec>& specs);

  /// Every occurrence (overlapping ones included) of every term in `text`,
  /// checked for case and word boundaries. Case is folded on the fly.
  /// Hits come in order of `end`, then as the automaton reports them. When
  /// few byte values, rare in text, can start a term (skips()), the bytes between them are
  /// skipped 16 at a time; otherwise a long text is scanned as two
  /// interleaved streams (see scan_interleaved()).
  void scan(std::string_view text, std::vector<Hit>& hits) const;

  /// The same hits in the same order as scan(), one byte at a time in one
  /// stream: the reference the interleaved scan is tested against.
  void scan_one_stream(std::string_view text, std::vector<Hit>& hits) const;

  const TermSpec& spec(uint32_t term) const { return specs_[term]; }
  size_t size() const { return specs_.size(); }
  size_t state_count() const { return fail_.size(); }
  bool empty() const { return specs_.empty(); }
  /// True if scan() skips the bytes that cannot start a term (few start
  /// bytes, and rare ones in text).
  bool skips() const { return skip_; }

 private:
  std::vector<TermSpec> specs_;
  uint8_t classes_[256] = {};
  uint32_t class_count_ = 1;
  uint32_t dense_count_ = 0;  // states [0, dense_count_) have full rows in dense_
  // Transition targets (dense_, child_state_, fail_) are encoded: a dense
  // state as the offset of its row in dense_, a sparse one as kSparse | id;
  // kReport is set when the target reports a match. The scan loop then needs
  // one load per byte and no multiplication.
  static constexpr uint32_t kReport = 0x80000000u;
  static constexpr uint32_t kSparse = 0x40000000u;
  static constexpr uint32_t kValueMask = 0x3FFFFFFFu;
  uint32_t encode(uint32_t id, bool reports) const;
  uint32_t decode(uint32_t v) const;
  uint32_t sparse_step(uint32_t v, uint8_t c) const;
  void report(uint32_t state, uint32_t end, std::string_view text, std::vector<Hit>& hits) const;
  void scan_interleaved(std::string_view text, size_t mid, size_t restart,
                        std::vector<Hit>& hits) const;
  void scan_skipping(std::string_view text, std::vector<Hit>& hits) const;

  // Bytes at which the automaton, in the root, can leave the root: a byte
  // that starts a term, or the lead of a two-byte letter whose folded form
  // does. Every other byte keeps the root, so the scan may skip it. When few
  // byte values stop (stop_letters_ as lower case, matching either case,
  // plus stop_others_) and they are rare in text, scan() looks for them 16
  // bytes at a time (skip_).
  bool stop_[256] = {};
  bool skip_ = false;
  std::vector<uint8_t> stop_letters_;
  std::vector<uint8_t> stop_others_;

  uint32_t max_len_ = 0;  // bytes of the longest term

  std::vector<uint32_t> dense_;  // dense_count_ * class_count_
  std::vector<uint32_t> fail_;
  std::vector<uint32_t> child_begin_;  // CSR of children: size states + 1
  std::vector<uint8_t> child_class_;
  std::vector<uint32_t> child_state_;
  std::vector<uint32_t> out_begin_;  // CSR of terms ending at a state: size states + 1
  std::vector<uint32_t> out_term_;
  std::vector<uint32_t> dict_;  // nearest proper suffix state with outputs, 0 = none
};

}  // namespace declass::policies
