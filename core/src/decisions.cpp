#include "declass/core/decisions.h"

#include <algorithm>
#include <array>

#include "declass/core/authority.h"

namespace declass::core {

namespace {
constexpr std::array<std::string_view, 14> kExemptionNames = {
    "B1",    "B2",    "B3",    "B4",    "B5",    "B6", "B7(A)",
    "B7(B)", "B7(C)", "B7(D)", "B7(E)", "B7(F)", "B8", "B9"};
}  // namespace

std::string_view to_string(Exemption e) {
  return kExemptionNames[static_cast<size_t>(e)];
}

std::optional<Exemption> exemption_from_string(std::string_view s) {
  for (size_t i = 0; i < kExemptionNames.size(); ++i) {
    const std::string_view n = kExemptionNames[i];
    if (n.size() != s.size()) continue;
    bool same = true;
    for (size_t k = 0; k < n.size() && same; ++k) {
      char c = s[k];
      if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
      same = c == n[k];
    }
    if (same) return static_cast<Exemption>(i);
  }
  return std::nullopt;
}

std::string ExemptionLabel::text() const {
  std::string out;
  append_text(out);
  return out;
}

void ExemptionLabel::append_text(std::string& out) const {
  out += to_string(code);
  if (code == Exemption::kB1 && !reasons.empty()) {
    out += ' ';
    out += format_reasons(reasons);
  } else if (code == Exemption::kB3 && !statute.empty()) {
    out += ' ';
    out += statute;
  }
}

void LabelSet::add(const ExemptionLabel& label) {
  for (auto& l : labels_) {
    if (l.code != label.code) continue;
    if (label.code == Exemption::kB3 && l.statute != label.statute) continue;
    // l.reasons is sorted and unique: reasons it already has change nothing
    // (the usual case: every block of a cable carries the cable's reasons).
    if (label.code == Exemption::kB1 &&
        label.reasons.find_first_not_of(l.reasons) != std::string::npos) {
      std::string merged = l.reasons + label.reasons;
      std::sort(merged.begin(), merged.end());
      merged.erase(std::unique(merged.begin(), merged.end()), merged.end());
      l.reasons = std::move(merged);
    }
    return;
  }
  ExemptionLabel copy = label;
  if (copy.code == Exemption::kB1) {
    std::sort(copy.reasons.begin(), copy.reasons.end());
    copy.reasons.erase(std::unique(copy.reasons.begin(), copy.reasons.end()), copy.reasons.end());
  }
  auto pos =
      std::upper_bound(labels_.begin(), labels_.end(), copy, [](const auto& a, const auto& b) {
        if (a.code != b.code) return a.code < b.code;
        return a.statute < b.statute;
      });
  labels_.insert(pos, std::move(copy));
}

void LabelSet::merge(const LabelSet& other) {
  for (const auto& l : other.labels_) add(l);
}

std::string LabelSet::text() const {
  std::string out;
  append_text(out);
  return out;
}

void LabelSet::append_text(std::string& out) const {
  for (size_t k = 0; k < labels_.size(); ++k) {
    if (k > 0) out += ", ";
    labels_[k].append_text(out);
  }
}

std::string_view to_string(Action a) {
  switch (a) {
    case Action::kRelease:
      return "release";
    case Action::kRedact:
      return "redact";
    case Action::kWithhold:
      return "withhold";
    case Action::kOmit:
      return "omit";
  }
  return "withhold";
}

std::string_view to_string(DocumentDisposition d) {
  switch (d) {
    case DocumentDisposition::kReleasedInFull:
      return "RELEASED IN FULL";
    case DocumentDisposition::kReleasedInPart:
      return "RELEASED IN PART";
    case DocumentDisposition::kDeniedInFull:
      return "DENIED IN FULL";
  }
  return "DENIED IN FULL";
}

std::string_view to_string(PlaceholderStyle s) {
  switch (s) {
    case PlaceholderStyle::kProportional:
      return "proportional";
    case PlaceholderStyle::kQuantized:
      return "quantized";
    case PlaceholderStyle::kFixed:
      return "fixed";
  }
  return "proportional";
}

}  // namespace declass::core
