// STUB — replaced by the Classified By grammar implementation.
#include "declass/core/authority.h"

#include <optional>

namespace declass::core {

std::optional<ClassificationAuthority> parse_classified_by(std::string_view) { return std::nullopt; }

std::string format_reasons(std::string_view reasons) {
  std::string out;
  for (char c : reasons) {
    if (!out.empty()) out += ", ";
    out += "1.4(";
    out += static_cast<char>(c - 'a' + 'A');
    out += ')';
  }
  return out;
}

}  // namespace declass::core
