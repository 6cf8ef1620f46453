// STUB — replaced by the model dump.
#include "declass/core/model_dump.h"

namespace declass::core {

std::string dump_model(const Document& doc, std::optional<Date>) { return doc.id + "\n"; }

}  // namespace declass::core
