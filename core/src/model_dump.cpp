// The model dump: document fields, then one line per block, then diagnostics.
// Stable by construction (no maps, no clocks) so that golden files can pin it.
#include "declass/core/model_dump.h"

#include <string>
#include <string_view>

namespace declass::core {

namespace {

// At most `max` code points of `s`, never cutting a UTF-8 sequence.
std::string head(std::string_view s, size_t max) {
  size_t i = 0;
  size_t cps = 0;
  while (i < s.size() && cps < max) {
    ++i;
    while (i < s.size() && (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) ++i;
    ++cps;
  }
  return std::string(s.substr(0, i));
}

// The last `max` code points of `s`.
std::string tail(std::string_view s, size_t max) {
  size_t i = s.size();
  size_t cps = 0;
  while (i > 0 && cps < max) {
    --i;
    while (i > 0 && (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) --i;
    ++cps;
  }
  return std::string(s.substr(i));
}

size_t code_points(std::string_view s) {
  size_t n = 0;
  for (char c : s)
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;
  return n;
}

// Quoted, with '"' and '\' escaped; long texts show their start and end.
std::string preview(std::string_view s) {
  std::string shown;
  if (code_points(s) <= 90) {
    shown = std::string(s);
  } else {
    shown = head(s, 60) + " … " + tail(s, 25);
  }
  std::string out = "\"";
  for (char c : shown) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  out += '"';
  return out;
}

std::string yes_no(bool b) {
  return b ? "yes" : "no";
}

std::string position(const Source& src, uint32_t offset) {
  const Position p = src.position(offset);
  return std::to_string(p.line) + ":" + std::to_string(p.column);
}

void field(std::string& out, std::string_view name, std::string_view value) {
  out += name;
  out += ": ";
  out += value;
  out += '\n';
}

}  // namespace

std::string dump_model(const Document& doc, std::optional<Date> as_of) {
  const Source& src = doc.source;
  std::string out;
  field(out, "id", doc.id);
  field(out, "layout", to_string(doc.layout));
  field(out, "created", doc.created.empty() ? "-" : doc.created);
  field(out, "origin", doc.origin.empty() ? "-" : doc.origin);
  field(out, "classification", doc.classification.text());
  if (doc.preamble) {
    const Preamble& p = *doc.preamble;
    field(out, "preamble",
          "identifier=" + p.identifier + " created=" + p.created +
              " classification=" + p.classification);
    field(out, "preamble-title", p.title);
  }
  if (doc.banner) {
    const Banner& b = *doc.banner;
    std::string v = position(src, doc.blocks[b.block].span.begin) + " \"" + b.class_text + "\"";
    if (b.section > 0)
      v += " section " + std::to_string(b.section) + "/" + std::to_string(b.section_count);
    v += " post \"" + b.post + "\" serial \"" + b.serial + "\" -> " + b.classification.text();
    field(out, "banner", v);
  } else {
    field(out, "banner", "-");
  }
  {
    const DeclassInstruction& d = doc.declass;
    std::string v = std::string(to_string(d.kind));
    if (d.kind != DeclassKind::kMissing) v += " " + preview(d.text);
    if (!d.order.empty()) v += " order=" + d.order;
    if (d.date) v += " date=" + format_iso_date(*d.date);
    if (!d.exemptions.empty()) {
      v += " exemptions=";
      for (size_t i = 0; i < d.exemptions.size(); ++i) v += (i ? "," : "") + d.exemptions[i];
    }
    if (d.duration_years > 0) v += " years=" + std::to_string(d.duration_years);
    if (!d.event.empty()) v += " event=" + preview(d.event);
    field(out, "declass", v);
    const DeclassEvaluation& e = doc.declass_eval;
    std::string ev = e.effective_date ? format_iso_date(*e.effective_date) : std::string("-");
    ev += " computable=" + yes_no(e.computable) + " hold=" + yes_no(e.exemption_hold) +
          " unclassified-or-declassified=" + yes_no(e.unclassified_or_declassified);
    field(out, "effective", ev);
    if (as_of)
      field(out, "declassified-as-of",
            format_iso_date(*as_of) + " " + yes_no(declassified_as_of(e, *as_of)));
  }
  {
    std::string tags;
    for (const auto& t : doc.tags) tags += (tags.empty() ? "" : " ") + t;
    field(out, "tags", tags.empty() ? "-" : tags);
  }
  field(out, "subject", doc.subject.empty() ? "-" : preview(doc.subject));
  if (doc.classified_by) {
    const ClassificationAuthority& a = *doc.classified_by;
    field(out, "classified-by",
          preview(a.name) + " derived=" + yes_no(a.derived) +
              " order=" + (a.order.empty() ? "-" : a.order) + " reasons=" +
              (a.reasons.empty() ? "-" : a.reasons) + " truncated=" + yes_no(a.truncated));
  } else {
    field(out, "classified-by", "-");
  }
  field(out, "partial-extract", yes_no(doc.partial_extract));
  {
    std::string v = std::to_string(doc.media_redactions.size());
    for (size_t i = 0; i < doc.media_redactions.size() && i < 8; ++i)
      v += " " + position(src, doc.media_redactions[i].begin);
    if (doc.media_redactions.size() > 8) v += " …";
    field(out, "media-redactions", v);
  }

  out += "blocks: " + std::to_string(doc.blocks.size()) + "\n";
  for (size_t i = 0; i < doc.blocks.size(); ++i) {
    const Block& b = doc.blocks[i];
    std::string line = "  #" + std::to_string(i) + " " + position(src, b.span.begin) + "-" +
                       std::to_string(b.last_line) + " " + std::string(to_string(b.kind));
    if (!b.label.empty()) line += " label=" + b.label;
    if (b.mark) line += " mark=(" + b.mark->text + ")";
    line += " " + std::string(to_string(b.marking)) + " " + b.classification.portion_text();
    if (b.parent >= 0) line += " parent=#" + std::to_string(b.parent);
    if (b.repeated) line += " repeated";
    if (b.pieces.size() > 1) line += " pieces=" + std::to_string(b.pieces.size());
    for (const auto& issue : b.issues) line += " !" + issue;
    line += " " + preview(block_text(doc, b));
    out += line;
    out += '\n';
  }
  out += "diagnostics: " + std::to_string(doc.diagnostics.size()) + "\n";
  for (const auto& d : doc.diagnostics) {
    out += "  ";
    out += d.format();
    out += '\n';
  }
  return out;
}

}  // namespace declass::core
