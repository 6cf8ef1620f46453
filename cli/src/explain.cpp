// `declass explain`: for every block of each cable, the action, the deciding
// rule, every other rule that matched, the labels, the justification and the
// redactions with their positions — for a reviewer (text) or for tools (--json).
#include <nlohmann/json.hpp>
#include <ostream>

#include "declass/app/commands.h"
#include "declass/core/document.h"
#include "declass/policies/engine.h"

namespace declass::app {

namespace {

std::string pos(const core::Source& src, uint32_t offset) {
  const core::Position p = src.position(offset);
  return std::to_string(p.line) + ":" + std::to_string(p.column);
}

// Position of the last character of a span (inclusive), as editors show it.
std::string last_pos(const core::Source& src, core::Span s) {
  uint32_t last = s.end > s.begin ? s.end - 1 : s.begin;
  while (last > s.begin && (static_cast<unsigned char>(src.text()[last]) & 0xC0) == 0x80) --last;
  return pos(src, last);
}

std::string quoted(std::string_view text, size_t max = 60) {
  std::string out = "\"";
  size_t n = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (n >= max && (static_cast<unsigned char>(c) & 0xC0) != 0x80) {
      out += "…";
      break;
    }
    if (c == '\n') {
      out += "\\n";
    } else if (c == '"') {
      out += "\\\"";
    } else {
      out += c;
    }
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;
  }
  return out + "\"";
}

std::string block_title(const core::Document& doc, size_t i) {
  const core::Block& b = doc.blocks[i];
  std::string t = "#" + std::to_string(i) + " " + std::string(core::to_string(b.kind));
  if (!b.label.empty()) t += " " + b.label;
  if (b.mark) t += " (" + b.mark->text + ")";
  if (b.repeated) t += " (repeated)";
  if (b.parent >= 0) t += " inside #" + std::to_string(b.parent);
  t += ", line";
  t += b.first_line == b.last_line
           ? " " + std::to_string(b.first_line)
           : "s " + std::to_string(b.first_line) + "-" + std::to_string(b.last_line);
  return t;
}

void explain_text(const core::Document& doc, const core::Decisions& d, const std::string& digest,
                  std::ostream& out) {
  out << doc.id << " (" << doc.source.path() << ")\n";
  out << "  policy: \"" << d.review.policy_name << "\""
      << (d.review.policy_version.empty() ? "" : " " + d.review.policy_version) << ", sha256 "
      << digest << '\n';
  out << "  review date: " << core::format_iso_date(d.review.review_date);
  if (!d.review.case_id.empty()) out << ", case " << d.review.case_id;
  if (!d.review.reviewer.empty()) out << ", reviewer " << d.review.reviewer;
  out << '\n';
  out << "  disposition: " << core::to_string(d.disposition) << '\n';
  out << "  exemptions: " << (d.exemptions.empty() ? "none" : d.exemptions.text()) << '\n';
  for (size_t i = 0; i < d.blocks.size() && i < doc.blocks.size(); ++i) {
    const core::BlockDecision& b = d.blocks[i];
    out << '\n' << block_title(doc, i) << ": " << core::to_string(b.action);
    if (b.action == core::Action::kWithhold && !b.labels.empty())
      out << " [" << b.labels.text() << "]";
    if (b.action == core::Action::kRedact)
      out << " (" << b.redactions.size() << (b.redactions.size() == 1 ? " span)" : " spans)");
    out << '\n';
    out << "  rule: " << b.rule << (b.by_reviewer ? " (reviewer override)" : "") << '\n';
    if (!b.also_matched.empty()) {
      out << "  also matched:";
      for (const auto& r : b.also_matched) out << ' ' << r;
      out << '\n';
    }
    if (!b.justification.empty()) out << "  why: " << b.justification << '\n';
    for (const auto& r : b.redactions) {
      out << "  redact " << pos(doc.source, r.span.begin) << "-" << last_pos(doc.source, r.span)
          << ' ' << quoted(doc.source.slice(r.span)) << " [" << r.labels.text() << "] rule "
          << r.rule;
      if (!r.match.empty()) out << ", match " << r.match;
      out << '\n';
    }
  }
}

nlohmann::ordered_json explain_json(const core::Document& doc, const core::Decisions& d,
                                    const std::string& digest) {
  using json = nlohmann::ordered_json;
  json j;
  j["id"] = doc.id;
  j["path"] = doc.source.path();
  j["policy"] = {
      {"name", d.review.policy_name}, {"version", d.review.policy_version}, {"sha256", digest}};
  j["review"] = {{"date", core::format_iso_date(d.review.review_date)},
                 {"case_id", d.review.case_id},
                 {"reviewer", d.review.reviewer}};
  j["disposition"] = std::string(core::to_string(d.disposition));
  json ex = json::array();
  for (const auto& l : d.exemptions.labels()) ex.push_back(l.text());
  j["exemptions"] = ex;
  j["placeholder"] = std::string(core::to_string(d.placeholder));
  json blocks = json::array();
  for (size_t i = 0; i < d.blocks.size() && i < doc.blocks.size(); ++i) {
    const core::Block& blk = doc.blocks[i];
    const core::BlockDecision& b = d.blocks[i];
    json jb;
    jb["index"] = i;
    jb["kind"] = std::string(core::to_string(blk.kind));
    jb["label"] = blk.label;
    jb["lines"] = json::array({blk.first_line, blk.last_line});
    jb["action"] = std::string(core::to_string(b.action));
    json labels = json::array();
    for (const auto& l : b.labels.labels()) labels.push_back(l.text());
    jb["labels"] = labels;
    jb["rule"] = b.rule;
    jb["also_matched"] = b.also_matched;
    jb["justification"] = b.justification;
    jb["by_reviewer"] = b.by_reviewer;
    if (b.by_reviewer) jb["reviewer_reason"] = b.reviewer_reason;
    json reds = json::array();
    for (const auto& r : b.redactions) {
      json jr;
      jr["from"] = pos(doc.source, r.span.begin);
      jr["to"] = last_pos(doc.source, r.span);
      jr["begin"] = r.span.begin;
      jr["end"] = r.span.end;
      jr["text"] = std::string(doc.source.slice(r.span));
      json rl = json::array();
      for (const auto& l : r.labels.labels()) rl.push_back(l.text());
      jr["labels"] = rl;
      jr["rule"] = r.rule;
      jr["match"] = r.match;
      reds.push_back(jr);
    }
    jb["redactions"] = reds;
    blocks.push_back(jb);
  }
  j["blocks"] = blocks;
  return j;
}

}  // namespace

