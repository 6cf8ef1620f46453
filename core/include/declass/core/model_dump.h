// A stable, line-oriented text dump of a Document, for golden tests and
// `declass inspect` (without --json). One block per line group; positions as
// line:col; every field that matters for a release decision.
#pragma once

#include <optional>
#include <string>

#include "declass/core/document.h"

namespace declass::core {

/// Dumps `doc`; with `as_of`, adds whether the cable is declassified on that date.
std::string dump_model(const Document& doc, std::optional<Date> as_of = std::nullopt);

}  // namespace declass::core
