// make_release_view(): the only code that sees both the document and the
// decisions. Every byte of the source gets a state (released, struck, kept,
// omitted, withheld) and an owner; lines are then rebuilt from those states, so
// withheld bytes can only ever turn into a placeholder label.
#include "declass/render/release_builder.h"

#include <algorithm>
#include <array>
#include <cassert>
#include <cstdint>
#include <cstring>
#include <iterator>
#include <span>
#include <string>
#include <string_view>
#include <vector>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "declass/core/classification.h"

namespace declass::render {

namespace {

using core::Action;
using core::Block;
using core::BlockKind;
using core::Span;

// Ordered by restrictiveness for bytes claimed twice: the higher state wins.
enum State : uint8_t {
  kOutside = 0,   // no block claims it
  kReleased = 1,  // shown as is
  kStruck = 2,    // shown lined through (released marking)
  kKept = 3,      // label / mark / lead keyword of a withheld block: shown plainly
  kOmitted = 4,   // disappears
  kWithheld = 5,  // replaced by its owner's placeholder
};

// Columns a placeholder inside a line rounds up to in the quantized style.
constexpr uint32_t kInlineQuantum = 8;
constexpr uint32_t kTabWidth = 8;

bool is_blank_byte(unsigned char c) {
  return c == ' ' || c == '\t' || c == '\f' || c == '\v' || c == '\r';
}

bool is_continuation(unsigned char c) {
  return (c & 0xC0) == 0x80;
}

// The lead keyword of a withheld non-paragraph block ("SUBJECT:", "REF:",
// "TAGS:", "Classified By:") stays visible so that the reader sees what kind
// of block the placeholder stands for. Only letters, blanks and dots.
uint32_t lead_keyword_end(std::string_view text, const Block& b) {
  if (b.kind != BlockKind::kSubject && b.kind != BlockKind::kRef && b.kind != BlockKind::kTags &&
      b.kind != BlockKind::kClassifiedBy)
    return 0;
  if (b.pieces.empty()) return 0;
  const Span first = b.pieces.front();
  for (uint32_t i = first.begin; i < first.end && i < text.size() && i - first.begin < 16; ++i) {
    const char c = text[i];
    if (c == ':') return i + 1;
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == ' ' || c == '.';
    if (!ok) return 0;
  }
  return 0;
}

// Bytes of the classification in a banner line ("C O N F I D E N T I A L"),
// which the release shows lined through.
Span banner_class_span(std::string_view text, const Block& b) {
  if (b.pieces.empty()) return {};
  const Span first = b.pieces.front();
  const std::string_view line = text.substr(first.begin, first.size());
  size_t consumed = 0;
  if (!core::parse_classification_line(line, &consumed) || consumed == 0) return {};
  // Do not strike trailing blanks.
  while (consumed > 0 && is_blank_byte(static_cast<unsigned char>(line[consumed - 1]))) --consumed;
  return {first.begin, first.begin + static_cast<uint32_t>(consumed)};
}

// The per-byte state and owner arrays, kept per thread so that a cable does
// not allocate (and zero) 5 bytes per source byte: classify() writes every
// byte below the text size before anything reads it.
struct ByteScratch {
  std::vector<uint8_t> state;
  std::vector<int32_t> owner;
  // The withheld spans in byte order with their owners, then grouped by
  // owner (ProtoOwner::span_begin/span_end index `spans`).
  std::vector<std::pair<int32_t, Span>> runs;
  std::vector<Span> spans;
  bool in_use = false;
};

// At most N spans, in place (classify() needs two or three per block).
template <size_t N>
class SpanList {
 public:
  void push_back(Span s) {
    assert(size_ < N);  // its two uses push at most N each
    spans_[size_++] = s;
  }
  const Span* begin() const { return spans_.data(); }
  const Span* end() const { return spans_.data() + size_; }

 private:
  std::array<Span, N> spans_{};
  size_t size_ = 0;
};

struct ProtoOwner {
  PlaceholderScope scope = PlaceholderScope::kBlock;
  int32_t block = -1;                          // deciding block (kBlock, kSpan)
  const core::Redaction* redaction = nullptr;  // kSpan
  int32_t placeholder = -1;                    // assigned on first appearance in a line
  // Its withheld bytes, for the reviewer log: Builder::spans_of().
  uint32_t span_begin = 0;
  uint32_t span_end = 0;
};

class Builder {
 public:
  Builder(const core::Document& doc, const core::Decisions& decisions)
      : doc_(doc), decisions_(decisions), text_(doc.source.text()) {
    thread_local ByteScratch shared;
    // Only one builder at a time may use the thread's arrays; another one
    // (never the case today) gets its own.
    scratch_ = shared.in_use ? &own_ : &shared;
    scratch_->in_use = true;
    if (scratch_->state.size() < text_.size()) {
      scratch_->state.resize(text_.size());
      scratch_->owner.resize(text_.size());
    }
    state_ = scratch_->state.data();
    owner_ = scratch_->owner.data();
  }
  ~Builder() { scratch_->in_use = false; }
  Builder(const Builder&) = delete;
  Builder& operator=(const Builder&) = delete;

  void classify();
  void build_lines(std::vector<ViewLine>& lines, std::vector<Placeholder>& placeholders);
  const std::vector<ProtoOwner>& owners() const { return owners_; }
  /// The withheld spans of `o` (one of owners()), in byte order.
  std::span<const Span> spans_of(const ProtoOwner& o) const {
    return std::span<const Span>(scratch_->spans).subspan(o.span_begin, o.span_end - o.span_begin);
  }
  core::DocumentDisposition disposition() const { return disposition_; }

