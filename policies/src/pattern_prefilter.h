// A cheap, sound test of which patterns can match a text at all, so that the
// RE2::Set and the patterns' own RE2s run only on texts where they might.
//
// Why: RE2 (the set, then each hit pattern) cost about a quarter of decide()
// on the corpus while almost no block matches any pattern
// (docs/policy-language.md "Speed"). From each pattern's syntax we derive a
// *required chain*: a short sequence of ASCII byte classes that every match
// of the pattern contains contiguously (`\b\d{3}-\d{2}-\d{4}\b` needs
// `[0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]`, cut to 8 classes). All chains are
// searched together in one shift-and pass over the text. A pattern whose
// chain does not occur cannot match, so it is skipped; any syntax the
// analysis does not model gives no chain, and that pattern always runs.
#pragma once

#include <array>
#include <bitset>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace declass::policies {

/// One ASCII byte class per position (bit b: byte b may stand there).
using ByteChain = std::vector<std::bitset<128>>;

/// A chain of at most `max_len` classes that every match of `regex` (RE2
/// syntax, compiled case-insensitively when `case_sensitive` is false)
/// contains, or nothing if none is known (then the pattern must always run).
/// Never throws; a pattern RE2 would reject may give any answer.
std::optional<ByteChain> required_chain(std::string_view regex, bool case_sensitive,
                                        size_t max_len = 8);

/// The chain as text, e.g. "[0-9][0-9]-": for tests and `--debug` dumps.
std::string to_string(const ByteChain& chain);

class PatternPrefilter {
 public:
  /// One entry per pattern, in set order: its regex and case mode.
  void build(const std::vector<std::pair<std::string, bool>>& patterns);

  /// out[i] = 1 if pattern i may match `text` (its chain occurs, or it has
  /// none), else 0. Returns how many may match.
  size_t candidates(std::string_view text, std::vector<uint8_t>& out) const;

  /// The same answer as candidates(), from a shift-and step on every byte:
  /// the reference the skipping scan is tested against.
  size_t candidates_every_byte(std::string_view text, std::vector<uint8_t>& out) const;

  size_t size() const { return always_.size(); }
  /// The chain used for pattern i, if any.
  const std::optional<ByteChain>& chain(size_t i) const { return chains_[i]; }

 private:
  // Shift-and over up to 64 chain positions per word: bit j of table[c] is set
  // when byte c fits position j of some chain.
  struct Word {
    std::array<uint64_t, 256> table{};
    uint64_t start = 0;             // first position of each chain
    std::vector<uint32_t> ends;     // bit index of each chain's last position
    std::vector<uint32_t> pattern;  // the pattern of each chain (same order)
    // Each chain has one position whose class is rare in text (its "rare
    // position"); rare[c] is set when byte c fits one of them. Every match of
    // a chain holds a rare byte at most `reach` bytes after its start, so the
    // scan steps only around rare bytes. after_rare has the bits of each
    // chain from its rare position on: while one is set, a match that has
    // passed its rare byte is still open.
    std::array<uint8_t, 256> rare{};
    uint64_t after_rare = 0;
    uint32_t reach = 0;
    // The rare bytes as ranges [first, last] (all ASCII), when few enough to
    // look for them 16 bytes at a time; empty: byte by byte through `rare`.
    std::vector<std::pair<uint8_t, uint8_t>> rare_ranges;
  };

  size_t finish(const std::vector<uint64_t>& seen, std::vector<uint8_t>& out) const;
  std::vector<Word> words_;
  std::vector<uint8_t> always_;  // patterns without a chain
  std::vector<std::optional<ByteChain>> chains_;
};

}  // namespace declass::policies
