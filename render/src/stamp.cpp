#include "stamp.h"

namespace declass::render::detail {

std::string state_date(const std::string& iso) {
  if (iso.size() != 10) return "(none)";
  return iso.substr(5, 2) + "/" + iso.substr(8, 2) + "/" + iso.substr(0, 4);
}

std::vector<std::string> stamp_lines(const Stamp& stamp) {
  auto or_none = [](const std::string& s) { return s.empty() ? std::string("(none)") : s; };
  std::vector<std::string> out;
  out.push_back("U.S. Department of State  Case No. " + or_none(stamp.case_id) + "  Doc No. " +
                or_none(stamp.document_id) + "  Date: " + state_date(stamp.review_date));
  std::string disposition(core::to_string(stamp.disposition));
  if (!stamp.exemptions.empty()) disposition += "  " + stamp.exemptions.text();
  out.push_back(std::move(disposition));
  out.push_back("REVIEW AUTHORITY: " + or_none(stamp.reviewer));
  return out;
}

std::string line_text(const ViewLine& line) {
  std::string out;
  for (const Segment& s : line.segments) out += s.text;
  return out;
}

}  // namespace declass::render::detail