int run_explain(const ExplainOptions& options, std::ostream& out, std::ostream& err) {
  const auto as_of = core::parse_iso_date(options.as_of);
  if (!as_of) {
    err << "declass: error: --as-of '" << options.as_of
        << "' is not a date of the form YYYY-MM-DD\n";
    return kExitUsage;
  }
  auto policy = policies::load_policy(options.policy);
  for (const auto& d : policy.diagnostics) err << d.format() << '\n';
  if (!policy.ok()) return kExitUsage;
  policies::ReviewContext ctx;
  ctx.review_date = *as_of;
  ctx.case_id = options.case_id;
  ctx.reviewer = options.reviewer;
  if (!options.overrides.empty()) {
    auto ov = policies::load_overrides(options.overrides);
    for (const auto& d : ov.diagnostics) err << d.format() << '\n';
    if (!ov.ok()) return kExitUsage;
    ctx.overrides = *ov.value;
  }
  const std::string digest = policies::policy_digest(**policy.value);
  int status = kExitOk;
  bool first = true;
  for (const auto& path : options.files) {
    auto doc = core::read_file(path);
    for (const auto& d : doc.diagnostics)
      if (d.severity == core::Severity::kError) err << d.format() << '\n';
    if (!doc.ok()) {
      status = kExitInputError;
      continue;
    }
    auto decided = policies::decide_checked(**policy.value, *doc.value, ctx);
    for (const auto& d : decided.diagnostics) err << d.format() << '\n';
    if (!decided.ok()) {
      status = kExitInputError;
      continue;
    }
    if (options.json) {
      out << explain_json(*doc.value, *decided.value, digest)
                 .dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace)
          << '\n';
    } else {
      if (!first) out << '\n';
      explain_text(*doc.value, *decided.value, digest, out);
    }
    first = false;
  }
  return status;
}

}  // namespace declass::app
