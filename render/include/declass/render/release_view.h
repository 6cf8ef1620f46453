// The release view: everything a writer may show, and nothing else. Only
// make_release_view() (release_builder.h) can fill one, and this header does not
// see the document type, so no writer can reach withheld text: a writer can
// only leak what it never received.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "declass/core/decisions.h"

namespace declass::core {
struct Document;
}  // namespace declass::core

namespace declass::render {

enum class SegmentKind : uint8_t {
  kText,         ///< released text (and the label and mark kept on a withheld paragraph)
  kStruck,       ///< a released marking shown lined through: banner class line, portion mark
  kPlaceholder,  ///< withheld material: only its label is shown, `columns` wide
};

/// A run of one kind within a line.
struct Segment {
  SegmentKind kind = SegmentKind::kText;
  std::string text;          ///< kText/kStruck: released UTF-8; kPlaceholder: the label "[B6]"
  uint32_t columns = 0;      ///< monospace columns; >= code points of `text`
  int32_t placeholder = -1;  ///< kPlaceholder: index into ReleaseView::placeholders()
};

/// One line of the release, in the order of the telegram.
struct ViewLine {
  std::vector<Segment> segments;  ///< left to right; empty for a blank line
  uint32_t source_line = 0;       ///< the source line shown; 0 on extra placeholder rows
  int32_t placeholder = -1;       ///< >= 0: a placeholder row; its last segment is a box
                                  ///< that runs to the right margin
};

enum class PlaceholderScope : uint8_t {
  kBlock,      ///< a whole block withheld (paragraph, subject ...)
  kSpan,       ///< a redaction inside a released block: shown inline, e.g. "[B6]"
  kUncovered,  ///< text outside every block of the model: withheld (fail closed)
};
/// "block", "span", "uncovered".
const char* to_string(PlaceholderScope s);

/// One withholding: what the Vaughn index lists. Never the withheld text.
struct Placeholder {
  PlaceholderScope scope = PlaceholderScope::kBlock;
  core::LabelSet labels;
  std::string label;       ///< "[B1 1.4(B), 1.4(D)]"; "[WITHHELD]" when there is no label
  std::string block_kind;  ///< "paragraph", "subject" ...; "" for uncovered text
  std::string paragraph;   ///< the block's label ("3", "A"); "" if none
  uint32_t first_source_line = 0;
  uint32_t last_source_line = 0;
  uint32_t withheld_lines = 0;  ///< source lines holding withheld text of this placeholder
  uint32_t withheld_chars =
      0;                       ///< code points withheld (blanks inside a line count, line ends not)
  uint32_t shown_lines = 0;    ///< placeholder rows after the placeholder style (0: inline only)
  std::vector<uint32_t> rows;  ///< indexes into ReleaseView::lines() where it is shown
  std::string rule;            ///< deciding rule id
  std::string match;           ///< term list or pattern id (kSpan), else ""
  std::string justification;
  bool by_reviewer = false;
};

/// The stamp data: who released what, when. All of it may be printed.
struct Stamp {
  std::string document_id;  ///< "07TOKYO3470"
  core::DocumentDisposition disposition = core::DocumentDisposition::kDeniedInFull;
  core::LabelSet exemptions;  ///< every label on a placeholder, plus the engine's list
  std::string review_date;    ///< "YYYY-MM-DD"; "" if the decisions carry none
  std::string case_id;
  std::string reviewer;
  std::string policy_name;
  std::string policy_version;
  core::PlaceholderStyle placeholder_style = core::PlaceholderStyle::kProportional;
  uint32_t placeholder_step = 5;
};

/// Released text with its layout, placeholders and stamp. Built only by
/// make_release_view(); immutable afterwards.
class ReleaseView {
 public:
  const Stamp& stamp() const { return stamp_; }
  const std::vector<ViewLine>& lines() const { return lines_; }
  const std::vector<Placeholder>& placeholders() const { return placeholders_; }

  ReleaseView(const ReleaseView&) = default;
  ReleaseView(ReleaseView&&) = default;
  ReleaseView& operator=(const ReleaseView&) = default;
  ReleaseView& operator=(ReleaseView&&) = default;

 private:
  friend ReleaseView make_release_view(const core::Document& doc, const core::Decisions& decisions);
  ReleaseView() = default;

  Stamp stamp_;
  std::vector<ViewLine> lines_;
  std::vector<Placeholder> placeholders_;
};

/// Why a block without a decision, and text outside every block, are withheld
/// (the Vaughn index prints these; verification treats them as our wording).
inline constexpr const char* kNoDecisionJustification =
    "no decision for this block: withheld (fail closed)";
inline constexpr const char* kUncoveredJustification =
    "text outside every block of the document model is withheld (fail closed)";

/// The label text shown for `labels`: "[B1 1.4(B), B6]", or "[WITHHELD]" if empty.
std::string placeholder_label(const core::LabelSet& labels);

/// Number of Unicode code points in UTF-8 `s` (continuation bytes not counted).
uint32_t count_code_points(std::string_view s);

}  // namespace declass::render
