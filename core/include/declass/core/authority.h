// "Classified By: ... Reasons 1.4 (b)/(d)" and "Derived From: ..." lines
// (domain.md §1.3, §2 "Classified By", §3 `classified_by`).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "declass/core/source.h"

namespace declass::core {

struct ClassificationAuthority {
  Span span;  ///< the whole block (may be several lines)
  std::string
      name;  ///< the classifier's name as written, without title or office: "J. Thomas Schieffer"
  std::string classifier;  ///< the whole classifier text as written, trimmed: "Ambassador J. Thomas
                           ///< Schieffer"
  bool derived = false;    ///< "Derived From:" rather than "Classified By:"
  std::string order;       ///< "1.4" or "1.5" as written ("1,4" is read as "1.4")
  std::string reasons;     ///< category letters, lower case, sorted, unique: "bd"
  bool truncated = false;  ///< the reason is cut off ("for reasons" with no letters)
};

/// Parses the text of a Classified By / Derived From block (starting at the
/// phrase, optionally after a paragraph number and a "(U)" mark). Pass wrapped
/// continuation lines with their line breaks: a word cut by fixed-width
/// wrapping ("Hoyt Y\nee") is rejoined; a blank line ends the block. Nothing
/// if `text` is not one.
/// 1.5(x) is kept as written in `order` and its letters go into `reasons`
/// (read as 1.4(x), domain.md §1.3).
std::optional<ClassificationAuthority> parse_classified_by(std::string_view text);

/// Offset of the first "Classified By" / "Derived From" phrase in `text`
/// (any case, also inside a line such as a REF or SUBJECT line), or npos.
size_t find_classified_by(std::string_view text);

/// "1.4(B), 1.4(D)" for reasons "bd" (the FOIA B1 label style). Empty for "".
std::string format_reasons(std::string_view reasons);

}  // namespace declass::core
