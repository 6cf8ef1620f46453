#include "declass/core/classification.h"

#include <algorithm>
#include <array>
#include <iterator>

namespace declass::core {

std::string_view abbrev(Level l) {
  switch (l) {
    case Level::kUnclassified:
      return "U";
    case Level::kConfidential:
      return "C";
    case Level::kSecret:
      return "S";
    case Level::kTopSecret:
      return "TS";
  }
  return "TS";
}

std::string_view name(Level l) {
  switch (l) {
    case Level::kUnclassified:
      return "UNCLASSIFIED";
    case Level::kConfidential:
      return "CONFIDENTIAL";
    case Level::kSecret:
      return "SECRET";
    case Level::kTopSecret:
      return "TOP SECRET";
  }
  return "TOP SECRET";
}

namespace {

struct ControlNames {
  Control control;
  std::string_view abbrev;
  std::string_view name;
};

// Output order follows CAPCO: FGI before dissemination controls, then State captions.
constexpr std::array<ControlNames, 13> kControls = {{
    {Control::kSbu, "SBU", "SBU"},
    {Control::kFouo, "FOUO", "FOUO"},
    {Control::kFgi, "FGI", "FGI"},
    {Control::kNoforn, "NF", "NOFORN"},
    {Control::kOrcon, "OC", "ORCON"},
    {Control::kPropin, "PR", "PROPIN"},
    {Control::kRelido, "RELIDO", "RELIDO"},
    {Control::kRelTo, "REL TO", "REL TO"},
    {Control::kExdis, "XD", "EXDIS"},
    {Control::kNodis, "ND", "NODIS"},
    {Control::kLimdis, "LIMDIS", "LIMDIS"},
    {Control::kStadis, "STADIS", "STADIS"},
    {Control::kEfto, "EFTO", "EFTO"},
}};

std::string join_countries(const std::vector<std::string>& countries) {
  std::string out;
  for (const auto& c : countries) {
    if (!out.empty()) out += ", ";
    out += c;
  }
  return out;
}

std::string render(const Classification& c, bool portion) {
  std::string out(portion ? abbrev(c.level) : name(c.level));
  for (const auto& entry : kControls) {
    if (!c.has(entry.control)) continue;
    out += "//";
    if (entry.control == Control::kRelTo) {
      out += "REL TO ";
      std::vector<std::string> list = c.rel_to;
      // REL TO lists begin with USA (CAPCO).
      list.erase(std::remove(list.begin(), list.end(), "USA"), list.end());
      list.insert(list.begin(), "USA");
      out += join_countries(list);
    } else if (entry.control == Control::kFgi && !c.fgi.empty()) {
      out += "FGI ";
      for (size_t i = 0; i < c.fgi.size(); ++i) {
        if (i > 0) out += ' ';
        out += c.fgi[i];
      }
    } else {
      out += portion ? entry.abbrev : entry.name;
    }
  }
  return out;
}

}  // namespace

std::string_view abbrev(Control c) {
  for (const auto& e : kControls)
    if (e.control == c) return e.abbrev;
  return "";
}

std::string_view name(Control c) {
  for (const auto& e : kControls)
    if (e.control == c) return e.name;
  return "";
}

Classification Classification::combine(const Classification& other) const {
  Classification out;
  out.level = std::max(level, other.level);
  out.controls = controls | other.controls;

  std::vector<std::string> fgi_union;
  std::set_union(fgi.begin(), fgi.end(), other.fgi.begin(), other.fgi.end(),
                 std::back_inserter(fgi_union));
  out.fgi = std::move(fgi_union);

  // Two REL TO lists combine by intersection; one list alone stays as it is.
  if (has(Control::kRelTo) && other.has(Control::kRelTo)) {
    std::set_intersection(rel_to.begin(), rel_to.end(), other.rel_to.begin(), other.rel_to.end(),
                          std::back_inserter(out.rel_to));
  } else {
    out.rel_to = has(Control::kRelTo) ? rel_to : other.rel_to;
  }
  // NOFORN absorbs REL TO.
  if (out.has(Control::kNoforn)) {
    out.controls &= ~static_cast<uint32_t>(Control::kRelTo);
    out.rel_to.clear();
  }
  // SBU and FOUO may not appear on classified information (32 CFR 2001.23(a)).
  if (out.level > Level::kUnclassified)
    out.controls &= ~(static_cast<uint32_t>(Control::kSbu) | static_cast<uint32_t>(Control::kFouo));
  return out;
}

bool Classification::dominates(const Classification& other) const {
  if (level < other.level) return false;
  if (other.has(Control::kNoforn) && !has(Control::kNoforn)) return false;
  return true;
}

std::string Classification::text() const {
  return render(*this, false);
}
std::string Classification::portion_text() const {
  return render(*this, true);
}

std::string_view to_string(MarkingStatus s) {
  switch (s) {
    case MarkingStatus::kMarked:
      return "marked";
    case MarkingStatus::kGarbled:
      return "garbled";
    case MarkingStatus::kInherited:
      return "inherited";
    case MarkingStatus::kNotPortion:
      return "not-portion";
  }
  return "garbled";
}

}  // namespace declass::core