 private:
  Action action_of(size_t block) const;
  const core::BlockDecision* decision_of(size_t block) const;
  void fill(Span s, State st, int32_t owner);
  int32_t placeholder_for(int32_t owner, std::vector<Placeholder>& placeholders);
  void flush_group(std::vector<ViewLine>& lines, std::vector<Placeholder>& placeholders);

  const core::Document& doc_;
  const core::Decisions& decisions_;
  std::string_view text_;
  // Blank width at byte i: 1 for ASCII blanks, 2 for U+00A0, 0 otherwise.
  size_t blank(size_t i) const {
    const auto c = static_cast<unsigned char>(text_[i]);
    if (c == ' ' || c == '\t' || (c >= '\v' && c <= '\r')) return 1;
    return c == 0xC2 && i + 1 < text_.size() && static_cast<unsigned char>(text_[i + 1]) == 0xA0
               ? 2
               : 0;
  }

  // End of the run from `i`: the first byte in [i, end) whose state is not
  // `st` or whose owner is not `owner` (or, with kNewline, that is a line end).
  template <bool kNewline>
  size_t run_end(size_t i, size_t end, uint8_t st, int32_t owner) const;
  // From `j`, the end of the longest stretch of ' ' and plain shown
  // printable ASCII (0x21-0x7E) up to `end` that ends on a byte that is not
  // ' '; `j` if there is none.
  uint32_t ascii_stretch_end(uint32_t j, uint32_t end) const;
  // A byte that starts (or continues) plain shown text: not blank, released,
  // kept or outside, neither struck, withheld nor omitted.
  bool plain_shown(size_t i) const {
    const uint8_t st = state_[i];
    return blank(i) == 0 && st != kStruck && st != kWithheld && st != kOmitted;
  }

  ByteScratch own_;
  ByteScratch* scratch_ = nullptr;
  uint8_t* state_ = nullptr;
  int32_t* owner_ = nullptr;  // block index for shown/omitted bytes; proto owner for withheld
  std::vector<ProtoOwner> owners_;
  core::LabelSet last_labels_;
  std::string last_label_;
  core::DocumentDisposition disposition_ = core::DocumentDisposition::kDeniedInFull;

  // Placeholder rows being collected: one withheld block over consecutive lines.
  struct Group {
    int32_t owner = -1;
    uint32_t content_lines = 0;
    uint32_t first_source_line = 0;
    std::vector<Segment> prefix;
  } group_;
};

const core::BlockDecision* Builder::decision_of(size_t block) const {
  return block < decisions_.blocks.size() ? &decisions_.blocks[block] : nullptr;
}

Action Builder::action_of(size_t block) const {
  const core::BlockDecision* d = decision_of(block);
  if (d == nullptr) return Action::kWithhold;  // no decision: fail closed
  if (d->action == Action::kOmit) return Action::kOmit;
  // DENIED IN FULL releases nothing, whatever a block says.
  if (decisions_.disposition == core::DocumentDisposition::kDeniedInFull) return Action::kWithhold;
  switch (d->action) {
    case Action::kRelease:
    case Action::kRedact:
    case Action::kWithhold:
    case Action::kOmit:
      return d->action;
  }
  return Action::kWithhold;
}

void Builder::fill(Span s, State st, int32_t owner) {
  const uint32_t end = std::min<uint32_t>(s.end, static_cast<uint32_t>(text_.size()));
  if (s.begin >= end) return;
  std::fill(state_ + s.begin, state_ + end, static_cast<uint8_t>(st));
  std::fill(owner_ + s.begin, owner_ + end, owner);
}

template <bool kNewline>
size_t Builder::run_end(size_t i, size_t end, uint8_t st, int32_t owner) const {
#ifdef __SSE2__
  // 16 bytes per step: state, owner (four 4-lane compares packed to bytes)
  // and, if asked, the text.
  const __m128i vst = _mm_set1_epi8(static_cast<char>(st));
  const __m128i vowner = _mm_set1_epi32(owner);
  const __m128i vnl = _mm_set1_epi8('\n');
  for (; i + 16 <= end; i += 16) {
    const auto* o = reinterpret_cast<const __m128i*>(owner_ + i);
    const __m128i o01 = _mm_packs_epi32(_mm_cmpeq_epi32(_mm_loadu_si128(o), vowner),
                                        _mm_cmpeq_epi32(_mm_loadu_si128(o + 1), vowner));
    const __m128i o23 = _mm_packs_epi32(_mm_cmpeq_epi32(_mm_loadu_si128(o + 2), vowner),
                                        _mm_cmpeq_epi32(_mm_loadu_si128(o + 3), vowner));
    __m128i same = _mm_and_si128(
        _mm_cmpeq_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(state_ + i)), vst),
        _mm_packs_epi16(o01, o23));
    if (kNewline)
      same = _mm_andnot_si128(
          _mm_cmpeq_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(text_.data() + i)), vnl),
          same);
    const auto mask = static_cast<unsigned>(_mm_movemask_epi8(same));
    if (mask != 0xFFFFu) return i + static_cast<size_t>(__builtin_ctz(~mask));
  }
#endif
  while (i < end && state_[i] == st && owner_[i] == owner && (!kNewline || text_[i] != '\n')) ++i;
  return i;
}

