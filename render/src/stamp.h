// The release stamp's wording, shared by the text and PDF writers so that both
// say exactly the same thing.
#pragma once

#include <string>
#include <vector>

#include "declass/render/release_view.h"

namespace declass::render::detail {

/// "UNCLASSIFIED": what every released page says, top and bottom.
inline constexpr const char* kUnclassified = "UNCLASSIFIED";

/// "MM/DD/YYYY" (State style) from "YYYY-MM-DD"; "(none)" if empty.
std::string state_date(const std::string& iso);

/// The stamp lines under "UNCLASSIFIED":
///   U.S. Department of State  Case No. F-2024-00001  Doc No. 07TOKYO3470  Date: 05/01/2024
///   RELEASED IN PART  B1 1.4(B), 1.4(D), B6
///   REVIEW AUTHORITY: JANE DOE
std::vector<std::string> stamp_lines(const Stamp& stamp);

/// The text of one view line: released text, placeholders as their labels.
std::string line_text(const ViewLine& line);

}  // namespace declass::render::detail
