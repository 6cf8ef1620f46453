// Decisions: the contract between the policy engine (policies/) and the
// renderers (render/). For each block of a Document, exactly one action.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "declass/core/declass_instruction.h"
#include "declass/core/source.h"

namespace declass::core {

/// FOIA exemptions, 5 U.S.C. 552(b)(1)-(9), with (b)(7)(A)-(F) split out.
enum class Exemption : uint8_t {
  kB1,
  kB2,
  kB3,
  kB4,
  kB5,
  kB6,
  kB7A,
  kB7B,
  kB7C,
  kB7D,
  kB7E,
  kB7F,
  kB8,
  kB9,
};

/// "B1", "B2", "B3", "B4", "B5", "B6", "B7(A)" ... "B7(F)", "B8", "B9".
std::string_view to_string(Exemption e);
std::optional<Exemption> exemption_from_string(std::string_view s);

/// One exemption label on a withholding, e.g. "B1 1.4(B), 1.4(D)", "B6", "B3 INA 222(F)".
struct ExemptionLabel {
  Exemption code = Exemption::kB1;
  std::string reasons;  ///< B1 only: 1.4 category letters, lower case, sorted, unique ("bd")
  std::string statute;  ///< B3 only: the statute named (required for B3)

  /// State Department style: "B1 1.4(B), 1.4(D)", "B6", "B7(C)", "B3 INA 222(F)".
  std::string text() const;
  /// text() appended to `out` (no string of its own).
  void append_text(std::string& out) const;
  friend bool operator==(const ExemptionLabel&, const ExemptionLabel&) = default;
};

/// A deterministic set of labels: ordered by code; one B1 entry whose reasons
/// are the union; one B3 entry per statute.
class LabelSet {
 public:
  void add(const ExemptionLabel& label);
  void merge(const LabelSet& other);
  bool empty() const { return labels_.empty(); }
  const std::vector<ExemptionLabel>& labels() const { return labels_; }
  /// Labels joined by ", ": "B1 1.4(B), 1.4(D), B6".
  std::string text() const;
  /// text() appended to `out` (no string of its own).
  void append_text(std::string& out) const;
  friend bool operator==(const LabelSet&, const LabelSet&) = default;

 private:
  std::vector<ExemptionLabel> labels_;
};

enum class Action : uint8_t {
  kRelease,   ///< released in full
  kRedact,    ///< released except `redactions`
  kWithhold,  ///< the whole block withheld; a placeholder with `labels` remains
  kOmit,      ///< not part of the record (page furniture); disappears without a trace
};
/// "release", "redact", "withhold", "omit".
std::string_view to_string(Action a);

/// A withheld span inside a released block.
struct Redaction {
  Span span;  ///< into Source::text(); never crosses an interruption
  LabelSet labels;
  std::string rule;   ///< deciding rule id
  std::string match;  ///< term list or pattern id that matched ("" for reviewer spans)
};

struct BlockDecision {
  Action action = Action::kWithhold;  ///< fail closed by default
  LabelSet labels;                    ///< kWithhold: the labels on the placeholder
  std::string rule;                   ///< deciding rule id ("default" when no rule matched)
  std::vector<std::string>
      also_matched;  ///< every other rule whose condition held, in policy order
  std::string justification;
  std::vector<Redaction> redactions;  ///< kRedact: sorted by span, non-overlapping (merged)
  bool by_reviewer = false;           ///< a reviewer override decided
  std::string reviewer_reason;
};

enum class DocumentDisposition : uint8_t { kReleasedInFull, kReleasedInPart, kDeniedInFull };
/// "RELEASED IN FULL", "RELEASED IN PART", "DENIED IN FULL".
std::string_view to_string(DocumentDisposition d);

enum class PlaceholderStyle : uint8_t {
  kProportional,  ///< as many lines as withheld
  kQuantized,     ///< rounded up to a multiple of `placeholder_step` lines
  kFixed,         ///< one line whatever the extent
};
std::string_view to_string(PlaceholderStyle s);

/// Who reviewed, when, under which policy: printed on stamps and logs.
struct ReviewInfo {
  Date review_date;
  std::string case_id;
  std::string reviewer;
  std::string policy_name;
  std::string policy_version;
};

struct Decisions {
  std::vector<BlockDecision> blocks;  ///< parallel to Document::blocks
  DocumentDisposition disposition = DocumentDisposition::kDeniedInFull;
  LabelSet exemptions;  ///< every label used in this document
  PlaceholderStyle placeholder = PlaceholderStyle::kProportional;
  uint32_t placeholder_step = 5;  ///< kQuantized: lines per step
  ReviewInfo review;
};

}  // namespace declass::core