uint32_t Builder::ascii_stretch_end(uint32_t j, uint32_t end) const {
  uint32_t e = j;
  uint32_t k = j;
#ifdef __SSE2__
  const __m128i vspace = _mm_set1_epi8(' ');
  const __m128i vdel = _mm_set1_epi8(0x7F);
  const __m128i vreleased = _mm_set1_epi8(static_cast<char>(kReleased));
  const __m128i vkept = _mm_set1_epi8(static_cast<char>(kKept));
  const __m128i voutside = _mm_set1_epi8(static_cast<char>(kOutside));
  for (; k + 16 <= end; k += 16) {
    const __m128i t = _mm_loadu_si128(reinterpret_cast<const __m128i*>(text_.data() + k));
    const __m128i s = _mm_loadu_si128(reinterpret_cast<const __m128i*>(state_ + k));
    const __m128i plain_state =
        _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(s, vreleased), _mm_cmpeq_epi8(s, vkept)),
                     _mm_cmpeq_epi8(s, voutside));
    // Signed compares: bytes >= 0x80 are negative, so not printable.
    const __m128i printable = _mm_and_si128(_mm_cmpgt_epi8(t, vspace), _mm_cmplt_epi8(t, vdel));
    const auto shown =
        static_cast<unsigned>(_mm_movemask_epi8(_mm_and_si128(plain_state, printable)));
    const auto good = shown | static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(t, vspace)));
    if (good == 0xFFFFu) {
      if (shown != 0) e = k + 32 - static_cast<uint32_t>(__builtin_clz(shown));
      continue;
    }
    const auto bad = static_cast<unsigned>(__builtin_ctz(~good));
    const unsigned before = shown & ((1u << bad) - 1u);
    if (before != 0) e = k + 32 - static_cast<uint32_t>(__builtin_clz(before));
    return e;
  }
#endif
  for (; k < end; ++k) {
    const auto c = static_cast<unsigned char>(text_[k]);
    if (c == ' ') continue;
    const uint8_t st = state_[k];
    if (c <= ' ' || c >= 0x7F || (st != kReleased && st != kKept && st != kOutside)) break;
    e = k + 1;
  }
  return e;
}

