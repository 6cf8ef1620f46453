// STUB — replaced by the marking grammar implementation.
#include "declass/core/classification.h"

namespace declass::core {

MarkingParse parse_portion_marking(std::string_view) { return {}; }

std::optional<Classification> parse_classification_line(std::string_view, size_t*) {
  return std::nullopt;
}

}  // namespace declass::core
