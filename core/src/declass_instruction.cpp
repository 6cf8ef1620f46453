// STUB — replaced by the E.O./DECL grammar implementation.
#include "declass/core/declass_instruction.h"

namespace declass::core {

std::string_view to_string(DeclassKind) { return "unknown"; }
EoParse parse_eo_line(std::string_view, std::optional<Date>) { return {}; }
DeclassEvaluation evaluate(const DeclassInstruction&, std::optional<Date>) { return {}; }
bool declassified_as_of(const DeclassEvaluation&, Date) { return false; }
std::optional<Date> parse_iso_date(std::string_view) { return std::nullopt; }
std::string format_iso_date(Date) { return ""; }

}  // namespace declass::core