void Builder::classify() {
  const size_t n = text_.size();
  const auto& blocks = doc_.blocks;

  // Bytes outside every piece of every block: the gaps between the pieces.
  // Every other byte gets its state and owner from the fills below.
  std::vector<Span> covered;
  size_t pieces = 0;
  size_t redactions = 0;
  for (size_t b = 0; b < blocks.size(); ++b) {
    pieces += blocks[b].pieces.size();
    if (const core::BlockDecision* d = decision_of(b); d != nullptr)
      redactions += d->redactions.size();
  }
  covered.reserve(pieces);
  for (const Block& b : blocks)
    for (const Span& p : b.pieces)
      if (!p.empty()) covered.push_back(p);
  std::sort(covered.begin(), covered.end(), [](Span a, Span b) { return a.begin < b.begin; });
  std::vector<Span> gaps;
  gaps.reserve(covered.size() + 1);
  {
    uint32_t at = 0;
    for (const Span& p : covered) {
      if (p.begin > at) gaps.push_back({at, p.begin});
      at = std::max(at, p.end);
    }
    if (at < n) gaps.push_back({at, static_cast<uint32_t>(n)});
  }
  for (const Span& g : gaps) fill(g, kOutside, -1);

  // One proto owner per block (used when the block is withheld), then one
  // per redaction span (uncovered runs, rare, may still grow the vector).
  owners_.reserve(blocks.size() + redactions);
  owners_.resize(blocks.size());
  for (size_t b = 0; b < blocks.size(); ++b) owners_[b].block = static_cast<int32_t>(b);

  // Most restrictive wins: mark released blocks, then omitted, then withheld,
  // each overwriting what came before (a plain fill, no compare per byte).
  for (const State st : {kReleased, kOmitted, kWithheld})
    for (size_t b = 0; b < blocks.size(); ++b) {
      const Action a = action_of(b);
      const State bs = a == Action::kOmit       ? kOmitted
                       : a == Action::kWithhold ? kWithheld
                                                : kReleased;
      if (bs != st) continue;
      for (const Span& p : blocks[b].pieces) fill(p, st, static_cast<int32_t>(b));
    }

  // A withheld block keeps its label, portion mark and lead keyword.
  for (size_t b = 0; b < blocks.size(); ++b) {
    if (action_of(b) != Action::kWithhold) continue;
    const Block& blk = blocks[b];
    SpanList<3> keep;
    if (!blk.label_span.empty()) keep.push_back(blk.label_span);
    if (blk.mark && !blk.mark->span.empty()) keep.push_back(blk.mark->span);
    if (const uint32_t k = lead_keyword_end(text_, blk); k > 0)
      keep.push_back({blk.pieces.front().begin, k});
    for (const Span& s : keep) {
      const uint32_t end = std::min<uint32_t>(s.end, static_cast<uint32_t>(n));
      for (uint32_t i = s.begin; i < end; ++i)
        if (state_[i] == kWithheld && owner_[i] == static_cast<int32_t>(b)) state_[i] = kKept;
    }
  }

  // Redaction spans withhold their bytes wherever they are (unless omitted or
  // already withheld by a block).
  for (size_t b = 0; b < blocks.size(); ++b) {
    const core::BlockDecision* d = decision_of(b);
    if (d == nullptr) continue;
    for (const core::Redaction& r : d->redactions) {
      ProtoOwner o;
      o.scope = PlaceholderScope::kSpan;
      o.block = static_cast<int32_t>(b);
      o.redaction = &r;
      const auto id = static_cast<int32_t>(owners_.size());
      owners_.push_back(o);
      const uint32_t end = std::min<uint32_t>(r.span.end, static_cast<uint32_t>(n));
      for (uint32_t i = r.span.begin; i < end; ++i) {
        if (state_[i] == kOmitted || state_[i] == kWithheld) continue;
        state_[i] = kWithheld;
        owner_[i] = id;
      }
    }
  }

  // Released markings are lined through, not deleted.
  for (size_t b = 0; b < blocks.size(); ++b) {
    const Action a = action_of(b);
    if (a != Action::kRelease && a != Action::kRedact) continue;
    const Block& blk = blocks[b];
    SpanList<2> strike;
    if (blk.mark && !blk.mark->span.empty()) strike.push_back(blk.mark->span);
    if (blk.kind == BlockKind::kBanner) strike.push_back(banner_class_span(text_, blk));
    for (const Span& s : strike) {
      const uint32_t end = std::min<uint32_t>(s.end, static_cast<uint32_t>(n));
      for (uint32_t i = s.begin; i < end; ++i)
        if (state_[i] == kReleased && owner_[i] == static_cast<int32_t>(b)) state_[i] = kStruck;
    }
  }

  // Non-blank text outside every block: withheld, one owner per run (a run
  // ends at any byte of a block; blanks between uncovered bytes on one line
  // join it). Only the gaps between pieces can hold such text.
  int32_t run = -1;
  size_t last_uncovered = n;  // n: none in the current run
  bool gap_newline = false;
  for (const Span& g : gaps) {
    run = -1;  // a block byte came before this gap
    last_uncovered = n;
    gap_newline = false;
    for (size_t i = g.begin; i < g.end && i < n;) {
      if (state_[i] != kOutside) {  // a redaction span outside every block
        run = -1;
        last_uncovered = n;
        gap_newline = false;
        ++i;
        continue;
      }
      const size_t w = blank(i);
      if (w > 0 || text_[i] == '\n') {
        gap_newline |= text_[i] == '\n';
        i += std::max<size_t>(w, 1);
        continue;
      }
      if (run < 0) {
        ProtoOwner o;
        o.scope = PlaceholderScope::kUncovered;
        run = static_cast<int32_t>(owners_.size());
        owners_.push_back(o);
      } else if (!gap_newline && last_uncovered < n) {
        for (size_t k = last_uncovered + 1; k < i; ++k) {
          state_[k] = kWithheld;
          owner_[k] = run;
        }
      }
      state_[i] = kWithheld;
      owner_[i] = run;
      last_uncovered = i;
      gap_newline = false;
      ++i;
    }
  }
  // Is anything released at all?
  bool any_released = false;
  for (size_t b = 0; b < blocks.size() && !any_released; ++b) {
    const Action a = action_of(b);
    if (a != Action::kRelease && a != Action::kRedact) continue;
    for (const Span& p : blocks[b].pieces)
      for (uint32_t i = p.begin; i < p.end && i < n && !any_released; ++i)
        any_released =
            (state_[i] == kReleased || state_[i] == kStruck) && blank(i) == 0 && text_[i] != '\n';
  }

  // Withheld spans per owner, for the reviewer log and the extent counts:
  // collected in byte order, then grouped by owner (a counting sort, so each
  // owner's spans stay in byte order) into the thread's scratch.
  std::vector<std::pair<int32_t, Span>>& runs = scratch_->runs;
  runs.clear();
  bool any_withheld = false;
  for (size_t i = 0; i < n;) {
    if (state_[i] != kWithheld) {
      const void* next = std::memchr(state_ + i, kWithheld, n - i);
      if (next == nullptr) break;
      i = static_cast<size_t>(static_cast<const uint8_t*>(next) - state_);
      continue;
    }
    any_withheld = true;
    const size_t j = run_end<true>(i, n, kWithheld, owner_[i]);
    // Blanks at either end of a run (around a kept label) are layout, not extent.
    size_t a = i;
    size_t z = j;
    while (a < z && blank(a) > 0) a += blank(a);
    while (z > a && (is_blank_byte(static_cast<unsigned char>(text_[z - 1])) ||
                     (z - a >= 2 && text_[z - 2] == '\xC2' && text_[z - 1] == '\xA0')))
      z -= text_[z - 1] == '\xA0' ? 2u : 1u;
    if (a < z)
      runs.emplace_back(owner_[i], Span{static_cast<uint32_t>(a), static_cast<uint32_t>(z)});
    i = j == i ? i + 1 : j;
  }

  for (const auto& [o, span] : runs) ++owners_[static_cast<size_t>(o)].span_end;
  uint32_t offset = 0;
  for (ProtoOwner& o : owners_) {
    const uint32_t count = o.span_end;
    o.span_begin = o.span_end = offset;  // span_end: the next free slot while filling
    offset += count;
  }
  scratch_->spans.resize(runs.size());
  for (const auto& [o, span] : runs)
    scratch_->spans[owners_[static_cast<size_t>(o)].span_end++] = span;

  // Disposition: never claim more than was released.
  disposition_ = decisions_.disposition;
  if (disposition_ == core::DocumentDisposition::kReleasedInFull && any_withheld)
    disposition_ = core::DocumentDisposition::kReleasedInPart;
  if (disposition_ != core::DocumentDisposition::kDeniedInFull && !any_released && any_withheld)
    disposition_ = core::DocumentDisposition::kDeniedInFull;
}

