// decide(): conditions, precedence, redactions, reviewer overrides, disposition.
#include "declass/policies/engine.h"

#include <algorithm>
#include <cctype>

#include "fast_normalize.h"
#include "pattern_scan.h"
#include "policy_model.h"
#include "xml_util.h"

namespace declass::policies {

namespace {

enum class Tri : uint8_t { kFalse, kTrue, kUnknown };

constexpr uint32_t bit(core::BlockKind k) {
  return 1u << static_cast<uint32_t>(k);
}
constexpr uint32_t kNonRecord = bit(core::BlockKind::kPreamble) | bit(core::BlockKind::kNotice) |
                                bit(core::BlockKind::kPageBreak);

struct Found {
  uint32_t list;
  core::Span span;
};

// Everything decide() computes for one block, lazily.
struct BlockState {
  const core::Document& doc;
  const core::Block& block;
  const CompiledPolicy& policy;
  const ReviewContext& ctx;
  bool scanned;
  // Owned by the Scratch and reused from block to block (fewer allocations).
  std::vector<Found>& found;
  std::vector<uint8_t>& list_hit;
  std::vector<std::string>& unknowns;  // facts a condition needed but the cable lacks
};

struct Scratch {
  std::vector<Found> found;
  std::vector<uint8_t> list_hit;
  std::vector<std::string> unknowns;
  std::vector<TermMatcher::Hit> hits;
  PatternScratch patterns;
  std::vector<PatternHit> pattern_hits;
  core::NormalizedText kept, dropped;
  std::vector<core::Span> pieces;
  std::vector<uint32_t> held;    // decide_block: rules that hold, in precedence order
  std::vector<uint32_t> others;  // decide_block: the others of them, in policy order
};

void note_unknown(BlockState& st, const char* what) {
  for (const auto& u : st.unknowns)
    if (u == what) return;
  st.unknowns.emplace_back(what);
}

// The text was normalized without its origin map (fast_normalize_text): most
// blocks match nothing, and only a match needs to be mapped back to the
// source. Then the same text is normalized again, with the map.
void scan_text(BlockState& st, const std::vector<core::Span>& pieces,
               core::NormalizeOptions options, core::NormalizedText& nt, Scratch& scratch) {
  const CompiledPolicy& p = st.policy;
  const core::Source& src = st.doc.source;
  scratch.hits.clear();
  p.terms.scan(nt.text, scratch.hits);
  scratch.pattern_hits.clear();
  find_patterns(p, nt.text, true, scratch.patterns, scratch.pattern_hits);
  if (scratch.hits.empty() && scratch.pattern_hits.empty()) return;
  fast_normalize(src, pieces, options, nt);
  auto add = [&](uint32_t list, uint32_t b, uint32_t e) {
    st.list_hit[list] = 1;
    for (const core::Span& s : nt.source_spans(src, b, e)) st.found.push_back({list, s});
  };
  for (const auto& h : scratch.hits) add(p.terms.spec(h.term).list, h.begin, h.end);
  for (const PatternHit& h : scratch.pattern_hits) add(h.list, h.begin, h.end);
}

void scan_block(BlockState& st, Scratch& scratch) {
  if (st.scanned) return;
  st.scanned = true;
  st.list_hit.assign(st.policy.lists.size(), 0);
  if (st.policy.lists.empty()) return;
  std::vector<core::Span>& pieces = scratch.pieces;
  core::body_pieces(st.block, pieces);
  // Both readings of a line-end hyphen: "Six-\nParty" is "Six-Party", and
  // "gov-\nernment" is "government". The second pass runs only if some
  // hyphen joined two lines.
  size_t joins = 0;
  fast_normalize_text(st.doc.source, pieces, {false}, scratch.kept, &joins);
  scan_text(st, pieces, {false}, scratch.kept, scratch);
  if (joins > 0) {
    fast_normalize_text(st.doc.source, pieces, {true}, scratch.dropped);
    scan_text(st, pieces, {true}, scratch.dropped, scratch);
  }
}

bool any_glob(const std::vector<std::string>& globs, std::string_view value) {
  for (const auto& g : globs)
    if (glob_match(g, value)) return true;
  return false;
}

int age_years(core::Date created, core::Date review, bool from_december) {
  const int cy = created.year();
  const int ry = review.year();
  if (from_december) {
    // E.O. 13526 §3.3(a): 25 years "on December 31 of a year that is 25 years
    // from the date of origin": whole years reached on 31 Dec of origin year + N.
    const bool dec31 = review.month() == 12 && review.day() == 31;
    return ry - cy - (dec31 ? 0 : 1);
  }
  int age = ry - cy;
  if (review.month() < created.month() ||
      (review.month() == created.month() && review.day() < created.day()))
    --age;
  return age;
}

Tri eval(const Condition& c, BlockState& st, Scratch& scratch) {
  auto tri = [](bool b) { return b ? Tri::kTrue : Tri::kFalse; };
  const core::Document& doc = st.doc;
  const core::Block& block = st.block;
  switch (c.kind) {
    case CondKind::kAll: {
      Tri r = Tri::kTrue;
      for (const Condition& child : c.children) {
        const Tri t = eval(child, st, scratch);
        if (t == Tri::kFalse) return Tri::kFalse;
        if (t == Tri::kUnknown) r = Tri::kUnknown;
      }
      return r;
    }
    case CondKind::kAny: {
      Tri r = Tri::kFalse;
      for (const Condition& child : c.children) {
        const Tri t = eval(child, st, scratch);
        if (t == Tri::kTrue) return Tri::kTrue;
        if (t == Tri::kUnknown) r = Tri::kUnknown;
      }
      return r;
    }
    case CondKind::kNot: {
      const Tri t = eval(c.children.front(), st, scratch);
      return t == Tri::kUnknown ? t : tri(t == Tri::kFalse);
    }
    case CondKind::kKind:
      return tri((c.mask & bit(block.kind)) != 0);
    case CondKind::kPortion: {
      const core::Level l = block.classification.level;
      if (c.min_level && l < *c.min_level) return Tri::kFalse;
      if (c.max_level && l > *c.max_level) return Tri::kFalse;
      if (c.mask != 0 && (c.mask & (1u << static_cast<uint32_t>(block.marking))) == 0)
        return Tri::kFalse;
      return Tri::kTrue;
    }
    case CondKind::kControls: {
      const uint32_t have = block.classification.controls;
      if (c.controls_any != 0 && (have & c.controls_any) == 0) return Tri::kFalse;
      if ((have & c.controls_all) != c.controls_all) return Tri::kFalse;
      return Tri::kTrue;
    }
    case CondKind::kDeclassified: {
      const core::DeclassEvaluation& e = doc.declass_eval;
      if (st.ctx.review_date.is_special()) {
        note_unknown(st, "review date");
        return Tri::kUnknown;
      }
      if (!e.unclassified_or_declassified && !e.effective_date) {
        note_unknown(st, "declassification date");
        return Tri::kUnknown;
      }
      return tri(core::declassified_as_of(e, st.ctx.review_date));
    }
    case CondKind::kDeclass: {
      if (c.mask != 0 && (c.mask & (1u << static_cast<uint32_t>(doc.declass.kind))) == 0)
        return Tri::kFalse;
      if (!c.any.empty()) {
        bool hit = false;
        for (const auto& code : doc.declass.exemptions) hit = hit || any_glob(c.any, code);
        if (!hit) return Tri::kFalse;
      }
      return Tri::kTrue;
    }
    case CondKind::kAge: {
      if (!doc.created_date || doc.created_date->is_special()) {
        note_unknown(st, "creation date");
        return Tri::kUnknown;
      }
      if (st.ctx.review_date.is_special()) {
        note_unknown(st, "review date");
        return Tri::kUnknown;
      }
      const int age = age_years(*doc.created_date, st.ctx.review_date, c.from_december);
      if (c.at_least && age < *c.at_least) return Tri::kFalse;
      if (c.under && age >= *c.under) return Tri::kFalse;
      return Tri::kTrue;
    }
    case CondKind::kReasons: {
      if (!doc.classified_by || doc.classified_by->reasons.empty()) {
        note_unknown(st, "classification reasons");
        return Tri::kUnknown;
      }
      const std::string& have = doc.classified_by->reasons;
      if (!c.reasons_any.empty() && have.find_first_of(c.reasons_any) == std::string::npos)
        return Tri::kFalse;
      for (char l : c.reasons_all)
        if (have.find(l) == std::string::npos) return Tri::kFalse;
      return Tri::kTrue;
    }
    case CondKind::kTags:
    case CondKind::kIssue: {
      const std::vector<std::string>& have = c.kind == CondKind::kTags ? doc.tags : block.issues;
      if (c.kind == CondKind::kTags && have.empty()) {
        note_unknown(st, "tags");
        return Tri::kUnknown;
      }
      if (!c.any.empty()) {
        bool hit = false;
        for (const auto& v : have) hit = hit || any_glob(c.any, v);
        if (!hit) return Tri::kFalse;
      }
      for (const auto& g : c.all) {
        bool hit = false;
        for (const auto& v : have) hit = hit || glob_match(g, v);
        if (!hit) return Tri::kFalse;
      }
      return Tri::kTrue;
    }
    case CondKind::kOrigin:
      if (doc.origin.empty()) {
        note_unknown(st, "origin");
        return Tri::kUnknown;
      }
      return tri(any_glob(c.any, doc.origin));
    case CondKind::kCreated: {
      if (!doc.created_date || doc.created_date->is_special()) {
        note_unknown(st, "creation date");
        return Tri::kUnknown;
      }
      if (c.before && !(*doc.created_date < *c.before)) return Tri::kFalse;
      if (c.after && !(*doc.created_date > *c.after)) return Tri::kFalse;
      return Tri::kTrue;
    }
    case CondKind::kContains:
      scan_block(st, scratch);
      for (uint32_t li : c.lists)
        if (st.list_hit[li] != 0) return Tri::kTrue;
      return Tri::kFalse;
    case CondKind::kRepeated:
      return tri(block.repeated);
  }
  return Tri::kUnknown;
}

std::string join(const std::vector<std::string>& v, std::string_view sep) {
  std::string out;
  for (const auto& s : v) {
    if (!out.empty()) out += sep;
    out += s;
  }
  return out;
}

// LabelSpec -> LabelSet for this cable. A from-cable B1 on a cable without
// reasons is still B1 (fail closed), and the justification says so.
core::LabelSet resolve_labels(const LabelSpec& spec, const core::Document& doc, bool& no_reasons) {
  core::LabelSet out = spec.fixed;
  if (spec.b1_from_cable) {
    core::ExemptionLabel b1;
    b1.code = core::Exemption::kB1;
    if (doc.classified_by && !doc.classified_by->reasons.empty())
      b1.reasons = doc.classified_by->reasons;
    else
      no_reasons = true;
    out.add(b1);
  }
  return out;
}

constexpr const char* kNoReasonsNote =
    "the cable gives no classification reasons (no readable Classified By line): labelled B1 "
    "without 1.4 categories";

void append(std::string& text, const std::string& more) {
  if (more.empty()) return;
  if (!text.empty()) text += "; ";
  text += more;
}

// Sorted by span, overlapping or touching ones merged with their labels united.
std::vector<core::Redaction> merge_redactions(std::vector<core::Redaction> in) {
  std::stable_sort(in.begin(), in.end(), [](const core::Redaction& a, const core::Redaction& b) {
    return a.span.begin != b.span.begin ? a.span.begin < b.span.begin : a.span.end < b.span.end;
  });
  std::vector<core::Redaction> out;
  auto add_id = [](std::string& ids, const std::string& id) {
    if (id.empty()) return;
    for (const auto& part : split_list(ids))
      if (part == id) return;
    if (!ids.empty()) ids += ',';
    ids += id;
  };
  for (auto& r : in) {
    if (!out.empty() && r.span.begin <= out.back().span.end) {
      core::Redaction& cur = out.back();
      cur.span.end = std::max(cur.span.end, r.span.end);
      cur.labels.merge(r.labels);
      for (const auto& id : split_list(r.rule)) add_id(cur.rule, id);
      for (const auto& id : split_list(r.match)) add_id(cur.match, id);
      continue;
    }
    out.push_back(std::move(r));
  }
  return out;
}

std::vector<core::Span> split_lines(const core::Source& src, core::Span s) {
  std::vector<core::Span> out;
  const std::string_view t = src.text();
  uint32_t b = s.begin;
  while (b < s.end) {
    while (b < s.end && (t[b] == ' ' || t[b] == '\t' || t[b] == '\n')) ++b;
    if (b >= s.end) break;
    uint32_t e = b;
    while (e < s.end && t[e] != '\n') ++e;
    uint32_t last = e;
    while (last > b && (t[last - 1] == ' ' || t[last - 1] == '\t')) --last;
    out.push_back({b, last});
    b = e;
  }
  return out;
}

}  // namespace

namespace {

core::BlockDecision decide_block(const CompiledPolicy& p, const core::Document& doc, size_t index,
                                 const ReviewContext& ctx, Scratch& scratch) {
  const core::Block& block = doc.blocks[index];
  scratch.found.clear();
  scratch.unknowns.clear();
  BlockState st{doc, block, p, ctx, false, scratch.found, scratch.list_hit, scratch.unknowns};
  core::BlockDecision d;
  std::vector<uint32_t>& held = scratch.held;  // in precedence order
  held.clear();
  for (uint32_t ri : p.rank) {
    const Rule& r = p.rules[ri];
    Tri t = r.has_when ? eval(r.when, st, scratch) : Tri::kTrue;
    // Unknown facts never release: they count for withhold and redact only.
    if (t == Tri::kUnknown &&
        (r.action == core::Action::kWithhold || r.action == core::Action::kRedact))
      t = Tri::kTrue;
    if (t == Tri::kTrue) held.push_back(ri);
  }
  bool no_reasons = false;
  if (held.empty()) {
    d.rule = "default";
    d.action = p.settings.default_action;
    if (d.action == core::Action::kWithhold)
      d.labels = resolve_labels(p.settings.default_labels, doc, no_reasons);
    const std::string_view action = core::to_string(d.action);
    constexpr std::string_view kHead = "no rule matched: the policy's default (";
    constexpr std::string_view kTail = ") applies";
    d.justification.reserve(kHead.size() + action.size() + kTail.size());
    d.justification.append(kHead).append(action).append(kTail);
  } else {
    const Rule& top = p.rules[held.front()];
    d.rule = top.id;
    d.action = top.action;
    std::vector<uint32_t>& others = scratch.others;
    others.assign(held.begin() + 1, held.end());
    std::sort(others.begin(), others.end());  // policy order
    d.also_matched.reserve(others.size());
    for (uint32_t ri : others) d.also_matched.push_back(p.rules[ri].id);
    d.justification = top.justification;
    if (d.action == core::Action::kOmit && (bit(block.kind) & kNonRecord) == 0) {
      // Cannot happen with a checked policy; never let omit drop content.
      d.action = core::Action::kWithhold;
      d.labels = resolve_labels(p.settings.default_labels, doc, no_reasons);
      append(d.justification, "omit refused for record content: withheld");
    }
    if (d.action == core::Action::kWithhold) d.labels = resolve_labels(top.labels, doc, no_reasons);
    if (d.action == core::Action::kRedact) {
      scan_block(st, scratch);
      std::vector<core::Redaction> reds;
      // Every matching redact rule contributes (fail closed), not only the decider.
      for (uint32_t ri : held) {
        const Rule& r = p.rules[ri];
        if (r.action != core::Action::kRedact) continue;
        for (uint32_t li : r.lists) {
          if (st.list_hit[li] == 0) continue;
          core::LabelSet labels = resolve_labels(p.lists[li].labels, doc, no_reasons);
          labels.merge(resolve_labels(r.labels, doc, no_reasons));
          for (const Found& f : st.found) {
            if (f.list != li) continue;
            core::Redaction red;
            red.span = f.span;
            red.labels = labels;
            red.rule = r.id;
            red.match = p.lists[li].id;
            reds.push_back(std::move(red));
          }
        }
      }
      d.redactions = merge_redactions(std::move(reds));
      if (d.redactions.empty()) {
        d.action = core::Action::kRelease;
        append(d.justification, "nothing to redact: released");
      }
    }
  }
  if (no_reasons) append(d.justification, kNoReasonsNote);
  if (!st.unknowns.empty())
    append(d.justification,
           "undetermined (" + join(st.unknowns, ", ") + " unknown): counted against release");
  return d;
}

std::string upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

// Blocks an override entry names.
std::vector<size_t> override_targets(const core::Document& doc, const OverrideEntry& e,
                                     core::Span* span_out) {
  std::vector<size_t> out;
  if (e.target == OverrideEntry::Target::kParagraph) {
    const size_t dot = e.paragraph.find('.');
    const std::string para = upper(e.paragraph.substr(0, dot));
    const std::string sub = dot == std::string::npos ? "" : upper(e.paragraph.substr(dot + 1));
    for (size_t i = 0; i < doc.blocks.size(); ++i) {
      const core::Block& b = doc.blocks[i];
      if (sub.empty()) {
        if (b.kind == core::BlockKind::kParagraph && upper(b.label) == para) out.push_back(i);
      } else if (b.kind == core::BlockKind::kSubParagraph && upper(b.label) == sub &&
                 b.parent >= 0 && static_cast<size_t>(b.parent) < doc.blocks.size() &&
                 upper(doc.blocks[static_cast<size_t>(b.parent)].label) == para) {
        out.push_back(i);
      }
    }
  } else if (e.target == OverrideEntry::Target::kKind) {
    for (size_t i = 0; i < doc.blocks.size(); ++i)
      if (doc.blocks[i].kind == e.kind) out.push_back(i);
  } else {
    const core::Source& src = doc.source;
    auto offset_of = [&](core::Position p, uint32_t& off) {
      if (p.line < 1 || p.line > src.line_count()) return false;
      const std::string_view line = src.line_text(p.line);
      uint32_t col = 1;
      size_t i = 0;
      while (i < line.size() && col < p.column) {
        ++i;
        while (i < line.size() && (static_cast<unsigned char>(line[i]) & 0xC0) == 0x80) ++i;
        ++col;
      }
      if (col != p.column || i >= line.size()) return false;
      off = src.line_start(p.line) + static_cast<uint32_t>(i);
      return true;
    };
    uint32_t b = 0, e2 = 0;
    if (!offset_of(e.from, b) || !offset_of(e.to, e2) || e2 < b) return out;
    // `to` is inclusive: extend over the whole character there.
    ++e2;
    while (e2 < src.text().size() && (static_cast<unsigned char>(src.text()[e2]) & 0xC0) == 0x80)
      ++e2;
    const core::Span span{b, e2};
    if (span_out != nullptr) *span_out = span;
    for (size_t i = 0; i < doc.blocks.size(); ++i) {
      bool hit = false;
      for (const core::Span& piece : core::body_pieces(doc.blocks[i]))
        hit = hit || (piece.begin < span.end && span.begin < piece.end);
      if (hit) out.push_back(i);
    }
  }
  return out;
}

void apply_override(const CompiledPolicy& p, const core::Document& doc, const OverrideEntry& e,
                    std::vector<core::BlockDecision>& blocks) {
  core::Span span;
  const std::vector<size_t> targets = override_targets(doc, e, &span);
  bool no_reasons = false;
  core::LabelSet labels =
      resolve_labels(e.labels.empty() ? p.settings.default_labels : e.labels, doc, no_reasons);
  for (size_t i : targets) {
    core::BlockDecision& d = blocks[i];
    const std::string before = std::string(core::to_string(d.action)) + " by rule " + d.rule;
    if (e.target != OverrideEntry::Target::kSpan) {
      d.action = e.release ? core::Action::kRelease : core::Action::kWithhold;
      d.labels = e.release ? core::LabelSet{} : labels;
      d.redactions.clear();
    } else if (!e.release) {
      if (d.action == core::Action::kWithhold) continue;  // already withheld whole
      d.action = core::Action::kRedact;
      std::vector<core::Redaction> reds = std::move(d.redactions);
      for (const core::Span& piece : core::body_pieces(doc.blocks[i])) {
        const core::Span cut{std::max(piece.begin, span.begin), std::min(piece.end, span.end)};
        if (cut.empty()) continue;
        for (const core::Span& line : split_lines(doc.source, cut)) {
          core::Redaction r;
          r.span = line;
          r.labels = labels;
          r.rule = "reviewer";
          reds.push_back(std::move(r));
        }
      }
      d.redactions = merge_redactions(std::move(reds));
    } else {
      // Release a span: cut it out of the redactions; a withheld block becomes
      // a redaction of everything else in it.
      std::vector<core::Redaction> reds;
      if (d.action == core::Action::kWithhold) {
        for (const core::Span& piece : core::body_pieces(doc.blocks[i]))
          for (const core::Span& line : split_lines(doc.source, piece)) {
            core::Redaction r;
            r.span = line;
            r.labels = d.labels;
            r.rule = d.rule;
            reds.push_back(std::move(r));
          }
        d.labels = core::LabelSet{};
      } else {
        reds = std::move(d.redactions);
      }
      std::vector<core::Redaction> kept;
      const std::string_view text = doc.source.text();
      auto blank = [&](uint32_t o) { return text[o] == ' ' || text[o] == '\t' || text[o] == '\n'; };
      auto keep = [&](core::Redaction r) {
        while (r.span.begin < r.span.end && blank(r.span.begin)) ++r.span.begin;
        while (r.span.end > r.span.begin && blank(r.span.end - 1)) --r.span.end;
        if (!r.span.empty()) kept.push_back(std::move(r));
      };
      for (auto& r : reds) {
        if (r.span.end <= span.begin || r.span.begin >= span.end) {
          kept.push_back(r);
          continue;
        }
        if (r.span.begin < span.begin) {
          core::Redaction left = r;
          left.span.end = span.begin;
          keep(std::move(left));
        }
        if (r.span.end > span.end) {
          core::Redaction right = r;
          right.span.begin = span.end;
          keep(std::move(right));
        }
      }
      d.redactions = merge_redactions(std::move(kept));
      d.action = d.redactions.empty() ? core::Action::kRelease : core::Action::kRedact;
    }
    d.by_reviewer = true;
    d.reviewer_reason = e.reason;
    d.justification =
        "reviewer override at " + e.origin.text() + ": " + e.reason + " (policy: " + before + ")";
    if (!e.release && no_reasons) append(d.justification, kNoReasonsNote);
    d.rule = "reviewer";
  }
}

const Overrides::Cable* overrides_for(const ReviewContext& ctx, const core::Document& doc) {
  if (!ctx.overrides) return nullptr;
  const std::string id = upper(doc.id);
  for (const auto& c : ctx.overrides->cables)
    if (upper(c.id) == id) return &c;
  return nullptr;
}

}  // namespace

core::Decisions decide(const CompiledPolicy& policy, const core::Document& doc,
                       const ReviewContext& ctx) {
  core::Decisions out;
  // Reused across calls on this thread: its buffers keep their capacity, so
  // deciding a cable allocates almost nothing for matching. The compiled
  // policy stays shared and read-only.
  thread_local Scratch scratch;
  out.blocks.reserve(doc.blocks.size());
  for (size_t i = 0; i < doc.blocks.size(); ++i)
    out.blocks.push_back(decide_block(policy, doc, i, ctx, scratch));
  if (const Overrides::Cable* cable = overrides_for(ctx, doc))
    for (const OverrideEntry& e : cable->entries) apply_override(policy, doc, e, out.blocks);

  bool any_released = false, all_released = true, any_record = false;
  for (size_t i = 0; i < out.blocks.size(); ++i) {
    const core::BlockDecision& d = out.blocks[i];
    if (d.action == core::Action::kWithhold) out.exemptions.merge(d.labels);
    for (const auto& r : d.redactions) out.exemptions.merge(r.labels);
    if (d.action == core::Action::kOmit || (bit(doc.blocks[i].kind) & kNonRecord) != 0) continue;
    any_record = true;
    if (d.action == core::Action::kRelease)
      any_released = true;
    else if (d.action == core::Action::kRedact)
      any_released = true, all_released = false;
    else
      all_released = false;
  }
  if (!any_record || !any_released)
    out.disposition = core::DocumentDisposition::kDeniedInFull;
  else
    out.disposition = all_released ? core::DocumentDisposition::kReleasedInFull
                                   : core::DocumentDisposition::kReleasedInPart;
  out.placeholder = policy.settings.placeholder;
  out.placeholder_step = policy.settings.placeholder_step;
  out.review.review_date = ctx.review_date;
  out.review.case_id = ctx.case_id;
  out.review.reviewer = ctx.reviewer;
  out.review.policy_name = policy.name;
  out.review.policy_version = policy.version;
  return out;
}

core::Result<core::Decisions> decide_checked(const CompiledPolicy& policy,
                                             const core::Document& doc, const ReviewContext& ctx) {
  core::Result<core::Decisions> out;
  if (const Overrides::Cable* cable = overrides_for(ctx, doc)) {
    for (const OverrideEntry& e : cable->entries) {
      if (!override_targets(doc, e, nullptr).empty()) continue;
      core::Diagnostic d;
      d.code = "override-target";
      d.path = e.origin.path;
      d.line = e.origin.line;
      d.column = e.origin.column;
      if (e.target == OverrideEntry::Target::kParagraph)
        d.message = "cable " + doc.id + " has no paragraph '" + e.paragraph + "'";
      else if (e.target == OverrideEntry::Target::kKind)
        d.message = "cable " + doc.id + " has no block of kind '" +
                    std::string(core::to_string(e.kind)) + "'";
      else
        d.message = "cable " + doc.id + " has no text between " + std::to_string(e.from.line) +
                    ":" + std::to_string(e.from.column) + " and " + std::to_string(e.to.line) +
                    ":" + std::to_string(e.to.column);
      out.diagnostics.push_back(std::move(d));
    }
  }
  if (!out.diagnostics.empty()) return out;
  out.value = decide(policy, doc, ctx);
  return out;
}

}  // namespace declass::policies
