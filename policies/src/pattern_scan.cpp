#include "pattern_scan.h"

namespace declass::policies {

namespace {

void run_pattern(const CompiledPolicy& p, size_t set_index, std::string_view text,
                 PatternScratch& scratch, std::vector<PatternHit>& out) {
  const uint32_t li = p.set_to_list[set_index];
  const ListDef& l = p.lists[li];
  const int n = l.group + 1;
  std::vector<re2::StringPiece>& sub = scratch.sub;
  sub.assign(static_cast<size_t>(n), re2::StringPiece());
  size_t pos = 0;
  while (pos <= text.size() && l.re->Match(re2::StringPiece(text.data(), text.size()), pos,
                                           text.size(), RE2::UNANCHORED, sub.data(), n)) {
    const re2::StringPiece whole = sub[0];
    const re2::StringPiece part = sub[static_cast<size_t>(l.group)];
    if (part.data() != nullptr && !part.empty()) {
      const auto b = static_cast<uint32_t>(part.data() - text.data());
      out.push_back({li, b, b + static_cast<uint32_t>(part.size())});
    }
    size_t next = static_cast<size_t>(whole.data() - text.data()) + whole.size();
    if (whole.empty()) {
      ++next;
      while (next < text.size() && (static_cast<unsigned char>(text[next]) & 0xC0) == 0x80) ++next;
    }
    pos = next;
  }
}

}  // namespace

void find_patterns(const CompiledPolicy& p, std::string_view text, bool use_prefilter,
                   PatternScratch& scratch, std::vector<PatternHit>& out) {
  if (!p.pattern_set) return;
  std::vector<int>& hits = scratch.set_hits;
  hits.clear();
  size_t may = p.set_to_list.size();
  if (use_prefilter) {
    // Patterns whose required chain is absent cannot match: skip them, and
    // the set when none is left. One left: its own RE2 below finds whether
    // and where it matches, so the set's pass would only repeat that work.
    may = p.prefilter.candidates(text, scratch.may);
    if (may == 0) return;
    if (may == 1) {
      for (size_t i = 0; i < scratch.may.size(); ++i)
        if (scratch.may[i] != 0) run_pattern(p, i, text, scratch, out);
      return;
    }
  }
  RE2::Set::ErrorInfo info{};
  if (!p.pattern_set->Match(re2::StringPiece(text.data(), text.size()), &hits, &info)) {
    hits.clear();
    // The set's DFA ran out of memory: try every pattern that may match
    // (fail closed, slower).
    if (info.kind == RE2::Set::kOutOfMemory)
      for (size_t i = 0; i < p.set_to_list.size(); ++i)
        if (!use_prefilter || scratch.may[i] != 0) hits.push_back(static_cast<int>(i));
  }
  for (int idx : hits) run_pattern(p, static_cast<size_t>(idx), text, scratch, out);
}

}  // namespace declass::policies