int32_t Builder::placeholder_for(int32_t owner, std::vector<Placeholder>& placeholders) {
  ProtoOwner& o = owners_[static_cast<size_t>(owner)];
  if (o.placeholder >= 0) return o.placeholder;
  Placeholder p;
  p.scope = o.scope;
  const core::BlockDecision* d = o.block >= 0 ? decision_of(static_cast<size_t>(o.block)) : nullptr;
  if (o.block >= 0) {
    const Block& blk = doc_.blocks[static_cast<size_t>(o.block)];
    p.block_kind = std::string(core::to_string(blk.kind));
    p.paragraph = blk.label;
  }
  switch (o.scope) {
    case PlaceholderScope::kBlock:
      if (d != nullptr) {
        p.labels = d->labels;
        p.rule = d->rule;
        p.justification = d->justification;
        p.by_reviewer = d->by_reviewer;
      } else {
        p.rule = "no-decision";
        p.justification = kNoDecisionJustification;
      }
      // A block forced to withhold (denied in full) without labels of its own.
      if (p.labels.empty()) p.labels = decisions_.exemptions;
      break;
    case PlaceholderScope::kSpan:
      p.labels = o.redaction->labels;
      p.rule = o.redaction->rule;
      p.match = o.redaction->match;
      if (d != nullptr) {
        p.justification = d->justification;
        p.by_reviewer = d->by_reviewer;
      }
      break;
    case PlaceholderScope::kUncovered:
      p.labels = decisions_.exemptions;
      p.rule = "uncovered-text";
      p.justification = kUncoveredJustification;
      break;
  }
  // Neighbouring placeholders mostly share their labels: build the text once.
  if (!(p.labels == last_labels_) || last_label_.empty()) {
    last_labels_ = p.labels;
    last_label_ = placeholder_label(p.labels);
  }
  p.label = last_label_;
  // Extent from the withheld bytes themselves.
  uint32_t last_line = 0;
  // The spans are in byte order: each one's line is found by stepping on
  // from the last one's (the first by a search).
  const core::Source& src = doc_.source;
  uint32_t line = 0;
  bool first = true;
  for (const Span& s : spans_of(o)) {
    if (first)
      line = src.line_of(s.begin);
    else
      while (line < src.line_count() && src.line_start(line + 1) <= s.begin) ++line;
    first = false;
    if (p.first_source_line == 0) p.first_source_line = line;
    p.last_source_line = line;
    if (line != last_line) ++p.withheld_lines;
    last_line = line;
    p.withheld_chars += count_code_points(text_.substr(s.begin, s.size()));
  }
  o.placeholder = static_cast<int32_t>(placeholders.size());
  placeholders.push_back(std::move(p));
  return o.placeholder;
}

// Rows a placeholder of `lines` withheld lines takes under the policy's style.
uint32_t styled_rows(const core::Decisions& d, uint32_t lines) {
  if (lines == 0) lines = 1;
  switch (d.placeholder) {
    case core::PlaceholderStyle::kProportional:
      return lines;
    case core::PlaceholderStyle::kQuantized: {
      const uint32_t step = std::max<uint32_t>(d.placeholder_step, 1);
      return (lines + step - 1) / step * step;
    }
    case core::PlaceholderStyle::kFixed:
      return 1;
  }
  return lines;
}

uint32_t styled_columns(const core::Decisions& d, uint32_t withheld, uint32_t label) {
  switch (d.placeholder) {
    case core::PlaceholderStyle::kProportional:
      return std::max(withheld, label);
    case core::PlaceholderStyle::kQuantized:
      return std::max((withheld + kInlineQuantum - 1) / kInlineQuantum * kInlineQuantum, label);
    case core::PlaceholderStyle::kFixed:
      return label;
  }
  return std::max(withheld, label);
}

void Builder::flush_group(std::vector<ViewLine>& lines, std::vector<Placeholder>& placeholders) {
  if (group_.owner < 0) return;
  const int32_t ph = placeholder_for(group_.owner, placeholders);
  Placeholder& p = placeholders[static_cast<size_t>(ph)];
  const uint32_t rows = styled_rows(decisions_, group_.content_lines);
  p.shown_lines += rows;
  const uint32_t label_cols = count_code_points(p.label);
  p.rows.reserve(p.rows.size() + rows);
  for (uint32_t r = 0; r < rows; ++r) {
    ViewLine line;
    line.placeholder = ph;
    line.source_line = r == 0 ? group_.first_source_line : 0;
    line.segments.reserve(r == 0 ? group_.prefix.size() + 1 : 1);
    if (r == 0)
      line.segments.insert(line.segments.end(), std::make_move_iterator(group_.prefix.begin()),
                           std::make_move_iterator(group_.prefix.end()));  // reset below
    Segment box;
    box.kind = SegmentKind::kPlaceholder;
    box.text = p.label;
    box.columns = label_cols;
    box.placeholder = ph;
    line.segments.push_back(std::move(box));
    p.rows.push_back(static_cast<uint32_t>(lines.size()));
    lines.push_back(std::move(line));
  }
  group_ = Group{};
}

// Room beyond the line's bytes for tab expansion before a new segment regrows.
constexpr size_t kRoomSlack = 8;

// Appends released bytes to the last text segment of `segs` (or a new one,
// with room for `room` bytes: the rest of the line, so that a line's words
// are appended without regrowing the string).
void append_text(std::vector<Segment>& segs, SegmentKind kind, std::string_view bytes,
                 uint32_t cols, size_t room = 0) {
  if (!segs.empty() && segs.back().kind == kind) {
    segs.back().text.append(bytes);
    segs.back().columns += cols;
    return;
  }
  Segment s;
  s.kind = kind;
  s.text.reserve(std::max(room, bytes.size()));
  s.text.append(bytes);
  s.columns = cols;
  segs.push_back(std::move(s));
}

void Builder::build_lines(std::vector<ViewLine>& lines, std::vector<Placeholder>& placeholders) {
  const core::Source& src = doc_.source;
  const uint32_t line_count = src.line_count();
  lines.reserve(line_count);  // at most one view line per source line, plus placeholder rows
  // Blank and dropped lines seen since the last content line: emitted or
  // swallowed once the next content line shows whether a unit continues.
  uint32_t pending_blank = 0;
  bool pending_dropped = false;
  int32_t last_block = -1;  // block of the last shown byte of the previous content line

  auto emit_pending = [&](bool swallow) {
    if (!swallow && !lines.empty())
      for (uint32_t k = 0; k < pending_blank; ++k) lines.push_back(ViewLine{});
    pending_blank = 0;
    pending_dropped = false;
  };

  for (uint32_t ln = 1; ln <= line_count; ++ln) {
    const uint32_t ls = src.line_start(ln);
    const std::string_view ltxt = src.line_text(ln);
    const uint32_t le = ls + static_cast<uint32_t>(ltxt.size());

    // What the line holds.
    bool any_content = false;
    bool all_omitted = true;
    int32_t row_owner = -2;  // -2 unset; the single block/uncovered owner of a placeholder row
    bool placeholder_row = true;
    int32_t kept_block = -1;  // block of the kept bytes (label, mark); -3 if several
    int32_t last_owner = -2;
    for (uint32_t i = ls; i < le; ++i) {
      // Fast path: the rest of a run already seen (withheld bytes of the same
      // owner, blanks included) tells nothing new.
      if (state_[i] == kWithheld && owner_[i] == last_owner) {
        i = static_cast<uint32_t>(run_end<false>(i + 1, le, kWithheld, last_owner)) - 1;
        continue;
      }
      if (blank(i) > 0 || is_continuation(static_cast<unsigned char>(text_[i]))) continue;
      any_content = true;
      const uint8_t st = state_[i];
      if (st == kOmitted) continue;
      all_omitted = false;
      if (st == kKept) {
        if (kept_block == -1)
          kept_block = owner_[i];
        else if (kept_block != owner_[i])
          kept_block = -3;
        continue;
      }
      if (st != kWithheld) {
        placeholder_row = false;
        break;  // a text line: nothing more to learn
      }
      if (owner_[i] == last_owner) continue;
      last_owner = owner_[i];
      const ProtoOwner& o = owners_[static_cast<size_t>(owner_[i])];
      if (o.scope == PlaceholderScope::kSpan) placeholder_row = false;
      if (row_owner == -2)
        row_owner = owner_[i];
      else if (row_owner != owner_[i])
        placeholder_row = false;
      if (!placeholder_row) break;
    }
    if (!any_content) {
      ++pending_blank;
      continue;
    }
    if (all_omitted) {
      pending_dropped = true;
      continue;
    }
    // Kept bytes must belong to the same block as the placeholder row.
    if (placeholder_row && row_owner >= 0 && kept_block != -1 &&
        kept_block != owners_[static_cast<size_t>(row_owner)].block)
      placeholder_row = false;
    if (row_owner < 0) placeholder_row = false;

    if (placeholder_row) {
      if (group_.owner == row_owner) {
        emit_pending(true);  // blank lines inside one withheld block disappear into it
        ++group_.content_lines;
        continue;
      }
      flush_group(lines, placeholders);
      emit_pending(false);
      last_block = -1;
      group_.owner = row_owner;
      group_.content_lines = 1;
      group_.first_source_line = ln;
      // Prefix: indentation and kept bytes before the first withheld byte.
      uint32_t col = 0;
      for (uint32_t i = ls; i < le;) {
        const size_t w = blank(i);
        if (w == 0 && state_[i] == kWithheld) break;
        if (w > 0) {
          const uint32_t adv = text_[i] == '\t' ? kTabWidth - col % kTabWidth : 1;
          append_text(group_.prefix, SegmentKind::kText, std::string(adv, ' '), adv);
          col += adv;
          i += static_cast<uint32_t>(w);
          continue;
        }
        size_t j = i + 1;
        while (j < le && is_continuation(static_cast<unsigned char>(text_[j]))) ++j;
        if (state_[i] == kKept) {
          append_text(group_.prefix, SegmentKind::kText, text_.substr(i, j - i), 1);
          ++col;
        }
        i = static_cast<uint32_t>(j);
      }
      if (!group_.prefix.empty() && group_.prefix.back().text.back() != ' ')
        append_text(group_.prefix, SegmentKind::kText, " ", 1);
      continue;
    }

    // A text line (possibly with placeholders inside).
    flush_group(lines, placeholders);
    int32_t first_block = -1;
    for (uint32_t i = ls; i < le; ++i)
      if (blank(i) == 0 && state_[i] != kOmitted && state_[i] != kWithheld) {
        first_block = owner_[i];
        break;
      }
    // Blank lines around page furniture inside one released block disappear.
    emit_pending(pending_dropped && first_block >= 0 && first_block == last_block);

    ViewLine line;
    line.source_line = ln;
    uint32_t col = 0;
    bool pending_space = false;  // blanks seen and not yet placed
    uint32_t pending_cols = 0;
    bool gap = false;  // omitted bytes removed since the last shown byte
    for (uint32_t i = ls; i < le;) {
      const size_t w = blank(i);
      const uint8_t st = state_[i];
      if (st == kWithheld && w == 0) {
        const int32_t owner = owner_[i];
        uint32_t j = i;
        uint32_t withheld_cols = 0;
        // The run: this owner's bytes, with blanks between them.
        uint32_t last_end = i;
        while (j < le) {
          if (state_[j] == kWithheld && owner_[j] == owner) {
            if (!is_continuation(static_cast<unsigned char>(text_[j]))) ++withheld_cols;
            ++j;
            last_end = j;
            continue;
          }
          if (blank(j) > 0 && state_[j] != kWithheld) {
            ++j;
            continue;
          }
          break;
        }
        // Blanks between owner bytes count as withheld columns.
        for (uint32_t k = i; k < last_end; ++k)
          if (state_[k] != kWithheld && blank(k) > 0) ++withheld_cols;
        if (pending_space || (gap && !line.segments.empty())) {
          const uint32_t adv = pending_space ? pending_cols : 1;
          append_text(line.segments, SegmentKind::kText, std::string(adv, ' '), adv);
          col += adv;
        }
        pending_space = false;
        pending_cols = 0;
        gap = false;
        const int32_t ph = placeholder_for(owner, placeholders);
        Placeholder& p = placeholders[static_cast<size_t>(ph)];
        Segment s;
        s.kind = SegmentKind::kPlaceholder;
        s.text = p.label;
        s.columns = styled_columns(decisions_, withheld_cols, count_code_points(p.label));
        s.placeholder = ph;
        col += s.columns;
        if (p.rows.empty() || p.rows.back() != lines.size())
          p.rows.push_back(static_cast<uint32_t>(lines.size()));
        line.segments.push_back(std::move(s));
        i = last_end;
        continue;
      }
      if (st == kOmitted && w == 0) {
        gap = true;
        i += static_cast<uint32_t>(std::max<size_t>(w, 1));
        continue;
      }
      if (w > 0) {
        pending_space = true;
        pending_cols += text_[i] == '\t' ? kTabWidth - (col + pending_cols) % kTabWidth : 1;
        i += static_cast<uint32_t>(w);
        continue;
      }
      // A run of shown bytes (released, struck or kept) of one kind and block.
      uint32_t j = i + 1;
      uint32_t cols = 1;
      const bool struck_run = st == kStruck;
      while (j < le && blank(j) == 0 && owner_[j] == owner_[i] &&
             (state_[j] == kStruck) == struck_run && state_[j] != kWithheld &&
             state_[j] != kOmitted) {
        if (!is_continuation(static_cast<unsigned char>(text_[j]))) ++cols;
        ++j;
      }
      int32_t run_block = owner_[i];
      if (!struck_run) {
        // The runs of plain text that follow, after ' ' blanks or at a change
        // of block, would each go to this same text segment with their
        // blanks as that many spaces: take them into it now, exactly as the
        // byte loop below would (each run's first byte is one column).
        while (true) {
          // Printable ASCII is one column a byte, whatever its block.
          if (const uint32_t e = ascii_stretch_end(j, le); e > j) {
            cols += e - j;
            run_block = owner_[e - 1];
            j = e;
          }
          uint32_t k = j;
          while (k < le && text_[k] == ' ') ++k;
          if (k >= le || !plain_shown(k)) break;
          cols += k - j + 1;
          run_block = owner_[k];
          j = k + 1;
          while (j < le && owner_[j] == run_block && plain_shown(j)) {
            if (!is_continuation(static_cast<unsigned char>(text_[j]))) ++cols;
            ++j;
          }
        }
      }
      if (pending_space || (gap && !line.segments.empty())) {
        const uint32_t adv = pending_space ? pending_cols : 1;
        // Blanks inside a struck marking ("C O N F ...") are struck with it.
        const bool struck = st == kStruck && !line.segments.empty() &&
                            line.segments.back().kind == SegmentKind::kStruck;
        append_text(line.segments, struck ? SegmentKind::kStruck : SegmentKind::kText,
                    std::string(adv, ' '), adv, adv + (le - i) + kRoomSlack);
        col += adv;
      }
      pending_space = false;
      pending_cols = 0;
      gap = false;
      append_text(line.segments, st == kStruck ? SegmentKind::kStruck : SegmentKind::kText,
                  text_.substr(i, j - i), cols, (le - i) + kRoomSlack);
      col += cols;
      last_block = run_block;
      i = j;
    }
    lines.push_back(std::move(line));
  }
  flush_group(lines, placeholders);
  // Trailing blank lines are not part of the release.
}

}  // namespace

const char* to_string(PlaceholderScope s) {
  switch (s) {
    case PlaceholderScope::kBlock:
      return "block";
    case PlaceholderScope::kSpan:
      return "span";
    case PlaceholderScope::kUncovered:
      return "uncovered";
  }
  return "block";
}

std::string placeholder_label(const core::LabelSet& labels) {
  if (labels.empty()) return "[WITHHELD]";
  std::string out;
  out.reserve(32);  // "[B1 1.4(B), 1.4(D), B6]" and most others in one allocation
  out += '[';
  labels.append_text(out);
  out += ']';
  return out;
}

uint32_t count_code_points(std::string_view s) {
  size_t continuation = 0;
  size_t i = 0;
#ifdef __SSE2__
  // Continuation bytes 0x80-0xBF are the signed bytes below -64. Each lane
  // counts its own (at most 255 rounds), then the lanes are summed.
  const __m128i limit = _mm_set1_epi8(-64);
  while (i + 16 <= s.size()) {
    __m128i lanes = _mm_setzero_si128();
    for (int round = 0; round < 255 && i + 16 <= s.size(); ++round, i += 16) {
      const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s.data() + i));
      lanes = _mm_sub_epi8(lanes, _mm_cmplt_epi8(v, limit));
    }
    const __m128i sums = _mm_sad_epu8(lanes, _mm_setzero_si128());
    continuation += static_cast<size_t>(_mm_cvtsi128_si32(sums)) +
                    static_cast<size_t>(_mm_cvtsi128_si32(_mm_unpackhi_epi64(sums, sums)));
  }
#endif
  // 8 bytes at a time: a continuation byte has its top bit set and the next
  // one clear.
  for (; i + 8 <= s.size(); i += 8) {
    uint64_t w;
    std::memcpy(&w, s.data() + i, 8);
    const uint64_t flags = (w & ~(w << 1) & 0x8080808080808080ull) >> 7;  // 1 per such byte
    continuation += static_cast<size_t>((flags * 0x0101010101010101ull) >> 56);
  }
  for (; i < s.size(); ++i)
    if (is_continuation(static_cast<unsigned char>(s[i]))) ++continuation;
  return static_cast<uint32_t>(s.size() - continuation);
}

std::string write_reviewer_log(const core::Document& doc, const core::Decisions& decisions,
                               const ReleaseView& view) {
  Builder b(doc, decisions);
  b.classify();
  std::vector<ViewLine> lines;
  std::vector<Placeholder> placeholders;
  b.build_lines(lines, placeholders);
  const std::string rule(80, '#');
  std::string out;
  out += rule + "\n";
  out += "# WARNING: INTERNAL REVIEWER LOG - IT QUOTES WITHHELD TEXT\n";
  out += "# DO NOT RELEASE. DO NOT ATTACH TO A RELEASE. HANDLE AT THE LEVEL OF THE SOURCE.\n";
  out += rule + "\n";
  out += "document: " + view.stamp().document_id + "\n";
  out += "source: " + doc.source.path() + "\n";
  out += "disposition: " + std::string(core::to_string(view.stamp().disposition)) + "\n";
  // Placeholders in view order, each with the withheld bytes it stands for.
  std::vector<const ProtoOwner*> by_placeholder(placeholders.size(), nullptr);
  for (const ProtoOwner& o : b.owners())
    if (o.placeholder >= 0) by_placeholder[static_cast<size_t>(o.placeholder)] = &o;
  const std::string_view text = doc.source.text();
  for (size_t k = 0; k < placeholders.size(); ++k) {
    const Placeholder& p = placeholders[k];
    out += "\nP" + std::to_string(k + 1) + " " + to_string(p.scope) + " " +
           (p.block_kind.empty() ? std::string("-") : p.block_kind) + " " +
           (p.paragraph.empty() ? std::string("-") : p.paragraph) + " lines " +
           std::to_string(p.first_source_line) + "-" + std::to_string(p.last_source_line) + " " +
           p.label + " rule=" + p.rule + (p.match.empty() ? "" : " match=" + p.match) + "\n";
    if (by_placeholder[k] == nullptr) continue;
    for (const Span& s : b.spans_of(*by_placeholder[k])) {
      out += "  " + std::to_string(doc.source.line_of(s.begin)) + "| ";
      out += text.substr(s.begin, s.size());
      out += "\n";
    }
  }
  out += "\n" + rule +
         "\n# END OF INTERNAL REVIEWER LOG - IT QUOTES WITHHELD TEXT - DO NOT RELEASE\n" + rule +
         "\n";
  return out;
}

ReleaseView make_release_view(const core::Document& doc, const core::Decisions& decisions) {
  Builder b(doc, decisions);
  b.classify();
  ReleaseView view;
  b.build_lines(view.lines_, view.placeholders_);
  Stamp& st = view.stamp_;
  st.document_id = doc.id;
  if (st.document_id.empty()) {
    // File stem, as the reader would name it.
    std::string_view p = doc.source.path();
    if (const size_t slash = p.rfind('/'); slash != std::string_view::npos)
      p.remove_prefix(slash + 1);
    if (const size_t dot = p.rfind('.'); dot != std::string_view::npos && dot > 0)
      p = p.substr(0, dot);
    st.document_id = std::string(p);
  }
  st.disposition = b.disposition();
  st.exemptions = decisions.exemptions;
  for (const Placeholder& p : view.placeholders_) st.exemptions.merge(p.labels);
  if (!decisions.review.review_date.is_special())
    st.review_date = core::format_iso_date(decisions.review.review_date);
  st.case_id = decisions.review.case_id;
  st.reviewer = decisions.review.reviewer;
  st.policy_name = decisions.review.policy_name;
  st.policy_version = decisions.review.policy_version;
  st.placeholder_style = decisions.placeholder;
  st.placeholder_step = std::max<uint32_t>(decisions.placeholder_step, 1);
  return view;
}

}  // namespace declass::render
